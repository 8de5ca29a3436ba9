// What the indexer stores: one event per in-scope record, timestamped with eventTime, in the account's
// CloudTrail stream, with its `trailwatch` object; RDS-only vs every event; stream names from the key; trimming. (Harness: test/indexer-harness.ts.)
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import type { JsonValue } from '../shared/cloudtrail.js';
import type { DeliveryOutcome, FileOutcome } from '../functions/indexer/index-log.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import {
  SAMPLE_BUCKET as BUCKET,
  SAMPLE_DAY_FOLDER as DAY_FOLDER,
  sampleEvent,
  sampleLogKey as logKey,
} from './helpers/handler-invocation.js';
import {
  GROUP,
  STREAM,
  fake,
  s3rver,
  useFake,
  quietObservability,
  indexer,
  s3Event,
  sampleRecords,
  expectedIds,
  parse,
  stored,
  storedIds,
  useIndexerHarness,
} from './indexer-harness.js';

useIndexerHarness();

describe('indexer: what is stored', () => {
  it("writes the S3 put event's file: one event per in-scope record, timestamped with eventTime, in the account's CloudTrail stream", async () => {
    const key = logKey('1110Z', 'OFgXCp32aVxXbA7d');
    const result = (await indexer()(sampleEvent('s3-put.json'))) as DeliveryOutcome;
    const records = sampleRecords(key);
    const ids = expectedIds(records, 'rds');
    expect(ids.length).toBeGreaterThan(0);
    expect(storedIds()).toEqual(ids);
    expect(fake.streamNames(GROUP)).toEqual([STREAM]);
    for (const event of fake.storedEvents(GROUP, STREAM)) {
      const message = parse(event);
      expect(event.timestamp).toBe(Date.parse(message.eventTime));
      // The message is the record as CloudTrail wrote it, plus `trailwatch`.
      const { trailwatch, ...record } = message;
      expect(record).toEqual(records.find((r) => r.eventID === message.eventID));
      expect(trailwatch.category).not.toBe('other');
    }
    expect(result.files).toEqual([
      expect.objectContaining({
        key,
        sent: ids.length,
        indexed: ids.length,
        outOfScope: records.length - ids.length,
        batches: 1,
        putLogEventsCalls: 1,
        retries: 0,
        streamsCreated: [STREAM],
      }),
    ] as FileOutcome[]);
  });

  it('finds the deleted instance by filter-pattern fields: eventName, trailwatch.resource, the rule ids it raised', async () => {
    await indexer()(sampleEvent('s3-put.json'));
    const deletion = stored().find((r) => r.eventName === 'DeleteDBInstance');
    expect(deletion?.trailwatch).toMatchObject({
      category: 'rds',
      resource: 'oradb',
      failed: false,
      alerts: ['rds-database-deleted'],
    });
    expect(deletion?.trailwatch.resources).toContain('oradb');
    expect(deletion?.trailwatch.principal).toMatchObject({ name: 'johndoe', type: 'IAMUser' });
  });

  it('indexes every record with INDEX_SCOPE=all, and only RDS, Data API and CloudTrail configuration events by default', async () => {
    const key = logKey('1513Z', 'txaXWHzL2pmFONLz');
    const records = sampleRecords(key);
    const all = (await indexer({ env: { INDEX_SCOPE: 'all' } })(
      sampleEvent('eventbridge-object-created.json'),
    )) as DeliveryOutcome;
    expect(storedIds()).toEqual(expectedIds(records, 'all'));
    expect(all.files[0]).toMatchObject({ indexed: records.length, outOfScope: 0 });

    useFake();
    const rds = (await indexer()(sampleEvent('eventbridge-object-created.json'))) as DeliveryOutcome;
    const ids = expectedIds(records, 'rds');
    expect(ids.length).toBeLessThan(records.length / 2);
    expect(storedIds()).toEqual(ids);
    expect(rds.files[0]).toMatchObject({ indexed: ids.length, outOfScope: records.length - ids.length });
    // Other services' records were not even parsed (the reader's prefilter): far fewer than all.
    expect(rds.files[0]?.stats.delivered).toBeLessThan(records.length);
  });

  it('leaves read-only CloudTrail calls (DescribeTrails, ...) out of the rds scope', async () => {
    const records = [
      cloudTrailRecord({
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: 'DescribeTrails',
        eventID: 'read',
        eventTime: '2026-11-20T18:00:00Z',
        readOnly: true,
      }),
      cloudTrailRecord({
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: 'StopLogging',
        eventID: 'stop',
        eventTime: '2026-11-20T18:00:01Z',
        requestParameters: { name: 'main' },
      }),
      cloudTrailRecord({
        eventSource: 'rdsdataapi.amazonaws.com',
        eventName: 'ExecuteStatement',
        eventID: 'sql',
        eventTime: '2026-11-20T18:00:02Z',
      }),
      cloudTrailRecord({
        eventSource: 'ec2.amazonaws.com',
        eventName: 'RunInstances',
        eventID: 'ec2',
        eventTime: '2026-11-20T18:00:03Z',
      }),
    ].map((r) => ({ ...r, recipientAccountId: '123456789012' }));
    const key = `${DAY_FOLDER}scope.json.gz`;
    await s3rver.put(BUCKET, key, gzipSync(JSON.stringify({ Records: records })));
    const result = (await indexer()(s3Event(key))) as DeliveryOutcome;
    expect(storedIds()).toEqual(['stop', 'sql']);
    expect(stored().map((r) => r.trailwatch.category)).toEqual(['cloudtrail-config', 'rds-data-api']);
    expect(stored()[0]?.trailwatch.alerts).toEqual(['cloudtrail-logging-stopped']);
    expect(result.files[0]?.outOfScope).toBe(2);
  });

  it('names the stream from the key when a record lacks its account or region', async () => {
    const records = [
      {
        eventVersion: '1.09',
        eventTime: '2026-11-20T18:00:00Z',
        eventSource: 'rds.amazonaws.com',
        eventName: 'DeleteDBInstance',
        eventID: 'no-account',
        requestParameters: { dBInstanceIdentifier: 'x' },
      },
      cloudTrailRecord({
        eventID: 'eu',
        eventTime: '2026-11-20T18:00:00Z',
        awsRegion: 'eu-west-1',
        recipientAccountId: '123456789012',
      }),
    ];
    const key = 'AWSLogs/o-a1b2c3d4e5/210987654321/CloudTrail/ap-south-1/2026/11/20/stream.json.gz';
    await s3rver.put(BUCKET, key, gzipSync(JSON.stringify({ Records: records })));
    const result = (await indexer()(s3Event(key))) as DeliveryOutcome;
    expect(fake.streamNames(GROUP).sort()).toEqual([
      '123456789012_CloudTrail_eu-west-1',
      '210987654321_CloudTrail_ap-south-1',
    ]);
    expect(storedIds('210987654321_CloudTrail_ap-south-1')).toEqual(['no-account']);
    expect(result.files[0]?.streamsCreated.sort()).toEqual([
      '123456789012_CloudTrail_eu-west-1',
      '210987654321_CloudTrail_ap-south-1',
    ]);
  });

  it('trims an event over the 1 MB event limit, with the marker, and counts it', async () => {
    const huge: Record<string, JsonValue> = {
      dBInstances: Array.from({ length: 3000 }, (_, i) => ({ dBInstanceIdentifier: `db-${i}`, note: 'x'.repeat(400) })),
    };
    const records = [
      cloudTrailRecord({
        eventName: 'DescribeDBInstances',
        eventID: 'huge',
        eventTime: '2026-11-20T18:00:00Z',
        recipientAccountId: '123456789012',
        responseElements: huge,
      }),
      cloudTrailRecord({
        eventName: 'DeleteDBInstance',
        eventID: 'small',
        eventTime: '2026-11-20T18:00:01Z',
        recipientAccountId: '123456789012',
        requestParameters: { dBInstanceIdentifier: 'x' },
      }),
    ];
    const key = `${DAY_FOLDER}huge.json.gz`;
    await s3rver.put(BUCKET, key, gzipSync(JSON.stringify({ Records: records })));
    const obs = quietObservability();
    const addMetric = vi.spyOn(obs.metrics, 'addMetric');
    const result = (await indexer({ obs })(s3Event(key))) as DeliveryOutcome;
    expect(result.files[0]).toMatchObject({ trimmed: 1, indexed: 2 });
    const trimmed = stored().find((r) => r.eventID === 'huge');
    expect(trimmed?.trailwatch.trimmed).toEqual(['responseElements']);
    expect(trimmed?.responseElements).toBeUndefined();
    expect(addMetric).toHaveBeenCalledWith('EventsTrimmed', 'Count', 1);
  });
});
