// The TypeScript record scan engine: the reference the WebAssembly kernel (wasm/record-scanner.as.ts) is checked
// against (test/record-scanner-wasm.test.ts), and the fallback where WebAssembly cannot run. It computes what the
// kernel computes, over the same state layout (record-scan.ts), statement for statement where it can: where each
// record ends, checking the JSON grammar outside strings on the way (json-grammar.ts), where its top-level
// eventSource and eventName values lie unless it cannot be sure, which noted tokens it holds, and which records
// are surely from an eventSource not wanted. It differs in one way only: it jumps over string bodies with
// `indexOf('"')` (native memchr) where the kernel compares 32 bytes at a time.
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  closingQuote,
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
  expectsValue,
  scalarComplete,
  scalarStart,
  scalarStep,
} from './json-grammar.js';
import {
  ARRAY_AFTER_ELEMENT,
  ARRAY_ELEMENT,
  EVENT_NAME_KEY,
  EVENT_SOURCE_KEY,
  IN_RECORD,
  NO_KEY,
  SCANNER_ENTRY_FIELDS,
  SCANNER_LEVELS_BYTES,
  SCANNER_STATE_FIELDS,
  SCANNER_TABLE_CAPACITY,
  SCANNER_TOKENS_UNKNOWN,
  SCANNER_WINDOW,
  ScanEntry,
  ScanField,
  type SureRules,
  bytesEqual,
  isArrayLevel,
  type RecordScanEngine,
  setLevel,
  surePasses,
} from './record-scan.js';

const EVENT_SOURCE = Buffer.from('eventSource');
const EVENT_NAME = Buffer.from('eventName');

/** What the scan of a record notes beyond where it ends (null: a value being skipped, nothing noted). */
export interface RecordNotes {
  /** Chunk index of the window's first byte: hint positions are relative to it. */
  readonly base: number;
  /** Bodies of the noted tokens (record-scan.ts notableTokens); bit k of a record's token bits is body k. */
  readonly tokenBodies: readonly Buffer[];
  /** Bit n set when some token body is n bytes long. */
  readonly tokenLengths: number;
}

export class TypeScriptScanEngine implements RecordScanEngine {
  readonly name = 'typescript';
  readonly state = new Int32Array(SCANNER_STATE_FIELDS);
  readonly levels = new Uint8Array(SCANNER_LEVELS_BYTES);
  readonly table = new Int32Array(SCANNER_TABLE_CAPACITY * SCANNER_ENTRY_FIELDS);
  private readonly wantedSources: ReadonlySet<string> | undefined;
  private readonly tokenBodies: readonly Buffer[];
  private readonly tokenLengths: number;
  private readonly rules: SureRules | null;
  /** Index of each wanted source in the list the rules are by. */
  private readonly sourceIndex: ReadonlyMap<string, number>;

  constructor(
    wantedSources: ReadonlySet<string> | undefined,
    tokenBodies: readonly Buffer[],
    rules: SureRules | null = null,
  ) {
    this.wantedSources = wantedSources;
    this.tokenBodies = tokenBodies;
    this.tokenLengths = tokenBodies.reduce((mask, body) => mask | (1 << body.length), 0);
    this.rules = rules;
    this.sourceIndex = new Map([...(wantedSources ?? [])].map((source, k) => [source, k]));
  }

