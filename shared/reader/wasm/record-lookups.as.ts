// The kernel's look-ups in the lists the splitter gives it (record-scanner.ts writes them; layout.as.ts says
// where): which wanted eventSource a record's value is, whether the sure-record rules pass a record, and which
// noted token a string is. Each compares bytes in the window with bytes of a list; none keeps state.
import { SURE_NAMES, SURE_RANGES, SURE_RULES, TOKENS, TOKEN_BYTES, WANTED, WANTED_BYTES } from './layout.as';

/**
 * Where the record's top-level eventSource value `window[start..end)` (no escapes: its bytes are its UTF-8 text)
 * is in the wanted list: its index, -1 when it is not there (the record can be skipped), -2 when there is no
 * list (every record is kept).
 */
export function sourceIndex(start: i32, end: i32): i32 {
  const wanted = load<i32>(WANTED);
  if (wanted < 0) return -2;
  const length = end - start;
  for (let k: i32 = 0; k < wanted; k++) {
    if (load<i32>(WANTED + 8 + (k << 3)) == length && sameBytes(start, WANTED_BYTES + load<i32>(WANTED + 4 + (k << 3)), length)) return k;
  }
  return -1;
}

/**
 * Whether the prefilter passes a record the scan is sure of, from wanted source `k`, whose eventName value is
 * `window[nameStart..nameEnd)`, with these token bits and no `\u`: some rule of its source names its name or
 * any name, and the record holds all of the rule's tokens.
 */
export function surePasses(k: i32, nameStart: i32, nameEnd: i32, tokens: i32): bool {
  const first = load<i32>(SURE_RANGES + (k << 3));
  const count = load<i32>(SURE_RANGES + 4 + (k << 3));
  const length = nameEnd - nameStart;
  for (let r: i32 = first; r < first + count; r++) {
    const rule = SURE_RULES + (r << 4);
    const bits = load<i32>(rule + 12);
    if ((bits & ~tokens) != 0) continue;
    const ruleLength = load<i32>(rule + 8);
    if (ruleLength < 0) return true;
    if (ruleLength == length && sameBytes(nameStart, SURE_NAMES + load<i32>(rule + 4), length)) return true;
  }
  return false;
}

@inline export function sameBytes(a: i32, b: i32, length: i32): bool {
  for (let i: i32 = 0; i < length; i++) {
    if (load<u8>(<usize>(a + i)) != load<u8>(<usize>(b + i))) return false;
  }
  return true;
}

// Per string length 0..31, the bits of the tokens of that length: static data, at memoryBase
// (scripts/build-wasm.mjs), after the layout's regions. It replaces a loop over every token for each string of any
// token's length (~3 % of the splitter's CPU, session 6).
const TOKENS_BY_LENGTH = memory.data(32 * 4);

/** Fills TOKENS_BY_LENGTH from the token list: once per scan call, before any tokenBits. */
export function indexTokensByLength(): void {
  memory.fill(TOKENS_BY_LENGTH, 0, 32 * 4);
  for (let k: i32 = 0, count = load<i32>(TOKENS); k < count; k++) {
    const at = TOKENS_BY_LENGTH + (<usize>load<i32>(TOKENS + 8 + (k << 3)) << 2);
    store<u32>(at, load<u32>(at) | (1 << k));
  }
}

/**
 * Bit k when `window[from..from+length)` is token k's body, else 0 (the first such k: tokens of the same length
 * are tried in order). Only the tokens of that length are compared: most strings have none (one load).
 */
@inline export function tokenBits(from: i32, length: i32): i32 {
  if (length >= 32) return 0;
  let candidates = load<u32>(TOKENS_BY_LENGTH + (<usize>length << 2));
  while (candidates != 0) {
    const k = <i32>ctz(candidates);
    candidates &= candidates - 1;
    if (sameBytes(from, TOKEN_BYTES + load<i32>(TOKENS + 4 + (k << 3)), length)) return 1 << k;
  }
  return 0;
}
