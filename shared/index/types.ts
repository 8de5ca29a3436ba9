// Plain shapes of what the index sends to CloudWatch Logs. Structural on purpose: they match the SDK's
// InputLogEvent / PutLogEventsRequest without importing it, so the core stays free of AWS SDK code.
import type { Category } from '../classify/types.js';

/** One log event as PutLogEvents takes it. */
export interface InputLogEvent {
  /** Milliseconds since the epoch. */
  timestamp: number;
  message: string;
}

/** Why a message is shorter than the record it came from. */
export interface TrimInfo {
  /** Top-level record fields left out, in the order they were removed (large `responseElements` first). */
  removed: string[];
  /** Fields kept but shortened (long strings, long resource lists), as `field` or `trailwatch.field`. */
  truncated: string[];
  /** UTF-8 bytes of the untrimmed message. */
  originalBytes: number;
}

/** A CloudTrail record ready for CloudWatch Logs, with what the batcher and the caller's bookkeeping need. */
export interface IndexEvent extends InputLogEvent {
  /** The record's eventID, for logging rejected events; null when the record has none. */
  eventID: string | null;
  /** UTF-8 bytes of `message` (without the per-event overhead). */
  bytes: number;
  /** Null when the message holds the whole record. */
  trimmed: TrimInfo | null;
}

/** Who made the call, as the index shows it: the parts of classify's Principal worth filtering on. */
export interface IndexedPrincipal {
  type: string;
  name?: string;
  arn?: string;
  accountId?: string;
  isRoot: boolean;
  isAwsService: boolean;
  roleArn?: string;
  sessionName?: string;
}

/**
 * The object added to every indexed record as `trailwatch`. Flat strings where operators filter:
 * `{ $.trailwatch.resource = "oradb" }`, `{ $.trailwatch.resources[0] = ... }`, `{ $.trailwatch.failed IS TRUE }`.
 */
export interface TrailwatchFields {
  category: Category;
  principal: IndexedPrincipal;
  /** The identifier of the resource acted on (the primary RDS resource, or the trail), or null. */
  resource: string | null;
  /** Every identifier the event names: ids and ARNs, old and new names after a rename, primary first. */
  resources: string[];
  failed: boolean;
  /**
   * Only when the record carries one: the RDS resource id (`dbiResourceId` / `dbClusterResourceId`) of the DB
   * instance or cluster, which a rename does not change (shared/classify/resources.ts, rdsIdentityOf).
   */
  resourceId?: string;
  /** Only on a successful rename (ModifyDBInstance / ModifyDBCluster with a new identifier): the old and new name. */
  renamed?: { from: string; to: string };
  /** Ids of the alert rules the event raised. */
  alerts: string[];
  /** Only on trimmed messages: top-level fields left out. */
  trimmed?: string[];
  /** Only on trimmed messages: fields shortened. */
  truncated?: string[];
  /** Only on trimmed messages: the size of the whole message. */
  originalBytes?: number;
}

/** The minimal PutLogEvents request shape (structurally a PutLogEventsCommandInput). */
export interface PutLogEventsInput {
  logGroupName: string;
  logStreamName: string;
  logEvents: InputLogEvent[];
}

/** PutLogEventsResponse.rejectedLogEventsInfo. */
export interface RejectedLogEventsInfo {
  /** First index of the too-new events; inclusive. */
  tooNewLogEventStartIndex?: number;
  /** End of the too-old events; exclusive. */
  tooOldLogEventEndIndex?: number;
  /** End of the events older than the group's retention; exclusive (documented only as "The expired log events"). */
  expiredLogEventEndIndex?: number;
}
