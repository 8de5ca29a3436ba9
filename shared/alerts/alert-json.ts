// The alert as a JSON document, for programs: the alert's own fields (the same as `trailwatch scan --format json`),
// with `schemaVersion` and `kind`. The processor publishes it as the `default` of its SNS messages
// (functions/processor/sns-message.ts) and as the whole message on the events topic.
import type { Alert } from './alert.js';
import { isSummaryAlert, type SummaryAlert } from './storm.js';

/** Version of the document: consumers can tell a shape they know. Raise it when a field changes meaning or goes. */
export const ALERT_SCHEMA_VERSION = 1;

/** An alert's document: its own fields, plus `schemaVersion` and `kind`. */
export type AlertJson = { schemaVersion: number; kind: 'alert' } & Alert;
/** A summary's document: examples as alerts (their records are only in the email). */
export type SummaryAlertJson = { schemaVersion: number } & Omit<SummaryAlert, 'examples'> & { examples: Alert[] };

/** The document of an alert or summary. */
export function alertJson(alert: Alert | SummaryAlert): AlertJson | SummaryAlertJson {
  if (isSummaryAlert(alert)) {
    return { schemaVersion: ALERT_SCHEMA_VERSION, ...alert, examples: alert.examples.map((example) => example.alert) };
  }
  return { schemaVersion: ALERT_SCHEMA_VERSION, kind: 'alert', ...alert };
}
