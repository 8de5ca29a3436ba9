// The bench's CloudWatch Logs (bench/handler-row.ts starts it in the emulators' child process, which imports this file
// as TypeScript: Node 22.18+ strips the types, so it imports nothing but Node's own modules). It answers
// CreateLogStream and PutLogEvents over the JSON 1.1 protocol, refuses every PutLogEvents call that breaks a documented
// limit (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html: 1 to 10,000
// events; at most 1,048,576 bytes, "the sum of all event messages in UTF-8, plus 26 bytes for each log event"; each
// event at most 1 MB, a non-empty message and an integer timestamp; chronological order; at most 24 hours between
// the first and the last event; group and stream names as CreateLogStream takes them) with InvalidParameterException,
// and counts what each stream took (GET /stats) without keeping the events: the bench writes 1.2 GB to it.
//
// Why a file of its own: the fake the tests use (cloudwatch-logs-fake.ts) keeps every event and decodes every message
// to count its UTF-8 bytes, and so did the bench's first fake, which on the same two cores as the handler took ~45 % as
// much CPU as the handler itself (docs/performance-notes.md, session 5). Here a body is parsed as Latin-1 text: each
// byte one character, so a message's length is its UTF-8 size, with no UTF-8 decoding. That holds when the body is
// valid UTF-8 and no \u escape stands for a character above U+007F (JSON.parse turns an escape into one character,
// which is one UTF-8 byte only below U+0080); any other body is parsed as UTF-8 and measured with
// Buffer.byteLength, as before. test/index-cloudwatch-logs-bench-fake.test.ts proves both give the same count.
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';

const DAY_MS = 86_400_000;

/** The documented limits, written out again (as cloudwatch-logs-fake.ts does) rather than read from the code under test. */
export const BENCH_FAKE_LIMITS = Object.freeze({
  maxBatchBytes: 1_048_576,
  perEventOverheadBytes: 26,
  maxBatchEvents: 10_000,
  maxBatchSpanMs: DAY_MS,
  maxEventMessageBytes: 1_048_576 - 26,
});

/** What one PutLogEvents call carried, as CloudWatch Logs counts it. */
export interface PutLogEventsTally {
  logGroupName: string;
  logStreamName: string;
  events: number;
  /** UTF-8 bytes of the messages + 26 per event. */
  bytes: number;
}

export type PutLogEventsCheck = { ok: true; tally: PutLogEventsTally } | { ok: false; problems: string[] };

/** How the body was read: 'latin1' (each byte one character) or 'utf8' (decoded; the general case). */
export type BodyReading = 'latin1' | 'utf8';

/** Checks a PutLogEvents request body against every documented limit; the tally when it keeps them all. */
export function checkPutLogEventsBody(body: Buffer, reading: BodyReading = bodyReading(body)): PutLogEventsCheck {
  let input: unknown;
  try {
    input = JSON.parse(body.toString(reading));
  } catch {
    return { ok: false, problems: ['the body is not JSON'] };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, problems: ['the body is not a JSON object'] };
  const { logGroupName, logStreamName, logEvents } = input as Record<string, unknown>;
  const text = (value: unknown): unknown =>
    reading === 'latin1' && typeof value === 'string' ? Buffer.from(value, 'latin1').toString('utf8') : value;
  const problems = nameProblems(text(logGroupName), text(logStreamName));
  // A message's UTF-8 size: its length when each character is one byte of the body (see the top of the file).
  const utf8Bytes = reading === 'latin1' ? (m: string) => m.length : (m: string) => Buffer.byteLength(m, 'utf8');
  let bytes = 0;
  if (!Array.isArray(logEvents) || logEvents.length === 0) problems.push('logEvents must hold 1 to 10,000 events');
  else {
    if (logEvents.length > BENCH_FAKE_LIMITS.maxBatchEvents)
      problems.push(`${logEvents.length} events, over the ${BENCH_FAKE_LIMITS.maxBatchEvents}-event limit`);
    let first: number | undefined;
    let previous = -Infinity;
    for (let i = 0; i < logEvents.length; i++) {
      const event = logEvents[i] as { timestamp?: unknown; message?: unknown } | null;
      const timestamp = event?.timestamp;
      const message = event?.message;
      if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
        problems.push(`event ${i}: timestamp ${String(timestamp)} is not an integer >= 0`);
        continue;
      }
      if (typeof message !== 'string' || message.length === 0) {
        problems.push(`event ${i}: message must be a string of at least 1 character`);
        continue;
      }
      const size = utf8Bytes(message);
      if (size > BENCH_FAKE_LIMITS.maxEventMessageBytes)
        problems.push(`event ${i}: ${size} bytes, over the ${BENCH_FAKE_LIMITS.maxEventMessageBytes}-byte event limit`);
      bytes += size + BENCH_FAKE_LIMITS.perEventOverheadBytes;
      if (timestamp < previous) problems.push(`event ${i}: timestamp ${timestamp} is before the previous event's`);
      previous = timestamp;
      first ??= timestamp;
      if (timestamp - first > BENCH_FAKE_LIMITS.maxBatchSpanMs)
        problems.push(`event ${i}: ${timestamp - first} ms after the first event, over the 24 hours a batch may span`);
    }
    if (bytes > BENCH_FAKE_LIMITS.maxBatchBytes)
      problems.push(
        `${bytes} bytes (messages + 26 per event), over the ${BENCH_FAKE_LIMITS.maxBatchBytes}-byte batch limit`,
      );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    tally: {
      logGroupName: text(logGroupName) as string,
      logStreamName: text(logStreamName) as string,
      events: (logEvents as unknown[]).length,
      bytes,
    },
  };
}

