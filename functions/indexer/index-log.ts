// One delivery through the indexer: screen its objects, stream each log file from S3 through the core
// (reader -> classifier -> rules -> index event), and write the events to CloudWatch Logs while the file streams.
//
// Per record: out of scope (INDEX_SCOPE=rds and not an RDS, Data API or CloudTrail configuration event) ->
// skipped; otherwise toIndexEvent (the record's JSON + `trailwatch`, trimmed when over the event size limit) ->
// the age policy (shared/index/age.ts: events CloudWatch Logs would refuse are not sent; counted and logged by
// reason with their eventIDs) -> LogBatcher, per log stream. Each batch the batcher hands out is written at once,
// up to `maxInFlight` at a time, while reading goes on: memory holds the open batch of each stream and the
// batches in flight, whatever the file's size. Events the service rejects anyway come back in
// rejectedLogEventsInfo and are reported like the ones left out.
//
// A file whose read or write fails throws after the writes in flight have settled: the invocation fails and
// Lambda retries the delivery. Batches written before the failure are written again by the retry (README).
import { performance } from 'node:perf_hooks';
import type { S3Client } from '@aws-sdk/client-s3';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  classifyEventAge,
  LogBatcher,
  releaseEvents,
  scanForIndex,
  type BatcherOptions,
  type IndexEvent,
  type LogBatch,
  type RejectionReason,
  type StreamNameFallback,
} from '../../shared/index/index.js';
import type { ReadStats } from '../../shared/reader/types.js';
import { classifyCloudTrailKey } from '../lib/cloudtrail-key.js';
import {
  deliveryFiles,
  notRead,
  notStarted,
  screenDelivery,
  type DeliveryFiles,
  type LogFileOutcome,
} from '../lib/log-files.js';
import { malformedRecordLogger, reportFileRead, type Observability } from '../lib/observability.js';
import { readObject } from '../lib/s3-object.js';
import type { Delivery, ObjectRef } from '../lib/delivery.js';
import type { CloudWatchLogsWriter, PutResult } from './cloudwatch-writer.js';
import type { IndexerConfig } from './config.js';

export interface IndexerContext {
  config: IndexerConfig;
  s3: S3Client;
  writer: CloudWatchLogsWriter;
  obs: Observability;
  /** The clock the age policy uses. Default Date.now. */
  now?: () => number;
  /** Batcher tuning (tests). */
  batcher?: BatcherOptions;
  /** PutLogEvents calls in flight at once per file. Default 4. */
  maxInFlight?: number;
  /** Objects up to this size are read and checked whole before any write (see VERIFY_BEFORE_WRITE_BYTES). */
  verifyBeforeWriteBytes?: number;
  /** Time kept back from the function's timeout (functions/lib/deadline.ts; tests). */
  deadlineMarginMs?: number;
}

export const IndexerMetrics = {
  /** Events CloudWatch Logs stored. */
  eventsIndexed: 'EventsIndexed',
  /** Events not stored because of their age, whoever decided it (the age policy or the service): all reasons. */
  eventsRejected: 'EventsRejected',
  /** ... by reason. */
  eventsRejectedTooOld: 'EventsRejectedTooOld',
  eventsRejectedTooNew: 'EventsRejectedTooNew',
  eventsRejectedExpired: 'EventsRejectedExpired',
  eventsRejectedInvalidTimestamp: 'EventsRejectedInvalidTimestamp',
  /** Events sent with their message shortened to fit the event size limit (with a marker in `trailwatch`). */
  eventsTrimmed: 'EventsTrimmed',
  /** PutLogEvents requests sent, retries included. */
  putLogEventsCalls: 'PutLogEventsCalls',
  /** PutLogEvents requests that failed and were retried. */
  putLogEventsRetries: 'PutLogEventsRetries',
  /** Bytes sent as CloudWatch Logs counts them (UTF-8 message + 26 per event): what ingestion is billed on. */
  indexedBytes: 'IndexedBytes',
} as const;

