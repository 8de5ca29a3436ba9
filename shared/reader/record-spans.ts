// Assembles what a record scan engine reports (record-scan.ts: a table of completed records, and the state of
// the one still open) into spans the reader decodes: a record's bytes, joined once when it spans chunks, its
// hints as positions in those bytes, and the size limit that keeps memory bounded whatever a record's size.
import {
  SCANNER_ENTRY_FIELDS,
  SCANNER_TOKENS_UNKNOWN,
  ScanEntry,
  ScanField,
  IN_RECORD,
  type RecordScanEngine,
} from './record-scan.js';
import type { TopLevelHints } from './types.js';

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

export class RecordAssembler {
  readonly maxRecordBytes: number;
  private readonly wantedSources: ReadonlySet<string> | undefined;
  /** Whether any tokens are noted: without, a record's token bits say nothing (-1). */
  private readonly notesTokens: boolean;
  /** Index in `Records` of the next element. */
  private elementIndex = 0;
  /** Records skipped by eventSource so far. */
  skipped = 0;
  /** The most bytes of records held across chunks at once: bounded by maxRecordBytes (tests watch it). */
  maxBufferedBytes = 0;

  // The open record.
  /** Offset in the text of its `{`. */
  private elementOffset = 0;
  /** Where it starts in the current chunk; 0 when it started in an earlier chunk (see `recordParts`). */
  private recordStart = 0;
  // Where its top-level eventSource and eventName values are (absolute offsets; -1: not seen).
  private sourceValue = -1;
  private sourceValueEnd = -1;
  private nameValue = -1;
  private nameValueEnd = -1;
  private recordParts: Buffer[] = [];
  private recordPartsLength = 0;
  /** It outgrew maxRecordBytes: its parts are dropped as they come. */
  private oversized = false;
  /** Its eventSource value, kept when the record outlives the chunk holding it (for an oversized record). */
  private sourceText: string | undefined;

  constructor(maxRecordBytes: number, wantedSources: ReadonlySet<string> | undefined, notesTokens: boolean) {
    this.maxRecordBytes = maxRecordBytes;
    this.wantedSources = wantedSources;
    this.notesTokens = notesTokens;
  }

  /** Index of the element being read (for an error that ends the file inside it). */
  get index(): number {
    return this.elementIndex;
  }

  /** The span of a `Records` element at text offset `offset` that is not an object, once it has been skipped. */
  nonObject(offset: number, found: NonObjectSpan['found']): NonObjectSpan {
    return { kind: 'non-object', index: this.elementIndex++, offset, found };
  }

  /**
   * Takes in one call of `engine` that scanned `chunk` from `from` (`chunkOffset`: the text offset of `chunk[0]`)
   * and completed `completed` records: their spans go to `out`, in order. `continuing`: the call began inside a
   * record.
   */
  takeScan(
    engine: RecordScanEngine,
    completed: number,
    chunk: Buffer,
    chunkOffset: number,
    from: number,
    continuing: boolean,
    out: Span[],
  ): void {
    const { state, table } = engine;
    if (continuing && this.recordParts.length > 0) {
      // The record begun in an earlier chunk: handed out first, still open, or else skipped.
      const handedOut = completed > 0 && table[ScanEntry.start] === -1;
      const open =
        completed === 0 &&
        state[ScanField.state] === IN_RECORD &&
        state[ScanField.recordStart] === -1 &&
        state[ScanField.skipped] === 0;
      if (!handedOut && !open) {
        this.recordParts = [];
        this.recordPartsLength = 0;
      }
    }
    const base = chunkOffset + from; // text offset of the call's first byte
    for (let k = 0; k < completed; k++) {
      const entry = k * SCANNER_ENTRY_FIELDS;
      this.countSkipped(table[entry + ScanEntry.skippedBefore]!);
      this.noteWindow(from, base, table[entry + ScanEntry.start]!, table, entry + ScanEntry.sourceStart);
      const sure = table[entry + ScanEntry.unsure] === 0;
      const span = this.completeRecord(
        chunk,
        chunkOffset,
        from + table[entry + ScanEntry.end]!,
        sure,
        table[entry + ScanEntry.tokens]!,
      );
      if (span) out.push(span);
    }
    this.countSkipped(state[ScanField.skipped]!);
    if (state[ScanField.state] === IN_RECORD) {
      this.noteWindow(from, base, state[ScanField.recordStart]!, state, ScanField.sourceStart);
      if (from + state[ScanField.stop]! === chunk.length) this.keepRecordPart(chunk, chunkOffset);
    }
  }

