// The age policy end to end: what CloudWatch Logs would refuse is not sent, and is counted and logged by reason
// like what the service itself rejects. (Harness: test/indexer-harness.ts.)
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { DeliveryOutcome } from '../functions/indexer/index-log.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import { SAMPLE_BUCKET as BUCKET, SAMPLE_DAY_FOLDER as DAY_FOLDER } from './helpers/handler-invocation.js';
import {
  NOW,
  DAY,
  s3rver,
  useFake,
  quietObservability,
  indexer,
  s3Event,
  storedIds,
  useIndexerHarness,
} from './indexer-harness.js';

useIndexerHarness();

describe('indexer: age policy', () => {
  const records = [
    cloudTrailRecord({
      eventName: 'DeleteDBInstance',
      eventID: 'fifteen-days-old',
      eventTime: new Date(NOW - 15 * DAY).toISOString(),
      recipientAccountId: '123456789012',
    }),
    cloudTrailRecord({
      eventName: 'DeleteDBInstance',
      eventID: 'three-days-old',
      eventTime: new Date(NOW - 3 * DAY).toISOString(),
      recipientAccountId: '123456789012',
    }),
    cloudTrailRecord({
      eventName: 'DeleteDBInstance',
      eventID: 'now',
      eventTime: new Date(NOW).toISOString(),
      recipientAccountId: '123456789012',
    }),
    cloudTrailRecord({
      eventName: 'DeleteDBInstance',
      eventID: 'three-hours-ahead',
      eventTime: new Date(NOW + 3 * 3_600_000).toISOString(),
      recipientAccountId: '123456789012',
    }),
    cloudTrailRecord({
      eventName: 'DeleteDBInstance',
      eventID: 'no-time',
      eventTime: 'yesterday',
      recipientAccountId: '123456789012',
    }),
  ];
  const key = `${DAY_FOLDER}ages.json.gz`;
  beforeAll(async () => {
    await s3rver.put(BUCKET, key, gzipSync(JSON.stringify({ Records: records })));
  });

  it('does not send what CloudWatch Logs would refuse; counts it by reason and logs the eventIDs', async () => {
    const obs = quietObservability();
    const warn = vi.spyOn(obs.logger, 'warn');
    const addMetric = vi.spyOn(obs.metrics, 'addMetric');
    const result = (await indexer({ obs })(s3Event(key))) as DeliveryOutcome;
    // Two batches (the events are 3 days apart: two time windows), written concurrently.
    expect(storedIds().sort()).toEqual(['now', 'three-days-old']);
    expect(result.files[0]).toMatchObject({
      batches: 2,
      sent: 2,
      indexed: 2,
      rejected: { 'too-old': 1, 'too-new': 1, expired: 0, 'invalid-timestamp': 1 },
    });
    const line = warn.mock.calls.find(([message]) => message === 'events not indexed');
    expect(line?.[1]).toEqual({
      bucket: BUCKET,
      key,
      rejectedByReason: { 'too-old': 1, 'too-new': 1, 'invalid-timestamp': 1 },
      eventIDs: { 'too-old': ['fifteen-days-old'], 'too-new': ['three-hours-ahead'], 'invalid-timestamp': ['no-time'] },
    });
    expect(addMetric).toHaveBeenCalledWith('EventsRejected', 'Count', 3);
    expect(addMetric).toHaveBeenCalledWith('EventsRejectedTooOld', 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith('EventsRejectedTooNew', 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith('EventsRejectedInvalidTimestamp', 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith('EventsIndexed', 'Count', 2);
  });

  it("leaves out events older than INDEX_RETENTION_DAYS as 'expired'", async () => {
    useFake({ retentionDays: 1 });
    const result = (await indexer({ env: { INDEX_RETENTION_DAYS: '1' } })(s3Event(key))) as DeliveryOutcome;
    expect(storedIds()).toEqual(['now']);
    expect(result.files[0]?.rejected).toMatchObject({ 'too-old': 1, expired: 1 });
  });

  it('reports the events the service rejects (here: a retention the indexer was not told) like the ones it left out', async () => {
    useFake({ retentionDays: 1 });
    const obs = quietObservability();
    const warn = vi.spyOn(obs.logger, 'warn');
    const result = (await indexer({ obs })(s3Event(key))) as DeliveryOutcome;
    expect(result.files[0]).toMatchObject({ sent: 2, indexed: 1, rejected: { expired: 1, 'too-old': 1 } });
    expect(storedIds()).toEqual(['now']);
    expect(warn.mock.calls.find(([m]) => m === 'events not indexed')?.[1]).toMatchObject({
      eventIDs: { expired: ['three-days-old'], 'too-old': ['fifteen-days-old'] },
    });
  });
});
