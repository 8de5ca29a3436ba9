// The dedupe protocol's pure half: which key an alert message is remembered under, how long a claim and a record
// live, and what an item found in the store means. The DynamoDB calls are functions/processor/dedupe-store.ts; the
// protocol as a whole is described in README.md, "Exactly-once alerts and the fast path".
//
// One item per (topic, alert): an alert is `rule` raised by the record `eventID`; a storm summary stands for every
// alert of one rule in one log file, so it is one unit per (rule, file). Keys name the topic, so the email topic
// and the events topic are remembered separately: one can have published while the other failed.
import { createHash } from 'node:crypto';
import type { Alert } from '../alerts/alert.js';
import { isSummaryAlert, type SummaryAlert } from '../alerts/storm.js';

/** How long a claim keeps other deliveries off an alert while its holder publishes it. */
export const DEFAULT_LEASE_SECONDS = 120;
/**
 * How long an item is kept (DynamoDB TTL on `expiresAt`). Longer than anything can bring the same record back:
 * SQS keeps a dead-lettered delivery at most 14 days (MessageRetentionPeriod, 1,209,600 s:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html), and a redrive
 * of an older one would be a new file's worth of alerts again only after this.
 */
export const RETENTION_SECONDS = 15 * 24 * 3600;

export type ClaimStatus = 'in-progress' | 'published';

/** An item of the dedupe table, as the store reads it back. */
export interface ClaimItem {
  pk: string;
  status: ClaimStatus;
  /** Epoch seconds: an in-progress claim older than this may be taken over. */
  leaseUntil: number;
  owner: string;
  /** Epoch seconds; DynamoDB TTL deletes the item some time after this. */
  expiresAt: number;
}

/** What a claim attempt found. */
export type ClaimOutcome =
  /** Ours now: publish it, then mark it published. */
  | 'claimed'
  /** Some delivery already published it: do not publish again. */
  | 'published'
  /** Another delivery holds a live claim: this file is retried later, when it has published or its lease ran out. */
  | 'busy';

/** Reading an item that stopped our conditional claim: published, held, or (the lease ran out meanwhile) free. */
export function existingClaim(item: ClaimItem | undefined, nowSeconds: number): ClaimOutcome | 'free' {
  if (!item) return 'free';
  if (item.status === 'published') return 'published';
  return item.leaseUntil >= nowSeconds ? 'busy' : 'free';
}

/** The key an alert is remembered under for one topic. */
export function dedupeKey(topicArn: string, alert: Alert | SummaryAlert): string {
  if (isSummaryAlert(alert)) return fitKey(`${topicArn}|summary|${alert.rule}|${alert.file ?? ''}`);
  return fitKey(`${topicArn}|alert|${alert.rule}|${recordIdentity(alert)}`);
}

/**
 * DynamoDB partition keys are at most 2,048 bytes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys);
 * a key is readable when short (always, with an eventID) and a stable digest of itself when long (a summary of a
 * file with a long key).
 */
export const MAX_READABLE_KEY_CHARS = 512;

function fitKey(key: string): string {
  return key.length <= MAX_READABLE_KEY_CHARS
    ? key
    : `${key.slice(0, 200)}|sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * The record an alert came from. CloudTrail gives every record an eventID (a GUID); a record without one (a
 * hand-made file) falls back to where it was read, which only the same file read again repeats.
 */
function recordIdentity(alert: Alert): string {
  if (alert.eventID) return alert.eventID;
  return `no-event-id:${alert.file ?? ''}#${alert.recordIndex ?? ''}:${alert.eventTime}:${alert.eventSource}:${alert.eventName}`;
}

/**
 * The fast path sees one record at a time, so it cannot fold a storm into a summary as the S3 path does per file.
 * Instead it counts alerts per rule per STORM_WINDOW_SECONDS of eventTime; beyond the storm threshold it leaves the
 * rule's alerts to the S3 path, whose file summary then carries them. At most `threshold` single alerts of one rule
 * per window come early; none is lost.
 */
export const STORM_WINDOW_SECONDS = 300;

export function stormCounterKey(rule: string, eventTime: string): string {
  const seconds = Math.floor(Date.parse(eventTime) / 1000);
  const window = Number.isFinite(seconds) ? seconds - (seconds % STORM_WINDOW_SECONDS) : 0;
  return `storm|${rule}|${window}`;
}

export function leaseUntil(nowSeconds: number, leaseSeconds: number = DEFAULT_LEASE_SECONDS): number {
  return nowSeconds + leaseSeconds;
}

export function expiresAt(nowSeconds: number, retentionSeconds: number = RETENTION_SECONDS): number {
  return nowSeconds + retentionSeconds;
}
