// The local pipeline behind `npm start`, with no AWS account and no Docker. The sample day of CloudTrail logs
// (events/logs/AWSLogs/) is uploaded to an S3 emulator on loopback, as a trail's bucket holds it (digest
// included); then the bundled handlers that `sam build` deploys (dist/processor/handler.mjs, dist/indexer/handler.mjs)
// each get one S3 event notification per object, in delivery order, and run with real AWS SDK clients over HTTP
// against s3rver and the SNS and CloudWatch Logs fakes of this folder. What comes out is what would have been
// sent: the alert emails (SNS), the index events (CloudWatch Logs), and a summary.
//
// Each handler runs in a child process of its own (lambda-host.ts): its cold start reads only the
// environment given to it, Date.now can be set to the replayed day, and its log lines are the function's
// CloudWatch Logs, kept apart from this program's output.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  deliveryOrder,
  deliveryTime,
  FUNCTION_NAMES,
  LAMBDA_MEMORY_MB,
  LAMBDA_TIMEOUT_MS,
  lambdaEnv,
  LOCAL_ALERT_TOPIC_ARN,
  LOCAL_INDEX_LOG_GROUP,
  LOCAL_INDEX_RETENTION_DAYS,
  s3PutNotification,
  SAMPLE_BUCKET,
  sampleFiles,
  startLocalAws,
  type BucketObject,
  type FunctionName,
  type LocalAws,
} from './local-aws.js';
import { LambdaProcess, type InvocationOutcome } from './lambda-runner.js';
import type { FunctionRun, IndexedEvent, LocalRunResult } from './run-result.js';

export type ClockOption = 'replay' | 'real' | number;

export interface LocalRunOptions {
  /** The folder whose `AWSLogs/` is uploaded. Default events/logs. */
  logsDir?: string;
  /** Where the bundles are: `<distDir>/processor/handler.mjs`, `<distDir>/indexer/handler.mjs`, `<distDir>/local/lambda-host.mjs`. Default dist. */
  distDir?: string;
  /** Each function's bundle file, instead of the one under distDir (e.g. `.aws-sam/build/ProcessorFunction/handler.mjs`). */
  bundles?: Partial<Record<FunctionName, string>>;
  bucket?: string;
  /**
   * The clock the functions (and CloudWatch Logs) run on. `replay` (default): the sample's last delivery time, so
   * the indexer's age policy (CloudWatch Logs takes events of the last 14 days) judges the records as on that day,
   * whatever today's date; `real`: today; a number: that time (ms).
   */
  clock?: ClockOption;
  /** The functions' own settings on top of the defaults (MIN_SEVERITY, DISABLED_RULES, ALERT_TOPIC_ARN...). */
  env?: Record<string, string>;
}

export function functionBundle(distDir: string, name: FunctionName): string {
  return path.resolve(distDir, name, 'handler.mjs');
}

export function hostScript(distDir: string): string {
  return path.resolve(distDir, 'local', 'lambda-host.mjs');
}

/** The replayed clock's start for a bucket's keys: the latest delivery time in its CloudTrail log files' names. */
export function replayClock(keys: readonly string[]): number | undefined {
  const times = keys
    .filter((key) => /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]+\/)?\d{12}\/CloudTrail\//.test(key))
    .map(deliveryTime)
    .filter((t): t is number => t !== undefined);
  return times.length > 0 ? Math.max(...times) : undefined;
}

/** A function's environment: what Lambda sets, the template's settings, the caller's, then the local AWS (last: it must win). */
export function functionEnv(
  name: FunctionName,
  aws: LocalAws | undefined,
  settings: Record<string, string>,
): Record<string, string> {
  return {
    ...(process.env.PATH ? { PATH: process.env.PATH } : {}),
    ...lambdaEnv(`trailwatch-${name}`),
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...settings,
    ...(aws ? aws.awsEnv() : {}),
  };
}

/** The template's settings for each function, with the caller's on top. */
export function functionSettings(name: FunctionName, env: Record<string, string>): Record<string, string> {
  const defaults: Record<string, string> =
    name === 'processor'
      ? { ALERT_TOPIC_ARN: LOCAL_ALERT_TOPIC_ARN }
      : { INDEX_LOG_GROUP: LOCAL_INDEX_LOG_GROUP, INDEX_RETENTION_DAYS: String(LOCAL_INDEX_RETENTION_DAYS) };
  return { ...defaults, ...env };
}

