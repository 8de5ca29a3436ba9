// The indexer end to end: sample trigger events from events/, real gzipped log objects in a real S3 API (s3rver
// on loopback), CloudWatch Logs at the SDK command level (aws-sdk-client-mock answered by the limit-enforcing
// fake). What is stored, in which stream, with which timestamp and `trailwatch` object; RDS-only vs all; the age
// policy and the service's rejections; throttling, persistent failures, SQS partial batches; the log line and
// metrics; PutLogEvents calls made while a large object is still being read.
import 'aws-sdk-client-mock-vitest/extend';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogFileError } from '../shared/errors.js';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord, JsonValue } from '../shared/cloudtrail.js';
import type { IndexEvent, LogBatch, TrailwatchFields } from '../shared/index/index.js';
import { minimumCalls } from './helpers/batch-bounds.js';
import { IndexWriteError } from '../functions/lib/errors.js';
import type { Observability } from '../functions/lib/observability.js';
import { CloudWatchLogsWriter, type PutResult } from '../functions/indexer/cloudwatch-writer.js';
import { loadIndexerConfig } from '../functions/indexer/config.js';
import type { createHandler as CreateHandler, IndexerResult } from '../functions/indexer/handler.js';
import type { DeliveryOutcome, FileOutcome } from '../functions/indexer/index-log.js';
import {
  createCloudWatchLogsFake,
  type CloudWatchLogsFake,
  type StoredLogEvent,
} from '../local-aws/cloudwatch-logs-fake.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import {
  SAMPLE_BUCKET as BUCKET,
  SAMPLE_DAY_FOLDER as DAY_FOLDER,
  SAMPLE_LOGS as LOGS,
  SAMPLE_ORG_KEY as ORG_KEY,
  captureStdout,
  cloudTrailNotificationOf,
  coldStartFailure,
  emfDocuments,
  failure,
  lambdaContext,
  putSampleLogs,
  quietObservabilityFor,
  sampleEvent,
  sampleLogKey as logKey,
  sqsDeliveryWithFailingMessages,
} from './helpers/handler-invocation.js';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';

const GROUP = '/trailwatch/trailwatch/cloudtrail';
const STREAM = '123456789012_CloudTrail_us-east-1';
/** The sample day is 2026-11-20; the indexer and the service run that evening. */
const NOW = Date.parse('2026-11-20T19:00:00Z');
const DAY = 86_400_000;
const context = lambdaContext('trailwatch-indexer');

const cwl = mockClient(CloudWatchLogsClient);
let fake: CloudWatchLogsFake;
let s3rver: S3Emulator;
let s3: S3Client;
let createHandler: typeof CreateHandler;
/** Bytes of GetObject bodies handed to the indexer so far (see countBodies). */
let bodyBytesRead = 0;
/** bodyBytesRead at each PutLogEvents call. */
let bodyBytesAtPut: number[] = [];

function useFake(options: { retentionDays?: number; existingStreams?: string[] } = {}): CloudWatchLogsFake {
  fake = createCloudWatchLogsFake({
    logGroups: { [GROUP]: options.retentionDays === undefined ? {} : { retentionDays: options.retentionDays } },
    existingStreams: { [GROUP]: options.existingStreams ?? [] },
    now: () => NOW,
  });
  cwl.reset();
  cwl
    .on(PutLogEventsCommand)
    .callsFake((input: Parameters<CloudWatchLogsFake['putLogEvents']>[0]) => {
      bodyBytesAtPut.push(bodyBytesRead);
      return fake.putLogEvents(input);
    })
    .on(CreateLogStreamCommand)
    .callsFake(fake.createLogStream);
  return fake;
}

const quietObservability = () => quietObservabilityFor('trailwatch-indexer-test');

interface IndexerOptions {
  env?: Record<string, string>;
  obs?: Observability;
  writer?: CloudWatchLogsWriter;
  maxAttempts?: number;
  maxInFlight?: number;
  verifyBeforeWriteBytes?: number;
}

function indexer(options: IndexerOptions = {}) {
  const config = loadIndexerConfig({ INDEX_LOG_GROUP: GROUP, ...options.env });
  const writer =
    options.writer ??
    new CloudWatchLogsWriter(new CloudWatchLogsClient({ region: 'us-east-1' }), GROUP, {
      sleep: () => Promise.resolve(),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    });
  const handler = createHandler({
    config,
    obs: options.obs ?? quietObservability(),
    s3,
    writer,
    now: () => NOW,
    ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.verifyBeforeWriteBytes !== undefined ? { verifyBeforeWriteBytes: options.verifyBeforeWriteBytes } : {}),
  });
  return (event: unknown) => handler(event, context) as Promise<IndexerResult>;
}

function s3Event(key: string, size?: number): unknown {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: BUCKET }, object: { key: encodeURIComponent(key), ...(size ? { size } : {}) } },
      },
    ],
  };
}

/** A sample log file's records. */
function sampleRecords(key: string): CloudTrailRecord[] {
  return (JSON.parse(gunzipSync(readFileSync(new URL(key, LOGS))).toString('utf8')) as { Records: CloudTrailRecord[] })
    .Records;
}

/** The eventIDs the index must hold for a file, in stored (chronological, then file) order. */
function expectedIds(records: readonly CloudTrailRecord[], scope: 'rds' | 'all'): string[] {
  return records
    .map((record, i) => ({ record, i }))
    .filter(({ record }) => scope === 'all' || classify(record).facts.category !== 'other')
    .sort((a, b) => Date.parse(a.record.eventTime) - Date.parse(b.record.eventTime) || a.i - b.i)
    .map(({ record }) => String(record.eventID));
}

type Indexed = CloudTrailRecord & { trailwatch: TrailwatchFields };
const parse = (e: StoredLogEvent) => JSON.parse(e.message) as Indexed;
const stored = (stream = STREAM) => fake.storedEvents(GROUP, stream).map(parse);
const storedIds = (stream = STREAM) => stored(stream).map((r) => String(r.eventID));

/** Wraps every GetObject body so the test knows how many bytes the indexer had taken when it called PutLogEvents. */
function countBodies(client: S3Client): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { Body?: Readable };
      if (output.Body) {
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            bodyBytesRead += chunk.length;
            callback(null, chunk);
          },
        });
        output.Body.pipe(counter);
        output.Body = counter;
      }
      return result;
    },
    { step: 'initialize', name: 'countBodyBytes' },
  );
}

beforeAll(async () => {
  s3rver = await startS3Emulator();
  s3 = s3rver.client();
  countBodies(s3);
  await putSampleLogs(s3rver);
  // The handler module reads its environment at import (cold start): give it one that works.
  Object.assign(process.env, { ...s3rver.environment, POWERTOOLS_LOG_LEVEL: 'SILENT', INDEX_LOG_GROUP: GROUP });
  ({ createHandler } = await import('../functions/indexer/handler.js'));
});

afterAll(async () => {
  await s3rver?.close();
});

beforeEach(() => {
  bodyBytesRead = 0;
  bodyBytesAtPut = [];
  useFake();
});

afterEach(() => {
  vi.restoreAllMocks();
  fake.assertNoViolations();
});

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
    bodyBytesRead = 0;
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
    fake = createCloudWatchLogsFake({ logGroups: { [GROUP]: {} } });
    cwl.reset();
    cwl.on(PutLogEventsCommand).callsFake(fake.putLogEvents).on(CreateLogStreamCommand).callsFake(fake.createLogStream);
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
