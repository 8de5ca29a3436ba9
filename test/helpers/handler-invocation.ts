// What the indexer and processor handler tests share to call a handler in-process as Lambda does: sample events and their log files, a context, quiet observability, what the call threw or printed.
import { readdirSync, readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import { createObservability, type Observability } from '../../functions/lib/observability.js';
import type { S3Emulator } from '../../local-aws/s3-emulator.js';
import { lambdaContext as sharedLambdaContext } from '../../scripts/local/lambda-context.js';

/** The bucket the sample events name. */
export const SAMPLE_BUCKET = 'trailwatch-sample-trail';
/** The folder of the sample day's log files, in events/logs/ and in SAMPLE_BUCKET. */
export const SAMPLE_DAY_FOLDER = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/';
/** events/logs/: the sample log files, under their keys. */
export const SAMPLE_LOGS = new URL('../../events/logs/', import.meta.url);
/** The key of the sample day's log file written at `stamp` (e.g. 1110Z) with `id`. */
export const sampleLogKey = (stamp: string, id: string) =>
  `${SAMPLE_DAY_FOLDER}123456789012_CloudTrail_us-east-1_20261120T${stamp}_${id}.json.gz`;
/** The 15:13 log file again, where s3-put-shared-bucket.json names it: an organisation trail's key below a prefix with a space. */
export const SAMPLE_ORG_KEY = `audit logs/AWSLogs/o-a1b2c3d4e5/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1513Z_txaXWHzL2pmFONLz.json.gz`;

/** A sample event of events/, parsed anew on each call so that a test may change it. */
export function sampleEvent(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8')) as unknown;
}

/** Creates SAMPLE_BUCKET holding every log file of the sample day, and the 15:13 one under SAMPLE_ORG_KEY too. */
export async function putSampleLogs(s3rver: S3Emulator): Promise<void> {
  await s3rver.createBucket(SAMPLE_BUCKET);
  for (const name of readdirSync(new URL(SAMPLE_DAY_FOLDER, SAMPLE_LOGS))) {
    await s3rver.put(
      SAMPLE_BUCKET,
      SAMPLE_DAY_FOLDER + name,
      readFileSync(new URL(SAMPLE_DAY_FOLDER + name, SAMPLE_LOGS)),
    );
  }
  await s3rver.put(
    SAMPLE_BUCKET,
    SAMPLE_ORG_KEY,
    readFileSync(new URL(sampleLogKey('1513Z', 'txaXWHzL2pmFONLz'), SAMPLE_LOGS)),
  );
}

/** CloudTrail's SNS notification (sns-cloudtrail-notification.json), naming these keys of SAMPLE_BUCKET instead. */
export function cloudTrailNotificationOf(keys: readonly string[]): unknown {
  const event = sampleEvent('sns-cloudtrail-notification.json') as { Records: Array<{ Sns: { Message: string } }> };
  const record = event.Records[0];
  if (!record) throw new Error('no record');
  record.Sns.Message = JSON.stringify({ s3Bucket: SAMPLE_BUCKET, s3ObjectKey: keys });
  return event;
}

/**
 * sqs-sns-cloudtrail-notification.json with two messages that must fail: its second names a log file that does
 * not exist (its messageId comes with it), and a third, added, with messageId 'not-a-trigger', is no trigger at all.
 */
export function sqsDeliveryWithFailingMessages(): { event: unknown; missingFile: string } {
  const event = sampleEvent('sqs-sns-cloudtrail-notification.json') as {
    Records: Array<{ messageId: string; body: string }>;
  };
  const [first, second] = event.Records;
  if (!first || !second) throw new Error('two records expected');
  second.body = JSON.stringify({ s3Bucket: SAMPLE_BUCKET, s3ObjectKey: [sampleLogKey('1110Z', 'missing00000000x')] });
  event.Records.push({ ...first, messageId: 'not-a-trigger', body: '{"hello":"world"}' });
  return { event, missingFile: second.messageId };
}

/** The context Lambda hands the function's handler: one minute left. */
export function lambdaContext(functionName: string): Context {
  return sharedLambdaContext(functionName, {
    memoryMB: 512,
    requestId: '6bc28136-xmpl-4365-b021-0ce6b2e64ab0',
    logStreamName: '2026/11/20/[$LATEST]6ad2a62e7c5d4c8fa5c2b8e1f5d9a3b7',
    remainingMs: () => 60_000,
  });
}

/** Observability for a handler under test that never flushes its metrics to stdout; spy on its logger and metrics as needed. */
export function quietObservabilityFor(serviceName: string): Observability {
  const obs = createObservability(serviceName);
  vi.spyOn(obs.metrics, 'publishStoredMetrics').mockImplementation(() => obs.metrics);
  return obs;
}

/** The error the promise rejects with; the test fails if it resolves. */
export function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

/**
 * Imports a handler module afresh (a cold start) with the environment changed (undefined: unset), and gives the
 * error the import failed with; the environment and the module cache are as before afterwards.
 */
export async function coldStartFailure(
  changes: Record<string, string | undefined>,
  importHandler: () => Promise<unknown>,
): Promise<unknown> {
  vi.resetModules();
  const saved = { ...process.env };
  try {
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    return await failure(importHandler());
  } finally {
    process.env = saved;
    vi.resetModules();
  }
}

/** Keeps what is written to stdout from now on, instead of printing it, until vi.restoreAllMocks(). */
export function captureStdout(): string[] {
  const writes: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return writes;
}

/** A CloudWatch embedded metric format document: the metric values at the top level beside `_aws`. */
export interface EmfDocument {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
  service?: string;
  [field: string]: unknown;
}

/** The embedded-metric-format documents among the lines written. */
export function emfDocuments(writes: readonly string[]): EmfDocument[] {
  return writes
    .flatMap((w) => w.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfDocument);
}
