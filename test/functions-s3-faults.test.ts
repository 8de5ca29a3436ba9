// An S3 body that stalls, is cut short by the invocation's deadline, arrives corrupted, or is empty: read with the
// real @aws-sdk/client-s3 from the S3 emulator through a proxy that breaks the body (local-aws/faulty-s3-proxy.ts).
// Each failure is an ObjectBodyError naming the object, its version and how far the read got; no socket is kept.
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogFileError } from '../shared/errors.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { scanLog } from '../shared/scan/scan-log.js';
import { etagMd5 } from '../functions/lib/body-watch.js';
import { InvocationDeadlineError } from '../functions/lib/deadline.js';
import { ObjectBodyError } from '../functions/lib/errors.js';
import { ObjectSkipped } from '../functions/lib/log-objects.js';
import { readObject, type ReadObjectOptions } from '../functions/lib/s3-object.js';
import type { ObjectRef } from '../functions/lib/delivery.js';
import { startFaultyProxy, type BodyFault, type FaultyProxy } from '../local-aws/faulty-s3-proxy.js';
import { failure } from './helpers/handler-invocation.js';
import { cloudTrailRecord, logText } from './helpers/log-files.js';
import { startCuttingProxy, startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';

const BUCKET = 'trailwatch-faults';
const DAY = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/';
const LARGE = `${DAY}large.json.gz`;
const PLAIN = `${DAY}plain.json`;
const EMPTY = `${DAY}empty.json.gz`;
const ruleset = compileRuleset();

/** ~1 MB compressed: random notes gzip cannot shrink, so the body arrives in many pieces. */
const largeBody = gzipSync(
  logText(
    Array.from({ length: 600 }, (_, i) =>
      cloudTrailRecord({ eventID: `e-${i}`, requestParameters: { note: randomBytes(900).toString('hex') } }),
    ),
  ),
);
const plainText = logText([
  cloudTrailRecord({
    eventID: 'id-1111',
    eventName: 'DeleteDBInstance',
    requestParameters: { dBInstanceIdentifier: 'oradb' },
  }),
]);

let s3rver: S3Emulator;
const proxies: FaultyProxy[] = [];

const ref = (key: string, fields: Partial<ObjectRef> = {}): ObjectRef => ({
  bucket: BUCKET,
  key,
  created: true,
  eventName: 'ObjectCreated:Put',
  ...fields,
});

/** A client (one socket, no retries) whose GetObject bodies break as `fault` says. */
async function faultyClient(fault: BodyFault): Promise<{ client: S3Client; proxy: FaultyProxy }> {
  const proxy = await startFaultyProxy(s3rver.port, fault);
  proxies.push(proxy);
  return { client: s3rver.client({ endpoint: proxy.endpoint, maxAttempts: 1, maxSockets: 1 }), proxy };
}

/** Reads an object through the core to the end: its record count. With `pauseMs`, waits that long every 100 records. */
function scan(client: S3Client, target: ObjectRef, options: ReadObjectOptions = {}, pauseMs = 0): Promise<number> {
  return readObject(
    client,
    target,
    async (object) => {
      const items = scanLog(object.chunks, { file: object.file, ruleset, alsoParse: 'all' });
      let n = 0;
      for await (const _ of items) if (pauseMs > 0 && n++ % 100 === 0) await sleep(pauseMs);
      return items.stats.records;
    },
    options,
  );
}

beforeAll(async () => {
  s3rver = await startS3Emulator();
  await s3rver.createBucket(BUCKET);
  await s3rver.put(BUCKET, LARGE, largeBody);
  await s3rver.put(BUCKET, PLAIN, plainText);
  await s3rver.put(BUCKET, EMPTY, Buffer.alloc(0));
}, 60_000);

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await s3rver?.close();
});

describe('a body that stalls', () => {
  it('fails with BODY_STALLED naming bucket, key, version and the bytes read, once no byte came for the stall timeout', async () => {
    const { client } = await faultyClient({ kind: 'stall', after: 100_000 });
    const error = await failure(scan(client, ref(LARGE, { versionId: 'v7.Zq' }), { stallMs: 300 }));
    expect(error).toBeInstanceOf(ObjectBodyError);
    expect(error).toMatchObject({
      code: 'BODY_STALLED',
      bucket: BUCKET,
      key: LARGE,
      versionId: 'v7.Zq',
      bytesRead: 100_000,
      contentLength: largeBody.length,
    });
    expect((error as Error).message).toBe(
      `s3://${BUCKET}/${LARGE} (version v7.Zq): the body stalled: no byte for 0.3 s, after 100,000 of ${largeBody.length.toLocaleString('en-US')} bytes`,
    );
  });

  it('frees the stalled socket: the next read on a one-socket client succeeds', async () => {
    const { client } = await faultyClient({ kind: 'stall', after: 50_000 });
    await expect(scan(client, ref(LARGE), { stallMs: 200 })).rejects.toMatchObject({ code: 'BODY_STALLED' });
    // PLAIN is smaller than 50,000 bytes: it passes whole, on the same single socket.
    await expect(scan(client, ref(PLAIN), { stallMs: 200 })).resolves.toBe(1);
  });

  it('is not a reader that takes its time: pauses of the consumer longer than the stall timeout do not count', async () => {
    const client = s3rver.client({ maxAttempts: 1 });
    await expect(scan(client, ref(LARGE), { stallMs: 100, minChunkBytes: 64 << 10 }, 250)).resolves.toBe(600);
  });
});

