// Splits CloudTrail JSON text (`{"Records":[{...},{...}]}`) into the byte ranges of its records, chunk by
// chunk, without decoding or parsing anything but the structure around the records.
//
// Why bytes: a record is decoded only once it is complete, so UTF-8 sequences split across chunks never
// matter, and records a prefilter rejects are never decoded at all. Why a state machine that keeps its
// place: a record spanning many chunks is scanned once, byte by byte, never again from its start.
// Two engines scan the records themselves, with the same result: a WebAssembly kernel
// (wasm/record-scanner.as.ts) that compares 16 bytes at a time with `"` and `\` and also skips records from
// unwanted eventSources before they become spans (the default: 3x faster), and the TypeScript code below,
// the reference and the fallback, which jumps over string bodies with `indexOf('"')`. Both check the JSON
// grammar of every record, skipped ones too, so a broken file is an error, never a record hidden inside
// another (json-grammar.ts says what is checked and why that is enough). Everything around the
// records (the root object, elements that are not objects, errors) is this file's code in both cases.
import { LogFileError } from '../errors.js';
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  isJsonWhitespace,
} from './json-bytes.js';
import {
  G_AFTER_VALUE,
  G_ARRAY_OPEN,
  G_ARRAY_VALUE,
  G_COLON,
  G_OBJECT_KEY,
  G_OBJECT_OPEN,
  G_OBJECT_VALUE,
  G_SCALAR,
  MAX_DEPTH,
  expectedText,
  expectsValue,
  scalarComplete,
  scalarStart,
  scalarStep,
  showByte,
} from './json-grammar.js';
import type { TopLevelHints } from './types.js';
import {
  SCANNER_ENTRY_FIELDS,
  SCANNER_LEVELS_BYTES,
  SCANNER_MAX_TOKENS,
  SCANNER_TABLE_CAPACITY,
  SCANNER_TOKENS_UNKNOWN,
  SCANNER_WINDOW,
  ScannerEntry,
  ScannerState,
  recordScanner,
  type RecordScanner,
} from './wasm/record-scanner.js';

/** A complete `{...}` element of `Records`: its bytes are `bytes[start..end)`. */
export interface RecordSpan {
  kind: 'record';
  index: number;
  offset: number;
  bytes: Buffer;
  start: number;
  end: number;
  /** Where its top-level eventSource and eventName values are, when the scan could tell (see TopLevelHints). */
  hints?: TopLevelHints;
}

/** A `Records` element that is not an object; it has been skipped. */
export interface NonObjectSpan {
  kind: 'non-object';
  index: number;
  offset: number;
  found: 'array' | 'string' | 'number' | 'boolean' | 'null' | 'token';
}

/**
 * A `{...}` element over the record size limit (RecordSplitterOptions.maxRecordBytes) that was not surely
 * from an unwanted eventSource: its bytes were not kept, so it cannot be parsed or classified.
 */
export interface OversizedSpan {
  kind: 'oversized';
  index: number;
  offset: number;
  /** Its size in bytes. */
  size: number;
}

export type Span = RecordSpan | NonObjectSpan | OversizedSpan;

/**
 * The default record size limit: 8 MiB. CloudTrail truncates a field whose contents exceed its maximum
 * size and marks the record `omitted`
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html;
 * 100 KB for requestParameters and responseElements, the fields that grow with a request, as an AWS re:Post
 * answer reads that page), and CloudTrail Lake's event size settings are Standard and Large
 * (PutEventConfiguration MaxEventSize; Large is 1 MB as we understand it, not confirmed in the pages we
 * could read). So a record from CloudTrail stays far below 8 MiB, while parsing one that size takes tens of
 * MB, not hundreds. Callers can change it (ReadOptions.maxRecordBytes).
 */
export const DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024;
/** Longest eventSource value kept for an oversized record's skip decision (names are ~30 bytes). */
const MAX_KEPT_SOURCE_BYTES = 256;

