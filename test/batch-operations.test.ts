// Issue 18 (backfill): the processor as the Lambda function of an S3 Batch Operations job. The events are AWS's
// documented examples (test/fixtures/batch-operations/), pointed at log files in a real S3 API (s3rver) where a test
// needs a file; SNS is mocked at the command level so every published entry is counted; the dedupe store is a real
// DynamoDB API (dynalite). Each test reads as one line of the job's completion report.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, SNSClient, type PublishBatchCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadProcessorConfig } from '../functions/processor/config.js';
import { DedupeStore } from '../functions/processor/dedupe-store.js';
import type { BatchOperationsResponse } from '../functions/processor/batch-operations.js';
import type { createHandler as CreateHandler } from '../functions/processor/handler.js';
import { REPORT_STORM_THRESHOLD } from '../functions/processor/batch-report.js';
import { startLocalDynamoDb, type LocalDynamoDb } from '../local-aws/dynamodb-local.js';
import {
  SAMPLE_BUCKET as BUCKET,
  cloudTrailNotificationOf,
  failure,
  lambdaContext,
  putSampleLogs,
  quietObservabilityFor,
  sampleLogKey as logKey,
} from './helpers/handler-invocation.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';
const REPORT_BUCKET = 'trailwatch-backfill-reports';
const context = lambdaContext('trailwatch-processor');
/** A file of the sample day raising 2 alerts (processor-dedupe.test.ts uses it too). */
const GOOD = logKey('1648Z', 'RrbAe6CEoGYaX5SU');
const NOT_GZIP = logKey('2300Z', 'notgzipnotgzip00');
const NOT_CLOUDTRAIL = logKey('2301Z', 'notcloudtrail000');

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/batch-operations/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/** The documented 2.0 request, its one task pointed at `keys` of the sample bucket (one task each), with `args`. */
function batchEvent(keys: readonly string[], args: Record<string, string> = {}, version: '1.0' | '2.0' = '2.0') {
  const event = fixture('request-2.0.json') as {
    invocationSchemaVersion: string;
    job: { id: string; userArguments?: Record<string, string> };
    tasks: Array<Record<string, unknown>>;
  };
  const template = event.tasks[0] ?? {};
  event.invocationSchemaVersion = version;
  event.job.userArguments = args;
  if (version === '1.0') delete event.job.userArguments;
  event.tasks = keys.map((key, i) => {
    const { s3Bucket: _bucket, ...rest } = template;
    return {
      ...rest,
      taskId: `task-${i}`,
      // Keys arrive URL-encoded, as they are in the manifest.
      s3Key: encodeURIComponent(key).replace(/%2F/g, '/'),
      ...(version === '2.0' ? { s3Bucket: BUCKET } : { s3BucketArn: `arn:aws:s3:::${BUCKET}` }),
    };
  });
  return event;
}

const snsMock = mockClient(SNSClient);
let s3rver: S3Emulator;
let s3: S3Client;
let dynamo: LocalDynamoDb;
let createHandler: typeof CreateHandler;
let published: string[] = [];

function processor(options: { table?: string; env?: Record<string, string> } = {}) {
  const config = loadProcessorConfig({
    ALERT_TOPIC_ARN: TOPIC,
    ...(options.table ? { ALERT_DEDUPE_TABLE: options.table } : {}),
    ...options.env,
  });
  const handler = createHandler({
    config,
    obs: quietObservabilityFor('trailwatch-processor-test'),
    s3,
    sns: new SNSClient({ region: 'us-east-1' }),
    ...(options.table ? { dedupe: new DedupeStore(dynamo.client(), options.table) } : {}),
    publish: { sleep: () => Promise.resolve(), maxAttempts: 1 },
  });
  return (event: unknown) => handler(event, context) as Promise<unknown>;
}

async function batch(event: unknown, options: Parameters<typeof processor>[0] = {}): Promise<BatchOperationsResponse> {
  return (await processor(options)(event)) as BatchOperationsResponse;
}

beforeAll(async () => {
  [s3rver, dynamo] = await Promise.all([startS3Emulator(), startLocalDynamoDb()]);
  s3 = s3rver.client();
  await putSampleLogs(s3rver);
  await s3rver.createBucket(REPORT_BUCKET);
  await s3rver.put(BUCKET, NOT_GZIP, 'this is not gzip');
  await s3rver.put(BUCKET, NOT_CLOUDTRAIL, gzipSync(JSON.stringify({ hello: 'world' })));
  Object.assign(process.env, { ...s3rver.environment, POWERTOOLS_LOG_LEVEL: 'SILENT', ALERT_TOPIC_ARN: TOPIC });
  ({ createHandler } = await import('../functions/processor/handler.js'));
});

