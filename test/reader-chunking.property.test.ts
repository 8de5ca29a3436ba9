// However a log file is cut into chunks, the reader yields what JSON.parse of the whole file gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonObject, type JsonValue } from '../shared/cloudtrail.js';
import { readCloudTrailLog } from '../shared/reader/index.js';
import type { ReaderItem } from '../shared/reader/types.js';
import { chunked, gzipText, readAll } from './helpers/log-files.js';

/** Strings heavy in what trips a byte-level scanner: quotes, backslashes, brackets, multi-byte UTF-8. */
const trickyString = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      '"',
      '\\',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      ' ',
      'a',
      'u',
      'é',
      '日',
      '😀',
      '\n',
      '\u2028',
      '\u0000',
    ),
  }),
  fc.string({ unit: 'binary' }),
  fc.string(),
);

const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    trickyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const cloudTrailRecord = fc
  .record({
    eventSource: fc.constantFrom('rds.amazonaws.com', 'ec2.amazonaws.com', 'rdsdata.amazonaws.com', 's3.amazonaws.com'),
    eventName: trickyString,
    eventTime: fc.constant('2024-08-01T13:29:57Z'),
    requestParameters: fc.oneof(fc.constant(null), fc.dictionary(trickyString, jsonValue, { maxKeys: 5 })),
  })
  .chain((record) => fc.dictionary(trickyString, jsonValue, { maxKeys: 3 }).map((extra) => ({ ...extra, ...record })));

/** Mostly records; now and then an element the reader must report: not an object, or missing a field. */
const element: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 8, arbitrary: cloudTrailRecord },
  { weight: 1, arbitrary: jsonValue },
  { weight: 1, arbitrary: fc.dictionary(trickyString, jsonValue, { maxKeys: 3 }) },
);

const layout = fc.record({
  indent: fc.constantFrom(undefined, 0, 1, 2, '\t'),
  crlf: fc.boolean(),
  before: fc.dictionary(
    trickyString.filter((key) => key !== 'Records'),
    jsonValue,
    { maxKeys: 2 },
  ),
  after: fc.dictionary(
    trickyString.filter((key) => key !== 'Records'),
    jsonValue,
    { maxKeys: 2 },
  ),
});

type Layout = typeof layout extends fc.Arbitrary<infer T> ? T : never;

function logFileText(records: JsonValue[], { indent, crlf, before, after }: Layout): string {
  const text = JSON.stringify({ ...before, Records: records, ...after }, null, indent);
  // Outside strings a pretty-printed file's newlines are whitespace; inside strings they are escaped.
  return crlf ? text.replaceAll('\n', '\r\n') : text;
}

const chunkSizes = fc.oneof(
  fc.constant([1]),
  fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 8 }),
  fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
);

type Expected = { kind: 'record'; record: unknown } | { kind: 'malformed'; code: string };

/** What the reader must make of each element of `Records`, by the rules of the contract. */
function expectedItem(value: JsonValue): Expected {
  if (!isJsonObject(value)) return { kind: 'malformed', code: 'RECORD_NOT_OBJECT' };
  const complete = ['eventSource', 'eventName', 'eventTime'].every((field) => typeof value[field] === 'string');
  return complete ? { kind: 'record', record: value } : { kind: 'malformed', code: 'RECORD_MISSING_FIELD' };
}

function observed(item: ReaderItem): Expected {
  return item.kind === 'record'
    ? { kind: 'record', record: item.record }
    : { kind: 'malformed', code: item.error.code };
}

describe.each(['wasm', 'typescript'] as const)('reading the same file in chunks of any size (%s engine)', (engine) => {
  it('yields exactly the elements JSON.parse finds in Records, plain or gzip', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(element, { maxLength: 12 }),
        layout,
        chunkSizes,
        fc.boolean(),
        async (records, form, sizes, gzip) => {
          const text = logFileText(records, form);
          const bytes = Buffer.from(text, 'utf8');
          const input = gzip ? gzipText(text) : bytes;
          const reader = readCloudTrailLog(chunked(input, sizes), { file: gzip ? 'log.json.gz' : 'log.json', engine });
          const items = await readAll(reader);

          const whole = JSON.parse(text) as { Records: JsonValue[] };
          expect(items.map(observed)).toEqual(whole.Records.map(expectedItem));
          expect(items.map((item) => item.index)).toEqual(whole.Records.map((_, index) => index));
          for (const item of items) {
            if (item.kind !== 'record') continue;
            // raw is the exact text at the record's offset.
            const rawBytes = Buffer.byteLength(item.raw);
            expect(bytes.subarray(item.offset, item.offset + rawBytes).toString('utf8')).toBe(item.raw);
          }
          expect(reader.stats).toMatchObject({
            bytesIn: input.length,
            bytesOut: bytes.length,
            records: whole.Records.length,
            delivered: items.filter((item) => item.kind === 'record').length,
            malformed: items.filter((item) => item.kind === 'malformed').length,
            skipped: 0,
            gzip,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives each element the same offset, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(element, { maxLength: 8 }), layout, chunkSizes, async (records, form, sizes) => {
        const bytes = Buffer.from(logFileText(records, form), 'utf8');
        const whole = await readAll(readCloudTrailLog(chunked(bytes), { file: 'log.json', engine }));
        const pieces = await readAll(readCloudTrailLog(chunked(bytes, sizes), { file: 'log.json', engine }));
        expect(pieces.map((item) => item.offset)).toEqual(whole.map((item) => item.offset));
        // An offset points at the element's first byte: `{` for every record.
        for (const item of whole)
          if (item.kind === 'record') expect(String.fromCharCode(bytes[item.offset]!)).toBe('{');
      }),
      { numRuns: 200 },
    );
  });

  it('finds the end of strings whose escapes are cut at every possible place', async () => {
    // Runs of backslashes before quotes, cut into 1..4-byte chunks: the escape state must cross chunks.
    const backslashHeavy = fc.string({ unit: fc.constantFrom('\\', '"', '\\\\', '\\"', 'x'), maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(backslashHeavy, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        async (values, size) => {
          const records = values.map((value) => ({
            eventSource: value,
            eventName: `${value}\\`,
            eventTime: '"',
            [value]: [value],
          }));
          const bytes = Buffer.from(JSON.stringify({ Records: records }));
          const items = await readAll(readCloudTrailLog(chunked(bytes, [size]), { file: 'log.json', engine }));
          expect(items.map(observed)).toEqual(records.map((record) => ({ kind: 'record', record })));
        },
      ),
      { numRuns: 300 },
    );
  });
});