const REJECTION_METRIC: Record<RejectionReason, string> = {
  'too-old': IndexerMetrics.eventsRejectedTooOld,
  'too-new': IndexerMetrics.eventsRejectedTooNew,
  expired: IndexerMetrics.eventsRejectedExpired,
  'invalid-timestamp': IndexerMetrics.eventsRejectedInvalidTimestamp,
};
const REJECTION_REASONS = Object.keys(REJECTION_METRIC) as RejectionReason[];

export const DEFAULT_MAX_IN_FLIGHT = 4;
/**
 * Objects of at most this many (compressed) bytes are read whole, and checked (their MD5 ETag when they have one,
 * S3's checksum through the SDK), before their first event is written: a byte corrupted in transit fails the file
 * with nothing written, so the retry does not leave a corrupted copy beside the good one (issue 11). CloudTrail
 * files are a few MB compressed; 64 MiB is ~1 GB of JSON, far beyond them, and fits a 512 MB function beside the
 * rest of its work. A larger object streams as before, checked at its end: its batches written before a mismatch
 * stay in the index (README "Reliability").
 */
export const VERIFY_BEFORE_WRITE_BYTES = 64 << 20;
/** eventIDs logged per rejection reason per file (all are counted). */
const REJECTED_IDS_LOGGED = 50;

export interface FileOutcome {
  bucket: string;
  key: string;
  stats: ReadStats;
  /** How the object's bytes were checked (functions/lib/body-watch.ts). */
  checksum: 'etag-md5' | 'sdk';
  /** True when the whole object was read and checked before the first write (VERIFY_BEFORE_WRITE_BYTES). */
  checkedBeforeWrite: boolean;
  /** Records not indexed because INDEX_SCOPE leaves them out. */
  outOfScope: number;
  /** Events sent to CloudWatch Logs. */
  sent: number;
  /** Events CloudWatch Logs stored (sent minus those it rejected). */
  indexed: number;
  /** Events sent shortened (see IndexerMetrics.eventsTrimmed). */
  trimmed: number;
  /** Events not stored, by reason (left out by the age policy or rejected by the service). */
  rejected: Record<RejectionReason, number>;
  batches: number;
  putLogEventsCalls: number;
  retries: number;
  /** As CloudWatch Logs counts them: message bytes + 26 per event. */
  bytes: number;
  /** Streams this file's writes created. */
  streamsCreated: string[];
}

export type DeliveryOutcome = DeliveryFiles<FileOutcome>;

/** Indexes every log file a delivery names; throws (after trying them all) if any failed. */
export async function indexDelivery(
  ctx: IndexerContext,
  delivery: Delivery,
  signal?: AbortSignal,
): Promise<DeliveryOutcome> {
  const { logFiles, skipped } = screenDelivery(ctx.obs, delivery);
  const outcomes: LogFileOutcome<FileOutcome>[] = [];
  for (const ref of logFiles) {
    try {
      const unstartable = notStarted(ref, signal);
      if (unstartable) throw unstartable;
      outcomes.push({ status: 'read', ref, result: await indexLogFile(ctx, ref, delivery.via, signal) });
    } catch (error) {
      outcomes.push(notRead(ctx.obs, ref, delivery.via, error));
    }
  }
  return deliveryFiles(delivery.via, skipped, outcomes);
}

