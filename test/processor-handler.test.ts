// Longer than 400 lines because: one specification of the processor handler end to end over one s3rver set-up;
// its parts (topics, failures, SQS batches, logs and metrics) share the sample triggers and the mocked SNS.
// The processor end to end: sample trigger events from events/, log objects in a real S3 API (s3rver on
// loopback), the SNS client mocked at the command level. What is published, to which topic, in which shape;
// what is published when a read fails (nothing); SQS partial batch failures; logs and metrics.
import 'aws-sdk-client-mock-vitest/extend';
import { gzipSync } from 'node:zlib';
import {
  PublishBatchCommand,
  SNSClient,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
  type PublishBatchRequestEntry,
} from '@aws-sdk/client-sns';
import type { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_SNS_PAYLOAD_BYTES, publishEntryBytes } from '../functions/processor/sns-limits.js';
import { LogFileError } from '../shared/errors.js';
import { ObjectReadError, PublishError, TriggerError } from '../functions/lib/errors.js';
import type { Observability } from '../functions/lib/observability.js';
import { loadProcessorConfig } from '../functions/processor/config.js';
import type { createHandler as CreateHandler, ProcessorResult } from '../functions/processor/handler.js';
import type { ProcessedDelivery } from '../functions/processor/process-delivery.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import {
  SAMPLE_BUCKET as BUCKET,
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

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';
const EVENTS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alert-events';
const context = lambdaContext('trailwatch-processor');

const snsMock = mockClient(SNSClient);
let s3rver: S3Emulator;
let s3: S3Client;
let createHandler: typeof CreateHandler;

function allSucceed(input: PublishBatchCommandInput): Partial<PublishBatchCommandOutput> {
  return {
    Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })),
    Failed: [],
  };
}

/** Entries published to a topic, in order, over every PublishBatch call. */
function published(topic = TOPIC): PublishBatchRequestEntry[] {
  return snsMock
    .commandCalls(PublishBatchCommand)
    .filter((c) => c.args[0].input.TopicArn === topic)
    .flatMap((c) => c.args[0].input.PublishBatchRequestEntries ?? []);
}

interface AlertDoc {
  rule: string;
  severity: string;
  eventID?: string;
  eventName?: string;
  kind?: string;
  count?: number;
  eventIDs?: string[];
  file?: string;
}

function defaultDoc(entry: PublishBatchRequestEntry | undefined): AlertDoc {
  const doc = JSON.parse(entry?.Message ?? '{}') as { default: string };
  return JSON.parse(doc.default) as AlertDoc;
}

const quietObservability = () => quietObservabilityFor('trailwatch-processor-test');

function processor(env: Record<string, string> = {}, observability: Observability = quietObservability()) {
  const config = loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, ...env });
  const handler = createHandler({
    config,
    obs: observability,
    s3,
    sns: new SNSClient({ region: 'us-east-1' }),
    publish: { sleep: () => Promise.resolve() },
  });
  return (event: unknown) => handler(event, context) as Promise<ProcessorResult>;
}

beforeAll(async () => {
  s3rver = await startS3Emulator();
  s3 = s3rver.client();
  await putSampleLogs(s3rver);
  // The handler module reads its environment at import (cold start): give it one that works.
  Object.assign(process.env, { ...s3rver.environment, POWERTOOLS_LOG_LEVEL: 'SILENT', ALERT_TOPIC_ARN: TOPIC });
  ({ createHandler } = await import('../functions/processor/handler.js'));
});

afterAll(async () => {
  await s3rver?.close();
});

beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishBatchCommand).callsFake(allSucceed);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('processor: alerts from the sample events', () => {
  it('publishes the alert of an S3 put event as a json-structured message with subject and attributes', async () => {
    const result = (await processor()(sampleEvent('s3-put.json'))) as ProcessedDelivery;
    expect(result.files).toMatchObject([
      {
        bucket: BUCKET,
        key: logKey('1110Z', 'OFgXCp32aVxXbA7d'),
        alertsByRule: { 'rds-database-deleted': 1 },
        published: { alertTopic: 1, eventsTopic: 0 },
      },
    ]);
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 1);
    const [entry] = published();
    expect(entry?.MessageStructure).toBe('json');
    expect(entry?.Subject).toBe('[HIGH] DeleteDBInstance oradb by johndoe (123456789012 us-east-1)');
    expect(entry?.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      rule: { DataType: 'String', StringValue: 'rds-database-deleted' },
      eventName: { DataType: 'String', StringValue: 'DeleteDBInstance' },
      eventSource: { DataType: 'String', StringValue: 'rds.amazonaws.com' },
      account: { DataType: 'String', StringValue: '123456789012' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
    });
    const message = JSON.parse(entry?.Message ?? '{}') as Record<string, string>;
    expect(Object.keys(message).sort()).toEqual(['default', 'email']);
    expect(defaultDoc(entry)).toMatchObject({
      rule: 'rds-database-deleted',
      severity: 'high',
      eventName: 'DeleteDBInstance',
      file: `s3://${BUCKET}/${logKey('1110Z', 'OFgXCp32aVxXbA7d')}`,
    });
    expect(message.email).toContain('oradb');
  });

  it('publishes an EventBridge-triggered file, most severe alert first, in one PublishBatch call', async () => {
    await processor()(sampleEvent('eventbridge-object-created.json'));
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 1);
    expect(published().map((e) => defaultDoc(e).rule)).toEqual([
      'rds-snapshot-public',
      'rds-snapshot-shared',
      'rds-manual-snapshot-created',
      'rds-manual-snapshot-created',
    ]);
    expect(published().map((e) => e.Subject?.slice(0, 10))).toEqual([
      '[CRITICAL]',
      '[HIGH] Mod',
      '[LOW] Crea',
      '[LOW] Crea',
    ]);
  });

  it("reads every file of CloudTrail's SNS notification, publishing each file's alerts after it was read", async () => {
    const result = (await processor()(sampleEvent('sns-cloudtrail-notification.json'))) as ProcessedDelivery;
    expect(result.via).toBe('sns>cloudtrail');
    expect(result.files.map((f) => f.alertsByRule)).toEqual([
      { 'rds-deletion-protection-disabled': 1, 'cloudtrail-logging-stopped': 1 },
      { 'root-rds-activity': 3 },
    ]);
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 2);
    expect(published().map((e) => defaultDoc(e).rule)).toEqual([
      'cloudtrail-logging-stopped',
      'rds-deletion-protection-disabled',
      'root-rds-activity',
      'root-rds-activity',
      'root-rds-activity',
    ]);
  });

  it('keeps every subject within SNS limits and ids unique per call', async () => {
    await processor()(sampleEvent('sns-cloudtrail-notification.json'));
    await processor()(sampleEvent('sns-s3-notification.json'));
    for (const call of snsMock.commandCalls(PublishBatchCommand)) {
      const entries = call.args[0].input.PublishBatchRequestEntries ?? [];
      expect(new Set(entries.map((e) => e.Id)).size).toBe(entries.length);
      for (const { Subject } of entries) {
        expect(Subject?.length).toBeGreaterThan(0);
        expect(Subject?.length).toBeLessThan(100);
        expect(Subject).toMatch(/^[\x20-\x7e]+$/);
      }
    }
  });

  it('reads only the log file of a shared-bucket notification, checks the digest, and logs why the rest was skipped', async () => {
    const obs = quietObservability();
    const info = vi.spyOn(obs.logger, 'info');
    const addMetric = vi.spyOn(obs.metrics, 'addMetric');
    const result = (await processor({}, obs)(sampleEvent('s3-put-shared-bucket.json'))) as ProcessedDelivery;
    expect(result.files.map((f) => f.key)).toEqual([ORG_KEY]);
    expect(result.skipped).toBe(4);
    const skipped = info.mock.calls
      .filter(([message]) => message === 'object skipped')
      .map(([, fields]) => (fields as { reason: string }).reason);
    expect(skipped).toEqual(['config-writability-check', 'aws-config', 'folder', 'not-created']);
    expect(addMetric.mock.calls.filter(([name]) => name === 'FilesSkipped')).toHaveLength(4);
    // The digest is handed to the integrity check (issue 14; test/processor-integrity.test.ts), not skipped.
    // It is not in this bucket, so there is nothing to check (a deletion raises its own alert).
    expect(result.digests?.map((d) => [d.key.split('/').pop(), d.results.length])).toEqual([
      ['123456789012_CloudTrail-Digest_us-east-1_RDS-CloudTrail_us-east-1_20261120T094631Z.json.gz', 0],
    ]);
    expect(published().map((e) => defaultDoc(e).rule)).toEqual([
      'rds-snapshot-public',
      'rds-snapshot-shared',
      'rds-manual-snapshot-created',
      'rds-manual-snapshot-created',
    ]);
  });

  it('writes one structured log line per file with bytes, records, alerts by rule, malformed and duration', async () => {
    const obs = quietObservability();
    const info = vi.spyOn(obs.logger, 'info');
    await processor({}, obs)(sampleEvent('sns-s3-notification.json'));
    const lines = info.mock.calls.filter(([message]) => message === 'log file read');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.[1]).toMatchObject({
      bucket: BUCKET,
      key: logKey('0920Z', 'D503XMjzl7ndqoFg'),
      via: 'sns>s3',
      bytes: 7644,
      gzip: true,
      records: 34,
      malformed: 0,
      alerts: 2,
      alertsByRule: { 'cloudtrail-trail-updated': 1, 'rds-public-access': 1 },
      published: { alertTopic: 2, eventsTopic: 0 },
      durationMs: expect.any(Number) as number,
    });
  });
});

