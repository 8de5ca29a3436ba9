// Which part of trailwatch's world a record belongs to, from its eventSource and eventName.
import type { CloudTrailRecord } from '../cloudtrail.js';
import type { Category } from './types.js';

/**
 * The eventSources that can yield each category other than `other` (which any source can yield).
 * The reader's byte-level prefilter is derived from this: a record whose raw eventSource is in none
 * of these lists can only ever be `other`.
 * The RDS Data API has two sources: `rdsdata.amazonaws.com` (Aurora Serverless v1, management events)
 * and `rdsdataapi.amazonaws.com` (Serverless v2 and provisioned clusters, data events):
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/logging-using-cloudtrail-data-api.html
 */
export const CATEGORY_EVENT_SOURCES = {
  rds: ['rds.amazonaws.com'],
  'rds-data-api': ['rdsdata.amazonaws.com', 'rdsdataapi.amazonaws.com'],
  'cloudtrail-config': ['cloudtrail.amazonaws.com'],
} as const satisfies Readonly<Record<Exclude<Category, 'other'>, readonly string[]>>;

/**
 * CloudTrail calls that only read. They change nothing about what is recorded, and consoles and
 * posture tools poll them all day (the CloudTrail console calls GetTrailStatus and DescribeTrails on
 * every page view), so counting them as configuration would flood the index with noise. They are
 * `other`. CloudTrail Lake queries (StartQuery, ...) read data too.
 */
const CLOUDTRAIL_READ_PREFIXES = ['Describe', 'Get', 'List', 'Lookup'];
const CLOUDTRAIL_READ_CALLS = new Set(['StartQuery', 'CancelQuery', 'GenerateQuery', 'SearchSampleQueries']);

export function categorize(record: CloudTrailRecord): Category {
  const { eventSource, eventName } = record;
  if (isOneOf(eventSource, CATEGORY_EVENT_SOURCES.rds)) return 'rds';
  if (isOneOf(eventSource, CATEGORY_EVENT_SOURCES['rds-data-api'])) return 'rds-data-api';
  if (
    isOneOf(eventSource, CATEGORY_EVENT_SOURCES['cloudtrail-config']) &&
    !isCloudTrailRead(eventName, record.readOnly)
  ) {
    return 'cloudtrail-config';
  }
  return 'other';
}

function isCloudTrailRead(eventName: string, readOnly: boolean | undefined): boolean {
  if (readOnly === true) return true;
  return (
    CLOUDTRAIL_READ_CALLS.has(eventName) || CLOUDTRAIL_READ_PREFIXES.some((prefix) => eventName.startsWith(prefix))
  );
}

function isOneOf(value: string, list: readonly string[]): boolean {
  return list.includes(value);
}
