// Generated CloudTrail-like records as bytes, of every shape the index encoder's byte loop must treat alike
// (test/index-escape-wasm.test.ts, test/index-fast-path.test.ts): escapes of every kind, multi-byte UTF-8, invalid
// UTF-8, raw control characters, whitespace and line breaks between tokens, nesting, repeated and escaped keys, long
// strings at every length modulo 16; now and then something JSON.parse refuses.
import fc from 'fast-check';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** A piece of a string's body, as bytes: what JSON.parse takes, or (`dirty`) now and then what it refuses. */
const cleanPiece: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ09 -_./:{}[],'), maxLength: 24 }).map(utf8) },
  { weight: 2, arbitrary: fc.nat(70).map((n) => Buffer.alloc(n, 0x78)) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom('\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u00e9', '\\uD83D', '\\uDE00', '\\u2028')
      .map(utf8),
  },
  { weight: 3, arbitrary: fc.constantFrom('é', '😀', '\u2028', '中', '\u007f', '\u0080').map(utf8) },
);
const dirtyPiece: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 17, arbitrary: cleanPiece },
  { weight: 1, arbitrary: fc.constantFrom('\\q', '\\u12', '\\u12G4', '\\x').map(utf8) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom([0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82])
      .map((b) => Buffer.from(b)),
  },
  { weight: 1, arbitrary: fc.constantFrom([0x01], [0x1f], [0x0a], [0x09], [0x00]).map((b) => Buffer.from(b)) },
);

const whitespace = fc.constantFrom('', '', '', '', ' ', '\n', '\t', '\r\n  ').map(utf8);

function joined(open: string, items: Buffer[], close: string): Buffer {
  const parts: Buffer[] = [utf8(open)];
  items.forEach((item, k) => {
    if (k > 0) parts.push(utf8(','));
    parts.push(item);
  });
  parts.push(utf8(close));
  return Buffer.concat(parts);
}

const member = (k: fc.Arbitrary<Buffer>, v: fc.Arbitrary<Buffer>) =>
  fc
    .tuple(whitespace, k, whitespace, v, whitespace)
    .map(([a, kk, b, vv, c]) => Buffer.concat([a, kk, b, utf8(':'), vv, c]));

/** Strings, values and keys whose string bodies are made of `piece`s. */
function grammar(piece: fc.Arbitrary<Buffer>) {
  const jsonString = fc
    .array(piece, { maxLength: 8 })
    .map((pieces) => Buffer.concat([utf8('"'), ...pieces, utf8('"')]));
  const scalar = fc.oneof(
    { weight: 6, arbitrary: jsonString },
    { weight: 2, arbitrary: fc.constantFrom('1', '-0.5', '1e21', '123456789012', 'true', 'false', 'null').map(utf8) },
  );
  /** A key: one of `names` most often, else any string, now and then another spelling of a name. */
  const key = (names: readonly string[]): fc.Arbitrary<Buffer> =>
    fc.oneof(
      ...(names.length > 0 ? [{ weight: 6, arbitrary: fc.constantFrom(...names).map((n) => utf8(`"${n}"`)) }] : []),
      { weight: 3, arbitrary: jsonString },
      {
        weight: 1,
        arbitrary: fc.constantFrom('"event\\u0049D"', '"eventtime"', '"eventName "', '""', '"trailwatch"').map(utf8),
      },
    );
  /** A JSON value nested at most `depth` deep. */
  const value = (depth: number): fc.Arbitrary<Buffer> => {
    if (depth === 0) return scalar;
    const inner = value(depth - 1);
    return fc.oneof(
      { weight: 6, arbitrary: scalar },
      { weight: 1, arbitrary: fc.array(member(key([]), inner), { maxLength: 4 }).map((m) => joined('{', m, '}')) },
      { weight: 1, arbitrary: fc.array(inner, { maxLength: 4 }).map((m) => joined('[', m, ']')) },
    );
  };
  return { key, value };
}

export interface RecordShape {
  /** Top-level keys to use often (repeated now and then). */
  names: readonly string[];
  /** Values to give some keys often, as JSON texts (beside any value). */
  values?: Readonly<Record<string, readonly string[]>>;
  /** Keys every record has, somewhere among its members. */
  required?: readonly string[];
}

/**
 * A record: a top-level object of the given keys (and others), its members in any order; one in three has string
 * bodies with something JSON.parse refuses now and then (an invalid escape, invalid UTF-8, a raw control character).
 */
export function recordBytes(shape: RecordShape): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 2, arbitrary: recordOf(shape, cleanPiece) },
    { weight: 1, arbitrary: recordOf(shape, dirtyPiece) },
  );
}

function recordOf(shape: RecordShape, piece: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const { names, values = {}, required = [] } = shape;
  const { key, value } = grammar(piece);
  const valueFor = (name: string): fc.Arbitrary<Buffer> => {
    const given = values[name];
    return given && given.length > 0
      ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...given).map(utf8) }, { weight: 1, arbitrary: value(2) })
      : value(2);
  };
  const named = (name: string) => member(fc.constant(utf8(`"${name}"`)), valueFor(name));
  const any = fc.oneof(...names.map(named), member(key(names), value(2)));
  return fc
    .tuple(
      fc.tuple(...required.map(named)),
      fc.array(any, { maxLength: 10 }),
      fc.array(fc.nat(), { minLength: required.length, maxLength: required.length }),
    )
    .map(([must, others, positions]) => {
      const members = [...others];
      must.forEach((m, k) => {
        members.splice(positions[k]! % (members.length + 1), 0, m);
      });
      return joined('{', members, '}');
    });
}
