// The CloudTrail record at the end of an email, as the SNS packing fitted it (functions/processor/sns-message.ts):
// whole, trimmed with a note listing the cuts, too large to show, or not attached; and where the full record is.
import type { Alert } from '../alerts/alert.js';
import { EMAIL_WIDTH, INDENT, LISTED } from './email-layout.js';
import { formatCount, oneLine, wrap } from './plain-text.js';
import type { PrettyRecord } from './record-text.js';

/** The record part of an email as the SNS message builder fitted it; null when the alert came without one. */
export type EmailRecord = PrettyRecord | null;

/** Where the full record is: its file and index, else where CloudTrail keeps it, and its eventID either way. */
function whereToFind(alert: Alert): string {
  const id = alert.eventID ? `event ID ${alert.eventID}` : `${alert.eventName} at ${alert.eventTime}`;
  if (alert.file && alert.recordIndex !== null)
    return `The full record is Records[${alert.recordIndex}] in ${alert.file} (${id}).`;
  return `Find the full record by ${id} in CloudTrail Event history or in the trail's S3 bucket.`;
}

export function recordSection(alert: Alert, record: EmailRecord, title = 'CloudTrail record'): string[] {
  if (!record) return [title, ...wrap(`Not attached to this alert. ${whereToFind(alert)}`, EMAIL_WIDTH, INDENT), ''];
  if (record.text === null) {
    return [
      title,
      ...wrap(
        `The record (${formatCount(record.bytes)} bytes) is too large to show here. ${whereToFind(alert)}`,
        EMAIL_WIDTH,
        INDENT,
      ),
      '',
    ];
  }
  const notes: string[] = [];
  if (record.trimmed.length > 0) {
    notes.push(
      ...wrap(
        `Trimmed to fit an SNS message: ${record.trimmed.length === 1 ? 'one part was' : 'these parts were'} replaced by "[trimmed by trailwatch: N bytes]". ${whereToFind(alert)}`,
        EMAIL_WIDTH,
        INDENT,
      ),
      ...record.trimmed
        .slice(0, LISTED)
        .map((part) => `${INDENT}- ${oneLine(part.path)} (${formatCount(part.bytes)} bytes)`),
      ...(record.trimmed.length > LISTED ? [`${INDENT}- and more`] : []),
      '',
    );
  }
  return [title, ...notes, record.text, ''];
}
