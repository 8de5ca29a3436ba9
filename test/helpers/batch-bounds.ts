// How many PutLogEvents calls a set of events needs at least, and how many LogBatcher is guaranteed to use.
//
// Notation: B = maxBatchBytes, C = maxBatchEvents, cost(e) = message bytes + 26, S = sum of costs, n = events.
// Lower bound, for any packing: L = max(ceil(S / B), ceil(n / C)) (what the byte and count limits allow).
//
// L cannot always be reached, by any packer: three events of 0.6 B need three calls though S / B = 1.8; and a
// streaming packer cannot mix 10,000 tiny events that come first with large ones that come later. So the
// guarantee names what makes the difference:
//   big(e)    21 * cost(e) > B              (an event over 1/21 of a batch: about 49.9 KB at B = 1 MiB)
//   light(e)  C * cost(e) < B               (an event under B / C: a message under 79 bytes at the real limits)
//   W         floor(D / h) + 1, D = max - min timestamp, h = floor(maxBatchSpanMs / 2) (12 h): the most time
//             windows the batcher can open (their centres are pairwise at least h apart)
//
// Theorem. For the events of one log stream, when the batcher closes no batch early (no eviction: a stream needs
// at most maxWindowsPerStream windows, always so when W <= maxWindowsPerStream; no memory close: never with
// fewer than maxHeldBytes / maxBatchBytes open batches):
//   calls <= ceil(1.05 * S / B) + #big + (W - 1) + (any light ? floor(n / C) : 0)
// Proof. Every batch is the last of its window (at most W of them), or it was closed because
//   (a) it reached C events: then if no event is light its fill is >= C * (B / C) = B; otherwise there are at
//       most floor(n / C) such batches, since they hold C events each;
//   (b) the next event e did not fit: fill + cost(e) > B. If e is not big, fill > B - B/21 = (20/21) B.
//       If e is big, e starts the next batch, so each big event closes at most one batch: at most #big.
//   The batches of fill > (20/21) B hold disjoint events, so there are fewer than S / ((20/21) B) = 1.05 S / B
//   of them, i.e. at most ceil(1.05 S / B) - 1. Adding up the kinds gives the bound.
// Corollary (real CloudTrail files): index events are never light (the `trailwatch` object alone is longer than
// 79 bytes), rarely big, and a file spans minutes (W = 1). Then S / B >= n / C and
//   calls <= ceil(1.05 * max(S / B, n / C)) = ceil(1.05 * L): within 1.05x of the minimum.
// Each early close (eviction, memory close) adds at most one more batch. Over several streams, the bounds add up.
import { PUT_LOG_EVENTS_LIMITS, type BatchLimits } from '../../shared/index/limits.js';

export interface SizedEvent {
  timestamp: number;
  /** Message UTF-8 bytes. */
  bytes: number;
}

/** Both bounds for the events of one log stream, accumulated one event at a time (memory stays constant). */
export class CallBounds {
  private readonly l: BatchLimits;
  private count = 0;
  private totalCost = 0;
  private big = 0;
  private anyLight = false;
  private min = Infinity;
  private max = -Infinity;

  constructor(limits: Partial<BatchLimits> = {}) {
    this.l = { ...PUT_LOG_EVENTS_LIMITS, ...limits };
  }

  add(event: SizedEvent): void {
    const cost = event.bytes + this.l.perEventOverheadBytes;
    this.count++;
    this.totalCost += cost;
    if (21 * cost > this.l.maxBatchBytes) this.big++;
    if (this.l.maxBatchEvents * cost < this.l.maxBatchBytes) this.anyLight = true;
    this.min = Math.min(this.min, event.timestamp);
    this.max = Math.max(this.max, event.timestamp);
  }

  /** max(ceil(S / B), ceil(n / C)): no packing of these events into valid batches uses fewer calls. */
  get minimumCalls(): number {
    return Math.max(Math.ceil(this.totalCost / this.l.maxBatchBytes), Math.ceil(this.count / this.l.maxBatchEvents));
  }

  /** The theorem's right-hand side: LogBatcher uses at most this many calls when it evicts no window. */
  get guaranteedMaxCalls(): number {
    if (this.count === 0) return 0;
    const countBound = this.anyLight ? Math.floor(this.count / this.l.maxBatchEvents) : 0;
    return (
      Math.ceil((1.05 * this.totalCost) / this.l.maxBatchBytes) +
      this.big +
      (maxWindows(this.max - this.min, this.l) - 1) +
      countBound
    );
  }
}

export function minimumCalls(events: readonly SizedEvent[], limits: Partial<BatchLimits> = {}): number {
  return boundsOf(events, limits).minimumCalls;
}

export function guaranteedMaxCalls(events: readonly SizedEvent[], limits: Partial<BatchLimits> = {}): number {
  return boundsOf(events, limits).guaranteedMaxCalls;
}

/** W: how many time windows events spanning `spanMs` can open, at most. */
export function maxWindows(spanMs: number, limits: Partial<BatchLimits> = {}): number {
  const half = Math.floor({ ...PUT_LOG_EVENTS_LIMITS, ...limits }.maxBatchSpanMs / 2);
  return Math.floor(spanMs / half) + 1;
}

function boundsOf(events: readonly SizedEvent[], limits: Partial<BatchLimits>): CallBounds {
  const bounds = new CallBounds(limits);
  for (const e of events) bounds.add(e);
  return bounds;
}
