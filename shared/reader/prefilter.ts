// A byte-level test of a record, so the reader parses only the records an active rule (or a caller) can use.
//
// What can be wanted is a list of alternatives: an eventSource in a set, and optionally an eventName in a
// set and byte strings the record must contain (a key such as `"errorCode"` for a rule that needs the field
// to exist, a value such as `"Root"`). A record passes when it satisfies one alternative. The test never
// says no to a record that satisfies one:
// - a key written literally is found by a byte search; every occurrence is checked (a nested one may come
//   before the top-level one), and its string value is decoded exactly, escapes included;
// - a key or value written with escapes can only hide with `\uXXXX` (JSON's other escapes stand for
//   characters none of them contain), so a record holding `\u` anywhere, which no alternative matched,
//   is let through.
// It may say yes to other records (a nested eventName that matches, a `\u` elsewhere): that costs a parse.
//
// Most records never reach it: the splitter itself skips those whose plainly written top-level eventSource is
// in no alternative (`eventSources` below), and for the rest it says where that eventSource and eventName are
// and which of the tokens (`tokens` below) the record holds, so this test searches nothing for them.
import type { PrefilterAlternative } from '../rules/record-needs.js';
import type { RecordPrefilter, SureRecordRule, TopLevelHints } from './types.js';
import { BACKSLASH, COLON, QUOTE, closingQuote, isJsonWhitespace } from './json-bytes.js';
import { notableTokens } from './record-scan.js';

const UNICODE_ESCAPE = Buffer.from('\\u');
/** A value that could not be decoded: it might be anything, so it matches everything. */
const UNDECODED = Symbol('undecoded');
type KeyValue = string | typeof UNDECODED;

export function recordPrefilter(alternatives: readonly PrefilterAlternative[]): RecordPrefilter {
  const sources = new KeyFinder('eventSource');
  const names = new KeyFinder('eventName');
  const escapes = new NeedleCursor(UNICODE_ESCAPE);
  // Most records come from a source no alternative wants: one lookup rules them out.
  const anySource = new Set(alternatives.flatMap((alternative) => [...alternative.eventSources]));
  const tokenBytes = new Map<string, Buffer>();
  for (const alternative of alternatives)
    for (const token of alternative.mustContain ?? []) tokenBytes.set(token, Buffer.from(token));
  // The splitter notes these tokens in each record's hints (bit k for the k-th), sparing a search.
  const tokenBits = new Map(notableTokens([...tokenBytes.keys()]).map((token, k) => [token, 1 << k]));
  // Otherwise searched within the record only: these run for the few records of a wanted source and name.
  const contains = (bytes: Uint8Array, start: number, end: number, token: string, hints?: TopLevelHints) => {
    const bit = tokenBits.get(token);
    if (hints && hints.tokens !== -1 && bit !== undefined) return (hints.tokens & bit) !== 0;
    return view(bytes, start, end).includes(tokenBytes.get(token) as Buffer);
  };
  /** Whether the record, from one of the wanted sources, satisfies an alternative (or lacks an eventName). */
  const satisfiesOne = (
    bytes: Uint8Array,
    start: number,
    end: number,
    recordSources: readonly KeyValue[],
    hints?: TopLevelHints,
  ): boolean => {
    let recordNames: KeyValue[] | undefined;
    for (const alternative of alternatives) {
      if (!anyIn(recordSources, alternative.eventSources)) continue;
      if (alternative.eventNames) {
        recordNames ??= hints
          ? hints.nameStart < 0
            ? []
            : [text(bytes, hints.nameStart, hints.nameEnd)]
          : names.values(bytes, start, end);
        if (recordNames.length === 0) return true;
        if (!anyIn(recordNames, alternative.eventNames)) continue;
      }
      if (
        alternative.mustContain &&
        !alternative.mustContain.every((token) => contains(bytes, start, end, token, hints))
      )
        continue;
      return true;
    }
    return false;
  };
  const bySource = hintedAnswers(alternatives, tokenBits);
  /** satisfiesOne for a hinted record with an eventName: the alternatives its source and name leave, looked up. */
  const satisfiesNeeds = (bytes: Uint8Array, start: number, end: number, hints: TopLevelHints, needs: Needs) => {
    if (needs.always) return true;
    for (const { bits, searched } of needs.tokens) {
      if (bits !== 0 && hints.tokens !== -1 && (hints.tokens & bits) !== bits) continue;
      const rest = hints.tokens === -1 ? tokensOf(bits, tokenBits).concat(searched) : searched;
      if (rest.every((token) => contains(bytes, start, end, token, hints))) return true;
    }
    return false;
  };
  const prefilter = (bytes: Uint8Array, start: number, end: number, hints?: TopLevelHints): boolean => {
    // With the splitter's hints there is nothing to search for: it saw every top-level key written plainly,
    // and the values it points at hold no escapes, so their bytes are their text.
    if (hints) {
      // A record without the member is malformed: parse it, so the reader reports it rather than skipping it.
      if (hints.sourceStart < 0) return true;
      const source = text(bytes, hints.sourceStart, hints.sourceEnd);
      // Most records come from a source no alternative wants: this lookup rules them out.
      const answers = bySource.get(source);
      if (answers === undefined) return false;
      // Without an eventName the alternatives are walked in order (an alternative naming names takes it).
      if (hints.nameStart < 0)
        return satisfiesOne(bytes, start, end, [source], hints) || hasUnicodeEscape(bytes, start, end);
      const needs =
        answers.named.size === 0
          ? answers.otherNames
          : (answers.named.get(text(bytes, hints.nameStart, hints.nameEnd)) ?? answers.otherNames);
      return satisfiesNeeds(bytes, start, end, hints, needs) || hasUnicodeEscape(bytes, start, end);
    }
    const recordSources = sources.values(bytes, start, end);
    if (recordSources.length === 0) return true;
    // A source, or a token, written with \u escapes would have been missed.
    if (!anyIn(recordSources, anySource)) return hasUnicodeEscape(bytes, start, end);
    return satisfiesOne(bytes, start, end, recordSources) || hasUnicodeEscape(bytes, start, end);
  };
  // The hinted path above rejects any other plainly written source: the splitter may skip those itself.
  return Object.assign(prefilter, {
    eventSources: anySource as ReadonlySet<string>,
    tokens: [...tokenBits.keys()],
    sureRecords: sureRecordRules(alternatives, tokenBits),
  });

  function hasUnicodeEscape(bytes: Uint8Array, start: number, end: number): boolean {
    const at = escapes.next(bytes, start);
    return at !== -1 && at < end;
  }
}