describe('processor: topics and severity', () => {
  it('sends people only alerts at MIN_SEVERITY and above; the events topic gets the alert JSON as a String message', async () => {
    await processor({
      MIN_SEVERITY: 'high',
      ALERT_EVENTS_TOPIC_ARN: EVENTS_TOPIC,
      ALERT_EVENTS_MIN_SEVERITY: 'medium',
    })(sampleEvent('sns-cloudtrail-notification.json'));
    expect(published(TOPIC).map((e) => defaultDoc(e).rule)).toEqual([
      'cloudtrail-logging-stopped',
      'root-rds-activity',
      'root-rds-activity',
      'root-rds-activity',
    ]);
    const events = published(EVENTS_TOPIC);
    expect(events.map((e) => (JSON.parse(e.Message ?? '{}') as AlertDoc).rule)).toEqual([
      'cloudtrail-logging-stopped',
      'rds-deletion-protection-disabled',
      'root-rds-activity',
      'root-rds-activity',
      'root-rds-activity',
    ]);
    for (const entry of events) {
      expect(entry.MessageStructure).toBeUndefined();
      expect(entry.Subject).toBeUndefined();
      expect(entry.MessageAttributes?.severity?.StringValue).toBe(
        (JSON.parse(entry.Message ?? '{}') as AlertDoc).severity,
      );
    }
    // The same JSON as the email topic's `default`.
    const people = published(TOPIC)[0];
    expect(events[0]?.Message).toBe((JSON.parse(people?.Message ?? '{}') as { default: string }).default);
  });

  it('publishes nothing when no alert reaches the floor', async () => {
    await processor({ MIN_SEVERITY: 'critical' })(sampleEvent('s3-put.json'));
    expect(snsMock).not.toHaveReceivedCommand(PublishBatchCommand);
  });
});

