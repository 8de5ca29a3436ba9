// --since and --until: a time window over eventTime, given as durations before now or as UTC times.
import { parseIsoTime } from '../shared/iso-time.js';
import { UsageError } from './args.js';

export interface TimeWindow {
  /** ms since the epoch, inclusive; undefined for no lower bound. */
  since?: number;
  /** ms since the epoch, exclusive; undefined for no upper bound. */
  until?: number;
}

const UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DAY = 86_400_000;

/**
 * `30m`, `2h`, `7d`, `2w` before `now`, or an ISO 8601 time (`2026-11-20T09:00:00Z`; without a zone it is
 * UTC, as CloudTrail's eventTime is). A date alone is the start of that day for --since and the end of it
 * for --until, so `--since 2026-11-20 --until 2026-11-20` is that whole day.
 */
export function parseTime(value: string, now: number, edge: 'since' | 'until'): number {
  const text = value.trim();
  const duration = /^(\d+)\s*([smhdw])$/.exec(text);
  if (duration) return now - Number(duration[1]) * UNITS[duration[2] as keyof typeof UNITS];
  // Strict, as search --since is (shared/iso-time.ts): Date.parse reads 2026-02-31 as 3 March and T24:00 as the next day.
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = parseIsoTime(text);
    if (start !== null) return edge === 'since' ? start : start + DAY;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) {
    // Without a zone it is UTC; +0100 and a lower-case z are read as +01:00 and Z.
    const zoned = text.replace(/z$/, 'Z').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    const time = parseIsoTime(/(Z|[+-]\d{2}:\d{2})$/.test(zoned) ? zoned : `${zoned}Z`);
    if (time !== null) return time;
  }
  throw new UsageError(
    `--${edge} must be a duration (30m, 2h, 7d, 2w), a date (2026-11-20) or a UTC time (2026-11-20T09:00:00Z) that exists, not "${value}"`,
  );
}

export function parseWindow(since: string | undefined, until: string | undefined, now = Date.now()): TimeWindow {
  const window: TimeWindow = {};
  if (since !== undefined) window.since = parseTime(since, now, 'since');
  if (until !== undefined) window.until = parseTime(until, now, 'until');
  if (window.since !== undefined && window.until !== undefined && window.since >= window.until) {
    throw new UsageError(`--since (${iso(window.since)}) must be before --until (${iso(window.until)})`);
  }
  return window;
}

/** eventTime inside the window; a record without a readable eventTime is kept only when there is no window. */
export function inWindow(eventTime: string | undefined, window: TimeWindow): boolean {
  if (window.since === undefined && window.until === undefined) return true;
  const time = typeof eventTime === 'string' ? Date.parse(eventTime) : NaN;
  if (!Number.isFinite(time)) return false;
  return (window.since === undefined || time >= window.since) && (window.until === undefined || time < window.until);
}

export function iso(time: number): string {
  return new Date(time).toISOString().replace(/\.000Z$/, 'Z');
}
