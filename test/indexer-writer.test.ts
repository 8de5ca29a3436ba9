// The indexer's CloudWatch Logs writer at the SDK command level: the real CloudWatchLogsClient, its send()
// answered by the limit-enforcing fake through aws-sdk-client-mock. Stream creation (new, already there,
// concurrent, remembered, deleted behind our back), retries of throttling and 5xx with bounded full-jitter
// backoff, failures that persist or cannot be retried, and the events the service rejects.
import 'aws-sdk-client-mock-vitest/extend';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IndexWriteError } from '../functions/lib/errors.js';
import { CloudWatchLogsWriter, isRetryable, type RetryOptions } from '../functions/indexer/cloudwatch-writer.js';
import { LogBatcher, type IndexEvent, type LogBatch } from '../shared/index/index.js';
import {
  createCloudWatchLogsFake,
  FakeServiceError,
  type CloudWatchLogsFake,
  type CloudWatchLogsFakeOptions,
} from '../local-aws/cloudwatch-logs-fake.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const DAY = 86_400_000;
const GROUP = '/trailwatch/test/cloudtrail';
const STREAM = '123456789012_CloudTrail_us-east-1';

const cwl = mockClient(CloudWatchLogsClient);
let fake: CloudWatchLogsFake;
let sleeps: number[];

function useFake(options: Partial<CloudWatchLogsFakeOptions> = {}): CloudWatchLogsFake {
  fake = createCloudWatchLogsFake({ logGroups: { [GROUP]: {} }, now: () => NOW, ...options });
  cwl.reset();
  cwl.on(PutLogEventsCommand).callsFake(fake.putLogEvents).on(CreateLogStreamCommand).callsFake(fake.createLogStream);
  return fake;
}

function writer(retry: RetryOptions = {}, group = GROUP): CloudWatchLogsWriter {
  return new CloudWatchLogsWriter(new CloudWatchLogsClient({ region: 'us-east-1' }), group, {
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.999,
    ...retry,
  });
}

function event(offsetMs: number, id: string): IndexEvent {
  const message = JSON.stringify({ eventID: id, eventTime: new Date(NOW + offsetMs).toISOString() });
  return { timestamp: NOW + offsetMs, message, eventID: id, bytes: Buffer.byteLength(message), trimmed: null };
}

function batch(events: IndexEvent[], stream = STREAM): LogBatch<IndexEvent> {
  const batcher = new LogBatcher<IndexEvent>();
  for (const e of events) expect(batcher.add(stream, e)).toEqual([]);
  const [only, ...rest] = batcher.flush();
  expect(rest).toEqual([]);
  if (!only) throw new Error('no batch');
  return only;
}

const operations = () => fake.calls.map((c) => `${c.operation}:${c.outcome}`);

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

beforeEach(() => {
  sleeps = [];
  useFake();
});

afterEach(() => {
  fake.assertNoViolations();
});

