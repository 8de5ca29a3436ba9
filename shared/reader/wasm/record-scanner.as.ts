// Longer than 400 lines because: `scan` is one hot loop over a few locals (the rest of the scan's state is in
// module globals, see below), which a split would turn into calls on its path; its look-ups are in
// record-lookups.as.ts, the grammar in json-grammar.as.ts, the layout in layout.as.ts.
// The record splitter's hot loop, in AssemblyScript compiled to WebAssembly with SIMD (npm run build:wasm):
// one of the two record scan engines of ../record-scan.ts, the TypeScript one being ../record-scan-typescript.ts.
//
// It scans a window of JSON text copied into linear memory while the splitter is inside the `Records`
// array: the records, the commas and whitespace between them. It stops, handing back to the splitter
// (../record-splitter.ts), at the end of the window, when its record table is full, or at any byte it does not
// handle (`]`, an element that is not an object, a syntax error), so the splitter's own code deals with the
// rare cases and reports errors. Its state vector (layout.as.ts) is the splitter's state: the splitter reads
// and writes it in this instance's memory, and each splitter has an instance of its own while it reads.
// Given the eventSources the caller wants, it also skips, counting them, the records surely from others
// (~90 % of a trail): they never become JavaScript objects at all.
//
// What it computes is what the TypeScript engine computes (kept as the reference; test/record-scanner-wasm.test.ts
// checks both agree): where each record ends, checking the JSON grammar outside strings as it goes (brackets
// matched by kind, separators, numbers and literals: see ../json-grammar.ts; at a syntax error it stops and the
// splitter reports it), and where its top-level eventSource and eventName string values lie, unless it cannot be
// sure (a top-level key with escapes long enough to spell one of them, a repeated key, an escaped value, a
// top-level string cut by the window's end), and which of up to 31 given string tokens (`errorCode`, `Root`)
// some string in the record equals, which in valid JSON is the same as the token's quoted bytes occurring
// in it (a quote inside a string is always escaped).
//
// Why SIMD: string bodies are ~90 % of CloudTrail text, and 32 bytes (16 near a window's end) are compared with
// `"` and `\` at once.
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  G_AFTER_VALUE,
  G_ARRAY_OPEN,
  G_ARRAY_VALUE,
  G_COLON,
  G_OBJECT_KEY,
  G_OBJECT_OPEN,
  G_OBJECT_VALUE,
  G_SCALAR,
  L_BASE,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  expectsValue,
  isWhitespace,
  scalarComplete,
  scalarStart,
  scalarStep,
} from './json-grammar.as';
import {
  ARRAY_AFTER_ELEMENT,
  ARRAY_ELEMENT,
  ENTRY_FIELDS,
  E_END,
  E_NAME_END,
  E_NAME_START,
  E_SKIPPED_BEFORE,
  E_SOURCE_END,
  E_SOURCE_START,
  E_START,
  E_TOKENS,
  E_UNSURE,
  IN_RECORD,
  LEVELS,
  MAX_DEPTH,
  STATE,
  S_DEPTH,
  S_ESCAPE_CARRY,
  S_EXPECT,
  S_IN_STRING,
  S_NAME_END,
  S_NAME_KEYS,
  S_NAME_START,
  S_PENDING_KEY,
  S_RECORD_START,
  S_SKIPPED,
  S_SOURCE_END,
  S_SOURCE_KEYS,
  S_SOURCE_START,
  S_STATE,
  S_STOP,
  S_TOKENS,
  S_UNICODE,
  S_UNSURE,
  SURE,
  TABLE,
  TABLE_CAPACITY,
  TOKENS,
  TOKENS_UNKNOWN,
} from './layout.as';
import { indexTokensByLength, sourceIndex, surePasses, tokenBits } from './record-lookups.as';

const NO_KEY: i32 = 0;
const EVENT_SOURCE_KEY: i32 = 1;
const EVENT_NAME_KEY: i32 = 2;

// `true`, `null` and `fals` as little-endian u32, for a 4-byte compare.
const TRUE_WORD: u32 = 0x65757274;
const NULL_WORD: u32 = 0x6c6c756e;
const FALS_WORD: u32 = 0x736c6166;