export interface RecordSplitterOptions {
  /**
   * What scans the records: 'wasm' (the default where the runtime can run it), the WebAssembly kernel in
   * wasm/record-scanner.as.ts, ~3x faster; 'typescript', the reference implementation in this file.
   * Both give the same spans (test/record-scanner-wasm.test.ts).
   */
  engine?: 'wasm' | 'typescript';
  /**
   * When given, a record whose top-level eventSource the scan saw plainly (see TopLevelHints) and which is
   * not in this set is skipped without a span, and counted in `skipped`: most of a trail never becomes an
   * object. A record the scan cannot be sure of is always handed out.
   */
  wantedSources?: ReadonlySet<string>;
  /**
   * JSON string tokens, quotes included (`"errorCode"`), whose presence the scan notes in each record's hints
   * (TopLevelHints.tokens), so a prefilter need not search for them. Only tokens `notableTokens` keeps.
   */
  tokens?: readonly string[];
  /**
   * Records longer than this are never held whole (default DEFAULT_MAX_RECORD_BYTES): once a record grows past
   * it, its bytes are dropped as they are scanned, so memory stays bounded whatever a record's size; at its end
   * it is skipped if its top-level eventSource was surely unwanted, else handed out as an OversizedSpan.
   */
  maxRecordBytes?: number;
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

// Where the scanner is in `{"Records":[...]}`. Plain numbers: this is the hot loop's switch.
const BEFORE_ROOT = 0; // expect `{`
const ROOT_FIRST_KEY = 1; // after `{`: a key or `}`
const ROOT_KEY = 2; // after `,`: a key
const ROOT_KEY_BODY = 3; // inside a key string
const ROOT_COLON = 4; // after a key
const ROOT_VALUE = 5; // after `:`
const ROOT_AFTER_VALUE = 6; // `,` or `}`
const ARRAY_FIRST_ELEMENT = 7; // after `[`: an element or `]`
const ARRAY_ELEMENT = 8; // after `,`: an element
const ARRAY_AFTER_ELEMENT = 9; // `,` or `]`
const IN_RECORD = 10; // inside a `{...}` element
const SKIP_COMPOSITE = 11; // inside an object or array being skipped
const SKIP_STRING = 12; // inside a string value being skipped
const SKIP_TOKEN = 13; // inside a number or literal being skipped
const AFTER_ROOT = 14; // only whitespace may follow

// Top-level keys of a record whose string values the splitter notes for the prefilter.
const NO_KEY = 0;
const EVENT_SOURCE_KEY = 1;
const EVENT_NAME_KEY = 2;
const EVENT_SOURCE = Buffer.from('eventSource');
const EVENT_NAME = Buffer.from('eventName');

/** Longest raw key text compared with `Records` (its longest spelling, all `\uXXXX`, is 42 bytes). */
const MAX_ROOT_KEY_BYTES = 64;

export class RecordSplitter {
  private readonly file: string;
  private state = BEFORE_ROOT;

  private chunk: Buffer = Buffer.alloc(0);
  private position = 0;
  /** Offset in the whole text of `chunk[0]`. */
  private chunkOffset = 0;

  // Scanning a composite value or string that may span chunks.
  private depth = 0;
  private inString = false;
  /** 1 when the first byte of the next chunk is escaped (the chunk ended inside an odd run of backslashes). */
  private escapeCarry = 0;
  /** State to return to once a skipped value ends. */
  private afterSkip = ROOT_AFTER_VALUE;

  // The element being read.
  private elementIndex = 0;
  private elementOffset = 0;
  private elementFound: NonObjectSpan['found'] = 'token';
  /** Where the current record starts in `chunk`; 0 when it started in an earlier chunk (see `recordParts`). */
  private recordStart = 0;
  // What the scan of the current record saw at its top level (absolute offsets; -1: not seen).
  /** Where the JSON grammar is inside the value being scanned (json-grammar.ts). */
  private expect = G_ARRAY_VALUE;
  /** One bit per open nesting level: set for an array (json-grammar.ts); grows as deep as a value nests. */
  private levels = new Uint8Array(64);
  private pendingKey = NO_KEY;
  private sourceKeys = 0;
  private nameKeys = 0;
  private sourceValue = -1;
  private sourceValueEnd = -1;
  private nameValue = -1;
  private nameValueEnd = -1;
  private hintsSure = true;
  private recordParts: Buffer[] = [];
  private recordPartsLength = 0;
  readonly maxRecordBytes: number;
  /** The current record outgrew maxRecordBytes: its parts are dropped as they come. */
  private oversized = false;
  /** Its eventSource value, kept when the record outlives the chunk holding it (for an oversized record). */
  private sourceText: string | undefined;
  /** The most bytes of records held across chunks at once: bounded by maxRecordBytes (tests watch it). */
  maxBufferedBytes = 0;

  // The top-level key being read, kept only as long as it could still spell `Records`.
  private keyParts: Buffer[] = [];
  private keyLength = 0;
  private keyIsRecords = false;
  private sawRecords = false;
  /** Offset in the text of the top-level key being read (its opening quote). */
  private keyOffset = 0;

  private readonly scanner: RecordScanner | null;
  /** Spans the kernel completed and `next()` has not handed out yet. */
  private pending: Span[] = [];
  private pendingNext = 0;
  /** Where in the chunk the kernel stopped at a byte it leaves to this class (see record-scanner.as.ts). */
  private typescriptStepAt = -1;

  private readonly wantedSources: ReadonlySet<string> | undefined;
  /** The same, as UTF-8 bytes for the kernel (one array per splitter, so the kernel reloads it only on a change). */
  private readonly wantedSourceBytes: readonly Buffer[] | null;
  /** Records skipped by `wantedSources` so far. */
  skipped = 0;
  /** Bodies of the noted tokens (see notableTokens); bit k of a record's token bits is tokenBodies[k]. */
  private readonly tokenBodies: readonly Buffer[];
  /** Bit n set when some token body is n bytes long. */
  private readonly tokenLengths: number;
  /** Token bits of the record being scanned. */
  private tokens = 0;

