// Splits CloudTrail JSON text (`{"Records":[{...},{...}]}`) into the byte ranges of its records, chunk by
// chunk, without decoding or parsing anything but the structure around the records.
//
// Why bytes: a record is decoded only once it is complete, so UTF-8 sequences split across chunks never
// matter, and records a prefilter rejects are never decoded at all. Why a state machine that keeps its
// place: a record spanning many chunks is scanned once, byte by byte, never again from its start.
//
// Four parts, each in its module; this one hands the text from one to the next:
// - record-scan.ts: the scan engines' one interface and one state layout, which is also the splitter's state;
// - the engines, which scan the records themselves with the same result: a WebAssembly kernel
//   (wasm/record-scanner.as.ts, loaded by wasm/record-scanner.ts) that compares 32 bytes at a time with `"` and
//   `\` (the default), and the TypeScript reference and fallback (record-scan-typescript.ts), which takes 4.1-5.0x
//   the kernel's CPU time. Measured (2026-12-03, session 6's kernel, Node 22.23, the 2-core dev machine at load
//   average 7-8): the splitter alone on the 100 MB bench file's text in memory, 256 KiB chunks, main-thread CPU,
//   7 rounds interleaved, medians, three processes: with the built-in rules' wanted sources and tokens, kernel
//   86-92 ms against TypeScript 387-445 ms (4.4-5.0x); with every record handed out, 76-79 ms against 322-335 ms
//   (4.1-4.4x). (Session 5's kernel, quiet: 107-117 against 381-410 ms, 3.4-3.6x.) The command is
//   at the top of scripts/splitter-engines-bench.ts. Both check the JSON grammar of every record, skipped ones
//   too, so a broken file is an error, never a record hidden inside another (json-grammar.ts says what is checked
//   and why that is enough), and both skip records from unwanted eventSources before they become spans;
// - records-walk.ts: the structure around the records (the root object, elements that are not objects);
// - record-spans.ts: the spans handed out, assembled from what the engines report.
import {
  IN_RECORD,
  ARRAY_FIRST_ELEMENT,
  SCANNER_TABLE_CAPACITY,
  SCANNER_WINDOW,
  ScanField,
  notableTokens,
  scanStopError,
  sureRules,
  type RecordScanEngine,
} from './record-scan.js';
import { TypeScriptScanEngine } from './record-scan-typescript.js';
import { DEFAULT_MAX_RECORD_BYTES, RecordAssembler, type Span } from './record-spans.js';
import { RecordsWalk } from './records-walk.js';
import type { SureRecordRule } from './types.js';
import { sureRulesFit, wasmScanEngine } from './wasm/record-scanner.js';

export type { NonObjectSpan, OversizedSpan, RecordSpan, Span } from './record-spans.js';
export { DEFAULT_MAX_RECORD_BYTES } from './record-spans.js';

export interface RecordSplitterOptions {
  /**
   * What scans the records: 'wasm' (the default where the runtime can run it), the WebAssembly kernel in
   * wasm/record-scanner.as.ts, 4.1-5.0x less CPU time (as measured at the top of this file); 'typescript', the
   * reference implementation (record-scan-typescript.ts). Both give the same spans (test/record-scanner-wasm.test.ts).
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
  /**
   * With `wantedSources` and `tokens` (the bits are those tokens'): the prefilter's answer for the records the
   * scan is sure of (SureRecordRule). A sure record within the size limit, lying in one window, with its
   * eventName seen, its tokens known and no `\u`, that no rule passes is skipped and counted in `skipped`,
   * as a record of an unwanted source is: the prefilter would reject it.
   */
  sureRecords?: readonly SureRecordRule[];
}

export class RecordSplitter {
  private readonly file: string;
  private readonly scanEngine: RecordScanEngine;
  private readonly assembler: RecordAssembler;
  private readonly walk: RecordsWalk;

  private chunk: Buffer = Buffer.alloc(0);
  private position = 0;
  /** Offset in the whole text of `chunk[0]`. */
  private chunkOffset = 0;
  /** Spans completed and not handed out yet. */
  private pending: Span[] = [];
  private pendingNext = 0;
  /** Where in the chunk the engine stopped at a byte it leaves to the walk (or, in a record, to an error). */
  private walkAt = -1;

