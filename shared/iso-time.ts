// ISO 8601 times as people type them on a command line, read strictly.
//
// Date.parse is lenient where it should not be: `2026-02-31T00:00:00Z` is read as 3 March and `T24:00` as the
// next day, so a typo searched the wrong days without a word. Here every field must be in range for its
// month (leap years included) before Date.parse, which is exact on such input, gives the instant.
// Accepted: `2026-11-20`, `2026-11-20T09:00`, `2026-11-20T09:00:00`, `...:00.123`, each with `Z` or `+01:00`
// (ECMAScript's date time string format, https://tc39.es/ecma262/#sec-date-time-string-format; without an
// offset a date alone is UTC and a date with a time is local time, as Date.parse reads them).
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-](\d{2}):(\d{2}))?)?$/;

/** Milliseconds since the epoch for a valid ISO time, or null (wrong shape, or a field out of range). */
export function parseIsoTime(value: string): number | null {
  const match = ISO_TIME.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match.map((part) =>
    part === undefined ? undefined : Number(part),
  );
  if (year === undefined || month === undefined || day === undefined) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour !== undefined && (hour > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59)) return null;
  if (offsetHours !== undefined && (offsetHours > 23 || (offsetMinutes ?? 0) > 59)) return null;
  const time = Date.parse(value);
  return Number.isFinite(time) ? time : null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
