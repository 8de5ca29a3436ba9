// Property tests of LogBatcher against the limit-enforcing CloudWatch Logs fake: random event sizes (tiny,
// typical, near the maximum, multi-byte UTF-8), timestamps (out of order, spanning minutes to days) and counts.
// Every batch must pass the fake, no event may be lost or duplicated, and the number of calls must stay within
// the bound proved in test/helpers/batch-bounds.ts.
//
// Most runs use shrunk limits (a 16 KiB batch of at most 40 events) so that a few hundred events make many
// batches; the real limits get their own, slower properties with events near 1 MB.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LogBatcher,
  toPutLogEventsInput,
  type BatchableEvent,
  type BatcherOptions,
  type LogBatch,
} from '../shared/index/index.js';
import { PUT_LOG_EVENTS_LIMITS, type BatchLimits } from '../shared/index/limits.js';
import { createCloudWatchLogsFake } from '../local-aws/cloudwatch-logs-fake.js';
import { guaranteedMaxCalls, maxWindows } from './helpers/batch-bounds.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const GROUP = 'trailwatch-index';
const STREAMS = [
  '111122223333_CloudTrail_us-east-1',
  '111122223333_CloudTrail_eu-west-1',
  '444455556666_CloudTrail_us-east-1',
];
const SCALED: BatchLimits = {
  ...PUT_LOG_EVENTS_LIMITS,
  maxBatchBytes: 16_384,
  maxBatchEvents: 40,
  maxEventMessageBytes: 16_384 - 26,
};

interface TestEvent extends BatchableEvent {
  eventID: string;
}

interface Spec {
  stream: number;
  offsetMs: number;
  bytes: number;
  unit: string;
}

/** A message of exactly `bytes` UTF-8 bytes: as many `unit` characters as fit, padded with ASCII. */
function message(bytes: number, unit: string): string {
  const unitBytes = Buffer.byteLength(unit, 'utf8');
  const units = Math.floor(bytes / unitBytes);
  return unit.repeat(units) + 'a'.repeat(bytes - units * unitBytes);
}

function toEvents(specs: readonly Spec[]): { stream: string; event: TestEvent }[] {
  return specs.map((s, i) => ({
    stream: STREAMS[s.stream] ?? 'unknown',
    event: { eventID: `e${i}`, timestamp: T0 + s.offsetMs, message: message(s.bytes, s.unit), bytes: s.bytes },
  }));
}

const unit = fc.constantFrom('a', 'é', '日', '😀');

/** Message sizes: tiny (count-bound), typical, large (> 1/21 of a batch), near the maximum. */
function size(limits: BatchLimits, kinds: { tiny?: boolean; large?: boolean } = {}): fc.Arbitrary<number> {
  const heavy = Math.ceil(limits.maxBatchBytes / limits.maxBatchEvents) - limits.perEventOverheadBytes; // not light
  const notBig = Math.floor(limits.maxBatchBytes / 21) - limits.perEventOverheadBytes;
  const max = limits.maxEventMessageBytes;
  const options: fc.WeightedArbitrary<number>[] = [{ weight: 8, arbitrary: fc.integer({ min: heavy, max: notBig }) }];
  if (kinds.tiny) options.push({ weight: 4, arbitrary: fc.integer({ min: 1, max: heavy - 1 }) });
  if (kinds.large)
    options.push(
      { weight: 1, arbitrary: fc.integer({ min: notBig + 1, max }) },
      { weight: 1, arbitrary: fc.integer({ min: max - 64, max }) },
    );
  return fc.oneof(...options);
}

function specs(
  limits: BatchLimits,
  options: { spanMs: number; streams?: number; maxLength?: number; tiny?: boolean; large?: boolean },
): fc.Arbitrary<Spec[]> {
  const spec = fc.record({
    stream: fc.integer({ min: 0, max: (options.streams ?? 1) - 1 }),
    offsetMs: fc.integer({ min: 0, max: options.spanMs }),
    bytes: size(limits, options),
    unit,
  });
  return fc.array(spec, { minLength: 1, maxLength: options.maxLength ?? 400, size: 'max' });
}

interface Outcome {
  batches: LogBatch<TestEvent>[];
  batcher: LogBatcher<TestEvent>;
}

