// One log file -> its index events, in file order, each with its log stream: what the indexer writes. The same
// events as scanLog (shared/scan/scan-log.ts) followed by toIndexEvent, at a fraction of the cost when every event
// is indexed:
//
//   - Records no rule wants and of no category (`other` records that raise no alert: ~90 % of a trail) are never
//     parsed. The reader hands each record's bytes to the prefilter before it parses; here the prefilter builds
//     such a record's event from its bytes (record-encoder.ts) and tells the reader to skip it. Every other record
//     (a rule or a category wants it, or the encoder is not sure of it) is parsed, classified and run through the
//     rules as scanLog does, and its event made as toIndexEvent makes it (scanned-event-encoder.ts gives the same
//     bytes without the message as a string): the reference the fast path is tested against.
//   - The rules are asked only about records whose eventSource and eventName they name (the ruleset's dispatch,
//     shared/rules/dispatch.ts), and only the rule ids are kept (the index lists ids, not alert texts).
//   - Events are encoded as they are made (encoded-event.ts): the request body is a copy of their bytes.
//
// Order and memory: the reader calls its prefilter on each record, in file order, just before it parses it or
// skips it, and hands out a parsed record before it looks at the next (shared/reader/read-log.ts). Events built in
// the prefilter wait in `pending` and go out before the next record the reader hands out, so the order is the
// file's. When `pending` holds PENDING_LIMIT_BYTES, the prefilter lets the next record through to be parsed, which
// hands control back here: the events go out (and the caller's writes hold reading back) before reading goes on.
// So memory stays bounded however long a run of skipped records is.
import { CATEGORY_EVENT_SOURCES } from '../classify/categories.js';
import { classify } from '../classify/classify.js';
import type { CloudTrailRecord } from '../cloudtrail.js';
import { recordPrefilter } from '../reader/prefilter.js';
import { readCloudTrailLog } from '../reader/read-log.js';
import type { MalformedRecord, ReadStats, ReaderItem, RecordPrefilter, TopLevelHints } from '../reader/types.js';
import type { Ruleset } from '../rules/engine.js';
import { wantedRecords } from '../scan/scan-log.js';
import { isUnclassifiable, unreadableRecord } from '../scan/unreadable-record.js';
import { BlockPool, ByteSlab, type EncodedIndexEvent } from './encoded-event.js';
import { PUT_LOG_EVENTS_LIMITS } from './limits.js';
import { RecordEncoder } from './record-encoder.js';
import { encodeScannedEvent } from './scanned-event-encoder.js';
import { scopePlan, type IndexScope } from './scope.js';
import { logStreamName, type StreamNameFallback } from './stream-name.js';

/** Encoded events the prefilter may hold before it makes the reader hand control back (see above). */
export const PENDING_LIMIT_BYTES = 1 << 20;
/** Slab blocks of 256 KiB: a quarter of a batch, so a stream's partly used block holds little. */
const SLAB_BLOCK_BYTES = 256 * 1024;
/**
 * Released blocks kept for reuse, over all of a file's streams (4 MiB). Each stream's slab kept its own 4 before:
 * on the bench's 1 GB file (15 streams) 487 blocks were allocated and 390 of them left to the garbage collector,
 * which frees a buffer that outlived the young generation only at its next full collection (tens of MB waited
 * there at once). One pool for the file absorbs the 4-5 blocks a written batch gives back; a block released beyond
 * it is freed at once (encoded-event.ts freeBuffer). Same file: 389 blocks allocated, none left to the collector.
 */
const POOL_SPARE_BLOCKS = 16;

export interface IndexScanOptions {
  /** A path or s3://bucket/key, named in errors. */
  file: string;
  ruleset: Ruleset;
  scope: IndexScope;
  /** Account and region for records that lack them (the S3 key's). */
  streamFallback?: StreamNameFallback;
  /** Largest message in UTF-8 bytes; larger ones are trimmed. Default: PutLogEvents' maximum event size. */
  maxMessageBytes?: number;
  /** False: parse every record the scope indexes (the reference path, for tests). Default true. */
  fastPath?: boolean;
}

export interface IndexedEvent {
  kind: 'event';
  event: EncodedIndexEvent;
  logStreamName: string;
}

export type IndexScanItem = IndexedEvent | MalformedRecord;

export interface IndexScan extends AsyncIterable<IndexScanItem> {
  /** The reader's statistics, as if every record built on the fast path had been parsed (as it once was). */
  readonly stats: ReadStats;
  /** Records the scope leaves out, skipped unparsed ones included. */
  readonly outOfScope: number;
  /** Events built from bytes, without parsing. */
  readonly fastPathEvents: number;
}

const CATEGORY_SOURCES: ReadonlySet<string> = new Set(Object.values(CATEGORY_EVENT_SOURCES).flat());

