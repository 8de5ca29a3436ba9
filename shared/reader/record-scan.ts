// What the two record scan engines share: one interface (RecordScanEngine), one state layout (an Int32Array of
// the fields below, one bit per nesting level, a table of completed records), and the numbers of the splitter's
// states. The WebAssembly kernel (wasm/record-scanner.as.ts) keeps these in its linear memory, where the splitter
// reads and writes them through views; the TypeScript engine (record-scan-typescript.ts) keeps them in plain
// typed arrays of the same shape. Either way the splitter (record-splitter.ts) holds no copy of its own: the
// engine's state vector IS the splitter's state, so nothing is copied in or out around a scan.
//
// The kernel restates these numbers (AssemblyScript cannot import TypeScript): its comments point here.
import { LogFileError } from '../errors.js';
import type { SureRecordRule } from './types.js';
import { OPEN_BRACE, OPEN_BRACKET } from './json-bytes.js';
import {
  G_AFTER_VALUE,
  G_SCALAR,
  MAX_DEPTH,
  expectedText,
  expectsValue,
  scalarComplete,
  showByte,
} from './json-grammar.js';

/** Bytes of text an engine scans per call at most (the kernel's window). */
export const SCANNER_WINDOW = 1 << 20;
/** Records an engine completes per call at most. */
export const SCANNER_TABLE_CAPACITY = 2048;
/** Int32 fields in the state vector (room to spare: see ScanField). */
export const SCANNER_STATE_FIELDS = 32;
/** Int32 fields per record in the table (see ScanEntry). */
export const SCANNER_ENTRY_FIELDS = 10;
/** Tokens an engine can note per record (one bit each; bit 31 is SCANNER_TOKENS_UNKNOWN). */
export const SCANNER_MAX_TOKENS = 31;
/** In a record's token bits: a string was cut by the window, so a token may have been missed. */
export const SCANNER_TOKENS_UNKNOWN = 1 << 31;
/** One bit per nesting level (set: an array), MAX_DEPTH levels (json-grammar.ts). */
export const SCANNER_LEVELS_BYTES = MAX_DEPTH / 8 + 1;

/**
 * Indexes into the state vector. Window positions are relative to the first byte the current call scans (-1:
 * none in this call); an engine sets them to -1 as each call starts.
 */
export const ScanField = {
  /** Where the splitter is in `{"Records":[...]}`: one of the states below. */
  state: 0,
  /** Open nesting levels of the value being scanned. */
  depth: 1,
  /** 1 when the text so far ends inside a string. */
  inString: 2,
  /** 1 when the next call's first byte is escaped (the text ended inside an odd run of backslashes). */
  escapeCarry: 3,
  /** Where the JSON grammar is (json-grammar.ts). */
  expect: 4,
  /** The open record's top-level key whose string value comes next: NO_KEY, EVENT_SOURCE_KEY, EVENT_NAME_KEY. */
  pendingKey: 5,
  /** How many top-level eventSource keys the open record has shown. */
  sourceKeys: 6,
  nameKeys: 7,
  /** 1 when the open record's hints cannot be trusted. */
  unsure: 8,
  /** Window positions of the open record's top-level eventSource and eventName values seen in this call. */
  sourceStart: 9,
  sourceEnd: 10,
  nameStart: 11,
  nameEnd: 12,
  /** Window position of the open record's `{` when it began in this call. */
  recordStart: 13,
  /** Window position where the call stopped. */
  stop: 14,
  /** Records skipped after the last table entry. */
  skipped: 15,
  /** Token bits of the open record. */
  tokens: 16,
  /** 1 when the open record's bytes hold `\u` (see SureRecordRule). */
  unicode: 17,
} as const;

/**
 * Indexes into a completed record's table entry (entry k starts at k * SCANNER_ENTRY_FIELDS): its `{` (-1:
 * before this call), just past its `}`, its hint values' window positions (-1: not in this call), 1 when the
 * hints cannot be trusted, how many records were skipped just before it, its token bits.
 */