// "eventSou" and "eventNam" as little-endian u64, for an 8-byte compare.
const EVENT_SOU: u64 = 0x756f53746e657665;
const EVENT_NAM: u64 = 0x6d614e746e657665;

@inline function field(index: i32): i32 {
  return load<i32>(STATE + (index << 2));
}

@inline function setField(index: i32, value: i32): void {
  store<i32>(STATE + (index << 2), value);
}

@inline function isArrayLevel(depth: i32): bool {
  return (load<u8>(<usize>(LEVELS + (depth >> 3))) & (1 << (depth & 7))) != 0;
}

@inline function setLevel(depth: i32, isArray: bool): void {
  const at = <usize>(LEVELS + (depth >> 3));
  const bit = 1 << (depth & 7);
  const bits = <i32>load<u8>(at);
  store<u8>(at, <u8>(isArray ? bits | bit : bits & ~bit));
}

// Set by stringEnd: whether the string it skipped held a backslash.
let sawBackslash: bool = false;
// Set by stringEnd, cleared as a record starts: whether the record's bytes hold `\u` (the prefilter lets such
// a record through, as an escape could hide a token).
let unicodeEscape: bool = false;

// The open record's hint state, the string carried over from the last window and the call's counts: module
// globals rather than locals of `scan`. They change only at top-level members, record ends and window ends, and
// as 15 more locals of `scan` they crowded its hot loop's registers: V8's TurboFan spilled the loop's own state
// (`expect`, `state`) to the stack and shuffled registers at every branch merge (`perf annotate` of the compiled
// kernel, session 6). As globals: the splitter alone on the 100 MB bench file, 0.84-0.88x the CPU time (README
// Performance, session 6 in docs/performance-notes.md).
let pendingKey: i32 = 0;
let sourceKeys: i32 = 0;
let nameKeys: i32 = 0;
let unsure: i32 = 0;
let sourceStart: i32 = -1;
let sourceEnd: i32 = -1;
let nameStart: i32 = -1;
let nameEnd: i32 = -1;
let recordStart: i32 = -1;
let records: i32 = 0;
let skipped: i32 = 0;
let sureRules: i32 = -1;
let maxRecordBytes: i32 = 0;
let inString: i32 = 0;
let escapeCarry: i32 = 0;

/**
 * Notes a `\u` at the escape whose backslash is at `at`: its own (`\u`), or that of the backslash it escapes
 * (`\\u`). Every `\u` in a string's bytes is one of the two. Reads past the window only when the string is cut
 * there, and then the record's tokens are unknown anyway.
 */
@inline function noteUnicodeEscape(at: i32): void {
  const next = <i32>load<u8>(<usize>(at + 1));
  if (next == 0x75 || (next == BACKSLASH && <i32>load<u8>(<usize>(at + 2)) == 0x75)) unicodeEscape = true;
}

/**
 * Index of the `"` that ends the string whose body continues at `from`, or `len` or `len + 1` when the window
 * ends first (`len + 1`: the window ended on a backslash, which escapes the next window's first byte).
 */
@inline function stringEnd(from: i32, len: i32): i32 {
  const quotes = i8x16.splat(<i8>QUOTE);
  const backslashes = i8x16.splat(<i8>BACKSLASH);
  let j = from;
  sawBackslash = false;
  while (true) {
    if (j + 32 <= len) {
      // 32 bytes first: nine strings in ten of the bench file end within 32 bytes, so the loop mostly runs once,
      // and the branch out of it goes the same way more often than with 16 (~4 % less CPU for the splitter).
      const low = v128.load(<usize>j);
      const high = v128.load(<usize>j, 16);
      const quoteBits = i8x16.bitmask(i8x16.eq(low, quotes)) | (i8x16.bitmask(i8x16.eq(high, quotes)) << 16);
      const backslashBits =
        i8x16.bitmask(i8x16.eq(low, backslashes)) | (i8x16.bitmask(i8x16.eq(high, backslashes)) << 16);
      if ((quoteBits | backslashBits) == 0) {
        j += 32;
        continue;
      }
      const firstQuote = ctz<i32>(quoteBits); // 32 when there is none
      const firstBackslash = ctz<i32>(backslashBits);
      if (firstQuote < firstBackslash) return j + firstQuote;
      sawBackslash = true;
      j += firstBackslash;
      noteUnicodeEscape(j);
      j += 2;
      continue;
    }
    if (j + 16 <= len) {
      const bytes = v128.load(<usize>j);
      const quoteBits = i8x16.bitmask(i8x16.eq(bytes, quotes));
      const backslashBits = i8x16.bitmask(i8x16.eq(bytes, backslashes));
      if ((quoteBits | backslashBits) == 0) {
        j += 16;
        continue;
      }
      const firstQuote = ctz<i32>(quoteBits); // 32 when there is none
      const firstBackslash = ctz<i32>(backslashBits);
      if (firstQuote < firstBackslash) return j + firstQuote;
      sawBackslash = true;
      j += firstBackslash;
      noteUnicodeEscape(j);
      j += 2;
      continue;
    }
    if (j >= len) return j;
    const byte = <i32>load<u8>(<usize>j);
    if (byte == QUOTE) return j;
    if (byte == BACKSLASH) {
      sawBackslash = true;
      noteUnicodeEscape(j);
      j += 2;
    } else {
      j++;
    }
  }
}

