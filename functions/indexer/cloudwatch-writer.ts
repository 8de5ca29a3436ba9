// Writing index batches to CloudWatch Logs: the log stream created when missing, one PutLogEvents call per
// batch, throttling and server errors retried with backoff, the events the service rejects handed back.
//
// Streams. CreateLogStream before the first write to a stream; "ResourceAlreadyExistsException: The specified
// resource already exists" (API_CreateLogStream) means another invocation made it first, which is fine. Streams
// known to exist are remembered for the life of the container (the writer lives outside the handler), so a warm
// function calls CreateLogStream once per stream, not once per file. Concurrent writes to a new stream share
// one CreateLogStream call. A stream deleted behind our back (PutLogEvents: ResourceNotFoundException) is
// created again, once.
//
// Retries. Each SDK call already runs the SDK's own retry strategy (standard mode: AWS_MAX_ATTEMPTS, 3 by
// default). Account-level throttling (PutLogEvents is a per-account, per-region TPS quota; the old 5/s per
// stream is gone) can outlast those few quick retries, so the writer retries once more around them, with
// exponential backoff and full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog: sleep =
// random(0, min(cap, base * 2^attempt))), a bounded number of times. What it retries: ThrottlingException,
// ServiceUnavailableException, any 5xx or 429, errors the SDK marks $retryable, and the transient network errors
// the SDK's own classifier retries (@smithy/service-error-classification: TimeoutError, RequestTimeout,
// ECONNRESET, ECONNREFUSED, EPIPE, ETIMEDOUT). Anything else (InvalidParameterException, AccessDenied, a missing
// log group) fails at once. A failure that persists throws IndexWriteError: the invocation fails and Lambda
// retries the delivery (see README: what was written before is written again).
import { setTimeout as sleepFor } from 'node:timers/promises';
import {
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  putLogEventsBodyBytes,
  rejectedEvents,
  type IndexEvent,
  type InputLogEvent,
  type LogBatch,
  type PutLogEventsInput,
  type RejectedEvent,
} from '../../shared/index/index.js';
import { IndexWriteError } from '../lib/errors.js';

export interface RetryOptions {
  /** Calls in all, the first included. Default 5. */
  maxAttempts?: number;
  /** First backoff ceiling in ms. Default 250. */
  baseDelayMs?: number;
  /** Largest backoff ceiling in ms. Default 8,000 (with 5 attempts, at most 250 + 500 + 1,000 + 2,000 ms of sleep). */
  maxDelayMs?: number;
  /** How to wait (tests pass an instant one). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1): the jitter. */
  random?: () => number;
}

export interface PutResult {
  /** Events the service did not store (too old, too new, older than the group's retention), with their reason. */
  rejected: RejectedEvent<IndexEvent>[];
  /** PutLogEvents requests sent for this batch, retries included. */
  calls: number;
  /** Requests that failed and were retried. */
  retries: number;
  /** True when this batch's stream was created (by us) before writing. */
  streamCreated: boolean;
}

export const DEFAULT_RETRY: Readonly<Required<Omit<RetryOptions, 'sleep' | 'random'>>> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
});

/** Request body buffers are made this large (a full batch's body is ~1.1 MiB) and a few are kept for reuse. */
const BODY_BUFFER_BYTES = 1_310_720;
const MAX_SPARE_BODIES = 8;

export class CloudWatchLogsWriter {
  private readonly known = new Set<string>();
  private readonly spareBodies: Buffer[] = [];
  private readonly creating = new Map<string, Promise<boolean>>();
  private readonly retry: Required<RetryOptions>;

  constructor(
    private readonly client: CloudWatchLogsClient,
    readonly logGroupName: string,
    retry: RetryOptions = {},
  ) {
    this.retry = {
      ...DEFAULT_RETRY,
      sleep: (ms, signal) => sleepFor(ms, undefined, signal ? { signal } : {}),
      random: Math.random,
      ...retry,
    };
    if (!(Number.isInteger(this.retry.maxAttempts) && this.retry.maxAttempts >= 1))
      throw new RangeError(`maxAttempts must be an integer >= 1, got ${this.retry.maxAttempts}`);
  }