/** Reads one log file to the end, writing its events as it goes. */
export async function indexLogFile(
  ctx: IndexerContext,
  ref: ObjectRef,
  via: string,
  signal?: AbortSignal,
): Promise<FileOutcome> {
  const { config, obs } = ctx;
  const started = performance.now();
  const now = ctx.now ?? Date.now;
  const fallback = streamFallback(ref.key);
  const rejectedIds = new RejectedIds();
  const batcher = new LogBatcher<IndexEvent>(ctx.batcher);
  const outcome: Omit<FileOutcome, 'bucket' | 'key' | 'stats' | 'checksum' | 'checkedBeforeWrite'> = {
    outOfScope: 0,
    sent: 0,
    indexed: 0,
    trimmed: 0,
    rejected: { 'too-old': 0, 'too-new': 0, expired: 0, 'invalid-timestamp': 0 },
    batches: 0,
    putLogEventsCalls: 0,
    retries: 0,
    bytes: 0,
    streamsCreated: [],
  };
  // Each written batch is counted as it completes and then dropped: nothing of it is kept for the file's end.
  const written = (batch: LogBatch<IndexEvent>, result: PutResult): void => {
    outcome.batches++;
    outcome.sent += batch.events.length;
    outcome.bytes += batch.bytes;
    outcome.putLogEventsCalls += result.calls;
    outcome.retries += result.retries;
    if (result.streamCreated) outcome.streamsCreated.push(batch.logStreamName);
    outcome.indexed += batch.events.length - result.rejected.length;
    for (const r of result.rejected) {
      outcome.rejected[r.reason]++;
      rejectedIds.add(r.reason, r.event.eventID);
    }
  };
  const writes = new WriteQueue(ctx.writer, ctx.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, written, signal);

  const read = await readObject(
    ctx.s3,
    ref,
    async (object) => {
      const scan = scanForIndex(object.chunks, {
        file: object.file,
        ruleset: config.ruleset,
        scope: config.scope,
        streamFallback: fallback,
      });
      const logMalformed = malformedRecordLogger(obs, object);
      try {
        for await (const item of scan) {
          if (item.kind === 'malformed') {
            logMalformed(item);
            continue;
          }
          const { event } = item;
          const age = classifyEventAge(event.timestamp, now(), config.retentionDays);
          if (age !== 'ok') {
            outcome.rejected[age]++;
            rejectedIds.add(age, event.eventID);
            releaseEvents([event]);
            continue;
          }
          if (event.trimmed) outcome.trimmed++;
          for (const batch of batcher.add(item.logStreamName, event)) await writes.submit(batch);
        }
        for (const batch of batcher.flush()) await writes.submit(batch);
      } finally {
        // Whatever happened, no write is left running when the file is done with.
        await writes.settle();
      }
      writes.throwIfFailed();
      // Records the scope leaves out, those the reader skipped unparsed included (shared/index/scope.ts says why).
      outcome.outOfScope = scan.outOfScope;
      return {
        key: object.key,
        stats: scan.stats,
        checksum: object.checksum,
        checkedBeforeWrite: object.checkedBeforeConsumed,
      };
    },
    {
      stallMs: config.aws.s3StallTimeoutMs,
      verifyBeforeUpTo: ctx.verifyBeforeWriteBytes ?? VERIFY_BEFORE_WRITE_BYTES,
      ...(signal ? { signal } : {}),
    },
  );

  const file: FileOutcome = {
    bucket: ref.bucket,
    key: read.key,
    stats: read.stats,
    checksum: read.checksum,
    checkedBeforeWrite: read.checkedBeforeWrite,
    ...outcome,
  };
  report(obs, file, via, config.logGroupName, performance.now() - started, rejectedIds);
  return file;
}

function report(
  obs: Observability,
  file: FileOutcome,
  via: string,
  logGroup: string,
  durationMs: number,
  rejectedIds: RejectedIds,
): void {
  const rejectedTotal = REJECTION_REASONS.reduce((sum, r) => sum + file.rejected[r], 0);
  reportFileRead(
    obs,
    { bucket: file.bucket, key: file.key, via, stats: file.stats, durationMs },
    {
      logGroup,
      outOfScope: file.outOfScope,
      indexed: file.indexed,
      sent: file.sent,
      trimmed: file.trimmed,
      rejected: rejectedTotal,
      rejectedByReason: nonZero(file.rejected),
      batches: file.batches,
      putLogEventsCalls: file.putLogEventsCalls,
      retries: file.retries,
      indexedBytes: file.bytes,
      streamsCreated: file.streamsCreated,
      checksum: file.checksum,
      checkedBeforeWrite: file.checkedBeforeWrite,
    },
  );
  if (rejectedTotal > 0) {
    // The events that are not searchable, by eventID: the age policy's and the service's alike.
    obs.logger.warn('events not indexed', {
      bucket: file.bucket,
      key: file.key,
      rejectedByReason: nonZero(file.rejected),
      ...rejectedIds.toLog(),
    });
  }
  const { metrics } = obs;
  metrics.addMetric(IndexerMetrics.eventsIndexed, MetricUnit.Count, file.indexed);
  metrics.addMetric(IndexerMetrics.eventsRejected, MetricUnit.Count, rejectedTotal);
  for (const reason of REJECTION_REASONS)
    if (file.rejected[reason] > 0) metrics.addMetric(REJECTION_METRIC[reason], MetricUnit.Count, file.rejected[reason]);
  metrics.addMetric(IndexerMetrics.eventsTrimmed, MetricUnit.Count, file.trimmed);
  metrics.addMetric(IndexerMetrics.putLogEventsCalls, MetricUnit.Count, file.putLogEventsCalls);
  if (file.retries > 0) metrics.addMetric(IndexerMetrics.putLogEventsRetries, MetricUnit.Count, file.retries);
  metrics.addMetric(IndexerMetrics.indexedBytes, MetricUnit.Bytes, file.bytes);
}

