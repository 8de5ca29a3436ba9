// The reader checks the JSON grammar of every record, skipped ones included (shared/reader/json-grammar.ts):
// a broken file is an error at the byte where it breaks, in both engines, never a record hidden in another.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogFileError } from '../shared/errors.js';
import { MAX_DEPTH } from '../shared/reader/json-grammar.js';
import { readCloudTrailLog, recordPrefilter } from '../shared/reader/index.js';
import type { ReaderItem } from '../shared/reader/types.js';
import { chunked, cloudTrailRecord, parsedRecords, readUntilError } from './helpers/log-files.js';

const engines = ['wasm', 'typescript'] as const;
const file = 'log.json';

async function read(
  text: string,
  options: { engine: 'wasm' | 'typescript'; sizes?: readonly number[]; wanted?: string[] },
) {
  const reader = readCloudTrailLog(chunked(Buffer.from(text), options.sizes), {
    file,
    engine: options.engine,
    ...(options.wanted ? { prefilter: recordPrefilter([{ eventSources: new Set(options.wanted) }]) } : {}),
  });
  const { items, error } = await readUntilError(reader);
  if (error !== undefined && !(error instanceof LogFileError)) throw error;
  return { items, error: error as LogFileError | undefined, stats: reader.stats };
}

/** The issue's reproduction: a skipped record's `[}` and a later `]` pair up, and StopLogging vanished inside. */
const SWALLOWING =
  '{"Records":[{"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"t","x":[},' +
  '{"eventTime":"2026-11-20T10:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging"},{"y":]}]}';

describe.each(engines)('with the %s engine', (engine) => {
  it.each([
    ['skipping records of other sources', ['cloudtrail.amazonaws.com']],
    ['parsing every record', undefined],
  ])("rejects a skipped record whose '[' is closed by '}', at that byte, %s", async (_, wanted) => {
    for (const sizes of [undefined, [1], [7]]) {
      const { items, error } = await read(SWALLOWING, {
        engine,
        ...(sizes ? { sizes } : {}),
        ...(wanted ? { wanted } : {}),
      });
      expect(items).toEqual([]);
      expect(error?.code).toBe('NOT_JSON');
      expect(error?.location).toEqual({ file, offset: SWALLOWING.indexOf('[},') + 1 });
      expect(error?.message).toContain("expected a value or ']', found '}'");
    }
  });

  it.each([
    ['a comma where a colon goes', '{"eventSource":"s3.amazonaws.com","a",1}', '",1}'],
    ['a key that is not a string', '{"eventSource":"s3.amazonaws.com",a:1}', 'a:1'],
    ['two values without a comma', '{"eventSource":"s3.amazonaws.com","a":[1 2]}', ' 2]'],
    ['two literals run together', '{"eventSource":"s3.amazonaws.com","a":[truefalse]}', 'false'],
    ['a number with a leading zero', '{"eventSource":"s3.amazonaws.com","a":012}', '12}'],
    ['a trailing comma in an object', '{"eventSource":"s3.amazonaws.com","a":1,}', '}]}'],
    ['a literal misspelt', '{"eventSource":"s3.amazonaws.com","a":nul}', '}]}'],
  ])('rejects %s inside a skipped record, at the byte JSON.parse names', async (_, record, at) => {
    const text = `{"Records":[${record}]}`;
    const { error } = await read(text, { engine, wanted: ['cloudtrail.amazonaws.com'] });
    expect(error?.code).toBe('NOT_JSON');
    const offset = text.lastIndexOf(at) + (at.startsWith(' ') || at.startsWith('"') ? 1 : 0);
    expect(error?.location.offset).toBe(offset);
    const message = (() => {
      try {
        return JSON.parse(text) as never;
      } catch (parseError) {
        return (parseError as Error).message;
      }
    })();
    // V8 names a position for most errors (not for a misspelt literal).
    if (message.includes('at position')) expect(message).toContain(`at position ${offset}`);
  });

  it('reads a record nested 5,000 deep, skipped or parsed (the Data API ArrayValue is recursive)', async () => {
    const nested = `${'{"arrayValues":['.repeat(5000)}${']}'.repeat(5000)}`;
    const skipped = JSON.stringify(cloudTrailRecord({ eventSource: 's3.amazonaws.com' })).replace(
      /}$/,
      `,"deep":${nested}}`,
    );
    const wanted = JSON.stringify(cloudTrailRecord({ eventName: 'StopLogging' })).replace(/}$/, `,"deep":${nested}}`);
    const { items, error } = await read(`{"Records":[${skipped},${wanted}]}`, {
      engine,
      sizes: [4096],
      wanted: ['rds.amazonaws.com'],
    });
    expect(error).toBeUndefined();
    expect(parsedRecords(items).map((item) => [item.index, item.record.eventName])).toEqual([[1, 'StopLogging']]);
  });

  it(`rejects nesting past ${MAX_DEPTH} levels with NOT_JSON at the first bracket too many`, async () => {
    const prefix = '{"Records":[{"eventSource":"s3.amazonaws.com","x":';
    const text = `${prefix}${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}}]}`;
    const { error } = await read(text, { engine, sizes: [65536], wanted: ['rds.amazonaws.com'] });
    expect(error?.code).toBe('NOT_JSON');
    // The record's `{` is level 1: the bracket that would be level MAX_DEPTH + 1 is the error.
    expect(error?.location.offset).toBe(prefix.length + MAX_DEPTH - 1);
    expect(error?.message).toContain(`nested deeper than ${MAX_DEPTH} levels`);
  });
});

