import { beforeAll, describe, expect, it } from 'vitest';
import { LogFileError, MalformedRecordError } from '../shared/errors.js';
import { readCloudTrailLog } from '../shared/reader/index.js';
import type { MalformedRecord, ReaderItem } from '../shared/reader/types.js';
import {
  chunked,
  cloudTrailRecord,
  failingAfter,
  gzipRecords,
  gzipText,
  parsedRecords,
  plainRecords,
  readAll,
  readUntilError,
  readableOf,
} from './helpers/log-files.js';

const gzName = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/08/01/log.json.gz';
const jsonName = 'events/logs/sample.json';

/** Which engine scans the records: every test below runs with each (set by the describe.each). */
let engine: 'wasm' | 'typescript' = 'wasm';

function readText(text: string | Buffer, sizes: number[] = [5]) {
  return readCloudTrailLog(chunked(Buffer.from(text), sizes), { file: jsonName, engine });
}

async function fatalError(
  reader: ReturnType<typeof readCloudTrailLog>,
): Promise<{ items: ReaderItem[]; error: LogFileError }> {
  const { items, error } = await readUntilError(reader);
  expect(error).toBeInstanceOf(LogFileError);
  return { items, error: error as LogFileError };
}

function malformedItems(items: ReaderItem[]): MalformedRecord[] {
  return items.filter((item): item is MalformedRecord => item.kind === 'malformed');
}

const A = cloudTrailRecord({ eventName: 'A' });
const B = cloudTrailRecord({ eventName: 'B' });

