// Failures end to end: throttling retried, writes that keep failing fail the invocation, a broken read fails its
// file after the writes in flight settle, a missing file fails the delivery after the others are indexed. (Harness: test/indexer-harness.ts.)
import { gzipSync } from 'node:zlib';
import { PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it, vi } from 'vitest';
import { LogFileError } from '../shared/errors.js';
import { IndexWriteError } from '../functions/lib/errors.js';
import type { DeliveryOutcome } from '../functions/indexer/index-log.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import {
  SAMPLE_BUCKET as BUCKET,
  SAMPLE_DAY_FOLDER as DAY_FOLDER,
  cloudTrailNotificationOf,
  failure,
  sampleEvent,
  sampleLogKey as logKey,
} from './helpers/handler-invocation.js';
import {
  GROUP,
  STREAM,
  cwl,
  fake,
  s3rver,
  quietObservability,
  indexer,
  s3Event,
  sampleRecords,
  expectedIds,
  storedIds,
  useIndexerHarness,
} from './indexer-harness.js';

useIndexerHarness();

describe('indexer: failures', () => {
  it('retries throttling and succeeds, counting the retries', async () => {
    fake.throttle(2, 'PutLogEvents');
    const obs = quietObservability();
    const addMetric = vi.spyOn(obs.metrics, 'addMetric');
    const result = (await indexer({ obs })(sampleEvent('s3-put.json'))) as DeliveryOutcome;
    expect(result.files[0]).toMatchObject({ putLogEventsCalls: 3, retries: 2, batches: 1 });
    expect(storedIds()).toEqual(expectedIds(sampleRecords(logKey('1110Z', 'OFgXCp32aVxXbA7d')), 'rds'));
    expect(addMetric).toHaveBeenCalledWith('PutLogEventsRetries', 'Count', 2);
    expect(addMetric).toHaveBeenCalledWith('PutLogEventsCalls', 'Count', 3);
  });

  it('fails the invocation when the writes keep failing, so that Lambda retries the delivery', async () => {
    fake.throttle(1000, 'PutLogEvents');
    const obs = quietObservability();
    const logError = vi.spyOn(obs.logger, 'error');
    const addMetric = vi.spyOn(obs.metrics, 'addMetric');
    const error = await failure(indexer({ obs, maxAttempts: 3 })(sampleEvent('s3-put.json')));
    expect(error).toBeInstanceOf(IndexWriteError);
    expect(error).toMatchObject({
      reason: 'ThrottlingException',
      attempts: 3,
      logGroupName: GROUP,
      logStreamName: STREAM,
    });
    expect(cwl).toHaveReceivedCommandTimes(PutLogEventsCommand, 3);
    expect(logError.mock.calls.map(([message]) => message)).toEqual(['log file failed', 'invocation failed']);
    expect(addMetric).toHaveBeenCalledWith('FilesFailed', 'Count', 1);
    expect(addMetric).not.toHaveBeenCalledWith('FilesRead', 'Count', 1);
  });

  it('fails a file whose read breaks off, after the writes already made settle', async () => {
    const records = Array.from({ length: 400 }, (_, i) =>
      cloudTrailRecord({
        eventName: 'DeleteDBInstance',
        eventID: `e-${i}`,
        eventTime: '2026-11-20T18:00:00Z',
        recipientAccountId: '123456789012',
        requestParameters: { dBInstanceIdentifier: `db-${i}` },
      }),
    );
    const whole = gzipSync(JSON.stringify({ Records: records }));
    const key = `${DAY_FOLDER}truncated.json.gz`;
    await s3rver.put(BUCKET, key, whole.subarray(0, whole.length - 64));
    const error = await failure(indexer()(s3Event(key)));
    expect(error).toBeInstanceOf(LogFileError);
    expect((error as LogFileError).code).toBe('TRUNCATED_GZIP');
  });

  it('still indexes the other files of a delivery when one is missing, then fails naming it', async () => {
    const event = cloudTrailNotificationOf([logKey('1648Z', 'missing00000000x'), logKey('1726Z', 'ohvPQ7SWFVPShnv1')]);
    const error = await failure(indexer()(event));
    expect((error as Error).name).toBe('ObjectReadError');
    expect(storedIds()).toEqual(expectedIds(sampleRecords(logKey('1726Z', 'ohvPQ7SWFVPShnv1')), 'rds'));
  });
});
