// LogBatcher, one behaviour at a time. The limits are shrunk so that batches fill with a handful of events.
import { describe, expect, it } from 'vitest';
import { LogBatcher, toPutLogEventsInput, type BatchableEvent, type LogBatch } from '../shared/index/index.js';
import { PUT_LOG_EVENTS_LIMITS, type BatchLimits } from '../shared/index/limits.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
/** 10 events of 100-byte messages fill a batch by bytes (10 x 126 = 1,260); 5 events fill it by count only if smaller. */
const SMALL: Partial<BatchLimits> = { maxBatchBytes: 1_260, maxBatchEvents: 20, maxEventMessageBytes: 1_000 };

interface TestEvent extends BatchableEvent {
  id: string;
}

function ev(id: string, offsetMs = 0, bytes = 100): TestEvent {
  return { id, timestamp: T0 + offsetMs, message: 'x'.repeat(bytes), bytes };
}

const ids = (batch: LogBatch<TestEvent> | undefined) => batch?.events.map((e) => e.id);

function addAll(batcher: LogBatcher<TestEvent>, events: TestEvent[], stream = 's'): LogBatch<TestEvent>[] {
  return events.flatMap((e) => batcher.add(stream, e));
}

describe('LogBatcher', () => {
  it('holds events until a batch is full', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    expect(addAll(batcher, [ev('a'), ev('b')])).toEqual([]);
  });

  it('closes a batch when the next event would take it over the byte limit, and starts the next with that event', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    const ready = addAll(
      batcher,
      Array.from({ length: 11 }, (_, i) => ev(`e${i}`)),
    );
    expect(ready).toHaveLength(1);
    expect(ready[0]).toMatchObject({ closedBy: 'bytes', bytes: 1_260 });
    expect(ids(ready[0])).toHaveLength(10);
    expect(ids(batcher.flush()[0])).toEqual(['e10']);
  });

  it('closes a batch as soon as it holds the maximum number of events', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: { ...SMALL, maxBatchEvents: 3 } });
    const ready = addAll(batcher, [ev('a', 0, 10), ev('b', 0, 10), ev('c', 0, 10)]);
    expect(ready.map((b) => [b.closedBy, ids(b)])).toEqual([['count', ['a', 'b', 'c']]]);
  });

  it('sorts each batch by timestamp, keeping arrival order for equal timestamps', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    addAll(batcher, [ev('late', 5_000), ev('first-of-two', 1_000), ev('early', 0), ev('second-of-two', 1_000)]);
    expect(ids(batcher.flush()[0])).toEqual(['early', 'first-of-two', 'second-of-two', 'late']);
  });

  it('hands out what is left on flush, and is empty afterwards', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    addAll(batcher, [ev('a')]);
    expect(batcher.flush().map((b) => [b.closedBy, ids(b)])).toEqual([['flush', ['a']]]);
    expect(batcher.flush()).toEqual([]);
    expect(batcher.stats.heldBytes).toBe(0);
  });

  it('keeps log streams apart', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    batcher.add('s1', ev('a'));
    batcher.add('s2', ev('b'));
    expect(batcher.flush().map((b) => [b.logStreamName, ids(b)])).toEqual([
      ['s1', ['a']],
      ['s2', ['b']],
    ]);
  });

  it("puts events less than 12 hours from a window's first event in the same batch", () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    addAll(batcher, [ev('first'), ev('later', 11 * HOUR), ev('earlier', -11 * HOUR)]);
    expect(ids(batcher.flush()[0])).toEqual(['earlier', 'first', 'later']);
  });

  it('opens a second window for an event 12 hours or more from the first, so no batch spans 24 hours', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    addAll(batcher, [ev('a'), ev('b', 11 * HOUR), ev('c', 12 * HOUR), ev('d', 23 * HOUR)]);
    expect(batcher.flush().map(ids)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(batcher.stats.windowsOpened).toBe(2);
  });

  it("closes a stream's least recently used window early when it needs one more than maxWindowsPerStream", () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL, maxWindowsPerStream: 2 });
    const ready = addAll(batcher, [ev('day0'), ev('day1', 24 * HOUR), ev('day0-again', 1), ev('day2', 48 * HOUR)]);
    expect(ready.map((b) => [b.closedBy, ids(b)])).toEqual([['evicted', ['day1']]]);
    expect(batcher.stats.evictions).toBe(1);
  });

  it('keeps the new window of a stream whose only window was just evicted', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL, maxWindowsPerStream: 1 });
    const ready = addAll(batcher, [ev('day0'), ev('day1', 24 * HOUR)]);
    expect([...ready, ...batcher.flush()].map(ids)).toEqual([['day0'], ['day1']]);
  });

  it('does not evict a window of another stream', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL, maxWindowsPerStream: 1 });
    expect([...batcher.add('s1', ev('a')), ...batcher.add('s2', ev('b', 24 * HOUR))]).toEqual([]);
  });

  it('hands out the fullest open batch early when the batcher holds more than maxHeldBytes', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL, maxHeldBytes: 500 });
    const ready = [
      ...batcher.add('s1', ev('a1')),
      ...batcher.add('s1', ev('a2')),
      ...batcher.add('s2', ev('b1')),
      ...batcher.add('s2', ev('b2')),
    ];
    expect(ready.map((b) => [b.closedBy, b.logStreamName, ids(b)])).toEqual([['memory', 's1', ['a1', 'a2']]]);
    expect(batcher.stats).toMatchObject({ memoryCloses: 1, heldBytes: 252, peakHeldBytes: 378 });
  });

  it('counts held bytes (messages + 26 each) and their peak', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    addAll(batcher, [ev('a'), ev('b')]);
    expect(batcher.stats).toMatchObject({ heldBytes: 252, peakHeldBytes: 252, eventsIn: 2 });
    batcher.flush();
    expect(batcher.stats).toMatchObject({ heldBytes: 0, peakHeldBytes: 252, batchesOut: 1, bytesOut: 252 });
  });

  it('refuses an event over the event size limit (it must be trimmed first)', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    expect(() => batcher.add('s', ev('big', 0, 1_001))).toThrow(/over the 1000-byte event limit/);
  });

  it('refuses an event without a usable timestamp (it must be age-checked first)', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    expect(() => batcher.add('s', { ...ev('x'), timestamp: NaN })).toThrow(/timestamp/);
  });

  it('refuses an empty message', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    expect(() => batcher.add('s', { ...ev('x'), message: '', bytes: 0 })).toThrow(/empty/);
  });

  it('refuses limits under which an event of the maximum size would not fit a batch of its own', () => {
    expect(() => new LogBatcher({ limits: { maxBatchBytes: 1_000, maxEventMessageBytes: 1_000 } })).toThrow(RangeError);
  });

  it('sends one near-maximum event per call at the real limits', () => {
    const batcher = new LogBatcher<TestEvent>();
    const size = PUT_LOG_EVENTS_LIMITS.maxEventMessageBytes;
    const ready = addAll(batcher, [ev('a', 0, size), ev('b', 1, size), ev('c', 2, size)]);
    expect([...ready, ...batcher.flush()].map(ids)).toEqual([['a'], ['b'], ['c']]);
  });

  it('makes a PutLogEvents input of timestamp and message only', () => {
    const batcher = new LogBatcher<TestEvent>({ limits: SMALL });
    addAll(batcher, [ev('b', 1, 1), ev('a', 0, 1)], '123_CloudTrail_us-east-1');
    const [batch] = batcher.flush();
    expect(batch && toPutLogEventsInput('group', batch)).toEqual({
      logGroupName: 'group',
      logStreamName: '123_CloudTrail_us-east-1',
      logEvents: [
        { timestamp: T0, message: 'x' },
        { timestamp: T0 + 1, message: 'x' },
      ],
    });
  });
});