describe('processor: failures', () => {
  it('publishes nothing from a file whose read fails midway, and fails with its S3 URL', async () => {
    // Alerts early in the file, then the gzip stream is cut short.
    const records = Array.from({ length: 400 }, (_, i) =>
      cloudTrailRecord({
        eventName: 'DeleteDBInstance',
        eventID: `e-${i}`,
        requestParameters: { dBInstanceIdentifier: `db-${i}`, note: `${i}`.repeat(300) },
      }),
    );
    const whole = gzipSync(JSON.stringify({ Records: records }));
    const key = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/truncated.json.gz';
    await s3rver.put(BUCKET, key, whole.subarray(0, whole.length - 64));
    const obs = quietObservability();
    const logError = vi.spyOn(obs.logger, 'error');
    const error = await failure(
      processor(
        {},
        obs,
      )({
        Records: [
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: BUCKET }, object: { key, size: whole.length - 64 } },
          },
        ],
      }),
    );
    expect(error).toBeInstanceOf(LogFileError);
    expect((error as LogFileError).code).toBe('TRUNCATED_GZIP');
    expect((error as LogFileError).message).toContain(`s3://${BUCKET}/${key}`);
    expect(snsMock).not.toHaveReceivedCommand(PublishBatchCommand);
    expect(logError.mock.calls.map(([message]) => message)).toEqual(['log file failed', 'invocation failed']);
  });

  it('folds an alert storm into one summary message that lists the eventIDs it stands for', async () => {
    const records = [
      ...Array.from({ length: 50 }, (_, i) =>
        cloudTrailRecord({
          eventName: 'DeleteDBInstance',
          eventID: `del-${i}`,
          requestParameters: { dBInstanceIdentifier: `db-${i}` },
        }),
      ),
      cloudTrailRecord({
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: 'StopLogging',
        eventID: 'stop-1',
        requestParameters: { name: 'main' },
      }),
    ];
    const key = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/storm.json.gz';
    await s3rver.put(BUCKET, key, gzipSync(JSON.stringify({ Records: records })));
    await processor({ ALERT_STORM_THRESHOLD: '20' })({
      Records: [
        { eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key } } },
      ],
    });
    const docs = published().map(defaultDoc);
    expect(docs.map((d) => d.rule)).toEqual(['cloudtrail-logging-stopped', 'rds-database-deleted']);
    expect(docs[1]).toMatchObject({ kind: 'summary', count: 50 });
    expect(docs[1]?.eventIDs).toEqual(Array.from({ length: 50 }, (_, i) => `del-${i}`));
  });

  it('keeps a message with a huge record within SNS size limits, the facts whole', async () => {
    const record = cloudTrailRecord({
      eventName: 'DeleteDBInstance',
      eventID: 'huge-1',
      requestParameters: { dBInstanceIdentifier: 'orders-prod', skipFinalSnapshot: true },
      responseElements: { dBInstanceIdentifier: 'orders-prod', blob: 'x'.repeat(400_000) },
    });
    const key = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/huge.json.gz';
    await s3rver.put(BUCKET, key, gzipSync(JSON.stringify({ Records: [record] })));
    await processor({ ALERT_EVENTS_TOPIC_ARN: EVENTS_TOPIC })({
      Records: [
        { eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key } } },
      ],
    });
    const [entry] = published();
    const [event] = published(EVENTS_TOPIC);
    expect(publishEntryBytes(entry ?? {})).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
    expect(publishEntryBytes(event ?? {})).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
    expect(defaultDoc(entry)).toMatchObject({
      rule: 'rds-database-deleted',
      eventID: 'huge-1',
      eventName: 'DeleteDBInstance',
    });
    expect((JSON.parse(entry?.Message ?? '{}') as { email: string }).email).toContain('orders-prod');
  });

  it('retries entries SNS reports as failed and succeeds', async () => {
    snsMock
      .on(PublishBatchCommand)
      .callsFakeOnce((input: PublishBatchCommandInput) => ({
        Successful: [],
        Failed: (input.PublishBatchRequestEntries ?? []).map((e) => ({
          Id: e.Id,
          Code: 'InternalError',
          SenderFault: false,
        })),
      }))
      .callsFake(allSucceed);
    const result = (await processor()(sampleEvent('eventbridge-object-created.json'))) as ProcessedDelivery;
    expect(result.files[0]?.published.alertTopic).toBe(4);
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 2);
  });

  it('fails the invocation when SNS keeps failing entries', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => ({
      Successful: [],
      Failed: (input.PublishBatchRequestEntries ?? []).map((e) => ({
        Id: e.Id,
        Code: 'InternalError',
        SenderFault: false,
      })),
    }));
    const error = await failure(processor()(sampleEvent('s3-put.json')));
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).topicArn).toBe(TOPIC);
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 5);
  });

  it('still processes the other files of a delivery when one is missing, then fails naming it', async () => {
    const event = cloudTrailNotificationOf([logKey('1648Z', 'missing00000000x'), logKey('1726Z', 'ohvPQ7SWFVPShnv1')]);
    const error = await failure(processor()(event));
    expect(error).toBeInstanceOf(ObjectReadError);
    expect((error as ObjectReadError).reason).toBe('NoSuchKey');
    expect(published().map((e) => defaultDoc(e).rule)).toEqual([
      'root-rds-activity',
      'root-rds-activity',
      'root-rds-activity',
    ]);
  });

  it('rejects an event it does not know, naming what it got', async () => {
    const error = await failure(processor()({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }));
    expect(error).toBeInstanceOf(TriggerError);
    expect((error as TriggerError).message).toContain('source "aws.events"');
  });
});

