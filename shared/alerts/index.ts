// The alerts module: the alert object, its text line, its SNS message (subject, email, JSON, attributes) and
// the per-file collector that bounds alert storms. Import from here.
export { buildAlert, alertHeadline, principalLabel, type Alert, type AlertOrigin } from './alert.js';
export { formatAlertLine } from './format-text.js';
export {
  AlertCollector,
  DEFAULT_STORM_THRESHOLD,
  isSummaryAlert,
  type AlertCollectorOptions,
  type CollectedAlert,
  type SummaryAlert,
  type SummaryExample,
  type Tally,
  type TallyEntry,
} from './storm.js';
export {
  ALERT_SCHEMA_VERSION,
  MAX_PUBLISH_BATCH_ENTRIES,
  MAX_SNS_PAYLOAD_BYTES,
  alertAttributes,
  alertJson,
  buildSnsMessage,
  packPublishBatches,
  publishEntryBytes,
  type AlertJson,
  type PublishEntryLike,
  type SnsAlertMessage,
  type SnsMessageAttribute,
  type SummaryAlertJson,
} from './sns-message.js';
export { MAX_SUBJECT_LENGTH, alertSubject } from './subject.js';
export { EMAIL_WIDTH, alertEmailText, summaryEmailText, type EmailRecord } from './email-text.js';
export type { PrettyRecord } from './record-text.js';
