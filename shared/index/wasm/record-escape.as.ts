// The index encoder's byte loop (../record-encoder.ts), in AssemblyScript compiled to WebAssembly with SIMD
// (npm run build:index-wasm). It does exactly what ../record-escape-typescript.ts does, the reference it is tested
// against byte for byte (test/index-fast-path.test.ts): one pass over a record's bytes that
//   - writes them as the inside of a JSON string literal (`"` -> `\"`, `\` -> `\\`, line feed, carriage return and
//     tab outside strings -> `\n` `\r` `\t`; every other byte as it is);
//   - checks the inside of strings as JSON.parse would (escapes, raw control characters), failing with -1;
//   - notes where the values of the top-level members named in the names table lie (the last one of a repeated key).
// UTF-8 is left to the caller (node:buffer isUtf8, simdutf).
//
// Why SIMD: string bodies are ~90 % of a CloudTrail record's bytes, and in them 16 bytes are checked for `"`, `\` and
// control characters at once, and copied as they are when none is there (the JavaScript loop this replaces ran at
// ~200-285 MB/s, one byte at a time).
//
// Memory (the loader, record-escape.ts, restates these offsets): the names table at NAMES (count, then offset and
// length of each name in NAME_BYTES), the spans at SPANS (start and end of each name's value, -1 when absent), and the
// input and output wherever the caller puts them (escape's arguments), with 16 bytes of room after each for the
// vector loads and stores that reach past the end.

const NAMES: usize = 0;
const NAME_BYTES: usize = 256;
const SPANS: usize = 512;

const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const OPEN_BRACE: u32 = 0x7b;
const CLOSE_BRACE: u32 = 0x7d;
const OPEN_BRACKET: u32 = 0x5b;
const CLOSE_BRACKET: u32 = 0x5d;
const COMMA: u32 = 0x2c;
const COLON: u32 = 0x3a;
const LF: u32 = 0x0a;
const CR: u32 = 0x0d;
const TAB: u32 = 0x09;
const SPACE: u32 = 0x20;
const LOWER_N: u32 = 0x6e;
const LOWER_R: u32 = 0x72;
const LOWER_T: u32 = 0x74;
const LOWER_U: u32 = 0x75;

function isHex(b: u32): bool {
  return (b - 0x30 < 10) | ((b | 0x20) - 0x61 < 6);
}

/** The names-table slot of the key `[start, end)` (no escapes in it), or -1. */
function memberOf(start: usize, end: usize): i32 {
  const length = <i32>(end - start);
  const count = load<i32>(NAMES);
  for (let m = 0; m < count; m++) {
    const at = NAMES + 4 + 8 * <usize>m;
    if (load<i32>(at, 4) != length) continue;
    if (memory.compare(start, NAME_BYTES + <usize>load<i32>(at), <usize>length) == 0) return m;
  }
  return -1;
}

/**
 * Writes the record `[input, input + length)` escaped to `output` and notes the named members' value spans, as
 * `base` plus their offset in the record. Returns the bytes written, or -1 when the record must take the ordinary
 * path (a string JSON.parse would refuse, an escaped top-level key, the member `trailwatch` names, unbalanced nesting).
 */