describe.each(['wasm', 'typescript'] as const)('with the %s engine', (engineName) => {
  beforeAll(() => {
    engine = engineName;
  });

  describe('fatal errors: the file as a whole cannot be read', () => {
    it('NOT_GZIP: a .gz name over plain content', async () => {
      const { items, error } = await fatalError(
        readCloudTrailLog(chunked(plainRecords([A])), { file: gzName, engine }),
      );
      expect(items).toEqual([]);
      expect(error.code).toBe('NOT_GZIP');
      expect(error.location).toEqual({ file: gzName, compressedOffset: 0 });
      expect(error.message).toContain(gzName);
    });

    it('NOT_GZIP: an empty .gz file', async () => {
      const { error } = await fatalError(readCloudTrailLog(chunked(Buffer.alloc(0)), { file: gzName, engine }));
      expect(error.code).toBe('NOT_GZIP');
    });

    it('NOT_GZIP is told from the first two bytes even when they arrive one at a time', async () => {
      const reader = readCloudTrailLog(chunked(gzipRecords([A]), [1]), { file: gzName, engine });
      expect(parsedRecords(await readAll(reader))).toHaveLength(1);
    });

    it('CORRUPT_GZIP: damaged compressed data', async () => {
      const gzip = gzipRecords([A, B]);
      gzip.fill(0xff, 20, 40);
      const { error } = await fatalError(readCloudTrailLog(chunked(gzip), { file: gzName, engine }));
      expect(error.code).toBe('CORRUPT_GZIP');
      expect(error.location.file).toBe(gzName);
      expect(error.location.compressedOffset).toEqual(expect.any(Number));
      expect(error.cause).toBeInstanceOf(Error);
    });

    it('CORRUPT_GZIP: a bad checksum at the end, after the records were delivered', async () => {
      const gzip = gzipRecords([A, B]);
      gzip[gzip.length - 8]! ^= 0xff;
      const { items, error } = await fatalError(readCloudTrailLog(chunked(gzip), { file: gzName, engine }));
      expect(error.code).toBe('CORRUPT_GZIP');
      expect(parsedRecords(items).map((item) => item.record)).toEqual([A, B]);
    });

    it('TRUNCATED_GZIP: the compressed data ends early; the records before the cut are delivered', async () => {
      const records = Array.from({ length: 400 }, (_, i) =>
        cloudTrailRecord({ eventID: `id-${i}-${'x'.repeat(i % 37)}` }),
      );
      const gzip = gzipRecords(records);
      const cut = gzip.subarray(0, Math.floor(gzip.length * 0.8));
      const { items, error } = await fatalError(readCloudTrailLog(chunked(cut, [512]), { file: gzName, engine }));
      expect(error.code).toBe('TRUNCATED_GZIP');
      expect(error.location).toEqual({ file: gzName, compressedOffset: cut.length });
      const delivered = parsedRecords(items);
      expect(delivered.length).toBeGreaterThan(100);
      expect(delivered.map((item) => item.record)).toEqual(records.slice(0, delivered.length));
    });

    it('TRUNCATED_GZIP: only the gzip trailer is missing', async () => {
      const gzip = gzipRecords([A]);
      const { items, error } = await fatalError(
        readCloudTrailLog(chunked(gzip.subarray(0, gzip.length - 4)), { file: gzName, engine }),
      );
      expect(error.code).toBe('TRUNCATED_GZIP');
      expect(parsedRecords(items)).toHaveLength(1);
    });

    it('NOT_JSON: the first non-whitespace byte is not {, with its offset', async () => {
      const { error } = await fatalError(readText('  \n [{"Records":[]}]'));
      expect(error.code).toBe('NOT_JSON');
      expect(error.location).toEqual({ file: jsonName, offset: 4 });
    });

    it('NOT_JSON: HTML or other text where a log file should be, gzipped', async () => {
      const { error } = await fatalError(
        readCloudTrailLog(chunked(gzipText('<Error>AccessDenied</Error>')), { file: gzName, engine }),
      );
      expect(error.code).toBe('NOT_JSON');
      expect(error.location).toEqual({ file: gzName, offset: 0 });
    });

    it('NOT_JSON: an empty or whitespace-only file', async () => {
      const { error } = await fatalError(readText(' \n\t '));
      expect(error.code).toBe('NOT_JSON');
      expect(error.location.offset).toBe(4);
    });

    it('NOT_JSON: a structural byte that cannot be there, after the records before it', async () => {
      const text = `{"Records":[${JSON.stringify(A)},${JSON.stringify(B)} : ${JSON.stringify(A)}]}`;
      const { items, error } = await fatalError(readText(text));
      expect(error.code).toBe('NOT_JSON');
      expect(error.location.offset).toBe(text.indexOf(' : ') + 1);
      expect(parsedRecords(items).map((item) => item.record)).toEqual([A, B]);
    });

    it.each([
      ['a trailing comma in Records', `{"Records":[${JSON.stringify(A)},]}`, ']}'],
      [
        'a missing comma between records',
        `{"Records":[${JSON.stringify(A)} ${JSON.stringify(B)}]}`,
        ` ${JSON.stringify(B)}`,
      ],
      ['a key without quotes', '{Records:[]}', 'Records'],
      ['a missing colon', '{"Records" []}', '[]'],
      ['text after the top-level object', '{"Records":[]} {}', '{}'],
    ])('NOT_JSON: %s', async (_, text, at) => {
      const { error } = await fatalError(readText(text));
      expect(error.code).toBe('NOT_JSON');
      expect(error.location.offset).toBe(text.lastIndexOf(at) + (at.startsWith(' ') ? 1 : 0));
    });

    it('NO_RECORDS_ARRAY: a top-level object without Records, offset at its end', async () => {
      const text = '{"records":[],"Other":{"Records":[]}}';
      const { error } = await fatalError(readText(text));
      expect(error.code).toBe('NO_RECORDS_ARRAY');
      expect(error.location).toEqual({ file: jsonName, offset: text.length - 1 });
    });

    it('NO_RECORDS_ARRAY: Records that is not an array, offset at its value', async () => {
      for (const value of ['{}', '"x"', 'null', '3']) {
        const text = `{"Records": ${value}}`;
        const { error } = await fatalError(readText(text));
        expect(error.code).toBe('NO_RECORDS_ARRAY');
        expect(error.location.offset).toBe(12);
      }
    });

    it.each([
      ['spelt the same', '"Records"'],
      ['spelt with an escape', '"Rec\\u006frds"'],
    ])(
      'DUPLICATE_RECORDS: a second Records key, %s, at that key (JSON.parse would keep only the last array)',
      async (_, key) => {
        const text = `{"Records":[${JSON.stringify(A)}],"other":1,${key}:[${JSON.stringify(B)}]}`;
        const { items, error } = await fatalError(readText(text));
        expect(error.code).toBe('DUPLICATE_RECORDS');
        expect(error.location).toEqual({ file: jsonName, offset: text.indexOf(key, 12) });
        expect(parsedRecords(items).map((item) => item.record)).toEqual([A]);
      },
    );

    it('a key that only looks like Records is another key', async () => {
      const items = await readAll(
        readText(`{"Records":[${JSON.stringify(A)}],"records":[${JSON.stringify(B)}],"Records ":[]}`),
      );
      expect(parsedRecords(items).map((item) => item.record)).toEqual([A]);
    });

    it('TRUNCATED_JSON: the text ends inside a record; the complete records are delivered', async () => {
      const text = plainRecords([A, B]).toString();
      const cut = text.slice(0, text.length - 10);
      const { items, error } = await fatalError(readText(cut));
      expect(error.code).toBe('TRUNCATED_JSON');
      expect(error.location).toEqual({ file: jsonName, offset: cut.length, recordIndex: 1 });
      expect(parsedRecords(items).map((item) => item.record)).toEqual([A]);
    });

    it('TRUNCATED_JSON: the text ends between records, or before the closing brace', async () => {
      for (const text of [
        '{"Records":[',
        `{"Records":[${JSON.stringify(A)},`,
        `{"Records":[${JSON.stringify(A)}]`,
        '{"Rec',
      ]) {
        const { error } = await fatalError(readText(text));
        expect(error.code).toBe('TRUNCATED_JSON');
        expect(error.location).toEqual({ file: jsonName, offset: text.length });
      }
    });

    it('TRUNCATED_JSON inside gzip that is itself complete', async () => {
      const { error } = await fatalError(
        readCloudTrailLog(chunked(gzipText('{"Records":[{"a":')), { file: gzName, engine }),
      );
      expect(error.code).toBe('TRUNCATED_JSON');
      expect(error.location).toEqual({ file: gzName, offset: 17, recordIndex: 0 });
    });

    it('READ_FAILED: the source fails mid-file; records before are delivered and the cause kept', async () => {
      const bytes = plainRecords([A, B]);
      const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      const firstPart = bytes.subarray(0, bytes.indexOf('{"eventVersion"', 20));
      const { items, error } = await fatalError(
        readCloudTrailLog(failingAfter(firstPart, reset), { file: jsonName, engine }),
      );
      expect(error.code).toBe('READ_FAILED');
      expect(error.cause).toBe(reset);
      expect(error.location).toEqual({ file: jsonName, offset: firstPart.length });
      expect(parsedRecords(items).map((item) => item.record)).toEqual([A]);
    });

    it('READ_FAILED from a gzip source, at the compressed offset', async () => {
      const gzip = gzipRecords([A, B]);
      const reset = new Error('socket hang up');
      const { error } = await fatalError(
        readCloudTrailLog(failingAfter(gzip.subarray(0, 30), reset), { file: gzName, engine }),
      );
      expect(error.code).toBe('READ_FAILED');
      expect(error.cause).toBe(reset);
      expect(error.location).toEqual({ file: gzName, compressedOffset: 30 });
    });

    it('READ_FAILED from a Node Readable that is destroyed with an error', async () => {
      const stream = readableOf(gzipRecords([A, B]), [10]);
      const reset = new Error('aborted');
      stream.once('data', () => stream.destroy(reset));
      const { error } = await fatalError(readCloudTrailLog(stream, { file: gzName, engine }));
      expect(error.code).toBe('READ_FAILED');
      expect(error.cause).toBe(reset);
    });
  });

  describe('malformed records: skipped, reported, and reading goes on', () => {
    it('RECORD_NOT_OBJECT: each non-object element is skipped exactly, with index and offset', async () => {
      const text = `{"Records":[${JSON.stringify(A)}, 42, "a string with ] and }", null, true, [1, {"x": ["]"]}], -0.5e+3, ${JSON.stringify(B)}]}`;
      const items = await readAll(readText(text, [3]));
      expect(items.map((item) => (item.kind === 'record' ? item.record.eventName : item.error.code))).toEqual([
        'A',
        'RECORD_NOT_OBJECT',
        'RECORD_NOT_OBJECT',
        'RECORD_NOT_OBJECT',
        'RECORD_NOT_OBJECT',
        'RECORD_NOT_OBJECT',
        'RECORD_NOT_OBJECT',
        'B',
      ]);
      const malformed = malformedItems(items);
      expect(malformed.map((item) => item.index)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(malformed.map((item) => item.offset)).toEqual(
        ['42', '"a string', 'null', 'true', '[1,', '-0.5e+3'].map((value) => text.indexOf(value)),
      );
      for (const item of malformed) {
        expect(item.error).toBeInstanceOf(MalformedRecordError);
        expect(item.error.location).toEqual({ file: jsonName, recordIndex: item.index, offset: item.offset });
      }
      expect(malformed.map((item) => item.error.message.split(': ').pop())).toEqual([
        'record is a number, not an object',
        'record is a string, not an object',
        'record is null, not an object',
        'record is a boolean, not an object',
        'record is an array, not an object',
        'record is a number, not an object',
      ]);
    });

    it('RECORD_NOT_JSON: a {...} element JSON.parse rejects (inside a string), between two good records', async () => {
      // The splitter checks the structure; what is inside strings only JSON.parse checks (json-grammar.ts).
      const bad = '{"eventSource": "rds.amazonaws.com", "eventName": "bad \\x escape", "eventTime": "t"}';
      const text = `{"Records":[${JSON.stringify(A)},${bad},${JSON.stringify(B)}]}`;
      const items = await readAll(readText(text));
      expect(items.map((item) => item.kind)).toEqual(['record', 'malformed', 'record']);
      const [malformed] = malformedItems(items);
      expect(malformed?.error.code).toBe('RECORD_NOT_JSON');
      expect(malformed?.error.location).toEqual({ file: jsonName, recordIndex: 1, offset: text.indexOf(bad) });
      expect(malformed?.error.cause).toBeInstanceOf(SyntaxError);
    });

    it('NOT_JSON, not a malformed record: mismatched brackets inside a record, at the bracket (where it ends is unknowable)', async () => {
      const text = `{"Records":[${JSON.stringify(A)},{"a":[1}],${JSON.stringify(B)}]}`;
      const { items, error } = await fatalError(readText(text));
      expect(error.code).toBe('NOT_JSON');
      expect(error.location).toEqual({ file: jsonName, offset: text.indexOf('1}') + 1 });
      expect(error.message).toContain("expected ',' or ']' after an array element, found '}'");
      expect(parsedRecords(items).map((item) => item.record)).toEqual([A]);
    });

    it.each([
      ['eventSource', { eventSource: undefined }],
      ['eventName', { eventName: null }],
      ['eventTime', { eventTime: 1722518997 }],
    ])('RECORD_MISSING_FIELD: %s missing or not a string', async (field, change) => {
      const bad = { ...cloudTrailRecord(), ...change };
      const items = await readAll(readCloudTrailLog(chunked(gzipRecords([A, bad, B])), { file: gzName, engine }));
      expect(items.map((item) => item.kind)).toEqual(['record', 'malformed', 'record']);
      const [malformed] = malformedItems(items);
      expect(malformed?.error.code).toBe('RECORD_MISSING_FIELD');
      expect(malformed?.error.message).toContain(`'${field}'`);
      expect(malformed?.error.location).toMatchObject({ file: gzName, recordIndex: 1 });
    });

    it('counts malformed records in stats beside the delivered ones', async () => {
      const text = `{"Records":[${JSON.stringify(A)}, 1, {"bad":"\\q"}, {"eventName":"x"}, ${JSON.stringify(B)}]}`;
      const reader = readText(text);
      await readAll(reader);
      expect(reader.stats).toMatchObject({ records: 5, delivered: 2, malformed: 3, skipped: 0 });
    });
  });
});
