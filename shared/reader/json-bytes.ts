// Byte values and byte-level helpers for scanning JSON text without decoding it.

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;

/** JSON's four whitespace bytes: space, tab, line feed, carriage return. */
export function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Index of the first unescaped `"` at or after `from`, or -1. `buffer` must hold a whole string body from
 * its opening quote on, so a run of backslashes never reaches past `from` (the chunked case is handled by
 * the record splitter, which carries the escape state across chunks).
 */
export function closingQuote(buffer: Uint8Array, from: number, end: number): number {
  let quote = buffer.indexOf(QUOTE, from);
  while (quote !== -1 && quote < end) {
    let before = quote - 1;
    while (before >= from && buffer[before] === BACKSLASH) before--;
    if (((quote - 1 - before) & 1) === 0) return quote;
    quote = buffer.indexOf(QUOTE, quote + 1);
  }
  return -1;
}
