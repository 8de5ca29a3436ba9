// A fake of CloudWatch Logs' PutLogEvents and CreateLogStream that enforces every documented limit of a
// PutLogEvents call and fails the test on any violation
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html): at most 1,048,576
// bytes a batch (UTF-8 messages + 26 bytes per event), 10,000 events, events in chronological order spanning at most
// 24 hours, each a non-empty message of at most 1 MB with an integer timestamp; group names of 1-512 characters of
// [.-_/#A-Za-z0-9], stream names of 1-512 characters without ':' or '*'. shared/index/limits.ts quotes the reference;
// the checks here are written out again on purpose instead of calling the code under test.
//
// A call that breaks a limit (the real service would answer InvalidParameterException, or fail the whole
// call) throws CloudWatchLogsLimitViolation and is recorded in `violations`: code that catches SDK errors
// cannot hide it, because `assertNoViolations()` (e.g. in afterEach) still fails the test.
// What the real service does to correct calls, the fake does too: events too old, older than the group's
// retention or too far in the future are left out and reported in rejectedLogEventsInfo; a missing group or
// stream is ResourceNotFoundException; creating an existing stream is ResourceAlreadyExistsException;
// `throttle(n)` / `failWith(n, ...)` make the next n calls fail as throttled / unavailable.
//
// With aws-sdk-client-mock (no SDK import needed here):
//   const fake = createCloudWatchLogsFake({ logGroups: { 'trailwatch-index': {} } });
//   cwl.on(PutLogEventsCommand).callsFake(fake.putLogEvents);
//   cwl.on(CreateLogStreamCommand).callsFake(fake.createLogStream);
//   afterEach(() => fake.assertNoViolations());
import type { BatchLimits } from '../shared/index/limits.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The PutLogEvents API reference, written out independently of shared/index/limits.ts: 1,048,576 bytes a batch
 * (UTF-8 messages + 26 per event), 10,000 events, 24 hours, events of at most 1 MB (1 MiB including the
 * 26-byte overhead, as fluent-bit counts the older 256 KiB limit).
 */
export const DOCUMENTED_LIMITS: Readonly<BatchLimits> = Object.freeze({
  maxBatchBytes: 1_048_576,
  perEventOverheadBytes: 26,
  maxBatchEvents: 10_000,
  maxBatchSpanMs: DAY_MS,
  maxEventMessageBytes: 1_048_576 - 26,
});
/** "Events more than 2 hours in the future are rejected" / "Events older than 14 days ... are rejected". */
const MAX_FUTURE_MS = 2 * HOUR_MS;
const MAX_AGE_MS = 14 * DAY_MS;

/** PutLogEventsCommandInput, structurally: everything optional, as callers may get it wrong. */
export interface PutLogEventsRequestLike {
  logGroupName?: string | undefined;
  logStreamName?: string | undefined;
  logEvents?: readonly { timestamp?: number | undefined; message?: string | undefined }[] | undefined;
  sequenceToken?: string | undefined;
}

export interface CreateLogStreamRequestLike {
  logGroupName?: string | undefined;
  logStreamName?: string | undefined;
}

export interface FakeRejectedLogEventsInfo {
  tooNewLogEventStartIndex?: number;
  tooOldLogEventEndIndex?: number;
  expiredLogEventEndIndex?: number;
}

export interface FakePutLogEventsResponse {
  rejectedLogEventsInfo?: FakeRejectedLogEventsInfo;
}

export interface StoredLogEvent {
  timestamp: number;
  message: string;
  /** Which PutLogEvents call (0-based, over all calls) stored it. */
  call: number;
}

export interface FakeCall {
  operation: 'PutLogEvents' | 'CreateLogStream';
  input: PutLogEventsRequestLike | CreateLogStreamRequestLike;
  outcome: 'ok' | 'violation' | 'throttled' | 'unavailable' | 'not-found' | 'already-exists';
}

