// rejectedLogEventsInfo -> the events it names: tooNew start inclusive, tooOld and expired ends exclusive.
import { describe, expect, it } from 'vitest';
import { rejectedEvents } from '../shared/index/index.js';

const batch = ['e0', 'e1', 'e2', 'e3', 'e4'];
const reasons = (info: Parameters<typeof rejectedEvents>[1]) => rejectedEvents(batch, info).map((r) => `${r.index}:${r.event}:${r.reason}`);

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
    expect(reasons({ tooOldLogEventEndIndex: 1, expiredLogEventEndIndex: 3 })).toEqual(['0:e0:too-old', '1:e1:expired', '2:e2:expired']);
  });

  it('combines a rejected prefix and suffix', () => {
    expect(reasons({ tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 4 })).toEqual(['0:e0:too-old', '4:e4:too-new']);
  });

  it('names no event for an empty range (end index 0, start index past the end)', () => {
    expect(reasons({ tooOldLogEventEndIndex: 0, tooNewLogEventStartIndex: 5 })).toEqual([]);
  });

  it('clamps indexes outside the batch instead of inventing events', () => {
    expect(reasons({ tooOldLogEventEndIndex: 99 })).toHaveLength(5);
    expect(reasons({ tooNewLogEventStartIndex: -3 })).toHaveLength(5);
  });
});