  constructor(file: string, options: RecordSplitterOptions = {}) {
    this.file = file;
    const wantedSources = options.wantedSources;
    const tokenBodies = notableTokens(options.tokens ?? []).map((token) => Buffer.from(token.slice(1, -1), 'utf8'));
    const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    // Rules that do not fit the kernel are applied by neither engine: the prefilter judges those records.
    const compiled =
      wantedSources && options.sureRecords
        ? sureRules(options.sureRecords, [...wantedSources], tokenBodies.length, maxRecordBytes)
        : null;
    const rules = compiled && sureRulesFit(compiled) ? compiled : null;
    const wasm =
      options.engine === 'typescript'
        ? null
        : wasmScanEngine(
            wantedSources ? [...wantedSources].map((source) => Buffer.from(source, 'utf8')) : null,
            tokenBodies,
            rules,
          );
    // A list too long for the kernel's space leaves the scan to TypeScript, which takes any list.
    this.scanEngine = wasm ?? new TypeScriptScanEngine(wantedSources, tokenBodies, rules);
    this.scanEngine.state.fill(0); // a kernel handed back by another splitter starts afresh
    this.assembler = new RecordAssembler(maxRecordBytes, wantedSources, tokenBodies.length > 0);
    this.walk = new RecordsWalk(file, this.scanEngine.state, this.scanEngine.levels, this.assembler);
  }

  /** Which engine scans the records (see RecordSplitterOptions). */
  get engine(): 'wasm' | 'typescript' {
    return this.scanEngine.name;
  }

  /** Records skipped by `wantedSources` so far. */
  get skipped(): number {
    return this.assembler.skipped;
  }

  /** The most bytes of records held across chunks at once: bounded by maxRecordBytes (tests watch it). */
  get maxBufferedBytes(): number {
    return this.assembler.maxBufferedBytes;
  }

  get maxRecordBytes(): number {
    return this.assembler.maxRecordBytes;
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
    this.walkAt = -1;
  }

  /** The next record or skipped element in the chunk, or undefined when the chunk is used up. */
  next(): Span | undefined {
    if (this.pendingNext < this.pending.length) return this.takePending();
    const chunk = this.chunk;
    const state = this.scanEngine.state;
    let i = this.position;
    while (i < chunk.length) {
      const at = state[ScanField.state]!;
      if (at >= ARRAY_FIRST_ELEMENT && at <= IN_RECORD && i !== this.walkAt) {
        i = this.scan(chunk, i);
      } else if (at === IN_RECORD) {
        // The engine stopped inside a record at a byte the JSON grammar rejects there.
        throw scanStopError(this.file, this.chunkOffset + i, chunk[i]!, state, this.scanEngine.levels);
      } else {
        i = this.walk.step(chunk, this.chunkOffset, i, this.pending);
      }
      if (this.pendingNext < this.pending.length) {
        this.position = i;
        return this.takePending();
      }
    }
    this.position = chunk.length;
    return undefined;
  }

  /** Checks, once the input has ended, that the text was complete; the engine is then given back. */
  finish(): void {
    this.release();
    this.walk.finish(this.bytesSeen);
  }

  /** Gives the engine back for another splitter (finish does); this splitter must not be used after. */
  release(): void {
    this.scanEngine.release();
  }

  /** Runs the engine from `chunk[i]`: the records it completes become pending spans. Returns where it stopped. */
  private scan(chunk: Buffer, i: number): number {
    const state = this.scanEngine.state;
    const continuing = state[ScanField.state] === IN_RECORD;
    const completed = this.scanEngine.scan(chunk, i);
    this.assembler.takeScan(this.scanEngine, completed, chunk, this.chunkOffset, i, continuing, this.pending);
    const stop = i + state[ScanField.stop]!;
    // Stopped early, not for a full table: at a byte the engine leaves to the walk (or reports as an error).
    if (stop < Math.min(chunk.length, i + SCANNER_WINDOW) && completed < SCANNER_TABLE_CAPACITY) this.walkAt = stop;
    return stop;
  }

  private takePending(): Span {
    const span = this.pending[this.pendingNext++]!;
    if (this.pendingNext === this.pending.length) {
      this.pending = [];
      this.pendingNext = 0;
    }
    return span;
  }
}