  scan(chunk: Buffer, from: number): number {
    const s = this.state;
    const table = this.table;
    const end = Math.min(chunk.length, from + SCANNER_WINDOW);
    const notes: RecordNotes = { base: from, tokenBodies: this.tokenBodies, tokenLengths: this.tokenLengths };
    s[ScanField.sourceStart] = s[ScanField.sourceEnd] = s[ScanField.nameStart] = s[ScanField.nameEnd] = -1;
    s[ScanField.recordStart] = -1;
    let state = s[ScanField.state]!;
    let records = 0;
    let skipped = 0;
    let i = from;
    while (i < end) {
      if (state === IN_RECORD) {
        const close = scanValue(chunk, i, end, s, this.levels, notes);
        if (close < 0) {
          // The window ended inside the record, or the grammar rejects chunk[i]: the splitter reports that.
          i = -1 - close;
          break;
        }
        i = close;
        state = ARRAY_AFTER_ELEMENT;
        const sure = s[ScanField.unsure] === 0 && s[ScanField.sourceKeys]! <= 1 && s[ScanField.nameKeys]! <= 1;
        // A record surely from an eventSource nobody wants is only counted. Its source value must lie in this
        // window to be compared; one seen in an earlier window is gone, so that record is kept.
        const sourceStart = s[ScanField.sourceStart]!;
        if (sure && sourceStart >= 0 && this.skips(chunk, from, i)) {
          skipped++;
          continue;
        }
        const entry = records * SCANNER_ENTRY_FIELDS;
        table[entry + ScanEntry.start] = s[ScanField.recordStart]!;
        table[entry + ScanEntry.end] = i - from;
        table[entry + ScanEntry.sourceStart] = sourceStart;
        table[entry + ScanEntry.sourceEnd] = s[ScanField.sourceEnd]!;
        table[entry + ScanEntry.nameStart] = s[ScanField.nameStart]!;
        table[entry + ScanEntry.nameEnd] = s[ScanField.nameEnd]!;
        table[entry + ScanEntry.unsure] = sure ? 0 : 1;
        table[entry + ScanEntry.skippedBefore] = skipped;
        table[entry + ScanEntry.tokens] = s[ScanField.tokens]!;
        skipped = 0;
        records++;
        if (records === SCANNER_TABLE_CAPACITY) break;
        continue;
      }
      const byte = chunk[i]!;
      if (isJsonWhitespace(byte)) {
        i++;
      } else if (state === ARRAY_AFTER_ELEMENT) {
        if (byte !== COMMA) break; // `]`, or an error: the splitter's own code takes it from here
        state = ARRAY_ELEMENT;
        i++;
      } else {
        if (byte !== OPEN_BRACE) break; // `]`, or an element that is not an object: the splitter's
        state = IN_RECORD;
        startRecord(s, i - from);
      }
    }
    s[ScanField.state] = state;
    s[ScanField.stop] = i - from;
    s[ScanField.skipped] = skipped;
    return records;
  }

  release(): void {}

  /**
   * Whether the sure record that ends just before `chunk[end]`, its eventSource value in this window (`from`: the
   * window's first byte), is skipped: its source is not a wanted one, or the rules reject it (the kernel's test,
   * statement for statement).
   */
  private skips(chunk: Buffer, from: number, end: number): boolean {
    if (this.wantedSources === undefined) return false;
    const s = this.state;
    const source = chunk.toString('utf8', from + s[ScanField.sourceStart]!, from + s[ScanField.sourceEnd]!);
    const k = this.sourceIndex.get(source);
    if (k === undefined) return true;
    const recordStart = s[ScanField.recordStart]!;
    return (
      this.rules !== null &&
      recordStart >= 0 &&
      end - from - recordStart <= this.rules.maxRecordBytes &&
      s[ScanField.nameStart]! >= 0 &&
      (s[ScanField.tokens]! & SCANNER_TOKENS_UNKNOWN) === 0 &&
      s[ScanField.unicode] === 0 &&
      !surePasses(
        this.rules,
        k,
        chunk,
        from + s[ScanField.nameStart]!,
        from + s[ScanField.nameEnd]!,
        s[ScanField.tokens]!,
      )
    );
  }
}

/** Sets up the state for a record whose `{` is at window position `start` (it is taken as a value). */
function startRecord(s: Int32Array, start: number): void {
  s[ScanField.recordStart] = start;
  s[ScanField.depth] = 0;
  s[ScanField.expect] = G_ARRAY_VALUE;
  s[ScanField.pendingKey] = NO_KEY;
  s[ScanField.sourceKeys] = s[ScanField.nameKeys] = s[ScanField.unsure] = s[ScanField.tokens] = 0;
  s[ScanField.unicode] = 0;
  s[ScanField.sourceStart] = s[ScanField.sourceEnd] = s[ScanField.nameStart] = s[ScanField.nameEnd] = -1;
}

