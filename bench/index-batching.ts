// The indexer's pure core under load: CloudTrail records -> index events (message with `trailwatch`, size,
// trimming) -> age check -> per-stream batches -> PutLogEvents request bodies as the writer sends them
// (putLogEventsBodyBytes: the SDK itself is not called). Measures events/s and MB/s of that part alone,
// and the number of PutLogEvents calls against the minimum the byte and count limits allow (and the bound of
// test/helpers/batch-bounds.ts).
//
//   measureIndexBatching({ targetBytes, scope })  records straight from bench/generate.ts, parsed and classified
//                                                 before the clock starts
//   INDEX_BATCHING_ROW                            a bench file through scanForIndex, as the indexer reads it (index
//                                                 events made while the file is read: records no rule wants from
//                                                 their bytes), feeding the meter; the harness's MB/s is end to end,
//                                                 the detail column has batching and request bodies alone
import { createReadStream } from 'node:fs';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import {
  classifyEventAge,
  LogBatcher,
  logStreamName,
  putLogEventsBodyBytes,
  scanForIndex,
  scopePlan,
  toIndexEvent,
  type IndexEvent,
  type IndexScope,
  type IndexSource,
  type LogBatch,
} from '../shared/index/index.js';
import { CallBounds } from '../test/helpers/batch-bounds.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { DEFAULT_SEED, generateRecords } from './generate.js';
import { TRAILWATCH_READ_CHUNK, type RowOutput, type RowSpec } from './rows.js';

const LOG_GROUP = 'trailwatch-index';
const MB = 1e6;

export interface IndexBatchingReport {
  events: number;
  trimmed: number;
  /** Left out before batching: older than 14 days, too new, or without a usable eventTime. */
  rejectedForAge: number;
  /** UTF-8 bytes of the messages. */
  messageBytes: number;
  /** UTF-8 bytes of the PutLogEvents request bodies. */
  requestBytes: number;
  /** Time in the index core: index events, age check, stream names, batching, PutLogEvents inputs. */
  coreSeconds: number;
  /** Time turning the inputs into request bodies (JSON.stringify + UTF-8 length), as the SDK would. */
  serialiseSeconds: number;
  /** Events and message MB (10^6 bytes) per second through core + serialisation. */
  eventsPerSecond: number;
  mbPerSecond: number;
  /** The same through the core alone. */
  coreEventsPerSecond: number;
  coreMbPerSecond: number;
  calls: number;
  /** Summed over log streams: max(ceil(S / 1,048,576), ceil(n / 10,000)). */
  minimumCalls: number;
  /** Summed over log streams: the bound LogBatcher guarantees. */
  guaranteedMaxCalls: number;
  /** Most bytes the batcher held at once. */
  peakHeldBytes: number;
}

/** Times everything from a scanned event to a serialised PutLogEvents request, and counts calls and bounds. */
export class IndexBatchingMeter {
  private readonly batcher = new LogBatcher<IndexEvent>();
  private readonly bounds = new Map<string, CallBounds>();
  private now: number | undefined;
  private coreMs = 0;
  private serialiseMs = 0;
  private counts = { events: 0, trimmed: 0, rejectedForAge: 0, messageBytes: 0, requestBytes: 0, calls: 0 };

  /** `now`: the indexer's clock for the age check; default 15 minutes after the first event, as for a live trail. */
  constructor(now?: number) {
    this.now = now;
  }

  add(source: IndexSource): void {
    const started = performance.now();
    const event = toIndexEvent(source);
    this.coreMs += performance.now() - started;
    this.addIndexed(event, logStreamName(source.event.record));
  }

  /** An event already made (scanForIndex), with its log stream. */
  addIndexed(event: IndexEvent, stream: string): void {
    const started = performance.now();
    let ready: LogBatch<IndexEvent>[] = [];
    this.now ??= event.timestamp + 15 * 60_000;
    if (classifyEventAge(event.timestamp, this.now) !== 'ok') {
      this.counts.rejectedForAge++;
    } else {
      this.boundsOf(stream).add(event);
      this.counts.events++;
      this.counts.messageBytes += event.bytes;
      if (event.trimmed) this.counts.trimmed++;
      ready = this.batcher.add(stream, event);
    }
    this.coreMs += performance.now() - started;
    if (ready.length > 0) this.send(ready);
  }

