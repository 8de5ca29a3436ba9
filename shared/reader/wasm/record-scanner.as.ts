// The record splitter's hot loop, in AssemblyScript compiled to WebAssembly with SIMD (npm run build:wasm).
//
// It scans a window of JSON text copied into linear memory while the splitter is inside the `Records`
// array: the records, the commas and whitespace between them. It stops, handing back to the TypeScript
// splitter (shared/reader/record-splitter.ts), at the end of the window, when its record table is full, or
// at any byte it does not handle (`]`, an element that is not an object, a syntax error), so the splitter's
// own code deals with the rare cases and reports errors exactly as before. Its state lives in a small
// vector the splitter reads and writes around each call, so one instance serves any number of splitters.
// Given the eventSources the caller wants, it also skips, counting them, the records surely from others
// (~90 % of a trail): they never become JavaScript objects at all.
//
// What it computes is what RecordSplitter.scanComposite computes (the TypeScript engine, kept as the
// reference; test/record-scanner-wasm.test.ts checks both agree): where each record ends, checking the JSON
// grammar outside strings as it goes (brackets matched by kind, separators, numbers and literals: see
// ../json-grammar.ts; at a syntax error it stops and the splitter reports it), and where its top-level eventSource and eventName string values lie, unless it cannot be
// sure (a top-level key with escapes long enough to spell one of them, a repeated key, an escaped value, a
// top-level string cut by the window's end), and which of up to 31 given string tokens (`errorCode`, `Root`)
// some string in the record equals, which in valid JSON is the same as the token's quoted bytes occurring
// in it (a quote inside a string is always escaped).
//
// Why SIMD: string bodies are ~90 % of CloudTrail text, and 16 bytes are compared with `"` and `\` at once.

// Memory layout (byte offsets), mirrored in record-scanner.ts.
const WINDOW: i32 = 1 << 20;
const STATE: i32 = WINDOW; // i32 fields, see S_*
// The eventSources wanted: a count (-1: keep every record), then (offset, length) pairs into WANTED_BYTES.
const WANTED: i32 = WINDOW + 256;
const WANTED_BYTES: i32 = WINDOW + 1024;
const TABLE: i32 = WINDOW + 4096; // ENTRY_FIELDS i32 per record
const TABLE_CAPACITY: i32 = 2048;
const ENTRY_FIELDS: i32 = 10;
// Tokens to note: a count, then (offset, length) pairs into TOKEN_BYTES; each a string body of 1..31 bytes.
const TOKENS: i32 = TABLE + TABLE_CAPACITY * ENTRY_FIELDS * 4;
const TOKEN_BYTES: i32 = TOKENS + 256;
/** In a record's token bits: a string was cut by the window, so a token may have been missed. */
const TOKENS_UNKNOWN: i32 = 1 << 31;
// One bit per nesting level, set for an array (MAX_DEPTH levels); the splitter copies its open levels in.
const LEVELS: i32 = TOKEN_BYTES + 1024;
const MAX_DEPTH: i32 = 1 << 18;

// State vector fields (i32 index). Positions are relative to the window's first byte; -1: none.
const S_STATE: i32 = 0;
const S_DEPTH: i32 = 1;
const S_IN_STRING: i32 = 2;
const S_ESCAPE_CARRY: i32 = 3;
const S_EXPECT: i32 = 4; // where the JSON grammar is: the G_* below
const S_PENDING_KEY: i32 = 5;
const S_SOURCE_KEYS: i32 = 6;
const S_NAME_KEYS: i32 = 7;
const S_UNSURE: i32 = 8;
const S_SOURCE_START: i32 = 9;
const S_SOURCE_END: i32 = 10;
const S_NAME_START: i32 = 11;
const S_NAME_END: i32 = 12;
const S_RECORD_START: i32 = 13;
const S_STOP: i32 = 14;
const S_SKIPPED: i32 = 15; // records skipped after the last entry
const S_TOKENS: i32 = 16; // token bits of the open record

