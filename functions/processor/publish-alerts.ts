// Publishing prepared messages to an SNS topic with PublishBatch: at most 10 entries and 256 KiB per call
// (https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html; sizes and packing in
// sns-limits.ts), each entry retried until SNS has it.
//
// PublishBatch can answer HTTP 200 and still list entries under `Failed` (BatchResultErrorEntry: Id, Code,
// SenderFault, Message; https://docs.aws.amazon.com/sns/latest/api/API_BatchResultErrorEntry.html). So:
// - a failed entry that is not the sender's fault (throttling, an SNS internal error) is sent again, alone
//   with the other failed entries of its batch, after a backoff with full jitter; so is a whole call that
//   failed with a retryable error (throttling, 5xx, a network error) once the SDK's own retries are spent;
// - an entry SNS rejects as the sender's fault cannot succeed by resending it: it is not retried, the other
//   batches are still published, and the call ends in a PublishError;
// - when retries run out, PublishError: the invocation fails, Lambda retries the delivery, and a DLQ keeps it.
// Nothing is dropped silently. An entry SNS neither lists as successful nor as failed counts as failed.
// Up to four calls are in flight at once on a standard topic (a call takes tens of ms; a file can raise
// dozens of messages); a FIFO topic gets one call at a time, so its messages keep their order.
import { createHash } from 'node:crypto';
import {
  PublishBatchCommand,
  type MessageAttributeValue,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { MAX_SNS_PAYLOAD_BYTES, packPublishBatches, publishEntryBytes } from './sns-limits.js';
import { PublishError, type FailedPublish } from '../lib/errors.js';

export interface OutgoingMessage {
  /** The message: for `json` structure, a JSON document with a string `default` and per-protocol keys. */
  message: string;
  structure: 'json' | 'string';
  subject?: string;
  attributes: Record<string, MessageAttributeValue>;
  /** Names the message in errors and logs, e.g. `rds-database-deleted 6f2d...` (rule and eventID). */
  label: string;
  /** FIFO topics only: a stable identity of the message, hashed into its MessageDeduplicationId. */
  dedupKey?: string;
  /** FIFO topics only: its MessageGroupId (e.g. the rule). */
  group?: string;
}

export interface PublishOptions {
  /** Attempts per entry, the first included. Default 5. */
  maxAttempts?: number;
  /** Backoff before attempt n+1 is random in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))]. Defaults 100 / 3000 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** PublishBatch calls in flight at once on a standard topic. Default 4; a FIFO topic always gets 1. */
  concurrency?: number;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface PublishResult {
  published: number;
  /** PublishBatch calls made, retries included. */
  calls: number;
  /** Entries sent again after a failure. */
  retriedEntries: number;
}

interface Entry {
  id: string;
  bytes: number;
  request: PublishBatchRequestEntry;
  label: string;
}

/** Publishes every message to `topicArn`, or throws PublishError naming those SNS did not take. */
export async function publishMessages(
  sns: SNSClient,
  topicArn: string,
  messages: readonly OutgoingMessage[],
  options: PublishOptions = {},
): Promise<PublishResult> {
  const fifo = topicArn.endsWith('.fifo');
  const entries = messages.map((message, i): Entry => toEntry(message, `m${i}`, fifo));
  // A message over SNS's limit is never sent (it would fail its whole call): it is reported like an entry SNS
  // refused, after the others were published. buildSnsMessage fits every alert, so this is a bug guard.
  const rejected: FailedPublish[] = entries
    .filter((e) => e.bytes > MAX_SNS_PAYLOAD_BYTES)
    .map((e) => ({
      id: e.id,
      code: 'MessageTooLarge',
      message: `${e.label}: ${e.bytes} bytes, over SNS's ${MAX_SNS_PAYLOAD_BYTES}`,
      senderFault: true,
    }));
  const sendable = entries.filter((e) => e.bytes <= MAX_SNS_PAYLOAD_BYTES);

  const result: PublishResult = { published: 0, calls: 0, retriedEntries: 0 };
  let rejectedCause: unknown;
  const batches = packPublishBatches(sendable, (e) => e.bytes);
  const unsent: FailedPublish[] = [];
  let unsentCause: unknown;
  let next = 0;
  const publishFromQueue = async (): Promise<void> => {
    // Once a batch has run out of retries SNS is not taking messages now: no further batch is started.
    while (unsent.length === 0 && next < batches.length) {
      const outcome = await publishBatch(sns, topicArn, batches[next++]!, options, result);
      rejected.push(...outcome.rejected);
      if (outcome.rejected.length > 0) rejectedCause ??= outcome.cause;
      if (outcome.unsent.length > 0) {
        unsent.push(...outcome.unsent);
        unsentCause ??= outcome.cause;
      }
    }
  };
  const concurrency = fifo ? 1 : Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, publishFromQueue));
  if (unsent.length > 0) {
    const notTried = batches
      .slice(next)
      .flat()
      .map((e) => ({ id: e.id, code: 'NotSent', message: e.label, senderFault: false }));
    const failed = [...rejected, ...unsent, ...notTried];
    throw new PublishError(
      topicArn,
      failed,
      result.published,
      `after ${options.maxAttempts ?? DEFAULT_ATTEMPTS} attempts`,
      { cause: unsentCause },
    );
  }
  if (rejected.length > 0) {
    throw new PublishError(
      topicArn,
      rejected,
      result.published,
      "(refused by SNS as the request's fault; not retried)",
      rejectedCause ? { cause: rejectedCause } : undefined,
    );
  }
  return result;
}

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_CONCURRENCY = 4;

