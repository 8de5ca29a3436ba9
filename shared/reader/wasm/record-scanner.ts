// The WebAssembly record scan engine: the kernel (record-scanner.as.ts), compiled once, and an instance of it per
// splitter at a time. The splitter's state lives in the instance's memory (the layout is record-scan.ts's; the
// offsets below mirror the kernel's), read and written through views: nothing is copied around a scan but the
// text into the window. An instance is handed back when its splitter is done (RecordScanEngine.release) and
// reused, most recently released first, so a process reading file after file instantiates the kernel once.
import {
  type RecordScanEngine,
  SCANNER_ENTRY_FIELDS,
  SCANNER_LEVELS_BYTES,
  SCANNER_MAX_TOKENS,
  SCANNER_STATE_FIELDS,
  SCANNER_TABLE_CAPACITY,
  SCANNER_WINDOW,
  type SureRules,
} from '../record-scan.js';
import { RECORD_SCANNER_WASM_BASE64 } from './record-scanner.wasm.js';

const STATE_OFFSET = SCANNER_WINDOW;
const WANTED_OFFSET = SCANNER_WINDOW + 256;
const WANTED_BYTES_OFFSET = SCANNER_WINDOW + 1024;
const MAX_WANTED = 64;
const MAX_WANTED_BYTES = 3072;
const TABLE_OFFSET = SCANNER_WINDOW + 4096;
const TOKENS_OFFSET = TABLE_OFFSET + SCANNER_TABLE_CAPACITY * SCANNER_ENTRY_FIELDS * 4;
const TOKEN_BYTES_OFFSET = TOKENS_OFFSET + 256;
const MAX_TOKEN_BYTES = 1024;
const LEVELS_OFFSET = TOKEN_BYTES_OFFSET + MAX_TOKEN_BYTES;
// SureRules (layout.as.ts SURE): after the levels, before the compiler's static data at 1179648 (memoryBase).
const SURE_OFFSET = 1169408;
const SURE_RULES_OFFSET = SURE_OFFSET + 528;
const SURE_NAMES_OFFSET = SURE_OFFSET + 4640;
const MAX_SURE_RULES = 256;
const MAX_SURE_NAME_BYTES = 1179648 - SURE_NAMES_OFFSET;

/**
 * The offsets above by the names layout.as.ts gives them, for test/record-scanner-layout.test.ts, which holds
 * the kernel's restated numbers against these and record-scan.ts's.
 */
export const KERNEL_OFFSETS = {
  STATE: STATE_OFFSET,
  WANTED: WANTED_OFFSET,
  WANTED_BYTES: WANTED_BYTES_OFFSET,
  TABLE: TABLE_OFFSET,
  TOKENS: TOKENS_OFFSET,
  TOKEN_BYTES: TOKEN_BYTES_OFFSET,
  LEVELS: LEVELS_OFFSET,
  SURE: SURE_OFFSET,
  // writeSureRules' header: the rule count and the record size limit (2 i32), then the per-source ranges.
  SURE_RANGES: SURE_OFFSET + 2 * 4,
  SURE_RULES: SURE_RULES_OFFSET,
  SURE_NAMES: SURE_NAMES_OFFSET,
} as const;

/** An instance of the kernel, and views of its memory. */
export interface WasmKernel {
  /** Where the text to scan is copied, from its first byte. */
  readonly window: Uint8Array;
  readonly state: Int32Array;
  readonly table: Int32Array;
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
  /** Makes the kernel skip the sure records these rules reject (null: none); they must fit (sureRulesFit). */
  judge(rules: SureRules | null): void;
}

/** Whether `rules` fit the kernel's space for them (256 rules, ~5 KB of names). */
export function sureRulesFit(rules: SureRules): boolean {
  const all = rules.bySource.flat();
  return (
    rules.bySource.length <= MAX_WANTED &&
    all.length <= MAX_SURE_RULES &&
    all.reduce((sum, rule) => sum + (rule.name?.length ?? 0), 0) <= MAX_SURE_NAME_BYTES
  );
}

/** The part of the WebAssembly JS API used here (the project's lib settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

let compiled: object | null | undefined;
/** Kernels handed back, reused last in first out. */
const idle: WasmKernel[] = [];

/**
 * A kernel no splitter is using: one handed back, or a new instance (the module is compiled on first use, ~1 ms).
 * Null where this runtime cannot run it (no WebAssembly, or no SIMD, on by default since V8 9.1:
 * https://v8.dev/features/simd; or `node --jitless`): the splitter then scans in TypeScript, with the same
 * result, more slowly.
 */
