// Issue 13: every alert published at most once per topic, whatever path and however many retries carry it,
// against a real DynamoDB API (dynalite on loopback, the real SDK client) and real S3 (s3rver); SNS is mocked at
// the command level so every PublishBatch entry can be counted. Each scenario replays what Lambda does: the same
// event again (a retried attempt, a redelivery), with the dedupe table kept between attempts.
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  PublishBatchCommand,
  SNSClient,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
  type PublishBatchRequestEntry,
} from '@aws-sdk/client-sns';
import type { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PublishError } from '../functions/lib/errors.js';
import { loadProcessorConfig } from '../functions/processor/config.js';
import { DedupeBusyError, DedupeStoreError } from '../functions/processor/dedupe-errors.js';
import { DedupeStore } from '../functions/processor/dedupe-store.js';
import type { createHandler as CreateHandler, ProcessorResult } from '../functions/processor/handler.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import {
  SAMPLE_BUCKET as BUCKET,
  SAMPLE_LOGS,
  cloudTrailNotificationOf,
  failure,
  lambdaContext,
  putSampleLogs,
  quietObservabilityFor,
  sampleEvent,
  sampleLogKey as logKey,
} from './helpers/handler-invocation.js';
import { startLocalDynamoDb, type LocalDynamoDb } from '../local-aws/dynamodb-local.js';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';
const EVENTS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alert-events';
const context = lambdaContext('trailwatch-processor');
/** Two files of the sample day: 2 alerts, then 3 (sns-cloudtrail-notification.json). */
const TWO_FILES = sampleEvent('sns-cloudtrail-notification.json');
const GOOD = logKey('1648Z', 'RrbAe6CEoGYaX5SU');
const MISSING = logKey('1648Z', 'missing00000000x');

const snsMock = mockClient(SNSClient);
let s3rver: S3Emulator;
let s3: S3Client;
let dynamo: LocalDynamoDb;
let createHandler: typeof CreateHandler;

interface Clock {
  now: number;
}

interface ProcessorOptions {
  table: string;
  env?: Record<string, string>;
  ddb?: DynamoDBClient;
  clock?: Clock;
}

function processor({ table, env = {}, ddb = dynamo.client(), clock }: ProcessorOptions) {
  const config = loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, ALERT_DEDUPE_TABLE: table, ...env });
  const dedupe = new DedupeStore(ddb, table, clock ? { now: () => clock.now } : {});
  const handler = createHandler({
    config,
    obs: quietObservabilityFor('trailwatch-processor-test'),
    s3,
    sns: new SNSClient({ region: 'us-east-1' }),
    dedupe,
    publish: { sleep: () => Promise.resolve(), maxAttempts: 1 },
  });
  return (event: unknown) => handler(event, context) as Promise<ProcessorResult>;
}

/** Entries SNS took (answered as Successful), per topic, in order: what subscribers receive. */
let accepted: Array<{ topic: string; entry: PublishBatchRequestEntry }> = [];

function allSucceed(input: PublishBatchCommandInput): Partial<PublishBatchCommandOutput> {
  for (const entry of input.PublishBatchRequestEntries ?? []) accepted.push({ topic: input.TopicArn ?? '', entry });
  return {
    Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })),
    Failed: [],
  };
}

function entries(topic = TOPIC): PublishBatchRequestEntry[] {
  return accepted.filter((a) => a.topic === topic).map((a) => a.entry);
}

/** `rule eventID` of every message published to a topic, in order (a summary: `rule summary <file>`). */
function published(topic = TOPIC): string[] {
  return entries(topic).map((entry) => {
    const body = JSON.parse(entry.Message ?? '{}') as { default?: string };
    const alert = JSON.parse(body.default ?? entry.Message ?? '{}') as {
      rule: string;
      eventID?: string;
      kind?: string;
      file?: string;
    };
    return alert.kind === 'summary' ? `${alert.rule} summary ${alert.file}` : `${alert.rule} ${alert.eventID}`;
  });
}