/** Streams every event through a batcher and every batch through the fake, as the indexer will. */
async function runThroughFake(
  events: { stream: string; event: TestEvent }[],
  limits: BatchLimits,
  options: Omit<BatcherOptions, 'limits'> = {},
): Promise<Outcome> {
  const batcher = new LogBatcher<TestEvent>({ limits, ...options });
  const latest = Math.max(...events.map((e) => e.event.timestamp));
  const fake = createCloudWatchLogsFake({
    logGroups: { [GROUP]: {} },
    existingStreams: { [GROUP]: STREAMS },
    now: () => latest,
    limits,
  });
  const batches: LogBatch<TestEvent>[] = [];
  const send = async (ready: LogBatch<TestEvent>[]) => {
    for (const batch of ready) {
      batches.push(batch);
      const response = await fake.putLogEvents(toPutLogEventsInput(GROUP, batch));
      expect(response).toEqual({}); // nothing is rejected for age: every event is less than 14 days old
    }
  };
  for (const { stream, event } of events) await send(batcher.add(stream, event));
  await send(batcher.flush());
  fake.assertNoViolations();
  const stored = STREAMS.flatMap((s) => fake.storedEvents(GROUP, s));
  expect(stored).toHaveLength(events.length);
  return { batches, batcher };
}

function expectSameEvents(events: { event: TestEvent }[], batches: LogBatch<TestEvent>[]): void {
  const sent = batches.flatMap((b) => b.events.map((e) => e.eventID)).sort();
  expect(sent).toEqual(events.map((e) => e.event.eventID).sort());
}

function expectValidBatches(batches: LogBatch<TestEvent>[], limits: BatchLimits): void {
  for (const b of batches) {
    const ts = b.events.map((e) => e.timestamp);
    expect(ts).toEqual([...ts].sort((x, y) => x - y));
    expect(Math.max(...ts) - Math.min(...ts)).toBeLessThan(limits.maxBatchSpanMs);
    expect(b.events.length).toBeLessThanOrEqual(limits.maxBatchEvents);
    expect(b.bytes).toBe(
      b.events.reduce((s, e) => s + Buffer.byteLength(e.message, 'utf8') + limits.perEventOverheadBytes, 0),
    );
    expect(b.bytes).toBeLessThanOrEqual(limits.maxBatchBytes);
  }
}

/** The theorem's bound, per log stream (windows are per stream), summed. */
function boundPerStream(events: { stream: string; event: TestEvent }[], limits: BatchLimits): number {
  let bound = 0;
  for (const stream of STREAMS)
    bound += guaranteedMaxCalls(
      events.filter((e) => e.stream === stream).map((e) => e.event),
      limits,
    );
  return bound;
}