/**
 * Scans the first `len` bytes of the window from the state in the state vector; writes completed records to
 * the table and the state back. Returns how many records it completed; S_STOP says where it stopped.
 */
export function scan(len: i32): i32 {
  let state = field(S_STATE);
  let depth = field(S_DEPTH);
  let expect = field(S_EXPECT);
  pendingKey = field(S_PENDING_KEY);
  sourceKeys = field(S_SOURCE_KEYS);
  nameKeys = field(S_NAME_KEYS);
  unsure = field(S_UNSURE);
  // Window positions: those of an earlier window mean nothing in this one (the splitter kept what it needed).
  sourceStart = -1;
  sourceEnd = -1;
  nameStart = -1;
  nameEnd = -1;
  recordStart = -1;
  inString = field(S_IN_STRING);
  escapeCarry = field(S_ESCAPE_CARRY);
  let tokens = field(S_TOKENS);
  unicodeEscape = field(S_UNICODE) != 0;
  sureRules = load<i32>(SURE);
  maxRecordBytes = load<i32>(SURE + 4);
  // The tokens by their length: most strings are ruled out by their length alone, with one load.
  indexTokensByLength();
  records = 0;
  skipped = 0;
  let i: i32 = 0;

  if (inString != 0) {
    // A string the previous window ended inside: only its end matters (its record already has no hints
    // if it was a top-level key or a noted key's value).
    const close = stringEnd(escapeCarry, len);
    if (close >= len) {
      escapeCarry = close - len;
      i = len;
    } else {
      inString = 0;
      escapeCarry = 0;
      i = close + 1;
    }
  }

  while (i < len) {
    if (state == IN_RECORD) {
      // A record's bytes, in a loop of their own, left at the record's end (back to the loop between records) or
      // `stopped`, which stops the scan: `state` is neither compared nor kept in a register per byte (the splitter
      // alone on the 100 MB bench file, ~0.88x the CPU time of one loop for both, session 6).
      let stopped = false;
      while (i < len) {
        const byte = <i32>load<u8>(<usize>i);
        // Every `stopped` below but the full table's is a syntax error: the splitter's TypeScript takes the byte
        // from the same state and reports it.
        if (expect >= G_SCALAR) {
          const next = scalarStep(expect, byte);
          if (next != 0) {
            expect = next;
            i++;
            continue;
          }
          if (!scalarComplete(expect)) {
            stopped = true;
            break;
          }
          expect = G_AFTER_VALUE;
        }
        if (byte == QUOTE) {
          let key = expect == G_OBJECT_OPEN || expect == G_OBJECT_KEY;
          if (!key && !expectsValue(expect)) {
            stopped = true;
            break;
          }
          // A run of strings, `"key":"value","key":...`, in a loop of its own: the bytes between them (`":"`,
          // `","`) never go back through the dispatch above (~3-5 % less CPU for the splitter, session 6).
          let from = i + 1;
          while (true) {
            // Set before the string's end is found: a string cut by the window resumes in the state after it.
            expect = key ? G_COLON : G_AFTER_VALUE;
            const close = stringEnd(from, len);
            if (close >= len) {
              inString = 1;
              escapeCarry = close - len;
              // A top-level key, or a noted key's value, cut by the window is not looked at: the record gets no
              // hints. Other values do not matter (a huge one is usually what spans the windows).
              if (depth == 1 && (key || pendingKey != NO_KEY)) unsure = 1;
              tokens |= TOKENS_UNKNOWN;
              i = len;
              stopped = true;
              break;
            }
            const length = close - from;
            tokens |= tokenBits(from, length);
            if (depth == 1 && (key || pendingKey != NO_KEY)) {
              if (key) {
                // A plain `eventSource` or `eventName` is found by its bytes; a longer key with escapes could
                // spell either (only `\uXXXX` escapes could), so it makes the hints unsure.
                pendingKey = NO_KEY;
                if (length == 11 && load<u64>(<usize>from) == EVENT_SOU && load<u16>(<usize>(from + 8)) == 0x6372 && load<u8>(<usize>(from + 10)) == 0x65) {
                  pendingKey = EVENT_SOURCE_KEY;
                  sourceKeys++;
                } else if (length == 9 && load<u64>(<usize>from) == EVENT_NAM && load<u8>(<usize>(from + 8)) == 0x65) {
                  pendingKey = EVENT_NAME_KEY;
                  nameKeys++;
                } else if (length > 9 && sawBackslash) {
                  unsure = 1;
                }
              } else {
                // The string value of a noted key.
                if (sawBackslash) unsure = 1;
                if (pendingKey == EVENT_SOURCE_KEY) {
                  sourceStart = from;
                  sourceEnd = close;
                } else {
                  nameStart = from;
                  nameEnd = close;
                }
                pendingKey = NO_KEY;
              }
            }
            i = close + 1;
            // The byte after a string is most often `:` after a key or `,` after a value: taken here as the `:` and
            // `,` branches below take it, without going through the dispatch for it.
            if (i < len) {
              const next = <i32>load<u8>(<usize>i);
              if (next == COLON && key) {
                expect = G_OBJECT_VALUE;
                i++;
                // A string value right after: taken in this loop, in the state the dispatch would take it in.
                if (i < len && <i32>load<u8>(<usize>i) == QUOTE) {
                  key = false;
                  from = i + 1;
                  continue;
                }
              } else if (next == COMMA && !key) {
                expect = isArrayLevel(depth) ? G_ARRAY_VALUE : G_OBJECT_KEY;
                i++;
                // The next key (in an object) or string (in an array) right after: the same.
                if (i < len && <i32>load<u8>(<usize>i) == QUOTE) {
                  key = expect == G_OBJECT_KEY;
                  from = i + 1;
                  continue;
                }
              }
            }
            break;
          }
          if (stopped) break;
        } else if (byte == OPEN_BRACE || byte == OPEN_BRACKET) {
          if (!expectsValue(expect) || depth == MAX_DEPTH) {
            stopped = true;
            break;
          }
          depth++;
          setLevel(depth, byte == OPEN_BRACKET);
          expect = byte == OPEN_BRACE ? G_OBJECT_OPEN : G_ARRAY_OPEN;
          i++;
        } else if (byte == CLOSE_BRACE || byte == CLOSE_BRACKET) {
          // It must close the kind of level that is open, after a value or right after the opening bracket.
          const inArray = isArrayLevel(depth);
          if (inArray != (byte == CLOSE_BRACKET)) {
            stopped = true;
            break;
          }
          if (expect != G_AFTER_VALUE && expect != (inArray ? G_ARRAY_OPEN : G_OBJECT_OPEN)) {
            stopped = true;
            break;
          }
          depth--;
          expect = G_AFTER_VALUE;
          i++;
          if (depth == 0) {
            state = ARRAY_AFTER_ELEMENT;
            const sure = unsure == 0 && sourceKeys <= 1 && nameKeys <= 1;
            // A record surely from an eventSource nobody wants is only counted. Its source value must lie in
            // this window to be compared; one seen in an earlier window is gone, so that record is kept.
            if (sure && sourceStart >= 0) {
              const k = sourceIndex(sourceStart, sourceEnd);
              // A record the prefilter would reject, judged from what the scan saw: it must lie whole in this
              // window and within the size limit (a larger one is reported, not judged), with its eventName seen,
              // its tokens known and no `\u`.
              if (
                k == -1 ||
                (k >= 0 &&
                  sureRules >= 0 &&
                  recordStart >= 0 &&
                  i - recordStart <= maxRecordBytes &&
                  nameStart >= 0 &&
                  (tokens & TOKENS_UNKNOWN) == 0 &&
                  !unicodeEscape &&
                  !surePasses(k, nameStart, nameEnd, tokens))
              ) {
                skipped++;
                break;
              }
            }
            const entry = TABLE + ((records * ENTRY_FIELDS) << 2);
            store<i32>(entry + (E_START << 2), recordStart);
            store<i32>(entry + (E_END << 2), i);
            store<i32>(entry + (E_SOURCE_START << 2), sourceStart);
            store<i32>(entry + (E_SOURCE_END << 2), sourceEnd);
            store<i32>(entry + (E_NAME_START << 2), nameStart);
            store<i32>(entry + (E_NAME_END << 2), nameEnd);
            store<i32>(entry + (E_UNSURE << 2), sure ? 0 : 1);
            store<i32>(entry + (E_SKIPPED_BEFORE << 2), skipped);
            store<i32>(entry + (E_TOKENS << 2), tokens);
            skipped = 0;
            records++;
            if (records == TABLE_CAPACITY) stopped = true;
            break;
          }
        } else if (byte == COMMA) {
          if (expect != G_AFTER_VALUE) {
            stopped = true;
            break;
          }
          expect = isArrayLevel(depth) ? G_ARRAY_VALUE : G_OBJECT_KEY;
          i++;
        } else if (byte == COLON) {
          if (expect != G_COLON) {
            stopped = true;
            break;
          }
          expect = G_OBJECT_VALUE;
          i++;
        } else if (isWhitespace(byte)) {
          i++;
        } else {
          const scalar = expectsValue(expect) ? scalarStart(byte) : 0;
          if (scalar == 0) {
            stopped = true;
            break;
          }
          // `true`, `false` and `null` whole, when the window holds them: the state scalarStep would reach.
          const word = i + 5 <= len ? load<u32>(<usize>i) : 0;
          if (word == TRUE_WORD) {
            expect = L_BASE + 4;
            i += 4;
          } else if (word == NULL_WORD) {
            expect = L_BASE + 13;
            i += 4;
          } else if (word == FALS_WORD && load<u8>(<usize>(i + 4)) == 0x65) {
            expect = L_BASE + 9;
            i += 5;
          } else {
            expect = scalar;
            i++;
          }
        }
      }
      if (stopped) break;
      continue;
    }
    const byte = <i32>load<u8>(<usize>i);
    if (isWhitespace(byte)) {
      i++;
    } else if (state == ARRAY_AFTER_ELEMENT) {
      if (byte != COMMA) break; // `]`, or an error: the splitter's own code takes it from here
      state = ARRAY_ELEMENT;
      i++;
    } else {
      if (byte != OPEN_BRACE) break; // `]`, or an element that is not an object: the splitter's
      state = IN_RECORD;
      recordStart = i;
      depth = 0; // the `{` is taken by the IN_RECORD branch, as a value
      expect = G_ARRAY_VALUE;
      pendingKey = NO_KEY;
      sourceKeys = 0;
      nameKeys = 0;
      unsure = 0;
      tokens = 0;
      unicodeEscape = false;
      sourceStart = -1;
      sourceEnd = -1;
      nameStart = -1;
      nameEnd = -1;
    }
  }

  setField(S_STATE, state);
  setField(S_DEPTH, depth);
  setField(S_EXPECT, expect);
  setField(S_PENDING_KEY, pendingKey);
  setField(S_SOURCE_KEYS, sourceKeys);
  setField(S_NAME_KEYS, nameKeys);
  setField(S_UNSURE, unsure);
  setField(S_SOURCE_START, sourceStart);
  setField(S_SOURCE_END, sourceEnd);
  setField(S_NAME_START, nameStart);
  setField(S_NAME_END, nameEnd);
  setField(S_RECORD_START, recordStart);
  setField(S_IN_STRING, inString);
  setField(S_ESCAPE_CARRY, escapeCarry);
  setField(S_STOP, i);
  setField(S_SKIPPED, skipped);
  setField(S_TOKENS, tokens);
  setField(S_UNICODE, unicodeEscape ? 1 : 0);
  return records;
}
