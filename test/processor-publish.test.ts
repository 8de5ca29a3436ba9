// PublishBatch at the SDK command level: batching to SNS's limits, entry ids, structure and attributes, and
// retries of failed entries until SNS has them or the invocation fails.
import 'aws-sdk-client-mock-vitest/extend';
import {
  AuthorizationErrorException,
  PublishBatchCommand,
  SNSClient,
  ThrottledException,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PublishError } from '../functions/lib/errors.js';
import { MAX_SNS_PAYLOAD_BYTES, publishEntryBytes } from '../functions/processor/sns-limits.js';
import { publishMessages, type OutgoingMessage, type PublishOptions } from '../functions/processor/publish-alerts.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';
const snsMock = mockClient(SNSClient);
const sns = new SNSClient({ region: 'us-east-1' });

/** Backoff without waiting; the delays asked for are kept. */
function fastOptions(extra: PublishOptions = {}): PublishOptions & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    random: () => 1,
    ...extra,
  };
}

function message(n: number, fields: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    message: JSON.stringify({ default: JSON.stringify({ rule: 'rds-database-deleted', n }), email: `Alert ${n}` }),
    structure: 'json',
    subject: `[HIGH] DeleteDBInstance db-${n} by johndoe (123456789012 us-east-1)`,
    attributes: {
      severity: { DataType: 'String', StringValue: 'high' },
      rule: { DataType: 'String', StringValue: 'rds-database-deleted' },
    },
    label: `rds-database-deleted event-${n}`,
    ...fields,
  };
}

function entries(call: number): NonNullable<PublishBatchCommandInput['PublishBatchRequestEntries']> {
  const input = snsMock.commandCalls(PublishBatchCommand)[call]?.args[0].input;
  return input?.PublishBatchRequestEntries ?? [];
}

function allSucceed(input: PublishBatchCommandInput): Partial<PublishBatchCommandOutput> {
  return {
    Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })),
    Failed: [],
  };
}

beforeEach(() => {
  snsMock.reset();
});

