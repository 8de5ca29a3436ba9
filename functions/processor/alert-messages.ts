// The SNS messages for a file's alerts, and which topic each goes to (see README.md, "Filtering").
//
// - ALERT_TOPIC_ARN (people): MessageStructure "json", `email` the text a person reads and `default` the alert
//   JSON, with the subject and the message attributes. Only alerts at or above MIN_SEVERITY: the processor
//   applies the floor itself, so an email subscription needs no filter policy for "high and critical only".
// - ALERT_EVENTS_TOPIC_ARN (programs, optional): String structure, the message is the alert JSON (the same text
//   as `default` above), with the same attributes. With String structure SNS documents both attribute-scoped
//   and body-scoped filter policies, so subscribers there can select by rule, account, eventName...
import { buildSnsMessage } from './sns-message.js';
import type { Alert } from '../../shared/alerts/alert.js';
import { isSummaryAlert, type CollectedAlert, type SummaryAlert } from '../../shared/alerts/storm.js';
import { severityRank } from '../../shared/rules/engine.js';
import type { Severity } from '../../shared/rules/types.js';
import type { OutgoingMessage } from './publish-alerts.js';

export interface Routing {
  minSeverity: Severity;
  /** Undefined when there is no events topic. */
  eventsMinSeverity: Severity | undefined;
}

/** A message and the alert it carries (for its dedupe key and its latency). */
export interface AlertMessage extends OutgoingMessage {
  alert: Alert | SummaryAlert;
}

export interface RoutedMessages {
  alertTopic: AlertMessage[];
  eventsTopic: AlertMessage[];
}

export function alertMessages(items: readonly CollectedAlert[], routing: Routing): RoutedMessages {
  const routed: RoutedMessages = { alertTopic: [], eventsTopic: [] };
  const floor = severityRank(routing.minSeverity);
  const eventsFloor = routing.eventsMinSeverity === undefined ? undefined : severityRank(routing.eventsMinSeverity);
  for (const item of items) {
    const rank = severityRank(item.alert.severity);
    const toPeople = rank >= floor;
    const toPrograms = eventsFloor !== undefined && rank >= eventsFloor;
    if (!toPeople && !toPrograms) continue;
    const sns = buildSnsMessage(item.alert, item.raw === undefined ? undefined : { raw: item.raw });
    const identity = { ...identify(item), alert: item.alert };
    if (toPeople) {
      routed.alertTopic.push({
        message: sns.message,
        structure: 'json',
        subject: sns.subject,
        attributes: sns.attributes,
        ...identity,
      });
    }
    if (toPrograms) {
      routed.eventsTopic.push({ message: sns.json, structure: 'string', attributes: sns.attributes, ...identity });
    }
  }
  return routed;
}

/** The label in logs and errors, and the FIFO group and deduplication identity. */
function identify({ alert }: CollectedAlert): Pick<OutgoingMessage, 'label' | 'group' | 'dedupKey'> {
  if (isSummaryAlert(alert)) {
    const id = `${alert.rule} summary of ${alert.count} in ${alert.file ?? 'a file'}`;
    return {
      label: id,
      group: alert.rule,
      dedupKey: `${alert.rule}/summary/${alert.file ?? ''}/${alert.eventIDs[0] ?? alert.firstEventTime}`,
    };
  }
  return {
    label: `${alert.rule} ${alert.eventID ?? `${alert.file ?? ''}#${alert.recordIndex ?? ''}`}`,
    group: alert.rule,
    dedupKey: `${alert.rule}/${alert.eventID ?? `${alert.file ?? ''}#${alert.recordIndex ?? ''}`}`,
  };
}
