// The index event of a record no rule wants, from the record's bytes alone: no JSON.parse of the record, no string
// of it on the JavaScript heap. One pass over the bytes (record-escape.ts: WebAssembly with SIMD, or its TypeScript
// reference) does three jobs at once:
//   - writes the record as the inside of a JSON string (the form its message takes in the PutLogEvents body:
//     `"` -> `\"`, `\` -> `\\`, whitespace line breaks and tabs -> `\n` `\r` `\t`), UTF-8 bytes as they are;
//   - checks what the record splitter leaves to JSON.parse (shared/reader/json-grammar.ts): the inside of strings
//     (escapes, raw control characters); the UTF-8 is checked here with isUtf8; so a record it accepts is one
//     JSON.parse accepts, and its text is the message toIndexEvent would build (JSON.stringify of a string leaves
//     non-ASCII as it is and escapes exactly `"`, `\` and the control characters);
//   - notes where the top-level members the `trailwatch` fields and the batcher need lie (eventTime, eventID, the
//     account and region of the stream name, errorCode, userIdentity), the last of each when a key repeats, as
//     JSON.parse keeps the last.
// Anything it is not sure of (an escaped top-level key, a record of its own `trailwatch`, a string JSON.parse would
// refuse, invalid UTF-8, required fields that are not strings, a message over the size limit) returns null, and the
// caller takes the ordinary path (parse, classify, toIndexEvent), which decides as before. test/index-fast-path.test.ts
// checks the result against that path, byte for byte, on real and generated records.
import { isUtf8 } from 'node:buffer';
import { principalOf } from '../classify/principal.js';
import type { ClassifiedEvent } from '../classify/types.js';
import type { CloudTrailRecord, UserIdentity } from '../cloudtrail.js';
import { escapedLiteralEvent, type ByteSlab, type EncodedIndexEvent } from './encoded-event.js';
import { canonicalEventTime } from './event-time.js';
import { eventTimestamp } from './index-event.js';
import { recordEscaper } from './record-escape.js';
import { logStreamName, type StreamNameFallback } from './stream-name.js';
import { trailwatchFields } from './trailwatch-fields.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const SPACE = 0x20;

/** The top-level members the fast path reads, by slot (the escape loop notes where each one's value lies). */
export const FAST_PATH_MEMBERS = [
  'eventTime',
  'eventSource',
  'eventName',
  'eventID',
  'recipientAccountId',
  'awsRegion',
  'errorCode',
  'userIdentity',
  'trailwatch',
] as const;
const MEMBERS = FAST_PATH_MEMBERS;
const TRAILWATCH = MEMBERS.indexOf('trailwatch');
const MEMBER_BYTES = MEMBERS.map((name) => Buffer.from(name, 'latin1'));

/** Heads kept (see RecordEncoder.head); past it the cache starts again. */
const HEAD_CACHE_SIZE = 4096;

interface Head {
  /** The start of the message's JSON string literal: `"{\"trailwatch\":{...},`. */
  literal: string;
  literalBytes: number;
  /** UTF-8 bytes of the message's head. */
  messageBytes: number;
}

/** A record's index event and the log stream it goes to. */
export interface FastIndexEvent {
  event: EncodedIndexEvent;
  logStreamName: string;
}

/**
 * Builds index events of `other` records that raise no alert (the caller's prefilter decided that) from their
 * bytes. Keeps one escaper (and its memory) across records; events' bytes go to their stream's slab.
 */
export class RecordEncoder {
  private readonly escaper = recordEscaper(MEMBER_BYTES, TRAILWATCH);
  private readonly heads = new Map<string, Head>();

  constructor(
    /** Where an event of a log stream keeps its bytes (index-scan.ts: a slab per stream). */
    private readonly slabFor: (logStreamName: string) => ByteSlab,
    private readonly maxMessageBytes: number,
    private readonly fallback: StreamNameFallback,
    /** True for an eventSource that must take the ordinary path (a category's, or one a rule names). */
    private readonly ordinarySource: (eventSource: string) => boolean,
  ) {}

