import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCloudTrailLog } from '../shared/reader/index.js';
import { releaseKernel, takeKernel } from '../shared/reader/wasm/record-scanner.js';
import {
  chunked,
  cloudTrailRecord,
  gzipRecords,
  gzipText,
  parsedRecords,
  plainRecords,
  readAll,
  readableOf,
} from './helpers/log-files.js';

const file = 's3://trail-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2024/08/01/log.json.gz';

function read(bytes: Uint8Array, sizes?: number[], name = file) {
  return readCloudTrailLog(chunked(bytes, sizes), { file: name });
}

describe('reading a CloudTrail log file', () => {
  const records = [
    cloudTrailRecord({ eventName: 'CreateDBInstance' }),
    cloudTrailRecord({ eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances' }),
    cloudTrailRecord({ eventName: 'DeleteDBInstance' }),
  ];

  it('delivers every record of a gzip file, in order, with its index', async () => {
    const items = parsedRecords(await readAll(read(gzipRecords(records))));
    expect(items.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(items.map((item) => item.record)).toEqual(records);
  });

  it('reads plain JSON as well as gzip, telling which in stats', async () => {
    const gzip = read(gzipRecords(records));
    const plain = read(plainRecords(records), undefined, 'log.json');
    expect(parsedRecords(await readAll(plain)).map((item) => item.record)).toEqual(records);
    expect(parsedRecords(await readAll(gzip)).map((item) => item.record)).toEqual(records);
    expect(plain.stats.gzip).toBe(false);
    expect(gzip.stats.gzip).toBe(true);
  });

  it('recognises gzip by its magic bytes, whatever the file is called', async () => {
    const reader = read(gzipRecords(records), undefined, 'log-without-extension');
    expect(parsedRecords(await readAll(reader))).toHaveLength(3);
    expect(reader.stats.gzip).toBe(true);
  });

  it('gives each record its exact JSON text as raw, and its byte offset in the decompressed text', async () => {
    const text =
      '{"Records":[ {"eventSource":"rds.amazonaws.com", "eventName":"A","eventTime":"t"} ,\n{"eventTime":"t","eventName":"B","eventSource":"s"}]}';
    const items = parsedRecords(await readAll(read(Buffer.from(text), undefined, 'log.json')));
    expect(items.map((item) => item.raw)).toEqual([
      '{"eventSource":"rds.amazonaws.com", "eventName":"A","eventTime":"t"}',
      '{"eventTime":"t","eventName":"B","eventSource":"s"}',
    ]);
    expect(items.map((item) => item.offset)).toEqual([text.indexOf('{"eventSource"'), text.indexOf('{"eventTime"')]);
  });

  it('counts offsets in bytes, not characters, after multi-byte UTF-8 text', async () => {
    const first = cloudTrailRecord({ userAgent: 'é😀 agent' });
    const text = plainRecords([first, cloudTrailRecord()]);
    const [, second] = parsedRecords(await readAll(read(text, undefined, 'log.json')));
    expect(second?.offset).toBe(text.indexOf('{', 12 + Buffer.byteLength(JSON.stringify(first))));
  });

  it('reads a pretty-printed file', async () => {
    const text = `\n  {\r\n\t"Records" :\n [\n    ${records.map((r) => JSON.stringify(r, null, 2)).join(' ,\n ')}\n  ]\n}\n\n`;
    const items = parsedRecords(await readAll(read(gzipText(text))));
    expect(items.map((item) => item.record)).toEqual(records);
    expect(items.map((item) => item.raw)).toEqual(records.map((r) => JSON.stringify(r, null, 2)));
  });

  it('skips other top-level keys before and after Records, whatever their values hold', async () => {
    const text = JSON.stringify({
      before: { nested: ['{', ']', { '"': '}' }], n: -1.5e3, t: true, z: null },
      s: 'a "quoted" \\ string with {braces} and [brackets]',
      Records: records,
      after: [[], {}, 'x', 0],
      last: false,
    });
    expect(parsedRecords(await readAll(read(Buffer.from(text), [7], 'log.json'))).map((item) => item.record)).toEqual(
      records,
    );
  });

  it('recognises a Records key written with escapes', async () => {
    const text = `{"Rec\\u006frds":[${JSON.stringify(records[0])}]}`;
    expect(parsedRecords(await readAll(read(Buffer.from(text), undefined, 'log.json')))).toHaveLength(1);
  });

  it('delivers nothing from an empty Records array, and counts nothing', async () => {
    const reader = read(gzipRecords([]));
    expect(await readAll(reader)).toEqual([]);
    expect(reader.stats).toMatchObject({ records: 0, delivered: 0, skipped: 0, malformed: 0 });
  });

  it('keeps null fields, nested objects and arrays, and strings with quotes, backslashes and brackets', async () => {
    const record = cloudTrailRecord({
      requestParameters: null,
      responseElements: { dbInstance: { tags: [{ key: 'a}b', value: '[c{' }], endpoint: null } },
      errorMessage: 'quote " backslash \\ both \\" end\\',
      additionalEventData: { deep: [[[[{ x: [] }]]]] },
    });
    const [item] = parsedRecords(await readAll(read(gzipRecords([record]), [3])));
    expect(item?.record).toEqual(record);
    expect(item?.raw).toBe(JSON.stringify(record));
  });

  it('decodes multi-byte UTF-8 split across chunks', async () => {
    const record = cloudTrailRecord({ userAgent: 'ünïcødé 日本語 😀🚀 \u2028' });
    const bytes = plainRecords([record]);
    for (const size of [1, 2, 3, 5]) {
      const [item] = parsedRecords(await readAll(read(bytes, [size], 'log.json')));
      expect(item?.record).toEqual(record);
    }
  });

  it('takes a Node Readable as its source, as an S3 GetObject body is', async () => {
    const reader = readCloudTrailLog(readableOf(gzipRecords(records), [100]), { file });
    expect(parsedRecords(await readAll(reader)).map((item) => item.record)).toEqual(records);
  });

  it('accepts plain Uint8Arrays, not only Buffers', async () => {
    const bytes = new Uint8Array(gzipRecords(records));
    async function* source() {
      yield bytes.slice(0, 10);
      yield bytes.slice(10);
    }
    expect(parsedRecords(await readAll(readCloudTrailLog(source(), { file })))).toHaveLength(3);
  });

  it('accepts a stream that delivers strings (a Readable with an encoding set)', async () => {
    const text = plainRecords([cloudTrailRecord({ userAgent: 'é😀' })]).toString('utf8');
    const stream = Readable.from([text.slice(0, 20), text.slice(20)], { objectMode: false });
    const [item] = parsedRecords(await readAll(readCloudTrailLog(stream, { file: 'log.json' })));
    expect(item?.record.userAgent).toBe('é😀');
  });

  it('reports bytes in, bytes out and record counts in stats', async () => {
    const gzip = gzipRecords(records);
    const reader = read(gzip, [64]);
    await readAll(reader);
    expect(reader.stats).toEqual({
      bytesIn: gzip.length,
      bytesOut: plainRecords(records).length,
      records: 3,
      delivered: 3,
      skipped: 0,
      malformed: 0,
      gzip: true,
      maxRecordBytesHeld: expect.any(Number),
      warnings: [],
    });
  });

  it('keeps stats live: they count what has been delivered so far', async () => {
    const reader = read(gzipRecords(records));
    const seen: number[] = [];
    for await (const item of reader) {
      void item;
      seen.push(reader.stats.delivered);
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it('stops reading the source when the caller stops iterating', async () => {
    let chunksTaken = 0;
    let closed = false;
    async function* source() {
      try {
        for await (const chunk of chunked(plainRecords(Array.from({ length: 50 }, () => cloudTrailRecord())), [200])) {
          chunksTaken++;
          yield chunk;
        }
      } finally {
        closed = true;
      }
    }
    for await (const item of readCloudTrailLog(source(), { file: 'log.json' })) {
      if (item.index === 1) break;
    }
    expect(closed).toBe(true);
    expect(chunksTaken).toBeLessThan(10);
  });

  it('stops inflating and closes a gzip source when the caller stops iterating', async () => {
    // Random text does not compress, so the file is far larger than what zlib reads ahead.
    const many = Array.from({ length: 3000 }, () => cloudTrailRecord({ padding: randomBytes(300).toString('base64') }));
    const gzip = gzipRecords(many);
    let closed = false;
    let bytesTaken = 0;
    async function* source() {
      try {
        for await (const chunk of chunked(gzip, [1024])) {
          bytesTaken += chunk.length;
          yield chunk;
        }
      } finally {
        closed = true;
      }
    }
    for await (const item of readCloudTrailLog(source(), { file })) {
      if (item.index === 10) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(true);
    expect(bytesTaken).toBeLessThan(gzip.length);
  });

  it('can be iterated only once, since its source can be read only once', async () => {
    const reader = read(gzipRecords(records));
    await readAll(reader);
    expect(() => reader[Symbol.asyncIterator]()).toThrow(/already being read/);
  });
});

describe('a huge record', () => {
  it('is assembled from many chunks, and the records around it still come through', async () => {
    const huge = cloudTrailRecord({
      requestParameters: { policy: `${'{"Statement":[\\"x\\"]} é😀 '.repeat(400_000)}` },
      responseElements: { items: Array.from({ length: 20_000 }, (_, i) => ({ i, tag: `t${i}` })) },
    });
    const records = [cloudTrailRecord({ eventName: 'Before' }), huge, cloudTrailRecord({ eventName: 'After' })];
    const gzip = gzipRecords(records);
    expect(plainRecords(records).length).toBeGreaterThan(10_000_000);

    // Small input chunks: the record spans thousands of inflated chunks. Rescanning it from its start on
    // every chunk would take hours here, so this test finishing at all shows the scan is linear.
    // Over the default record size limit (8 MiB): a caller may raise it, as here.
    const reader = readCloudTrailLog(chunked(gzip, [4096]), { file, maxRecordBytes: 32 * 1024 * 1024 });
    const items = parsedRecords(await readAll(reader));
    expect(items.map((item) => item.record.eventName)).toEqual(['Before', huge.eventName, 'After']);
    expect(items[1]?.record).toEqual(huge);
  });

  it('is scanned once by the TypeScript engine: cutting it into 2,000 chunks adds at most a few string searches per chunk', async () => {
    const huge = cloudTrailRecord({
      responseElements: { items: Array.from({ length: 50_000 }, (_, i) => `value "${i}"`) },
    });
    const bytes = plainRecords([huge]);
    async function stringSearches(chunkSize: number): Promise<number> {
      const indexOf = Buffer.prototype.indexOf;
      let calls = 0;
      Buffer.prototype.indexOf = function (this: Buffer, ...args: Parameters<Buffer['indexOf']>) {
        calls++;
        return indexOf.apply(this, args);
      };
      try {
        const [item] = parsedRecords(
          await readAll(readCloudTrailLog(chunked(bytes, [chunkSize]), { file: 'log.json', engine: 'typescript' })),
        );
        expect(item?.raw).toBe(JSON.stringify(huge));
        return calls;
      } finally {
        Buffer.prototype.indexOf = indexOf;
      }
    }
    const whole = await stringSearches(bytes.length);
    const inPieces = await stringSearches(Math.ceil(bytes.length / 2000));
    // Rescanning the record from its start on each chunk would search its 100,000 strings ~1,000 times over.
    expect(whole).toBeGreaterThan(100_000);
    expect(inPieces).toBeLessThanOrEqual(whole + 3 * 2000);
  });

  it('is scanned once by the WebAssembly engine: each byte is handed to the kernel once, however it is cut', async () => {
    const huge = cloudTrailRecord({
      responseElements: { items: Array.from({ length: 50_000 }, (_, i) => `value "${i}"`) },
    });
    const bytes = plainRecords([huge]);
    // The reader takes the kernel most recently handed back: this one, watched.
    const scanner = takeKernel();
    if (!scanner) throw new Error('the WebAssembly kernel did not load');
    const scan = scanner.scan;
    let scanned = 0;
    scanner.scan = (length) => {
      scanned += length;
      return scan(length);
    };
    releaseKernel(scanner);
    try {
      const [item] = parsedRecords(
        await readAll(
          readCloudTrailLog(chunked(bytes, [Math.ceil(bytes.length / 2000)]), { file: 'log.json', engine: 'wasm' }),
        ),
      );
      expect(item?.raw).toBe(JSON.stringify(huge));
    } finally {
      scanner.scan = scan;
    }
    // Only the `{"Records":[` before the record and the `]}` after it are the TypeScript code's.
    expect(scanned).toBeGreaterThan(bytes.length - 20);
    expect(scanned).toBeLessThanOrEqual(bytes.length);
  });

  it('split into 1 KiB chunks of plain text is assembled exactly', async () => {
    const huge = cloudTrailRecord({ errorMessage: `${'\\'.repeat(1023)}"${'x'.repeat(3000)}`.repeat(500) });
    const bytes = plainRecords([huge]);
    const [item] = parsedRecords(await readAll(readCloudTrailLog(chunked(bytes, [1024]), { file: 'log.json' })));
    expect(item?.raw).toBe(JSON.stringify(huge));
  });
});
