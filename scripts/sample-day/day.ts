// The sample day's fixed facts: the account, the date, the trail, the regions, and its clock ('HH:MM:SS' UTC).
import { eventTime, responseDate } from '../cloudtrail-synth/times.js';

export const SAMPLE_ACCOUNT = '123456789012';
export const SAMPLE_DATE = '2026-11-20';
export const SAMPLE_TRAIL = 'RDS-CloudTrail';
export const SAMPLE_BUCKET = 'rds.s3';
export const HOME = 'us-east-1';
export const WEST = 'us-west-2';
/** The account mysqldb-audit-snap is shared with. */
export const SHARE_ACCOUNT = '210987654321';
/** The monitoring vendor's account, which assumes monitoring-readonly. */
export const VENDOR_ACCOUNT = '111122223333';

const MIDNIGHT = Date.parse(`${SAMPLE_DATE}T00:00:00Z`);

// Times of day as 'HH:MM:SS' (UTC) on SAMPLE_DATE.
export function toSeconds(hms: string): number {
  const m = /^(\d\d):(\d\d):(\d\d)$/.exec(hms);
  if (!m) throw new Error(`bad time ${hms}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}
export function fromSeconds(total: number): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(total / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}
/** eventTime of a time of the day. */
export function iso(hms: string): string {
  return eventTime(MIDNIGHT + toSeconds(hms) * 1000);
}
/** The "Nov 20, 2026, 9:16:05 AM" form CloudTrail uses for dates inside responseElements. */
export function awsDate(hms: string, plusSeconds = 0): string {
  return responseDate(MIDNIGHT + (toSeconds(hms) + plusSeconds) * 1000);
}