// Table entry fields: the record's start (-1: before this window), its end (just past `}`), the hint
// positions, 1 when the hints cannot be trusted, how many records were skipped just before it, and its token
// bits (bit k: a string in the record equals token k; TOKENS_UNKNOWN: not known).
const E_START: i32 = 0;
const E_END: i32 = 1;
const E_SOURCE_START: i32 = 2;
const E_SOURCE_END: i32 = 3;
const E_NAME_START: i32 = 4;
const E_NAME_END: i32 = 5;
const E_UNSURE: i32 = 6;
const E_SKIPPED_BEFORE: i32 = 7;
const E_TOKENS: i32 = 8;

// Splitter states, the same numbers as in record-splitter.ts.
const ARRAY_FIRST_ELEMENT: i32 = 7;
const ARRAY_ELEMENT: i32 = 8;
const ARRAY_AFTER_ELEMENT: i32 = 9;
const IN_RECORD: i32 = 10;

const QUOTE: i32 = 0x22;
const BACKSLASH: i32 = 0x5c;
const COMMA: i32 = 0x2c;
const COLON: i32 = 0x3a;
const OPEN_BRACE: i32 = 0x7b;
const CLOSE_BRACE: i32 = 0x7d;
const OPEN_BRACKET: i32 = 0x5b;
const CLOSE_BRACKET: i32 = 0x5d;

// The JSON grammar, the same numbers as in json-grammar.ts, which says what is checked and why.
const G_OBJECT_OPEN: i32 = 1;
const G_OBJECT_KEY: i32 = 2;
const G_COLON: i32 = 3;
const G_OBJECT_VALUE: i32 = 4;
const G_ARRAY_OPEN: i32 = 5;
const G_ARRAY_VALUE: i32 = 6;
const G_AFTER_VALUE: i32 = 7;
const N_MINUS: i32 = 16;
const N_ZERO: i32 = 17;
const N_INT: i32 = 18;
const N_DOT: i32 = 19;
const N_FRACTION: i32 = 20;
const N_E: i32 = 21;
const N_E_SIGN: i32 = 22;
const N_EXPONENT: i32 = 23;
const L_BASE: i32 = 32;
const G_SCALAR: i32 = N_MINUS;

const NO_KEY: i32 = 0;
const EVENT_SOURCE_KEY: i32 = 1;
const EVENT_NAME_KEY: i32 = 2;

// "eventSou" and "eventNam" as little-endian u64, for an 8-byte compare.
const EVENT_SOU: u64 = 0x756f53746e657665;
const EVENT_NAM: u64 = 0x6d614e746e657665;

@inline function field(index: i32): i32 {
  return load<i32>(STATE + (index << 2));
}

@inline function setField(index: i32, value: i32): void {
  store<i32>(STATE + (index << 2), value);
}

@inline function isWhitespace(byte: i32): bool {
  return byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09;
}