/** A DynamoDB client whose matching commands fail as an unavailable service would, before reaching the server. */
function failingClient(when: (command: string, input: Record<string, unknown>) => boolean): DynamoDBClient {
  const client = dynamo.client({ maxAttempts: 1 });
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (when(ctx.commandName ?? '', args.input as Record<string, unknown>)) {
        throw Object.assign(new Error('injected: service unavailable'), {
          name: 'ServiceUnavailable',
          $fault: 'server',
          $metadata: { httpStatusCode: 503 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectFailure' },
  );
  return client;
}

const marksPublished = (command: string, input: Record<string, unknown>) =>
  command === 'UpdateItemCommand' &&
  ':published' in ((input.ExpressionAttributeValues as Record<string, unknown> | undefined) ?? {});

beforeAll(async () => {
  [s3rver, dynamo] = await Promise.all([startS3Emulator(), startLocalDynamoDb()]);
  s3 = s3rver.client();
  await putSampleLogs(s3rver);
  Object.assign(process.env, { ...s3rver.environment, POWERTOOLS_LOG_LEVEL: 'SILENT', ALERT_TOPIC_ARN: TOPIC });
  ({ createHandler } = await import('../functions/processor/handler.js'));
});

afterAll(async () => {
  await Promise.all([s3rver?.close(), dynamo?.close()]);
});

beforeEach(() => {
  accepted = [];
  snsMock.reset();
  snsMock.on(PublishBatchCommand).callsFake(allSucceed);
});

/** What the two files publish once, without a dedupe table. */
async function baseline(
  event: unknown,
  env: Record<string, string> = {},
): Promise<{ alerts: string[]; events: string[] }> {
  const config = loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, ...env });
  const handler = createHandler({
    config,
    obs: quietObservabilityFor('baseline'),
    s3,
    sns: new SNSClient({ region: 'us-east-1' }),
    publish: { sleep: () => Promise.resolve() },
  });
  await handler(event, context);
  const result = { alerts: published(TOPIC), events: published(EVENTS_TOPIC) };
  accepted = [];
  return result;
}

describe('dedupe: the same delivery again publishes nothing new', () => {
  it('publishes the alerts of a file delivered twice once', async () => {
    const expected = await baseline(TWO_FILES);
    expect(expected.alerts).toHaveLength(5);
    const run = processor({ table: await dynamo.createDedupeTable() });
    await run(TWO_FILES);
    await run(TWO_FILES);
    expect(published()).toEqual(expected.alerts);
  });

  it("retries a delivery naming an unreadable file three times and publishes the readable file's alerts once", async () => {
    const event = cloudTrailNotificationOf([GOOD, MISSING]);
    const expected = await baseline(cloudTrailNotificationOf([GOOD]));
    expect(expected.alerts).toHaveLength(2);
    const run = processor({ table: await dynamo.createDedupeTable() });
    for (let attempt = 1; attempt <= 3; attempt++) await expect(run(event)).rejects.toThrow(MISSING);
    expect(published()).toEqual(expected.alerts);
  });

  it('keeps a storm summary one unit: the same file twice publishes its summary once', async () => {
    // 30 failed DeleteDBInstance calls: over the storm threshold (20) for both rules they raise, so two summaries.
    const key = logKey('2359Z', 'stormstormstorm1');
    const records = Array.from({ length: 30 }, (_, i) =>
      cloudTrailRecord({
        eventSource: 'rds.amazonaws.com',
        eventName: 'DeleteDBInstance',
        errorCode: 'AccessDenied',
        eventID: `storm-${i}`,
        requestParameters: { dBInstanceIdentifier: `db-${i}` },
      }),
    );
    await s3rver.put(BUCKET, key, gzipSync(JSON.stringify({ Records: records })));
    const event = cloudTrailNotificationOf([key]);
    const run = processor({ table: await dynamo.createDedupeTable() });
    await run(event);
    await run(event);
    const summaries = published().filter((p) => p.includes(' summary '));
    expect(summaries.sort()).toEqual([
      `rds-database-deleted summary s3://${BUCKET}/${key}`,
      `rds-failed-call summary s3://${BUCKET}/${key}`,
    ]);
    expect(new Set(published()).size).toBe(published().length);
  });
});

describe('dedupe: per topic', () => {
  it('emails once when the events topic failed after the email topic succeeded, over three attempts', async () => {
    const env = { ALERT_EVENTS_TOPIC_ARN: EVENTS_TOPIC };
    const expected = await baseline(TWO_FILES, env);
    let eventsCalls = 0;
    snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      // The events topic is down for the first two attempts' calls.
      if (input.TopicArn === EVENTS_TOPIC && ++eventsCalls <= 4)
        throw Object.assign(new Error('Internal'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
      return allSucceed(input);
    });
    const run = processor({ table: await dynamo.createDedupeTable(), env });
    await expect(run(TWO_FILES)).rejects.toThrow();
    await expect(run(TWO_FILES)).rejects.toThrow();
    await run(TWO_FILES);
    expect(published(TOPIC)).toEqual(expected.alerts);
    expect(published(EVENTS_TOPIC).sort()).toEqual([...expected.events].sort());
  });
});

describe('dedupe: when the store or SNS fails', () => {
  it('fails the invocation without publishing when the store is unavailable, and publishes once when it is back', async () => {
    const table = await dynamo.createDedupeTable();
    const down = processor({ table, ddb: dynamo.client({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }) });
    const error = await failure(down(TWO_FILES));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/dedupe table .*: claim of .* failed/);
    expect(entries()).toEqual([]);
    const expected = await baseline(TWO_FILES);
    await processor({ table })(TWO_FILES);
    expect(published()).toEqual(expected.alerts);
  });

  it('claimed, then SNS failed: the retry publishes what SNS did not take, once', async () => {
    const expected = await baseline(TWO_FILES);
    let calls = 0;
    snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      // The first file's call fails outright; everything after succeeds.
      if (++calls === 1)
        throw Object.assign(new Error('Internal'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
      return allSucceed(input);
    });
    const run = processor({ table: await dynamo.createDedupeTable() });
    expect(await failure(run(TWO_FILES))).toBeInstanceOf(PublishError);
    await run(TWO_FILES);
    expect(published().sort()).toEqual([...expected.alerts].sort());
  });

  it('published, but recording it failed: the invocation succeeds, and a later delivery publishes it again once the lease ran out (a duplicate, not a loss)', async () => {
    const table = await dynamo.createDedupeTable();
    const clock = { now: 1_800_000_000 };
    const event = cloudTrailNotificationOf([GOOD]);
    await processor({ table, clock, ddb: failingClient(marksPublished) })(event);
    expect(published()).toHaveLength(2);
    // Within the lease, another delivery of the same file finds the claims held: it fails, to be retried.
    expect(await failure(processor({ table, clock })(event))).toBeInstanceOf(Error);
    expect(published()).toHaveLength(2);
    clock.now += 121;
    await processor({ table, clock })(event);
    expect(published()).toHaveLength(4);
    expect(published().slice(2)).toEqual(published().slice(0, 2));
    // Recorded now: a fourth delivery publishes nothing.
    await processor({ table, clock })(event);
    expect(published()).toHaveLength(4);
  });

  it('a live claim of another delivery fails this one with DedupeBusyError; once its lease ran out the alert is published once', async () => {
    const table = await dynamo.createDedupeTable();
    const clock = { now: 1_800_000_000 };
    const event = cloudTrailNotificationOf([GOOD]);
    const expected = await baseline(event);
    // Another delivery claimed everything and then died (no publish, no release).
    const crashed = processor({
      table,
      clock,
      ddb: failingClient(
        (command, input) =>
          command === 'UpdateItemCommand' && ':zero' in ((input.ExpressionAttributeValues as object | undefined) ?? {}),
      ),
    });
    snsMock
      .on(PublishBatchCommand)
      .rejects(Object.assign(new Error('Internal'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }));
    await expect(crashed(event)).rejects.toThrow();
    snsMock.on(PublishBatchCommand).callsFake(allSucceed);
    const error = await failure(processor({ table, clock })(event));
    expect(error).toBeInstanceOf(DedupeBusyError);
    expect((error as DedupeBusyError).labels).toHaveLength(2);
    expect(entries()).toEqual([]);
    clock.now += 121;
    await processor({ table, clock })(event);
    expect(published()).toEqual(expected.alerts);
  });
});

