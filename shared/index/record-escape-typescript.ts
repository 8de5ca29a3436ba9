// The TypeScript engine of record-escape.ts: the reference the WebAssembly engine (wasm/record-escape.as.ts) is tested
// against, and the fallback where WebAssembly SIMD is missing. ~200-285 MB/s on the bench file's records (session 5's
// profiles), one byte at a time.
import type { RecordEscaper } from './record-escape.js';

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

export function typescriptRecordEscaper(names: readonly Buffer[], refused: number): RecordEscaper {
  return new TypeScriptRecordEscaper(names, refused);
}

class TypeScriptRecordEscaper implements RecordEscaper {
  readonly engine = 'typescript';
  output = Buffer.allocUnsafe(64 * 1024);
  readonly outputAt = 0;
  readonly spans: Int32Array;

  constructor(
    private readonly names: readonly Buffer[],
    private readonly refused: number,
  ) {
    this.spans = new Int32Array(names.length * 2);
  }

  escape(src: Uint8Array, start: number, end: number): number {
    // At most 2 bytes out per byte in (`\"` inside a string: 3 for 2).
    if (this.output.length < 2 * (end - start)) this.output = Buffer.allocUnsafe(2 * (end - start) + 1024);
    const out = this.output;
    const spans = this.spans;
    spans.fill(-1);
    let o = 0;
    let i = start;
    let depth = 0;
    /** At depth 1: the next string is a key. */
    let expectKey = false;
    /** The member being read at depth 1 (a names slot, or -1), and where its value starts. */
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
          member = this.memberOf(src, contentStart, i - 1);
          if (member === this.refused) return -1;
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
    return o;
  }

  /** The names slot of the key `src[start..end)` (no escapes in it), or -1. */
  private memberOf(src: Uint8Array, start: number, end: number): number {
    const length = end - start;
    for (let m = 0; m < this.names.length; m++) {
      const name = this.names[m]!;
      if (name.length !== length) continue;
      let k = 0;
      while (k < length && src[start + k] === name[k]) k++;
      if (k === length) return m;
    }
    return -1;
  }
}

function isHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
}