  constructor(file: string, options: RecordSplitterOptions = {}) {
    this.file = file;
    this.wantedSources = options.wantedSources;
    this.wantedSourceBytes = options.wantedSources
      ? [...options.wantedSources].map((source) => Buffer.from(source, 'utf8'))
      : null;
    this.tokenBodies = notableTokens(options.tokens ?? []).map((token) => Buffer.from(token.slice(1, -1), 'utf8'));
    this.tokenLengths = this.tokenBodies.reduce((mask, body) => mask | (1 << body.length), 0);
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    const scanner = options.engine === 'typescript' ? null : recordScanner();
    // A list too long for the kernel's space leaves the scan to TypeScript, which takes any list.
    this.scanner = scanner?.want(this.wantedSourceBytes) ? scanner : null;
  }

  /** Which engine scans the records (see RecordSplitterOptions). */
  get engine(): 'wasm' | 'typescript' {
    return this.scanner ? 'wasm' : 'typescript';
  }

  /** Bytes of text given so far. */
  get bytesSeen(): number {
    return this.chunkOffset + this.chunk.length;
  }

  /** Hands over the next chunk; call only once `next()` has returned undefined for the previous one. */
  push(chunk: Buffer): void {
    this.chunkOffset += this.chunk.length;
    this.chunk = chunk;
    this.position = 0;
    this.typescriptStepAt = -1;
  }

  /** The next record or skipped element in the chunk, or undefined when the chunk is used up. */
  next(): Span | undefined {
    if (this.pendingNext < this.pending.length) return this.takePending();
    const chunk = this.chunk;
    const length = chunk.length;
    let i = this.position;
    while (i < length) {
      if (this.scanner && this.state >= ARRAY_FIRST_ELEMENT && this.state <= IN_RECORD && i !== this.typescriptStepAt) {
        i = this.scanWindow(this.scanner, chunk, i);
        if (this.pendingNext < this.pending.length) {
          this.position = i;
          return this.takePending();
        }
        continue;
      }
      switch (this.state) {
        case IN_RECORD: {
          const end = this.scanComposite(chunk, i, true);
          if (end < 0) {
            this.keepRecordPart(chunk.subarray(this.recordStart));
            i = length;
            break;
          }
          this.position = end;
          this.state = ARRAY_AFTER_ELEMENT;
          const sure = this.hintsSure && this.sourceKeys <= 1 && this.nameKeys <= 1;
          if (sure && this.isUnwantedSource(chunk)) {
            this.countSkipped(1);
            this.recordParts = [];
            this.recordPartsLength = 0;
            i = end;
            break;
          }
          const span = this.completeRecord(chunk, end, sure);
          if (span) return span;
          i = end;
          break;
        }
        case ARRAY_AFTER_ELEMENT: {
          const byte = chunk[i]!;
          if (byte === COMMA) this.state = ARRAY_ELEMENT;
          else if (byte === CLOSE_BRACKET) this.state = ROOT_AFTER_VALUE;
          else if (!isJsonWhitespace(byte)) throw this.notJson(i, "expected ',' or ']' after a record");
          i++;
          break;
        }
        case ARRAY_ELEMENT:
        case ARRAY_FIRST_ELEMENT: {
          const byte = chunk[i]!;
          if (isJsonWhitespace(byte)) {
            i++;
          } else if (byte === CLOSE_BRACKET && this.state === ARRAY_FIRST_ELEMENT) {
            this.state = ROOT_AFTER_VALUE;
            i++;
          } else {
            i = this.startElement(byte, i);
          }
          break;
        }
        case SKIP_COMPOSITE: {
          const end = this.scanComposite(chunk, i, false);
          if (end < 0) {
            i = length;
            break;
          }
          i = end;
          const skipped = this.endSkip();
          if (skipped) {
            this.position = i;
            return skipped;
          }
          break;
        }
        case SKIP_STRING: {
          const close = this.stringEnd(chunk, i);
          if (close < 0) {
            i = length;
            break;
          }
          i = close + 1;
          const skipped = this.endSkip();
          if (skipped) {
            this.position = i;
            return skipped;
          }
          break;
        }
        case SKIP_TOKEN: {
          // A number or literal, checked as JSON spells them (json-grammar.ts).
          let expect = this.expect;
          for (let next = 0; i < length && (next = scalarStep(expect, chunk[i]!)) !== 0; i++) expect = next;
          this.expect = expect;
          if (i === length) break;
          if (!scalarComplete(expect)) throw this.grammarError(i, expect, 0);
          const skipped = this.endSkip();
          if (skipped) {
            this.position = i;
            return skipped;
          }
          break;
        }
        default:
          i = this.stepOutsideRecords(chunk, i);
      }
    }
    this.position = length;
    return undefined;
  }

  /**
   * Whether the record just scanned is surely from an eventSource not wanted. Its source value must lie in
   * `chunk`, as the kernel's must lie in its window: a value from an earlier chunk is not looked for.
   */
  private isUnwantedSource(chunk: Buffer): boolean {
    if (!this.wantedSources || this.sourceValue < this.chunkOffset) return false;
    return !this.wantedSources.has(
      chunk.toString('utf8', this.sourceValue - this.chunkOffset, this.sourceValueEnd - this.chunkOffset),
    );
  }

  private takePending(): Span {
    const span = this.pending[this.pendingNext++]!;
    if (this.pendingNext === this.pending.length) {
      this.pending = [];
      this.pendingNext = 0;
    }
    return span;
  }

