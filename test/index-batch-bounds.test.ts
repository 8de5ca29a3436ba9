// The call-count bounds of test/helpers/batch-bounds.ts, on cases worked out by hand, and on generated CloudTrail.
import { describe, expect, it } from 'vitest';
import { measureIndexBatching } from '../bench/index-batching.js';
import { LogBatcher } from '../shared/index/index.js';
import { CallBounds, guaranteedMaxCalls, maxWindows, minimumCalls } from './helpers/batch-bounds.js';
import { PUT_LOG_EVENTS_LIMITS } from '../shared/index/limits.js';

const B = PUT_LOG_EVENTS_LIMITS.maxBatchBytes;
const HOUR = 3_600_000;
const at = (timestamp: number, bytes: number) => ({ timestamp, bytes, message: 'x'.repeat(bytes) });

function callsOf(events: ReturnType<typeof at>[]): number {
  const batcher = new LogBatcher();
  return events.reduce((n, e) => n + batcher.add('s', e).length, 0) + batcher.flush().length;
}

describe('call-count bounds', () => {
  it('minimum: bytes decide for typical events', () => {
    const events = Array.from({ length: 1_000 }, (_, i) => at(i, 2_000 - 26)); // 2,000,000 bytes with overhead
    expect(minimumCalls(events)).toBe(2);
  });

  it('minimum: the count decides for tiny events', () => {
    expect(minimumCalls(Array.from({ length: 25_000 }, (_, i) => at(i, 10)))).toBe(3);
  });

  it('three events of 0.6 of a batch need three calls though the minimum says two; the guarantee allows for it', () => {
    const events = [at(0, 0.6 * B), at(1, 0.6 * B), at(2, 0.6 * B)].map((e) => ({ ...e, bytes: Math.floor(e.bytes) }));
    expect(minimumCalls(events)).toBe(2);
    expect(callsOf(events)).toBe(3);
    expect(guaranteedMaxCalls(events)).toBeGreaterThanOrEqual(3);
  });

  it('guarantee: ceil(1.05 x S / B) for typical events within 12 hours', () => {
    const events = Array.from({ length: 1_000 }, (_, i) => at(i * 1_000, 2_000 - 26));
    expect(guaranteedMaxCalls(events)).toBe(Math.ceil((1.05 * 2_000_000) / B));
  });

  it('windows: one per 12 hours of span, plus one', () => {
    expect(maxWindows(12 * HOUR - 1)).toBe(1);
    expect(maxWindows(12 * HOUR)).toBe(2);
    expect(maxWindows(5 * 24 * HOUR)).toBe(11);
  });

  it('CallBounds accumulates one event at a time to the same bounds', () => {
    const events = [at(0, 100), at(13 * HOUR, 60_000), at(2 * HOUR, 10)];
    const bounds = new CallBounds();
    for (const e of events) bounds.add(e);
    expect([bounds.minimumCalls, bounds.guaranteedMaxCalls]).toEqual([
      minimumCalls(events),
      guaranteedMaxCalls(events),
    ]);
  });

  it('on generated CloudTrail records, every event indexed, uses at most 1.05x the minimum number of calls', () => {
    const report = measureIndexBatching({ targetBytes: 6_000_000, scope: 'all' });
    expect(report.events).toBeGreaterThan(3_000);
    expect(report.calls).toBeLessThanOrEqual(Math.ceil(1.05 * report.minimumCalls));
    expect(report.calls).toBeLessThanOrEqual(report.guaranteedMaxCalls);
  });
});
