// The WebAssembly engine of ../record-escape.ts: record-escape.as.ts, compiled once per process, an instance per
// escaper. A record is copied into the instance's memory, escaped there, and read from there by the caller (one
// copy in, one out, both memcpy); the memory grows to fit the largest record seen.
import type { RecordEscaper } from '../record-escape.js';
import { RECORD_ESCAPE_WASM_BASE64 } from './record-escape.wasm.js';

// record-escape.as.ts's layout: the names table (count, then offset and length per name), the names' bytes, the
// spans; the record from INPUT, its escaped bytes after it. 16 bytes of room after each for vector loads and stores.
const NAMES_OFFSET = 0;
const NAME_BYTES_OFFSET = 256;
const MAX_NAME_BYTES = 256;
const SPANS_OFFSET = 512;
const MAX_NAMES = 16;
const INPUT_OFFSET = 1024;
const PAGE = 65536;

/** The part of the WebAssembly JS API used here (the project's lib settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface Memory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

type EscapeExport = (input: number, length: number, output: number, base: number, refused: number) => number;
type EscapeTextExport = (input: number, length: number, output: number) => number;

/** A text as the inside of its JSON string literal, UTF-8 (record-escape.as.ts escapeText). */
export interface TextEscaper {
  /**
   * Encodes `text` to UTF-8 and escapes its bytes from byte `from` on (`from` must fall between characters);
   * returns how many bytes it wrote to `output` from `outputAt`, or -1 where the bytes cannot say what
   * JSON.stringify(text) writes (a control character it writes as `\u00XX`, a U+FFFD that may stand for a lone
   * surrogate): then ask JSON.stringify.
   */
  escape(text: string, from: number): number;
  readonly output: Buffer;
  readonly outputAt: number;
  /** UTF-8 bytes of the last text, all of it. */
  readonly textBytes: number;
}

let compiled: object | null | undefined;

/**
 * An escaper on a new instance, or null where this runtime cannot run it (no WebAssembly, or no SIMD, on by default
 * since V8 9.1: https://v8.dev/features/simd; or `node --jitless`) or the names do not fit its table.
 */
export function wasmRecordEscaper(names: readonly Buffer[], refused: number): RecordEscaper | null {
  if (
    names.length > MAX_NAMES ||
    names.reduce((sum, name) => sum + name.length, 0) > MAX_NAME_BYTES ||
    names.some((name) => name.length === 0)
  )
    return null;
  const exports = instanceExports();
  if (!exports) return null;
  return new WasmRecordEscaper(exports.memory as Memory, exports.escape as EscapeExport, names, refused);
}

/** A text escaper on a new instance, or null where this runtime cannot run it (as wasmRecordEscaper). */
export function wasmTextEscaper(): TextEscaper | null {
  const exports = instanceExports();
  return exports && new WasmTextEscaper(exports.memory as Memory, exports.escapeText as EscapeTextExport);
}

/** A new instance's exports, or null where this runtime cannot run the module. */
function instanceExports(): Record<string, unknown> | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (compiled === undefined) {
    try {
      compiled = api ? new api.Module(Buffer.from(RECORD_ESCAPE_WASM_BASE64, 'base64')) : null;
    } catch {
      compiled = null;
    }
  }
  if (!api || !compiled) return null;
  return new api.Instance(compiled, {}).exports;
}

/** Grows `memory` to hold `bytes` at least; returns a view of all of it (the old one is detached by growing). */
function grownTo(memory: Memory, view: Buffer, bytes: number): Buffer {
  if (bytes <= view.length) return view;
  memory.grow(Math.ceil((bytes - view.length) / PAGE));
  return Buffer.from(memory.buffer);
}

class WasmTextEscaper implements TextEscaper {
  output: Buffer;
  outputAt = 0;
  textBytes = 0;

  constructor(
    private readonly memory: Memory,
    private readonly run: EscapeTextExport,
  ) {
    this.output = Buffer.from(memory.buffer);
  }

  escape(text: string, from: number): number {
    const length = Buffer.byteLength(text, 'utf8');
    const outputAt = (INPUT_OFFSET + length + 16 + 15) & ~15;
    this.output = grownTo(this.memory, this.output, outputAt + 2 * length + 16);
    this.textBytes = this.output.write(text, INPUT_OFFSET, length, 'utf8');
    this.outputAt = outputAt;
    return this.run(INPUT_OFFSET + from, length - from, outputAt);
  }
}

class WasmRecordEscaper implements RecordEscaper {
  readonly engine = 'wasm';
  output: Buffer;
  outputAt = 0;
  spans: Int32Array;
  private readonly spanFields: number;

  constructor(
    private readonly memory: Memory,
    private readonly run: EscapeExport,
    names: readonly Buffer[],
    private readonly refused: number,
  ) {
    this.spanFields = 2 * names.length;
    this.output = Buffer.from(memory.buffer);
    const index = new Int32Array(memory.buffer, NAMES_OFFSET, 1 + 2 * MAX_NAMES);
    let at = 0;
    names.forEach((name, m) => {
      this.output.set(name, NAME_BYTES_OFFSET + at);
      index[1 + 2 * m] = at;
      index[2 + 2 * m] = name.length;
      at += name.length;
    });
    index[0] = names.length;
    this.spans = new Int32Array(memory.buffer, SPANS_OFFSET, this.spanFields);
  }

  escape(src: Uint8Array, start: number, end: number): number {
    const length = end - start;
    // Output at a 16-byte boundary after the input and its 16 bytes of room; at most 2 bytes out per byte in.
    const outputAt = (INPUT_OFFSET + length + 16 + 15) & ~15;
    const needed = outputAt + 2 * length + 16;
    if (needed > this.output.length) {
      this.output = grownTo(this.memory, this.output, needed);
      this.spans = new Int32Array(this.memory.buffer, SPANS_OFFSET, this.spanFields);
    }
    // The reader's bytes are Buffers: copied without a view made for each record (~2x less time per call, measured).
    if (Buffer.isBuffer(src)) src.copy(this.output, INPUT_OFFSET, start, end);
    else this.output.set(src.subarray(start, end), INPUT_OFFSET);
    this.outputAt = outputAt;
    return this.run(INPUT_OFFSET, length, outputAt, start, this.refused);
  }
}
