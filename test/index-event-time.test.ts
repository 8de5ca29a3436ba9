// canonicalEventTime (shared/index/event-time.ts): Date.parse's answer for CloudTrail's own eventTime form, read from
// the bytes, and no answer (leave it to Date.parse) for anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalEventTime } from '../shared/index/event-time.js';

const read = (text: string) => {
  const bytes = Buffer.from(`  "${text}" `, 'utf8');
  return canonicalEventTime(bytes, 2, bytes.length - 1);
};

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('canonicalEventTime', () => {
  it('is Date.parse of CloudTrail eventTimes', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (date) => {
          const text = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
          expect(read(text)).toBe(Date.parse(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is Date.parse, or leaves it to Date.parse, for any digits in that form', () => {
    const field = (max: number) => fc.integer({ min: 0, max });
    fc.assert(
      fc.property(field(9999), field(99), field(99), field(99), field(99), field(99), (y, mo, d, h, mi, s) => {
        const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}Z`;
        const value = read(text);
        if (value !== undefined) expect(value).toBe(Date.parse(text));
        const ordinary = y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= 28 && h <= 23 && mi <= 59 && s <= 59;
        if (ordinary) expect(value).toBeDefined();
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['fractional seconds', '2026-11-20T12:00:01.5Z'],
    ['an offset', '2026-11-20T12:00:00+01:00'],
    ['no zone', '2026-11-20T12:00:00'],
    ['a short year', '999-11-20T12:00:00Z'],
    ['a year before 1000', '0099-11-20T12:00:00Z'],
    ['hour 24', '2026-11-20T24:00:00Z'],
    ['a letter', '2026-1a-20T12:00:00Z'],
    ['a space', '2026-11-20 12:00:00Z'],
  ])('leaves %s to Date.parse', (_, text) => {
    expect(read(text)).toBeUndefined();
  });

  it('reads only a quoted string', () => {
    const bytes = Buffer.from('2026-11-20T12:00:00Z00');
    expect(canonicalEventTime(bytes, 0, 22)).toBeUndefined();
  });
});
