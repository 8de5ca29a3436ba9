// rejectedLogEventsInfo -> the events it names: tooNew start inclusive, tooOld and expired ends exclusive.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyEventAge, rejectedEvents } from '../shared/index/index.js';
import { createCloudWatchLogsFake } from '../local-aws/cloudwatch-logs-fake.js';

const batch = ['e0', 'e1', 'e2', 'e3', 'e4'];
const reasons = (info: Parameters<typeof rejectedEvents>[1]) =>
  rejectedEvents(batch, info).map((r) => `${r.index}:${r.event}:${r.reason}`);

describe('rejected log events', () => {
  it('names nothing when the response has no rejectedLogEventsInfo', () => {
    expect(rejectedEvents(batch, undefined)).toEqual([]);
    expect(rejectedEvents(batch, {})).toEqual([]);
  });

  it('reads tooOldLogEventEndIndex as exclusive', () => {
    expect(reasons({ tooOldLogEventEndIndex: 2 })).toEqual(['0:e0:too-old', '1:e1:too-old']);
  });

  it('reads tooNewLogEventStartIndex as inclusive', () => {
    expect(reasons({ tooNewLogEventStartIndex: 3 })).toEqual(['3:e3:too-new', '4:e4:too-new']);
  });

  it('reads expiredLogEventEndIndex as exclusive', () => {
    expect(reasons({ expiredLogEventEndIndex: 1 })).toEqual(['0:e0:expired']);
  });

  it('names each event once when the too-old and expired prefixes overlap, too-old first', () => {
    expect(reasons({ tooOldLogEventEndIndex: 1, expiredLogEventEndIndex: 3 })).toEqual([
      '0:e0:too-old',
      '1:e1:expired',
      '2:e2:expired',
    ]);
  });

  it('combines a rejected prefix and suffix', () => {
    expect(reasons({ tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 4 })).toEqual([
      '0:e0:too-old',
      '4:e4:too-new',
    ]);
  });

  it('names no event for an empty range (end index 0, start index past the end)', () => {
    expect(reasons({ tooOldLogEventEndIndex: 0, tooNewLogEventStartIndex: 5 })).toEqual([]);
  });

  it('clamps indexes outside the batch instead of inventing events', () => {
    expect(reasons({ tooOldLogEventEndIndex: 99 })).toHaveLength(5);
    expect(reasons({ tooNewLogEventStartIndex: -3 })).toHaveLength(5);
  });
});

describe('rejected log events, end to end with the fake', () => {
  it('names exactly the events classifyEventAge says the service will not take, with the same reasons', async () => {
    const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
    const HOUR = 3_600_000;
    const DAY = 24 * HOUR;
    // Accepted events stay within 22 hours of each other, as a batch of valid events must (24-hour rule).
    const offsets = (retentionDays: number | undefined) =>
      fc.array(
        fc.oneof(
          fc.integer({ min: -20 * DAY, max: -14 * DAY - 1 }), // too old
          retentionDays === undefined
            ? fc.integer({ min: -20 * HOUR, max: 0 })
            : fc.integer({ min: -14 * DAY, max: -retentionDays * DAY - 1 }), // expired
          fc.integer({ min: -20 * HOUR, max: 2 * HOUR }), // accepted
          fc.integer({ min: 2 * HOUR + 1, max: 5 * HOUR }), // too new
        ),
        { minLength: 1, maxLength: 50 },
      );
    const cases = fc
      .constantFrom(undefined, 1, 3, 7)
      .chain((retentionDays) => offsets(retentionDays).map((o) => ({ offsets: o, retentionDays })));
    await fc.assert(
      fc.asyncProperty(cases, async ({ offsets, retentionDays }) => {
        const sorted = offsets
          .map((o, i) => ({ id: `e${i}`, timestamp: NOW + o }))
          .sort((a, b) => a.timestamp - b.timestamp);
        const fake = createCloudWatchLogsFake({
          logGroups: { g: retentionDays === undefined ? {} : { retentionDays } },
          existingStreams: { g: ['s'] },
          now: () => NOW,
          batchSpan: 'valid-events',
        });
        const response = await fake.putLogEvents({
          logGroupName: 'g',
          logStreamName: 's',
          logEvents: sorted.map((e) => ({ timestamp: e.timestamp, message: e.id })),
        });
        const named = rejectedEvents(sorted, response.rejectedLogEventsInfo).map((r) => `${r.event.id}:${r.reason}`);
        const predicted = sorted.flatMap((e) => {
          const age = classifyEventAge(e.timestamp, NOW, retentionDays);
          return age === 'ok' ? [] : [`${e.id}:${age}`];
        });
        expect(named).toEqual(predicted);
        expect(fake.storedEvents('g', 's')).toHaveLength(sorted.length - predicted.length);
      }),
      { numRuns: 300 },
    );
  });
});