export async function runLocalPipeline(options: LocalRunOptions = {}): Promise<LocalRunResult> {
  const started = performance.now();
  const logsDir = path.resolve(options.logsDir ?? 'events/logs');
  const distDir = path.resolve(options.distDir ?? 'dist');
  const bucket = options.bucket ?? SAMPLE_BUCKET;
  const env = options.env ?? {};

  const files = await sampleFiles(logsDir);
  const replayStart = replayClock(files.map((f) => f.key));
  const clockOption = options.clock ?? 'replay';
  const clock: LocalRunResult['clock'] =
    typeof clockOption === 'number'
      ? { mode: 'fixed', start: clockOption }
      : clockOption === 'replay' && replayStart !== undefined
        ? { mode: 'replay', start: replayStart }
        : { mode: 'real', start: Date.now() };
  const offset = clock.mode === 'real' ? 0 : clock.start - Date.now();
  const shifted = clock.mode === 'real' ? undefined : clock.start;

  // The sample day's digests are signed with a TEST key (scripts/sample-signing-key.ts); the processor checks them
  // with its public half instead of calling ListPublicKeys (CLOUDTRAIL_PUBLIC_KEYS_FILE, functions/processor/handler.ts).
  const sampleKeys = path.join(logsDir, '..', 'sample-public-keys.json');
  const processorSettings = functionSettings('processor', {
    ...(existsSync(sampleKeys) ? { CLOUDTRAIL_PUBLIC_KEYS_FILE: sampleKeys } : {}),
    ...env,
  });
  const indexerSettings = functionSettings('indexer', env);
  const alertTopicArn = processorSettings.ALERT_TOPIC_ARN ?? LOCAL_ALERT_TOPIC_ARN;
  const eventsTopicArn = processorSettings.ALERT_EVENTS_TOPIC_ARN || undefined;
  const logGroup = indexerSettings.INDEX_LOG_GROUP ?? LOCAL_INDEX_LOG_GROUP;
  const retention = Number(indexerSettings.INDEX_RETENTION_DAYS);

  const aws = await startLocalAws({
    topics: [alertTopicArn, ...(eventsTopicArn ? [eventsTopicArn] : [])],
    logGroups: { [logGroup]: Number.isInteger(retention) && retention > 0 ? { retentionDays: retention } : {} },
    now: () => Date.now() + offset,
  });
  try {
    const uploadStarted = performance.now();
    for (const { file, key } of files) await aws.upload(bucket, key, file);
    const uploadMs = performance.now() - uploadStarted;
    const objects = deliveryOrder(aws.objects);

    const host = hostScript(distDir);
    const runs = await Promise.all(
      FUNCTION_NAMES.map(async (name): Promise<FunctionRun> => {
        const bundle = path.resolve(options.bundles?.[name] ?? functionBundle(distDir, name));
        const run: FunctionRun = {
          name,
          bundle,
          status: 'ran',
          initMs: 0,
          initError: undefined,
          invocations: [],
          logs: [],
          runMs: 0,
        };
        if (!existsSync(bundle)) {
          run.status = 'not-built';
          return run;
        }
        const settings = name === 'processor' ? processorSettings : indexerSettings;
        const sandbox = await LambdaProcess.start({
          handler: bundle,
          host,
          env: functionEnv(name, aws, settings),
          functionName: `trailwatch-${name}`,
          memoryMB: LAMBDA_MEMORY_MB,
          timeoutMs: LAMBDA_TIMEOUT_MS,
          ...(shifted !== undefined ? { clockStart: shifted } : {}),
        });
        const outcomes: Array<{ object: BucketObject; outcome: InvocationOutcome }> = [];
        try {
          run.initMs = sandbox.initMs;
          if (sandbox.initError) {
            run.status = 'init-failed';
            run.initError = sandbox.initError;
          } else {
            const begin = performance.now();
            for (const [i, object] of objects.entries())
              outcomes.push({ object, outcome: await sandbox.invoke(s3PutNotification(object, i + 1)) });
            run.runMs = performance.now() - begin;
          }
        } finally {
          // Stopped first, so every line the function wrote has been read before lines are matched to invocations.
          await sandbox.stop();
        }
        run.logs = sandbox.logs;
        run.invocations = outcomes.map(({ object, outcome }) => ({
          object,
          outcome,
          logs: sandbox.logsOf(outcome.requestId),
        }));
        return run;
      }),
    );
    const functions = Object.fromEntries(runs.map((r) => [r.name, r])) as Record<FunctionName, FunctionRun>;

    const indexed: IndexedEvent[] = [];
    for (const stream of aws.logs.fake.streamNames(logGroup)) {
      for (const e of aws.logs.fake.storedEvents(logGroup, stream))
        indexed.push({ stream, timestamp: e.timestamp, message: e.message });
    }
    indexed.sort((a, b) => (a.stream !== b.stream ? (a.stream < b.stream ? -1 : 1) : a.timestamp - b.timestamp));

    return {
      logsDir,
      bucket,
      clock,
      endpoints: { s3: aws.s3.endpoint, sns: aws.sns.endpoint, logs: aws.logs.endpoint },
      alertTopicArn,
      eventsTopicArn,
      logGroup,
      objects,
      functions,
      messages: [...aws.sns.messages],
      snsRequests: [...aws.sns.requests],
      indexed,
      logsOperations: [...aws.logs.operations],
      violations: aws.violations(),
      timings: { uploadMs, totalMs: performance.now() - started },
    };
  } finally {
    await aws.close();
  }
}
