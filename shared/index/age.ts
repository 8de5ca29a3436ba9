// Which events CloudWatch Logs will take, by age, and what the index does with the others.
//
// Policy for events CloudWatch Logs does not accept (back-fills of old files, a clock far ahead):
// they are NOT sent. classifyEventAge sorts them out before batching; the caller counts them by reason
// (a metric per reason) and logs their eventIDs, the same way it reports the events the service itself
// rejects (rejectedEvents below), so both paths look alike in logs and metrics. Reasons:
//   - sending them buys nothing: the service drops them one by one, after they were uploaded;
//   - the 24-hour span rule is documented (today) over the *valid* events of a batch, but older API pages apply it
//     to the whole batch; keeping rejected events out of batches makes both readings safe, and keeps a month-old
//     record from splitting a batch of today's;
//   - rewriting their timestamp to "now" would make them searchable, but as if they had just happened, which
//     is wrong for an audit trail.
// Back-filling old logs therefore indexes what the log group can hold (the last 14 days, or its retention if
// shorter); anything older is searched where it lives, with `trailwatch scan` over the S3 objects.
// Events close to a limit may still be rejected by the service (its clock, the time the call takes): those
// come back in rejectedLogEventsInfo and are reported the same way.
import { DAY_MS, MAX_AGE_MS, MAX_FUTURE_MS } from './limits.js';

export type EventAge = 'ok' | 'too-new' | 'too-old' | 'expired' | 'invalid-timestamp';
export type RejectionReason = Exclude<EventAge, 'ok'>;

/**
 * How CloudWatch Logs will treat an event with this timestamp, sent at `now`:
 * - 'too-new': more than 2 hours in the future;
 * - 'too-old': more than 14 days in the past;
 * - 'expired': older than the log group's retention (when shorter than 14 days; a longer one never decides);
 * - 'invalid-timestamp': not a whole number of milliseconds >= 0 (InputLogEvent.timestamp: Long, minimum 0),
 *   e.g. a record whose eventTime does not parse.
 * The limits are "more than" / "older than": an event exactly 2 hours ahead or 14 days old is accepted.
 */
export function classifyEventAge(timestamp: number, now: number, retentionDays?: number | null): EventAge {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) return 'invalid-timestamp';
  if (timestamp - now > MAX_FUTURE_MS) return 'too-new';
  const age = now - timestamp;
  if (age > MAX_AGE_MS) return 'too-old';
  if (retentionDays != null && retentionDays > 0 && age > retentionDays * DAY_MS) return 'expired';
  return 'ok';
}