  finish(): IndexBatchingReport {
    const started = performance.now();
    const ready = this.batcher.flush();
    this.coreMs += performance.now() - started;
    this.send(ready);
    const seconds = (this.coreMs + this.serialiseMs) / 1000;
    const coreSeconds = this.coreMs / 1000;
    let minimumCalls = 0;
    let guaranteedMaxCalls = 0;
    for (const b of this.bounds.values()) {
      minimumCalls += b.minimumCalls;
      guaranteedMaxCalls += b.guaranteedMaxCalls;
    }
    return {
      ...this.counts,
      coreSeconds,
      serialiseSeconds: this.serialiseMs / 1000,
      eventsPerSecond: this.counts.events / seconds,
      mbPerSecond: this.counts.messageBytes / MB / seconds,
      coreEventsPerSecond: this.counts.events / coreSeconds,
      coreMbPerSecond: this.counts.messageBytes / MB / coreSeconds,
      minimumCalls,
      guaranteedMaxCalls,
      peakHeldBytes: this.batcher.stats.peakHeldBytes,
    };
  }

  private send(batches: LogBatch<IndexEvent>[]): void {
    for (const batch of batches) {
      const started = performance.now();
      // The body the writer sends (awsJson1_1: a JSON body, written from the events' encoded messages).
      this.counts.requestBytes += putLogEventsBodyBytes(LOG_GROUP, batch.logStreamName, batch.events).length;
      this.serialiseMs += performance.now() - started;
      this.counts.calls++;
    }
  }

  private boundsOf(stream: string): CallBounds {
    let b = this.bounds.get(stream);
    if (!b) {
      b = new CallBounds();
      this.bounds.set(stream, b);
    }
    return b;
  }
}

/** Generated records (about `targetBytes` of record JSON), classified up front, then timed through the index core. */
export function measureIndexBatching(
  options: { targetBytes?: number; seed?: number; scope?: IndexScope } = {},
): IndexBatchingReport {
  const { targetBytes = 20 * MB, seed = DEFAULT_SEED, scope = 'all' } = options;
  const plan = scopePlan(scope);
  const ruleset = compileRuleset();
  const sources: IndexSource[] = [];
  let bytes = 0;
  for (const generated of generateRecords(seed)) {
    if (bytes >= targetBytes) break;
    bytes += Buffer.byteLength(generated.json, 'utf8');
    const event = classify(JSON.parse(generated.json) as CloudTrailRecord);
    const source: IndexSource = {
      raw: generated.json,
      event,
      alerts: ruleset.evaluate(event).map((rule) => ({ rule: rule.id })),
    };
    if (plan.includes(event)) sources.push(source);
  }
  const meter = new IndexBatchingMeter();
  for (const source of sources) meter.add(source);
  return meter.finish();
}

/** One line for the bench table. */
export function describeIndexBatching(r: IndexBatchingReport, part = 'index part alone'): string {
  const k = (n: number) =>
    n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k` : n.toFixed(0);
  return (
    `${part}: ${k(r.eventsPerSecond)} events/s, ${r.mbPerSecond.toFixed(0)} MB/s of messages with request JSON ` +
    `(${k(r.coreEventsPerSecond)} events/s, ${r.coreMbPerSecond.toFixed(0)} MB/s without); ` +
    `${r.calls} PutLogEvents calls for ${r.events} events, minimum ${r.minimumCalls} (${(r.calls / Math.max(1, r.minimumCalls)).toFixed(3)}×), bound ${r.guaranteedMaxCalls}; ` +
    `${r.trimmed} trimmed, peak held ${(r.peakHeldBytes / MB).toFixed(1)} MB`
  );
}

/** scanForIndex over a bench file, every record indexed; the meter times batching and request bodies. */
async function indexEveryRecord(file: string): Promise<RowOutput> {
  const scan = scanForIndex(createReadStream(file, { highWaterMark: TRAILWATCH_READ_CHUNK }), {
    file,
    ruleset: compileRuleset(),
    scope: 'all',
  });
  const meter = new IndexBatchingMeter();
  let rdsRecords = 0;
  for await (const item of scan) {
    if (item.kind === 'malformed') throw item.error;
    if (isRds(item.event.json)) rdsRecords++;
    meter.addIndexed(item.event, item.logStreamName);
  }
  const report = meter.finish();
  return {
    records: scan.stats.records,
    rdsRecords,
    bytesOut: scan.stats.bytesOut,
    detail: `${scan.fastPathEvents} events built from bytes; ${describeIndexBatching(report, 'batching and request bodies alone')}`,
  };
}

const RDS_SOURCE = Buffer.from('\\"eventSource\\":\\"rds.amazonaws.com\\"');

/** Whether an event's message holds a record from rds.amazonaws.com (the table's RDS count: the generator's records are compact). */
function isRds(json: Buffer): boolean {
  return json.includes(RDS_SOURCE);
}

export const INDEX_BATCHING_ROW: RowSpec = {
  id: 'trailwatch-index-all',
  label:
    'trailwatch index, every record: scanForIndex (index events) + PutLogEvents batches and bodies (SDK not called)',
  kind: 'trailwatch',
  run: indexEveryRecord,
};
