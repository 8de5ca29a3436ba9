// The two time formats in CloudTrail records: eventTime is ISO 8601 to the second; dates inside RDS, STS and IAM
// responseElements are "Nov 20, 2026, 9:16:05 AM" (UTC), as in the records of the AWS walk-through the sample
// day replays (and test/fixtures/corpus/).

/** `2026-11-20T09:16:05Z`: ISO 8601 without milliseconds, as eventTime. */
export function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Nov 20, 2026, 9:16:05 AM` (UTC): the form of dates inside responseElements. */
export function responseDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}