describe('batching properties (shrunk limits)', () => {
  it('every batch passes the fake and no event is lost or duplicated, for any sizes, times, streams and order', async () => {
    let mostBatches = 0;
    await fc.assert(
      fc.asyncProperty(specs(SCALED, { spanMs: 5 * 24 * HOUR, streams: 3, tiny: true, large: true }), async (s) => {
        const events = toEvents(s);
        const { batches } = await runThroughFake(events, SCALED, { maxWindowsPerStream: 32 });
        expectSameEvents(events, batches);
        expectValidBatches(batches, SCALED);
        mostBatches = Math.max(mostBatches, batches.length);
      }),
      { numRuns: 150 },
    );
    // The generated inputs are large enough to make many batches, not one or two.
    expect(mostBatches).toBeGreaterThan(20);
  });

  it('uses at most ceil(1.05 x max(S/B, n/C)) calls for typical events (79 bytes to 1/21 of a batch) within 12 hours', async () => {
    await fc.assert(
      fc.asyncProperty(specs(SCALED, { spanMs: 12 * HOUR - 1 }), async (s) => {
        const events = toEvents(s);
        const { batches } = await runThroughFake(events, SCALED);
        const totalBytes = events.reduce((sum, e) => sum + e.event.bytes + SCALED.perEventOverheadBytes, 0);
        const lowerBound = Math.max(totalBytes / SCALED.maxBatchBytes, events.length / SCALED.maxBatchEvents);
        expect(batches.length).toBeLessThanOrEqual(Math.ceil(1.05 * lowerBound));
      }),
      { numRuns: 200 },
    );
  });

  it('uses at most one more call for typical events spanning up to 24 hours', async () => {
    await fc.assert(
      fc.asyncProperty(specs(SCALED, { spanMs: 24 * HOUR - 1 }), async (s) => {
        const events = toEvents(s);
        const { batches } = await runThroughFake(events, SCALED);
        const totalBytes = events.reduce((sum, e) => sum + e.event.bytes + SCALED.perEventOverheadBytes, 0);
        const lowerBound = Math.max(totalBytes / SCALED.maxBatchBytes, events.length / SCALED.maxBatchEvents);
        expect(batches.length).toBeLessThanOrEqual(Math.ceil(1.05 * lowerBound) + 1);
      }),
      { numRuns: 100 },
    );
  });

  it('stays within the general bound (big events, tiny events, days of timestamps, several streams)', async () => {
    await fc.assert(
      fc.asyncProperty(specs(SCALED, { spanMs: 5 * 24 * HOUR, streams: 3, tiny: true, large: true }), async (s) => {
        const events = toEvents(s);
        const { batches, batcher } = await runThroughFake(events, SCALED, { maxWindowsPerStream: 64 });
        expect(batcher.stats).toMatchObject({ evictions: 0, memoryCloses: 0 });
        expect(batches.length).toBeLessThanOrEqual(boundPerStream(events, SCALED));
      }),
      { numRuns: 200 },
    );
  });

  it('uses at most ceil(n/C) + W - 1 calls when every event is lighter than B/C (the count limit binds)', async () => {
    const tinyOnly = fc.array(
      fc.record({
        stream: fc.constant(0),
        offsetMs: fc.integer({ min: 0, max: 3 * 24 * HOUR }),
        bytes: fc.integer({ min: 1, max: 383 }),
        unit,
      }),
      { minLength: 1, maxLength: 600, size: 'max' },
    );
    await fc.assert(
      fc.asyncProperty(tinyOnly, async (s) => {
        const events = toEvents(s);
        const { batches } = await runThroughFake(events, SCALED, { maxWindowsPerStream: 64 });
        const ts = events.map((e) => e.event.timestamp);
        const windows = maxWindows(Math.max(...ts) - Math.min(...ts), SCALED);
        expect(batches.length).toBeLessThanOrEqual(Math.ceil(events.length / SCALED.maxBatchEvents) + windows - 1);
      }),
      { numRuns: 100 },
    );
  });

  it('opens at most floor(D / 12 h) + 1 windows for timestamps spanning D', () => {
    fc.assert(
      fc.property(specs(SCALED, { spanMs: 6 * 24 * HOUR }), (s) => {
        const events = toEvents(s);
        const batcher = new LogBatcher<TestEvent>({ limits: SCALED, maxWindowsPerStream: 1_000 });
        for (const { stream, event } of events) batcher.add(stream, event);
        const ts = events.map((e) => e.event.timestamp);
        expect(batcher.stats.windowsOpened).toBeLessThanOrEqual(maxWindows(Math.max(...ts) - Math.min(...ts), SCALED));
      }),
      { numRuns: 200 },
    );
  });

  it('holds at most maxHeldBytes, and each early close (eviction, memory) costs at most one call over the bound', async () => {
    const budget = fc.record({
      maxWindowsPerStream: fc.integer({ min: 1, max: 3 }),
      maxHeldBytes: fc.integer({ min: 0, max: 4 * SCALED.maxBatchBytes }),
    });
    await fc.assert(
      fc.asyncProperty(
        specs(SCALED, { spanMs: 4 * 24 * HOUR, streams: 3, tiny: true, large: true }),
        budget,
        async (s, options) => {
          const events = toEvents(s);
          const { batches, batcher } = await runThroughFake(events, SCALED, options);
          expectSameEvents(events, batches);
          const { peakHeldBytes, evictions, memoryCloses } = batcher.stats;
          expect(peakHeldBytes).toBeLessThanOrEqual(options.maxHeldBytes);
          expect(batches.length).toBeLessThanOrEqual(boundPerStream(events, SCALED) + evictions + memoryCloses);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('batching properties (real PutLogEvents limits)', () => {
  it('passes the fake with events near 1 MB mixed with typical ones, within the bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        specs(PUT_LOG_EVENTS_LIMITS, { spanMs: 2 * 24 * HOUR, large: true, maxLength: 40 }),
        async (s) => {
          const events = toEvents(s);
          const { batches } = await runThroughFake(events, PUT_LOG_EVENTS_LIMITS, { maxWindowsPerStream: 16 });
          expectSameEvents(events, batches);
          expectValidBatches(batches, PUT_LOG_EVENTS_LIMITS);
          expect(batches.length).toBeLessThanOrEqual(boundPerStream(events, PUT_LOG_EVENTS_LIMITS));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('fills batches by count with 10,000 small events, within 1.05x of the minimum', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 10_001, max: 30_000 }),
        fc.integer({ min: 79, max: 120 }),
        async (n, bytes) => {
          const events = toEvents(
            Array.from({ length: n }, (_, i) => ({ stream: 0, offsetMs: (i * 7919) % HOUR, bytes, unit: 'a' })),
          );
          const { batches } = await runThroughFake(events, PUT_LOG_EVENTS_LIMITS);
          const totalBytes = n * (bytes + 26);
          expect(batches.length).toBeLessThanOrEqual(
            Math.ceil(1.05 * Math.max(totalBytes / PUT_LOG_EVENTS_LIMITS.maxBatchBytes, n / 10_000)),
          );
        },
      ),
      { numRuns: 5 },
    );
  });
});
