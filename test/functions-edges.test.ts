// The functions' edge under the inputs and faults of issue 11, end to end through the handlers: a zero-byte object
// named by CloudTrail's own notification, another JSON object reached by a whole-bucket notification, an SQS record
// without a messageId, a body that stalls until the invocation's deadline, and a body corrupted in transit on its
// way to the indexer. S3 is the emulator (through a faulty proxy where a fault is needed), SNS and CloudWatch Logs
// are the SDK mocks the handler tests use (the CloudWatch Logs one answered by the limit-enforcing fake).
import 'aws-sdk-client-mock-vitest/extend';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishBatchCommand, SNSClient, type PublishBatchCommandInput } from '@aws-sdk/client-sns';
import type { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { lambdaContext as contextWith } from '../scripts/local/lambda-context.js';
import { ObjectBodyError } from '../functions/lib/errors.js';
import { FileMetrics } from '../functions/lib/observability.js';
import { DeliveryMetrics } from '../functions/lib/delivery-handler.js';
import { CloudWatchLogsWriter } from '../functions/indexer/cloudwatch-writer.js';
import { loadIndexerConfig } from '../functions/indexer/config.js';
import type { createHandler as CreateIndexer } from '../functions/indexer/handler.js';
import { loadProcessorConfig } from '../functions/processor/config.js';
import type { createHandler as CreateProcessor, ProcessorResult } from '../functions/processor/handler.js';
import type { ProcessedDelivery } from '../functions/processor/process-delivery.js';
import { createCloudWatchLogsFake, type CloudWatchLogsFake } from '../local-aws/cloudwatch-logs-fake.js';
import { startFaultyProxy, type BodyFault, type FaultyProxy } from '../local-aws/faulty-s3-proxy.js';
import {
  SAMPLE_BUCKET as BUCKET,
  SAMPLE_DAY_FOLDER as DAY,
  cloudTrailNotificationOf,
  failure,
  lambdaContext,
  putSampleLogs,
  quietObservabilityFor,
  sampleEvent,
  sampleLogKey as logKey,
} from './helpers/handler-invocation.js';
import { cloudTrailRecord, logText } from './helpers/log-files.js';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';
const GROUP = '/trailwatch/trailwatch/cloudtrail';
const STREAM = '123456789012_CloudTrail_us-east-1';
const NOW = Date.parse('2026-11-20T19:00:00Z');
const SAMPLE = logKey('1110Z', 'OFgXCp32aVxXbA7d');
const EMPTY = `${DAY}123456789012_CloudTrail_us-east-1_20261120T1900Z_emptyemptyempty0.json.gz`;
const LARGE = `${DAY}large-stalls.json.gz`;
const PLAIN = `${DAY}plain-corrupted.json`;

const snsMock = mockClient(SNSClient);
const cwl = mockClient(CloudWatchLogsClient);
let fake: CloudWatchLogsFake;
let s3rver: S3Emulator;
let createProcessor: typeof CreateProcessor;
let createIndexer: typeof CreateIndexer;
const proxies: FaultyProxy[] = [];

const largeBody = gzipSync(
  logText(
    Array.from({ length: 600 }, (_, i) =>
      cloudTrailRecord({ eventID: `l-${i}`, requestParameters: { note: randomBytes(900).toString('hex') } }),
    ),
  ),
);
/** Two in-scope records; the byte at CORRUPT_AT is a digit of the first one's eventID. */
const plainText = logText([
  cloudTrailRecord({
    eventID: 'evt-1111',
    eventTime: '2026-11-20T18:00:00Z',
    eventName: 'DeleteDBInstance',
    recipientAccountId: '123456789012',
    requestParameters: { dBInstanceIdentifier: 'oradb' },
  }),
  cloudTrailRecord({
    eventID: 'evt-2222',
    eventTime: '2026-11-20T18:00:01Z',
    eventName: 'ModifyDBInstance',
    recipientAccountId: '123456789012',
    requestParameters: { dBInstanceIdentifier: 'oradb' },
  }),
]);
const CORRUPT_AT = plainText.indexOf('evt-1111') + 4;

async function faultyClient(fault: BodyFault): Promise<S3Client> {
  const proxy = await startFaultyProxy(s3rver.port, fault);
  proxies.push(proxy);
  return s3rver.client({ endpoint: proxy.endpoint, maxAttempts: 1 });
}

function processor(
  options: { s3?: S3Client; env?: Record<string, string>; remainingMs?: number; deadlineMarginMs?: number } = {},
) {
  const obs = quietObservabilityFor('trailwatch-processor-edges');
  const config = loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, ...options.env });
  const handler = createProcessor({
    config,
    obs,
    s3: options.s3 ?? s3rver.client(),
    sns: new SNSClient({ region: 'us-east-1' }),
    publish: { sleep: () => Promise.resolve() },
    ...(options.deadlineMarginMs !== undefined ? { deadlineMarginMs: options.deadlineMarginMs } : {}),
  });
  const remaining = options.remainingMs;
  const context =
    remaining === undefined
      ? lambdaContext('trailwatch-processor')
      : contextWith('trailwatch-processor', {
          memoryMB: 512,
          requestId: 'r-1',
          logStreamName: 's',
          remainingMs: () => remaining,
        });
  return { obs, invoke: (event: unknown) => handler(event, context) as Promise<ProcessorResult> };
}