function nonZero(counts: Record<RejectionReason, number>): Partial<Record<RejectionReason, number>> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

/** The account and region of a CloudTrail key (cloudtrail-key.ts), for records that lack them. */
export function streamFallback(key: string): StreamNameFallback {
  const place = classifyCloudTrailKey(key);
  return place.kind === 'other' ? {} : { account: place.account, region: place.region };
}

// ---------------------------------------------------------------------------------------------------------

/** eventIDs of the events not indexed, a bounded number per reason, with a count of the rest. */
class RejectedIds {
  private readonly ids = new Map<RejectionReason, string[]>();
  private readonly more = new Map<RejectionReason, number>();

  add(reason: RejectionReason, eventID: string | null): void {
    const list = this.ids.get(reason) ?? [];
    this.ids.set(reason, list);
    if (list.length < REJECTED_IDS_LOGGED) list.push(eventID ?? '(no eventID)');
    else this.more.set(reason, (this.more.get(reason) ?? 0) + 1);
  }

  toLog(): { eventIDs: Record<string, string[]>; moreEventIDs?: Record<string, number> } {
    const out: { eventIDs: Record<string, string[]>; moreEventIDs?: Record<string, number> } = {
      eventIDs: Object.fromEntries(this.ids),
    };
    if (this.more.size > 0) out.moreEventIDs = Object.fromEntries(this.more);
    return out;
  }
}

type Settled = { ok: true; batch: LogBatch<IndexEvent>; result: PutResult } | { ok: false; error: unknown };

/**
 * PutLogEvents calls of one file, at most `maxInFlight` at once: submit() returns when a slot is free, so reading
 * waits for CloudWatch Logs rather than piling batches up. The first failure stops further writes; settle() waits
 * for the ones running; throwIfFailed() rethrows it.
 */
class WriteQueue {
  private readonly running = new Set<Promise<Settled>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly writer: CloudWatchLogsWriter,
    private readonly maxInFlight: number,
    private readonly onWritten: (batch: LogBatch<IndexEvent>, result: PutResult) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async submit(batch: LogBatch<IndexEvent>): Promise<void> {
    this.throwIfFailed();
    // Settled promises never reject: a failure is kept until it is looked at, never unhandled.
    const write: Promise<Settled> = this.writer.putBatch(batch, this.signal).then(
      (result) => ({ ok: true, batch, result }),
      (error: unknown) => ({ ok: false, error }),
    );
    const tracked = write.then((settled) => {
      this.running.delete(tracked);
      if (settled.ok) this.onWritten(settled.batch, settled.result);
      else this.failure ??= { error: settled.error };
      // Written or failed, the events are done with: their bytes go back to the slab (shared/index/encoded-event.ts).
      releaseEvents(batch.events);
      return settled;
    });
    this.running.add(tracked);
    while (this.running.size >= this.maxInFlight) await Promise.race(this.running);
    this.throwIfFailed();
  }

  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