  /**
   * Runs the WebAssembly kernel over `chunk[i..]`, at most one window: the records it completes become
   * pending spans, and its state becomes this splitter's. Returns where scanning goes on.
   */
  private scanWindow(scanner: RecordScanner, chunk: Buffer, i: number): number {
    const windowEnd = Math.min(chunk.length, i + SCANNER_WINDOW);
    scanner.want(this.wantedSourceBytes); // fits: the constructor checked
    scanner.note(this.tokenBodies);
    scanner.window.set(chunk.subarray(i, windowEnd));
    const { state, table } = scanner;
    state[ScannerState.state] = this.state;
    state[ScannerState.depth] = this.depth;
    state[ScannerState.inString] = this.inString ? 1 : 0;
    state[ScannerState.escapeCarry] = this.escapeCarry;
    state[ScannerState.expect] = this.expect;
    state[ScannerState.pendingKey] = this.pendingKey;
    state[ScannerState.sourceKeys] = this.sourceKeys;
    state[ScannerState.nameKeys] = this.nameKeys;
    state[ScannerState.unsure] = this.hintsSure ? 0 : 1;
    state[ScannerState.tokens] = this.tokens;
    // Hints an open record got from earlier windows stay here, as absolute offsets; the kernel reports new ones.
    state[ScannerState.sourceStart] =
      state[ScannerState.sourceEnd] =
      state[ScannerState.nameStart] =
      state[ScannerState.nameEnd] =
        -1;
    state[ScannerState.recordStart] = -1;
    // The nesting bits of the open levels only (a few bytes): deeper ones are written before they are read.
    scanner.levels.set(this.levels.subarray(0, (this.depth >> 3) + 1));
    const continuing = this.state === IN_RECORD;
    const completed = scanner.scan(windowEnd - i);
    if (continuing && this.recordParts.length > 0) {
      // The record begun in an earlier chunk: handed out first, still open, or else skipped.
      const handedOut = completed > 0 && table[ScannerEntry.start] === -1;
      const open =
        completed === 0 &&
        state[ScannerState.state] === IN_RECORD &&
        state[ScannerState.recordStart] === -1 &&
        state[ScannerState.skipped] === 0;
      if (!handedOut && !open) {
        this.recordParts = [];
        this.recordPartsLength = 0;
      }
    }

    const base = this.chunkOffset + i; // absolute offset of window[0]
    for (let k = 0; k < completed; k++) {
      const entry = k * SCANNER_ENTRY_FIELDS;
      this.countSkipped(table[entry + ScannerEntry.skippedBefore]!);
      this.noteRecordWindow(i, base, table[entry + ScannerEntry.start]!, table, entry + ScannerEntry.sourceStart);
      const sure = table[entry + ScannerEntry.unsure] === 0;
      this.tokens = table[entry + ScannerEntry.tokens]!;
      const span = this.completeRecord(chunk, i + table[entry + ScannerEntry.end]!, sure);
      if (span) this.pending.push(span);
    }
    this.state = state[ScannerState.state]!;
    this.depth = state[ScannerState.depth]!;
    const levelBytes = (this.depth >> 3) + 1;
    if (levelBytes > this.levels.length) {
      const grown = new Uint8Array(Math.min(SCANNER_LEVELS_BYTES, levelBytes * 2));
      grown.set(this.levels);
      this.levels = grown;
    }
    this.levels.set(scanner.levels.subarray(0, levelBytes));
    this.inString = state[ScannerState.inString] === 1;
    this.escapeCarry = state[ScannerState.escapeCarry]!;
    this.expect = state[ScannerState.expect]!;
    this.pendingKey = state[ScannerState.pendingKey]!;
    this.sourceKeys = state[ScannerState.sourceKeys]!;
    this.nameKeys = state[ScannerState.nameKeys]!;
    this.hintsSure = state[ScannerState.unsure] === 0;
    this.tokens = state[ScannerState.tokens]!;
    this.countSkipped(state[ScannerState.skipped]!);
    const stop = i + state[ScannerState.stop]!;
    if (this.state === IN_RECORD) {
      this.noteRecordWindow(i, base, state[ScannerState.recordStart]!, state, ScannerState.sourceStart);
      if (stop === chunk.length) this.keepRecordPart(chunk.subarray(this.recordStart));
    }
    // Stopped early, not for a full table: at a byte the kernel leaves to this class (in a record, a syntax
    // error, which scanComposite then reports from the same state).
    if (stop < windowEnd && completed < SCANNER_TABLE_CAPACITY) this.typescriptStepAt = stop;
    return stop;
  }

  private countSkipped(records: number): void {
    this.elementIndex += records;
    this.skipped += records;
  }

  /**
   * Takes in what the kernel saw of a record in the window at chunk position `i` (absolute `base`): where it
   * starts (-1: in an earlier window) and, from `fields[at..at+4)`, its hint values' window positions (-1: not
   * in this window; those from earlier windows are kept).
   */
  private noteRecordWindow(i: number, base: number, start: number, fields: Int32Array, at: number): void {
    if (start >= 0) {
      this.recordStart = i + start;
      this.elementOffset = base + start;
      this.sourceValue = this.sourceValueEnd = this.nameValue = this.nameValueEnd = -1;
      this.oversized = false;
      this.sourceText = undefined;
    }
    const sourceStart = fields[at]!;
    const nameStart = fields[at + 2]!;
    if (sourceStart >= 0) {
      this.sourceValue = base + sourceStart;
      this.sourceValueEnd = base + fields[at + 1]!;
    }
    if (nameStart >= 0) {
      this.nameValue = base + nameStart;
      this.nameValueEnd = base + fields[at + 3]!;
    }
  }

