// PutLogEvents' rejectedLogEventsInfo -> the events it names, each with its reason, so that the caller can
// count them and log their eventIDs. The indexes point into the batch exactly as it was sent (chronological).
//
// RejectedLogEventsInfo (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_RejectedLogEventsInfo.html):
//   tooNewLogEventStartIndex  "The index of the first log event that is too new. This field is inclusive."
//   tooOldLogEventEndIndex    "The index of the last log event that is too old. This field is exclusive."
//   expiredLogEventEndIndex   "The expired log events." (read as exclusive, like tooOldLogEventEndIndex: the
//                             batch is in time order, so the expired events are a prefix of it)
// The too-old and expired prefixes may overlap: an event is reported once, too-old winning over expired.
import type { RejectionReason } from './age.js';
import type { RejectedLogEventsInfo } from './types.js';

export interface RejectedEvent<T> {
  event: T;
  /** Position in the batch as sent. */
  index: number;
  reason: Extract<RejectionReason, 'too-new' | 'too-old' | 'expired'>;
}

export function rejectedEvents<T>(
  batch: readonly T[],
  info: RejectedLogEventsInfo | undefined | null,
): RejectedEvent<T>[] {
  if (!info) return [];
  const n = batch.length;
  const tooOldEnd = clampIndex(info.tooOldLogEventEndIndex, n, 0);
  const expiredEnd = clampIndex(info.expiredLogEventEndIndex, n, 0);
  const tooNewStart = clampIndex(info.tooNewLogEventStartIndex, n, n);
  const out: RejectedEvent<T>[] = [];
  batch.forEach((event, index) => {
    const reason =
      index < tooOldEnd ? 'too-old' : index < expiredEnd ? 'expired' : index >= tooNewStart ? 'too-new' : undefined;
    if (reason) out.push({ event, index, reason });
  });
  return out;
}

/** An index from the service, as an integer in [0, n]; `absent` when missing or not a number. */
function clampIndex(value: number | undefined, n: number, absent: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return absent;
  return Math.min(n, Math.max(0, Math.trunc(value)));
}