export function takeKernel(): WasmKernel | null {
  const kernel = idle.pop();
  if (kernel) return kernel;
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (compiled === undefined) {
    try {
      compiled = api ? new api.Module(Buffer.from(RECORD_SCANNER_WASM_BASE64, 'base64')) : null;
    } catch {
      compiled = null;
    }
  }
  if (!api || !compiled) return null;
  return instantiate(new api.Instance(compiled, {}).exports);
}

/** Hands a kernel back for the next splitter; its user must not touch it after. */
export function releaseKernel(kernel: WasmKernel): void {
  // A few are enough for the files a process reads at once; the rest go to the garbage collector.
  if (idle.length < 8 && !idle.includes(kernel)) idle.push(kernel);
}

function instantiate(exports: Record<string, unknown>): WasmKernel {
  const { buffer } = exports.memory as { buffer: ArrayBuffer };
  const wantedIndex = new Int32Array(buffer, WANTED_OFFSET, 1 + 2 * MAX_WANTED);
  const wantedBytes = new Uint8Array(buffer, WANTED_BYTES_OFFSET, MAX_WANTED_BYTES);
  let loadedList: readonly Buffer[] | null | undefined;
  const tokenIndex = new Int32Array(buffer, TOKENS_OFFSET, 1 + 2 * SCANNER_MAX_TOKENS);
  const tokenBytes = new Uint8Array(buffer, TOKEN_BYTES_OFFSET, MAX_TOKEN_BYTES);
  let loadedTokens: readonly Buffer[] | undefined;
  const sureHeader = new Int32Array(buffer, SURE_OFFSET, 2 + 2 * MAX_WANTED);
  const sureRuleFields = new Int32Array(buffer, SURE_RULES_OFFSET, 4 * MAX_SURE_RULES);
  const sureNames = new Uint8Array(buffer, SURE_NAMES_OFFSET, MAX_SURE_NAME_BYTES);
  let loadedRules: SureRules | null | undefined;
  return {
    window: new Uint8Array(buffer, 0, SCANNER_WINDOW),
    state: new Int32Array(buffer, STATE_OFFSET, SCANNER_STATE_FIELDS),
    table: new Int32Array(buffer, TABLE_OFFSET, SCANNER_TABLE_CAPACITY * SCANNER_ENTRY_FIELDS),
    levels: new Uint8Array(buffer, LEVELS_OFFSET, SCANNER_LEVELS_BYTES),
    scan: exports.scan as (length: number) => number,
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
    judge(rules) {
      if (rules === loadedRules) return;
      loadedRules = rules;
      if (rules === null) {
        sureHeader[0] = -1;
        return;
      }
      // Header: count, size limit, then (first rule, rule count) per wanted source; rules: (source, name
      // offset, name length or -1 for any, token bits).
      let r = 0;
      let at = 0;
      rules.bySource.forEach((ofSource, k) => {
        sureHeader[2 + 2 * k] = r;
        sureHeader[3 + 2 * k] = ofSource.length;
        for (const { name, tokens } of ofSource) {
          sureRuleFields[4 * r] = k;
          sureRuleFields[4 * r + 1] = at;
          sureRuleFields[4 * r + 2] = name === null ? -1 : name.length;
          sureRuleFields[4 * r + 3] = tokens;
          if (name !== null) {
            sureNames.set(name, at);
            at += name.length;
          }
          r++;
        }
      });
      sureHeader[0] = r;
      sureHeader[1] = Math.min(rules.maxRecordBytes, 0x7fffffff);
    },
  };
}

/**
 * The engine over a kernel set up for `wantedSources` and `tokens`, or null when there is no kernel here or the
 * list does not fit it (the TypeScript engine takes any list).
 */
export function wasmScanEngine(
  wantedSources: readonly Buffer[] | null,
  tokens: readonly Buffer[],
  rules: SureRules | null = null,
): RecordScanEngine | null {
  const kernel = takeKernel();
  if (!kernel) return null;
  if (!kernel.want(wantedSources)) {
    releaseKernel(kernel);
    return null;
  }
  kernel.note(tokens);
  kernel.judge(rules);
  const { window, state, levels, table } = kernel;
  let released = false;
  return {
    name: 'wasm',
    state,
    levels,
    table,
    scan(chunk, from) {
      const end = Math.min(chunk.length, from + SCANNER_WINDOW);
      window.set(chunk.subarray(from, end));
      return kernel.scan(end - from);
    },
    release() {
      if (released) return;
      released = true;
      releaseKernel(kernel);
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
