// A record too large to classify, as a trailwatch event the rules evaluate (issue 11, item 4).
//
// The reader holds a record whole only up to maxRecordBytes (shared/reader, 8 MiB by default) so that memory
// stays bounded whatever a file holds. A larger record whose eventSource no rule wants is skipped as it
// streams; any other one is reported as RECORD_TOO_LARGE. Padding a DeleteDBInstance record past the limit must
// not hide it, so the report becomes an alert: a CloudTrail-shaped record, like the integrity check's
// (shared/integrity/events.ts), which the rules engine evaluates like any other, so the rule can be re-graded,
// excepted or disabled as usual.
//
// Shape:
//   eventSource  "trailwatch.reader" (no AWS service uses it); eventName "RecordTooLarge"
//   eventTime    the log file's delivery time from its key (..._CloudTrail_<region>_YYYYMMDDTHHmmZ_...), else ""
//   eventID      a UUID derived from the file and the record's place, so a retried file raises the same alert
//   requestParameters {file, recordIndex, offset, reason}; additionalEventData.trailwatchDetails: the alert's details
import { uuidFrom } from '../derived-id.js';
import { LOG_FILE_DELIVERY_TIME, type CloudTrailRecord } from '../cloudtrail.js';
import type { MalformedRecord } from '../reader/types.js';

/** Malformed records of one file reported one by one (a log line in Lambda, a stderr line from `trailwatch scan`);
 * all are counted. A file of thousands of broken records stays readable. */
export const MALFORMED_REPORTED_PER_FILE = 5;

export const READER_EVENT_SOURCE = 'trailwatch.reader';
export const RECORD_TOO_LARGE_EVENT = 'RecordTooLarge';

/** True for the malformed records that become an alert: those the reader could not hold to classify. */
export function isUnclassifiable(item: MalformedRecord): boolean {
  return item.error.code === 'RECORD_TOO_LARGE';
}

/** The delivery time CloudTrail writes into a log file's name, as an ISO time, or "" when the name has none. */
export function deliveryTime(file: string): string {
  const match = LOG_FILE_DELIVERY_TIME.exec(file);
  if (!match) return '';
  const [, year, month, day, hour, minute] = match;
  return `${year}-${month}-${day}T${hour}:${minute}:00Z`;
}

/** The trailwatch event for a record the reader could not classify. */
export function unreadableRecord(file: string, item: MalformedRecord): CloudTrailRecord {
  const details = [
    `Log file: ${file}`,
    `Record ${item.index} of its Records array (counting from 0), at byte ${item.offset} of the uncompressed file`,
    `Finding: ${item.error.message}`,
  ];
  return {
    eventVersion: '1.0',
    eventSource: READER_EVENT_SOURCE,
    eventName: RECORD_TOO_LARGE_EVENT,
    eventTime: deliveryTime(file),
    eventID: uuidFrom(`${RECORD_TOO_LARGE_EVENT}|${file}|${item.index}|${item.offset}`),
    eventType: 'TrailwatchReaderCheck',
    readOnly: true,
    managementEvent: false,
    userIdentity: { type: 'AWSService', invokedBy: READER_EVENT_SOURCE },
    sourceIPAddress: READER_EVENT_SOURCE,
    userAgent: 'trailwatch',
    requestParameters: { file, recordIndex: item.index, offset: item.offset, reason: item.error.code },
    responseElements: null,
    additionalEventData: { trailwatchDetails: details },
  };
}