function indexer(s3: S3Client) {
  const config = loadIndexerConfig({ INDEX_LOG_GROUP: GROUP });
  const writer = new CloudWatchLogsWriter(new CloudWatchLogsClient({ region: 'us-east-1' }), GROUP, {
    sleep: () => Promise.resolve(),
  });
  const handler = createIndexer({
    config,
    obs: quietObservabilityFor('trailwatch-indexer-edges'),
    s3,
    writer,
    now: () => NOW,
  });
  return (event: unknown) => handler(event, lambdaContext('trailwatch-indexer'));
}

function s3Event(key: string, size?: number): unknown {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: {
          bucket: { name: BUCKET },
          object: { key: encodeURIComponent(key), ...(size !== undefined ? { size } : {}) },
        },
      },
    ],
  };
}

beforeAll(async () => {
  s3rver = await startS3Emulator();
  await putSampleLogs(s3rver);
  await s3rver.put(BUCKET, EMPTY, Buffer.alloc(0));
  await s3rver.put(BUCKET, 'reports/summary.json', JSON.stringify({ report: 'weekly', rows: 12 }));
  await s3rver.put(BUCKET, LARGE, largeBody);
  await s3rver.put(BUCKET, PLAIN, plainText);
  Object.assign(process.env, {
    ...s3rver.environment,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ALERT_TOPIC_ARN: TOPIC,
    INDEX_LOG_GROUP: GROUP,
  });
  ({ createHandler: createProcessor } = await import('../functions/processor/handler.js'));
  ({ createHandler: createIndexer } = await import('../functions/indexer/handler.js'));
}, 60_000);

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await s3rver?.close();
});

beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => ({
    Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
    Failed: [],
  }));
  fake = createCloudWatchLogsFake({ logGroups: { [GROUP]: {} }, existingStreams: { [GROUP]: [] }, now: () => NOW });
  cwl.reset();
  cwl.on(PutLogEventsCommand).callsFake(fake.putLogEvents).on(CreateLogStreamCommand).callsFake(fake.createLogStream);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('objects that are not log files to read', () => {
  it("skips a zero-byte object named by CloudTrail's own notification (no size), counted and logged, and reads the rest", async () => {
    const { obs, invoke } = processor();
    const info = vi.spyOn(obs.logger, 'info');
    const metric = vi.spyOn(obs.metrics, 'addMetric');
    const result = (await invoke(cloudTrailNotificationOf([EMPTY, SAMPLE]))) as ProcessedDelivery;
    expect(result.skipped).toBe(1);
    expect(result.files.map((f) => f.key)).toEqual([SAMPLE]);
    expect(info).toHaveBeenCalledWith(
      'object skipped',
      expect.objectContaining({ bucket: BUCKET, key: EMPTY, reason: 'empty', via: 'sns>cloudtrail' }),
    );
    expect(metric).toHaveBeenCalledWith(FileMetrics.filesSkipped, 'Count', 1);
  });

  it('skips any other JSON object a whole-bucket notification names, instead of failing it with NO_RECORDS_ARRAY', async () => {
    const { obs, invoke } = processor();
    const info = vi.spyOn(obs.logger, 'info');
    const result = (await invoke(s3Event('reports/summary.json', 30))) as ProcessedDelivery;
    expect(result).toMatchObject({ files: [], skipped: 1 });
    expect(info).toHaveBeenCalledWith(
      'object skipped',
      expect.objectContaining({ key: 'reports/summary.json', reason: 'not-cloudtrail-log' }),
    );
  });
});

describe('an SQS record without a messageId', () => {
  it('is skipped as poison, logged and counted; the good messages of its batch are processed and not retried', async () => {
    const event = sampleEvent('sqs-sns-cloudtrail-notification.json') as { Records: Array<Record<string, unknown>> };
    const good = event.Records.map((r) => r.messageId);
    event.Records.splice(1, 0, { ...event.Records[0], messageId: undefined });
    const { obs, invoke } = processor();
    const error = vi.spyOn(obs.logger, 'error');
    const metric = vi.spyOn(obs.metrics, 'addMetric');
    expect(await invoke(event)).toEqual({ batchItemFailures: [] });
    expect(good).toHaveLength(2);
    // Each good message's log file raises alerts, published once per file.
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 2);
    expect(error).toHaveBeenCalledWith('SQS record skipped: no messageId', expect.objectContaining({ recordIndex: 1 }));
    expect(metric).toHaveBeenCalledWith(DeliveryMetrics.sqsRecordsSkipped, 'Count', 1);
  });

  it('a batch of nothing but such records answers with no failures (nothing in it can be retried)', async () => {
    const event = {
      Records: [
        { eventSource: 'aws:sqs', body: '{}' },
        { eventSource: 'aws:sqs', messageId: '', body: '{}' },
      ],
    };
    expect(await processor().invoke(event)).toEqual({ batchItemFailures: [] });
  });

  it('a record that is no SQS message but has a messageId fails alone, as its batch item failure', async () => {
    const event = sampleEvent('sqs-sns-cloudtrail-notification.json') as { Records: Array<Record<string, unknown>> };
    event.Records.push({ messageId: 'no-body-here', eventSource: 'aws:sqs' });
    expect(await processor().invoke(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'no-body-here' }] });
  });
});

describe('a body that stalls', () => {
  it('fails the file with BODY_STALLED after S3_STALL_TIMEOUT_SECONDS, naming the object and the bytes read; nothing is published', async () => {
    const s3 = await faultyClient({ kind: 'stall', after: 120_000 });
    const error = await failure(
      processor({ s3, env: { S3_STALL_TIMEOUT_SECONDS: '1' } }).invoke(s3Event(LARGE, largeBody.length)),
    );
    expect(error).toBeInstanceOf(ObjectBodyError);
    expect(error).toMatchObject({
      code: 'BODY_STALLED',
      bucket: BUCKET,
      key: LARGE,
      bytesRead: 120_000,
      contentLength: largeBody.length,
    });
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 0);
  });

  it("is stopped at the invocation's deadline, before Lambda would kill it: only the stalled SQS message is reported", async () => {
    const s3 = await faultyClient({ kind: 'stall', after: 120_000 });
    const event = sampleEvent('sqs-sns-cloudtrail-notification.json') as {
      Records: Array<{ messageId: string; body: string }>;
    };
    const stalled = event.Records[1];
    if (!stalled) throw new Error('two records expected');
    stalled.body = JSON.stringify({ s3Bucket: BUCKET, s3ObjectKey: [LARGE] });
    // 1.5 s left, 1 s kept back: the deadline comes 0.5 s in, long before the 30 s stall timeout.
    const { obs, invoke } = processor({ s3, remainingMs: 1500, deadlineMarginMs: 1000 });
    const logged = vi.spyOn(obs.logger, 'error');
    expect(await invoke(event)).toEqual({ batchItemFailures: [{ itemIdentifier: stalled.messageId }] });
    const failed = logged.mock.calls.find(([message]) => message === 'log file failed')?.[1] as
      | { error: ObjectBodyError }
      | undefined;
    expect(failed?.error).toMatchObject({ code: 'DEADLINE_REACHED', key: LARGE, bytesRead: 120_000 });
    expect(failed?.error.message).toContain(
      `s3://${BUCKET}/${LARGE}: stopped at the invocation's deadline (1000 ms of the function's timeout left), after 120,000 of`,
    );
  });
});