export function escape(input: usize, length: i32, output: usize, base: i32, trailwatch: i32): i32 {
  const count = load<i32>(NAMES);
  for (let m = 0; m < 2 * count; m++) store<i32>(SPANS + 4 * <usize>m, -1);
  const end = input + <usize>length;
  const quotes = i8x16.splat(<i8>QUOTE);
  const backslashes = i8x16.splat(<i8>BACKSLASH);
  const spaces = i8x16.splat(<i8>SPACE);
  let i = input;
  let o = output;
  let depth = 0;
  // At depth 1: the next string is a key; the member being read (a names slot, or -1) and where its value starts.
  let expectKey = false;
  let member = -1;
  let valueStart: i32 = 0;
  while (i < end) {
    const c = <u32>load<u8>(i);
    if (c == QUOTE) {
      const contentStart = ++i;
      store<u16>(o, <u16>(BACKSLASH | (QUOTE << 8)));
      o += 2;
      let escaped = false;
      for (;;) {
        // 16 bytes at a time while none is a quote, a backslash or a control character; then the first such byte.
        while (i + 16 <= end) {
          const bytes = v128.load(i);
          v128.store(o, bytes);
          const special = i8x16.bitmask(
            v128.or(v128.or(i8x16.eq(bytes, quotes), i8x16.eq(bytes, backslashes)), i8x16.lt_u(bytes, spaces)),
          );
          if (special == 0) {
            i += 16;
            o += 16;
            continue;
          }
          const k = <usize>ctz(special);
          i += k;
          o += k;
          break;
        }
        if (i >= end) return -1;
        const d = <u32>load<u8>(i++);
        if (d > QUOTE && d != BACKSLASH) {
          store<u8>(o++, <u8>d);
          continue;
        }
        if (d == QUOTE) break;
        if (d == BACKSLASH) {
          if (i >= end) return -1;
          const e = <u32>load<u8>(i++);
          store<u16>(o, <u16>(BACKSLASH | (BACKSLASH << 8)));
          o += 2;
          if (e == QUOTE || e == BACKSLASH) store<u8>(o++, <u8>BACKSLASH);
          else if (e == LOWER_U) {
            if (
              i + 4 > end ||
              !isHex(<u32>load<u8>(i)) ||
              !isHex(<u32>load<u8>(i, 1)) ||
              !isHex(<u32>load<u8>(i, 2)) ||
              !isHex(<u32>load<u8>(i, 3))
            )
              return -1;
          } else if (!(e == 0x2f || e == 0x62 || e == 0x66 || e == LOWER_N || e == LOWER_R || e == LOWER_T)) return -1;
          store<u8>(o++, <u8>e);
          escaped = true;
          continue;
        }
        if (d < SPACE) return -1;
        store<u8>(o++, <u8>d);
      }
      store<u16>(o, <u16>(BACKSLASH | (QUOTE << 8)));
      o += 2;
      if (expectKey) {
        expectKey = false;
        if (escaped) return -1;
        member = memberOf(contentStart, i - 1);
        if (member == trailwatch) return -1;
      }
      continue;
    }
    i++;
    switch (c) {
      case OPEN_BRACE:
        if (++depth == 1) expectKey = true;
        store<u8>(o++, <u8>c);
        break;
      case OPEN_BRACKET:
        depth++;
        store<u8>(o++, <u8>c);
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        if (depth == 1 && member >= 0) {
          store<i32>(SPANS + 8 * <usize>member, valueStart);
          store<i32>(SPANS + 8 * <usize>member, base + <i32>(i - 1 - input), 4);
          member = -1;
        }
        depth--;
        store<u8>(o++, <u8>c);
        break;
      case COMMA:
        if (depth == 1) {
          if (member >= 0) {
            store<i32>(SPANS + 8 * <usize>member, valueStart);
            store<i32>(SPANS + 8 * <usize>member, base + <i32>(i - 1 - input), 4);
            member = -1;
          }
          expectKey = true;
        }
        store<u8>(o++, <u8>c);
        break;
      case COLON:
        if (depth == 1) valueStart = base + <i32>(i - input);
        store<u8>(o++, <u8>c);
        break;
      case LF:
        store<u16>(o, <u16>(BACKSLASH | (LOWER_N << 8)));
        o += 2;
        break;
      case CR:
        store<u16>(o, <u16>(BACKSLASH | (LOWER_R << 8)));
        o += 2;
        break;
      case TAB:
        store<u16>(o, <u16>(BACKSLASH | (LOWER_T << 8)));
        o += 2;
        break;
      default:
        // The splitter lets no other control character stand outside a string.
        if (c < SPACE) return -1;
        store<u8>(o++, <u8>c);
    }
  }
  if (depth != 0) return -1;
  return <i32>(o - output);
}

/**
 * Writes the UTF-8 text `[input, input + length)` to `output` as the inside of the JSON string literal
 * JSON.stringify gives the text it encodes (`"` -> `\"`, `\` -> `\\`, backspace, form feed, line feed, carriage
 * return and tab -> `\b` `\f` `\n` `\r` `\t`, every other byte as it is), so at most 2 bytes out per byte in.
 * Returns the bytes written, or -1 where JSON.stringify would write something else or the bytes cannot say:
 * another control character (JSON.stringify writes `\u00XX`), or U+FFFD (EF BF BD), which is also what encoding a
 * lone surrogate to UTF-8 gives, and JSON.stringify writes a lone surrogate as `\uXXXX`.
 */
export function escapeText(input: usize, length: i32, output: usize): i32 {
  const end = input + <usize>length;
  const quotes = i8x16.splat(<i8>QUOTE);
  const backslashes = i8x16.splat(<i8>BACKSLASH);
  const spaces = i8x16.splat(<i8>SPACE);
  const replacementLeads = i8x16.splat(<i8>0xef);
  let i = input;
  let o = output;
  for (;;) {
    while (i + 16 <= end) {
      const bytes = v128.load(i);
      v128.store(o, bytes);
      const special = i8x16.bitmask(
        v128.or(
          v128.or(i8x16.eq(bytes, quotes), i8x16.eq(bytes, backslashes)),
          v128.or(i8x16.lt_u(bytes, spaces), i8x16.eq(bytes, replacementLeads)),
        ),
      );
      if (special == 0) {
        i += 16;
        o += 16;
        continue;
      }
      const k = <usize>ctz(special);
      i += k;
      o += k;
      break;
    }
    if (i >= end) break;
    const d = <u32>load<u8>(i++);
    if (d == QUOTE || d == BACKSLASH) {
      store<u16>(o, <u16>(BACKSLASH | (d << 8)));
      o += 2;
    } else if (d < SPACE) {
      let e: u32 = 0;
      if (d == LF) e = LOWER_N;
      else if (d == CR) e = LOWER_R;
      else if (d == TAB) e = LOWER_T;
      else if (d == 0x08) e = 0x62;
      else if (d == 0x0c) e = 0x66;
      else return -1;
      store<u16>(o, <u16>(BACKSLASH | (e << 8)));
      o += 2;
    } else if (d == 0xef && i + 2 <= end && load<u8>(i) == 0xbf && load<u8>(i, 1) == 0xbd) {
      return -1;
    } else {
      store<u8>(o++, <u8>d);
    }
  }
  return <i32>(o - output);
}