  /** Checks, once the input has ended, that the text was complete. */
  finish(): void {
    if (this.state === AFTER_ROOT) return;
    const end = this.bytesSeen;
    if (this.state === BEFORE_ROOT) {
      throw new LogFileError('NOT_JSON', { file: this.file, offset: end }, 'the file holds no JSON text');
    }
    const inElement = this.state === IN_RECORD || this.afterSkipIsElement();
    throw new LogFileError(
      'TRUNCATED_JSON',
      { file: this.file, offset: end, ...(inElement ? { recordIndex: this.elementIndex } : {}) },
      inElement ? 'the file ends inside a record' : 'the file ends before its JSON text is complete',
    );
  }

  /** One step through the structure around the `Records` array: the rarely-taken path. Returns the next position. */
  private stepOutsideRecords(chunk: Buffer, i: number): number {
    const byte = chunk[i]!;
    if (this.state === ROOT_KEY_BODY) return this.readRootKey(chunk, i);
    if (isJsonWhitespace(byte)) return i + 1;
    switch (this.state) {
      case BEFORE_ROOT:
        if (byte !== OPEN_BRACE) throw this.notJson(i, "a CloudTrail log file starts with '{'");
        this.state = ROOT_FIRST_KEY;
        return i + 1;
      case ROOT_FIRST_KEY:
      case ROOT_KEY:
        if (byte === CLOSE_BRACE && this.state === ROOT_FIRST_KEY) return this.endRoot(i);
        if (byte !== QUOTE) throw this.notJson(i, 'expected a key in the top-level object');
        this.keyOffset = this.chunkOffset + i;
        this.keyParts = [];
        this.keyLength = 0;
        this.state = ROOT_KEY_BODY;
        return i + 1;
      case ROOT_COLON:
        if (byte !== COLON) throw this.notJson(i, "expected ':' after a key");
        this.state = ROOT_VALUE;
        return i + 1;
      case ROOT_VALUE:
        return this.startRootValue(byte, i);
      case ROOT_AFTER_VALUE:
        if (byte === COMMA) this.state = ROOT_KEY;
        else if (byte === CLOSE_BRACE) return this.endRoot(i);
        else throw this.notJson(i, "expected ',' or '}' in the top-level object");
        return i + 1;
      case AFTER_ROOT:
        throw this.notJson(i, 'unexpected text after the top-level object');
      default:
        throw new Error(`record splitter: unexpected state ${this.state}`);
    }
  }

  private readRootKey(chunk: Buffer, i: number): number {
    const close = this.stringEnd(chunk, i);
    const bodyEnd = close < 0 ? chunk.length : close;
    if (this.keyLength <= MAX_ROOT_KEY_BYTES) {
      this.keyParts.push(chunk.subarray(i, bodyEnd));
      this.keyLength += bodyEnd - i;
    }
    if (close < 0) return chunk.length;
    this.keyIsRecords = this.keyLength <= MAX_ROOT_KEY_BYTES && spellsRecords(Buffer.concat(this.keyParts));
    if (this.keyIsRecords && this.sawRecords) {
      // JSON.parse keeps the last of two equal keys, other parsers the first: which records the file holds
      // would depend on who reads it, so it holds none we can vouch for (the first array's were delivered).
      throw new LogFileError(
        'DUPLICATE_RECORDS',
        { file: this.file, offset: this.keyOffset },
        "a second 'Records' key in the top-level object",
      );
    }
    this.keyParts = [];
    this.state = ROOT_COLON;
    return close + 1;
  }

  private startRootValue(byte: number, i: number): number {
    if (this.keyIsRecords) {
      if (byte !== OPEN_BRACKET) {
        if (byte === COMMA || byte === COLON || byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
          throw this.notJson(i, "expected the value of 'Records'");
        }
        throw new LogFileError('NO_RECORDS_ARRAY', this.location(i), "'Records' is not an array");
      }
      this.sawRecords = true;
      this.state = ARRAY_FIRST_ELEMENT;
      return i + 1;
    }
    if (isStructural(byte) && byte !== OPEN_BRACE && byte !== OPEN_BRACKET && byte !== QUOTE) {
      throw this.notJson(i, 'expected a value in the top-level object');
    }
    return this.startSkip(byte, i, ROOT_AFTER_VALUE);
  }

  private endRoot(i: number): number {
    if (!this.sawRecords) {
      throw new LogFileError('NO_RECORDS_ARRAY', this.location(i), "the top-level object has no 'Records' array");
    }
    this.state = AFTER_ROOT;
    return i + 1;
  }

