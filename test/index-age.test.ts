// Which events CloudWatch Logs will accept by age; the index sends only 'ok' ones (policy in shared/index/age.ts).
import { describe, expect, it } from 'vitest';
import { classifyEventAge } from '../shared/index/index.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('event age', () => {
  it('accepts an event from a minute ago', () => {
    expect(classifyEventAge(NOW - 60_000, NOW)).toBe('ok');
  });

  it('accepts an event exactly 14 days old', () => {
    expect(classifyEventAge(NOW - 14 * DAY, NOW)).toBe('ok');
  });

  it('rejects an event older than 14 days as too old', () => {
    expect(classifyEventAge(NOW - 14 * DAY - 1, NOW)).toBe('too-old');
  });

  it('accepts an event exactly 2 hours in the future', () => {
    expect(classifyEventAge(NOW + 2 * HOUR, NOW)).toBe('ok');
  });

  it('rejects an event more than 2 hours in the future as too new', () => {
    expect(classifyEventAge(NOW + 2 * HOUR + 1, NOW)).toBe('too-new');
  });

  it('rejects an event older than a retention shorter than 14 days as expired', () => {
    expect(classifyEventAge(NOW - 3 * DAY - 1, NOW, 3)).toBe('expired');
    expect(classifyEventAge(NOW - 3 * DAY, NOW, 3)).toBe('ok');
  });

  it('calls an event older than 14 days too old even when retention is shorter', () => {
    expect(classifyEventAge(NOW - 20 * DAY, NOW, 3)).toBe('too-old');
  });

  it('lets the 14-day limit decide when retention is longer', () => {
    expect(classifyEventAge(NOW - 13 * DAY, NOW, 30)).toBe('ok');
    expect(classifyEventAge(NOW - 15 * DAY, NOW, 30)).toBe('too-old');
  });

  it('ignores a missing or zero retention (never expire)', () => {
    expect(classifyEventAge(NOW - 10 * DAY, NOW, null)).toBe('ok');
    expect(classifyEventAge(NOW - 10 * DAY, NOW, 0)).toBe('ok');
  });

  it('reports a timestamp that is not a whole number of milliseconds >= 0 as invalid', () => {
    for (const t of [NaN, -1, 1.5, Infinity]) expect(classifyEventAge(t, NOW)).toBe('invalid-timestamp');
  });
});