afterAll(async () => {
  await Promise.all([s3rver?.close(), dynamo?.close()]);
});

beforeEach(() => {
  published = [];
  snsMock.reset();
  snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
    for (const entry of input.PublishBatchRequestEntries ?? []) {
      const body = JSON.parse(entry.Message ?? '{}') as { default?: string };
      const alert = JSON.parse(body.default ?? '{}') as { rule: string; eventID: string };
      published.push(`${alert.rule} ${alert.eventID}`);
    }
    return {
      Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })),
      Failed: [],
    };
  });
});

describe("AWS's documented invocations", () => {
  it('answers the Lambda guide 1.0 example in the shape of its documented response', async () => {
    const response = await batch(fixture('lambda-dg-request-1.0.json'));
    const documented = fixture('lambda-dg-response-1.0.json') as unknown as BatchOperationsResponse;
    expect(Object.keys(response)).toEqual(Object.keys(documented));
    expect(response).toMatchObject({
      invocationSchemaVersion: documented.invocationSchemaVersion,
      treatMissingKeysAs: documented.treatMissingKeysAs,
      invocationId: documented.invocationId,
    });
    expect(response.results.map((r) => Object.keys(r))).toEqual(documented.results.map((r) => Object.keys(r)));
    // customerImage1.jpg is no CloudTrail log: nothing to read, nothing failed.
    expect(response.results).toEqual([
      {
        taskId: 'dGFza2lkZ29lc2hlcmUK',
        resultCode: 'Succeeded',
        resultString:
          'skipped: s3://amzn-s3-demo-bucket/customerImage1.jpg: not under AWSLogs/<account>/CloudTrail/: not a CloudTrail log file',
      },
    ]);
  });

  it("reads the S3 guide's 1.0 example, whose bucket ARN carries a region and an account", async () => {
    const response = await batch(fixture('s3-ug-request-1.0.json'));
    expect(response.results[0]?.resultString).toMatch(/^skipped: s3:\/\/awsexamplebucket1\/customerImage1\.jpg: /);
  });

  it('reads the 2.0 example (userArguments, s3Bucket, a null s3VersionId) and answers with schema 2.0', async () => {
    const response = await batch(fixture('request-2.0.json'));
    expect(response.invocationSchemaVersion).toBe('2.0');
    expect(response.results[0]).toMatchObject({ resultCode: 'Succeeded' });
    expect(response.results[0]?.resultString).toMatch(/^skipped: s3:\/\/powertools-dataset\/prefix\/dataset\//);
  });
});

describe('a log file in alert mode', () => {
  it('publishes its alerts and reports them as Succeeded', async () => {
    const response = await batch(batchEvent([GOOD]));
    expect(response.results).toEqual([
      {
        taskId: 'task-0',
        resultCode: 'Succeeded',
        resultString: expect.stringMatching(
          new RegExp(`^s3://${BUCKET}/${GOOD}: \\d+ records, 2 alerts, 2 published$`),
        ),
      },
    ]);
    expect(published).toHaveLength(2);
  });

  it('reads schema 1.0 tasks (s3BucketArn) the same way', async () => {
    const response = await batch(batchEvent([GOOD], {}, '1.0'));
    expect(response).toMatchObject({ invocationSchemaVersion: '1.0', results: [{ resultCode: 'Succeeded' }] });
    expect(published).toHaveLength(2);
  });

  it('URL-decodes the key: a key with a space, encoded as + in the manifest, is read', async () => {
    const spaced = `with space/${GOOD}`;
    await s3rver.put(BUCKET, spaced, readFileSync(new URL(`../events/logs/${GOOD}`, import.meta.url)));
    const event = batchEvent([GOOD]);
    const task = event.tasks[0] as { s3Key: string };
    task.s3Key = `with+space/${GOOD}`;
    const response = await batch(event);
    expect(response.results[0]).toMatchObject({ resultCode: 'Succeeded' });
    expect(response.results[0]?.resultString).toContain(`s3://${BUCKET}/with space/`);
  });
});

describe('bad files are permanent failures naming the file and why (the completion report lists them)', () => {
  it('a file that is not gzip', async () => {
    const response = await batch(batchEvent([NOT_GZIP]));
    expect(response.results[0]).toMatchObject({ resultCode: 'PermanentFailure' });
    expect(response.results[0]?.resultString).toMatch(/^not a readable CloudTrail log file \(NOT_GZIP\): /);
    expect(response.results[0]?.resultString).toContain(`s3://${BUCKET}/${NOT_GZIP}`);
  });

  it('a gzip file that is not CloudTrail JSON', async () => {
    const response = await batch(batchEvent([NOT_CLOUDTRAIL]));
    expect(response.results[0]).toMatchObject({ resultCode: 'PermanentFailure' });
    expect(response.results[0]?.resultString).toMatch(/^not a readable CloudTrail log file \(NO_RECORDS_ARRAY\): /);
  });

  it('a file deleted since the manifest was written', async () => {
    const gone = logKey('2302Z', 'deletedsincelist');
    const response = await batch(batchEvent([gone]));
    expect(response.results[0]).toMatchObject({ resultCode: 'PermanentFailure' });
    expect(response.results[0]?.resultString).toMatch(/^GetObject failed \(NoSuchKey, HTTP 404\): /);
  });

  it('one bad file does not fail the good one beside it', async () => {
    const response = await batch(batchEvent([NOT_GZIP, GOOD]));
    expect(response.results.map((r) => r.resultCode)).toEqual(['PermanentFailure', 'Succeeded']);
  });
});

describe('retryable errors are temporary failures, so Batch Operations redrives the task', () => {
  it('SNS throttling', async () => {
    snsMock
      .on(PublishBatchCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttled', $metadata: { httpStatusCode: 429 } }));
    const response = await batch(batchEvent([GOOD]));
    expect(response.results[0]).toMatchObject({ resultCode: 'TemporaryFailure' });
  });

  it('the invocation deadline (files not started)', async () => {
    const config = loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC });
    const handler = createHandler({
      config,
      obs: quietObservabilityFor('deadline'),
      s3,
      sns: new SNSClient({ region: 'us-east-1' }),
      deadlineMarginMs: 60_000,
    });
    const response = (await handler(batchEvent([GOOD]), context)) as BatchOperationsResponse;
    expect(response.results[0]).toMatchObject({ resultCode: 'TemporaryFailure' });
    expect(response.results[0]?.resultString).toMatch(/too large for FunctionTimeout/);
    expect(published).toEqual([]);
  });
});

