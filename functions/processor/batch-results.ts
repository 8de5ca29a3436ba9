// Issue 18 (backfill): what one S3 Batch Operations task's outcome becomes in the job's completion report. Pure: no
// AWS SDK, no I/O; the errors it reads are the typed errors the processor already throws.
//
// The response format (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html, "Response
// and result codes"): per task a `resultCode` and a `resultString` that S3 writes into the completion report.
// - `Succeeded`: the file was read and its alerts delivered (or written, in report mode), or it is no log to read.
// - `TemporaryFailure`: Batch Operations retries the task: throttling, 5xx, a network error, a stalled or corrupted
//   body, the invocation's deadline, SNS or the dedupe table failing, another delivery holding a claim.
// - `PermanentFailure`: retrying cannot help: the object is not gzip, not CloudTrail JSON, truncated, gone, or access
//   is denied. The resultString names the file and the reason, so the completion report lists every bad file and why.
import { TrailwatchError } from '../../shared/errors.js';

export type BatchResultCode = 'Succeeded' | 'TemporaryFailure' | 'PermanentFailure';

export interface BatchTaskResult {
  taskId: string;
  resultCode: BatchResultCode;
  resultString: string;
}

/**
 * The completion report is a CSV a person reads; AWS documents no limit on resultString, so it is kept to one line
 * of at most this many characters (the reason comes first, the file is named in it).
 */
export const MAX_RESULT_STRING = 1000;

/** What happened to one task's file. */
export type TaskOutcome =
  | { kind: 'read'; summary: string }
  | { kind: 'skipped'; detail: string }
  | { kind: 'failed'; error: unknown };

export function taskResult(taskId: string, outcome: TaskOutcome): BatchTaskResult {
  if (outcome.kind === 'read') return { taskId, resultCode: 'Succeeded', resultString: oneLine(outcome.summary) };
  if (outcome.kind === 'skipped')
    return { taskId, resultCode: 'Succeeded', resultString: oneLine(`skipped: ${outcome.detail}`) };
  const { retry, reason } = classifyFailure(outcome.error);
  return {
    taskId,
    resultCode: retry ? 'TemporaryFailure' : 'PermanentFailure',
    resultString: oneLine(`${reason}: ${messageOf(outcome.error)}`),
  };
}

/** LogFileError codes that say the file's own bytes are wrong: reading it again gives the same answer. */
const BAD_FILE_CODES = new Set([
  'NOT_GZIP',
  'CORRUPT_GZIP',
  'TRUNCATED_GZIP',
  'NOT_JSON',
  'NO_RECORDS_ARRAY',
  'DUPLICATE_RECORDS',
  'TRUNCATED_JSON',
]);

/** Errors of the transport or of a service that a later attempt can get past. */
const TRANSIENT_CODES = new Set([
  // The body (functions/lib/body-watch.ts, deadline.ts): a read that stalled, was corrupted in transit, or ran
  // out of the invocation's time. A file that always runs out of time is too large for FunctionTimeout: the
  // reason says so, and Batch Operations stops retrying it after its own retries.
  'BODY_STALLED',
  'CHECKSUM_MISMATCH',
  'DEADLINE_REACHED',
  // The connection broke while the reader read (shared/reader): the bytes were not all seen.
  'READ_FAILED',
  // The dedupe table (functions/processor/dedupe-errors.ts): unreachable, or another delivery is publishing.
  'DEDUPE_STORE_FAILED',
  'DEDUPE_CLAIM_BUSY',
]);

/** AWS error names that mean "try again" whatever the HTTP status says. */
const RETRYABLE_NAMES =
  /^(SlowDown|Throttl\w*|TooManyRequests\w*|RequestTimeout\w*|RequestLimitExceeded|ServiceUnavailable|InternalError|InternalFailure|ProvisionedThroughputExceeded\w*|TimeoutError|AbortError|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|NetworkingError)$/;

export interface FailureClass {
  /** True: TemporaryFailure (Batch Operations retries). */
  retry: boolean;
  /** A short reason in words, first in the resultString. */
  reason: string;
}

/** Whether a task's error is worth retrying, and the reason the completion report gives. */
export function classifyFailure(error: unknown): FailureClass {
  const code = error instanceof TrailwatchError ? error.code : undefined;
  if (code !== undefined && BAD_FILE_CODES.has(code))
    return { retry: false, reason: `not a readable CloudTrail log file (${code})` };
  if (code === 'DEADLINE_REACHED')
    return {
      retry: true,
      reason: 'stopped at the function timeout (if this recurs the file is too large for FunctionTimeout)',
    };
  if (code !== undefined && TRANSIENT_CODES.has(code)) return { retry: true, reason: `retryable (${code})` };
  if (code === 'INVALID_TRIGGER' || code === 'UNKNOWN_TRIGGER') return { retry: false, reason: 'invalid task' };
  if (code === 'GET_OBJECT_FAILED')
    return awsFailure(causeOf(error), (error as { reason?: string }).reason, 'GetObject');
  if (code === 'PUBLISH_FAILED') {
    // SNS's own word (PublishBatch `SenderFault`): an entry it refused as the sender's fault fails again as it is.
    const failed = (error as { failed?: ReadonlyArray<{ senderFault: boolean }> }).failed ?? [];
    const permanent = failed.length > 0 && failed.every((f) => f.senderFault);
    return { retry: !permanent, reason: permanent ? 'SNS refused the alerts' : 'retryable (SNS publish failed)' };
  }
  if (code !== undefined) return { retry: false, reason: code };
  return awsFailure(error, undefined, 'request');
}

/** An AWS SDK (or network) error: 5xx, 429 and throttling names retry; other 4xx do not; no status at all retries. */
function awsFailure(error: unknown, reason: string | undefined, what: string): FailureClass {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $retryable?: unknown;
  };
  const name =
    reason ?? (typeof shape.name === 'string' ? shape.name : typeof shape.code === 'string' ? shape.code : 'Error');
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  const label = `${what} failed (${name}${status ? `, HTTP ${status}` : ''})`;
  if (RETRYABLE_NAMES.test(name) || shape.$retryable || (status !== undefined && (status >= 500 || status === 429)))
    return { retry: true, reason: `retryable: ${label}` };
  // A 4xx other than throttling (NoSuchKey, AccessDenied, ...) is the request's or the object's: permanent.
  if (status !== undefined) return { retry: false, reason: label };
  // No HTTP status and a name nobody recognises: a program error is not fixed by retrying.
  if (!(error instanceof Error) || error.name === 'Error' || error instanceof TypeError || error instanceof RangeError)
    return { retry: false, reason: 'unexpected error' };
  return { retry: true, reason: `retryable: ${label}` };
}

function causeOf(error: unknown): unknown {
  return error instanceof Error && error.cause !== undefined ? error.cause : error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line (the completion report is CSV), control characters out, at most MAX_RESULT_STRING characters. */
export function oneLine(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > MAX_RESULT_STRING ? `${flat.slice(0, MAX_RESULT_STRING - 1)}…` : flat;
}
