// The gzip layer of the reader (shared/reader/gunzip.ts): every record whatever follows the gzip data,
// members joined, headers with every optional field, and the trailer checked.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LogFileError } from '../shared/errors.js';
import { readCloudTrailLog, recordPrefilter } from '../shared/reader/index.js';
import { chunked, cloudTrailRecord, gzipRecords, logText, parsedRecords, readUntilError } from './helpers/log-files.js';

const file = 's3://trail-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/log.json.gz';

/** Over 256 KiB of text (more than one inflate chunk), ending with the record that matters most. */
const records = [
  ...Array.from({ length: 1500 }, (_, i) =>
    cloudTrailRecord({
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      eventID: `id-${i}`,
      requestParameters: { key: `k${i}`.repeat(20) },
    }),
  ),
  cloudTrailRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }),
];
const gzip = gzipRecords(records);

async function read(bytes: Buffer, options: { engine: 'wasm' | 'typescript'; sizes?: number[]; wanted?: string[] }) {
  const reader = readCloudTrailLog(chunked(bytes, options.sizes), {
    file,
    engine: options.engine,
    ...(options.wanted ? { prefilter: recordPrefilter([{ eventSources: new Set(options.wanted) }]) } : {}),
  });
  const { items, error } = await readUntilError(reader);
  return { items, error: error as LogFileError | undefined, stats: reader.stats };
}

describe.each(['wasm', 'typescript'] as const)('with the %s engine', (engine) => {
  it.each([
    ['17 bytes of text', Buffer.from('trailing garbage!')],
    ['one byte', Buffer.from([0x0a])],
    ['zero padding', Buffer.alloc(512)],
    ['64 KiB of random-looking bytes', Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919 + 13) & 0xff))],
  ])('keeps every record when %s follow the gzip data, then warns where they start', async (_, trailing) => {
    expect(logText(records).length).toBeGreaterThan(256 * 1024);
    for (const sizes of [undefined, [1000], [65536, 7]]) {
      const { items, error, stats } = await read(Buffer.concat([gzip, trailing]), {
        engine,
        ...(sizes ? { sizes } : {}),
      });
      expect(error).toBeUndefined();
      expect(parsedRecords(items).map((item) => item.record)).toEqual(records);
      expect(stats.warnings).toEqual([
        {
          code: 'TRAILING_BYTES',
          location: { file, compressedOffset: gzip.length },
          message: expect.stringContaining(`${trailing.length} byte`),
        },
      ]);
      expect(stats.warnings[0]?.message).toContain(`compressed byte ${gzip.length}`);
    }
  });

  it('keeps the last StopLogging behind trailing bytes when other sources are skipped', async () => {
    const { items, error } = await read(Buffer.concat([gzip, Buffer.from('0123456789abcdefXYZ')]), {
      engine,
      sizes: [65536],
      wanted: ['cloudtrail.amazonaws.com'],
    });
    expect(error).toBeUndefined();
    expect(parsedRecords(items).map((item) => item.record.eventName)).toEqual(['StopLogging']);
  });

  it('reads a multi-member gzip file (valid gzip, as gzip -d reads it) as one text, members cut anywhere', async () => {
    const text = Buffer.from(logText(records));
    const cuts = [0, 1, 12345, text.length - 3, text.length];
    const members = cuts.slice(1).map((end, k) => gzipSync(text.subarray(cuts[k], end)));
    for (const sizes of [undefined, [333]]) {
      const { items, error, stats } = await read(Buffer.concat(members), { engine, ...(sizes ? { sizes } : {}) });
      expect(error).toBeUndefined();
      expect(parsedRecords(items).map((item) => item.record)).toEqual(records);
      expect(stats.warnings).toEqual([]);
      expect(stats.bytesOut).toBe(text.length);
    }
  });

  it('reads a header with every optional field (extra, name, comment, header CRC), as the gzip tool may write', async () => {
    const deflated = gzip.subarray(10);
    const extra = Buffer.from([4, 0, 0x41, 0x42, 0, 0]); // XLEN 4, then a subfield
    const header = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0, 3]),
      extra,
      Buffer.from('log.json\0a comment\0'),
      Buffer.from([0xab, 0xcd]),
    ]);
    const { items, error } = await read(Buffer.concat([header, deflated]), { engine, sizes: [5, 3, 4096] });
    expect(error).toBeUndefined();
    expect(parsedRecords(items)).toHaveLength(records.length);
  });

  it('CORRUPT_GZIP: the size in the trailer does not match the text, after the records were delivered', async () => {
    const bad = Buffer.from(gzip);
    bad[bad.length - 1]! ^= 0x01;
    const { items, error } = await read(bad, { engine });
    expect(error?.code).toBe('CORRUPT_GZIP');
    expect(error?.location).toEqual({ file, compressedOffset: gzip.length - 8 });
    expect(parsedRecords(items)).toHaveLength(records.length);
  });

  it('CORRUPT_GZIP: what follows starts like another member but is not one', async () => {
    const { items, error } = await read(
      Buffer.concat([gzip, Buffer.from([0x1f, 0x8b, 0x09, 0, 0, 0, 0, 0, 0, 0, 1, 2])]),
      { engine },
    );
    expect(error?.code).toBe('CORRUPT_GZIP');
    expect(error?.location).toEqual({ file, compressedOffset: gzip.length });
    expect(parsedRecords(items)).toHaveLength(records.length);
  });

  it('lets a caller stop early even while the source is waiting for bytes that never come', async () => {
    async function* stalled(): AsyncGenerator<Uint8Array> {
      yield gzip.subarray(0, 30_000);
      await new Promise(() => {}); // a body that stalls for ever
    }
    const reader = readCloudTrailLog(stalled(), { file, engine });
    let seen = 0;
    for await (const item of reader) {
      if (item.kind === 'record' && ++seen === 10) break;
    }
    expect(seen).toBe(10);
  });

  it('TRUNCATED_GZIP: the file ends inside a header', async () => {
    const { error } = await read(gzip.subarray(0, 6), { engine });
    expect(error?.code).toBe('TRUNCATED_GZIP');
    expect(error?.location).toEqual({ file, compressedOffset: 6 });
  });
});