describe('invalid invocations and arguments name the field', () => {
  it('rejects an invocation without an invocationId, naming it', async () => {
    const event = batchEvent([GOOD]) as Record<string, unknown>;
    delete event.invocationId;
    await expect(failure(batch(event))).resolves.toMatchObject({
      code: 'INVALID_TRIGGER',
      message: expect.stringContaining('invocationId: '),
    });
  });

  it('rejects an unknown schema version, naming the field', async () => {
    const event = { ...batchEvent([GOOD]), invocationSchemaVersion: '3.0' };
    await expect(failure(batch(event))).resolves.toMatchObject({
      message: expect.stringContaining('invocationSchemaVersion: '),
    });
  });

  it('fails one task without a key alone, naming tasks[i].s3Key', async () => {
    const event = batchEvent([GOOD, GOOD]);
    delete (event.tasks[0] as Record<string, unknown>).s3Key;
    const response = await batch(event);
    expect(response.results[0]).toMatchObject({ taskId: 'task-0', resultCode: 'PermanentFailure' });
    expect(response.results[0]?.resultString).toMatch(/^invalid task: tasks\[0\]: s3Key: /);
    expect(response.results[1]).toMatchObject({ resultCode: 'Succeeded' });
  });

  it('fails a task naming no bucket', async () => {
    const event = batchEvent([GOOD]);
    delete (event.tasks[0] as Record<string, unknown>).s3Bucket;
    const response = await batch(event);
    expect(response.results[0]?.resultString).toMatch(/tasks\[0\]: names no bucket/);
  });

  it('fails a key that is not URL-encoded', async () => {
    const event = batchEvent([GOOD]);
    (event.tasks[0] as Record<string, unknown>).s3Key = 'AWSLogs/%E0%A4%A/x.json.gz';
    const response = await batch(event);
    expect(response.results[0]).toMatchObject({ resultCode: 'PermanentFailure' });
    expect(response.results[0]?.resultString).toMatch(/s3Key .* is not URL-encoded/);
  });

  it.each([
    [{ mode: 'email' }, 'job.userArguments.mode must be "alert" or "report", not "email"'],
    [{ mode: 'report' }, 'job.userArguments.reportTo is required with mode "report"'],
    [{ mode: 'report', reportTo: 'https://example.com/x' }, 'job.userArguments.reportTo must be s3://BUCKET/PREFIX/'],
    [{ mode: 'alert', reportTo: `s3://${REPORT_BUCKET}/x/` }, 'job.userArguments.reportTo is set, but mode is "alert"'],
  ])('fails every task of a job with arguments %j, reading nothing', async (args, message) => {
    const response = await batch(batchEvent([GOOD], args));
    expect(response.results[0]).toMatchObject({ resultCode: 'PermanentFailure' });
    expect(response.results[0]?.resultString).toContain(message);
    expect(published).toEqual([]);
  });
});