export const ScanEntry = {
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

// The splitter's states (ScanField.state). An engine runs only in the four from ARRAY_FIRST_ELEMENT to
// IN_RECORD; the others are the walk around the records (records-walk.ts).
export const BEFORE_ROOT = 0; // expect `{`
export const ROOT_FIRST_KEY = 1; // after `{`: a key or `}`
export const ROOT_KEY = 2; // after `,`: a key
export const ROOT_KEY_BODY = 3; // inside a key string
export const ROOT_COLON = 4; // after a key
export const ROOT_VALUE = 5; // after `:`
export const ROOT_AFTER_VALUE = 6; // `,` or `}`
export const ARRAY_FIRST_ELEMENT = 7; // after `[`: an element or `]`
export const ARRAY_ELEMENT = 8; // after `,`: an element
export const ARRAY_AFTER_ELEMENT = 9; // `,` or `]`
export const IN_RECORD = 10; // inside a `{...}` element
export const SKIP_COMPOSITE = 11; // inside an object or array being skipped
export const SKIP_STRING = 12; // inside a string value being skipped
export const SKIP_TOKEN = 13; // inside a number or literal being skipped
export const AFTER_ROOT = 14; // only whitespace may follow

// ScanField.pendingKey values.
export const NO_KEY = 0;
export const EVENT_SOURCE_KEY = 1;
export const EVENT_NAME_KEY = 2;

/**
 * A record scan engine. From the state in `state`, it scans `chunk[from..]`, at most SCANNER_WINDOW bytes, while
 * the splitter is inside the `Records` array: the records and the commas and whitespace between them. It stops
 * at the end of the chunk or window, when its table is full, or at any byte it leaves to the splitter (`]`, an
 * element that is not an object, a byte the JSON grammar rejects, which the splitter reports: scanStopError).
 * Records surely from an eventSource not wanted are skipped and counted, never entered in the table.
 */
export interface RecordScanEngine {
  readonly name: 'wasm' | 'typescript';
  readonly state: Int32Array;
  /** The nesting bits: bit d of the array is level d (json-grammar.ts). */
  readonly levels: Uint8Array;
  readonly table: Int32Array;
  /** Scans from `chunk[from]`; returns how many records it completed into `table`. ScanField.stop: where it stopped. */
  scan(chunk: Buffer, from: number): number;
  /** Gives the engine back (the kernel's instance is reused); the engine must not be used after. */
  release(): void;
}

/** Whether nesting level `depth` (1: the outermost) is an array. */
export function isArrayLevel(levels: Uint8Array, depth: number): boolean {
  return (levels[depth >> 3]! & (1 << (depth & 7))) !== 0;
}

export function setLevel(levels: Uint8Array, depth: number, isArray: boolean): void {
  const at = depth >> 3;
  if (isArray) levels[at]! |= 1 << (depth & 7);
  else levels[at]! &= ~(1 << (depth & 7));
}

/**
 * The error at `chunk[i]`, a byte an engine stopped at inside a value because the JSON grammar rejects it
 * there: what the grammar expected, from the state the engine stopped in.
 */
export function scanStopError(
  file: string,
  offset: number,
  byte: number,
  state: Int32Array,
  levels: Uint8Array,
): LogFileError {
  const depth = state[ScanField.depth]!;
  let expect = state[ScanField.expect]!;
  // A complete number or literal ends at the byte after it, which is then judged as what follows a value.
  if (expect >= G_SCALAR && scalarComplete(expect)) expect = G_AFTER_VALUE;
  const opens = byte === OPEN_BRACE || byte === OPEN_BRACKET;
  const detail =
    opens && expectsValue(expect) && depth === MAX_DEPTH
      ? `nested deeper than ${MAX_DEPTH} levels`
      : `expected ${expectedText(expect, depth > 0 && isArrayLevel(levels, depth))}, found ${showByte(byte)}`;
  return new LogFileError('NOT_JSON', { file, offset }, `not a CloudTrail log file: ${detail}`);
}

/**
 * The tokens a scan notes, in the order their bits take: the first 31 that are a whole JSON string of 1..31
 * bytes with no quote or backslash inside. In valid JSON such a token's bytes occur exactly where a string
 * equals it, so noting equal strings is the same as searching the bytes.
 */
export function notableTokens(tokens: readonly string[]): string[] {
  return tokens
    .filter((token) => /^"[^"\\]{1,31}"$/.test(token) && Buffer.byteLength(token) <= 33)
    .slice(0, SCANNER_MAX_TOKENS);
}

/** Whether `chunk` holds `word` at `from`; a JS loop, as a native compare per key costs more than it saves. */
export function bytesEqual(chunk: Uint8Array, from: number, word: Uint8Array): boolean {
  for (let i = 0; i < word.length; i++) if (chunk[from + i] !== word[i]) return false;
  return true;
}

/**
 * SureRecordRules (types.ts) as the engines apply them: by the index of their source in the wanted list, the
 * names as bytes, and the record size limit (a larger record is reported, never judged).
 */
export interface SureRules {
  readonly bySource: readonly (readonly { readonly name: Buffer | null; readonly tokens: number }[])[];
  readonly maxRecordBytes: number;
}

/**
 * The rules for an engine that skips records of sources not in `wanted` and notes `tokenCount` tokens, or null
 * when they cannot be applied: a rule's source not in the list, or token bits with no tokens noted.
 */
export function sureRules(
  rules: readonly SureRecordRule[],
  wanted: readonly string[],
  tokenCount: number,
  maxRecordBytes: number,
): SureRules | null {
  const index = new Map(wanted.map((source, k) => [source, k]));
  const bySource: { name: Buffer | null; tokens: number }[][] = wanted.map(() => []);
  for (const rule of rules) {
    const k = index.get(rule.source);
    if (k === undefined || (rule.tokens !== 0 && rule.tokens >>> tokenCount !== 0)) return null;
    bySource[k]!.push({ name: rule.name === null ? null : Buffer.from(rule.name, 'utf8'), tokens: rule.tokens });
  }
  return { bySource, maxRecordBytes };
}

/**
 * Whether a sure record of wanted source `k`, whose eventName value is `chunk[nameStart..nameEnd)`, with token
 * bits `tokens` (known) and no `\u`, passes the rules: the kernel's surePasses, statement for statement.
 */
export function surePasses(
  rules: SureRules,
  k: number,
  chunk: Uint8Array,
  nameStart: number,
  nameEnd: number,
  tokens: number,
): boolean {
  const length = nameEnd - nameStart;
  for (const rule of rules.bySource[k]!) {
    if ((rule.tokens & ~tokens) !== 0) continue;
    if (rule.name === null) return true;
    if (rule.name.length === length && bytesEqual(chunk, nameStart, rule.name)) return true;
  }
  return false;
}