/**
 * Scans an object or array from `chunk[i]` (its opening bracket, or where the previous call left off in it), up
 * to `end`, from and into the state in `s` and `levels`. Returns the index just past its closing bracket, or
 * `-1 - stop` when it stops first: at `end`, or at a byte the JSON grammar rejects (record-scan.ts
 * scanStopError says what). With `notes`, it is a record's scan and notes its hints and tokens in `s`.
 */
export function scanValue(
  chunk: Buffer,
  i: number,
  end: number,
  s: Int32Array,
  levels: Uint8Array,
  notes: RecordNotes | null,
): number {
  let depth = s[ScanField.depth]!;
  let expect = s[ScanField.expect]!;
  if (s[ScanField.inString] === 1) {
    const close = stringEnd(s, chunk, i, end);
    if (close < 0) return -1 - end;
    i = close + 1;
  }
  while (i < end) {
    const byte = chunk[i]!;
    if (expect >= G_SCALAR) {
      const next = scalarStep(expect, byte);
      if (next !== 0) {
        expect = next;
        i++;
        continue;
      }
      if (!scalarComplete(expect)) break;
      expect = G_AFTER_VALUE;
    }
    if (byte === QUOTE) {
      const key = expect === G_OBJECT_OPEN || expect === G_OBJECT_KEY;
      if (!key && !expectsValue(expect)) break;
      // Set before the string's end is found: a string cut by the window resumes in the state after it.
      expect = key ? G_COLON : G_AFTER_VALUE;
      // A string's end: the first quote after an even run of backslashes (inline: this is the hot path).
      let close = chunk.indexOf(QUOTE, i + 1);
      while (close !== -1 && close < end) {
        let before = close - 1;
        while (chunk[before] === BACKSLASH) before--;
        if (((close - 1 - before) & 1) === 0) break;
        close = chunk.indexOf(QUOTE, close + 1);
      }
      if (close === -1 || close >= end) close = stringEnd(s, chunk, i + 1, end);
      if (close < 0) {
        if (notes) {
          // A top-level key, or a noted key's value, cut by the window is not looked at: the record gets no
          // hints. Other values do not matter (a huge one is usually what spans the windows).
          if (depth === 1 && (key || s[ScanField.pendingKey] !== NO_KEY)) s[ScanField.unsure] = 1;
          s[ScanField.tokens]! |= SCANNER_TOKENS_UNKNOWN;
        }
        i = end;
        break;
      }
      if (notes) {
        // Most top-level strings are values of other keys: only keys, and a noted key's value, are looked at.
        if (depth === 1 && (key || s[ScanField.pendingKey] !== NO_KEY))
          topLevelString(s, chunk, i + 1, close, key, notes);
        const length = close - i - 1;
        if (length < 32 && (notes.tokenLengths & (1 << length)) !== 0) noteToken(s, chunk, i + 1, length, notes);
        if (holdsUnicodeEscape(chunk, i + 1, close)) s[ScanField.unicode] = 1;
      }
      i = close + 1;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (!expectsValue(expect) || depth === MAX_DEPTH) break;
      depth++;
      setLevel(levels, depth, byte === OPEN_BRACKET);
      expect = byte === OPEN_BRACE ? G_OBJECT_OPEN : G_ARRAY_OPEN;
      i++;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      // It must close the kind of level that is open, after a value or right after the opening bracket.
      const inArray = isArrayLevel(levels, depth);
      if (inArray !== (byte === CLOSE_BRACKET)) break;
      if (expect !== G_AFTER_VALUE && expect !== (inArray ? G_ARRAY_OPEN : G_OBJECT_OPEN)) break;
      depth--;
      expect = G_AFTER_VALUE;
      i++;
      if (depth === 0) {
        s[ScanField.depth] = 0;
        s[ScanField.expect] = expect;
        return i;
      }
    } else if (byte === COMMA) {
      if (expect !== G_AFTER_VALUE) break;
      expect = isArrayLevel(levels, depth) ? G_ARRAY_VALUE : G_OBJECT_KEY;
      i++;
    } else if (byte === COLON) {
      if (expect !== G_COLON) break;
      expect = G_OBJECT_VALUE;
      i++;
    } else if (isJsonWhitespace(byte)) {
      i++;
    } else {
      const scalar = expectsValue(expect) ? scalarStart(byte) : 0;
      if (scalar === 0) break;
      expect = scalar;
      i++;
    }
  }
  s[ScanField.depth] = depth;
  s[ScanField.expect] = expect;
  return -1 - i;
}

