import type { CloudTrailRecord } from '../cloudtrail.js';
import type { LogLocation, MalformedRecordError } from '../errors.js';

/** A record that was fully parsed. `raw` is its exact JSON text from the file, for callers that ship it on. */
export interface ParsedRecord {
  kind: 'record';
  /** 0-based position in the `Records` array (skipped records count too). */
  index: number;
  /** Byte offset of the record's `{` in the decompressed JSON text. */
  offset: number;
  record: CloudTrailRecord;
  raw: string;
}

/** A record that could not be used; reading goes on with the next one. */
export interface MalformedRecord {
  kind: 'malformed';
  index: number;
  offset: number;
  error: MalformedRecordError;
}

export type ReaderItem = ParsedRecord | MalformedRecord;

/**
 * Decides from a record's bytes, before parsing, whether it can matter. It may say yes to a record
 * that turns out not to matter (a false positive costs a parse), never no to one that does.
 */
export type RecordPrefilter = ((bytes: Uint8Array, start: number, end: number, hints?: TopLevelHints) => boolean) & {
  /**
   * When set, the prefilter rejects every record whose top-level eventSource, written plainly, is not in this
   * set: the reader then lets the splitter skip those records before they become spans.
   */
  readonly eventSources?: ReadonlySet<string>;
  /** Tokens the prefilter looks for in records: the reader has the splitter note them (TopLevelHints.tokens). */
  readonly tokens?: readonly string[];
  /**
   * The prefilter's answer for the records the splitter is sure of, so the splitter can skip those it rejects
   * before they become spans (~3/4 of the records of wanted sources on the bench's mix): see SureRecordRule.
   */
  readonly sureRecords?: readonly SureRecordRule[];
};

/**
 * One way a record passes the prefilter. A record with hints (TopLevelHints), whose eventSource is in
 * `eventSources`, whose eventName is a plainly written string and whose bytes hold no `\u` passes the prefilter
 * exactly when some rule names its eventSource, names its eventName (or `null`: any), and all of whose `tokens`
 * bits (bits of `tokens`, as TopLevelHints.tokens gives them) the record holds. A rule may be looser than the
 * prefilter (a token it cannot say as a bit is left out): the splitter then hands the record on, and the
 * prefilter decides.
 */
export interface SureRecordRule {
  source: string;
  name: string | null;
  tokens: number;
}

/**
 * Where a record's top-level `eventSource` and `eventName` string values lie in `bytes`, as the splitter saw
 * them while finding the record's end: `[start, end)` of the value's text, which has no escapes; -1 when
 * the record has no such top-level string member. Given only when the splitter is sure: every top-level key
 * written plainly, each of the two keys at most once, and no key or value split across chunks.
 * Four numbers rather than two ranges: one small object per record, on the reader's hottest path.
 */
export interface TopLevelHints {
  sourceStart: number;
  sourceEnd: number;
  nameStart: number;
  nameEnd: number;
  /**
   * Which of the tokens the splitter was asked to note (RecordSplitterOptions.tokens, as notableTokens keeps
   * them) the record holds: bit k for the k-th; -1 when not known (none noted, or a string cut by a chunk).
   */
  tokens: number;
}

export interface ReadOptions {
  /** Name of the input in errors: a path or `s3://bucket/key`. */
  file: string;
  /** Records it rejects are counted in `stats.skipped` and neither parsed nor delivered. Default: parse all. */
  prefilter?: RecordPrefilter;
  /**
   * What scans the records (RecordSplitterOptions.engine): the WebAssembly kernel where the runtime can run
   * it, else TypeScript. Both give the same result; this is for tests and for comparing the two.
   */
  engine?: 'wasm' | 'typescript';
  /**
   * The record size limit (default 8 MiB, see DEFAULT_MAX_RECORD_BYTES in record-splitter.ts): a larger record
   * surely from an eventSource the prefilter rejects is skipped in bounded memory; any other is reported as a
   * malformed record, RECORD_TOO_LARGE, with its index and offset, and never held whole.
   */
  maxRecordBytes?: number;
}

export interface ReadStats {
  /** Bytes taken from the source (compressed size for gzip input). */
  bytesIn: number;
  /** Bytes of JSON text after decompression. */
  bytesOut: number;
  /** Records seen in the `Records` array: delivered + skipped + malformed. */
  records: number;
  delivered: number;
  skipped: number;
  malformed: number;
  gzip: boolean;
  /** The most bytes of one record held across chunks at once: never over the record size limit (maxRecordBytes). */
  maxRecordBytesHeld: number;
  /**
   * What was odd about the file but cost no record: today, bytes after the gzip data (which `gzip -d` also
   * ignores, with a warning). Callers log them; they do not fail the file.
   */
  warnings: ReadWarning[];
}

/** Something about a file worth a log line that did not stop it being read whole. */
export interface ReadWarning {
  code: 'TRAILING_BYTES';
  location: LogLocation;
  /** For people: names the file and the place. */
  message: string;
}

/** What `readCloudTrailLog` returns: iterate it for records; `stats` is live while iterating. */
export interface CloudTrailLogReader extends AsyncIterable<ReaderItem> {
  readonly stats: ReadStats;
}
