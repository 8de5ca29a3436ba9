// Packs log events into PutLogEvents batches while a file streams: each `add` returns the batches that just
// became full, `flush` the rest at the end of the file. Every batch it returns is valid as it stands:
//   - at most maxBatchBytes (message UTF-8 bytes + 26 per event) and maxBatchEvents events;
//   - in chronological order (sorted when the batch closes, stably: equal timestamps keep file order), because
//     CloudTrail files are not in time order;
//   - spanning less than 24 hours, because events are grouped into time windows first (below).
// Batches are per log stream: `add` takes the stream name with each event.
//
// Time windows. A window is created by the first event that falls in no existing window, and covers the
// half-open range [t - 12 h, t + 12 h) around that event's time t; so any two events in it are less than 24 h
// apart. Within a window events fill one open batch in arrival order (next fit): when an event does not fit,
// the batch closes and a new one starts with it. A CloudTrail file covers minutes, so it uses one window;
// delayed records up to 12 h older or newer than the first one still share it.
//
// How full the batches are (proved in test/helpers/batch-bounds.ts, checked by test/index-batcher.property.test.ts):
// a batch closes only when it holds maxBatchEvents events or the next event would take it over maxBatchBytes,
// so apart from the last batch of each window every batch is full to within one event.
//
// Memory: a stream keeps at most `maxWindowsPerStream` windows (one open batch each); one more closes its least
// recently used window early ('evicted'). Over all streams the batcher holds at most `maxHeldBytes` (counted
// as against maxBatchBytes) after each add: past it, the fullest open batch is handed out ('memory'), which
// wastes the least. A CloudTrail file is one account and one region, so one stream and one window: neither
// rule ever fires on it. Each early close costs at most one call over the bound.
import { PUT_LOG_EVENTS_LIMITS, type BatchLimits } from './limits.js';
import type { InputLogEvent, PutLogEventsInput } from './types.js';

/** What the batcher needs of an event: the log event and its message's UTF-8 size. IndexEvent is one. */
export interface BatchableEvent extends InputLogEvent {
  bytes: number;
}

/**
 * Why a batch was handed out: full by count or by bytes; closed early because its stream needed one window more
 * ('evicted') or the batcher held too much ('memory'); or flush() was called.
 */
export type BatchCloseReason = 'count' | 'bytes' | 'evicted' | 'memory' | 'flush';

export interface LogBatch<T extends BatchableEvent = BatchableEvent> {
  logStreamName: string;
  /** Chronological. */
  events: T[];
  /** Against maxBatchBytes: message bytes + the per-event overhead, summed. */
  bytes: number;
  closedBy: BatchCloseReason;
}

export interface BatcherOptions {
  /** Defaults to PutLogEvents' documented limits; tests may shrink them. */
  limits?: Partial<BatchLimits>;
  /** Time windows a log stream keeps open at once. Default 4. */
  maxWindowsPerStream?: number;
  /** Bytes held in open batches over all streams (as counted against maxBatchBytes). Default 16 MiB. */
  maxHeldBytes?: number;
}

export interface BatcherStats {
  eventsIn: number;
  batchesOut: number;
  /** Against maxBatchBytes, summed over the batches handed out. */
  bytesOut: number;
  windowsOpened: number;
  /** Windows closed early to stay within maxWindowsPerStream. */
  evictions: number;
  /** Batches handed out early to stay within maxHeldBytes. */
  memoryCloses: number;
  /** Bytes (as counted against maxBatchBytes) of events held in open batches now, and at most so far. */
  heldBytes: number;
  peakHeldBytes: number;
}

export const DEFAULT_MAX_WINDOWS_PER_STREAM = 4;
export const DEFAULT_MAX_HELD_BYTES = 16 * 1_048_576;

interface Window<T> {
  logStreamName: string;
  /** Events in [from, to). */
  from: number;
  to: number;
  events: T[];
  bytes: number;
  lastUsed: number;
}

export class LogBatcher<T extends BatchableEvent = BatchableEvent> {
  readonly limits: Readonly<BatchLimits>;
  readonly maxWindowsPerStream: number;
  readonly maxHeldBytes: number;
  private readonly windows = new Map<string, Window<T>[]>();
  private clock = 0;
  private readonly counters: BatcherStats = {
    eventsIn: 0,
    batchesOut: 0,
    bytesOut: 0,
    windowsOpened: 0,
    evictions: 0,
    memoryCloses: 0,
    heldBytes: 0,
    peakHeldBytes: 0,
  };

  constructor(options: BatcherOptions = {}) {
    this.limits = { ...PUT_LOG_EVENTS_LIMITS, ...options.limits };
    this.maxWindowsPerStream = options.maxWindowsPerStream ?? DEFAULT_MAX_WINDOWS_PER_STREAM;
    this.maxHeldBytes = options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES;
    if (!(Number.isInteger(this.maxWindowsPerStream) && this.maxWindowsPerStream >= 1))
      throw new RangeError(`maxWindowsPerStream must be an integer >= 1, got ${this.maxWindowsPerStream}`);
    if (!(this.maxHeldBytes >= 0)) throw new RangeError(`maxHeldBytes must be >= 0, got ${this.maxHeldBytes}`);
    if (this.limits.maxEventMessageBytes + this.limits.perEventOverheadBytes > this.limits.maxBatchBytes) {
      throw new RangeError(
        'maxEventMessageBytes + perEventOverheadBytes must fit in maxBatchBytes: an event must fit in a batch of its own',
      );
    }
  }

