// What the indexer tells its operators: one structured log line per file, malformed records logged, EMF metrics,
// and a cold start that fails with every configuration problem listed. (Harness: test/indexer-harness.ts.)
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import type { DeliveryOutcome } from '../functions/indexer/index-log.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import {
  SAMPLE_BUCKET as BUCKET,
  SAMPLE_DAY_FOLDER as DAY_FOLDER,
  captureStdout,
  coldStartFailure,
  emfDocuments,
  sampleEvent,
  sampleLogKey as logKey,
} from './helpers/handler-invocation.js';
import {
  GROUP,
  STREAM,
  context,
  fake,
  s3rver,
  quietObservability,
  indexer,
  s3Event,
  sampleRecords,
  expectedIds,
  storedIds,
  useIndexerHarness,
  useFakeWith,
} from './indexer-harness.js';

useIndexerHarness();

describe('indexer: logs and metrics', () => {
  it('writes one structured log line per file', async () => {
    const obs = quietObservability();
    const info = vi.spyOn(obs.logger, 'info');
    await indexer({ obs })(sampleEvent('sns-s3-notification.json'));
    const lines = info.mock.calls.filter(([message]) => message === 'log file read');
    expect(lines).toHaveLength(1);
    const ids = expectedIds(sampleRecords(logKey('0920Z', 'D503XMjzl7ndqoFg')), 'rds');
    expect(lines[0]?.[1]).toMatchObject({
      bucket: BUCKET,
      key: logKey('0920Z', 'D503XMjzl7ndqoFg'),
      via: 'sns>s3',
      logGroup: GROUP,
      bytes: 7644,
      gzip: true,
      records: 34,
      malformed: 0,
      indexed: ids.length,
      sent: ids.length,
      outOfScope: 34 - ids.length,
      trimmed: 0,
      rejected: 0,
      rejectedByReason: {},
      batches: 1,
      putLogEventsCalls: 1,
      retries: 0,
      indexedBytes: fake.storedEvents(GROUP, STREAM).reduce((n, e) => n + Buffer.byteLength(e.message) + 26, 0),
      streamsCreated: [STREAM],
      durationMs: expect.any(Number) as number,
    });
  });

  it('logs malformed records and indexes the rest', async () => {
    const text = `{"Records":[${JSON.stringify(cloudTrailRecord({ eventID: 'a', eventTime: '2026-11-20T18:00:00Z', recipientAccountId: '123456789012' }))},{"eventSource":"rds.amazonaws.com"},${JSON.stringify(cloudTrailRecord({ eventID: 'b', eventTime: '2026-11-20T18:00:01Z', recipientAccountId: '123456789012' }))}]}`;
    const key = `${DAY_FOLDER}malformed.json.gz`;
    await s3rver.put(BUCKET, key, gzipSync(text));
    const obs = quietObservability();
    const warn = vi.spyOn(obs.logger, 'warn');
    const result = (await indexer({ obs })(s3Event(key))) as DeliveryOutcome;
    expect(storedIds()).toEqual(['a', 'b']);
    expect(result.files[0]?.stats.malformed).toBe(1);
    expect(warn.mock.calls.filter(([m]) => m === 'malformed record')).toHaveLength(1);
  });
});

describe('indexer handler module', () => {
  it('is configured from the environment at cold start and writes EMF metrics in namespace trailwatch', async () => {
    const writes = captureStdout();
    const { handler } = await import('../functions/indexer/handler.js');
    // The module's own clock is the real one: index a file of events from now.
    const key = `${DAY_FOLDER}live.json.gz`;
    await s3rver.put(
      BUCKET,
      key,
      gzipSync(
        JSON.stringify({
          Records: [
            cloudTrailRecord({
              eventName: 'DeleteDBInstance',
              eventID: 'live',
              eventTime: new Date().toISOString(),
              recipientAccountId: '123456789012',
            }),
          ],
        }),
      ),
    );
    useFakeWith({ logGroups: { [GROUP]: {} } });
    const result = (await handler(s3Event(key), context)) as DeliveryOutcome;
    vi.restoreAllMocks();
    expect(result.files[0]).toMatchObject({ indexed: 1 });
    expect(storedIds()).toEqual(['live']);
    const emf = emfDocuments(writes);
    const main = emf.find((doc) => 'EventsIndexed' in doc);
    expect(main).toMatchObject({
      service: 'trailwatch-indexer',
      EventsIndexed: 1,
      EventsRejected: 0,
      FilesRead: 1,
      PutLogEventsCalls: 1,
    });
    expect(main?._aws.CloudWatchMetrics.every((m) => m.Namespace === 'trailwatch')).toBe(true);
  });

  it('fails its cold start with every configuration problem listed', async () => {
    const error = await coldStartFailure(
      { INDEX_LOG_GROUP: undefined, INDEX_SCOPE: 'everything' },
      () => import('../functions/indexer/handler.js'),
    );
    expect((error as Error).name).toBe('ConfigError');
    expect((error as Error).message).toContain('INDEX_LOG_GROUP: required, not set');
    expect((error as Error).message).toContain('INDEX_SCOPE: must be rds');
  });
});