describe('processor: SQS', () => {
  it('processes every message and reports no failures', async () => {
    expect(await processor()(sampleEvent('sqs-s3-notification.json'))).toEqual({ batchItemFailures: [] });
    expect(published().map((e) => defaultDoc(e).rule)).toEqual(['cloudtrail-logging-stopped']);
    expect(await processor()(sampleEvent('sqs-sns-cloudtrail-notification.json'))).toEqual({ batchItemFailures: [] });
    expect(await processor()(sampleEvent('sqs-eventbridge-object-created.json'))).toEqual({ batchItemFailures: [] });
  });

  it('reports the messages that failed as batchItemFailures; the others are processed', async () => {
    const { event, missingFile } = sqsDeliveryWithFailingMessages();
    const result = await processor()(event);
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: missingFile }, { itemIdentifier: 'not-a-trigger' }],
    });
    expect(published().map((e) => defaultDoc(e).rule)).toEqual(['rds-master-password-changed']);
  });

  it('fails the whole invocation when every message failed', async () => {
    const event = sampleEvent('sqs-s3-notification.json') as { Records: Array<{ body: string }> };
    for (const record of event.Records) record.body = 'not json';
    const error = await failure(processor()(event));
    expect((error as Error).name).toBe('FullBatchFailureError');
  });
});

describe('processor handler module', () => {
  it('is configured from the environment at cold start and handles an event', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { handler } = await import('../functions/processor/handler.js');
    const result = (await handler(sampleEvent('s3-put.json'), context)) as ProcessedDelivery;
    expect(result.files[0]?.alertsByRule).toEqual({ 'rds-database-deleted': 1 });
    expect(published().map((e) => defaultDoc(e).rule)).toEqual(['rds-database-deleted']);
  });

  it('writes the metrics in CloudWatch embedded metric format, namespace trailwatch', async () => {
    const writes = captureStdout();
    const { handler } = await import('../functions/processor/handler.js');
    await handler(sampleEvent('eventbridge-object-created.json'), context);
    vi.restoreAllMocks();
    const emf = emfDocuments(writes);
    const names = emf.flatMap((doc) => doc._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name)));
    expect(emf.every((doc) => doc._aws.CloudWatchMetrics.every((m) => m.Namespace === 'trailwatch'))).toBe(true);
    expect(names).toEqual(
      expect.arrayContaining([
        'FilesRead',
        'Records',
        'MalformedRecords',
        'BytesRead',
        'AlertsRaised',
        'AlertsPublished',
      ]),
    );
    const main = emf.find((doc) => 'AlertsPublished' in doc);
    expect(main).toMatchObject({ FilesRead: 1, Records: 35, AlertsPublished: 4, BytesRead: 7709 });
  });

  it('fails its cold start with every configuration problem listed', async () => {
    const error = await coldStartFailure(
      { ALERT_TOPIC_ARN: undefined, MIN_SEVERITY: 'urgent' },
      () => import('../functions/processor/handler.js'),
    );
    expect((error as Error).name).toBe('ConfigError');
    expect((error as Error).message).toContain('ALERT_TOPIC_ARN: required, not set');
    expect((error as Error).message).toContain('MIN_SEVERITY: must be one of');
  });
});