/**
 * 'latin1' when the body is valid UTF-8 and every \u escape in it stands for a character below U+0080 (an escaped
 * backslash followed by `u` looks like an escape here too: that only sends the body the general way).
 */
export function bodyReading(body: Buffer): BodyReading {
  if (!isUtf8(body)) return 'utf8';
  for (let at = body.indexOf(ESCAPE_U); at >= 0; at = body.indexOf(ESCAPE_U, at + 2)) {
    const code = Number.parseInt(body.toString('latin1', at + 2, at + 6), 16);
    if (!(code < 0x80)) return 'utf8';
  }
  return 'latin1';
}

const ESCAPE_U = Buffer.from('\\u', 'latin1');

/** logGroupName: 1-512 of [.-_/#A-Za-z0-9]; logStreamName: 1-512 characters, no ':' or '*' (CreateLogStream). */
function nameProblems(group: unknown, stream: unknown): string[] {
  const problems: string[] = [];
  if (typeof group !== 'string' || !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(group))
    problems.push(`logGroupName ${JSON.stringify(group)} is not 1-512 characters of [.-_/#A-Za-z0-9]`);
  if (typeof stream !== 'string' || stream.length < 1 || stream.length > 512 || /[:*]/.test(stream))
    problems.push(`logStreamName ${JSON.stringify(stream)} is not 1-512 characters without ':' or '*'`);
  return problems;
}

/** Per log stream (`group:stream`): PutLogEvents calls taken, their events and bytes. */
export type StreamTallies = Map<string, { calls: number; events: number; bytes: number }>;

const JSON_1_1 = 'application/x-amz-json-1.1';

/**
 * The request listener: POST / with X-Amz-Target Logs_20140328.CreateLogStream or .PutLogEvents, and GET /stats (the
 * tallies, for the bench's row). A missing stream is ResourceNotFoundException, an existing one on create
 * ResourceAlreadyExistsException, a call over a limit InvalidParameterException, anything else 400.
 */
export function cloudWatchLogsBenchListener(
  streams: StreamTallies = new Map(),
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, doc: unknown) => {
        res.writeHead(status, { 'content-type': JSON_1_1 });
        res.end(JSON.stringify(doc));
      };
      const fail = (type: string, message: string) => reply(400, { __type: type, message });
      if (req.method === 'GET' && req.url === '/stats') return reply(200, Object.fromEntries(streams));
      const target = String(req.headers['x-amz-target']);
      const body = Buffer.concat(chunks);
      if (target === 'Logs_20140328.CreateLogStream') {
        let input: { logGroupName?: unknown; logStreamName?: unknown };
        try {
          input = JSON.parse(body.toString('utf8') || '{}') as typeof input;
        } catch {
          return fail('SerializationException', 'the body is not JSON');
        }
        const problems = nameProblems(input.logGroupName, input.logStreamName);
        if (problems.length > 0) return fail('InvalidParameterException', problems.join('; '));
        const stream = `${input.logGroupName}:${input.logStreamName}`;
        if (streams.has(stream))
          return fail('ResourceAlreadyExistsException', 'The specified log stream already exists');
        streams.set(stream, { calls: 0, events: 0, bytes: 0 });
        return reply(200, {});
      }
      if (target !== 'Logs_20140328.PutLogEvents') return fail('UnknownOperationException', target);
      const check = checkPutLogEventsBody(body);
      if (!check.ok) return fail('InvalidParameterException', check.problems.join('; '));
      const { tally } = check;
      const taken = streams.get(`${tally.logGroupName}:${tally.logStreamName}`);
      if (!taken) return fail('ResourceNotFoundException', 'The specified log stream does not exist.');
      taken.calls++;
      taken.events += tally.events;
      taken.bytes += tally.bytes;
      return reply(200, {});
    });
  };
}
