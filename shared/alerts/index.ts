// The alert model: the alert object and the per-file collector that bounds alert storms. How an alert is shown is
// shared/render/ (email, subject, text line, record text); how it is packed into SNS messages is the processor's
// (functions/processor/sns-message.ts).
export { buildAlert, type Alert, type AlertOrigin } from './alert.js';
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