describe('dedupe: the fast path, then the S3 file', () => {
  it('publishes a record once when its EventBridge event comes first and its log file minutes later', async () => {
    const key = logKey('1110Z', 'OFgXCp32aVxXbA7d');
    const { Records } = JSON.parse(gunzipSync(readFileSync(new URL(key, SAMPLE_LOGS))).toString('utf8')) as {
      Records: Array<Record<string, unknown>>;
    };
    const deleted = Records.find((r) => r.eventName === 'DeleteDBInstance');
    expect(deleted).toBeDefined();
    const apiCall = {
      version: '0',
      id: 'ev-1',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.rds',
      account: '123456789012',
      time: deleted?.eventTime,
      region: 'us-east-1',
      resources: [],
      detail: deleted,
    };
    const run = processor({ table: await dynamo.createDedupeTable() });
    await run(apiCall);
    expect(published()).toEqual([`rds-database-deleted ${String(deleted?.eventID)}`]);
    await run(sampleEvent('s3-put.json'));
    await run({ Records: [{ messageId: 'm1', eventSource: 'aws:sqs', body: JSON.stringify(apiCall) }] });
    expect(published()).toEqual([`rds-database-deleted ${String(deleted?.eventID)}`]);
  });
});

describe('dedupe store errors', () => {
  it('names the table, the operation and the key', () => {
    const error = new DedupeStoreError('claim', 'tbl', 'topic|alert|rule|id', new Error('boom'));
    expect(error.message).toBe('dedupe table tbl: claim of topic|alert|rule|id failed: Error: boom');
  });
});
