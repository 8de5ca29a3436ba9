// A batch of collected alerts (one log file's, or one fast-path event's) -> the messages for each topic ->
// published at most once per alert and topic (publish-once.ts), with the latency metric per path.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CollectedAlert } from '../../shared/alerts/storm.js';
import { isSummaryAlert } from '../../shared/alerts/storm.js';
import type { Observability } from '../lib/observability.js';
import { alertMessages, type AlertMessage } from './alert-messages.js';
import type { ProcessorConfig } from './config.js';
import { DedupeBusyError } from './dedupe-errors.js';
import type { DedupeStore } from './dedupe-store.js';
import { publishOnce, type PublishOnceResult } from './publish-once.js';
import type { PublishOptions } from './publish-alerts.js';
import type { SNSClient } from '@aws-sdk/client-sns';

/** How the record reached the processor: a log file from S3, or the CloudTrail event from EventBridge. */
export type AlertPath = 's3' | 'eventbridge';

export const ProcessorMetrics = {
  /** Alerts the rules raised, before storms were folded into summaries. */
  alertsRaised: 'AlertsRaised',
  /** Messages published to ALERT_TOPIC_ARN (a summary counts once). */
  alertsPublished: 'AlertsPublished',
  /** Messages published to ALERT_EVENTS_TOPIC_ARN. */
  alertEventsPublished: 'AlertEventsPublished',
} as const;

export const AlertDeliveryMetrics = {
  /**
   * Milliseconds from the record's eventTime to SNS taking the alert, one metric per path (one value per message,
   * so p50/p99 and Maximum are statistics of alerts). A metric name per path rather than a `path` dimension: values
   * stay in the invocation's one EMF document (Powertools' singleMetric would write a line per value).
   */
  alertLatencyS3: 'AlertLatencyS3',
  alertLatencyEventBridge: 'AlertLatencyEventBridge',
  /** Messages not sent because an earlier delivery of the same record had published them (per topic). */
  alertsAlreadyPublished: 'AlertsAlreadyPublished',
  /** Messages SNS took whose `published` mark could not be written (a later delivery may send them again). */
  dedupeUnrecorded: 'DedupeUnrecorded',
} as const;

export interface DeliverContext {
  config: ProcessorConfig;
  sns: SNSClient;
  obs: Observability;
  dedupe?: DedupeStore | undefined;
}

export interface Delivered {
  alertTopic: number;
  eventsTopic: number;
  alreadyPublished: number;
}

/** Publishes the alerts; throws when a topic failed (PublishError, DedupeStoreError) or another delivery holds some (DedupeBusyError). */
export async function deliverAlerts(
  ctx: DeliverContext,
  items: readonly CollectedAlert[],
  where: string,
  path: AlertPath,
  options: PublishOptions,
  now: () => number = Date.now,
): Promise<Delivered> {
  const { config } = ctx;
  const routed = alertMessages(items, {
    minSeverity: config.minSeverity,
    eventsMinSeverity: config.eventsTopicArn ? config.eventsMinSeverity : undefined,
  });
  const delivered: Delivered = { alertTopic: 0, eventsTopic: 0, alreadyPublished: 0 };
  const busy: string[] = [];
  const account = (result: PublishOnceResult, topicArn: string) => {
    recordLatency(ctx.obs, path, result.published, now());
    delivered.alreadyPublished += result.alreadyPublished;
    busy.push(...result.busy);
    for (const error of result.unrecorded) {
      ctx.obs.logger.error(
        'alert published but not recorded in the dedupe table; a later delivery may publish it again',
        { where, topicArn, key: error.key, error },
      );
    }
    if (result.unrecorded.length > 0)
      ctx.obs.metrics.addMetric(AlertDeliveryMetrics.dedupeUnrecorded, MetricUnit.Count, result.unrecorded.length);
    return result.published.length;
  };
  if (routed.alertTopic.length > 0) {
    delivered.alertTopic = account(
      await publishOnce(ctx.sns, config.alertTopicArn, routed.alertTopic, ctx.dedupe, options),
      config.alertTopicArn,
    );
  }
  if (config.eventsTopicArn && routed.eventsTopic.length > 0) {
    delivered.eventsTopic = account(
      await publishOnce(ctx.sns, config.eventsTopicArn, routed.eventsTopic, ctx.dedupe, options),
      config.eventsTopicArn,
    );
  }
  if (ctx.dedupe)
    ctx.obs.metrics.addMetric(
      AlertDeliveryMetrics.alertsAlreadyPublished,
      MetricUnit.Count,
      delivered.alreadyPublished,
    );
  if (busy.length > 0) throw new DedupeBusyError(where, busy);
  return delivered;
}

/** One latency value per message SNS took. A summary counts from its first event (the storm's start). */
function recordLatency(obs: Observability, path: AlertPath, published: readonly AlertMessage[], nowMs: number): void {
  for (const message of published) {
    const eventTime = Date.parse(
      isSummaryAlert(message.alert) ? message.alert.firstEventTime : message.alert.eventTime,
    );
    if (Number.isFinite(eventTime))
      obs.metrics.addMetric(
        path === 's3' ? AlertDeliveryMetrics.alertLatencyS3 : AlertDeliveryMetrics.alertLatencyEventBridge,
        MetricUnit.Milliseconds,
        Math.max(0, nowMs - eventTime),
      );
  }
}
