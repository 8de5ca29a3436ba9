// Loads the record splitter's WebAssembly kernel (record-scanner.as.ts) once, and gives the splitter views of
// its memory. The layout constants mirror the kernel's.
import { MAX_DEPTH } from '../json-grammar.js';
import { RECORD_SCANNER_WASM_BASE64 } from './record-scanner.wasm.js';

/** Bytes of text the kernel scans per call. */
export const SCANNER_WINDOW = 1 << 20;
/** Records the kernel completes per call at most. */
export const SCANNER_TABLE_CAPACITY = 2048;
const STATE_OFFSET = SCANNER_WINDOW;
const STATE_FIELDS = 32;
const WANTED_OFFSET = SCANNER_WINDOW + 256;
const WANTED_BYTES_OFFSET = SCANNER_WINDOW + 1024;
const MAX_WANTED = 64;
const MAX_WANTED_BYTES = 3072;
const TABLE_OFFSET = SCANNER_WINDOW + 4096;
export const SCANNER_ENTRY_FIELDS = 10;
const TOKENS_OFFSET = TABLE_OFFSET + SCANNER_TABLE_CAPACITY * SCANNER_ENTRY_FIELDS * 4;
const TOKEN_BYTES_OFFSET = TOKENS_OFFSET + 256;
/** Tokens the kernel can note per record (one bit each; bit 31 is SCANNER_TOKENS_UNKNOWN). */
export const SCANNER_MAX_TOKENS = 31;
const MAX_TOKEN_BYTES = 1024;
/** One bit per nesting level (set: an array), MAX_DEPTH levels; the splitter copies its own in and out. */
const LEVELS_OFFSET = TOKEN_BYTES_OFFSET + MAX_TOKEN_BYTES;
export const SCANNER_LEVELS_BYTES = MAX_DEPTH / 8 + 1;
/** In a record's token bits: a string was cut by the window, so a token may have been missed. */
export const SCANNER_TOKENS_UNKNOWN = 1 << 31;

/** Indexes into `RecordScanner.state`. Positions are relative to the window's first byte; -1: none. */
export const ScannerState = {
  state: 0,
  depth: 1,
  inString: 2,
  escapeCarry: 3,
  /** Where the JSON grammar is (json-grammar.ts). */
  expect: 4,
  pendingKey: 5,
  sourceKeys: 6,
  nameKeys: 7,
  unsure: 8,
  sourceStart: 9,
  sourceEnd: 10,
  nameStart: 11,
  nameEnd: 12,
  recordStart: 13,
  stop: 14,
  skipped: 15,
  tokens: 16,
} as const;

/** Indexes into a record's entry in `RecordScanner.table` (entry k starts at k * SCANNER_ENTRY_FIELDS). */
export const ScannerEntry = {
  start: 0,
  end: 1,
  sourceStart: 2,
  sourceEnd: 3,
  nameStart: 4,
  nameEnd: 5,
  unsure: 6,
  skippedBefore: 7,
  tokens: 8,
} as const;

export interface RecordScanner {
  /** Where the text to scan is copied, from its first byte. */
  readonly window: Uint8Array;
  readonly state: Int32Array;
  readonly table: Int32Array;
  /** The nesting bits (json-grammar.ts): bit d of the array is level d. */
  readonly levels: Uint8Array;
  /** Scans `window[0..length)`; returns how many records it completed into `table`. */
  scan(length: number): number;
  /**
   * Makes the kernel skip records surely from an eventSource not in `sources` (null: keep all). Returns false,
   * changing nothing, when the list does not fit the kernel's space (64 sources, 3 KiB): keep all then.
   */
  want(sources: readonly Buffer[] | null): boolean;
  /** Makes the kernel note, per record, which of these string bodies (at most 31, 1..31 bytes) it holds. */
  note(tokens: readonly Buffer[]): void;
}

let loaded: RecordScanner | null | undefined;

/**
 * The kernel, compiled on first use (~1 ms), or null where this runtime cannot run it (no WebAssembly, or
 * no SIMD, on by default since V8 9.1: https://v8.dev/features/simd; or `node --jitless`): the splitter then
 * scans in TypeScript, with the same result, more slowly.
 */
export function recordScanner(): RecordScanner | null {
  if (loaded === undefined) loaded = instantiate();
  return loaded;
}

/** The part of the WebAssembly JS API used here (the project's lib settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

function instantiate(): RecordScanner | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  let exports: Record<string, unknown>;
  try {
    if (!api) return null;
    exports = new api.Instance(new api.Module(Buffer.from(RECORD_SCANNER_WASM_BASE64, 'base64')), {}).exports;
  } catch {
    return null;
  }
  const { buffer } = exports.memory as { buffer: ArrayBuffer };
  const scan = exports.scan as (length: number) => number;
  const wantedIndex = new Int32Array(buffer, WANTED_OFFSET, 1 + 2 * MAX_WANTED);
  const wantedBytes = new Uint8Array(buffer, WANTED_BYTES_OFFSET, MAX_WANTED_BYTES);
  let loadedList: readonly Buffer[] | null | undefined;
  const tokenIndex = new Int32Array(buffer, TOKENS_OFFSET, 1 + 2 * SCANNER_MAX_TOKENS);
  const tokenBytes = new Uint8Array(buffer, TOKEN_BYTES_OFFSET, MAX_TOKEN_BYTES);
  let loadedTokens: readonly Buffer[] | undefined;
  return {
    window: new Uint8Array(buffer, 0, SCANNER_WINDOW),
    state: new Int32Array(buffer, STATE_OFFSET, STATE_FIELDS),
    table: new Int32Array(buffer, TABLE_OFFSET, SCANNER_TABLE_CAPACITY * SCANNER_ENTRY_FIELDS),
    levels: new Uint8Array(buffer, LEVELS_OFFSET, SCANNER_LEVELS_BYTES),
    scan,
    want(sources) {
      if (sources === loadedList) return true;
      if (sources === null) {
        wantedIndex[0] = -1;
      } else {
        const total = sources.reduce((sum, source) => sum + source.length, 0);
        if (sources.length > MAX_WANTED || total > MAX_WANTED_BYTES) return false;
        writeByteList(sources, wantedIndex, wantedBytes);
      }
      loadedList = sources;
      return true;
    },
    note(tokens) {
      if (tokens === loadedTokens) return;
      if (tokens.length > SCANNER_MAX_TOKENS || tokens.some((token) => token.length < 1 || token.length > 31)) {
        throw new RangeError('record scanner: at most 31 tokens of 1..31 bytes');
      }
      writeByteList(tokens, tokenIndex, tokenBytes);
      loadedTokens = tokens;
    },
  };
}

/** Lays `list` out as the kernel reads it: `index` = [count, (offset, length) per item], the items in `bytes`. */
function writeByteList(list: readonly Buffer[], index: Int32Array, bytes: Uint8Array): void {
  let at = 0;
  list.forEach((item, k) => {
    bytes.set(item, at);
    index[1 + 2 * k] = at;
    index[2 + 2 * k] = item.length;
    at += item.length;
  });
  index[0] = list.length;
}
