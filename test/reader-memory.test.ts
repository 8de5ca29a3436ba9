// Memory stays bounded whatever a record's size (issue 11, item 4): a record no rule wants is skipped without
// being held, and one that may matter over the size limit is reported (RECORD_TOO_LARGE), never held whole.
// Memory is watched through the reader's own counter (stats.maxRecordBytesHeld), not the process's RSS.
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCloudTrailLog, recordPrefilter } from '../shared/reader/index.js';
import { DEFAULT_MAX_RECORD_BYTES } from '../shared/reader/record-splitter.js';
import type { MalformedRecord, ReaderItem } from '../shared/reader/types.js';
import { chunked, cloudTrailRecord, parsedRecords, readAll } from './helpers/log-files.js';

const file = 's3://trail-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/bomb.json.gz';
const STOP_LOGGING = JSON.stringify(
  cloudTrailRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }),
);

/**
 * A gzip bomb, generated as a stream (never whole in memory): `{"Records":[<head>"<size bytes of a>"<tail>,
 * StopLogging]}`. Its compressed size is ~1/1000 of its text.
 */
function bomb(head: string, size: number, tail: string): Readable {
  const piece = Buffer.alloc(1 << 20, 'a');
  async function* text(): AsyncGenerator<Buffer> {
    yield Buffer.from(`{"Records":[${head}"`);
    for (let left = size; left > 0; left -= piece.length) yield left >= piece.length ? piece : piece.subarray(0, left);
    yield Buffer.from(`"${tail},${STOP_LOGGING}]}`);
  }
  return Readable.from(text()).pipe(createGzip({ level: 1 }));
}

function malformed(items: readonly ReaderItem[]): MalformedRecord[] {
  return items.filter((item): item is MalformedRecord => item.kind === 'malformed');
}

const HUGE = 64 * 1024 * 1024;
const offsetOfFirstRecord = '{"Records":['.length;

describe.each(['wasm', 'typescript'] as const)('with the %s engine', (engine) => {
  it.each([
    ['before the huge string', '{"eventSource":"s3.amazonaws.com","eventName":"PutObject","eventTime":"t","x":', '}'],
    ['after the huge string', '{"x":', ',"eventSource":"s3.amazonaws.com","eventName":"PutObject","eventTime":"t"}'],
  ])('skips a 64 MiB record no rule wants, eventSource %s, holding at most the limit of it', async (_, head, tail) => {
    const reader = readCloudTrailLog(bomb(head, HUGE, tail), {
      file,
      engine,
      prefilter: recordPrefilter([{ eventSources: new Set(['cloudtrail.amazonaws.com']) }]),
    });
    const items = await readAll(reader);
    expect(parsedRecords(items).map((item) => [item.index, item.record.eventName])).toEqual([[1, 'StopLogging']]);
    expect(reader.stats).toMatchObject({ records: 2, skipped: 1, malformed: 0, delivered: 1 });
    expect(reader.stats.bytesOut).toBeGreaterThan(HUGE);
    expect(reader.stats.maxRecordBytesHeld).toBeLessThanOrEqual(DEFAULT_MAX_RECORD_BYTES);
  });

  it.each([
    [
      'from a source a rule wants',
      recordPrefilter([{ eventSources: new Set(['s3.amazonaws.com', 'cloudtrail.amazonaws.com']) }]),
    ],
    ['when every record is parsed', undefined],
  ])('reports a 64 MiB record %s as RECORD_TOO_LARGE at its offset, and reads on', async (_, prefilter) => {
    const head = '{"eventSource":"s3.amazonaws.com","eventName":"PutObject","eventTime":"t","x":';
    const reader = readCloudTrailLog(bomb(head, HUGE, '}'), { file, engine, ...(prefilter ? { prefilter } : {}) });
    const items = await readAll(reader);
    const [tooLarge] = malformed(items);
    expect(tooLarge?.error.code).toBe('RECORD_TOO_LARGE');
    expect(tooLarge?.error.location).toEqual({ file, recordIndex: 0, offset: offsetOfFirstRecord });
    expect(tooLarge?.error.message).toContain(
      `record is ${head.length + HUGE + 3} bytes, over the ${DEFAULT_MAX_RECORD_BYTES}-byte limit`,
    );
    expect(parsedRecords(items).map((item) => item.record.eventName)).toEqual(['StopLogging']);
    expect(reader.stats.maxRecordBytesHeld).toBeLessThanOrEqual(DEFAULT_MAX_RECORD_BYTES);
  });
});

describe('the record size limit, whatever the chunking and the engine', () => {
  const sources = ['s3.amazonaws.com', 'cloudtrail.amazonaws.com'] as const;
  const record = fc.record({
    source: fc.constantFrom(...sources),
    before: fc.boolean(), // eventSource before or after the padding
    padding: fc.integer({ min: 0, max: 300 }),
  });

  it('parses records up to it, skips larger unwanted ones, reports larger wanted ones, and holds no more than it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 120, max: 250 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 4 }),
        async (records, limit, sizes) => {
          const texts = records.map(({ source, before, padding }) => {
            const fields = `"eventName":"E","eventTime":"t"`;
            const pad = `"pad":"${'p'.repeat(padding)}"`;
            return before
              ? `{"eventSource":"${source}",${fields},${pad}}`
              : `{${pad},${fields},"eventSource":"${source}"}`;
          });
          const text = Buffer.from(`{"Records":[${texts.join(',')}]}`);
          const outcomes = await Promise.all(
            (['wasm', 'typescript'] as const).map(async (engine) => {
              const reader = readCloudTrailLog(chunked(text, sizes), {
                file: 'log.json',
                engine,
                maxRecordBytes: limit,
                prefilter: recordPrefilter([{ eventSources: new Set(['cloudtrail.amazonaws.com']) }]),
              });
              const items = await readAll(reader);
              expect(reader.stats.maxRecordBytesHeld).toBeLessThanOrEqual(limit);
              return items.map((item) =>
                item.kind === 'record' ? [item.index, 'record'] : [item.index, item.error.code],
              );
            }),
          );
          // Both engines agree exactly; a wanted record is parsed up to the limit and reported past it; an
          // unwanted one past the limit is skipped, or reported when its eventSource value was cut by a chunk
          // (then the scan cannot be sure of it, and says so rather than guess).
          expect(outcomes[1]).toEqual(outcomes[0]);
          const expected = texts.flatMap((recordText, index) => {
            const over = Buffer.byteLength(recordText) > limit;
            if (records[index]!.source === 'cloudtrail.amazonaws.com')
              return [[index, over ? 'RECORD_TOO_LARGE' : 'record']];
            return over && outcomes[0]!.some(([at]) => at === index) ? [[index, 'RECORD_TOO_LARGE']] : [];
          });
          expect(outcomes[0]).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