  /** Streams this container knows exist (created or found existing). */
  get knownStreams(): ReadonlySet<string> {
    return this.known;
  }

  /** Writes one batch (chronological, within every PutLogEvents limit: LogBatcher's output). */
  async putBatch(batch: LogBatch<IndexEvent>, signal?: AbortSignal): Promise<PutResult> {
    const stream = batch.logStreamName;
    const result: PutResult = { rejected: [], calls: 0, retries: 0, streamCreated: false };
    result.streamCreated = await this.ensureStream(stream, batch.events.length, signal);
    let bodyBuffer: Buffer | undefined;
    const command = putLogEventsCommand(lazyInput(this.logGroupName, batch), batch.events, (size) => {
      bodyBuffer = this.bodyBuffer(size);
      return bodyBuffer;
    });
    let recreated = false;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      result.calls++;
      try {
        const response = await this.client.send(command, signal ? { abortSignal: signal } : {});
        result.rejected = rejectedEvents(batch.events, response.rejectedLogEventsInfo);
        // The request is over: its body's buffer serves the next one (not after a failure, which may leave a
        // write of it behind on a socket).
        if (bodyBuffer && this.spareBodies.length < MAX_SPARE_BODIES) this.spareBodies.push(bodyBuffer);
        return result;
      } catch (error) {
        if (isAbort(error, signal)) throw error;
        if (errorName(error) === 'ResourceNotFoundException' && !recreated) {
          // The stream was deleted since we created it (or the group is missing: CreateLogStream says which).
          recreated = true;
          this.known.delete(stream);
          result.streamCreated = (await this.ensureStream(stream, batch.events.length, signal)) || result.streamCreated;
          attempt--; // the lost stream is not the service pushing back: it does not use up an attempt
          result.retries++;
          continue;
        }
        if (!isRetryable(error) || attempt >= this.retry.maxAttempts) {
          throw this.failure('PutLogEvents', stream, batch.events.length, attempt, error);
        }
        result.retries++;
        await this.backoff(attempt, signal);
      }
    }
  }

  /**
   * A buffer of at least `size` bytes for a request body: a spare one when it is large enough. Bodies are ~1 MiB
   * each, one per call; made new every time, they outlive the young generation while their call is in flight and
   * wait for a full garbage collection, tens of MB of them at once.
   */
  private bodyBuffer(size: number): Buffer {
    const spare = this.spareBodies.pop();
    return spare && spare.length >= size ? spare : Buffer.allocUnsafeSlow(Math.max(size, BODY_BUFFER_BYTES));
  }

  /** Creates the stream unless this container knows it exists; true when this call created it. */
  async ensureStream(stream: string, events = 0, signal?: AbortSignal): Promise<boolean> {
    if (this.known.has(stream)) return false;
    let pending = this.creating.get(stream);
    if (!pending) {
      pending = this.createStream(stream, events, signal).finally(() => this.creating.delete(stream));
      this.creating.set(stream, pending);
      return pending;
    }
    // Another write is creating it: wait for that (its failure is this write's failure too), but it was not us.
    await pending;
    return false;
  }

  private async createStream(stream: string, events: number, signal: AbortSignal | undefined): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        await this.client.send(
          new CreateLogStreamCommand({ logGroupName: this.logGroupName, logStreamName: stream }),
          signal ? { abortSignal: signal } : {},
        );
        this.known.add(stream);
        return true;
      } catch (error) {
        if (isAbort(error, signal)) throw error;
        if (errorName(error) === 'ResourceAlreadyExistsException') {
          this.known.add(stream);
          return false;
        }
        if (!isRetryable(error) || attempt >= this.retry.maxAttempts)
          throw this.failure('CreateLogStream', stream, events, attempt, error);
        await this.backoff(attempt, signal);
      }
    }
  }

  /** Full jitter: a uniform sleep in [0, min(maxDelay, base * 2^(attempt - 1))). */
  private backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return this.retry.sleep(Math.floor(this.retry.random() * ceiling), signal);
  }

  private failure(
    operation: IndexWriteError['operation'],
    stream: string,
    events: number,
    attempts: number,
    error: unknown,
  ): IndexWriteError {
    const name = errorName(error);
    const message = error instanceof Error ? error.message : String(error);
    const status = httpStatus(error);
    return new IndexWriteError(
      { logGroupName: this.logGroupName, logStreamName: stream, operation, events, attempts, reason: name },
      `${name}${status ? ` (HTTP ${status})` : ''}: ${message}`,
      { cause: error },
    );
  }
}

