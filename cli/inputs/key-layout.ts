// What CloudTrail's S3 key layout says about a file before it is read: which kind of file it is, and when it
// was delivered, so a time window can skip files (and whole date folders) without downloading them.
//
// Layout (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-find-log-files.html):
//   [prefix/]AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 chars>.json.gz
// beside CloudTrail-Digest/ (digests), CloudTrail-Insight/ (Insights events) and, in shared log buckets,
// Config/ (AWS Config history and snapshots). "YYYYMMDDTHHmmZ [is] when the log file was delivered ... A log file
// delivered at a specific time can contain records written at any point before that time"
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html).
import { LOG_FILE_DELIVERY_TIME } from '../../shared/cloudtrail.js';
import type { TimeWindow } from '../time-window.js';

/** Why a file is not read, from its name alone; undefined when it may be a CloudTrail log. */
export function foreignByName(key: string): string | undefined {
  const parts = key.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? '';
  if (parts.includes('CloudTrail-Digest') || /_CloudTrail-Digest_/.test(name)) return 'CloudTrail digest file';
  if (parts.includes('CloudTrail-Insight') || /_CloudTrail-Insight_/.test(name)) return 'CloudTrail Insights file';
  if (
    /(^|[\\/])AWSLogs[\\/](o-[a-z0-9]+[\\/])?\d{12}[\\/]Config[\\/]/.test(key) ||
    /_Config_[a-z0-9-]+_Config(History|Snapshot)_/.test(name) ||
    name === 'ConfigWritabilityCheckFile'
  )
    return 'AWS Config file';
  // .jsonl: the alerts `trailwatch backfill --mode report` writes (issue 18; inputs/alert-lines.ts).
  if (!/\.jsonl?(\.gz)?$/i.test(name)) return 'not a .json, .json.gz or .jsonl file';
  return undefined;
}

/** The delivery time in a CloudTrail log file's name (ms since the epoch), or undefined. */
export function deliveryTime(key: string): number | undefined {
  const match = LOG_FILE_DELIVERY_TIME.exec(key);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi);
}

/**
 * How far past --until a file may have been delivered and still be read. CloudTrail delivers "within an
 * average of about 5 minutes of an API call. This time is not guaranteed"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html): records delivered
 * later than this after the window are not read.
 */
export const LATE_DELIVERY_MS = 60 * 60_000;
/** The name has minutes only, so a file named 10:04 can hold a record of 10:04:59; and clocks differ a little. */
const EARLY_MARGIN_MS = 5 * 60_000;

/** The window of delivery times whose files can hold records inside `window`. */
function deliveryWindow(window: TimeWindow): { from: number; to: number } {
  return {
    from: window.since === undefined ? -Infinity : window.since - EARLY_MARGIN_MS,
    to: window.until === undefined ? Infinity : window.until + LATE_DELIVERY_MS,
  };
}

/** False only when the key's delivery time says none of its records can be in `window`. */
export function keyMayHoldWindow(key: string, window: TimeWindow): boolean {
  const delivered = deliveryTime(key);
  if (delivered === undefined) return true;
  const { from, to } = deliveryWindow(window);
  return delivered >= from && delivered <= to;
}

/**
 * For a folder (an S3 common prefix ending in `/`) in CloudTrail's layout: false when it is a year, month or day
 * folder under `CloudTrail/<region>/` whose dates are all outside the delivery window; true otherwise.
 */
export function folderMayHoldWindow(prefix: string, window: TimeWindow): boolean {
  const match = /(?:^|\/)CloudTrail\/[a-z0-9-]+\/(\d{4})\/(?:(\d{2})\/(?:(\d{2})\/)?)?$/.exec(prefix);
  if (!match) return true;
  const year = Number(match[1]);
  const month = match[2] === undefined ? undefined : Number(match[2]);
  const day = match[3] === undefined ? undefined : Number(match[3]);
  const start = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
  const end =
    day !== undefined
      ? Date.UTC(year, month! - 1, day + 1)
      : month !== undefined
        ? Date.UTC(year, month, 1)
        : Date.UTC(year + 1, 0, 1);
  const { from, to } = deliveryWindow(window);
  return end > from && start <= to;
}