// Property tests: random structural mutations of valid log files, against JSON.parse.

const word = fc.constantFrom('a', 'é', '😀', 'x y', 'q\\"', '\\\\', '{', ']', ',', ':', '');
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    word,
    fc.integer({ min: -1000, max: 1000 }),
    fc.constantFrom(0.5, -2.5e-7, 1e21, true, false, null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(word, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const source = fc.constantFrom('rds.amazonaws.com', 's3.amazonaws.com', 'cloudtrail.amazonaws.com');
const record = fc.record({
  eventVersion: fc.constant('1.09'),
  eventTime: fc.constant('t'),
  eventSource: source,
  eventName: word,
  x: value,
});
const logFile = fc
  .tuple(fc.array(record, { minLength: 1, maxLength: 5 }), fc.constantFrom('', ' ', '\n  '))
  .map(
    ([records, space]) =>
      `{"Records":[${space}${records.map((r) => JSON.stringify(r, null, space ? 1 : undefined)).join(`,${space}`)}${space}]}`,
  );

/** Byte positions not inside a string (quotes included in neither): where a mutation keeps every string whole. */
function outsideStrings(text: string): number[] {
  const positions: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else {
      positions.push(i);
    }
  }
  positions.push(text.length);
  return positions;
}

const mutation = fc.record({
  op: fc.constantFrom('insert', 'delete', 'replace'),
  at: fc.nat(),
  char: fc.constantFrom('{', '}', '[', ']', ',', ':', ' ', '0', '1', '-', 'e', 't'),
});

function mutate(text: string, mutations: readonly { op: string; at: number; char: string }[]): string {
  for (const { op, at, char } of mutations) {
    const positions = outsideStrings(text);
    const i = positions[at % positions.length]!;
    if (op === 'insert') text = text.slice(0, i) + char + text.slice(i);
    else if (i < text.length) text = text.slice(0, i) + (op === 'replace' ? char : '') + text.slice(i + 1);
  }
  return text;
}

const chunkSizes = fc.oneof(
  fc.constant(undefined),
  fc.constant([1]),
  fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }),
);

/** What the reader must say about `text`, from JSON.parse: the records, or the byte where it is broken. */
function expected(text: string): { records: unknown[] } | { offset: number | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    return { offset: position === undefined ? undefined : Buffer.byteLength(text.slice(0, Number(position))) };
  }
  const records = (parsed as { Records?: unknown }).Records;
  return { records: Array.isArray(records) ? records : [] };
}

function outcome(items: readonly ReaderItem[], error: LogFileError | undefined) {
  return {
    items: items.map((item) =>
      item.kind === 'record'
        ? { index: item.index, record: item.record }
        : { index: item.index, code: item.error.code },
    ),
    error: error && { code: error.code, location: error.location, message: error.message },
  };
}

describe('random structural mutations of valid log files, against JSON.parse', () => {
  it('are rejected by both engines, with or without skipping, whenever JSON.parse rejects them, at the byte it names', async () => {
    await fc.assert(
      fc.asyncProperty(
        logFile,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        chunkSizes,
        fc.boolean(),
        async (original, mutations, sizes, skip) => {
          const text = mutate(original, mutations);
          const want = expected(text);
          const wanted = skip ? ['rds.amazonaws.com'] : undefined;
          const [wasm, typescript] = await Promise.all(
            engines.map((engine) => read(text, { engine, ...(sizes ? { sizes } : {}), ...(wanted ? { wanted } : {}) })),
          );
          // Both engines say the same: the same items, the same error at the same byte with the same words.
          expect(outcome(typescript!.items, typescript!.error)).toEqual(outcome(wasm!.items, wasm!.error));
          const { items, error } = wasm!;
          if ('offset' in want) {
            expect(error, text).toBeInstanceOf(LogFileError);
            expect(['NOT_JSON', 'TRUNCATED_JSON', 'NO_RECORDS_ARRAY']).toContain(error?.code);
            // Where JSON.parse names a byte, NOT_JSON names the same one. A file must be an object with a
            // `Records` array: text that is not may be rejected sooner (not a '{' first; 'Records' not an array).
            if (want.offset !== undefined) {
              if (error?.code === 'NOT_JSON' && text.startsWith('{'))
                expect(error.location.offset, text).toBe(want.offset);
              else expect(error?.location.offset, text).toBeLessThanOrEqual(want.offset);
            }
            return;
          }
          // JSON.parse accepts it: every record JSON.parse sees is read as before (or was skipped by source).
          if (error) {
            expect(error.code, text).toBe('NO_RECORDS_ARRAY');
            return;
          }
          const parsed = parsedRecords(items).map((item) => item.record);
          const recordsOf = (records: readonly unknown[]) =>
            records.filter(
              (r): r is { eventSource: string } =>
                typeof r === 'object' &&
                r !== null &&
                !Array.isArray(r) &&
                ['eventSource', 'eventName', 'eventTime'].every(
                  (field) => typeof (r as Record<string, unknown>)[field] === 'string',
                ),
            );
          const expectedRecords = recordsOf(want.records).filter(
            (r) => !wanted || r.eventSource === 'rds.amazonaws.com',
          );
          expect(parsed).toEqual(expectedRecords);
        },
      ),
      { numRuns: 400 },
    );
  });
});
