// Strict ISO times for `search --since` (issue 11, item 9): a day that does not exist is a usage error, never
// another day.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoTime } from '../shared/iso-time.js';
import { main } from '../cli/trailwatch.js';

describe('parseIsoTime', () => {
  it('reads every valid UTC time as Date does', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (date) => {
          const iso = date.toISOString();
          expect(parseIsoTime(iso)).toBe(date.getTime());
          expect(parseIsoTime(iso.replace(/\.\d{3}Z$/, 'Z'))).toBe(Math.floor(date.getTime() / 1000) * 1000);
          expect(parseIsoTime(iso.slice(0, 10))).toBe(
            Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()),
          );
        },
      ),
    );
  });

  it('reads offsets and leap days', () => {
    expect(parseIsoTime('2026-11-20T10:00:00+01:00')).toBe(Date.parse('2026-11-20T09:00:00Z'));
    expect(parseIsoTime('2024-02-29T00:00:00Z')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(parseIsoTime('2000-02-29')).toBe(Date.parse('2000-02-29'));
  });

  it.each([
    '2026-02-31T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-11-00',
    '2026-11-20T24:00:00Z',
    '2026-11-20T23:60:00Z',
    '2026-11-20T23:59:60Z',
    '2026-11-20T10:00:00+24:00',
    '2026-11-20T10:00:00ZZ',
    '2026-11-20 10:00',
    '2026-11-20T10',
  ])('rejects %s', (value) => {
    expect(parseIsoTime(value)).toBeNull();
  });
});

describe('trailwatch search --since', () => {
  it('rejects 2026-02-31T00:00:00Z with a usage error (exit 2), not 3 March', async () => {
    const err: string[] = [];
    const code = await main(['search', '--log-group', '/trailwatch/x', '--since', '2026-02-31T00:00:00Z'], {
      out: () => {},
      err: (l) => err.push(l),
      interactive: false,
      env: {},
    });
    expect(code).toBe(2);
    expect(err[0]).toBe(
      'trailwatch: --since 2026-02-31T00:00:00Z is not a valid ISO time (e.g. 2026-11-20T09:00:00Z; check the day exists in that month)',
    );
  });
});