export interface CloudWatchLogsFakeOptions {
  /** The log groups that exist, with their retention in days (none: never expire). */
  logGroups: Record<string, { retentionDays?: number }>;
  /** The service's clock. Default Date.now. */
  now?: () => number;
  /** Default: the documented limits. Tests with scaled-down batches pass the batcher's limits here too. */
  limits?: Partial<BatchLimits>;
  /** Streams that exist from the start: group name -> stream names. */
  existingStreams?: Record<string, string[]>;
  /**
   * Which events the 24-hour span rule covers. The current API reference: "For valid events (within 14 days in
   * the past to 2 hours in future), the time span in a single batch cannot exceed 24 hours"; older pages apply it
   * to the whole batch. Default 'all-events', the stricter reading; 'valid-events' for tests that send events
   * the service rejects on purpose.
   */
  batchSpan?: 'all-events' | 'valid-events';
}

/** A call broke a documented limit: the real service would have failed it. The test must fail. */
export class CloudWatchLogsLimitViolation extends Error {
  readonly problems: string[];
  constructor(operation: string, problems: string[]) {
    super(`${operation} breaks CloudWatch Logs limits:\n  - ${problems.join('\n  - ')}`);
    this.name = 'CloudWatchLogsLimitViolation';
    this.problems = problems;
  }
}

/** Shaped like an SDK v3 service exception (name, $fault, $metadata, $retryable), without the SDK. */
export class FakeServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number };
  readonly $retryable?: { throttling: boolean };
  constructor(name: string, message: string, httpStatusCode: number, retryable?: { throttling: boolean }) {
    super(message);
    this.name = name;
    this.$fault = httpStatusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode };
    if (retryable) this.$retryable = retryable;
  }
}

type Operation = FakeCall['operation'];
type InjectedFailure = 'throttled' | 'unavailable';

export interface CloudWatchLogsFake {
  putLogEvents(input: PutLogEventsRequestLike): Promise<FakePutLogEventsResponse>;
  createLogStream(input: CreateLogStreamRequestLike): Promise<Record<string, never>>;
  /** The next `times` calls (of `operation`, or of any) fail with ThrottlingException. */
  throttle(times: number, operation?: Operation): void;
  /** The next `times` calls (of `operation`, or of any) fail with ServiceUnavailableException (HTTP 503). */
  failWith(times: number, failure: 'ServiceUnavailableException', operation?: Operation): void;
  /** Events stored in a stream, in the order they were accepted. */
  storedEvents(logGroupName: string, logStreamName: string): StoredLogEvent[];
  streamNames(logGroupName: string): string[];
  readonly calls: readonly FakeCall[];
  readonly violations: readonly string[];
  assertNoViolations(): void;
}

