// The byte loop of record-encoder.ts, behind one interface with two engines: WebAssembly with SIMD
// (wasm/record-escape.ts, from wasm/record-escape.as.ts) where the runtime has it, and TypeScript
// (record-escape-typescript.ts), the reference the WebAssembly engine is tested against byte for byte
// (test/index-escape-wasm.test.ts) and the fallback where WebAssembly SIMD is missing (`node --jitless`).
//
// What an engine does with a record's bytes, in one pass:
//   - writes them as the inside of a JSON string literal: `"` -> `\"`, `\` -> `\\`, line feed, carriage return and
//     tab outside strings -> `\n` `\r` `\t`, every other byte as it is (the record's text is valid JSON, so those are
//     the only characters JSON.stringify of it would escape; UTF-8 is checked by the caller);
//   - checks what the record splitter leaves to JSON.parse (shared/reader/json-grammar.ts): the inside of strings
//     (escapes, raw control characters);
//   - notes where the values of the top-level members it was given the names of lie (whitespace around them
//     included), the last of each when a key repeats, as JSON.parse keeps the last.
import { typescriptRecordEscaper } from './record-escape-typescript.js';
import { wasmRecordEscaper } from './wasm/record-escape.js';

export interface RecordEscaper {
  readonly engine: 'wasm' | 'typescript';
  /**
   * Escapes the record `src[start..end)` (its `{` to its `}`) into `output` from `outputAt` and notes its members'
   * spans; returns how many bytes it wrote, or -1 when the record must take the ordinary path: a string JSON.parse
   * would refuse, an escaped top-level key, a top-level key equal to the refused name, unbalanced nesting.
   */
  escape(src: Uint8Array, start: number, end: number): number;
  /** Where the last escape wrote (valid until the next call). */
  readonly output: Buffer;
  readonly outputAt: number;
  /** Of the last escape: [start, end) in `src` of each name's value, by the names' order; -1 when absent. */
  readonly spans: Int32Array;
}

/**
 * An escaper for these top-level member names (at most 16, 1-64 bytes, 256 bytes in all); a key equal to
 * `names[refused]` fails the record. WebAssembly where the runtime runs it, else TypeScript.
 */
export function recordEscaper(names: readonly Buffer[], refused: number): RecordEscaper {
  return wasmRecordEscaper(names, refused) ?? typescriptRecordEscaper(names, refused);
}