/**
 * Index of the quote that ends the string whose body continues at `chunk[from]`, or -1 when `end` comes first:
 * ScanField.inString and escapeCarry then say so (escapeCarry: the text ended inside an odd run of backslashes,
 * which escapes the next call's first byte), and are read back when the string resumes.
 */
export function stringEnd(s: Int32Array, chunk: Buffer, from: number, end: number): number {
  // An escaped first byte is the string's, whatever it is.
  const carry = s[ScanField.escapeCarry]!;
  const first = from + carry;
  const close = closingQuote(chunk, first, end);
  if (close >= 0) {
    // Most strings begin and end in one call: their state is already clear, and left untouched.
    if (carry !== 0 || s[ScanField.inString] !== 0) s[ScanField.inString] = s[ScanField.escapeCarry] = 0;
    return close;
  }
  let before = end - 1;
  while (before >= first && chunk[before] === BACKSLASH) before--;
  s[ScanField.inString] = 1;
  s[ScanField.escapeCarry] = (end - 1 - before) & 1;
  return -1;
}

/**
 * A string at the top level of a record, body `chunk[from..close)`: a key after `{` or `,`, a value after `:`.
 * Notes the values of the eventSource and eventName keys; a key with escapes could spell either, so it makes
 * the record's hints unsure (only longer keys can: an escape takes 6 bytes for one character).
 */
function topLevelString(s: Int32Array, chunk: Buffer, from: number, close: number, key: boolean, notes: RecordNotes) {
  const length = close - from;
  if (key) {
    s[ScanField.pendingKey] = NO_KEY;
    if (length === EVENT_SOURCE.length && bytesEqual(chunk, from, EVENT_SOURCE)) {
      s[ScanField.pendingKey] = EVENT_SOURCE_KEY;
      s[ScanField.sourceKeys]!++;
    } else if (length === EVENT_NAME.length && bytesEqual(chunk, from, EVENT_NAME)) {
      s[ScanField.pendingKey] = EVENT_NAME_KEY;
      s[ScanField.nameKeys]!++;
    } else if (length > EVENT_NAME.length && hasBackslash(chunk, from, close)) {
      s[ScanField.unsure] = 1;
    }
    return;
  }
  if (hasBackslash(chunk, from, close)) s[ScanField.unsure] = 1;
  const at = s[ScanField.pendingKey] === EVENT_SOURCE_KEY ? ScanField.sourceStart : ScanField.nameStart;
  s[at] = from - notes.base;
  s[at + 1] = close - notes.base;
  s[ScanField.pendingKey] = NO_KEY;
}

/** Sets the bit of each token whose body is `chunk[from..from+length)`. */
function noteToken(s: Int32Array, chunk: Buffer, from: number, length: number, notes: RecordNotes): void {
  notes.tokenBodies.forEach((body, k) => {
    if (body.length === length && bytesEqual(chunk, from, body)) s[ScanField.tokens]! |= 1 << k;
  });
}

/** Whether `chunk[from..to)` holds a backslash; for short strings, where a bounded loop beats indexOf. */
function hasBackslash(chunk: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (chunk[i] === BACKSLASH) return true;
  return false;
}

/** Whether `chunk[from..to)`, a string's body, holds the bytes `\u` (the kernel notes them as it skips escapes). */
function holdsUnicodeEscape(chunk: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to - 1; i++) if (chunk[i] === BACKSLASH && chunk[i + 1] === 0x75) return true;
  return false;
}
