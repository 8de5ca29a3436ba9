// The bench's CloudWatch Logs fake judges the indexer rows, so it is tested like the tests' fake: every documented limit
// it enforces fails a call that breaks it, its cheap way of counting a message's UTF-8 bytes gives the same count as
// decoding the body, and over HTTP it answers as the service does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BENCH_FAKE_LIMITS,
  bodyReading,
  checkPutLogEventsBody,
  cloudWatchLogsBenchListener,
  type PutLogEventsCheck,
} from '../local-aws/cloudwatch-logs-bench-fake.js';
import { DOCUMENTED_LIMITS } from '../local-aws/cloudwatch-logs-fake.js';
import { putLogEventsBodyBytes } from '../shared/index/request-body.js';

const GROUP = '/trailwatch/bench/cloudtrail';
const STREAM = '123456789012/us-east-1';
const T = Date.UTC(2026, 10, 20, 12, 0, 0);

type Event = { timestamp: unknown; message: unknown };
const body = (logEvents: Event[], names: object = { logGroupName: GROUP, logStreamName: STREAM }): Buffer =>
  Buffer.from(JSON.stringify({ ...names, logEvents }), 'utf8');
const at = (offsetMs: number, message = 'm'): Event => ({ timestamp: T + offsetMs, message });

function problems(check: PutLogEventsCheck): string {
  expect(check.ok).toBe(false);
  return check.ok ? '' : check.problems.join('\n');
}

/** The reference: the body decoded as UTF-8, each message measured with Buffer.byteLength. */
function referenceBytes(raw: Buffer): number {
  const input = JSON.parse(raw.toString('utf8')) as { logEvents: { message: string }[] };
  return input.logEvents.reduce((sum, e) => sum + Buffer.byteLength(e.message, 'utf8') + 26, 0);
}

