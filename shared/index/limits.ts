// The CloudWatch Logs limits the index must respect, each with the document it comes from. The batcher, the
// trimmer and the test fake all read them from here, so a limit AWS changes is changed in one place.
//
// PutLogEvents API reference (current; also the doc comments of @aws-sdk/client-cloudwatch-logs 3.1169):
//   https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
// InputLogEvent: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_InputLogEvent.html
// RejectedLogEventsInfo: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_RejectedLogEventsInfo.html
// CreateLogStream: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What one PutLogEvents call may carry. */
export interface BatchLimits {
  /** "The maximum batch size is 1,048,576 bytes ... the sum of all event messages in UTF-8, plus 26 bytes for each log event." */
  maxBatchBytes: number;
  perEventOverheadBytes: number;
  /** "The maximum number of log events in a batch is 10,000." (InputLogEvents: 1 to 10,000 items.) */
  maxBatchEvents: number;
  /** "the time span in a single batch cannot exceed 24 hours. Otherwise, the operation fails." */
  maxBatchSpanMs: number;
  /**
   * "Each log event can be no larger than 1 MB" (256 KB before the 2025 raise; older pages still say so).
   * Counted like fluent-bit's out_cloudwatch_logs (MAX_EVENT_LEN = 256 KiB - 26): the 26 bytes of overhead count
   * against the event too, so the largest message is 1,048,576 - 26 bytes and always fits in a batch of its own.
   */
  maxEventMessageBytes: number;
}

export const PUT_LOG_EVENTS_LIMITS: Readonly<BatchLimits> = Object.freeze({
  maxBatchBytes: 1_048_576,
  perEventOverheadBytes: 26,
  maxBatchEvents: 10_000,
  maxBatchSpanMs: DAY_MS,
  maxEventMessageBytes: 1_048_576 - 26,
});

/**
 * Events outside this age window are rejected one by one (the rest of the batch is accepted) and reported in
 * rejectedLogEventsInfo: "Events more than 2 hours in the future are rejected ... Events older than 14 days or
 * preceding the log group's retention period are rejected".
 */
export const MAX_FUTURE_MS = 2 * HOUR_MS;
export const MAX_AGE_MS = 14 * DAY_MS;
export { DAY_MS };

/** CreateLogStream / PutLogEvents logStreamName: 1 to 512 characters, pattern `[^:*]*`. */
export const MAX_LOG_STREAM_NAME_LENGTH = 512;
export const LOG_STREAM_NAME_FORBIDDEN = /[:*]/g;
/** logGroupName: 1 to 512 characters, pattern `[\.\-_/#A-Za-z0-9]+` (for validating the configured group). */
export const LOG_GROUP_NAME_PATTERN = /^[.\-_/#A-Za-z0-9]{1,512}$/;
