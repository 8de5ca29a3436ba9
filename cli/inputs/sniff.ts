// What kind of JSON a file holds, from its first bytes (decompressed when gzip): a CloudTrail log
// ({"Records":[...]}), CloudTrail Event history (`aws cloudtrail lookup-events` output, {"Events":[...]}), or
// something else that lives beside CloudTrail logs (AWS Config files, digests, Insights, other JSON). Only a file
// that is recognisably something else is skipped: anything unreadable goes to the reader, which names the problem.
import { constants, gunzipSync } from 'node:zlib';
import { isAlertLineKeys } from './alert-lines.js';

export type ContentKind =
  | { kind: 'cloudtrail' }
  | { kind: 'event-history' }
  // issue 18: the alerts `trailwatch backfill --mode report` writes, one JSON object per line (alert-lines.ts).
  | { kind: 'alert-lines' }
  | { kind: 'foreign'; what: string };

export interface Sniffed {
  content: ContentKind;
  /** The whole input again, unconsumed (still compressed when it was). */
  chunks: AsyncIterable<Uint8Array>;
}

/** Compressed bytes read before deciding: a few KB of gzip is tens of KB of JSON text. */
const HEAD_BYTES = 16 * 1024;
const TEXT_BYTES = 64 * 1024;

export async function sniff(source: AsyncIterable<Uint8Array>): Promise<Sniffed> {
  const iterator = source[Symbol.asyncIterator]();
  const taken: Uint8Array[] = [];
  let size = 0;
  while (size < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    taken.push(next.value);
    size += next.value.length;
  }
  const head = Buffer.concat(taken);
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* taken;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { content: classifyHead(decompressedHead(head)), chunks: replay() };
}

/** The first JSON text of `head`: gunzipped as far as it goes when it is gzip (a cut stream is fine here). */
export function decompressedHead(head: Buffer): string {
  let bytes = head;
  if (head[0] === 0x1f && head[1] === 0x8b) {
    try {
      bytes = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return ''; // corrupt gzip: the reader reports it, with the offset
    }
  }
  return bytes.subarray(0, TEXT_BYTES).toString('utf8');
}

/** Decides from the first text of a file; undecided cases are CloudTrail, for the reader to accept or reject. */
export function classifyHead(text: string): ContentKind {
  const top = topLevelKeys(text);
  if (top === undefined) return { kind: 'cloudtrail' };
  if (top === 'not-object') return { kind: 'foreign', what: 'JSON that is not an object' };
  const { keys, complete } = top;
  if (keys.includes('Records')) {
    // Insights events come in Records too; their eventType says so in the first record.
    if (/"eventType"\s*:\s*"AwsCloudTrailInsight"/.test(text))
      return { kind: 'foreign', what: 'CloudTrail Insights file' };
    return { kind: 'cloudtrail' };
  }
  if (keys.includes('Events')) return { kind: 'event-history' };
  if (isAlertLineKeys(keys)) return { kind: 'alert-lines' };
  const known = knownForeign(keys);
  if (known) return { kind: 'foreign', what: known };
  return complete ? { kind: 'foreign', what: 'JSON without a Records or Events array' } : { kind: 'cloudtrail' };
}

function knownForeign(keys: string[]): string | undefined {
  if (keys.includes('fileVersion') || keys.includes('configurationItems') || keys.includes('configSnapshotId'))
    return 'AWS Config file';
  if (
    keys.includes('digestStartTime') ||
    keys.includes('previousDigestSignature') ||
    keys.includes('digestPublicKeyFingerprint')
  )
    return 'CloudTrail digest file';
  return undefined;
}

/**
 * The keys of the top-level object, as far as `text` goes; `complete` when the object ended within it.
 * undefined when the text is not JSON this can read (the reader will say why); 'not-object' for a JSON
 * array, string, number... at the top.
 */
/** Characters inside a value that neither open nor close anything the walk below tracks. */
const PLAIN_RUN = /[^"{}[\],]+/y;

export function topLevelKeys(text: string): { keys: string[]; complete: boolean } | 'not-object' | undefined {
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (
      i < n &&
      (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t' || text[i] === '\ufeff')
    )
      i++;
  };
  const readString = (): string | undefined => {
    // at the opening quote
    let out = '';
    for (i++; i < n; i++) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        i++;
        out += text[i] ?? '';
      } else out += c;
    }
    return undefined;
  };
  /** At an opening quote: moves past the closing one; false when the text ends first. */
  const skipString = (): boolean => {
    for (let from = i + 1; ; ) {
      const quote = text.indexOf('"', from);
      if (quote < 0) {
        i = n;
        return false;
      }
      // Escaped when an odd number of backslashes precede it (the opening quote stops the count).
      let backslashes = 0;
      while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
      if (backslashes % 2 === 0) {
        i = quote + 1;
        return true;
      }
      from = quote + 1;
    }
  };
  skipSpace();
  if (i >= n) return undefined;
  if (text[i] === '[' || text[i] === '"' || /^(-?\d|true\b|false\b|null\b)/.test(text.slice(i, i + 6)))
    return 'not-object';
  if (text[i] !== '{') return undefined;
  i++;
  const keys: string[] = [];
  for (;;) {
    skipSpace();
    if (i >= n) return { keys, complete: false };
    if (text[i] === '}') return { keys, complete: true };
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] !== '"') return undefined;
    const key = readString();
    if (key === undefined) return { keys, complete: false };
    keys.push(key);
    skipSpace();
    if (text[i] !== ':') return i >= n ? { keys, complete: false } : undefined;
    i++;
    // Skip the value: strings and nesting, to the next top-level comma or the closing brace. This walks the whole
    // Records array of the head (up to 64 KB of text), so it jumps: over strings to their closing quote, and over runs
    // of other characters, without building strings (a char-by-char walk cost ~5 ms of a one-file scan's start-up).
    let depth = 0;
    while (i < n) {
      const c = text[i]!;
      if (c === '"') {
        if (!skipString()) return { keys, complete: false };
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      else {
        PLAIN_RUN.lastIndex = i;
        if (PLAIN_RUN.test(text)) {
          i = PLAIN_RUN.lastIndex;
          continue;
        }
      }
      i++;
    }
    if (i >= n) return { keys, complete: false };
  }
}