describe('bench CloudWatch Logs fake: the limits it enforces', () => {
  it('uses the documented limits, as the tests fake writes them', () => {
    expect({ ...BENCH_FAKE_LIMITS }).toEqual(DOCUMENTED_LIMITS);
  });

  it('accepts a batch exactly at 1,048,576 bytes', () => {
    const check = checkPutLogEventsBody(body([at(0, 'x'.repeat(BENCH_FAKE_LIMITS.maxBatchBytes - 26))]));
    expect(check).toEqual({
      ok: true,
      tally: { logGroupName: GROUP, logStreamName: STREAM, events: 1, bytes: 1_048_576 },
    });
  });

  it('fails a batch one byte over 1,048,576 (messages in UTF-8 + 26 per event)', () => {
    const half = 'é'.repeat((BENCH_FAKE_LIMITS.maxBatchBytes / 2 - 26) / 2); // 2 bytes a character
    expect(problems(checkPutLogEventsBody(body([at(0, half), at(0, `${half}x`)])))).toMatch(
      /1048577 bytes .* over the 1048576-byte batch limit/,
    );
  });

  it('counts bytes the same when the multi-byte characters are sent as \\u escapes', () => {
    const half = 'é'.repeat((BENCH_FAKE_LIMITS.maxBatchBytes / 2 - 26) / 2);
    const escaped = Buffer.from(
      body([at(0, half), at(0, `${half}x`)])
        .toString('utf8')
        .replaceAll('é', '\\u00e9'),
    );
    expect(bodyReading(escaped)).toBe('utf8');
    expect(problems(checkPutLogEventsBody(escaped))).toMatch(/1048577 bytes/);
  });

  it('fails a batch of 10,001 events and accepts one of 10,000', () => {
    const events = Array.from({ length: 10_000 }, (_, i) => at(i));
    expect(checkPutLogEventsBody(body(events)).ok).toBe(true);
    expect(problems(checkPutLogEventsBody(body([...events, at(10_000)])))).toMatch(/10001 events, over the 10000/);
  });

  it('fails an event over 1,048,550 bytes even alone', () => {
    const check = checkPutLogEventsBody(body([at(0, 'x'.repeat(BENCH_FAKE_LIMITS.maxEventMessageBytes + 1))]));
    expect(problems(check)).toMatch(/event 0: 1048551 bytes, over the 1048550-byte event limit/);
  });

  it('fails events out of chronological order', () => {
    expect(problems(checkPutLogEventsBody(body([at(1), at(0)])))).toMatch(/event 1: .* before the previous/);
  });

  it('fails a batch spanning more than 24 hours, and accepts exactly 24 hours', () => {
    const day = BENCH_FAKE_LIMITS.maxBatchSpanMs;
    expect(checkPutLogEventsBody(body([at(0), at(day)])).ok).toBe(true);
    expect(problems(checkPutLogEventsBody(body([at(0), at(day + 1)])))).toMatch(/over the 24 hours/);
  });

  it('fails a batch with no events, or no logEvents at all', () => {
    expect(problems(checkPutLogEventsBody(body([])))).toMatch(/1 to 10,000 events/);
    expect(
      problems(checkPutLogEventsBody(Buffer.from(JSON.stringify({ logGroupName: GROUP, logStreamName: STREAM })))),
    ).toMatch(/1 to 10,000 events/);
  });

  it.each([
    ['an empty message', { timestamp: T, message: '' }, /message must be a string of at least 1 character/],
    ['a message that is not a string', { timestamp: T, message: 7 }, /message must be a string/],
    ['a fractional timestamp', { timestamp: T + 0.5, message: 'm' }, /timestamp .* is not an integer >= 0/],
    ['a negative timestamp', { timestamp: -1, message: 'm' }, /timestamp -1 is not an integer >= 0/],
    ['a timestamp that is a string', { timestamp: String(T), message: 'm' }, /is not an integer >= 0/],
  ])('fails %s', (_, event, expected) => {
    expect(problems(checkPutLogEventsBody(body([event])))).toMatch(expected);
  });

  it.each([
    ['a group name with a space', { logGroupName: 'a b', logStreamName: STREAM }, /logGroupName/],
    ['a missing group name', { logStreamName: STREAM }, /logGroupName/],
    ['a stream name with a colon', { logGroupName: GROUP, logStreamName: 'a:b' }, /logStreamName/],
    ['a stream name with an asterisk', { logGroupName: GROUP, logStreamName: 'a*' }, /logStreamName/],
    ['an empty stream name', { logGroupName: GROUP, logStreamName: '' }, /logStreamName/],
    ['a stream name of 513 characters', { logGroupName: GROUP, logStreamName: 's'.repeat(513) }, /logStreamName/],
  ])('fails %s', (_, names, expected) => {
    expect(problems(checkPutLogEventsBody(body([at(0)], names)))).toMatch(expected);
  });

  it('fails a body that is not JSON, or not a JSON object', () => {
    expect(problems(checkPutLogEventsBody(Buffer.from('{"logEvents":[')))).toMatch(/not JSON/);
    expect(problems(checkPutLogEventsBody(Buffer.from('[1]')))).toMatch(/not a JSON object/);
  });

  it('reads a stream name with multi-byte characters as the text it is', () => {
    const check = checkPutLogEventsBody(body([at(0, 'é')], { logGroupName: GROUP, logStreamName: 'ü/🙂' }));
    expect(check).toMatchObject({ ok: true, tally: { logStreamName: 'ü/🙂', bytes: 2 + 26 } });
  });
});