describe('report mode writes JSON Lines to S3 and emails nothing', () => {
  const args = { mode: 'report', reportTo: `s3://${REPORT_BUCKET}/incident-42` };

  async function reportLines(key: string): Promise<Array<Record<string, unknown>>> {
    const object = await s3.send(new GetObjectCommand({ Bucket: REPORT_BUCKET, Key: key }));
    const text = (await object.Body?.transformToString()) ?? '';
    return text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('writes one object per file, named after the job and the file, each line an alert with its record', async () => {
    const response = await batch(batchEvent([GOOD], args));
    const jobId = 'f3cc4f60-61f6-4a2b-8a21-d07600c373ce';
    const key = `incident-42/${jobId}/${BUCKET}/${GOOD}.jsonl`;
    expect(response.results[0]).toMatchObject({ resultCode: 'Succeeded' });
    expect(response.results[0]?.resultString).toContain(`2 alerts, 2 lines written to s3://${REPORT_BUCKET}/${key}`);
    expect(published).toEqual([]);
    const lines = await reportLines(key);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ schemaVersion: 1, kind: 'alert', file: `s3://${BUCKET}/${GOOD}` });
      expect((line.record as { eventID: string }).eventID).toBe(line.eventID);
    }
  });

  it('writes the same object again when the task is retried (no duplicate lines)', async () => {
    await batch(batchEvent([GOOD], args));
    await batch(batchEvent([GOOD], args));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: REPORT_BUCKET, Prefix: 'incident-42/' }));
    expect(listed.Contents?.map((c) => c.Key)).toHaveLength(1);
  });

  it('writes nothing for a file that raised no alert', async () => {
    const quiet = logKey('2303Z', 'quietquietquiet0');
    await s3rver.put(BUCKET, quiet, gzipSync(JSON.stringify({ Records: [cloudTrailRecord()] })));
    const response = await batch(batchEvent([quiet], { mode: 'report', reportTo: `s3://${REPORT_BUCKET}/quiet/` }));
    expect(response.results[0]?.resultString).toMatch(/: 1 records, 0 alerts$/);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: REPORT_BUCKET, Prefix: 'quiet/' }));
    expect(listed.KeyCount ?? 0).toBe(0);
  });

  it(`keeps up to ${REPORT_STORM_THRESHOLD} alerts of one rule per file one by one (emails fold them at 20)`, async () => {
    const storm = logKey('2304Z', 'stormstormstorm2');
    const records = Array.from({ length: 30 }, (_, i) =>
      cloudTrailRecord({
        eventSource: 'rds.amazonaws.com',
        eventName: 'DeleteDBInstance',
        eventID: `storm-${i}`,
        requestParameters: { dBInstanceIdentifier: `db-${i}` },
      }),
    );
    await s3rver.put(BUCKET, storm, gzipSync(JSON.stringify({ Records: records })));
    await batch(batchEvent([storm], { mode: 'report', reportTo: `s3://${REPORT_BUCKET}/storm/` }));
    const lines = await reportLines(`storm/f3cc4f60-61f6-4a2b-8a21-d07600c373ce/${BUCKET}/${storm}.jsonl`);
    expect(lines.filter((l) => l.rule === 'rds-database-deleted')).toHaveLength(30);
    expect(lines.every((l) => l.kind === 'alert')).toBe(true);
  });
});

describe('with the dedupe store, a backfill over live data sends nothing twice', () => {
  it('publishes nothing for a file the live pipeline already delivered, and says so', async () => {
    const table = await dynamo.createDedupeTable();
    // The live path (CloudTrail's notification) delivered the file first.
    await processor({ table })(cloudTrailNotificationOf([GOOD]));
    expect(published).toHaveLength(2);
    published = [];
    const response = await batch(batchEvent([GOOD]), { table });
    expect(published).toEqual([]);
    expect(response.results[0]).toMatchObject({ resultCode: 'Succeeded' });
    expect(response.results[0]?.resultString).toMatch(/2 alerts, 0 published, 2 already published earlier/);
  });

  it('publishes once when the same backfill task runs twice (a redriven task)', async () => {
    const table = await dynamo.createDedupeTable();
    await batch(batchEvent([GOOD]), { table });
    await batch(batchEvent([GOOD]), { table });
    expect(published).toHaveLength(2);
  });
});