describe('log streams', () => {
  it('creates a missing stream before its first batch, and only once', async () => {
    const w = writer();
    const first = await w.putBatch(batch([event(0, 'a'), event(1, 'b')]));
    const second = await w.putBatch(batch([event(2, 'c')]));
    expect(first).toMatchObject({ streamCreated: true, calls: 1, retries: 0, rejected: [] });
    expect(second).toMatchObject({ streamCreated: false, calls: 1 });
    expect(operations()).toEqual(['CreateLogStream:ok', 'PutLogEvents:ok', 'PutLogEvents:ok']);
    expect(
      fake
        .storedEvents(GROUP, STREAM)
        .map((e) => JSON.parse(e.message) as { eventID: string })
        .map((m) => m.eventID),
    ).toEqual(['a', 'b', 'c']);
    expect(cwl).toHaveReceivedCommandWith(CreateLogStreamCommand, { logGroupName: GROUP, logStreamName: STREAM });
  });

  it('takes a stream that already exists (another invocation made it) as it is', async () => {
    useFake({ existingStreams: { [GROUP]: [STREAM] } });
    const result = await writer().putBatch(batch([event(0, 'a')]));
    expect(result.streamCreated).toBe(false);
    expect(operations()).toEqual(['CreateLogStream:already-exists', 'PutLogEvents:ok']);
  });

  it('sends one CreateLogStream for concurrent writes to a new stream', async () => {
    const w = writer();
    const results = await Promise.all([
      w.putBatch(batch([event(0, 'a')])),
      w.putBatch(batch([event(1, 'b')])),
      w.putBatch(batch([event(2, 'c')])),
    ]);
    expect(results.filter((r) => r.streamCreated)).toHaveLength(1);
    expect(cwl).toHaveReceivedCommandTimes(CreateLogStreamCommand, 1);
    expect(fake.storedEvents(GROUP, STREAM)).toHaveLength(3);
  });

  it('remembers the streams it knows for as long as the writer (the warm container) lives', async () => {
    const w = writer();
    await w.putBatch(batch([event(0, 'a')]));
    await w.putBatch(batch([event(0, 'b')], '123456789012_CloudTrail_eu-west-1'));
    await w.putBatch(batch([event(1, 'c')]));
    await w.putBatch(batch([event(1, 'd')], '123456789012_CloudTrail_eu-west-1'));
    expect(cwl).toHaveReceivedCommandTimes(CreateLogStreamCommand, 2);
    expect([...w.knownStreams].sort()).toEqual(['123456789012_CloudTrail_eu-west-1', STREAM]);
  });

  it('creates a stream again when it was deleted since, without using up an attempt', async () => {
    const w = writer({ maxAttempts: 1 });
    await w.putBatch(batch([event(0, 'a')]));
    // The same service state, minus the stream: a fresh fake without it.
    useFake();
    const result = await w.putBatch(batch([event(1, 'b')]));
    expect(result).toMatchObject({ streamCreated: true, calls: 2, retries: 1 });
    expect(operations()).toEqual(['PutLogEvents:not-found', 'CreateLogStream:ok', 'PutLogEvents:ok']);
  });

  it('fails at once, naming the group, when the log group does not exist', async () => {
    const error = await failure(writer({}, '/no/such/group').putBatch(batch([event(0, 'a')])));
    expect(error).toBeInstanceOf(IndexWriteError);
    expect(error).toMatchObject({
      operation: 'CreateLogStream',
      reason: 'ResourceNotFoundException',
      attempts: 1,
      logGroupName: '/no/such/group',
      events: 1,
    });
    expect((error as Error).message).toContain(
      '/no/such/group/123456789012_CloudTrail_us-east-1: CreateLogStream failed after 1 attempt (1 events not written)',
    );
    expect(cwl).not.toHaveReceivedCommand(PutLogEventsCommand);
  });

  it('retries a throttled CreateLogStream', async () => {
    fake.throttle(2, 'CreateLogStream');
    await writer().putBatch(batch([event(0, 'a')]));
    expect(operations()).toEqual([
      'CreateLogStream:throttled',
      'CreateLogStream:throttled',
      'CreateLogStream:ok',
      'PutLogEvents:ok',
    ]);
  });
});

