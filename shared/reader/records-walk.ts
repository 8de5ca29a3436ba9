// The walk through the JSON around the records: the root object `{"Records":[...]}`, its other keys and their
// values, the `Records` array's brackets, and elements that are not objects. The rarely-taken path, one byte or
// one value at a time: the records themselves are the scan engines' (record-scan.ts). It keeps its place in the
// same state vector as the engines (ScanField.state and, while it skips a value, depth, expect and the string
// escape state), so the splitter hands the text back and forth between them without copying anything.
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
import { G_ARRAY_VALUE, scalarComplete, scalarStart, scalarStep, showByte } from './json-grammar.js';
import {
  AFTER_ROOT,
  ARRAY_AFTER_ELEMENT,
  ARRAY_ELEMENT,
  ARRAY_FIRST_ELEMENT,
  BEFORE_ROOT,
  IN_RECORD,
  ROOT_AFTER_VALUE,
  ROOT_COLON,
  ROOT_FIRST_KEY,
  ROOT_KEY,
  ROOT_KEY_BODY,
  ROOT_VALUE,
  SKIP_COMPOSITE,
  SKIP_STRING,
  SKIP_TOKEN,
  ScanField,
  scanStopError,
} from './record-scan.js';
import { scanValue, stringEnd } from './record-scan-typescript.js';
import type { NonObjectSpan, RecordAssembler, Span } from './record-spans.js';

/** Longest raw key text compared with `Records` (its longest spelling, all `\uXXXX`, is 42 bytes). */
const MAX_ROOT_KEY_BYTES = 64;
const RECORDS = Buffer.from('Records');

export class RecordsWalk {
  private readonly file: string;
  private readonly s: Int32Array;
  private readonly levels: Uint8Array;
  private readonly assembler: RecordAssembler;
  /** Offset in the text of `chunk[0]` for the chunk being walked. */
  private chunkOffset = 0;

  /** State to return to once a skipped value ends. */
  private afterSkip = ROOT_AFTER_VALUE;
  /** The `Records` element being skipped: where it starts and what it is. */
  private elementOffset = 0;
  private elementFound: NonObjectSpan['found'] = 'token';

  // The top-level key being read, kept only as long as it could still spell `Records`.
  private keyParts: Buffer[] = [];
  private keyLength = 0;
  private keyIsRecords = false;
  private sawRecords = false;
  /** Offset in the text of the top-level key being read (its opening quote). */
  private keyOffset = 0;

  constructor(file: string, state: Int32Array, levels: Uint8Array, assembler: RecordAssembler) {
    this.file = file;
    this.s = state;
    this.levels = levels;
    this.assembler = assembler;
  }

  /**
   * One step from `chunk[i]` (`chunkOffset`: the text offset of `chunk[0]`): a byte of the structure, or a
   * skipped value as far as the chunk holds it. A skipped `Records` element goes to `out` once it ends.
   * Returns where the text goes on.
   */
  step(chunk: Buffer, chunkOffset: number, i: number, out: Span[]): number {
    this.chunkOffset = chunkOffset;
    const s = this.s;
    switch (s[ScanField.state]) {
      case ARRAY_AFTER_ELEMENT: {
        const byte = chunk[i]!;
        if (byte === COMMA) s[ScanField.state] = ARRAY_ELEMENT;
        else if (byte === CLOSE_BRACKET) s[ScanField.state] = ROOT_AFTER_VALUE;
        else if (!isJsonWhitespace(byte)) throw this.notJson(i, "expected ',' or ']' after a record");
        return i + 1;
      }
      case ARRAY_ELEMENT:
      case ARRAY_FIRST_ELEMENT: {
        const byte = chunk[i]!;
        if (isJsonWhitespace(byte)) return i + 1;
        if (byte === CLOSE_BRACKET && s[ScanField.state] === ARRAY_FIRST_ELEMENT) {
          s[ScanField.state] = ROOT_AFTER_VALUE;
          return i + 1;
        }
        return this.startElement(byte, i);
      }
      case SKIP_COMPOSITE: {
        const end = scanValue(chunk, i, chunk.length, s, this.levels, null);
        if (end >= 0) return this.endSkip(end, out);
        const stop = -1 - end;
        if (stop < chunk.length) throw scanStopError(this.file, chunkOffset + stop, chunk[stop]!, s, this.levels);
        return stop;
      }
      case SKIP_STRING: {
        const close = stringEnd(s, chunk, i, chunk.length);
        return close < 0 ? chunk.length : this.endSkip(close + 1, out);
      }
      case SKIP_TOKEN: {
        // A number or literal, checked as JSON spells them (json-grammar.ts).
        let expect = s[ScanField.expect]!;
        for (let next = scalarStep(expect, chunk[i]!); next !== 0; next = scalarStep(expect, chunk[i]!)) {
          expect = next;
          if (++i === chunk.length) break;
        }
        s[ScanField.expect] = expect;
        if (i === chunk.length) return i;
        if (!scalarComplete(expect)) throw scanStopError(this.file, chunkOffset + i, chunk[i]!, s, this.levels);
        return this.endSkip(i, out);
      }
      default:
        return this.stepOutsideRecords(chunk, i);
    }
  }

