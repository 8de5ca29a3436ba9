// The fake is the judge of the batching tests, so it is tested first: it must catch every documented limit,
// and behave like the service on correct calls.
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { PUT_LOG_EVENTS_LIMITS } from '../shared/index/limits.js';
import {
  CloudWatchLogsLimitViolation,
  createCloudWatchLogsFake,
  DOCUMENTED_LIMITS,
  type PutLogEventsRequestLike,
} from '../local-aws/cloudwatch-logs-fake.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GROUP = 'trailwatch-index';
const STREAM = '123456789012_CloudTrail_us-east-1';

function fake(retentionDays?: number, batchSpan?: 'all-events' | 'valid-events') {
  return createCloudWatchLogsFake({
    logGroups: { [GROUP]: retentionDays === undefined ? {} : { retentionDays } },
    existingStreams: { [GROUP]: [STREAM] },
    now: () => NOW,
    ...(batchSpan ? { batchSpan } : {}),
  });
}

function put(events: { timestamp: number; message: string }[]): PutLogEventsRequestLike {
  return { logGroupName: GROUP, logStreamName: STREAM, logEvents: events };
}

const at = (offsetMs: number, message = 'm') => ({ timestamp: NOW + offsetMs, message });

async function violation(input: PutLogEventsRequestLike): Promise<string[]> {
  const f = fake();
  const error = await f.putLogEvents(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudWatchLogsLimitViolation);
  expect(() => f.assertNoViolations()).toThrow(CloudWatchLogsLimitViolation);
  return (error as CloudWatchLogsLimitViolation).problems;
}

describe('CloudWatch Logs fake: limits it enforces', () => {
  it('uses the same documented limits as shared/index/limits.ts, written out independently', () => {
    expect(DOCUMENTED_LIMITS).toEqual(PUT_LOG_EVENTS_LIMITS);
  });

  it('accepts a batch exactly at the byte limit', async () => {
    const message = 'x'.repeat(DOCUMENTED_LIMITS.maxBatchBytes - 26);
    await expect(fake().putLogEvents(put([at(0, message)]))).resolves.toEqual({});
  });

  it('fails a batch one byte over 1,048,576 (messages in UTF-8 + 26 per event)', async () => {
    const half = 'é'.repeat((DOCUMENTED_LIMITS.maxBatchBytes / 2 - 26) / 2); // 2 bytes a character
    const problems = await violation(put([at(0, half), at(0, `${half}x`)]));
    expect(problems.join()).toMatch(/1048577 bytes .* over the 1048576-byte batch limit/);
  });

  it('fails an event larger than the event limit', async () => {
    const problems = await violation(put([at(0, 'x'.repeat(DOCUMENTED_LIMITS.maxEventMessageBytes + 1))]));
    expect(problems.join()).toMatch(/event 0: 1048551 bytes, over the 1048550-byte event limit/);
  });

  it('fails more than 10,000 events', async () => {
    const problems = await violation(put(Array.from({ length: 10_001 }, () => at(0))));
    expect(problems.join()).toMatch(/10001 events, over the 10000-event limit/);
  });

  it('fails an empty batch', async () => {
    expect(await violation(put([]))).toEqual(['logEvents must hold at least one event']);
  });

  it('fails events out of chronological order', async () => {
    const problems = await violation(put([at(1), at(0)]));
    expect(problems.join()).toMatch(/not in chronological order/);
  });

  it('applies the span rule to every event by default, as older API pages do', async () => {
    const problems = await violation(put([at(-15 * DAY, 'old'), at(0, 'ok')]));
    expect(problems.join()).toMatch(/over the 86400000 ms/);
  });

  it('accepts equal timestamps (chronological means non-decreasing)', async () => {
    await expect(fake().putLogEvents(put([at(0), at(0)]))).resolves.toEqual({});
  });

  it('fails a batch spanning more than 24 hours, accepts exactly 24 hours', async () => {
    const problems = await violation(put([at(-DAY - 1), at(0)]));
    expect(problems.join()).toMatch(/span 86400001 ms, over the 86400000 ms/);
    await expect(fake().putLogEvents(put([at(-DAY), at(0)]))).resolves.toEqual({});
  });

  it('fails an empty message and a timestamp that is not an integer >= 0', async () => {
    expect((await violation(put([at(0, '')]))).join()).toMatch(/at least 1 character/);
    expect((await violation(put([{ timestamp: -1, message: 'm' }]))).join()).toMatch(/not an integer >= 0/);
    expect((await violation(put([{ timestamp: 1.5, message: 'm' }]))).join()).toMatch(/not an integer >= 0/);
  });

  it('fails stream names with : or * and group names outside the documented pattern', async () => {
    expect((await violation({ ...put([at(0)]), logStreamName: 'a:b' })).join()).toMatch(/logStreamName/);
    expect((await violation({ ...put([at(0)]), logGroupName: 'bad name' })).join()).toMatch(/logGroupName/);
  });

  it('records violations even when the caller swallows the error', async () => {
    const f = fake();
    await f.putLogEvents(put([at(1), at(0)])).catch(() => undefined);
    expect(f.violations).toHaveLength(1);
    expect(() => f.assertNoViolations()).toThrow(/chronological/);
  });
});