@inline function expectsValue(expect: i32): bool {
  return expect == G_OBJECT_VALUE || expect == G_ARRAY_OPEN || expect == G_ARRAY_VALUE;
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

/** json-grammar.ts's scalarStart: the state after a number's or literal's first byte, 0 for none. */
function scalarStart(byte: i32): i32 {
  if (byte == 0x2d) return N_MINUS;
  if (byte == 0x30) return N_ZERO;
  if (byte >= 0x31 && byte <= 0x39) return N_INT;
  if (byte == 0x74) return L_BASE + 1;
  if (byte == 0x66) return L_BASE + 5;
  if (byte == 0x6e) return L_BASE + 10;
  return 0;
}

/** The k-th byte of `truefalsenull`. */
function literalByte(k: i32): i32 {
  switch (k) {
    case 0: return 0x74; // t
    case 1: return 0x72; // r
    case 2: return 0x75; // u
    case 3: return 0x65; // e
    case 5: return 0x61; // a
    case 6: return 0x6c; // l
    case 7: return 0x73; // s
    case 8: return 0x65; // e
    case 10: return 0x75; // u
    case 11: return 0x6c; // l
    case 12: return 0x6c; // l
    default: return -1; // 4, 9, 13: a literal's end
  }
}

/** json-grammar.ts's scalarStep: the state after `byte`, 0 when it cannot continue the number or literal. */
function scalarStep(state: i32, byte: i32): i32 {
  const digit = byte >= 0x30 && byte <= 0x39;
  switch (state) {
    case N_MINUS: return byte == 0x30 ? N_ZERO : digit ? N_INT : 0;
    case N_ZERO: return byte == 0x2e ? N_DOT : byte == 0x65 || byte == 0x45 ? N_E : 0;
    case N_INT: return digit ? N_INT : byte == 0x2e ? N_DOT : byte == 0x65 || byte == 0x45 ? N_E : 0;
    case N_DOT: return digit ? N_FRACTION : 0;
    case N_FRACTION: return digit ? N_FRACTION : byte == 0x65 || byte == 0x45 ? N_E : 0;
    case N_E: return byte == 0x2b || byte == 0x2d ? N_E_SIGN : digit ? N_EXPONENT : 0;
    case N_E_SIGN:
    case N_EXPONENT: return digit ? N_EXPONENT : 0;
    default: return byte == literalByte(state - L_BASE) ? state + 1 : 0;
  }
}

@inline function scalarComplete(state: i32): bool {
  return state == N_ZERO || state == N_INT || state == N_FRACTION || state == N_EXPONENT || state == L_BASE + 4 || state == L_BASE + 9 || state == L_BASE + 13;
}

// Set by stringEnd: whether the string it skipped held a backslash.
let sawBackslash: bool = false;

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
      j += firstBackslash + 2;
      continue;
    }
    if (j >= len) return j;
    const byte = <i32>load<u8>(<usize>j);
    if (byte == QUOTE) return j;
    if (byte == BACKSLASH) {
      sawBackslash = true;
      j += 2;
    } else {
      j++;
    }
  }
}

/**
 * Whether the record, whose top-level eventSource value is `window[start..end)` (no escapes: its bytes are its
 * UTF-8 text), can be skipped: there is a wanted list, and the value is not on it.
 */
function unwantedSource(start: i32, end: i32): bool {
  const wanted = load<i32>(WANTED);
  if (wanted < 0) return false;
  const length = end - start;
  for (let k: i32 = 0; k < wanted; k++) {
    if (load<i32>(WANTED + 8 + (k << 3)) == length && sameBytes(start, WANTED_BYTES + load<i32>(WANTED + 4 + (k << 3)), length)) return false;
  }
  return true;
}

@inline function sameBytes(a: i32, b: i32, length: i32): bool {
  for (let i: i32 = 0; i < length; i++) {
    if (load<u8>(<usize>(a + i)) != load<u8>(<usize>(b + i))) return false;
  }
  return true;
}

/** Bit k when `window[from..from+length)` is token k's body, else 0. */
function tokenBits(from: i32, length: i32): i32 {
  const count = load<i32>(TOKENS);
  for (let k: i32 = 0; k < count; k++) {
    if (load<i32>(TOKENS + 8 + (k << 3)) == length && sameBytes(from, TOKEN_BYTES + load<i32>(TOKENS + 4 + (k << 3)), length)) return 1 << k;
  }
  return 0;
}

/**
 * Scans the first `len` bytes of the window from the state in the state vector; writes completed records to
 * the table and the state back. Returns how many records it completed; S_STOP says where it stopped.
 */