  get stats(): Readonly<BatcherStats> {
    return { ...this.counters };
  }

  /** Adds one event; returns the batches that are ready to send (usually none, sometimes one, rarely two). */
  add(logStreamName: string, event: T): LogBatch<T>[] {
    this.check(event);
    const ready: LogBatch<T>[] = [];
    const window = this.windowFor(logStreamName, event.timestamp, ready);
    const cost = event.bytes + this.limits.perEventOverheadBytes;
    if (window.bytes + cost > this.limits.maxBatchBytes) ready.push(this.close(window, 'bytes'));
    window.events.push(event);
    window.bytes += cost;
    window.lastUsed = ++this.clock;
    this.counters.eventsIn++;
    this.counters.heldBytes += cost;
    if (window.events.length >= this.limits.maxBatchEvents) ready.push(this.close(window, 'count'));
    // One close is enough: the fullest batch holds at least this event's bytes (or its batch just closed).
    if (this.counters.heldBytes > this.maxHeldBytes) {
      ready.push(this.close(this.fullestWindow(), 'memory'));
      this.counters.memoryCloses++;
    }
    this.counters.peakHeldBytes = Math.max(this.counters.peakHeldBytes, this.counters.heldBytes);
    return ready;
  }

  /** Every batch still open, e.g. at the end of a file. The batcher is empty (and reusable) afterwards. */
  flush(): LogBatch<T>[] {
    const ready: LogBatch<T>[] = [];
    for (const list of this.windows.values())
      for (const w of list) if (w.events.length > 0) ready.push(this.close(w, 'flush'));
    this.windows.clear();
    return ready;
  }

  /** Events that would break a limit on their own are the caller's bug (trim and age-check first): fail loudly. */
  private check(event: T): void {
    const { timestamp, bytes } = event;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0)
      throw new RangeError(`event timestamp must be an integer >= 0 (check classifyEventAge first), got ${timestamp}`);
    if (!Number.isInteger(bytes) || bytes < 1)
      throw new RangeError(`event bytes must be a positive integer (messages may not be empty), got ${bytes}`);
    if (bytes > this.limits.maxEventMessageBytes)
      throw new RangeError(
        `event of ${bytes} bytes is over the ${this.limits.maxEventMessageBytes}-byte event limit (trim it first)`,
      );
  }

  private windowFor(logStreamName: string, timestamp: number, ready: LogBatch<T>[]): Window<T> {
    let list = this.windows.get(logStreamName);
    if (!list) {
      list = [];
      this.windows.set(logStreamName, list);
    }
    const found = list.find((w) => timestamp >= w.from && timestamp < w.to);
    if (found) return found;
    if (list.length >= this.maxWindowsPerStream) this.evictLeastRecentlyUsed(list, ready);
    const half = Math.floor(this.limits.maxBatchSpanMs / 2);
    const window: Window<T> = {
      logStreamName,
      from: timestamp - half,
      to: timestamp + half,
      events: [],
      bytes: 0,
      lastUsed: this.clock,
    };
    list.push(window);
    this.counters.windowsOpened++;
    return window;
  }

  private evictLeastRecentlyUsed(list: Window<T>[], ready: LogBatch<T>[]): void {
    let oldest = 0;
    list.forEach((w, i) => {
      if (w.lastUsed < (list[oldest]?.lastUsed ?? Infinity)) oldest = i;
    });
    const [evicted] = list.splice(oldest, 1);
    if (evicted && evicted.events.length > 0) ready.push(this.close(evicted, 'evicted'));
    this.counters.evictions++;
  }

  /** The open batch holding the most bytes: handing it out early wastes the least. Only called while bytes are held. */
  private fullestWindow(): Window<T> {
    let fullest: Window<T> | undefined;
    for (const list of this.windows.values())
      for (const w of list) if (!fullest || w.bytes > fullest.bytes) fullest = w;
    if (!fullest) throw new Error('LogBatcher: bytes held but no open batch (bug)');
    return fullest;
  }

  private close(window: Window<T>, closedBy: BatchCloseReason): LogBatch<T> {
    // Array.prototype.sort is stable: events with equal timestamps stay in arrival order.
    const events = window.events.sort((a, b) => a.timestamp - b.timestamp);
    const batch: LogBatch<T> = { logStreamName: window.logStreamName, events, bytes: window.bytes, closedBy };
    this.counters.batchesOut++;
    this.counters.bytesOut += window.bytes;
    this.counters.heldBytes -= window.bytes;
    window.events = [];
    window.bytes = 0;
    return batch;
  }
}

/** The PutLogEvents request for a batch (structurally a PutLogEventsCommandInput): only timestamp and message. */
export function toPutLogEventsInput(logGroupName: string, batch: LogBatch): PutLogEventsInput {
  return {
    logGroupName,
    logStreamName: batch.logStreamName,
    logEvents: batch.events.map((e) => ({ timestamp: e.timestamp, message: e.message })),
  };
}
