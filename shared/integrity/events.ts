// Integrity findings as records the rules engine evaluates: a "trailwatch event", CloudTrail-shaped, so rules,
// exceptions, severities, storms, SNS messages and emails work for them as for any CloudTrail record.
//
// Shape (documented in README "Log integrity"):
//   eventSource  "trailwatch.integrity" (no AWS service uses it)
//   eventName    LogFileModified | LogFileMissing | DigestInvalid | DigestChainBroken | LogFileDeleted | LogFileExpired
//   eventTime    the end of the digest's hour (checks), or the S3 event's time (deletions)
//   eventID      a UUID derived from what was found, so a retried check raises the same alert (same dedup key)
//   eventType    "TrailwatchIntegrityCheck"; eventCategory "Integrity"; readOnly true; managementEvent false
//   awsRegion, recipientAccountId   the digest's region and account (deletions: the bucket's region and account)
//   userIdentity {type: "AWSService", invokedBy: "trailwatch.integrity"} for checks; for deletions the requester
//   requestParameters {bucketName, key, status, reason, hour: {start, end} | null, digest | null, ...}
//   additionalEventData.trailwatchDetails   the lines the alert shows under "details"
//
// These records never come from a log file: the pipeline builds them and hands them to the rules directly, so
// the reader's prefilter never sees them. A forged log file carrying such a record could raise a spurious
// integrity alert (never hide one), and is itself unlisted by any digest.
import { uuidFrom } from '../derived-id.js';
import type { CloudTrailRecord, JsonObject } from '../cloudtrail.js';
import type { FileResult } from './check.js';
import { parseDigestKey, parseLogKey } from './keys.js';

export const INTEGRITY_EVENT_SOURCE = 'trailwatch.integrity';

export type IntegrityEventName =
  | 'LogFileModified'
  | 'LogFileMissing'
  | 'DigestInvalid'
  | 'DigestChainBroken'
  | 'LogFileDeleted'
  | 'LogFileExpired';

/** The event a finding raises, or undefined for findings that are fine (valid) or not alerted on (unlisted). */
export function eventNameFor(result: FileResult): IntegrityEventName | undefined {
  if (result.kind === 'log') {
    if (result.status === 'modified') return 'LogFileModified';
    if (result.status === 'missing') return 'LogFileMissing';
    return undefined;
  }
  if (result.status === 'missing') return 'DigestChainBroken';
  if (result.status === 'valid') return undefined;
  return 'DigestInvalid';
}

function where(key: string): { account?: string; region?: string } {
  const parsed = parseDigestKey(key) ?? parseLogKey(key);
  return parsed ? { account: parsed.account, region: parsed.region } : {};
}

/** A check's finding as a trailwatch event; `detectedAt` is used when the finding has no hour. */
export function integrityRecord(result: FileResult, detectedAt: string): CloudTrailRecord | undefined {
  const eventName = eventNameFor(result);
  if (!eventName) return undefined;
  const { account, region } = where(result.key);
  const digest = result.kind === 'log' ? (result.digest ?? null) : null;
  const details = [
    `${result.kind === 'log' ? 'Log file' : 'Digest file'}: s3://${result.bucket}/${result.key} (${result.status})`,
    ...(result.hour ? [`Hour: ${result.hour.start} to ${result.hour.end}`] : []),
    ...(digest ? [`Listed by digest: s3://${result.bucket}/${digest}`] : []),
    `Finding: ${result.reason}`,
  ];
  const requestParameters: JsonObject = {
    bucketName: result.bucket,
    key: result.key,
    status: result.status,
    reason: result.reason,
    hour: result.hour ? { start: result.hour.start, end: result.hour.end } : null,
    digest,
  };
  return {
    eventVersion: '1.0',
    eventSource: INTEGRITY_EVENT_SOURCE,
    eventName,
    eventTime: result.hour?.end ?? detectedAt,
    eventID: uuidFrom(`${eventName}|${result.bucket}|${result.key}|${result.status}|${result.reason}`),
    eventType: 'TrailwatchIntegrityCheck',
    eventCategory: 'Integrity',
    readOnly: true,
    managementEvent: false,
    ...(region ? { awsRegion: region } : {}),
    ...(account ? { recipientAccountId: account } : {}),
    userIdentity: { type: 'AWSService', invokedBy: INTEGRITY_EVENT_SOURCE },
    sourceIPAddress: INTEGRITY_EVENT_SOURCE,
    userAgent: 'trailwatch',
    requestParameters,
    responseElements: null,
    additionalEventData: { trailwatchDetails: details },
  };
}

