// A parsed record's index event, encoded (encoded-event.ts), without building its message as a string: what
// encodeIndexEvent(toIndexEvent(source)) gives, byte for byte, for less work. toIndexEvent splices the `trailwatch`
// member into the record's raw text (a string concatenation that V8 flattens when it is measured), measures the
// message's UTF-8, and encodeIndexEvent then escapes it with JSON.stringify (a second copy, two-byte when the record
// holds any non-Latin-1 character), measures and encodes that. Here the head (`{"trailwatch":{...},`) is escaped by
// JSON.stringify, as it is small, and the raw text after its `{` is encoded to UTF-8 once, into WebAssembly memory,
// and escaped there (wasm/record-escape.as.ts escapeText, 16 bytes at a time). JSON.stringify of a string escapes
// `"`, `\`, the control characters and lone surrogates; the rest of the text is left as it is (ECMA-262
// QuoteJSONString: https://tc39.es/ecma262/#sec-quotejsonstring), so escaping the UTF-8 bytes gives its UTF-8 where
// the text has no control character but the five short escapes and no lone surrogate. Anything else (those, a
// message to trim, a record with its own `trailwatch`, no WebAssembly) takes encodeIndexEvent(toIndexEvent(...)).
// test/index-scanned-event-encoder.test.ts checks both give the same bytes.
import { encodeIndexEvent, escapedLiteralEvent, type ByteSlab, type EncodedIndexEvent } from './encoded-event.js';
import { eventTimestamp, type IndexEventOptions, type IndexSource, toIndexEvent } from './index-event.js';
import { PUT_LOG_EVENTS_LIMITS } from './limits.js';
import { trailwatchFields } from './trailwatch-fields.js';
import { MIN_TRIM_TARGET_BYTES } from './trim.js';
import { type TextEscaper, wasmTextEscaper } from './wasm/record-escape.js';

let shared: TextEscaper | null | undefined;

/**
 * encodeIndexEvent(toIndexEvent(source, options), slab), built from the raw text's bytes. `escaper`: the process's
 * own by default (one WebAssembly instance; the work is synchronous, so callers never share it at once); null: the
 * ordinary path.
 */
export function encodeScannedEvent(
  source: IndexSource,
  slab: ByteSlab,
  options: IndexEventOptions = {},
  escaper: TextEscaper | null = sharedEscaper(),
): EncodedIndexEvent {
  const maxBytes = options.maxMessageBytes ?? PUT_LOG_EVENTS_LIMITS.maxEventMessageBytes;
  const { raw } = source;
  const { record } = source.event;
  // toIndexEvent refuses a limit it cannot trim to, and serialises a record of its own `trailwatch` member.
  if (!escaper || !(maxBytes >= MIN_TRIM_TARGET_BYTES) || Object.hasOwn(record, 'trailwatch')) return ordinary();
  // withTrailwatch's splice (index-event.ts): after the first `{`, whitespace before it kept.
  let open = 0;
  while (open < raw.length && isJsonWhitespace(raw.charCodeAt(open))) open++;
  if (raw.charCodeAt(open) !== OPEN_BRACE) return ordinary();
  let next = open + 1;
  while (next < raw.length && isJsonWhitespace(raw.charCodeAt(next))) next++;
  if (next >= raw.length) return ordinary();
  const separator = raw.charCodeAt(next) === CLOSE_BRACE ? '' : ',';
  // Up to its `{`, the raw text is ASCII: its characters are its bytes.
  const written = escaper.escape(raw, open + 1);
  if (written < 0) return ordinary();
  const head = `${raw.slice(0, open + 1)}"trailwatch":${JSON.stringify(trailwatchFields(source.event, source.alerts))}${separator}`;
  const bytes = Buffer.byteLength(head, 'utf8') + escaper.textBytes - (open + 1);
  if (bytes > maxBytes) return ordinary();
  // JSON.stringify(head) without its closing quote: the start of the message's literal.
  const literalHead = JSON.stringify(head).slice(0, -1);
  const headBytes = Buffer.byteLength(literalHead, 'utf8');
  const eventID = typeof record.eventID === 'string' ? record.eventID : null;
  return escapedLiteralEvent(
    slab,
    literalHead,
    headBytes,
    escaper.output,
    escaper.outputAt,
    escaper.outputAt + written,
    {
      timestamp: eventTimestamp(record),
      eventID,
      bytes,
    },
  );

  function ordinary(): EncodedIndexEvent {
    return encodeIndexEvent(toIndexEvent(source, options), slab);
  }
}

function sharedEscaper(): TextEscaper | null {
  shared ??= wasmTextEscaper();
  return shared;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}