export function createCloudWatchLogsFake(options: CloudWatchLogsFakeOptions): CloudWatchLogsFake {
  const limits: BatchLimits = { ...DOCUMENTED_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const batchSpan = options.batchSpan ?? 'all-events';
  const groups = new Map<string, { retentionDays?: number; streams: Map<string, StoredLogEvent[]> }>();
  for (const [name, config] of Object.entries(options.logGroups)) {
    const streams = new Map<string, StoredLogEvent[]>((options.existingStreams?.[name] ?? []).map((s) => [s, []]));
    groups.set(name, { ...config, streams });
  }
  const calls: FakeCall[] = [];
  const violations: string[] = [];
  const injected: { failure: InjectedFailure; operation: Operation | undefined }[] = [];
  let putCalls = 0;

  const record = (operation: Operation, input: FakeCall['input'], outcome: FakeCall['outcome']): void => {
    calls.push({ operation, input, outcome });
  };

  /** Throws the first injected failure that applies to this call, if any. */
  const injectedFailure = (operation: Operation, input: FakeCall['input']): void => {
    const i = injected.findIndex((f) => f.operation === undefined || f.operation === operation);
    if (i < 0) return;
    const [failure] = injected.splice(i, 1);
    if (failure?.failure === 'throttled') {
      record(operation, input, 'throttled');
      throw new FakeServiceError('ThrottlingException', 'Rate exceeded', 400, { throttling: true });
    }
    record(operation, input, 'unavailable');
    throw new FakeServiceError('ServiceUnavailableException', 'The service cannot complete the request.', 503);
  };

  const violate = (operation: Operation, input: FakeCall['input'], problems: string[]): never => {
    violations.push(...problems.map((p) => `${operation}: ${p}`));
    record(operation, input, 'violation');
    throw new CloudWatchLogsLimitViolation(operation, problems);
  };

  const notFound = (operation: Operation, input: FakeCall['input'], what: string): never => {
    record(operation, input, 'not-found');
    throw new FakeServiceError('ResourceNotFoundException', `The specified ${what} does not exist.`, 400);
  };

  const putLogEvents = async (input: PutLogEventsRequestLike): Promise<FakePutLogEventsResponse> => {
    const at = now();
    const retentionDays = groups.get(input.logGroupName ?? '')?.retentionDays;
    const inSpan = batchSpan === 'all-events' ? () => true : (t: number) => !isRejectedByAge(t, at, retentionDays);
    const problems = [...nameProblems(input), ...batchProblems(input.logEvents, limits, inSpan)];
    if (problems.length > 0) violate('PutLogEvents', input, problems);
    injectedFailure('PutLogEvents', input);
    const group = groups.get(input.logGroupName ?? '');
    if (!group) return notFound('PutLogEvents', input, 'log group');
    const stream = group.streams.get(input.logStreamName ?? '');
    if (!stream) return notFound('PutLogEvents', input, 'log stream');

    const events = (input.logEvents ?? []) as readonly { timestamp: number; message: string }[];
    const call = putCalls++;
    const info: FakeRejectedLogEventsInfo = {};
    events.forEach((e, i) => {
      const { tooNew, tooOld, expired } = ageVerdict(e.timestamp, at, group.retentionDays);
      // The batch is chronological, so too-old and expired events are a prefix and too-new ones a suffix.
      if (tooNew) info.tooNewLogEventStartIndex ??= i;
      if (tooOld) info.tooOldLogEventEndIndex = i + 1;
      if (expired) info.expiredLogEventEndIndex = i + 1;
      if (!tooNew && !tooOld && !expired) stream.push({ timestamp: e.timestamp, message: e.message, call });
    });
    record('PutLogEvents', input, 'ok');
    return Object.keys(info).length > 0 ? { rejectedLogEventsInfo: info } : {};
  };

  const createLogStream = async (input: CreateLogStreamRequestLike): Promise<Record<string, never>> => {
    const problems = nameProblems(input);
    if (problems.length > 0) violate('CreateLogStream', input, problems);
    injectedFailure('CreateLogStream', input);
    const group = groups.get(input.logGroupName ?? '');
    if (!group) return notFound('CreateLogStream', input, 'log group');
    const name = input.logStreamName ?? '';
    if (group.streams.has(name)) {
      record('CreateLogStream', input, 'already-exists');
      throw new FakeServiceError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400);
    }
    group.streams.set(name, []);
    record('CreateLogStream', input, 'ok');
    return {};
  };

  return {
    putLogEvents,
    createLogStream,
    throttle(times, operation) {
      for (let i = 0; i < times; i++) injected.push({ failure: 'throttled', operation });
    },
    failWith(times, _failure, operation) {
      for (let i = 0; i < times; i++) injected.push({ failure: 'unavailable', operation });
    },
    storedEvents(logGroupName, logStreamName) {
      return [...(groups.get(logGroupName)?.streams.get(logStreamName) ?? [])];
    },
    streamNames(logGroupName) {
      return [...(groups.get(logGroupName)?.streams.keys() ?? [])];
    },
    calls,
    violations,
    assertNoViolations() {
      if (violations.length > 0) throw new CloudWatchLogsLimitViolation('CloudWatch Logs fake', violations);
    },
  };
}

