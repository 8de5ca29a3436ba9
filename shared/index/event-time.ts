// CloudTrail's eventTime in milliseconds read from the record's bytes, for the index encoder (record-encoder.ts):
// what Date.parse of the string gives, without the string. eventTime is "the date and time the request was
// completed, in coordinated universal time (UTC)"
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html), and
// CloudTrail writes it to the second with a `Z`: `2026-11-20T12:00:00Z` (every record of events/logs and the bench's).
// This reads that form, and only within the ranges where V8's Date.parse and Date.UTC agree (years 1000-9999: Date.UTC
// maps 0-99 to 1900-1999; months 1-12; days 1-31, which both roll over past a month's end; hours 0-23, minutes and
// seconds 0-59); anything else is left to Date.parse. test/index-event-time.test.ts holds it to Date.parse.

const QUOTE = 0x22;
const ZERO = 0x30;

/**
 * The milliseconds of the string value text `bytes[start..end)` (its quotes included, no whitespace around it) when
 * it is `"YYYY-MM-DDTHH:MM:SSZ"` within the ranges above, else undefined: ask Date.parse.
 */
export function canonicalEventTime(bytes: Uint8Array, start: number, end: number): number | undefined {
  if (
    end - start !== 22 ||
    bytes[start] !== QUOTE ||
    bytes[start + 5] !== 0x2d ||
    bytes[start + 8] !== 0x2d ||
    bytes[start + 11] !== 0x54 ||
    bytes[start + 14] !== 0x3a ||
    bytes[start + 17] !== 0x3a ||
    bytes[start + 20] !== 0x5a ||
    bytes[start + 21] !== QUOTE
  )
    return undefined;
  const year = digits(bytes, start + 1, 4);
  const month = digits(bytes, start + 6, 2);
  const day = digits(bytes, start + 9, 2);
  const hour = digits(bytes, start + 12, 2);
  const minute = digits(bytes, start + 15, 2);
  const second = digits(bytes, start + 18, 2);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The decimal number of `count` digits at `at`, or -1 when one is not a digit. */
function digits(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let k = 0; k < count; k++) {
    const d = bytes[at + k]! - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
