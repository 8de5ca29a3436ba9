// The processor end to end (log objects in a real S3 API, s3rver on loopback; SNS mocked at the command level)
// on records built to break it: nesting deeper than any stack, fields of hundreds of KB where a region belongs,
// identity types named like Object.prototype members. Whatever the record, the file's other alerts go out and
// every message is one SNS accepts (issue 11, items 1 and 9).
import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
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
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SNS_PAYLOAD_BYTES, publishEntryBytes } from '../functions/processor/sns-limits.js';
import { loadProcessorConfig } from '../functions/processor/config.js';
import type { createHandler as CreateHandler, ProcessorResult } from '../functions/processor/handler.js';
import type { ProcessedDelivery } from '../functions/processor/process-delivery.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import { lambdaContext, quietObservabilityFor } from './helpers/handler-invocation.js';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';

const BUCKET = 'trailwatch-hostile';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';
const EVENTS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alert-events';
const context = lambdaContext('trailwatch-processor');
const snsMock = mockClient(SNSClient);
let s3rver: S3Emulator;
let s3: S3Client;
let createHandler: typeof CreateHandler;

beforeAll(async () => {
  s3rver = await startS3Emulator();
  s3 = s3rver.client();
  await s3rver.createBucket(BUCKET);
  Object.assign(process.env, { ...s3rver.environment, POWERTOOLS_LOG_LEVEL: 'SILENT', ALERT_TOPIC_ARN: TOPIC });
  ({ createHandler } = await import('../functions/processor/handler.js'));
});

afterAll(async () => {
  await s3rver?.close();
});

beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishBatchCommand).callsFake(
    (input: PublishBatchCommandInput): Partial<PublishBatchCommandOutput> => ({
      Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })),
      Failed: [],
    }),
  );
});

/** Puts the log file text under a CloudTrail key and runs the processor on its S3 notification. */
async function processLogText(name: string, text: string): Promise<ProcessedDelivery> {
  const key = `AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1000Z_${name}.json.gz`;
  await s3rver.put(BUCKET, key, gzipSync(text));
  const config = loadProcessorConfig({
    ALERT_TOPIC_ARN: TOPIC,
    ALERT_EVENTS_TOPIC_ARN: EVENTS_TOPIC,
    ALERT_EVENTS_MIN_SEVERITY: 'info',
  });
  const handler = createHandler({
    config,
    obs: quietObservabilityFor('trailwatch-processor-test'),
    s3,
    sns: new SNSClient({ region: 'us-east-1' }),
    publish: { sleep: () => Promise.resolve() },
  });
  const event = {
    Records: [
      { eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key } } },
    ],
  };
  return (await handler(event, context)) as ProcessorResult as ProcessedDelivery;
}

function published(topic = TOPIC): PublishBatchRequestEntry[] {
  return snsMock
    .commandCalls(PublishBatchCommand)
    .filter((c) => c.args[0].input.TopicArn === topic)
    .flatMap((c) => c.args[0].input.PublishBatchRequestEntries ?? []);
}

function messageOf(entry: PublishBatchRequestEntry | undefined): { alert: Record<string, unknown>; email: string } {
  const message = JSON.parse(entry?.Message ?? '{}') as { default: string; email: string };
  return { alert: JSON.parse(message.default) as Record<string, unknown>, email: message.email };
}

const STOP_LOGGING = JSON.stringify(
  cloudTrailRecord({
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    eventTime: '2026-11-20T10:00:00Z',
    eventID: 'stop-1',
    requestParameters: { name: 'main' },
  }),
);

/**
 * The reproduction: a failed Data API ExecuteStatement whose parameter's ArrayValue (recursive in the
 * Data API, https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_ArrayValue.html) nests `depth`
 * deep, written as text because JSON.stringify itself cannot write it.
 */
function nestedExecuteStatement(depth: number): string {
  const head = cloudTrailRecord({
    eventSource: 'rdsdataapi.amazonaws.com',
    eventName: 'ExecuteStatement',
    eventTime: '2026-11-20T10:00:01Z',
    eventID: 'nested-1',
    errorCode: 'AccessDenied',
  });
  const open = '{"arrayValues":['.repeat(depth);
  const close = ']}'.repeat(depth);
  return `${JSON.stringify(head).slice(0, -1)},"requestParameters":{"parameters":[{"name":"id","value":{"arrayValue":${open}${close}}}]}}`;
}

