// Reading CloudTrail log objects from a real S3 API (s3rver on loopback) with the real @aws-sdk/client-s3:
// the sample logs, a large generated file, corrupt and truncated ones, a connection cut midway, and no socket
// left behind on any path.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLogFile, type GeneratedFile } from '../bench/generate.js';
import { LogFileError } from '../shared/errors.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { scanLog } from '../shared/scan/scan-log.js';
import { ObjectReadError } from '../functions/lib/errors.js';
import { coalesce, readObject, type OpenedObject } from '../functions/lib/s3-object.js';
import type { ObjectRef } from '../functions/lib/delivery.js';
import { startCuttingProxy, startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import { failure } from './helpers/handler-invocation.js';

const BUCKET = 'trailwatch-sample-trail';
const SAMPLE =
  'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1110Z_OFgXCp32aVxXbA7d.json.gz';
const sampleBytes = readFileSync(new URL(`../events/logs/${SAMPLE}`, import.meta.url));
const ruleset = compileRuleset();

let s3rver: S3Emulator;
let s3: S3Client;
let tmp: string;
let large: GeneratedFile;

const ref = (key: string, fields: Partial<ObjectRef> = {}): ObjectRef => ({
  bucket: BUCKET,
  key,
  created: true,
  eventName: 'ObjectCreated:Put',
  ...fields,
});

/** Reads an object through the core: alerts (rule ids), malformed records, stats. */
async function scanObject(client: S3Client, key: string, fields: Partial<ObjectRef> = {}) {
  return readObject(client, ref(key, fields), async (object) => {
    const scan = scanLog(object.chunks, { file: object.file, ruleset });
    const alerts: string[] = [];
    const malformed: string[] = [];
    for await (const item of scan) {
      if (item.kind === 'malformed') malformed.push(item.error.code);
      else alerts.push(...item.alerts.map((a) => `${a.rule} ${a.file ?? ''}`));
    }
    return { alerts, malformed, stats: scan.stats, key: object.key, contentLength: object.contentLength };
  });
}

beforeAll(async () => {
  s3rver = await startS3Emulator();
  s3 = s3rver.client();
  await s3rver.createBucket(BUCKET);
  await s3rver.put(BUCKET, SAMPLE, sampleBytes);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-s3-test-'));
  large = await writeLogFile(path.join(tmp, 'large.json.gz'), 30_000_000);
  await s3rver.put(BUCKET, 'generated/large.json.gz', await readFile(large.path));
}, 120_000);

afterAll(async () => {
  await s3rver?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('readObject with the S3 emulator', () => {
  it('streams a sample log file into the core and raises its alerts', async () => {
    const result = await scanObject(s3, SAMPLE);
    expect(result.alerts).toEqual([`rds-database-deleted s3://${BUCKET}/${SAMPLE}`]);
    expect(result.malformed).toEqual([]);
    expect(result.stats).toMatchObject({ records: 24, bytesIn: sampleBytes.length, gzip: true });
    expect(result.contentLength).toBe(sampleBytes.length);
  });

  it('reads keys with spaces, plus signs and an organisation trail path', async () => {
    const key = 'audit logs/c++/AWSLogs/o-a1b2c3d4e5/123456789012/CloudTrail/us-east-1/2026/11/20/f.json.gz';
    await s3rver.put(BUCKET, key, sampleBytes);
    expect((await scanObject(s3, key)).alerts).toEqual([`rds-database-deleted s3://${BUCKET}/${key}`]);
  });

  it('reads a 30 MB generated log file to the end, in pieces', async () => {
    const result = await scanObject(s3, 'generated/large.json.gz');
    expect(result.stats).toMatchObject({
      records: large.records,
      bytesIn: large.compressedBytes,
      bytesOut: large.bytes,
      malformed: 0,
    });
  });

  it('tries the other reading of an ambiguous key when S3 has nothing under the first', async () => {
    await s3rver.put(BUCKET, 'audit+logs/f.json.gz', sampleBytes);
    const result = await scanObject(s3, 'audit logs/f.json.gz', { alternativeKeys: ['audit+logs/f.json.gz'] });
    expect(result.key).toBe('audit+logs/f.json.gz');
    expect(result.alerts).toHaveLength(1);
  });

  it('names bucket, key and S3 error code when the object is not there', async () => {
    const error = await failure(
      scanObject(s3, 'AWSLogs/nothing.json.gz', { alternativeKeys: ['AWSLogs/nothing-else.json.gz'] }),
    );
    expect(error).toBeInstanceOf(ObjectReadError);
    const readError = error as ObjectReadError;
    expect(readError).toMatchObject({
      bucket: BUCKET,
      key: 'AWSLogs/nothing-else.json.gz',
      reason: 'NoSuchKey',
      code: 'GET_OBJECT_FAILED',
    });
    expect(readError.message).toMatch(
      /^s3:\/\/trailwatch-sample-trail\/AWSLogs\/nothing-else\.json\.gz: GetObject failed: NoSuchKey \(HTTP 404\)/,
    );
    expect(readError.message).toContain('also tried "AWSLogs/nothing.json.gz"');
  });

  it('fails a corrupt gzip file with its S3 URL and the offset', async () => {
    const corrupt = Buffer.from(sampleBytes);
    corrupt.fill(0x55, 200, 260);
    await s3rver.put(BUCKET, 'bad/corrupt.json.gz', corrupt);
    const error = await failure(scanObject(s3, 'bad/corrupt.json.gz'));
    expect(error).toBeInstanceOf(LogFileError);
    expect((error as LogFileError).code).toBe('CORRUPT_GZIP');
    expect((error as LogFileError).location.file).toBe(`s3://${BUCKET}/bad/corrupt.json.gz`);
    expect((error as LogFileError).message).toMatch(
      /^s3:\/\/trailwatch-sample-trail\/bad\/corrupt\.json\.gz, compressed byte \d+: gzip data is corrupt/,
    );
  });

  it('fails a truncated gzip file', async () => {
    await s3rver.put(BUCKET, 'bad/truncated.json.gz', sampleBytes.subarray(0, sampleBytes.length - 1000));
    const error = await failure(scanObject(s3, 'bad/truncated.json.gz'));
    expect(error).toBeInstanceOf(LogFileError);
    expect((error as LogFileError).code).toBe('TRUNCATED_GZIP');
  });

  it('counts a malformed record and reads on', async () => {
    const text = `{"Records":[${JSON.stringify(cloudTrailRecord({ eventName: 'DeleteDBInstance', eventSource: 'rds.amazonaws.com' }))},{"eventSource":"rds.amazonaws.com"},42]}`;
    await s3rver.put(BUCKET, 'bad/malformed-record.json.gz', gzipSync(text));
    const result = await scanObject(s3, 'bad/malformed-record.json.gz');
    expect(result.malformed).toEqual(['RECORD_MISSING_FIELD', 'RECORD_NOT_OBJECT']);
    expect(result.stats).toMatchObject({ records: 3, malformed: 2 });
    expect(result.alerts).toHaveLength(1);
  });

  it('fails a download cut midway with READ_FAILED at the offset reached', async () => {
    const proxy = await startCuttingProxy(s3rver.port, 100_000);
    try {
      const client = s3rver.client({ endpoint: proxy.endpoint, maxAttempts: 1 });
      const error = await failure(scanObject(client, 'generated/large.json.gz'));
      expect(error).toBeInstanceOf(LogFileError);
      const readError = error as LogFileError;
      expect(readError.code).toBe('READ_FAILED');
      expect(readError.location).toEqual({ file: `s3://${BUCKET}/generated/large.json.gz`, compressedOffset: 100_000 });
      expect(readError.message).toContain(
        `s3://${BUCKET}/generated/large.json.gz, compressed byte 100000: reading failed`,
      );
    } finally {
      await proxy.close();
    }
  });
});

describe('readObject releases every body', () => {
  // With 2 sockets, a third request waits for a free one: a body left open would hang it until the timeout.
  it('does not run out of sockets over many failing objects in a row', async () => {
    const client = s3rver.client({ maxSockets: 2, maxAttempts: 1 });
    const corrupt = Buffer.from(sampleBytes);
    corrupt.fill(0x55, 100, 400);
    await s3rver.put(BUCKET, 'bad/corrupt-2.json.gz', corrupt);
    await s3rver.put(
      BUCKET,
      'bad/not-gzip.json.gz',
      'this is not gzip, and long enough to be sent in more than one read'.repeat(5000),
    );
    const started = performance.now();
    for (let i = 0; i < 30; i++) {
      const error = await failure(scanObject(client, i % 2 === 0 ? 'bad/corrupt-2.json.gz' : 'bad/not-gzip.json.gz'));
      expect(error).toBeInstanceOf(LogFileError);
    }
    expect((await scanObject(client, SAMPLE)).alerts).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(8000);
  });

  it('does not run out of sockets when the consumer stops early or throws without reading', async () => {
    const client = s3rver.client({ maxSockets: 2, maxAttempts: 1 });
    const bodies: OpenedObject['body'][] = [];
    for (let i = 0; i < 10; i++) {
      const outcome = readObject(client, ref('generated/large.json.gz'), async (object) => {
        bodies.push(object.body);
        if (i % 2 === 0) throw new Error('the consumer gave up');
        return 'returned without reading';
      });
      if (i % 2 === 0) await expect(outcome).rejects.toThrow('the consumer gave up');
      else await expect(outcome).resolves.toBe('returned without reading');
    }
    expect(bodies.every((body) => body.destroyed)).toBe(true);
    expect((await scanObject(client, SAMPLE)).alerts).toHaveLength(1);
  });
});

describe('coalesce', () => {
  async function* pieces(sizes: number[], failAfter?: number): AsyncGenerator<Uint8Array> {
    let n = 0;
    for (const size of sizes) {
      if (failAfter !== undefined && n === failAfter) throw new Error('connection reset');
      yield new Uint8Array(size).fill(n++ % 256);
    }
  }

  it('joins pieces to at least the minimum, in order, the last one smaller', async () => {
    const out: Buffer[] = [];
    for await (const chunk of coalesce(pieces([3, 4, 5, 1, 1, 9, 2]), 8)) out.push(chunk);
    expect(out.map((c) => c.length)).toEqual([12, 11, 2]);
    expect(Buffer.concat(out)).toEqual(Buffer.concat([3, 4, 5, 1, 1, 9, 2].map((size, n) => Buffer.alloc(size, n))));
  });

  it('gives what arrived before a failure, then the failure', async () => {
    const out: number[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of coalesce(pieces([3, 4, 5, 6], 3), 100)) out.push(chunk.length);
      })(),
    );
    expect(out).toEqual([12]);
    expect((error as Error).message).toBe('connection reset');
  });

  it('destroys the source stream when the consumer stops early', async () => {
    const source = Readable.from([Buffer.alloc(10), Buffer.alloc(10), Buffer.alloc(10)]);
    for await (const chunk of coalesce(source, 5)) {
      expect(chunk.length).toBe(10);
      break;
    }
    expect(source.destroyed).toBe(true);
  });
});
