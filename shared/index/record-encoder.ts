// The index event of a record no rule wants, from the record's bytes alone: no JSON.parse of the record, no string
// of it on the JavaScript heap. One pass over the bytes does three jobs at once:
//   - writes the record as the inside of a JSON string (the form its message takes in the PutLogEvents body:
//     `"` -> `\"`, `\` -> `\\`, whitespace line breaks and tabs -> `\n` `\r` `\t`), UTF-8 bytes as they are;
//   - checks what the record splitter leaves to JSON.parse (shared/reader/json-grammar.ts): the inside of strings
//     (escapes, raw control characters) and, with isUtf8, the UTF-8; so a record it accepts is one JSON.parse
//     accepts, and its text is the message toIndexEvent would build (JSON.stringify of a string leaves non-ASCII
//     as it is and escapes exactly `"`, `\` and the control characters);
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
import { EncodedIndexEvent, type ByteSlab } from './encoded-event.js';
import { eventTimestamp } from './index-event.js';
import { logStreamName, type StreamNameFallback } from './stream-name.js';
import { trailwatchFields } from './trailwatch-fields.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const SPACE = 0x20;
const LOWER_N = 0x6e;
const LOWER_R = 0x72;
const LOWER_T = 0x74;
const LOWER_U = 0x75;

/** The top-level members the fast path reads, by slot. */
const MEMBERS = [
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
 * bytes. Keeps one scratch buffer across records; events' bytes go to their stream's slab.
 */
export class RecordEncoder {
  private scratch = Buffer.allocUnsafe(64 * 1024);
  /** [start, end) of each MEMBERS value's text in the record, -1 when absent. */
  private readonly spans = new Int32Array(MEMBERS.length * 2);
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
    if (this.scratch.length < 2 * length) this.scratch = Buffer.allocUnsafe(2 * length + 1024);
    const escapedEnd = this.escape(bytes, start, end);
    if (escapedEnd < 0) return null;
    const spans = this.spans;
    const eventTime = stringValue(bytes, spans[0]!, spans[1]!);
    const eventSource = stringValue(bytes, spans[2]!, spans[3]!);
    const eventName = stringValue(bytes, spans[4]!, spans[5]!);
    if (eventTime === undefined || eventSource === undefined || eventName === undefined) return null;
    if (this.ordinarySource(eventSource)) return null;
    const eventID = stringValue(bytes, spans[6]!, spans[7]!);
    const recipientAccountId = stringValue(bytes, spans[8]!, spans[9]!);
    const awsRegion = stringValue(bytes, spans[10]!, spans[11]!);
    const errorCode = stringValue(bytes, spans[12]!, spans[13]!);
    const failed = errorCode !== undefined && errorCode !== '';
    const head = this.head(bytes, spans[14]!, spans[15]!, failed);
    const bytesOfMessage = head.messageBytes + length - 1;
    if (bytesOfMessage > this.maxMessageBytes) return null;
    const rest = escapedEnd - 1;
    const stream = logStreamName({ recipientAccountId, awsRegion }, this.fallback);
    const { bytes: json, block } = this.slabFor(stream).take(head.literalBytes + rest + 1);
    const at = json.write(head.literal, 0, 'utf8');
    this.scratch.copy(json, at, 1, escapedEnd);
    json[json.length - 1] = QUOTE;
    return {
      event: new EncodedIndexEvent(eventTimestamp({ eventTime }), eventID ?? null, bytesOfMessage, json, null, block),
      logStreamName: stream,
    };
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

  /**
   * Writes `bytes[start..end)` escaped into the scratch buffer from 0 and notes the members' spans; returns the
   * end in the scratch buffer, or -1 when the record must take the ordinary path.
   */
  private escape(src: Uint8Array, start: number, end: number): number {
    const out = this.scratch;
    const spans = this.spans;
    spans.fill(-1);
    let o = 0;
    let i = start;
    let depth = 0;
    /** At depth 1: the next string is a key. */
    let expectKey = false;
    /** The member being read at depth 1 (a MEMBERS slot, or -1), and where its value starts. */
    let member = -1;
    let valueStart = 0;
    while (i < end) {
      const c = src[i]!;
      if (c === QUOTE) {
        const contentStart = ++i;
        out[o++] = BACKSLASH;
        out[o++] = QUOTE;
        let escaped = false;
        for (;;) {
          if (i >= end) return -1;
          const d = src[i++]!;
          // Most bytes: neither a quote, a backslash nor a control character (all below 0x23 but the backslash).
          if (d > QUOTE && d !== BACKSLASH) {
            out[o++] = d;
            continue;
          }
          if (d === QUOTE) break;
          if (d === BACKSLASH) {
            if (i >= end) return -1;
            const e = src[i++]!;
            out[o++] = BACKSLASH;
            out[o++] = BACKSLASH;
            if (e === QUOTE || e === BACKSLASH) out[o++] = BACKSLASH;
            else if (e === LOWER_U) {
              if (i + 4 > end || !isHex(src[i]!) || !isHex(src[i + 1]!) || !isHex(src[i + 2]!) || !isHex(src[i + 3]!))
                return -1;
            } else if (!(e === 0x2f || e === 0x62 || e === 0x66 || e === LOWER_N || e === LOWER_R || e === LOWER_T))
              return -1;
            out[o++] = e;
            escaped = true;
            continue;
          }
          if (d < SPACE) return -1;
          out[o++] = d;
        }
        out[o++] = BACKSLASH;
        out[o++] = QUOTE;
        if (expectKey) {
          expectKey = false;
          if (escaped) return -1;
          member = memberOf(src, contentStart, i - 1);
          if (member === TRAILWATCH) return -1;
        }
        continue;
      }
      i++;
      switch (c) {
        case OPEN_BRACE:
          if (++depth === 1) expectKey = true;
          out[o++] = c;
          break;
        case OPEN_BRACKET:
          depth++;
          out[o++] = c;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (depth === 1 && member >= 0) {
            spans[2 * member] = valueStart;
            spans[2 * member + 1] = i - 1;
            member = -1;
          }
          depth--;
          out[o++] = c;
          break;
        case COMMA:
          if (depth === 1) {
            if (member >= 0) {
              spans[2 * member] = valueStart;
              spans[2 * member + 1] = i - 1;
              member = -1;
            }
            expectKey = true;
          }
          out[o++] = c;
          break;
        case COLON:
          if (depth === 1) valueStart = i;
          out[o++] = c;
          break;
        case LF:
          out[o++] = BACKSLASH;
          out[o++] = LOWER_N;
          break;
        case CR:
          out[o++] = BACKSLASH;
          out[o++] = LOWER_R;
          break;
        case TAB:
          out[o++] = BACKSLASH;
          out[o++] = LOWER_T;
          break;
        default:
          // The splitter lets no other control character stand outside a string.
          if (c < SPACE) return -1;
          out[o++] = c;
      }
    }
    if (depth !== 0) return -1;
    // UTF-8 checked apart, natively (simdutf), rather than a test per byte in the loops above.
    if (!isUtf8(src.subarray(start, end))) return -1;
    return o;
  }
}

function isHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
}

/** The MEMBERS slot of the key `src[start..end)` (no escapes in it), or -1. */
function memberOf(src: Uint8Array, start: number, end: number): number {
  const length = end - start;
  for (let m = 0; m < MEMBER_BYTES.length; m++) {
    const name = MEMBER_BYTES[m]!;
    if (name.length !== length) continue;
    let k = 0;
    while (k < length && src[start + k] === name[k]) k++;
    if (k === length) return m;
  }
  return -1;
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