  /** Begins the element whose first byte is `chunk[i]`. Returns where scanning it goes on. */
  private startElement(byte: number, i: number): number {
    this.elementOffset = this.chunkOffset + i;
    if (byte === OPEN_BRACE) {
      this.state = IN_RECORD;
      this.recordStart = i;
      this.expect = G_ARRAY_VALUE;
      this.pendingKey = NO_KEY;
      this.sourceKeys = this.nameKeys = 0;
      this.sourceValue = this.sourceValueEnd = this.nameValue = this.nameValueEnd = -1;
      this.oversized = false;
      this.sourceText = undefined;
      this.hintsSure = true;
      this.tokens = 0;
      return i;
    }
    if (isStructural(byte) && byte !== OPEN_BRACKET && byte !== QUOTE) {
      throw this.notJson(i, "expected a record in 'Records'");
    }
    this.elementFound = elementKind(byte);
    return this.startSkip(byte, i, ARRAY_AFTER_ELEMENT);
  }

  /** Begins skipping the value whose first byte is `chunk[i]`. Returns where scanning it goes on. */
  private startSkip(byte: number, i: number, afterSkip: number): number {
    this.afterSkip = afterSkip;
    this.depth = 0;
    if (byte === QUOTE) {
      this.state = SKIP_STRING;
      return i + 1;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      // The opening bracket is taken by scanComposite, as a value.
      this.state = SKIP_COMPOSITE;
      this.expect = G_ARRAY_VALUE;
      return i;
    }
    this.state = SKIP_TOKEN;
    this.expect = scalarStart(byte);
    if (this.expect === 0) throw this.notJson(i, `expected a value, found ${showByte(byte)}`);
    return i + 1;
  }

  /** Leaves a skipped value; when it was a `Records` element, the span that reports it. */
  private endSkip(): NonObjectSpan | undefined {
    this.state = this.afterSkip;
    if (this.afterSkip !== ARRAY_AFTER_ELEMENT) return undefined;
    return { kind: 'non-object', index: this.elementIndex++, offset: this.elementOffset, found: this.elementFound };
  }

  private afterSkipIsElement(): boolean {
    return (
      (this.state === SKIP_COMPOSITE || this.state === SKIP_STRING || this.state === SKIP_TOKEN) &&
      this.afterSkip === ARRAY_AFTER_ELEMENT
    );
  }

  /** Keeps the part of the current record that `chunk` holds, as the chunk ends inside the record. */
  private keepRecordPart(part: Buffer): void {
    this.recordStart = 0;
    if (
      this.sourceText === undefined &&
      this.sourceValue >= this.chunkOffset &&
      this.sourceValueEnd - this.sourceValue <= MAX_KEPT_SOURCE_BYTES
    ) {
      this.sourceText = this.chunk.toString(
        'utf8',
        this.sourceValue - this.chunkOffset,
        this.sourceValueEnd - this.chunkOffset,
      );
    }
    if (this.oversized) return;
    if (this.recordPartsLength + part.length > this.maxRecordBytes) {
      // Past the limit nothing of it is kept: whatever it turns out to be, it will not be parsed.
      this.oversized = true;
      this.recordParts = [];
      this.recordPartsLength = 0;
      return;
    }
    this.recordParts.push(part);
    this.recordPartsLength += part.length;
    if (this.recordPartsLength > this.maxBufferedBytes) this.maxBufferedBytes = this.recordPartsLength;
  }

  /**
   * The span of the record that ends at `chunk[end]`; `sure`: whether its hints can be trusted. Undefined when
   * the record is over the size limit and surely from an eventSource not wanted: it is then only counted.
   */
  private completeRecord(chunk: Buffer, end: number, sure: boolean): RecordSpan | OversizedSpan | undefined {
    const size = this.chunkOffset + end - this.elementOffset;
    if (this.oversized || size > this.maxRecordBytes) {
      this.oversized = false;
      this.recordParts = [];
      this.recordPartsLength = 0;
      const source =
        this.sourceValue >= this.chunkOffset
          ? chunk.toString('utf8', this.sourceValue - this.chunkOffset, this.sourceValueEnd - this.chunkOffset)
          : this.sourceText;
      if (sure && this.wantedSources && source !== undefined && !this.wantedSources.has(source)) {
        this.countSkipped(1);
        return undefined;
      }
      return { kind: 'oversized', index: this.elementIndex++, offset: this.elementOffset, size };
    }
    const index = this.elementIndex++;
    if (this.recordParts.length === 0) {
      return this.withHints(
        { kind: 'record', index, offset: this.elementOffset, bytes: chunk, start: this.recordStart, end },
        sure,
      );
    }
    // Joined once, when the record is complete: O(record size) however many chunks it spans.
    this.recordParts.push(chunk.subarray(0, end));
    const bytes = Buffer.concat(this.recordParts, this.recordPartsLength + end);
    this.recordParts = [];
    this.recordPartsLength = 0;
    return this.withHints(
      { kind: 'record', index, offset: this.elementOffset, bytes, start: 0, end: bytes.length },
      sure,
    );
  }