/**
 * What the alternatives a source and an eventName both satisfy still need: `always` when one needs no token;
 * else each one's tokens, as bits of the noted tokens (record-scan.ts notableTokens) and tokens searched for.
 */
interface Needs {
  always: boolean;
  tokens: { bits: number; searched: string[] }[];
}

/**
 * The hinted path's lookup, compiled once from the alternatives: per eventSource, the Needs of each eventName
 * some alternative names, and of any other name. Which alternative holds does not matter, only whether one
 * does, so the answer is satisfiesOne's for a record with one known eventName.
 */
function hintedAnswers(
  alternatives: readonly PrefilterAlternative[],
  tokenBits: ReadonlyMap<string, number>,
): Map<string, { named: Map<string, Needs>; otherNames: Needs }> {
  const needsOf = (of: readonly PrefilterAlternative[]): Needs => {
    const needs: Needs = { always: false, tokens: [] };
    for (const alternative of of) {
      const tokens = alternative.mustContain ?? [];
      if (tokens.length === 0) needs.always = true;
      let bits = 0;
      const searched: string[] = [];
      for (const token of tokens) {
        const bit = tokenBits.get(token);
        if (bit === undefined) searched.push(token);
        else bits |= bit;
      }
      needs.tokens.push({ bits, searched });
    }
    return needs;
  };
  const answers = new Map<string, { named: Map<string, Needs>; otherNames: Needs }>();
  for (const source of new Set(alternatives.flatMap((alternative) => [...alternative.eventSources]))) {
    const ofSource = alternatives.filter((alternative) => alternative.eventSources.has(source));
    const names = new Set(ofSource.flatMap((alternative) => [...(alternative.eventNames ?? [])]));
    const named = new Map<string, Needs>();
    for (const name of names)
      named.set(
        name,
        needsOf(ofSource.filter((alternative) => !alternative.eventNames || alternative.eventNames.has(name))),
      );
    answers.set(source, { named, otherNames: needsOf(ofSource.filter((alternative) => !alternative.eventNames)) });
  }
  return answers;
}

/**
 * The hinted path's answer for a record with a plainly written eventName and no `\u`, as rules the splitter
 * applies (SureRecordRule): one per alternative, source and name. A token searched for rather than noted is
 * left out of the rule's bits, so the rule passes more than the alternative does, never less.
 */
