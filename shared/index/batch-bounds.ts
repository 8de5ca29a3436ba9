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
// Theorem. Without evictions (at most maxOpenWindows windows needed, always so when W <= maxOpenWindows):
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
// With evictions, each one adds at most one more batch.
import { PUT_LOG_EVENTS_LIMITS, type BatchLimits } from './limits.js';

export interface SizedEvent {
  timestamp: number;
  /** Message UTF-8 bytes. */
  bytes: number;
}

/** max(ceil(S / B), ceil(n / C)): no packing of these events into valid batches uses fewer calls. */
export function minimumCalls(events: readonly Pick<SizedEvent, 'bytes'>[], limits: Partial<BatchLimits> = {}): number {
  const l = { ...PUT_LOG_EVENTS_LIMITS, ...limits };
  const s = totalCost(events, l);
  return Math.max(Math.ceil(s / l.maxBatchBytes), Math.ceil(events.length / l.maxBatchEvents));
}

/** The theorem's right-hand side: LogBatcher uses at most this many calls when it evicts no window. */
export function guaranteedMaxCalls(events: readonly SizedEvent[], limits: Partial<BatchLimits> = {}): number {
  if (events.length === 0) return 0;
  const l = { ...PUT_LOG_EVENTS_LIMITS, ...limits };
  const s = totalCost(events, l);
  let big = 0;
  let anyLight = false;
  let min = Infinity;
  let max = -Infinity;
  for (const e of events) {
    const cost = e.bytes + l.perEventOverheadBytes;
    if (21 * cost > l.maxBatchBytes) big++;
    if (l.maxBatchEvents * cost < l.maxBatchBytes) anyLight = true;
    min = Math.min(min, e.timestamp);
    max = Math.max(max, e.timestamp);
  }
  return Math.ceil((1.05 * s) / l.maxBatchBytes) + big + (maxWindows(max - min, l) - 1) + (anyLight ? Math.floor(events.length / l.maxBatchEvents) : 0);
}

/** W: how many time windows events spanning `spanMs` can open, at most. */
export function maxWindows(spanMs: number, limits: Partial<BatchLimits> = {}): number {
  const half = Math.floor({ ...PUT_LOG_EVENTS_LIMITS, ...limits }.maxBatchSpanMs / 2);
  return Math.floor(spanMs / half) + 1;
}

function totalCost(events: readonly Pick<SizedEvent, 'bytes'>[], l: BatchLimits): number {
  let s = 0;
  for (const e of events) s += e.bytes + l.perEventOverheadBytes;
  return s;
}