  private countSkipped(records: number): void {
    this.elementIndex += records;
    this.skipped += records;
  }

  /**
   * Takes in what the engine saw of a record in the call from chunk position `from` (text offset `base`): where it
   * starts (-1: in an earlier call) and, from `fields[at..at+4)`, its hint values' positions in the call (-1: not
   * in it; those from earlier calls are kept).
   */
  private noteWindow(from: number, base: number, start: number, fields: Int32Array, at: number): void {
    if (start >= 0) {
      this.recordStart = from + start;
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

  /** Keeps the part of the open record that `chunk` holds, as the chunk ends inside the record. */
  private keepRecordPart(chunk: Buffer, chunkOffset: number): void {
    const part = chunk.subarray(this.recordStart);
    this.recordStart = 0;
    if (
      this.sourceText === undefined &&
      this.sourceValue >= chunkOffset &&
      this.sourceValueEnd - this.sourceValue <= MAX_KEPT_SOURCE_BYTES
    ) {
      this.sourceText = chunk.toString('utf8', this.sourceValue - chunkOffset, this.sourceValueEnd - chunkOffset);
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
  private completeRecord(
    chunk: Buffer,
    chunkOffset: number,
    end: number,
    sure: boolean,
    tokens: number,
  ): RecordSpan | OversizedSpan | undefined {
    const size = chunkOffset + end - this.elementOffset;
    if (this.oversized || size > this.maxRecordBytes) {
      this.oversized = false;
      this.recordParts = [];
      this.recordPartsLength = 0;
      const source =
        this.sourceValue >= chunkOffset
          ? chunk.toString('utf8', this.sourceValue - chunkOffset, this.sourceValueEnd - chunkOffset)
          : this.sourceText;
      if (sure && this.wantedSources && source !== undefined && !this.wantedSources.has(source)) {
        this.countSkipped(1);
        return undefined;
      }
      return { kind: 'oversized', index: this.elementIndex++, offset: this.elementOffset, size };
    }
    const index = this.elementIndex++;
    if (this.recordParts.length === 0) {
      const span: RecordSpan = {
        kind: 'record',
        index,
        offset: this.elementOffset,
        bytes: chunk,
        start: this.recordStart,
        end,
      };
      return sure ? this.withHints(span, tokens) : span;
    }
    // Joined once, when the record is complete: O(record size) however many chunks it spans.
    this.recordParts.push(chunk.subarray(0, end));
    const bytes = Buffer.concat(this.recordParts, this.recordPartsLength + end);
    this.recordParts = [];
    this.recordPartsLength = 0;
    const span: RecordSpan = { kind: 'record', index, offset: this.elementOffset, bytes, start: 0, end: bytes.length };
    return sure ? this.withHints(span, tokens) : span;
  }

  private withHints(span: RecordSpan, tokens: number): RecordSpan {
    // Text offsets -> positions in span.bytes.
    const shift = span.start - span.offset;
    span.hints = {
      sourceStart: this.sourceValue < 0 ? -1 : this.sourceValue + shift,
      sourceEnd: this.sourceValue < 0 ? -1 : this.sourceValueEnd + shift,
      nameStart: this.nameValue < 0 ? -1 : this.nameValue + shift,
      nameEnd: this.nameValue < 0 ? -1 : this.nameValueEnd + shift,
      tokens: !this.notesTokens || (tokens & SCANNER_TOKENS_UNKNOWN) !== 0 ? -1 : tokens,
    };
    return span;
  }
}
