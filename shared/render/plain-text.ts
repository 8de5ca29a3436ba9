// Plain-text helpers for alert emails and subjects.
//
// Most values in an alert come from a CloudTrail record, and some of those are chosen by whoever made the call
// (userAgent, errorMessage, session names, request parameters of a failed call). Printed as they are, a newline
// in a user agent could forge a line of the email ("Severity: info"), and a bidi override could make text read
// differently from what it is. So every value passes through `oneLine` before it reaches a line of text.

/** Line breaks and tabs: shown as a space, since they only separate words. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
/** C0/C1 controls, DEL and the bidi embedding/override/isolate marks: shown escaped, never acted on. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** A UTF-16 surrogate without its other half cannot be encoded as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Any character one of the three replacements below acts on: breaks and controls (U+0000-U+001F, U+007F-U+009F,
 * U+2028, U+2029), bidi marks, and surrogates (a lone one is replaced; a pair is left as it is, so this only says
 * "look closer"). Record values are nearly always free of all of them, and one test is cheaper than three
 * replacements that find nothing: an email calls oneLine ~40 times.
 */
const NEEDS_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;

/** `value` as one line a mail client shows as it is: no line breaks, controls made visible. */
export function oneLine(value: string): string {
  if (!NEEDS_ONE_LINE.test(value)) return value;
  return value
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(BREAKS, ' ')
    .replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What `JSON.stringify` leaves as it is but a reader should see as an escape: DEL, C1, line separators, bidi marks. */
const INVISIBLE_IN_JSON = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON text with those characters written as `\uXXXX` escapes: the same JSON value, shown safely. */
export function escapeInvisibleInJson(json: string): string {
  return json.replace(INVISIBLE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const SPACE = 0x20;

/**
 * Words of `text` in lines of at most `width` characters, each prefixed with `indent` (the first line with
 * `firstIndent`). A word longer than a line (an ARN, a user agent) gets a line of its own rather than being cut,
 * so it can still be copied whole.
 */
export function wrap(text: string, width: number, indent: string, firstIndent = indent): string[] {
  const single = oneLine(text);
  // Most values fit on their first line: with single spaces between words and none at either end, the loop below
  // would give exactly `firstIndent + single` (it never breaks before a word while the whole line fits).
  if (
    firstIndent.length + single.length <= width &&
    single.charCodeAt(0) !== SPACE &&
    single.charCodeAt(single.length - 1) !== SPACE &&
    !single.includes('  ')
  )
    return [firstIndent + single];
  const lines: string[] = [];
  let line = firstIndent;
  let lineHasWord = false;
  for (const word of single.split(' ').filter(Boolean)) {
    if (lineHasWord && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
      lineHasWord = false;
    }
    line += (lineHasWord ? ' ' : '') + word;
    lineHasWord = true;
  }
  lines.push(line);
  return lines;
}

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/**
 * `text` in printable ASCII: accents folded (`José` -> `Jose`), anything else that is not ASCII shown as `?`,
 * controls and line breaks as a space, runs of spaces collapsed. For the SNS subject, which older SNS docs
 * require to be ASCII and which mail headers carry best as ASCII.
 */
export function toPrintableAscii(text: string): string {
  // Printable ASCII already (nearly every name): the steps below would change nothing but the spaces.
  if (PRINTABLE_ASCII.test(text)) return text.replace(/ {2,}/g, ' ').trim();
  return text
    .replace(LONE_SURROGATE, '?')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[^\u0020-\u007e]/gu, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * `text` shortened to `max` characters with `...` in the middle, so both ends stay readable: identifiers
 * often differ at the end (`orders-prod-replica-2`) and start with what they are.
 */
export function shortenMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 3) return text.slice(0, max);
  const keep = max - 3;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}...${text.slice(text.length - (keep - head))}`;
}

/** Shell words that need no quoting: what AWS identifiers, ARNs and account ids are made of. */
const SHELL_SAFE = /^[A-Za-z0-9._:/@%+=,-]+$/;

/**
 * `value` quoted for a POSIX shell. A command in an email is there to be pasted into a terminal, and the
 * values in it come from a CloudTrail record: a failed call records whatever the caller sent.
 */
export function shellQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${oneLine(value).replaceAll("'", `'\\''`)}'`;
}

/** `1234567` -> `1,234,567`, the same on every machine. */
export function formatCount(n: number): string {
  // What toLocaleString('en-US') gives for a count, without it: the first Intl call in a process sets up
  // ICU's number formatting, ~10 ms of a cold Lambda's alert publishing (measured with the bench's profile).
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let grouped = '';
  for (let end = digits.length; end > 0; end -= 3)
    grouped = digits.slice(Math.max(0, end - 3), end) + (grouped ? `,${grouped}` : '');
  return n < 0 ? `-${grouped}` : grouped;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Bytes `text` takes inside a JSON string, escapes included (`"` and `\n` take two, `\u0001` six). */
export function jsonStringBytes(text: string): number {
  return utf8Bytes(JSON.stringify(text)) - 2;
}