describe('retries', () => {
  it('retries throttling with exponential backoff and full jitter, then succeeds', async () => {
    useFake({ existingStreams: { [GROUP]: [STREAM] } });
    fake.throttle(3, 'PutLogEvents');
    const result = await writer().putBatch(batch([event(0, 'a')]));
    expect(result).toMatchObject({ calls: 4, retries: 3 });
    // random() = 0.999 of ceilings 250, 500, 1000 ms.
    expect(sleeps).toEqual([249, 499, 999]);
    expect(fake.storedEvents(GROUP, STREAM)).toHaveLength(1);
  });

  it('retries 503 ServiceUnavailableException', async () => {
    fake.failWith(2, 'ServiceUnavailableException', 'PutLogEvents');
    const result = await writer().putBatch(batch([event(0, 'a')]));
    expect(result).toMatchObject({ calls: 3, retries: 2 });
  });

  it('caps the backoff ceiling at maxDelayMs and draws each sleep below it', async () => {
    fake.throttle(5, 'PutLogEvents');
    const draws = [0, 0.5, 0.999, 0.25, 0.75];
    await writer({ maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 3000, random: () => draws.shift() ?? 0 }).putBatch(
      batch([event(0, 'a')]),
    );
    expect(sleeps).toEqual([0, 1000, 2997, 750, 2250]);
  });

  it('fails the batch with IndexWriteError after maxAttempts when throttling persists', async () => {
    fake.throttle(100, 'PutLogEvents');
    const error = await failure(writer({ maxAttempts: 4 }).putBatch(batch([event(0, 'a'), event(1, 'b')])));
    expect(error).toBeInstanceOf(IndexWriteError);
    expect(error).toMatchObject({
      operation: 'PutLogEvents',
      reason: 'ThrottlingException',
      attempts: 4,
      events: 2,
      logStreamName: STREAM,
    });
    expect((error as Error).message).toMatch(
      /PutLogEvents failed after 4 attempts \(2 events not written\): ThrottlingException \(HTTP 400\): Rate exceeded/,
    );
    expect(cwl).toHaveReceivedCommandTimes(PutLogEventsCommand, 4);
    expect(sleeps).toHaveLength(3);
  });

  it('does not retry what another try cannot fix', async () => {
    cwl.on(PutLogEventsCommand).rejects(new FakeServiceError('InvalidParameterException', 'bad', 400));
    const error = await failure(writer().putBatch(batch([event(0, 'a')])));
    expect(error).toMatchObject({ reason: 'InvalidParameterException', attempts: 1 });
    cwl.on(PutLogEventsCommand).rejects(new FakeServiceError('AccessDeniedException', 'no', 400));
    expect(await failure(writer().putBatch(batch([event(0, 'a')])))).toMatchObject({
      reason: 'AccessDeniedException',
      attempts: 1,
    });
    expect(sleeps).toEqual([]);
  });

  it('stops retrying when the invocation is aborted (middy timeout signal)', async () => {
    fake.throttle(100, 'PutLogEvents');
    const controller = new AbortController();
    const w = writer({
      sleep: () => {
        controller.abort();
        return Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      },
    });
    const error = await failure(w.putBatch(batch([event(0, 'a')]), controller.signal));
    expect((error as Error).name).toBe('AbortError');
    expect(cwl).toHaveReceivedCommandTimes(PutLogEventsCommand, 1);
  });

  it('classifies errors as the SDK does: throttling, 5xx, 429, $retryable and network resets are retryable', () => {
    expect(isRetryable(new FakeServiceError('ThrottlingException', '', 400, { throttling: true }))).toBe(true);
    expect(isRetryable(new FakeServiceError('ServiceUnavailableException', '', 503))).toBe(true);
    expect(isRetryable(new FakeServiceError('SomethingNew', '', 500))).toBe(true);
    expect(isRetryable(new FakeServiceError('SlowDown', '', 429))).toBe(true);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
    expect(isRetryable(new FakeServiceError('InvalidParameterException', '', 400))).toBe(false);
    expect(isRetryable(new FakeServiceError('ResourceNotFoundException', '', 400))).toBe(false);
    expect(isRetryable(new FakeServiceError('DataAlreadyAcceptedException', '', 400))).toBe(false);
    expect(isRetryable('nope')).toBe(false);
  });
});

describe('rejected events', () => {
  it('hands back the events the service rejected, each with its reason, from rejectedLogEventsInfo', async () => {
    useFake({ logGroups: { [GROUP]: { retentionDays: 7 } }, batchSpan: 'valid-events' });
    const events = [
      event(-15 * DAY, 'too-old'),
      event(-8 * DAY, 'expired'),
      event(0, 'ok'),
      event(3 * 3_600_000, 'too-new'),
    ];
    // Built by hand: the batcher would put these in different time windows; the service takes them in one call.
    const handBuilt: LogBatch<IndexEvent> = {
      logStreamName: STREAM,
      events,
      bytes: events.reduce((n, e) => n + e.bytes + 26, 0),
      closedBy: 'flush',
    };
    const result = await writer().putBatch(handBuilt);
    expect(result.rejected.map((r) => [r.event.eventID, r.reason, r.index])).toEqual([
      ['too-old', 'too-old', 0],
      ['expired', 'expired', 1],
      ['too-new', 'too-new', 3],
    ]);
    expect(fake.storedEvents(GROUP, STREAM).map((e) => (JSON.parse(e.message) as { eventID: string }).eventID)).toEqual(
      ['ok'],
    );
  });
});
