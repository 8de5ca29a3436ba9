// Log stream names as CloudTrail's own CloudWatch Logs integration writes them, `<account>_CloudTrail_<region>`
// ("account_ID_CloudTrail_trail_region":
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-log-group-log-stream-naming-for-cloudtrail.html),
// so people who know that integration find events where they expect them.
import type { CloudTrailRecord } from '../cloudtrail.js';
import { LOG_STREAM_NAME_FORBIDDEN, MAX_LOG_STREAM_NAME_LENGTH } from './limits.js';

/** Where a record's account and region come from when the record itself does not say (e.g. the S3 key). */
export interface StreamNameFallback {
  account?: string;
  region?: string;
}

export const UNKNOWN_ACCOUNT = 'unknown-account';
export const UNKNOWN_REGION = 'unknown-region';

/**
 * The account is recipientAccountId (the account whose trail recorded the event, as in the log file's key),
 * the region the record's awsRegion. Characters CloudWatch Logs forbids in a stream name (`:` and `*`) become
 * `_`, and the name is cut at 512 characters: both only ever matter for malformed records.
 */
export function logStreamName(
  record: Pick<CloudTrailRecord, 'recipientAccountId' | 'awsRegion'>,
  fallback: StreamNameFallback = {},
): string {
  const account = nonEmpty(record.recipientAccountId) ?? nonEmpty(fallback.account) ?? UNKNOWN_ACCOUNT;
  const region = nonEmpty(record.awsRegion) ?? nonEmpty(fallback.region) ?? UNKNOWN_REGION;
  return `${account}_CloudTrail_${region}`.replace(LOG_STREAM_NAME_FORBIDDEN, '_').slice(0, MAX_LOG_STREAM_NAME_LENGTH);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
