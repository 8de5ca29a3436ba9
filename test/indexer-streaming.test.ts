// Streams and memory end to end: a stream created once per warm container; a large object written in full batches
// while it is still being read; no batch kept once written. (Harness: test/indexer-harness.ts.)
import { randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import type { IndexEvent, LogBatch } from '../shared/index/index.js';
import { minimumCalls } from './helpers/batch-bounds.js';
import { CloudWatchLogsWriter, type PutResult } from '../functions/indexer/cloudwatch-writer.js';
import type { DeliveryOutcome, FileOutcome } from '../functions/indexer/index-log.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import { SAMPLE_BUCKET as BUCKET, SAMPLE_DAY_FOLDER as DAY_FOLDER, sampleEvent } from './helpers/handler-invocation.js';
import {
  GROUP,
  STREAM,
  NOW,
  cwl,
  fake,
  s3rver,
  bodyBytesAtPut,
  useFake,
  indexer,
  s3Event,
  storedIds,
  useIndexerHarness,
  resetBodyCount,
} from './indexer-harness.js';

useIndexerHarness();

describe('indexer: streams and memory', () => {
  it('creates a stream once per warm container, and takes one another invocation created', async () => {
    useFake({ existingStreams: [STREAM] });
    const writer = new CloudWatchLogsWriter(new CloudWatchLogsClient({ region: 'us-east-1' }), GROUP, {
      sleep: () => Promise.resolve(),
    });
    await indexer({ writer })(sampleEvent('s3-put.json'));
    await indexer({ writer })(sampleEvent('sns-s3-notification.json'));
    await indexer({ writer })(sampleEvent('eventbridge-object-created.json'));
    expect(fake.calls.filter((c) => c.operation === 'CreateLogStream').map((c) => c.outcome)).toEqual([
      'already-exists',
    ]);
    expect(cwl).toHaveReceivedCommandTimes(PutLogEventsCommand, 3);
  });

  it('writes an object over the verify-before-write size in full batches while it is still being read, creating its stream once', async () => {
    // ~12 MB of JSON that gzip cannot shrink much: about 6 MB on the wire, 12 PutLogEvents batches.
    const records = Array.from({ length: 6000 }, (_, i) =>
      cloudTrailRecord({
        eventName: 'ModifyDBInstance',
        eventID: `big-${i}`,
        eventTime: new Date(NOW - 3_600_000 + i * 100).toISOString(),
        recipientAccountId: '123456789012',
        requestParameters: { dBInstanceIdentifier: `db-${i % 50}`, note: randomBytes(800).toString('hex') },
      }),
    );
    const body = gzipSync(JSON.stringify({ Records: records }));
    const key = `${DAY_FOLDER}large.json.gz`;
    await s3rver.put(BUCKET, key, body);
    resetBodyCount();
    const result = (await indexer({ verifyBeforeWriteBytes: body.length - 1 })(
      s3Event(key, body.length),
    )) as DeliveryOutcome;
    const file = result.files[0] as FileOutcome;
    expect(file.indexed).toBe(records.length);
    expect(new Set(storedIds())).toEqual(new Set(records.map((r) => r.eventID)));
    expect(cwl).toHaveReceivedCommandTimes(CreateLogStreamCommand, 1);
    // Full batches: within 1.05x of the fewest calls the byte and count limits allow.
    const sizes = fake
      .storedEvents(GROUP, STREAM)
      .map((e) => ({ timestamp: e.timestamp, bytes: Buffer.byteLength(e.message) }));
    const minimum = minimumCalls(sizes);
    expect(minimum).toBeGreaterThanOrEqual(10);
    expect(file.batches).toBeLessThanOrEqual(Math.ceil(1.05 * minimum));
    // Flushed while the file streams: most calls were made before half of the object had been read.
    expect(bodyBytesAtPut).toHaveLength(file.batches);
    expect(bodyBytesAtPut[0]).toBeLessThan(body.length / 4);
    expect(bodyBytesAtPut.filter((b) => b < body.length).length).toBeGreaterThanOrEqual(file.batches - 2);
  });
});

describe('indexer: memory', () => {
  it('keeps no batch once it is written: memory does not grow with the file', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const records = Array.from({ length: 3000 }, (_, i) =>
      cloudTrailRecord({
        eventName: 'ModifyDBInstance',
        eventID: `m-${i}`,
        eventTime: new Date(NOW - i * 1000).toISOString(),
        recipientAccountId: '123456789012',
        requestParameters: { note: randomBytes(600).toString('hex') },
      }),
    );
    const key = `${DAY_FOLDER}memory.json.gz`;
    await s3rver.put(BUCKET, key, gzipSync(JSON.stringify({ Records: records })));
    // Each batch's events, weakly: when the next write starts, the ones written before it must be collectable.
    const written: Array<WeakRef<IndexEvent[]>> = [];
    const aliveAtEachWrite: number[] = [];
    class WatchedWriter extends CloudWatchLogsWriter {
      override async putBatch(batch: LogBatch<IndexEvent>, signal?: AbortSignal): Promise<PutResult> {
        gc();
        aliveAtEachWrite.push(written.filter((ref) => ref.deref() !== undefined).length);
        written.push(new WeakRef(batch.events));
        return super.putBatch(batch, signal);
      }
    }
    const writer = new WatchedWriter(new CloudWatchLogsClient({ region: 'us-east-1' }), GROUP, {
      sleep: () => Promise.resolve(),
    });
    const result = (await indexer({ writer, maxInFlight: 1 })(s3Event(key))) as DeliveryOutcome;
    expect(result.files[0]?.batches).toBeGreaterThanOrEqual(3);
    expect(aliveAtEachWrite.length).toBe(result.files[0]?.batches);
    // At most the batch just written may still be reachable (from the settled write being handled).
    expect(Math.max(...aliveAtEachWrite)).toBeLessThanOrEqual(1);
  });
});