/**
 * A PutLogEventsCommand whose body is written by putLogEventsBodyBytes (shared/index/request-body.ts says why) instead
 * of the SDK's JSON codec, as bytes (as the SDK's codec hands over bytes: a string body would be encoded again on the
 * socket). The command keeps its whole input (what the SDK's middleware, a mock or a log sees); only the serializer is
 * handed the input without its events, and the body it wrote is replaced, before the SDK sets Content-Length and
 * signs, by the same JSON with them. Middleware steps run initialize -> serialize -> build -> finalizeRequest
 * (signing; "any request alterations [in build] will be applied to all retries") -> deserialize:
 * https://www.npmjs.com/package/@smithy/middleware-stack and
 * https://aws.amazon.com/blogs/developer/middleware-stack-modular-aws-sdk-js/.
 * `events` (default: the input's) are what the body is written from: the batch's encoded events, so that a lazy
 * input (lazyInput) is never expanded on the way.
 */
export function putLogEventsCommand(
  input: PutLogEventsInput,
  events: readonly InputLogEvent[] = input.logEvents,
  into?: (size: number) => Buffer,
): PutLogEventsCommand {
  const command = new PutLogEventsCommand(input);
  const body = putLogEventsBodyBytes(input.logGroupName, input.logStreamName, events, into);
  command.middlewareStack.add((next) => (args) => next({ ...args, input: withoutEvents(args.input) }), {
    step: 'initialize',
    name: 'trailwatchEventsOutOfTheSerializer',
  });
  command.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { body?: unknown; headers?: Record<string, string> };
      request.body = body;
      if (request.headers) request.headers['content-length'] = String(body.length);
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'trailwatchPutLogEventsBody' },
  );
  return command;
}

/** The input's members but its events (not read: on a lazy input that would expand them). */
function withoutEvents<T extends object>(input: T): T {
  const rest: Record<string, unknown> = { logEvents: [] };
  for (const key of Object.keys(input)) if (key !== 'logEvents') rest[key] = (input as Record<string, unknown>)[key];
  return rest as T;
}

/**
 * The PutLogEvents input of a batch whose `logEvents` (timestamp and message of each event) are made when first
 * read: in Lambda nothing reads them (the body is written from the encoded events), so the messages are never
 * decoded into strings; a mocked client or a logger that reads them gets them whole.
 */
export function lazyInput(logGroupName: string, batch: LogBatch<IndexEvent>): PutLogEventsInput {
  let logEvents: InputLogEvent[] | undefined;
  // Once made, the input no longer holds the batch: a command kept after its call (a mock's history) keeps strings
  // it made, not the batch's events.
  let events: readonly IndexEvent[] | undefined = batch.events;
  return Object.defineProperty({ logGroupName, logStreamName: batch.logStreamName }, 'logEvents', {
    enumerable: true,
    get: () => {
      logEvents ??= (events ?? []).map((e) => ({ timestamp: e.timestamp, message: e.message }));
      events = undefined;
      return logEvents;
    },
  }) as PutLogEventsInput;
}

// ---------------------------------------------------------------------------------------------------------
// Which errors are worth another try

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalFailure',
  'InternalServerError',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; $retryable?: unknown; $fault?: unknown };
  if (typeof e.name === 'string' && RETRYABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && RETRYABLE_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = httpStatus(error);
  return status !== undefined && (status >= 500 || status === 429);
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}