describe('processor: records nested deeper than any stack', () => {
  it.each([5_000, 100_000])('sends the StopLogging alert of a file whose other record nests %i deep', async (depth) => {
    const result = await processLogText(
      `Nested${depth}`,
      `{"Records":[${STOP_LOGGING},${nestedExecuteStatement(depth)}]}`,
    );
    expect(result.files[0]?.alertsByRule).toMatchObject({ 'cloudtrail-logging-stopped': 1 });
    const rules = published().map((entry) => messageOf(entry).alert.rule);
    expect(rules).toContain('cloudtrail-logging-stopped');
    expect(rules).toContain('rds-failed-call');
  });

  it('shows the nested record in the email with its deep part replaced by a marker that says why', async () => {
    await processLogText('NestedEmail', `{"Records":[${nestedExecuteStatement(5_000)}]}`);
    const entry = published().find((e) => messageOf(e).alert.rule === 'rds-failed-call');
    const { email } = messageOf(entry);
    expect(email).toMatch(/"\[trimmed by trailwatch: [\d,]+ bytes nested deeper than 64 levels\]"/);
    expect(publishEntryBytes(entry ?? {})).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
  });

  it('is what the README says a summary lists', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('the eventIDs of the first 1,000 alerts (the rest are counted, not listed');
    expect(readme).not.toContain('every eventID');
  });
});

describe('processor: a storm larger than a summary lists', () => {
  it('publishes one summary of 1,500 deletes listing the first 1,000 eventIDs, counting the rest and saying where they are', async () => {
    const deletes = Array.from({ length: 1500 }, (_, i) =>
      JSON.stringify(
        cloudTrailRecord({
          eventName: 'DeleteDBInstance',
          eventTime: '2026-11-20T10:00:00Z',
          eventID: `del-${i}`,
          requestParameters: { dBInstanceIdentifier: `db-${i}` },
        }),
      ),
    );
    await processLogText('Storm1500', `{"Records":[${deletes.join(',')}]}`);
    const [entry, ...others] = published();
    expect(others).toEqual([]);
    const { alert, email } = messageOf(entry);
    expect(alert).toMatchObject({ kind: 'summary', rule: 'rds-database-deleted', count: 1500, eventIDsNotListed: 500 });
    expect(alert.eventIDs).toEqual(Array.from({ length: 1000 }, (_, i) => `del-${i}`));
    expect(email).toContain('Event IDs of the first 1,000 alerts');
    expect(email).toContain('  and 500 more, not listed.');
    expect(email).toMatch(
      /aws s3 cp s3:\/\/trailwatch-hostile\/AWSLogs\/.*_Storm1500\.json\.gz \.\n {4}trailwatch scan --format json 123456789012_CloudTrail_us-east-1_20261120T1000Z_Storm1500\.json\.gz\n/,
    );
    expect(publishEntryBytes(entry ?? {})).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
  });

  it('is what the README says a summary lists', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('the eventIDs of the first 1,000 alerts (the rest are counted, not listed');
    expect(readme).not.toContain('every eventID');
  });
});

describe("processor: a record padded past the reader's size limit (issue 11, item 4)", () => {
  it("alerts that a DeleteDBInstance record could not be checked, naming the file and place, and still sends the file's other alerts", async () => {
    const padding = 'x'.repeat(9 * 1024 * 1024);
    const padded = JSON.stringify(
      cloudTrailRecord({
        eventName: 'DeleteDBInstance',
        eventTime: '2026-11-20T10:00:02Z',
        eventID: 'padded-1',
        requestParameters: { dBInstanceIdentifier: 'prod', note: padding },
      }),
    );
    const result = await processLogText('Padded', `{"Records":[${padded},${STOP_LOGGING}]}`);
    expect(result.files[0]?.stats).toMatchObject({ malformed: 1 });
    const messages = published().map(messageOf);
    expect(messages.map((m) => m.alert.rule).sort()).toEqual([
      'cloudtrail-logging-stopped',
      'trailwatch-record-unreadable',
    ]);
    const unreadable = messages.find((m) => m.alert.rule === 'trailwatch-record-unreadable');
    expect(unreadable?.alert).toMatchObject({
      severity: 'high',
      eventSource: 'trailwatch.reader',
      eventName: 'RecordTooLarge',
      eventTime: '2026-11-20T10:00:00Z',
    });
    expect(unreadable?.email).toMatch(
      /Record 0 of its Records array \(counting from 0\), at byte 12 of the uncompressed file/,
    );
    expect(unreadable?.email).toContain('_Padded.json.gz');
  });
});