/** "more than 2 hours in the future", "older than 14 days", "preceding the log group's retention period". */
function ageVerdict(
  timestamp: number,
  now: number,
  retentionDays: number | undefined,
): { tooNew: boolean; tooOld: boolean; expired: boolean } {
  const age = now - timestamp;
  return {
    tooNew: timestamp - now > MAX_FUTURE_MS,
    tooOld: age > MAX_AGE_MS,
    expired: retentionDays !== undefined && age > retentionDays * DAY_MS,
  };
}

function isRejectedByAge(timestamp: number, now: number, retentionDays: number | undefined): boolean {
  const v = ageVerdict(timestamp, now, retentionDays);
  return v.tooNew || v.tooOld || v.expired;
}

/** logGroupName: 1-512 of [.-_/#A-Za-z0-9]; logStreamName: 1-512 characters, no ':' or '*' (CreateLogStream). */
function nameProblems(input: { logGroupName?: string | undefined; logStreamName?: string | undefined }): string[] {
  const problems: string[] = [];
  const group = input.logGroupName;
  if (typeof group !== 'string' || !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(group))
    problems.push(`logGroupName ${JSON.stringify(group)} is not 1-512 characters of [.-_/#A-Za-z0-9]`);
  const stream = input.logStreamName;
  if (typeof stream !== 'string' || stream.length < 1 || stream.length > 512 || /[:*]/.test(stream)) {
    problems.push(`logStreamName ${JSON.stringify(stream)} is not 1-512 characters without ':' or '*'`);
  }
  return problems;
}

/** Every documented constraint on the batch itself (PutLogEvents, InputLogEvent). */
function batchProblems(
  logEvents: PutLogEventsRequestLike['logEvents'],
  limits: BatchLimits,
  inSpan: (timestamp: number) => boolean,
): string[] {
  if (!Array.isArray(logEvents) || logEvents.length === 0) return ['logEvents must hold at least one event'];
  const problems: string[] = [];
  if (logEvents.length > limits.maxBatchEvents)
    problems.push(`${logEvents.length} events, over the ${limits.maxBatchEvents}-event limit`);
  let batchBytes = 0;
  let min = Infinity;
  let max = -Infinity;
  let previous = -Infinity;
  logEvents.forEach((e, i) => {
    const { timestamp, message } = e;
    if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
      problems.push(`event ${i}: timestamp ${String(timestamp)} is not an integer >= 0`);
      return;
    }
    if (typeof message !== 'string' || message.length < 1) {
      problems.push(`event ${i}: message must be a string of at least 1 character`);
      return;
    }
    const bytes = Buffer.byteLength(message, 'utf8');
    if (bytes > limits.maxEventMessageBytes)
      problems.push(`event ${i}: ${bytes} bytes, over the ${limits.maxEventMessageBytes}-byte event limit`);
    batchBytes += bytes + limits.perEventOverheadBytes;
    if (timestamp < previous)
      problems.push(
        `event ${i}: timestamp ${timestamp} is before the previous event's ${previous}: not in chronological order`,
      );
    previous = timestamp;
    if (!inSpan(timestamp)) return;
    min = Math.min(min, timestamp);
    max = Math.max(max, timestamp);
  });
  if (batchBytes > limits.maxBatchBytes)
    problems.push(
      `${batchBytes} bytes (messages + ${limits.perEventOverheadBytes} per event), over the ${limits.maxBatchBytes}-byte batch limit`,
    );
  if (max - min > limits.maxBatchSpanMs)
    problems.push(`events span ${max - min} ms, over the ${limits.maxBatchSpanMs} ms (24 h) a batch may span`);
  return problems;
}