async function publishBatch(
  sns: SNSClient,
  topicArn: string,
  batch: Entry[],
  options: PublishOptions,
  result: PublishResult,
): Promise<{ rejected: FailedPublish[]; unsent: FailedPublish[]; cause?: unknown }> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  const rejected: FailedPublish[] = [];
  let pending = batch;
  let lastFailures: FailedPublish[] = [];
  let cause: unknown;
  for (let attempt = 1; ; attempt++) {
    result.calls++;
    if (attempt > 1) result.retriedEntries += pending.length;
    try {
      const output = await sns.send(
        new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: pending.map((e) => e.request) }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      const succeeded = new Set((output.Successful ?? []).map((s) => s.Id));
      const failures = new Map((output.Failed ?? []).map((f) => [f.Id, f]));
      const retry: Entry[] = [];
      lastFailures = [];
      for (const entry of pending) {
        const failure = failures.get(entry.id);
        if (!failure && succeeded.has(entry.id)) {
          result.published++;
          continue;
        }
        const failed: FailedPublish = {
          id: entry.id,
          code: failure?.Code ?? 'NoResult',
          message: `${entry.label}${failure?.Message ? `: ${failure.Message}` : failure ? '' : ': not in the response'}`,
          senderFault: failure?.SenderFault === true,
        };
        if (failed.senderFault) rejected.push(failed);
        else {
          retry.push(entry);
          lastFailures.push(failed);
        }
      }
      pending = retry;
    } catch (error) {
      if (!isRetryable(error, options.signal)) {
        const failed = pending.map((e) => ({ id: e.id, code: errorName(error), message: e.label, senderFault: true }));
        return { rejected: [...rejected, ...failed], unsent: [], cause: error };
      }
      cause = error;
      lastFailures = pending.map((e) => ({ id: e.id, code: errorName(error), message: e.label, senderFault: false }));
    }
    if (pending.length === 0) return { rejected, unsent: [] };
    if (attempt >= maxAttempts) return { rejected, unsent: lastFailures, cause };
    await (options.sleep ?? sleep)(backoff(attempt, options), options.signal);
  }
}

function toEntry(message: OutgoingMessage, id: string, fifo: boolean): Entry {
  const request: PublishBatchRequestEntry = {
    Id: id,
    Message: message.message,
    ...(message.structure === 'json' ? { MessageStructure: 'json' } : {}),
    ...(message.subject ? { Subject: message.subject } : {}),
    ...(Object.keys(message.attributes).length > 0 ? { MessageAttributes: message.attributes } : {}),
  };
  if (fifo) {
    // FIFO topics need a group; the deduplication id makes SNS drop a retry's duplicate within 5 minutes.
    request.MessageGroupId = message.group ?? 'trailwatch';
    request.MessageDeduplicationId = createHash('sha256')
      .update(message.dedupKey ?? message.message)
      .digest('hex');
  }
  return { id, bytes: publishEntryBytes(request), request, label: message.label };
}

const THROTTLING = new Set([
  'ThrottledException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'KMSThrottlingException',
  'RequestLimitExceeded',
]);

/** Throttling, server faults and network errors are worth another try; anything else is the request's fault. */
export function isRetryable(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return false;
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError') return false;
  const e = error as Error & { $fault?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (THROTTLING.has(e.name) || e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status === 429 || status >= 500;
  if (e.$fault !== undefined) return e.$fault === 'server';
  // No HTTP response at all: a reset connection, a timeout.
  return true;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

function backoff(attempt: number, options: PublishOptions): number {
  const cap = Math.min(options.maxDelayMs ?? 3000, (options.baseDelayMs ?? 100) * 2 ** (attempt - 1));
  return Math.floor((options.random ?? Math.random)() * cap);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