  /** The index event of the record `bytes[start..end)` (its `{` to its `}`), or null: take the ordinary path. */
  encode(bytes: Uint8Array, start: number, end: number): FastIndexEvent | null {
    const length = end - start;
    // Its message would be over the limit whatever its head (the ordinary path trims it): not worth escaping.
    if (length - 1 > this.maxMessageBytes) return null;
    const escaper = this.escaper;
    const escapedEnd = escaper.escape(bytes, start, end);
    if (escapedEnd < 0) return null;
    // UTF-8 checked apart, natively (simdutf), rather than a test per byte in the loop.
    if (!isUtf8(bytes.subarray(start, end))) return null;
    /** [start, end) of each MEMBERS value's text in the record, -1 when absent. */
    const spans = escaper.spans;
    const timestamp = eventTimestampOf(bytes, spans[0]!, spans[1]!);
    const eventSource = stringValue(bytes, spans[2]!, spans[3]!);
    const eventName = stringValue(bytes, spans[4]!, spans[5]!);
    if (timestamp === undefined || eventSource === undefined || eventName === undefined) return null;
    if (this.ordinarySource(eventSource)) return null;
    const eventID = stringValue(bytes, spans[6]!, spans[7]!);
    const recipientAccountId = stringValue(bytes, spans[8]!, spans[9]!);
    const awsRegion = stringValue(bytes, spans[10]!, spans[11]!);
    const errorCode = stringValue(bytes, spans[12]!, spans[13]!);
    const failed = errorCode !== undefined && errorCode !== '';
    const head = this.head(bytes, spans[14]!, spans[15]!, failed);
    const bytesOfMessage = head.messageBytes + length - 1;
    if (bytesOfMessage > this.maxMessageBytes) return null;
    const stream = logStreamName({ recipientAccountId, awsRegion }, this.fallback);
    // The escaped record after its `{` (the head ends with the `,` that follows it).
    const event = escapedLiteralEvent(
      this.slabFor(stream),
      head.literal,
      head.literalBytes,
      escaper.output,
      escaper.outputAt + 1,
      escaper.outputAt + escapedEnd,
      { timestamp, eventID: eventID ?? null, bytes: bytesOfMessage },
    );
    return { event, logStreamName: stream };
  }

  /**
   * The message's head, `{"trailwatch":{...},`, for a record of this userIdentity text (`bytes[start..end)`, or
   * none when start is -1) and errorCode. An `other` record's `trailwatch` fields depend on nothing else, and a
   * trail's records come from a few identities, each many times: the heads are kept (HEAD_CACHE_SIZE of them),
   * so most records cost no JSON.parse of their userIdentity and no JSON.stringify at all.
   */
  private head(bytes: Uint8Array, start: number, end: number, failed: boolean): Head {
    const key = (failed ? 'F' : 'S') + (start < 0 ? '' : latin1(bytes, start, end));
    let head = this.heads.get(key);
    if (head) return head;
    const identity = start < 0 ? undefined : (JSON.parse(text(bytes, start, end)) as UserIdentity);
    const event: ClassifiedEvent = {
      // trailwatchFields reads the record only for RDS events.
      record: {} as CloudTrailRecord,
      facts: { category: 'other', principal: principalOf(identity), resources: [], failed },
    };
    // `{"trailwatch":{...},` then the record after its `{` (withTrailwatch, shared/index/index-event.ts).
    const message = `{"trailwatch":${JSON.stringify(trailwatchFields(event, []))},`;
    // JSON.stringify(message) is `"...,"`: without its closing quote, the start of the message's literal.
    const literal = JSON.stringify(message).slice(0, -1);
    head = {
      literal,
      literalBytes: Buffer.byteLength(literal, 'utf8'),
      messageBytes: Buffer.byteLength(message, 'utf8'),
    };
    if (this.heads.size >= HEAD_CACHE_SIZE) this.heads.clear();
    this.heads.set(key, head);
    return head;
  }
}

/** The value text `src[start..end)`, whitespace around it included (JSON.parse skips it). */
function text(src: Uint8Array, start: number, end: number): string {
  // The reader's bytes are Buffers: decoded in place, without a view made for each value.
  return (Buffer.isBuffer(src) ? src : Buffer.from(src.buffer, src.byteOffset, src.byteLength)).toString(
    'utf8',
    start,
    end,
  );
}

/** The string a member's value text holds, or undefined when the member is absent or not a string. */
function stringValue(src: Uint8Array, start: number, end: number): string | undefined {
  if (start < 0) return undefined;
  while (start < end && isWhitespace(src[start]!)) start++;
  while (end > start && isWhitespace(src[end - 1]!)) end--;
  if (src[start] !== QUOTE) return undefined;
  for (let k = start + 1; k < end - 1; k++)
    if (src[k] === BACKSLASH) return JSON.parse(text(src, start, end)) as string;
  return text(src, start + 1, end - 1);
}

/**
 * eventTimestamp (index-event.ts) of the record whose eventTime value text is `src[start..end)`, or undefined when
 * that is not a string: from the bytes when CloudTrail's own form (event-time.ts), else by Date.parse.
 */
function eventTimestampOf(src: Uint8Array, start: number, end: number): number | undefined {
  if (start < 0) return undefined;
  while (start < end && isWhitespace(src[start]!)) start++;
  while (end > start && isWhitespace(src[end - 1]!)) end--;
  const canonical = canonicalEventTime(src, start, end);
  if (canonical !== undefined) return canonical;
  const eventTime = stringValue(src, start, end);
  return eventTime === undefined ? undefined : eventTimestamp({ eventTime });
}

function latin1(src: Uint8Array, start: number, end: number): string {
  return (Buffer.isBuffer(src) ? src : Buffer.from(src.buffer, src.byteOffset, src.byteLength)).toString(
    'latin1',
    start,
    end,
  );
}

function isWhitespace(b: number): boolean {
  return b === SPACE || b === LF || b === CR || b === TAB;
}
