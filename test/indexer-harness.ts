// The indexer end to end, shared by the test/indexer-*.test.ts files that split it by behaviour: sample trigger
// events from events/, real gzipped log objects in a real S3 API (s3rver on loopback), CloudWatch Logs at the SDK
// command level (aws-sdk-client-mock answered by the limit-enforcing fake). Each file calls useIndexerHarness() once;
// `fake`, `s3rver` and the body counters are live bindings, current in every test.
import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import type { TrailwatchFields } from '../shared/index/index.js';
import type { Observability } from '../functions/lib/observability.js';
import { CloudWatchLogsWriter } from '../functions/indexer/cloudwatch-writer.js';
import { loadIndexerConfig } from '../functions/indexer/config.js';
import type { createHandler as CreateHandler, IndexerResult } from '../functions/indexer/handler.js';
import {
  createCloudWatchLogsFake,
  type CloudWatchLogsFake,
  type CloudWatchLogsFakeOptions,
  type StoredLogEvent,
} from '../local-aws/cloudwatch-logs-fake.js';
import {
  SAMPLE_BUCKET as BUCKET,
  SAMPLE_LOGS as LOGS,
  lambdaContext,
  putSampleLogs,
  quietObservabilityFor,
} from './helpers/handler-invocation.js';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';

export const GROUP = '/trailwatch/trailwatch/cloudtrail';
export const STREAM = '123456789012_CloudTrail_us-east-1';
/** The sample day is 2026-11-20; the indexer and the service run that evening. */
export const NOW = Date.parse('2026-11-20T19:00:00Z');
export const DAY = 86_400_000;
export const context = lambdaContext('trailwatch-indexer');

export const cwl = mockClient(CloudWatchLogsClient);
export let fake: CloudWatchLogsFake;
export let s3rver: S3Emulator;
let s3: S3Client;
let createHandler: typeof CreateHandler;
/** Bytes of GetObject bodies handed to the indexer so far (see countBodies). */
export let bodyBytesRead = 0;
/** bodyBytesRead at each PutLogEvents call. */
export let bodyBytesAtPut: number[] = [];

export function useFake(options: { retentionDays?: number; existingStreams?: string[] } = {}): CloudWatchLogsFake {
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

export const quietObservability = () => quietObservabilityFor('trailwatch-indexer-test');

export interface IndexerOptions {
  env?: Record<string, string>;
  obs?: Observability;
  writer?: CloudWatchLogsWriter;
  maxAttempts?: number;
  maxInFlight?: number;
  verifyBeforeWriteBytes?: number;
}

export function indexer(options: IndexerOptions = {}) {
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

export function s3Event(key: string, size?: number): unknown {
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
export function sampleRecords(key: string): CloudTrailRecord[] {
  return (JSON.parse(gunzipSync(readFileSync(new URL(key, LOGS))).toString('utf8')) as { Records: CloudTrailRecord[] })
    .Records;
}

/** The eventIDs the index must hold for a file, in stored (chronological, then file) order. */
export function expectedIds(records: readonly CloudTrailRecord[], scope: 'rds' | 'all'): string[] {
  return records
    .map((record, i) => ({ record, i }))
    .filter(({ record }) => scope === 'all' || classify(record).facts.category !== 'other')
    .sort((a, b) => Date.parse(a.record.eventTime) - Date.parse(b.record.eventTime) || a.i - b.i)
    .map(({ record }) => String(record.eventID));
}

export type Indexed = CloudTrailRecord & { trailwatch: TrailwatchFields };
export const parse = (e: StoredLogEvent) => JSON.parse(e.message) as Indexed;
export const stored = (stream = STREAM) => fake.storedEvents(GROUP, stream).map(parse);
export const storedIds = (stream = STREAM) => stored(stream).map((r) => String(r.eventID));

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

/** Starts s3rver with the sample day for this file, and a fresh CloudWatch Logs fake for each test. */
export function useIndexerHarness(): void {
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
}

/** A fake with other options (e.g. the real clock) for the rest of the test. */
export function useFakeWith(options: CloudWatchLogsFakeOptions): CloudWatchLogsFake {
  fake = createCloudWatchLogsFake(options);
  cwl.reset();
  cwl.on(PutLogEventsCommand).callsFake(fake.putLogEvents).on(CreateLogStreamCommand).callsFake(fake.createLogStream);
  return fake;
}

/** Counts GetObject body bytes from zero again (see countBodies). */
export function resetBodyCount(): void {
  bodyBytesRead = 0;
}