  private withHints(span: RecordSpan, sure: boolean): RecordSpan {
    if (!sure) return span;
    // Absolute offsets in the text -> positions in span.bytes.
    const shift = span.start - span.offset;
    span.hints = {
      sourceStart: this.sourceValue < 0 ? -1 : this.sourceValue + shift,
      sourceEnd: this.sourceValue < 0 ? -1 : this.sourceValueEnd + shift,
      nameStart: this.nameValue < 0 ? -1 : this.nameValue + shift,
      nameEnd: this.nameValue < 0 ? -1 : this.nameValueEnd + shift,
      tokens: this.tokenBodies.length === 0 || (this.tokens & SCANNER_TOKENS_UNKNOWN) !== 0 ? -1 : this.tokens,
    };
    return span;
  }

  /**
   * A string at the top level of a record, body `chunk[from..close)`: a key after `{` or `,`, a value after `:`.
   * Notes the values of the eventSource and eventName keys; a key with escapes could spell either, so it makes
   * the record's hints unsure (only longer keys can: an escape takes 6 bytes for one character).
   */
  private topLevelString(chunk: Buffer, from: number, close: number, key: boolean): void {
    const length = close - from;
    if (key) {
      this.pendingKey = NO_KEY;
      if (length === EVENT_SOURCE.length && bytesEqual(chunk, from, EVENT_SOURCE)) {
        this.pendingKey = EVENT_SOURCE_KEY;
        this.sourceKeys++;
      } else if (length === EVENT_NAME.length && bytesEqual(chunk, from, EVENT_NAME)) {
        this.pendingKey = EVENT_NAME_KEY;
        this.nameKeys++;
      } else if (length > EVENT_NAME.length && hasBackslash(chunk, from, close)) {
        this.hintsSure = false;
      }
      return;
    }
    if (this.pendingKey === NO_KEY) return;
    if (hasBackslash(chunk, from, close)) this.hintsSure = false;
    const start = this.chunkOffset + from;
    const end = this.chunkOffset + close;
    if (this.pendingKey === EVENT_SOURCE_KEY) {
      this.sourceValue = start;
      this.sourceValueEnd = end;
    } else {
      this.nameValue = start;
      this.nameValueEnd = end;
    }
    this.pendingKey = NO_KEY;
  }

  /** Sets the bit of the token whose body is `chunk[from..from+length)`, if one is. */
  private noteToken(chunk: Buffer, from: number, length: number): void {
    this.tokenBodies.forEach((body, k) => {
      if (body.length === length && bytesEqual(chunk, from, body)) this.tokens |= 1 << k;
    });
  }

  /**
   * Scans an object or array from `chunk[i]` (its opening bracket, or where the previous chunk left off),
   * checking the JSON grammar on the way (json-grammar.ts says what and why). Returns the index just past its
   * closing bracket, or -1 when the chunk ends first; throws NOT_JSON at the first byte JSON cannot have there.
   */
  private scanComposite(chunk: Buffer, i: number, record: boolean): number {
    const length = chunk.length;
    let depth = this.depth;
    let expect = this.expect;
    if (this.inString) {
      const close = this.stringEnd(chunk, i);
      if (close < 0) return -1;
      i = close + 1;
    }
    while (i < length) {
      const byte = chunk[i]!;
      if (expect >= G_SCALAR) {
        const next = scalarStep(expect, byte);
        if (next !== 0) {
          expect = next;
          i++;
          continue;
        }
        if (!scalarComplete(expect)) throw this.grammarError(i, expect, depth);
        expect = G_AFTER_VALUE;
      }
      if (byte === QUOTE) {
        const key = expect === G_OBJECT_OPEN || expect === G_OBJECT_KEY;
        if (!key && !expectsValue(expect)) throw this.grammarError(i, expect, depth);
        const before = expect;
        // Set before the string's end is found: a string cut by the chunk resumes in the state after it.
        expect = key ? G_COLON : G_AFTER_VALUE;
        const close = this.stringEnd(chunk, i + 1);
        if (close < 0) {
          // A top-level key, or a noted key's value, split across chunks is not looked at: the record gets no
          // hints. Other values do not matter (a huge one is usually what spans the chunks).
          if (record && depth === 1 && (key || this.pendingKey !== NO_KEY)) this.hintsSure = false;
          if (record) this.tokens |= SCANNER_TOKENS_UNKNOWN;
          this.depth = depth;
          this.expect = expect;
          return -1;
        }
        // Most top-level strings are values of other keys: only keys, and a noted key's value, are looked at.
        if (record && depth === 1 && (key || this.pendingKey !== NO_KEY)) this.topLevelString(chunk, i + 1, close, key);
        const length = close - i - 1;
        if (record && length < 32 && (this.tokenLengths & (1 << length)) !== 0) this.noteToken(chunk, i + 1, length);
        i = close + 1;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (!expectsValue(expect)) throw this.grammarError(i, expect, depth);
        if (depth === MAX_DEPTH) throw this.notJson(i, `nested deeper than ${MAX_DEPTH} levels`);
        depth++;
        this.setLevel(depth, byte === OPEN_BRACKET);
        expect = byte === OPEN_BRACE ? G_OBJECT_OPEN : G_ARRAY_OPEN;
        i++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        const inArray = this.isArrayLevel(depth);
        const open = inArray ? G_ARRAY_OPEN : G_OBJECT_OPEN;
        if (inArray !== (byte === CLOSE_BRACKET) || (expect !== G_AFTER_VALUE && expect !== open))
          throw this.grammarError(i, expect, depth);
        depth--;
        expect = G_AFTER_VALUE;
        i++;
        if (depth === 0) {
          this.depth = 0;
          this.expect = expect;
          return i;
        }
      } else if (byte === COMMA) {
        if (expect !== G_AFTER_VALUE) throw this.grammarError(i, expect, depth);
        expect = this.isArrayLevel(depth) ? G_ARRAY_VALUE : G_OBJECT_KEY;
        i++;
      } else if (byte === COLON) {
        if (expect !== G_COLON) throw this.grammarError(i, expect, depth);
        expect = G_OBJECT_VALUE;
        i++;
      } else if (isJsonWhitespace(byte)) {
        i++;
      } else {
        const scalar = expectsValue(expect) ? scalarStart(byte) : 0;
        if (scalar === 0) throw this.grammarError(i, expect, depth);
        expect = scalar;
        i++;
      }
    }
    this.depth = depth;
    this.expect = expect;
    return -1;
  }

