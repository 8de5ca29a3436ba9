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
// How full the batches are (proved in shared/index/batch-bounds.ts, checked by test/index-batcher.property.test.ts):
// a batch closes only when it holds maxBatchEvents events or the next event would take it over maxBatchBytes,
// so apart from the last batch of each window every batch is full to within one event.
//
// Memory: at most `maxOpenWindows` windows are open at once (over all streams), each holding at most one
// batch, so at most maxOpenWindows x maxBatchBytes of messages are held. When one more window is needed, the
// least recently used one is closed early ('evicted'), which costs one extra, partly filled batch.
import { PUT_LOG_EVENTS_LIMITS, type BatchLimits } from './limits.js';
import type { InputLogEvent, PutLogEventsInput } from './types.js';

/** What the batcher needs of an event: the log event and its message's UTF-8 size. IndexEvent is one. */
export interface BatchableEvent extends InputLogEvent {
  bytes: number;
}

/** Why a batch was handed out: it was full by count or by bytes, its window was evicted, or flush() was called. */
export type BatchCloseReason = 'count' | 'bytes' | 'evicted' | 'flush';

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
  /** Time windows held open at once, over all streams. Default 4. */
  maxOpenWindows?: number;
}

export interface BatcherStats {
  eventsIn: number;
  batchesOut: number;
  /** Against maxBatchBytes, summed over the batches handed out. */
  bytesOut: number;
  windowsOpened: number;
  /** Windows closed early to stay within maxOpenWindows. */
  evictions: number;
  /** Bytes (as counted against maxBatchBytes) of events held in open batches now, and at most so far. */
  heldBytes: number;
  peakHeldBytes: number;
}

export const DEFAULT_MAX_OPEN_WINDOWS = 4;

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
  readonly maxOpenWindows: number;
  private readonly windows = new Map<string, Window<T>[]>();
  private openWindows = 0;
  private clock = 0;
  private readonly counters: BatcherStats = { eventsIn: 0, batchesOut: 0, bytesOut: 0, windowsOpened: 0, evictions: 0, heldBytes: 0, peakHeldBytes: 0 };

  constructor(options: BatcherOptions = {}) {
    this.limits = { ...PUT_LOG_EVENTS_LIMITS, ...options.limits };
    this.maxOpenWindows = options.maxOpenWindows ?? DEFAULT_MAX_OPEN_WINDOWS;
    if (!(Number.isInteger(this.maxOpenWindows) && this.maxOpenWindows >= 1)) throw new RangeError(`maxOpenWindows must be an integer >= 1, got ${this.maxOpenWindows}`);
    if (this.limits.maxEventMessageBytes + this.limits.perEventOverheadBytes > this.limits.maxBatchBytes) {
      throw new RangeError('maxEventMessageBytes + perEventOverheadBytes must fit in maxBatchBytes: an event must fit in a batch of its own');
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
    this.hold(cost);
    if (window.events.length >= this.limits.maxBatchEvents) ready.push(this.close(window, 'count'));
    return ready;
  }

  /** Every batch still open, e.g. at the end of a file. The batcher is empty (and reusable) afterwards. */
  flush(): LogBatch<T>[] {
    const ready: LogBatch<T>[] = [];
    for (const list of this.windows.values()) for (const w of list) if (w.events.length > 0) ready.push(this.close(w, 'flush'));
    this.windows.clear();
    this.openWindows = 0;
    return ready;
  }

  /** Events that would break a limit on their own are the caller's bug (trim and age-check first): fail loudly. */
  private check(event: T): void {
    const { timestamp, bytes } = event;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`event timestamp must be an integer >= 0 (check classifyEventAge first), got ${timestamp}`);
    if (!Number.isInteger(bytes) || bytes < 1) throw new RangeError(`event bytes must be a positive integer (messages may not be empty), got ${bytes}`);
    if (bytes > this.limits.maxEventMessageBytes) throw new RangeError(`event of ${bytes} bytes is over the ${this.limits.maxEventMessageBytes}-byte event limit (trim it first)`);
  }

  private windowFor(logStreamName: string, timestamp: number, ready: LogBatch<T>[]): Window<T> {
    const found = this.windows.get(logStreamName)?.find((w) => timestamp >= w.from && timestamp < w.to);
    if (found) return found;
    if (this.openWindows >= this.maxOpenWindows) this.evictLeastRecentlyUsed(ready);
    const half = Math.floor(this.limits.maxBatchSpanMs / 2);
    const window: Window<T> = { logStreamName, from: timestamp - half, to: timestamp + half, events: [], bytes: 0, lastUsed: this.clock };
    // Looked up again: the eviction may have removed this stream's (last) window and its list.
    const list = this.windows.get(logStreamName);
    if (list) list.push(window);
    else this.windows.set(logStreamName, [window]);
    this.openWindows++;
    this.counters.windowsOpened++;
    return window;
  }

  private evictLeastRecentlyUsed(ready: LogBatch<T>[]): void {
    let oldest: Window<T> | undefined;
    for (const list of this.windows.values()) for (const w of list) if (!oldest || w.lastUsed < oldest.lastUsed) oldest = w;
    if (!oldest) return;
    if (oldest.events.length > 0) ready.push(this.close(oldest, 'evicted'));
    const list = this.windows.get(oldest.logStreamName) ?? [];
    list.splice(list.indexOf(oldest), 1);
    if (list.length === 0) this.windows.delete(oldest.logStreamName);
    this.openWindows--;
    this.counters.evictions++;
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

  private hold(cost: number): void {
    this.counters.heldBytes += cost;
    if (this.counters.heldBytes > this.counters.peakHeldBytes) this.counters.peakHeldBytes = this.counters.heldBytes;
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
