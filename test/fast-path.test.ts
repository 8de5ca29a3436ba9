// Issue 13, the fast path: the processor takes CloudTrail's `AWS API Call via CloudTrail` EventBridge event, directly
// and inside SQS (a dead-letter redrive), runs the same classifier and rules, and publishes the alerts the S3 path
// publishes for the same record: the same alert JSON but for where it was read (`file`, `recordIndex` are null), the
// same subject and attributes. Checked over the built-in rule fixtures and over every record of the sample day,
// against the S3 path run by the same handler on the sample day's files (s3rver).
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  PublishBatchCommand,
  SNSClient,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
  type PublishBatchRequestEntry,
} from '@aws-sdk/client-sns';
import type { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { buildSnsMessage } from '../functions/processor/sns-message.js';
import { scanLog } from '../shared/scan/scan-log.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { TriggerError } from '../functions/lib/errors.js';
import { objectsFromEvent } from '../functions/lib/triggers.js';
import { loadProcessorConfig } from '../functions/processor/config.js';
import { apiCallAlerts } from '../functions/processor/fast-path.js';
import type { createHandler as CreateHandler } from '../functions/processor/handler.js';
import type { ProcessedDelivery } from '../functions/processor/process-delivery.js';
import { chunked, gzipRecords } from './helpers/log-files.js';
import {
  SAMPLE_DAY_FOLDER,
  SAMPLE_LOGS,
  cloudTrailNotificationOf,
  lambdaContext,
  putSampleLogs,
  quietObservabilityFor,
  sampleEvent,
} from './helpers/handler-invocation.js';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';
import { startLocalDynamoDb, type LocalDynamoDb } from '../local-aws/dynamodb-local.js';
import { DedupeStore } from '../functions/processor/dedupe-store.js';
import { gzipSync } from 'node:zlib';
import { cloudTrailRecord } from './helpers/log-files.js';
import { loadRecord, recordFixtureNames } from './record-fixtures.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';
const EVENTS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alert-events';
const context = lambdaContext('trailwatch-processor');
const snsMock = mockClient(SNSClient);
let s3rver: S3Emulator;
let s3: S3Client;
let createHandler: typeof CreateHandler;
let dynamo: LocalDynamoDb;

function apiCall(record: CloudTrailRecord, id = 'ev'): Record<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${record.eventSource.split('.')[0]}`,
    account: '123456789012',
    time: record.eventTime,
    region: 'us-east-1',
    resources: [],
    detail: record,
  };
}

function allSucceed(input: PublishBatchCommandInput): Partial<PublishBatchCommandOutput> {
  return {
    Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })),
    Failed: [],
  };
}

function entries(topic: string): PublishBatchRequestEntry[] {
  return snsMock
    .commandCalls(PublishBatchCommand)
    .filter((c) => c.args[0].input.TopicArn === topic)
    .flatMap((c) => c.args[0].input.PublishBatchRequestEntries ?? []);
}

/** What a subscriber of the events topic gets, with where the record was read taken out, sorted. */
function comparable(topic = EVENTS_TOPIC): string[] {
  return entries(topic)
    .map((e) => {
      const { file: _file, recordIndex: _index, ...alert } = JSON.parse(e.Message ?? '{}') as Record<string, unknown>;
      return JSON.stringify({ alert, attributes: e.MessageAttributes });
    })
    .sort();
}

/** The processor with a dedupe table of its own (the fast path needs one), or with `table: null` none. */
async function processor(options: { table?: string | null; obs?: ReturnType<typeof quietObservabilityFor> } = {}) {
  const table = options.table === null ? undefined : (options.table ?? (await dynamo.createDedupeTable()));
  const config = loadProcessorConfig({
    ALERT_TOPIC_ARN: TOPIC,
    ALERT_EVENTS_TOPIC_ARN: EVENTS_TOPIC,
    MIN_SEVERITY: 'info',
    ...(table ? { ALERT_DEDUPE_TABLE: table } : {}),
  });
  const dedupe = table ? new DedupeStore(dynamo.client(), table) : undefined;
  const handler = createHandler({
    config,
    obs: options.obs ?? quietObservabilityFor('fast-path-test'),
    s3,
    sns: new SNSClient({ region: 'us-east-1' }),
    dedupe,
    publish: { sleep: () => Promise.resolve() },
  });
  return (event: unknown) => handler(event, context);
}

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
  snsMock.reset();
  snsMock.on(PublishBatchCommand).callsFake(allSucceed);
});

describe('the fast-path event shape', () => {
  it('is read directly: one record, no object', () => {
    const refs = objectsFromEvent(sampleEvent('eventbridge-cloudtrail-api-call.json'));
    expect(refs.kind).toBe('direct');
    if (refs.kind !== 'direct') return;
    expect(refs.delivery.via).toBe('eventbridge>cloudtrail-api-call');
    expect(refs.delivery.objects).toEqual([]);
    expect(refs.delivery.apiCalls?.map((e) => [e.id, e.detail.eventName, e.detail.eventID])).toEqual([
      ['8e2b1d4a-7c3f-4f0e-9a51-2f6d3c1b9e70', 'DeleteDBInstance', '382cf9d3-91e4-45e0-b2df-9d4935d01bbd'],
    ]);
  });

  it('is read inside SQS, one delivery per message', () => {
    const refs = objectsFromEvent(sampleEvent('sqs-eventbridge-cloudtrail-api-call.json'));
    expect(refs.kind).toBe('sqs');
    if (refs.kind !== 'sqs') return;
    const [message] = refs.messages;
    expect(message?.result.ok && message.result.delivery.via).toBe('sqs>eventbridge>cloudtrail-api-call');
    expect(message?.result.ok && message.result.delivery.apiCalls?.[0]?.detail.eventName).toBe('DeleteDBInstance');
  });

  it('is refused, naming the field, when the record lacks what every CloudTrail record has', () => {
    const event = sampleEvent('eventbridge-cloudtrail-api-call.json') as { detail: Record<string, unknown> };
    delete event.detail.eventTime;
    expect(() => objectsFromEvent(event)).toThrow(TriggerError);
    expect(() => objectsFromEvent(event)).toThrow(/detail\.eventTime/);
    expect(() => objectsFromEvent({ ...event, detail: 'not a record' })).toThrow(
      /not a valid EventBridge "AWS API Call via CloudTrail" event/,
    );
  });

  it("publishes the sample event's alert through the handler, directly and from SQS", async () => {
    const direct = (await (
      await processor()
    )(sampleEvent('eventbridge-cloudtrail-api-call.json'))) as ProcessedDelivery;
    expect(direct.apiCalls).toMatchObject([
      {
        eventID: '382cf9d3-91e4-45e0-b2df-9d4935d01bbd',
        alerts: ['rds-database-deleted'],
        published: { alertTopic: 1, eventsTopic: 1 },
      },
    ]);
    const [entry] = entries(TOPIC);
    expect(entry?.Subject).toBe('[HIGH] DeleteDBInstance oradb by johndoe (123456789012 us-east-1)');
    expect(await (await processor())(sampleEvent('sqs-eventbridge-cloudtrail-api-call.json'))).toEqual({
      batchItemFailures: [],
    });
    expect(entries(TOPIC)).toHaveLength(2);
    expect(entries(TOPIC)[1]?.Subject).toBe(entry?.Subject);
  });
});

describe('alerts equal to the S3 path', () => {
  const ruleset = compileRuleset();
  const config = { ruleset, stormThreshold: 20 } as Parameters<typeof apiCallAlerts>[0]['config'];

  it.each(recordFixtureNames())('fixture %s: the same alerts, subjects and attributes', async (name) => {
    const record = loadRecord(name);
    const scan = scanLog(chunked(gzipRecords([record])), { file: 's3://b/k.json.gz', ruleset });
    const fromFile = [];
    for await (const item of scan)
      if (item.kind === 'event') fromFile.push(...item.alerts.map((alert) => ({ alert, raw: item.raw })));
    const { items: drained } = apiCallAlerts({ config }, { id: 'ev', detail: record as never });
    // The collector hands alerts out grouped by rule; the reader in the record's rule order: compare by rule.
    const byRule = <T extends { alert: { rule: string } }>(list: T[]) =>
      [...list].sort((a, b) => (a.alert.rule < b.alert.rule ? -1 : a.alert.rule > b.alert.rule ? 1 : 0));
    const items = byRule(drained);
    fromFile.splice(0, fromFile.length, ...byRule(fromFile));
    expect(items.map((i) => ({ ...i.alert, file: null, recordIndex: null }))).toEqual(
      fromFile.map((i) => ({ ...i.alert, file: null, recordIndex: null })),
    );
    for (const [i, item] of items.entries()) {
      const fast = buildSnsMessage(item.alert, item.raw === undefined ? undefined : { raw: item.raw });
      const slow = buildSnsMessage(fromFile[i]!.alert, { raw: fromFile[i]!.raw });
      expect(fast.subject).toBe(slow.subject);
      expect(fast.attributes).toEqual(slow.attributes);
    }
  });

  it('the sample day: every record sent as a fast-path event publishes what the S3 path publishes for the day', async () => {
    const names = readdirSync(new URL(SAMPLE_DAY_FOLDER, SAMPLE_LOGS)).sort();
    await (await processor())(cloudTrailNotificationOf(names.map((n) => SAMPLE_DAY_FOLDER + n)));
    const fromS3 = comparable();
    expect(fromS3.length).toBeGreaterThanOrEqual(17);
    snsMock.resetHistory();
    const run = await processor();
    let n = 0;
    for (const name of names) {
      const { Records } = JSON.parse(
        gunzipSync(readFileSync(new URL(SAMPLE_DAY_FOLDER + name, SAMPLE_LOGS))).toString('utf8'),
      ) as { Records: CloudTrailRecord[] };
      for (const record of Records) await run(apiCall(record, `ev-${n++}`));
    }
    expect(comparable()).toEqual(fromS3);
  });
});

describe('the latency metric', () => {
  it('records event time to publish per path, one value per message SNS took', async () => {
    const obs = quietObservabilityFor('fast-path-test');
    const addMetric = vi.spyOn(obs.metrics, 'addMetric');
    const run = await processor({ obs });
    const before = Date.now();
    await run(sampleEvent('eventbridge-cloudtrail-api-call.json'));
    await run(sampleEvent('sns-cloudtrail-notification.json'));
    const after = Date.now();
    const values = (name: string) =>
      addMetric.mock.calls.filter(([n]) => n === name).map(([, unit, value]) => ({ unit, value }));
    const sinceCall = Date.parse('2026-11-20T11:02:30Z');
    // The API call's alert went to both topics: two values.
    expect(values('AlertLatencyEventBridge')).toHaveLength(2);
    for (const { unit, value } of values('AlertLatencyEventBridge')) {
      expect(unit).toBe('Milliseconds');
      expect(value).toBeGreaterThanOrEqual(before - sinceCall);
      expect(value).toBeLessThanOrEqual(after - sinceCall);
    }
    // The two files' 5 alerts to the email topic and 5 to the events topic.
    expect(values('AlertLatencyS3')).toHaveLength(10);
  });
});

describe('what the fast path leaves to the S3 path', () => {
  it('ignores fast-path events when there is no dedupe table: the log file alone alerts, never twice', async () => {
    const result = (await (
      await processor({ table: null })
    )(sampleEvent('eventbridge-cloudtrail-api-call.json'))) as ProcessedDelivery;
    expect(result.apiCalls).toMatchObject([
      {
        alerts: ['rds-database-deleted'],
        leftToS3: ['rds-database-deleted'],
        published: { alertTopic: 0, eventsTopic: 0 },
      },
    ]);
    expect(snsMock.commandCalls(PublishBatchCommand)).toEqual([]);
  });

  it('sends the first 20 alerts of a storm (one rule, one 5-minute window) early; the log file then sends one summary', async () => {
    const records = Array.from({ length: 25 }, (_, i) =>
      cloudTrailRecord({
        eventSource: 'rds.amazonaws.com',
        eventName: 'DeleteDBSnapshot',
        eventID: `snap-${i}`,
        eventTime: `2026-11-20T12:0${Math.floor(i / 10)}:${String(10 + (i % 10)).padStart(2, '0')}Z`,
        requestParameters: { dBSnapshotIdentifier: `s-${i}` },
        userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/cleanup', accountId: '123456789012' },
      }),
    );
    const table = await dynamo.createDedupeTable();
    const run = await processor({ table });
    for (const [i, record] of records.entries()) await run(apiCall(record as CloudTrailRecord, `storm-${i}`));
    expect(entries(TOPIC)).toHaveLength(20);
    const key = `${SAMPLE_DAY_FOLDER}123456789012_CloudTrail_us-east-1_20261120T1205Z_stormstormstorm2.json.gz`;
    await s3rver.put('trailwatch-sample-trail', key, gzipSync(JSON.stringify({ Records: records })));
    await run(cloudTrailNotificationOf([key]));
    const kinds = entries(TOPIC).map(
      (e) =>
        (JSON.parse((JSON.parse(e.Message ?? '{}') as { default: string }).default) as { kind?: string }).kind ??
        'alert',
    );
    expect(kinds).toEqual([...Array.from({ length: 20 }, () => 'alert'), 'summary']);
  });
});