describe("the invocation's deadline in a delivery of several files", () => {
  it('fails the file being read and each file not started, every one named', async () => {
    const s3 = await faultyClient({ kind: 'stall', after: 120_000 });
    const error = await failure(
      processor({ s3, remainingMs: 1500, deadlineMarginMs: 1000 }).invoke(cloudTrailNotificationOf([LARGE, SAMPLE])),
    );
    expect(error).toMatchObject({ code: 'DELIVERY_FAILED' });
    const errors = (error as { errors: ObjectBodyError[] }).errors;
    expect(errors.map((e) => [e.code, e.key, e.bytesRead])).toEqual([
      ['DEADLINE_REACHED', LARGE, 120_000],
      ['DEADLINE_REACHED', SAMPLE, 0],
    ]);
    expect(errors[1]?.message).toBe(
      `s3://${BUCKET}/${SAMPLE}: not started before the invocation's deadline (1000 ms of the function's timeout left)`,
    );
  });
});

describe('a body corrupted on its way to the indexer', () => {
  it('writes nothing from it: the file fails with CHECKSUM_MISMATCH, and the retry leaves one good copy in the index', async () => {
    const corrupting = await faultyClient({ kind: 'corrupt', at: CORRUPT_AT });
    const error = await failure(indexer(corrupting)(s3Event(PLAIN, plainText.length)));
    expect(error).toMatchObject({ code: 'CHECKSUM_MISMATCH', key: PLAIN, bytesRead: plainText.length });
    expect(fake.storedEvents(GROUP, STREAM)).toEqual([]);

    const retried = (await indexer(s3rver.client())(s3Event(PLAIN, plainText.length))) as {
      files: Array<{ checksum: string; checkedBeforeWrite: boolean }>;
    };
    expect(retried.files[0]).toMatchObject({ checksum: 'etag-md5', checkedBeforeWrite: true });
    const ids = fake.storedEvents(GROUP, STREAM).map((e) => (JSON.parse(e.message) as { eventID: string }).eventID);
    expect(ids).toEqual(['evt-1111', 'evt-2222']);
  });
});

describe('S3_STALL_TIMEOUT_SECONDS', () => {
  it('defaults to 30 s in both functions and takes whole seconds from 1 to 900', () => {
    expect(loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC }).aws.s3StallTimeoutMs).toBe(30_000);
    expect(loadIndexerConfig({ INDEX_LOG_GROUP: GROUP }).aws.s3StallTimeoutMs).toBe(30_000);
    expect(loadIndexerConfig({ INDEX_LOG_GROUP: GROUP, S3_STALL_TIMEOUT_SECONDS: '900' }).aws.s3StallTimeoutMs).toBe(
      900_000,
    );
  });

  it('refuses anything else at cold start, naming the variable', () => {
    for (const value of ['0', '901', '2.5', '30s']) {
      expect(() => loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, S3_STALL_TIMEOUT_SECONDS: value }), value).toThrow(
        /S3_STALL_TIMEOUT_SECONDS: must be a whole number from 1 to 900/,
      );
    }
  });
});
