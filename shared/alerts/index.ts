// The alert model: the alert object and the per-file collector that bounds alert storms. How an alert is shown is
// shared/render/ (email, subject, text line, record text); how it is packed into SNS messages is the processor's
// (functions/processor/sns-message.ts).
export type { Alert } from './alert.js';
export {
  AlertCollector,
  DEFAULT_STORM_THRESHOLD,
  isSummaryAlert,
  type CollectedAlert,
  type SummaryAlert,
} from './storm.js';
