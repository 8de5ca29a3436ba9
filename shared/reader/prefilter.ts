// A byte-level test of a record's eventSource, so the reader parses only the ~10 % of a trail that can matter.
//
// It never says no to a record whose top-level eventSource is wanted:
// - a key written literally is found by a byte search; every occurrence is checked (a nested one may come
//   before the top-level one), and its string value is decoded exactly, escapes included;
// - a key written with escapes can only spell `eventSource` with `\uXXXX` (JSON's other escapes stand for
//   characters not in it), so a record holding `\u` anywhere, which no candidate matched, is let through.
// It may say yes to other records (a nested eventSource that matches, a `\u` elsewhere): that costs a parse.
import type { RecordPrefilter } from './types.js';
import { BACKSLASH, COLON, QUOTE, closingQuote, isJsonWhitespace } from './json-bytes.js';

// The key `"eventSource"` is found by its tail, then checked for its head: a search for `Source"`, whose
// first byte is rare in JSON, measured 3x faster than one for `"eventSource"`, whose first byte is everywhere.
const KEY_TAIL = Buffer.from('Source"');
const KEY_HEAD = Buffer.from('"event');
const UNICODE_ESCAPE = Buffer.from('\\u');

export function eventSourcePrefilter(eventSources: Iterable<string>): RecordPrefilter {
  const wanted = new Set(eventSources);
  const keyTails = new NeedleCursor(KEY_TAIL);
  const escapes = new NeedleCursor(UNICODE_ESCAPE);
  return (bytes, start, end) => {
    const firstTail = start + KEY_HEAD.length;
    for (let tail = keyTails.next(bytes, firstTail); tail !== -1 && tail < end; tail = keyTails.next(bytes, tail + 1)) {
      const record = keyTails.haystack;
      if (record.compare(KEY_HEAD, 0, KEY_HEAD.length, tail - KEY_HEAD.length, tail) !== 0) continue;
      if (valueMayBeWanted(record, tail + KEY_TAIL.length, end, wanted)) return true;
    }
    const escape = escapes.next(bytes, start);
    return escape !== -1 && escape < end;
  };
}

/**
 * Finds a needle in the reader's chunks, remembering the last hit. The reader asks about the records of a
 * chunk in order, so each chunk is searched once per needle in all, rather than once per record (and no
 * per-record view is made). Assumes, as the reader guarantees, that a chunk is not modified once seen.
 */
class NeedleCursor {
  haystack: Buffer = Buffer.alloc(0);
  private bytes: Uint8Array | undefined;
  /** Position searched from last, and what that search found (-1: nothing from there to the end). */
  private searchedFrom = 0;
  private found = -1;

  constructor(private readonly needle: Buffer) {}

  /** Position of the first occurrence at or after `from` in `bytes`, or -1. */
  next(bytes: Uint8Array, from: number): number {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.haystack = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.searchedFrom = Number.POSITIVE_INFINITY;
    }
    // The last search covered [searchedFrom, found) without a hit: reuse it when `from` falls in that range.
    if (from < this.searchedFrom || (this.found !== -1 && from > this.found)) {
      this.searchedFrom = from;
      this.found = this.haystack.indexOf(this.needle, from);
    }
    return this.found;
  }
}

/**
 * Whether the member whose key ends just before `record[i]` has a wanted string value. A value that cannot
 * be decoded counts as wanted: the record's parse will tell what it is.
 */
function valueMayBeWanted(record: Buffer, i: number, end: number, wanted: Set<string>): boolean {
  i = skipWhitespace(record, i, end);
  if (i >= end || record[i] !== COLON) return false;
  i = skipWhitespace(record, i + 1, end);
  if (i >= end || record[i] !== QUOTE) return false;
  const close = closingQuote(record, i + 1, end);
  if (close === -1) return true;
  if (!includesByte(record, BACKSLASH, i + 1, close)) return wanted.has(record.toString('utf8', i + 1, close));
  try {
    return wanted.has(JSON.parse(record.toString('utf8', i, close + 1)) as string);
  } catch {
    return true;
  }
}

function skipWhitespace(record: Buffer, i: number, end: number): number {
  while (i < end && isJsonWhitespace(record[i]!)) i++;
  return i;
}

function includesByte(record: Buffer, byte: number, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (record[i] === byte) return true;
  return false;
}