describe('bench CloudWatch Logs fake: counting without decoding', () => {
  it('reads a body as Latin-1 only when it is UTF-8 and escapes nothing above U+007F', () => {
    expect(bodyReading(Buffer.from('{"m":"é \\" \\\\ \\n \\u001f \\u007f"}'))).toBe('latin1');
    expect(bodyReading(Buffer.from('{"m":"\\u0080"}'))).toBe('utf8');
    expect(bodyReading(Buffer.from('{"m":"\\ud83d\\ude42"}'))).toBe('utf8');
    expect(bodyReading(Buffer.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toBe('utf8');
  });

  // Messages of any text (lone surrogates, astral characters, controls, quotes), written as JSON.stringify writes them
  // and with characters swapped for \u escapes at random: the count equals the decoded body's, whichever way it is read.
  const message = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1 }),
    fc.string({ unit: 'grapheme', minLength: 1 }),
    fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', 'é', '€', '🙂', 'a', '/'), minLength: 1 }),
  );
  const escapeAtRandom = (json: string, picks: boolean[]): string => {
    let k = 0;
    // Only characters inside strings and outside existing escapes: re-escape each plain character of a message.
    return json.replace(/"message":"((?:[^"\\]|\\.)*)"/g, (_, inner: string) => {
      const swapped = inner.replace(/\\u[0-9a-f]{4}|\\.|[^\\]/giu, (c) =>
        c.length > 1 && c.startsWith('\\') ? c : picks[k++ % picks.length] ? escapeChar(c) : c,
      );
      return `"message":"${swapped}"`;
    });
  };
  const escapeChar = (c: string): string =>
    [...c]
      .flatMap((ch) => {
        const cp = ch.codePointAt(0) ?? 0;
        if (cp < 0x10000) return [cp];
        const v = cp - 0x10000;
        return [0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff)];
      })
      .map((u) => `\\u${u.toString(16).padStart(4, '0')}`)
      .join('');

  it('gives the same byte count as Buffer.byteLength of the decoded messages', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        (messages, picks) => {
          const plain = body(messages.map((m, i) => at(i, m)));
          for (const raw of [plain, Buffer.from(escapeAtRandom(plain.toString('utf8'), picks), 'utf8')]) {
            const expected = referenceBytes(raw);
            const check = checkPutLogEventsBody(raw);
            const general = checkPutLogEventsBody(raw, 'utf8');
            expect(check).toEqual(general);
            if (expected <= BENCH_FAKE_LIMITS.maxBatchBytes)
              expect(check).toMatchObject({ ok: true, tally: { bytes: expected } });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('measures the request body the indexer writes (putLogEventsBodyBytes) as its events count', () => {
    const events = ['{"a":"é\\"q"}', 'x\u0001y', '🙂'].map((m, i) => ({ timestamp: T + i, message: m }));
    const raw = putLogEventsBodyBytes(GROUP, STREAM, events);
    const bytes = events.reduce((sum, e) => sum + Buffer.byteLength(e.message, 'utf8') + 26, 0);
    expect(checkPutLogEventsBody(raw)).toEqual({
      ok: true,
      tally: { logGroupName: GROUP, logStreamName: STREAM, events: 3, bytes },
    });
  });
});

describe('bench CloudWatch Logs fake: over HTTP', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  interface Running {
    call(target: string, payload: string | Buffer): Promise<[number, unknown]>;
    stats(): Promise<unknown>;
  }

  async function start(): Promise<Running> {
    const listening = http.createServer(cloudWatchLogsBenchListener());
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const { port } = listening.address() as AddressInfo;
    return {
      async call(target, payload) {
        const res = await fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${target}` },
          body: payload,
        });
        return [res.status, await res.json()];
      },
      stats: async () => (await fetch(`http://127.0.0.1:${port}/stats`)).json(),
    };
  }
  const names = JSON.stringify({ logGroupName: GROUP, logStreamName: STREAM });

  it('creates a stream once, then answers ResourceAlreadyExistsException', async () => {
    const { call } = await start();
    expect(await call('CreateLogStream', names)).toEqual([200, {}]);
    expect(await call('CreateLogStream', names)).toMatchObject([400, { __type: 'ResourceAlreadyExistsException' }]);
  });

  it('answers ResourceNotFoundException for a stream never created', async () => {
    const { call } = await start();
    expect(await call('PutLogEvents', body([at(0)]))).toMatchObject([400, { __type: 'ResourceNotFoundException' }]);
  });

  it('answers InvalidParameterException for a call over a limit, and counts nothing of it', async () => {
    const { call, stats } = await start();
    await call('CreateLogStream', names);
    const [status, answer] = await call('PutLogEvents', body([at(1), at(0)]));
    expect([status, answer]).toMatchObject([400, { __type: 'InvalidParameterException' }]);
    expect(String((answer as { message: string }).message)).toMatch(/before the previous/);
    expect(await stats()).toEqual({ [`${GROUP}:${STREAM}`]: { calls: 0, events: 0, bytes: 0 } });
  });

  it('answers UnknownOperationException for an operation it does not take', async () => {
    const { call } = await start();
    expect(await call('DeleteLogGroup', names)).toMatchObject([400, { __type: 'UnknownOperationException' }]);
  });

  it('tallies what each stream took (GET /stats)', async () => {
    const { call, stats } = await start();
    await call('CreateLogStream', names);
    expect(await call('PutLogEvents', body([at(0, 'é'), at(1, 'ab')]))).toEqual([200, {}]);
    expect(await call('PutLogEvents', body([at(2, 'c')]))).toEqual([200, {}]);
    expect(await stats()).toEqual({ [`${GROUP}:${STREAM}`]: { calls: 2, events: 3, bytes: 2 + 2 + 1 + 3 * 26 } });
  });
});
