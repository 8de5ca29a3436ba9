// What a local run found: the uploaded objects, each function's invocations and log lines, and what the fakes
// recorded. Shared by scripts/local-run.ts (which makes it), report.ts (which prints it) and the tests.
import type { BucketObject, FunctionName } from './local-aws.js';
import type { SerializedError } from './lambda-protocol.js';
import type { InvocationOutcome, LogLine } from './lambda-runner.js';
import type { SnsPublishedMessage, SnsRequestRecord } from '../../local-aws/sns-fake.js';
import { FUNCTION_NAMES } from './local-aws.js';

export interface InvocationRecord {
  object: BucketObject;
  outcome: InvocationOutcome;
  logs: LogLine[];
}

export interface FunctionRun {
  name: FunctionName;
  bundle: string;
  /** `not-built`: the bundle does not exist (yet); `init-failed`: its cold start threw. */
  status: 'ran' | 'not-built' | 'init-failed';
  initMs: number;
  initError: SerializedError | undefined;
  invocations: InvocationRecord[];
  /** Every line the function wrote, cold start included. */
  logs: LogLine[];
  /** Wall time of its invocations, cold start excluded. */
  runMs: number;
}

export interface IndexedEvent {
  stream: string;
  timestamp: number;
  message: string;
}

export interface LocalRunResult {
  logsDir: string;
  bucket: string;
  clock: { mode: 'replay' | 'real' | 'fixed'; start: number };
  endpoints: { s3: string; sns: string; logs: string };
  alertTopicArn: string;
  eventsTopicArn: string | undefined;
  logGroup: string;
  /** Uploaded objects, in the order they were notified. */
  objects: BucketObject[];
  functions: Record<FunctionName, FunctionRun>;
  /** Every message the SNS fake accepted, in order (all topics). */
  messages: SnsPublishedMessage[];
  snsRequests: SnsRequestRecord[];
  /** Every event CloudWatch Logs stored, by stream then time. */
  indexed: IndexedEvent[];
  /** CloudWatch Logs operations called, in order. */
  logsOperations: string[];
  /** Documented limits the fakes saw broken. */
  violations: string[];
  timings: { uploadMs: number; totalMs: number };
}

/** True when something failed: an init, an invocation (a thrown error or SQS batch failures), or a service limit. */
export function runFailed(result: LocalRunResult): boolean {
  if (result.violations.length > 0) return true;
  return FUNCTION_NAMES.some((name) => {
    const run = result.functions[name];
    return (
      run.status === 'init-failed' || run.invocations.some((i) => !i.outcome.ok || hasBatchFailures(i.outcome.result))
    );
  });
}

export function hasBatchFailures(result: unknown): boolean {
  return (
    typeof result === 'object' &&
    result !== null &&
    Array.isArray((result as { batchItemFailures?: unknown }).batchItemFailures) &&
    (result as { batchItemFailures: unknown[] }).batchItemFailures.length > 0
  );
}