  /** Whether nesting level `depth` (1: the outermost) is an array. */
  private isArrayLevel(depth: number): boolean {
    return (this.levels[depth >> 3]! & (1 << (depth & 7))) !== 0;
  }

  private setLevel(depth: number, isArray: boolean): void {
    const at = depth >> 3;
    if (at >= this.levels.length) {
      const grown = new Uint8Array(Math.min(MAX_DEPTH / 8 + 1, this.levels.length * 4));
      grown.set(this.levels);
      this.levels = grown;
    }
    if (isArray) this.levels[at]! |= 1 << (depth & 7);
    else this.levels[at]! &= ~(1 << (depth & 7));
  }

  private grammarError(i: number, expect: number, depth: number): LogFileError {
    const byte = this.chunk[i]!;
    return this.notJson(
      i,
      `expected ${expectedText(expect, depth > 0 && this.isArrayLevel(depth))}, found ${showByte(byte)}`,
    );
  }

  /**
   * Index of the quote that ends the string whose body continues at `chunk[from]`, or -1 when the chunk
   * ends first (the string and its escape state then carry over to the next chunk).
   * A quote is escaped when an odd number of backslashes precede it; a run of backslashes that reaches the
   * start of the chunk continues the run the previous chunk ended with.
   */
  private stringEnd(chunk: Buffer, from: number): number {
    let quote = chunk.indexOf(QUOTE, from);
    while (quote !== -1) {
      let before = quote - 1;
      while (before >= 0 && chunk[before] === BACKSLASH) before--;
      const backslashes = quote - 1 - before + (before < 0 ? this.escapeCarry : 0);
      if ((backslashes & 1) === 0) {
        this.inString = false;
        this.escapeCarry = 0;
        return quote;
      }
      quote = chunk.indexOf(QUOTE, quote + 1);
    }
    let before = chunk.length - 1;
    while (before >= 0 && chunk[before] === BACKSLASH) before--;
    const trailing = chunk.length - 1 - before + (before < 0 ? this.escapeCarry : 0);
    this.inString = true;
    this.escapeCarry = trailing & 1;
    return -1;
  }

  private location(i: number): { file: string; offset: number } {
    return { file: this.file, offset: this.chunkOffset + i };
  }

  private notJson(i: number, detail: string): LogFileError {
    return new LogFileError('NOT_JSON', this.location(i), `not a CloudTrail log file: ${detail}`);
  }
}

/** Bytes that are JSON punctuation: they cannot start or continue a number or literal. */
function isStructural(byte: number): boolean {
  return (
    byte === COMMA ||
    byte === COLON ||
    byte === QUOTE ||
    byte === OPEN_BRACE ||
    byte === CLOSE_BRACE ||
    byte === OPEN_BRACKET ||
    byte === CLOSE_BRACKET
  );
}

function elementKind(firstByte: number): NonObjectSpan['found'] {
  if (firstByte === OPEN_BRACKET) return 'array';
  if (firstByte === QUOTE) return 'string';
  if (firstByte === 0x6e) return 'null';
  if (firstByte === 0x74 || firstByte === 0x66) return 'boolean';
  if (firstByte === 0x2d || (firstByte >= 0x30 && firstByte <= 0x39)) return 'number';
  return 'token';
}

const RECORDS = Buffer.from('Records');

/** Whether a raw key body (between its quotes) decodes to `Records`, escapes included. */
function spellsRecords(body: Buffer): boolean {
  if (!body.includes(BACKSLASH)) return body.equals(RECORDS);
  try {
    return JSON.parse(`"${body.toString('utf8')}"`) === 'Records';
  } catch {
    return false;
  }
}

/** Whether `chunk[from..to)` holds a backslash; for short strings, where a bounded loop beats indexOf. */
function hasBackslash(chunk: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (chunk[i] === BACKSLASH) return true;
  return false;
}

/** Whether `chunk` holds `word` at `from`; a JS loop, as a native compare per key costs more than it saves. */
function bytesEqual(chunk: Buffer, from: number, word: Buffer): boolean {
  for (let i = 0; i < word.length; i++) if (chunk[from + i] !== word[i]) return false;
  return true;
}