describe("the invocation's deadline", () => {
  it('stops a stalled read with DEADLINE_REACHED, naming the object and the bytes read', async () => {
    const { client } = await faultyClient({ kind: 'stall', after: 80_000 });
    const controller = new AbortController();
    const reading = failure(scan(client, ref(LARGE), { stallMs: 60_000, signal: controller.signal }));
    await sleep(200);
    controller.abort(new InvocationDeadlineError(5000));
    const error = await reading;
    expect(error).toMatchObject({ code: 'DEADLINE_REACHED', bucket: BUCKET, key: LARGE, bytesRead: 80_000 });
    expect((error as Error).message).toContain(
      "stopped at the invocation's deadline (5000 ms of the function's timeout left), after 80,000 of",
    );
  });

  it('names the object when the deadline has passed before GetObject', async () => {
    const controller = new AbortController();
    controller.abort(new InvocationDeadlineError(5000));
    const error = await failure(scan(s3rver.client({ maxAttempts: 1 }), ref(PLAIN), { signal: controller.signal }));
    expect(error).toMatchObject({ code: 'DEADLINE_REACHED', key: PLAIN, bytesRead: 0 });
  });
});

describe('a body corrupted in transit', () => {
  it("fails with CHECKSUM_MISMATCH against the object's MD5 ETag, after reading every byte", async () => {
    const at = plainText.indexOf('id-1111') + 3;
    const { client, proxy } = await faultyClient({ kind: 'corrupt', at });
    const error = await failure(scan(client, ref(PLAIN)));
    expect(proxy.faults()).toBe(1);
    expect(error).toMatchObject({ code: 'CHECKSUM_MISMATCH', key: PLAIN, bytesRead: plainText.length });
    expect((error as Error).message).toMatch(
      /the bytes read do not match the object's ETag \(MD5 [0-9a-f]{32} expected, [0-9a-f]{32} read\): corrupted in transit/,
    );
  });

  it('reads the same object when nothing corrupts it', async () => {
    await expect(scan(s3rver.client(), ref(PLAIN))).resolves.toBe(1);
  });

  it('checks only ETags that are an MD5: not with SSE-KMS, DSSE-KMS or SSE-C, not from a multipart upload', () => {
    const md5 = '"9b2cf535f27731c974343645a3985328"';
    expect(etagMd5({ ETag: md5 })).toBe('9b2cf535f27731c974343645a3985328');
    expect(etagMd5({ ETag: md5, ServerSideEncryption: 'AES256' })).toBe('9b2cf535f27731c974343645a3985328');
    expect(etagMd5({ ETag: md5, ServerSideEncryption: 'aws:kms' })).toBeUndefined();
    expect(etagMd5({ ETag: md5, ServerSideEncryption: 'aws:kms:dsse' })).toBeUndefined();
    expect(etagMd5({ ETag: md5, SSECustomerAlgorithm: 'AES256' })).toBeUndefined();
    expect(etagMd5({ ETag: '"d41d8cd98f00b204e9800998ecf8427e-3"' })).toBeUndefined();
    expect(etagMd5({})).toBeUndefined();
  });
});

describe('verify before consuming', () => {
  it('hands the consumer nothing of a corrupted body it was asked to check whole first', async () => {
    const { client } = await faultyClient({ kind: 'corrupt', at: 10 });
    let consumed = 0;
    const error = await failure(
      readObject(
        client,
        ref(PLAIN),
        async (object) => {
          for await (const chunk of object.chunks) consumed += chunk.length;
        },
        { verifyBeforeUpTo: 1 << 20 },
      ),
    );
    expect(error).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    expect(consumed).toBe(0);
  });

  it('reports a download cut while it is checked whole as READ_FAILED at the offset reached, as the core does', async () => {
    const proxy = await startCuttingProxy(s3rver.port, 70_000);
    try {
      const client = s3rver.client({ endpoint: proxy.endpoint, maxAttempts: 1 });
      const error = await failure(scan(client, ref(LARGE), { verifyBeforeUpTo: 64 << 20 }));
      expect(error).toBeInstanceOf(LogFileError);
      expect(error).toMatchObject({
        code: 'READ_FAILED',
        location: { file: `s3://${BUCKET}/${LARGE}`, compressedOffset: 70_000 },
      });
    } finally {
      await proxy.close();
    }
  });
});

describe('a zero-byte object', () => {
  it('is skipped after GetObject, never handed to the consumer', async () => {
    let called = false;
    const error = await failure(
      readObject(s3rver.client(), ref(EMPTY), async () => {
        called = true;
      }),
    );
    expect(error).toBeInstanceOf(ObjectSkipped);
    expect((error as ObjectSkipped).skip).toEqual({
      reason: 'empty',
      detail: 'zero bytes (Content-Length 0; the trigger gave no size)',
    });
    expect(called).toBe(false);
  });
});