function sureRecordRules(
  alternatives: readonly PrefilterAlternative[],
  tokenBits: ReadonlyMap<string, number>,
): SureRecordRule[] {
  // Alternatives often share a source, name and tokens: one rule each, to keep within the kernel's room for them.
  const rules = new Map<string, SureRecordRule>();
  for (const alternative of alternatives) {
    let tokens = 0;
    for (const token of alternative.mustContain ?? []) tokens |= tokenBits.get(token) ?? 0;
    for (const source of alternative.eventSources)
      for (const name of alternative.eventNames ?? [null])
        rules.set(JSON.stringify([source, name, tokens]), { source, name, tokens });
  }
  return [...rules.values()];
}

/** The noted tokens whose bits are set in `bits`. */
function tokensOf(bits: number, tokenBits: ReadonlyMap<string, number>): string[] {
  return [...tokenBits].filter(([, bit]) => (bits & bit) !== 0).map(([token]) => token);
}

/** The text of `bytes[start..end)`, which holds no escapes. A Buffer (as the reader gives) is decoded without a view. */
function text(bytes: Uint8Array, start: number, end: number): string {
  return (Buffer.isBuffer(bytes) ? bytes : view(bytes, 0, bytes.length)).toString('utf8', start, end);
}

function view(bytes: Uint8Array, start: number, end: number): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
}

function anyIn(values: readonly KeyValue[], wanted: ReadonlySet<string>): boolean {
  for (const value of values) if (value === UNDECODED || wanted.has(value)) return true;
  return false;
}

/**
 * Finds the string values of every `"<key>":` member in a record. The key is found by its tail, then checked
 * for its head: a search for `Source"`, whose first byte is rare in JSON, measured 3x faster than one for
 * `"eventSource"`, whose first byte is everywhere.
 */
class KeyFinder {
  private readonly head: Buffer;
  private readonly tail: Buffer;
  private readonly cursor: NeedleCursor;

  constructor(key: string) {
    const quoted = `"${key}"`;
    const split = Math.max(1, quoted.length - 7);
    this.head = Buffer.from(quoted.slice(0, split));
    this.tail = Buffer.from(quoted.slice(split));
    this.cursor = new NeedleCursor(this.tail);
  }

  values(bytes: Uint8Array, start: number, end: number): KeyValue[] {
    const found: KeyValue[] = [];
    for (
      let tail = this.cursor.next(bytes, start + this.head.length);
      tail !== -1 && tail < end;
      tail = this.cursor.next(bytes, tail + 1)
    ) {
      const record = this.cursor.haystack;
      if (record.compare(this.head, 0, this.head.length, tail - this.head.length, tail) !== 0) continue;
      const value = stringValue(record, tail + this.tail.length, end);
      if (value !== null) found.push(value);
    }
    return found;
  }
}

/**
 * Finds a needle in the reader's chunks, remembering the last hit. The reader asks about the records of a
 * chunk in order, so each chunk is searched once per needle in all, rather than once per record (and no
 * per-record view is made). Assumes, as the reader guarantees, that a chunk is not modified once seen.
 */
class NeedleCursor {
  haystack: Buffer = Buffer.alloc(0);
  private bytes: Uint8Array | undefined;
  /** Position searched from last, and what that search found (-1: nothing from there to the end). */
  private searchedFrom = 0;
  private found = -1;

  constructor(private readonly needle: Buffer) {}

  /** Position of the first occurrence at or after `from` in `bytes`, or -1. */
  next(bytes: Uint8Array, from: number): number {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.haystack = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.searchedFrom = Number.POSITIVE_INFINITY;
    }
    // The last search covered [searchedFrom, found) without a hit: reuse it when `from` falls in that range.
    if (from < this.searchedFrom || (this.found !== -1 && from > this.found)) {
      this.searchedFrom = from;
      this.found = this.haystack.indexOf(this.needle, from);
    }
    return this.found;
  }
}

/**
 * The string value of the member whose key ends just before `record[i]`: null when the value is not a string,
 * UNDECODED when it cannot be decoded (the record's parse will tell what it is).
 */
function stringValue(record: Buffer, i: number, end: number): KeyValue | null {
  i = skipWhitespace(record, i, end);
  if (i >= end || record[i] !== COLON) return null;
  i = skipWhitespace(record, i + 1, end);
  if (i >= end || record[i] !== QUOTE) return null;
  const close = closingQuote(record, i + 1, end);
  if (close === -1) return UNDECODED;
  if (!includesByte(record, BACKSLASH, i + 1, close)) return record.toString('utf8', i + 1, close);
  try {
    return JSON.parse(record.toString('utf8', i, close + 1)) as string;
  } catch {
    return UNDECODED;
  }
}

function skipWhitespace(record: Buffer, i: number, end: number): number {
  while (i < end && isJsonWhitespace(record[i]!)) i++;
  return i;
}

function includesByte(record: Buffer, byte: number, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (record[i] === byte) return true;
  return false;
}