export function scan(len: i32): i32 {
  let state = field(S_STATE);
  let depth = field(S_DEPTH);
  let expect = field(S_EXPECT);
  let pendingKey = field(S_PENDING_KEY);
  let sourceKeys = field(S_SOURCE_KEYS);
  let nameKeys = field(S_NAME_KEYS);
  let unsure = field(S_UNSURE);
  let sourceStart = field(S_SOURCE_START);
  let sourceEnd = field(S_SOURCE_END);
  let nameStart = field(S_NAME_START);
  let nameEnd = field(S_NAME_END);
  let recordStart = field(S_RECORD_START);
  let inString = field(S_IN_STRING);
  let escapeCarry = field(S_ESCAPE_CARRY);
  let tokens = field(S_TOKENS);
  // Bit n set when some token's body is n bytes long: most strings are ruled out by their length alone.
  let tokenLengths: i32 = 0;
  for (let k: i32 = 0, count = load<i32>(TOKENS); k < count; k++) tokenLengths |= 1 << load<i32>(TOKENS + 8 + (k << 3));
  let records: i32 = 0;
  let skipped: i32 = 0;
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
    const byte = <i32>load<u8>(<usize>i);
    if (state == IN_RECORD) {
      // Every `break` below but the full table's is a syntax error: the splitter's TypeScript takes the byte
      // from the same state and reports it.
      if (expect >= G_SCALAR) {
        const next = scalarStep(expect, byte);
        if (next != 0) {
          expect = next;
          i++;
          continue;
        }
        if (!scalarComplete(expect)) break;
        expect = G_AFTER_VALUE;
      }
      if (byte == QUOTE) {
        const key = expect == G_OBJECT_OPEN || expect == G_OBJECT_KEY;
        if (!key && !expectsValue(expect)) break;
        // Set before the string's end is found: a string cut by the window resumes in the state after it.
        expect = key ? G_COLON : G_AFTER_VALUE;
        const from = i + 1;
        const close = stringEnd(from, len);
        if (close >= len) {
          inString = 1;
          escapeCarry = close - len;
          // A top-level key, or a noted key's value, cut by the window is not looked at: the record gets no
          // hints. Other values do not matter (a huge one is usually what spans the windows).
          if (depth == 1 && (key || pendingKey != NO_KEY)) unsure = 1;
          tokens |= TOKENS_UNKNOWN;
          i = len;
          break;
        }
        const length = close - from;
        if (length < 32 && (tokenLengths & (1 << length)) != 0) tokens |= tokenBits(from, length);
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
      } else if (byte == OPEN_BRACE || byte == OPEN_BRACKET) {
        if (!expectsValue(expect) || depth == MAX_DEPTH) break;
        depth++;
        setLevel(depth, byte == OPEN_BRACKET);
        expect = byte == OPEN_BRACE ? G_OBJECT_OPEN : G_ARRAY_OPEN;
        i++;
      } else if (byte == CLOSE_BRACE || byte == CLOSE_BRACKET) {
        // It must close the kind of level that is open, after a value or right after the opening bracket.
        const inArray = isArrayLevel(depth);
        if (inArray != (byte == CLOSE_BRACKET)) break;
        if (expect != G_AFTER_VALUE && expect != (inArray ? G_ARRAY_OPEN : G_OBJECT_OPEN)) break;
        depth--;
        expect = G_AFTER_VALUE;
        i++;
        if (depth == 0) {
          state = ARRAY_AFTER_ELEMENT;
          const sure = unsure == 0 && sourceKeys <= 1 && nameKeys <= 1;
          // A record surely from an eventSource nobody wants is only counted. Its source value must lie in
          // this window to be compared; one seen in an earlier window is gone, so that record is kept.
          if (sure && sourceStart >= 0 && unwantedSource(sourceStart, sourceEnd)) {
            skipped++;
            continue;
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
          if (records == TABLE_CAPACITY) break;
        }
      } else if (byte == COMMA) {
        if (expect != G_AFTER_VALUE) break;
        expect = isArrayLevel(depth) ? G_ARRAY_VALUE : G_OBJECT_KEY;
        i++;
      } else if (byte == COLON) {
        if (expect != G_COLON) break;
        expect = G_OBJECT_VALUE;
        i++;
      } else if (isWhitespace(byte)) {
        i++;
      } else {
        const scalar = expectsValue(expect) ? scalarStart(byte) : 0;
        if (scalar == 0) break;
        expect = scalar;
        i++;
      }
    } else if (isWhitespace(byte)) {
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
  return records;
}