describe('publishMessages: batching', () => {
  it('sends at most 10 entries per PublishBatch call, in order, ids unique in each call', async () => {
    snsMock.on(PublishBatchCommand).callsFake(allSucceed);
    const messages = Array.from({ length: 23 }, (_, i) => message(i));
    const result = await publishMessages(sns, TOPIC, messages, fastOptions());
    expect(result).toEqual({ published: 23, calls: 3, retriedEntries: 0 });
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 3);
    expect([0, 1, 2].map((c) => entries(c).length)).toEqual([10, 10, 3]);
    for (const c of [0, 1, 2]) {
      const ids = entries(c).map((e) => e.Id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    }
    expect([0, 1, 2].flatMap((c) => entries(c).map((e) => e.Message))).toEqual(messages.map((m) => m.message));
  });

  it('sends MessageStructure json, the subject and the attributes of each message', async () => {
    snsMock.on(PublishBatchCommand).callsFake(allSucceed);
    await publishMessages(sns, TOPIC, [message(1)], fastOptions());
    expect(snsMock).toHaveReceivedCommandWith(PublishBatchCommand, {
      TopicArn: TOPIC,
      PublishBatchRequestEntries: [
        {
          Id: 'm0',
          Message: message(1).message,
          MessageStructure: 'json',
          Subject: message(1).subject,
          MessageAttributes: message(1).attributes,
        },
      ],
    });
  });

  it('leaves MessageStructure, Subject and empty attributes out of a plain message', async () => {
    snsMock.on(PublishBatchCommand).callsFake(allSucceed);
    await publishMessages(
      sns,
      TOPIC,
      [{ message: '{"rule":"x"}', structure: 'string', attributes: {}, label: 'x' }],
      fastOptions(),
    );
    expect(entries(0)).toEqual([{ Id: 'm0', Message: '{"rule":"x"}' }]);
  });

  it('keeps each call within 256 KiB of messages and attributes', async () => {
    snsMock.on(PublishBatchCommand).callsFake(allSucceed);
    const big = (n: number) =>
      message(n, { message: JSON.stringify({ default: 'x'.repeat(100_000), email: `Alert ${n}` }) });
    const messages = [big(0), big(1), big(2), message(3), big(4)];
    await publishMessages(sns, TOPIC, messages, fastOptions());
    const calls = snsMock
      .commandCalls(PublishBatchCommand)
      .map((c) => c.args[0].input.PublishBatchRequestEntries ?? []);
    // 100 KB + 100 KB, then 100 KB + a small one + 100 KB: a third 100 KB never joins two.
    expect(calls.map((c) => c.length)).toEqual([2, 3]);
    for (const call of calls) {
      expect(call.reduce((sum, e) => sum + publishEntryBytes(e), 0)).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
    }
  });

  it('never sends a message over the limit: the others are published, then the call fails naming it', async () => {
    snsMock.on(PublishBatchCommand).callsFake(allSucceed);
    const error = await publishMessages(
      sns,
      TOPIC,
      [message(0), message(1, { message: 'x'.repeat(MAX_SNS_PAYLOAD_BYTES) }), message(2)],
      fastOptions(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failed).toMatchObject([{ id: 'm1', code: 'MessageTooLarge', senderFault: true }]);
    expect((error as PublishError).published).toBe(2);
    expect(entries(0).map((e) => e.Id)).toEqual(['m0', 'm2']);
  });

  it('adds a message group and a stable deduplication id on a FIFO topic', async () => {
    snsMock.on(PublishBatchCommand).callsFake(allSucceed);
    const fifo = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alert-events.fifo';
    await publishMessages(
      sns,
      fifo,
      [message(1, { group: 'rds-database-deleted', dedupKey: 'rds-database-deleted/e1' })],
      fastOptions(),
    );
    await publishMessages(
      sns,
      fifo,
      [message(1, { group: 'rds-database-deleted', dedupKey: 'rds-database-deleted/e1' })],
      fastOptions(),
    );
    const [first, second] = [entries(0)[0], entries(1)[0]];
    expect(first?.MessageGroupId).toBe('rds-database-deleted');
    expect(first?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(second?.MessageDeduplicationId).toBe(first?.MessageDeduplicationId);
  });
});

describe('publishMessages: calls in flight', () => {
  /** Answers every call after a few ms, and records how many calls were in flight at most. */
  function slowSns() {
    const seen = { inFlight: 0, most: 0, firstIds: [] as string[] };
    snsMock.on(PublishBatchCommand).callsFake(async (input: PublishBatchCommandInput) => {
      seen.inFlight++;
      seen.most = Math.max(seen.most, seen.inFlight);
      seen.firstIds.push(input.PublishBatchRequestEntries?.[0]?.Id ?? '');
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.inFlight--;
      return allSucceed(input);
    });
    return seen;
  }

  it('has up to four PublishBatch calls in flight on a standard topic', async () => {
    const seen = slowSns();
    const result = await publishMessages(
      sns,
      TOPIC,
      Array.from({ length: 95 }, (_, i) => message(i)),
      fastOptions(),
    );
    expect(result).toEqual({ published: 95, calls: 10, retriedEntries: 0 });
    expect(seen.most).toBe(4);
  });

  it('sends one call at a time, in order, on a FIFO topic', async () => {
    const seen = slowSns();
    const result = await publishMessages(
      sns,
      `${TOPIC}.fifo`,
      Array.from({ length: 35 }, (_, i) => message(i, { group: 'g' })),
      fastOptions(),
    );
    expect(result.published).toBe(35);
    expect(seen.most).toBe(1);
    expect(seen.firstIds).toEqual(['m0', 'm10', 'm20', 'm30']);
  });
});

describe('publishMessages: failures', () => {
  it('retries only the entries SNS listed as Failed, after a backoff, until they succeed', async () => {
    snsMock
      .on(PublishBatchCommand)
      .callsFakeOnce((input: PublishBatchCommandInput) => {
        const all = input.PublishBatchRequestEntries ?? [];
        return {
          Successful: all
            .filter((e) => e.Id !== 'm1' && e.Id !== 'm3')
            .map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })),
          Failed: [
            { Id: 'm1', Code: 'InternalError', SenderFault: false, Message: 'try again' },
            { Id: 'm3', Code: 'Throttled', SenderFault: false },
          ],
        };
      })
      .callsFake(allSucceed);
    const options = fastOptions();
    const result = await publishMessages(
      sns,
      TOPIC,
      [0, 1, 2, 3, 4].map((n) => message(n)),
      options,
    );
    expect(result).toEqual({ published: 5, calls: 2, retriedEntries: 2 });
    expect(entries(1).map((e) => e.Id)).toEqual(['m1', 'm3']);
    expect(entries(1)[0]).toEqual(entries(0)[1]);
    expect(options.delays).toEqual([100]);
  });

  it('fails the invocation when entries still fail after every attempt, naming them; with one call at a time, later batches are not sent', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      const all = input.PublishBatchRequestEntries ?? [];
      return {
        Successful: all.filter((e) => e.Id !== 'm2').map((e) => ({ Id: e.Id, MessageId: 'x' })),
        Failed: all.filter((e) => e.Id === 'm2').map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })),
      };
    });
    const options = fastOptions({ maxAttempts: 4, concurrency: 1 });
    const error = await publishMessages(
      sns,
      TOPIC,
      Array.from({ length: 12 }, (_, i) => message(i)),
      options,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    const publishError = error as PublishError;
    expect(publishError.published).toBe(9);
    expect(publishError.failed.map((f) => [f.id, f.code])).toEqual([
      ['m2', 'InternalError'],
      ['m10', 'NotSent'],
      ['m11', 'NotSent'],
    ]);
    expect(publishError.message).toContain('3 messages not published after 4 attempts');
    expect(publishError.message).toContain('rds-database-deleted event-2');
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 4);
    expect(options.delays).toEqual([100, 200, 400]);
  });

  it('still publishes the batches already in flight when another runs out of retries, then fails naming the rest', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      const all = input.PublishBatchRequestEntries ?? [];
      return {
        Successful: all.filter((e) => e.Id !== 'm2').map((e) => ({ Id: e.Id, MessageId: 'x' })),
        Failed: all.filter((e) => e.Id === 'm2').map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false })),
      };
    });
    const error = await publishMessages(
      sns,
      TOPIC,
      Array.from({ length: 12 }, (_, i) => message(i)),
      fastOptions({ maxAttempts: 4 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).published).toBe(11);
    expect((error as PublishError).failed.map((f) => [f.id, f.code])).toEqual([['m2', 'InternalError']]);
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 5);
  });

  it('does not resend entries SNS rejects as the sender fault, publishes the rest, then fails', async () => {
    snsMock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      const all = input.PublishBatchRequestEntries ?? [];
      return {
        Successful: all.filter((e) => e.Id !== 'm0').map((e) => ({ Id: e.Id, MessageId: 'x' })),
        Failed: all
          .filter((e) => e.Id === 'm0')
          .map((e) => ({
            Id: e.Id,
            Code: 'InvalidParameter',
            SenderFault: true,
            Message: 'Invalid parameter: Subject',
          })),
      };
    });
    const error = await publishMessages(
      sns,
      TOPIC,
      Array.from({ length: 11 }, (_, i) => message(i)),
      fastOptions(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).published).toBe(10);
    expect((error as PublishError).failed).toEqual([
      {
        id: 'm0',
        code: 'InvalidParameter',
        message: 'rds-database-deleted event-0: Invalid parameter: Subject',
        senderFault: true,
      },
    ]);
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 2);
  });

  it('retries a call that failed with throttling', async () => {
    snsMock
      .on(PublishBatchCommand)
      .rejectsOnce(new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }))
      .callsFake(allSucceed);
    const result = await publishMessages(sns, TOPIC, [message(0), message(1)], fastOptions());
    expect(result).toEqual({ published: 2, calls: 2, retriedEntries: 2 });
  });

  it('retries a call that failed with a server error or a reset connection', async () => {
    const serverError = Object.assign(new Error('Internal error'), {
      name: 'InternalErrorException',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    snsMock.on(PublishBatchCommand).rejectsOnce(serverError).rejectsOnce(reset).callsFake(allSucceed);
    expect(await publishMessages(sns, TOPIC, [message(0)], fastOptions())).toEqual({
      published: 1,
      calls: 3,
      retriedEntries: 2,
    });
  });

  it('fails at once when the call is refused (no permission to publish)', async () => {
    snsMock.on(PublishBatchCommand).rejects(
      new AuthorizationErrorException({
        message: 'not authorized to perform SNS:Publish',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const error = await publishMessages(sns, TOPIC, [message(0)], fastOptions()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failed).toMatchObject([{ id: 'm0', code: 'AuthorizationErrorException' }]);
    expect((error as PublishError).cause).toBeInstanceOf(AuthorizationErrorException);
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 1);
  });

  it('treats an entry missing from both Successful and Failed as failed', async () => {
    snsMock
      .on(PublishBatchCommand)
      .resolvesOnce({ Successful: [{ Id: 'm0', MessageId: 'x' }], Failed: [] })
      .callsFake(allSucceed);
    const result = await publishMessages(sns, TOPIC, [message(0), message(1)], fastOptions());
    expect(result).toEqual({ published: 2, calls: 2, retriedEntries: 1 });
    expect(entries(1).map((e) => e.Id)).toEqual(['m1']);
  });

  it('stops retrying when the invocation is aborted', async () => {
    snsMock
      .on(PublishBatchCommand)
      .rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));
    const controller = new AbortController();
    const options = fastOptions({
      signal: controller.signal,
      sleep: () => {
        controller.abort(new Error('timing out'));
        return Promise.reject(new Error('timing out'));
      },
    });
    await expect(publishMessages(sns, TOPIC, [message(0)], options)).rejects.toThrow('timing out');
    expect(snsMock).toHaveReceivedCommandTimes(PublishBatchCommand, 1);
  });
});
