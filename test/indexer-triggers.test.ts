// Every trigger the indexer takes: S3 put, EventBridge, SNS (CloudTrail's own notification and wrapped S3
// notifications), SQS with partial batch failures. (Harness: test/indexer-harness.ts.)
import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from '../functions/indexer/index-log.js';
import {
  SAMPLE_BUCKET as BUCKET,
  SAMPLE_ORG_KEY as ORG_KEY,
  sampleEvent,
  sampleLogKey as logKey,
  sqsDeliveryWithFailingMessages,
} from './helpers/handler-invocation.js';
import { fake, indexer, sampleRecords, expectedIds, storedIds, useIndexerHarness } from './indexer-harness.js';

useIndexerHarness();

describe('indexer: triggers', () => {
  it("reads every file of CloudTrail's SNS notification, and the shared-bucket notification's log file only", async () => {
    const sns = (await indexer()(sampleEvent('sns-cloudtrail-notification.json'))) as DeliveryOutcome;
    expect(sns.via).toBe('sns>cloudtrail');
    const keys = [logKey('1648Z', 'RrbAe6CEoGYaX5SU'), logKey('1726Z', 'ohvPQ7SWFVPShnv1')];
    expect(sns.files.map((f) => f.key)).toEqual(keys);
    expect(new Set(storedIds())).toEqual(new Set(keys.flatMap((k) => expectedIds(sampleRecords(k), 'rds'))));

    const shared = (await indexer()(sampleEvent('s3-put-shared-bucket.json'))) as DeliveryOutcome;
    expect(shared.files.map((f) => f.key)).toEqual([ORG_KEY]);
    expect(shared.skipped).toBe(5);
  });

  it('handles SNS-wrapped S3 notifications and an S3 test event', async () => {
    const result = (await indexer()(sampleEvent('sns-s3-notification.json'))) as DeliveryOutcome;
    expect(result).toMatchObject({ via: 'sns>s3', files: [{ key: logKey('0920Z', 'D503XMjzl7ndqoFg') }] });
    expect(
      await indexer()({
        Service: 'Amazon S3',
        Event: 's3:TestEvent',
        Time: '2026-11-20T15:13:07.000Z',
        Bucket: BUCKET,
      }),
    ).toMatchObject({ files: [], skipped: 0 });
  });

  it('processes every SQS message and reports no failures', async () => {
    for (const name of [
      'sqs-s3-notification.json',
      'sqs-sns-cloudtrail-notification.json',
      'sqs-eventbridge-object-created.json',
    ]) {
      expect(await indexer()(sampleEvent(name)), name).toEqual({ batchItemFailures: [] });
    }
    const keys = [
      logKey('1812Z', 'ABCoHpJ6aiSgK7Aa'),
      logKey('1335Z', 'SYfU38QwqZ8FJBaf'),
      logKey('1110Z', 'OFgXCp32aVxXbA7d'),
      logKey('1513Z', 'txaXWHzL2pmFONLz'),
    ];
    expect(new Set(storedIds())).toEqual(new Set(keys.flatMap((k) => expectedIds(sampleRecords(k), 'rds'))));
  });

  it('reports the SQS messages that failed as batchItemFailures; the others are indexed', async () => {
    const { event, missingFile } = sqsDeliveryWithFailingMessages();
    expect(await indexer()(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: missingFile }, { itemIdentifier: 'not-a-trigger' }],
    });
    expect(storedIds()).toEqual(expectedIds(sampleRecords(logKey('1335Z', 'SYfU38QwqZ8FJBaf')), 'rds'));
  });

  it('reports an SQS message whose writes keep failing as its batch item failure', async () => {
    const event = sampleEvent('sqs-sns-cloudtrail-notification.json') as { Records: Array<{ messageId: string }> };
    const [first] = event.Records;
    // Both attempts of the first message's only batch are throttled; the second message goes through.
    fake.throttle(2, 'PutLogEvents');
    expect(await indexer({ maxAttempts: 2 })(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: first?.messageId }],
    });
    expect(storedIds()).toEqual(expectedIds(sampleRecords(logKey('1110Z', 'OFgXCp32aVxXbA7d')), 'rds'));
  });
});
