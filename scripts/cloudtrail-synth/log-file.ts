// Log files as CloudTrail delivers them to S3: `{"Records":[...]}` on one line, gzipped, under
// AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<unique>.json.gz
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
import { gzipSync } from 'node:zlib';

export const RECORDS_HEAD = '{"Records":[';
export const RECORDS_TAIL = ']}';

export interface LogFileName {
  account: string;
  region: string;
  /** `YYYY-MM-DD` (UTC) */
  date: string;
  /** `HHMM` (UTC) of the delivery */
  time: string;
  /** The 16 characters that make the name unique. */
  unique: string;
}

/** The delivery stamp in the file name: `20261120T0905Z`. */
export function deliveryStamp(date: string, time: string): string {
  return `${date.replace(/-/g, '')}T${time}Z`;
}

export function logFileKey(n: LogFileName): string {
  const [y, m, d] = n.date.split('-');
  return `AWSLogs/${n.account}/CloudTrail/${n.region}/${y}/${m}/${d}/${n.account}_CloudTrail_${n.region}_${deliveryStamp(n.date, n.time)}_${n.unique}.json.gz`;
}

/** gzip with a fixed level; Node writes mtime 0 and no file name, so equal input gives equal bytes. */
export function gzipFixed(text: string, level = 9): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level });
}
