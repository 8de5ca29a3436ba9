// The body of a PutLogEvents request, as the AWS SDK writes it (awsJson1_1: one JSON object, members in the model's
// order). Why not the SDK's own: its JSON codec (@smithy/core, JsonShapeSerializer2) writes every string one UTF-16
// unit at a time in JavaScript; an index event's message is a whole CloudTrail record, JSON text full of quotes to
// escape, and on `npm run bench -- --profile-row indexer-handler-all` that loop was the largest single cost of
// indexing every event (16 % of the handler's CPU time). Then V8's JSON.stringify of the whole input: still the
// largest cost after it, with the UTF-8 encoding of the result. Now each event's message is encoded once, as it is
// made (encoded-event.ts), and the body is those bytes copied in batch order between the fixed parts.
// The writer hands the SDK these bytes as the request body (functions/indexer/cloudwatch-writer.ts);
// test/indexer-request-body.test.ts checks that they are byte for byte the body the SDK's own serializer produces
// for the same input.
import { EncodedIndexEvent } from './encoded-event.js';
import type { InputLogEvent, PutLogEventsInput } from './types.js';

/** The body as a string, written by JSON.stringify: the reference the byte builder below is tested against. */
export function putLogEventsBody(input: PutLogEventsInput): string {
  // Member order as the SDK's serializer writes them (PutLogEventsRequest: logGroupName, logStreamName, logEvents;
  // InputLogEvent: timestamp, message). A new object per event keeps only the two members the API takes.
  return JSON.stringify({
    logGroupName: input.logGroupName,
    logStreamName: input.logStreamName,
    logEvents: input.logEvents.map((e) => ({ timestamp: e.timestamp, message: e.message })),
  });
}

/**
 * The same body as UTF-8 bytes, from the events' encoded messages (encoded here for events that have none), written
 * into `into(size)` (a buffer of at least `size` bytes: the writer reuses them) or a new buffer.
 */
export function putLogEventsBodyBytes(
  logGroupName: string,
  logStreamName: string,
  events: readonly InputLogEvent[],
  into: (size: number) => Buffer = Buffer.allocUnsafe,
): Buffer {
  const head = `{"logGroupName":${JSON.stringify(logGroupName)},"logStreamName":${JSON.stringify(logStreamName)},"logEvents":[`;
  // An encoded event's literal is copied from where it lies (EncodedIndexEvent.copyJson); others are encoded here.
  const literals = events.map((e) =>
    e instanceof EncodedIndexEvent ? e : Buffer.from(JSON.stringify(e.message), 'utf8'),
  );
  const stamps = events.map((e) => `{"timestamp":${JSON.stringify(e.timestamp)},"message":`);
  let size = Buffer.byteLength(head, 'utf8') + 2 + Math.max(0, events.length - 1);
  for (let k = 0; k < events.length; k++) {
    const literal = literals[k]!;
    size += stamps[k]!.length + (literal instanceof EncodedIndexEvent ? literal.jsonLength : literal.length) + 1;
  }
  const body = into(size).subarray(0, size);
  let at = body.write(head, 0, 'utf8');
  for (let k = 0; k < events.length; k++) {
    if (k > 0) body[at++] = 0x2c; // ,
    at += body.write(stamps[k]!, at, 'latin1');
    const literal = literals[k]!;
    at += literal instanceof EncodedIndexEvent ? literal.copyJson(body, at) : literal.copy(body, at);
    body[at++] = 0x7d; // }
  }
  body[at++] = 0x5d; // ]
  body[at++] = 0x7d; // }
  if (at !== size) throw new Error(`putLogEventsBodyBytes: wrote ${at} of ${size} bytes (bug)`);
  return body;
}