/** An S3 "Object Deleted" EventBridge event, as far as trailwatch reads it. */
export interface ObjectDeletion {
  bucket: string;
  key: string;
  time: string;
  region: string | undefined;
  account: string | undefined;
  /** `DeleteObject` or `Lifecycle Expiration` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html). */
  reason: string | undefined;
  /** `Permanently Deleted` or `Delete Marker Created`. */
  deletionType: string | undefined;
  requester: string | undefined;
  sourceIp: string | undefined;
  versionId: string | undefined;
}

/** True for expirations by the bucket's own lifecycle rule: counted, not alerted. */
export function isLifecycleExpiration(deletion: ObjectDeletion): boolean {
  return deletion.reason === 'Lifecycle Expiration';
}

/** A deletion under the trail's AWSLogs/ as a trailwatch event (LogFileDeleted, or LogFileExpired for lifecycle). */
export function deletionRecord(d: ObjectDeletion): CloudTrailRecord {
  const eventName: IntegrityEventName = isLifecycleExpiration(d) ? 'LogFileExpired' : 'LogFileDeleted';
  const requester = d.requester ?? 'unknown';
  const userIdentity = /^\d{12}$/.test(requester)
    ? { type: 'AWSAccount', accountId: requester, principalId: requester }
    : { type: 'AWSService', invokedBy: requester };
  const kind = parseDigestKey(d.key) ? 'Digest file' : parseLogKey(d.key) ? 'Log file' : 'Object';
  return {
    eventVersion: '1.0',
    eventSource: INTEGRITY_EVENT_SOURCE,
    eventName,
    eventTime: d.time,
    eventID: uuidFrom(`${eventName}|${d.bucket}|${d.key}|${d.versionId ?? ''}|${d.time}`),
    eventType: 'TrailwatchIntegrityCheck',
    eventCategory: 'Integrity',
    readOnly: false,
    managementEvent: false,
    ...(d.region ? { awsRegion: d.region } : {}),
    ...(d.account ? { recipientAccountId: d.account } : {}),
    userIdentity,
    ...(d.sourceIp ? { sourceIPAddress: d.sourceIp } : {}),
    requestParameters: {
      bucketName: d.bucket,
      key: d.key,
      reason: d.reason ?? null,
      deletionType: d.deletionType ?? null,
      versionId: d.versionId ?? null,
    },
    responseElements: null,
    additionalEventData: {
      trailwatchDetails: [
        `${kind}: s3://${d.bucket}/${d.key}${d.versionId ? ` (version ${d.versionId})` : ''}`,
        `Deleted: ${d.time} by ${requester}${d.sourceIp ? ` from ${d.sourceIp}` : ''} (${d.reason ?? 'no reason given'}, ${d.deletionType ?? 'deletion type not given'})`,
      ],
    },
  };
}

/**
 * The detail lines of a trailwatch event (eventSource trailwatch.integrity here, trailwatch.reader from
 * shared/scan/unreadable-record.ts); undefined for CloudTrail's own records.
 */
export function trailwatchEventDetails(record: CloudTrailRecord): string[] | undefined {
  if (typeof record.eventSource !== 'string' || !record.eventSource.startsWith('trailwatch.')) return undefined;
  const lines = record.additionalEventData?.trailwatchDetails;
  return Array.isArray(lines) ? lines.filter((l): l is string => typeof l === 'string') : undefined;
}

/**
 * An S3 "Object Deleted" EventBridge event (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html),
 * or undefined for any other event. The key is taken as the event gives it.
 */
export function objectDeletionFromEvent(event: unknown): ObjectDeletion | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  if (e.source !== 'aws.s3' || e['detail-type'] !== 'Object Deleted') return undefined;
  const detail = (typeof e.detail === 'object' && e.detail !== null ? e.detail : {}) as Record<string, unknown>;
  const bucket = (detail.bucket as { name?: unknown } | undefined)?.name;
  const object = (detail.object ?? {}) as { key?: unknown; 'version-id'?: unknown };
  if (typeof bucket !== 'string' || typeof object.key !== 'string') return undefined;
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    bucket,
    key: object.key,
    time: text(e.time) ?? new Date(0).toISOString(),
    region: text(e.region),
    account: text(e.account),
    reason: text(detail.reason),
    deletionType: text(detail['deletion-type']),
    requester: text(detail.requester),
    sourceIp: text(detail['source-ip-address']),
    versionId: text(object['version-id']),
  };
}