export function scanForIndex(source: Parameters<typeof readCloudTrailLog>[0], options: IndexScanOptions): IndexScan {
  const { file, ruleset } = options;
  const plan = scopePlan(options.scope);
  const fallback = options.streamFallback ?? {};
  const maxMessageBytes = options.maxMessageBytes ?? PUT_LOG_EVENTS_LIMITS.maxEventMessageBytes;
  // A slab per log stream: a stream's events then lie together, and a block is free as soon as that stream's batch
  // is written, not when the slowest of the file's streams writes its own (CloudTrail files are one stream; an
  // organisation trail's backfill or the bench's file interleave many). Their free blocks wait in one pool.
  const slabs = new Map<string, ByteSlab>();
  const pool = new BlockPool(SLAB_BLOCK_BYTES, POOL_SPARE_BLOCKS);
  const slabFor = (stream: string): ByteSlab => {
    let slab = slabs.get(stream);
    if (!slab) {
      slab = new ByteSlab(SLAB_BLOCK_BYTES, pool);
      slabs.set(stream, slab);
    }
    return slab;
  };
  // Events built in the prefilter and their streams, waiting to go out. Their items are made as they go out: an
  // item made here would wait with them (across the consumer's writes) and outlive the young generation.
  let pending: EncodedIndexEvent[] = [];
  let pendingStreams: string[] = [];
  let pendingBytes = 0;
  let fast = 0;
  let outOfScopeParsed = 0;

  let prefilter: RecordPrefilter | undefined;
  if (plan.alsoParse !== 'all') {
    // As scanLog: the rules' records and the scope's categories are parsed, the rest skipped (out of scope).
    const wanted = wantedRecords(ruleset, plan.alsoParse);
    if (wanted) prefilter = recordPrefilter(wanted);
  } else if (options.fastPath !== false) {
    // The records scanLog would parse with the categories asked for; null (every record) when a rule wants any.
    const wanted = wantedRecords(ruleset, CATEGORY_SOURCES);
    if (wanted) {
      const wants = recordPrefilter(wanted);
      // A record the prefilter turns down raises no alert (its contract: never no to a record a rule can match).
      const encoder = new RecordEncoder(slabFor, maxMessageBytes, fallback, (eventSource) =>
        CATEGORY_SOURCES.has(eventSource),
      );
      // Without the `eventSources` of recordPrefilter's: the reader must not skip any record itself. With its tokens:
      // the reader's scan then notes where each record's eventSource and eventName are and which tokens it holds,
      // and `wants` reads those instead of searching the bytes.
      const build = (bytes: Uint8Array, start: number, end: number, hints?: TopLevelHints): boolean => {
        if (pendingBytes >= PENDING_LIMIT_BYTES || wants(bytes, start, end, hints)) return true;
        const built = encoder.encode(bytes, start, end);
        if (!built) return true;
        pending.push(built.event);
        pendingStreams.push(built.logStreamName);
        pendingBytes += built.event.jsonLength;
        fast++;
        return false;
      };
      prefilter = Object.assign(build, wants.tokens ? { tokens: wants.tokens } : {});
    }
  }

  const reader = readCloudTrailLog(source, { file, ...(prefilter ? { prefilter } : {}) });

  const indexed = (record: CloudTrailRecord, raw: string): IndexedEvent | null => {
    const event = classify(record);
    if (!plan.includes(event)) {
      outOfScopeParsed++;
      return null;
    }
    const alerts = ruleset.evaluate(event).map((rule) => ({ rule: rule.id }));
    const stream = logStreamName(record, fallback);
    // encodeIndexEvent(toIndexEvent(...)), without the message as a string (scanned-event-encoder.ts).
    const encoded = encodeScannedEvent({ raw, event, alerts }, slabFor(stream), { maxMessageBytes });
    return { kind: 'event', event: encoded, logStreamName: stream };
  };

  return {
    get stats(): ReadStats {
      const stats = reader.stats;
      return fast === 0 ? stats : { ...stats, skipped: stats.skipped - fast, delivered: stats.delivered + fast };
    },
    get outOfScope() {
      return reader.stats.skipped - fast + outOfScopeParsed;
    },
    get fastPathEvents() {
      return fast;
    },
    async *[Symbol.asyncIterator]() {
      // The reader iterated by hand, so that a parsed record is let go before its event is yielded: a local, or
      // for-await's own result, keeps its value while this generator is suspended, and the consumer may wait there
      // for a write slot while scavenges run; the record, its raw text and its parse would then outlive the young
      // generation and wait for a full garbage collection (docs/performance-notes.md, "Session 7, indexrss").
      const items = reader[Symbol.asyncIterator]();
      let ended = false;
      try {
        while (true) {
          let next: IteratorResult<ReaderItem> | undefined = await items.next();
          if (next.done) break;
          let item: ReaderItem | undefined = next.value;
          next = undefined;
          if (pending.length > 0) yield* drain();
          if (item.kind === 'malformed') {
            yield item;
            // A record too large to classify is indexed as the reader's own event, as scanLog alerts on it.
            if (isUnclassifiable(item)) {
              const record = unreadableRecord(file, item);
              const event = indexed(record, JSON.stringify(record));
              if (event) yield event;
            }
            continue;
          }
          const event = indexed(item.record, item.raw);
          item = undefined;
          if (event) yield event;
        }
        ended = true;
      } finally {
        // As for-await: a consumer that stops early (or an error here) lets the reader release its source.
        if (!ended) await items.return?.(undefined);
      }
      if (pending.length > 0) yield* drain();
    },
  };

  function* drain(): Generator<IndexedEvent> {
    const events = pending;
    const streams = pendingStreams;
    pending = [];
    pendingStreams = [];
    pendingBytes = 0;
    for (let k = 0; k < events.length; k++) yield { kind: 'event', event: events[k]!, logStreamName: streams[k]! };
  }
}