describe('CloudWatch Logs fake: what it does with correct calls', () => {
  it('stores accepted events in their stream', async () => {
    const f = fake();
    await f.putLogEvents(put([at(0, 'a'), at(1, 'b')]));
    expect(f.storedEvents(GROUP, STREAM).map((e) => e.message)).toEqual(['a', 'b']);
    expect(f.calls.map((c) => c.outcome)).toEqual(['ok']);
  });

  it('leaves out and reports too-old (prefix, end exclusive) and too-new (suffix, start inclusive) events', async () => {
    const f = fake(undefined, 'valid-events');
    const response = await f.putLogEvents(put([at(-15 * DAY, 'old'), at(0, 'ok'), at(3 * HOUR, 'new')]));
    expect(response).toEqual({ rejectedLogEventsInfo: { tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 2 } });
    expect(f.storedEvents(GROUP, STREAM).map((e) => e.message)).toEqual(['ok']);
  });

  it('reports events older than the group retention as expired', async () => {
    const f = fake(1, 'valid-events');
    const response = await f.putLogEvents(put([at(-2 * DAY, 'expired'), at(0, 'ok')]));
    expect(response).toEqual({ rejectedLogEventsInfo: { expiredLogEventEndIndex: 1 } });
    expect(f.storedEvents(GROUP, STREAM)).toHaveLength(1);
  });

  it('answers ResourceNotFoundException for a missing stream or group', async () => {
    const f = fake();
    await expect(f.putLogEvents({ ...put([at(0)]), logStreamName: 'other' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(f.putLogEvents({ ...put([at(0)]), logGroupName: 'other' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('creates streams, and answers ResourceAlreadyExistsException for an existing one', async () => {
    const f = fake();
    await f.createLogStream({ logGroupName: GROUP, logStreamName: 'new' });
    expect(f.streamNames(GROUP)).toContain('new');
    await expect(f.createLogStream({ logGroupName: GROUP, logStreamName: 'new' })).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('throttles the next N calls like the SDK reports it, then succeeds', async () => {
    const f = fake();
    f.throttle(2, 'PutLogEvents');
    const throttled = {
      name: 'ThrottlingException',
      $retryable: { throttling: true },
      $metadata: { httpStatusCode: 400 },
    };
    await expect(f.putLogEvents(put([at(0)]))).rejects.toMatchObject(throttled);
    await expect(f.putLogEvents(put([at(0)]))).rejects.toMatchObject(throttled);
    await expect(f.putLogEvents(put([at(0)]))).resolves.toEqual({});
    expect(f.storedEvents(GROUP, STREAM)).toHaveLength(1);
  });

  it('fails the next N calls with a 5xx when told to', async () => {
    const f = fake();
    f.failWith(1, 'ServiceUnavailableException');
    await expect(f.putLogEvents(put([at(0)]))).rejects.toMatchObject({
      name: 'ServiceUnavailableException',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    await expect(f.putLogEvents(put([at(0)]))).resolves.toEqual({});
  });
});

describe('CloudWatch Logs fake behind aws-sdk-client-mock', () => {
  it("answers the real SDK client's commands, and its limit violations reach the caller", async () => {
    const cwl = mockClient(CloudWatchLogsClient);
    try {
      const f = fake();
      cwl.on(PutLogEventsCommand).callsFake(f.putLogEvents).on(CreateLogStreamCommand).callsFake(f.createLogStream);
      const client = new CloudWatchLogsClient({ region: 'us-east-1' });
      await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'other' }));
      await client.send(
        new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'other', logEvents: [at(0, 'a')] }),
      );
      expect(f.storedEvents(GROUP, 'other').map((e) => e.message)).toEqual(['a']);
      await expect(
        client.send(
          new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'other', logEvents: [at(1), at(0)] }),
        ),
      ).rejects.toThrow(CloudWatchLogsLimitViolation);
      expect(f.violations).toHaveLength(1);
    } finally {
      cwl.restore();
    }
  });
});