  /** Checks, once the input has ended at text offset `end`, that the text was complete. */
  finish(end: number): void {
    const state = this.s[ScanField.state];
    if (state === AFTER_ROOT) return;
    if (state === BEFORE_ROOT) {
      throw new LogFileError('NOT_JSON', { file: this.file, offset: end }, 'the file holds no JSON text');
    }
    const skipping = state === SKIP_COMPOSITE || state === SKIP_STRING || state === SKIP_TOKEN;
    const inElement = state === IN_RECORD || (skipping && this.afterSkip === ARRAY_AFTER_ELEMENT);
    throw new LogFileError(
      'TRUNCATED_JSON',
      { file: this.file, offset: end, ...(inElement ? { recordIndex: this.assembler.index } : {}) },
      inElement ? 'the file ends inside a record' : 'the file ends before its JSON text is complete',
    );
  }

  private stepOutsideRecords(chunk: Buffer, i: number): number {
    const s = this.s;
    const state = s[ScanField.state];
    const byte = chunk[i]!;
    if (state === ROOT_KEY_BODY) return this.readRootKey(chunk, i);
    if (isJsonWhitespace(byte)) return i + 1;
    switch (state) {
      case BEFORE_ROOT:
        if (byte !== OPEN_BRACE) throw this.notJson(i, "a CloudTrail log file starts with '{'");
        s[ScanField.state] = ROOT_FIRST_KEY;
        return i + 1;
      case ROOT_FIRST_KEY:
      case ROOT_KEY:
        if (byte === CLOSE_BRACE && state === ROOT_FIRST_KEY) return this.endRoot(i);
        if (byte !== QUOTE) throw this.notJson(i, 'expected a key in the top-level object');
        this.keyOffset = this.chunkOffset + i;
        this.keyParts = [];
        this.keyLength = 0;
        s[ScanField.state] = ROOT_KEY_BODY;
        return i + 1;
      case ROOT_COLON:
        if (byte !== COLON) throw this.notJson(i, "expected ':' after a key");
        s[ScanField.state] = ROOT_VALUE;
        return i + 1;
      case ROOT_VALUE:
        return this.startRootValue(byte, i);
      case ROOT_AFTER_VALUE:
        if (byte === COMMA) s[ScanField.state] = ROOT_KEY;
        else if (byte === CLOSE_BRACE) return this.endRoot(i);
        else throw this.notJson(i, "expected ',' or '}' in the top-level object");
        return i + 1;
      case AFTER_ROOT:
        throw this.notJson(i, 'unexpected text after the top-level object');
      default:
        throw new Error(`record splitter: unexpected state ${state}`);
    }
  }

  private readRootKey(chunk: Buffer, i: number): number {
    const close = stringEnd(this.s, chunk, i, chunk.length);
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
    this.s[ScanField.state] = ROOT_COLON;
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
      this.s[ScanField.state] = ARRAY_FIRST_ELEMENT;
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
    this.s[ScanField.state] = AFTER_ROOT;
    return i + 1;
  }

  /**
   * Begins the `Records` element whose first byte is `chunk[i]`, one the engines left: not an object. Returns
   * where skipping it goes on.
   */
  private startElement(byte: number, i: number): number {
    if (byte === OPEN_BRACE) throw new Error('record splitter: a record is the scan engine’s to read');
    if (isStructural(byte) && byte !== OPEN_BRACKET && byte !== QUOTE) {
      throw this.notJson(i, "expected a record in 'Records'");
    }
    this.elementOffset = this.chunkOffset + i;
    this.elementFound = elementKind(byte);
    return this.startSkip(byte, i, ARRAY_AFTER_ELEMENT);
  }

  /** Begins skipping the value whose first byte is `chunk[i]`. Returns where scanning it goes on. */
  private startSkip(byte: number, i: number, afterSkip: number): number {
    const s = this.s;
    this.afterSkip = afterSkip;
    s[ScanField.depth] = 0;
    if (byte === QUOTE) {
      s[ScanField.state] = SKIP_STRING;
      return i + 1;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      // The opening bracket is taken by scanValue, as a value.
      s[ScanField.state] = SKIP_COMPOSITE;
      s[ScanField.expect] = G_ARRAY_VALUE;
      return i;
    }
    s[ScanField.state] = SKIP_TOKEN;
    s[ScanField.expect] = scalarStart(byte);
    if (s[ScanField.expect] === 0) throw this.notJson(i, `expected a value, found ${showByte(byte)}`);
    return i + 1;
  }

  /** Leaves a skipped value that ended just before `i`; when it was a `Records` element, its span goes to `out`. */
  private endSkip(i: number, out: Span[]): number {
    this.s[ScanField.state] = this.afterSkip;
    if (this.afterSkip === ARRAY_AFTER_ELEMENT)
      out.push(this.assembler.nonObject(this.elementOffset, this.elementFound));
    return i;
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

/** Whether a raw key body (between its quotes) decodes to `Records`, escapes included. */
function spellsRecords(body: Buffer): boolean {
  if (!body.includes(BACKSLASH)) return body.equals(RECORDS);
  try {
    return JSON.parse(`"${body.toString('utf8')}"`) === 'Records';
  } catch {
    return false;
  }
}
