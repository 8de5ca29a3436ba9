// Issue 13, the fast path: one CloudTrail record EventBridge delivered within seconds of the call (`AWS API Call
// via CloudTrail`, the record is `detail`), through the same classifier, rules and alert messages as the S3 path.
// The alerts equal the S3 path's for the same record except where it was read (`file` and `recordIndex` are null:
// there is no log file yet); the dedupe table makes the S3 path publish nothing new when the file arrives.
import { performance } from 'node:perf_hooks';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { buildAlert } from '../../shared/alerts/alert.js';
import { AlertCollector } from '../../shared/alerts/storm.js';
import { classify } from '../../shared/classify/classify.js';
import type { CloudTrailRecord } from '../../shared/cloudtrail.js';
import type { ApiCallEvent } from '../lib/triggers.js';
import { deliverAlerts, ProcessorMetrics, type DeliverContext, type Delivered } from './deliver-alerts.js';
import type { PublishOptions } from './publish-alerts.js';

export const FastPathMetrics = {
  /** CloudTrail records received from EventBridge. */
  apiCallEvents: 'ApiCallEvents',
} as const;

export interface ApiCallOutcome {
  eventId: string;
  eventID: string | null;
  eventName: string;
  alerts: string[];
  published: Delivered;
}

/** The alerts one record raises, collected as the S3 path collects a file's (same trimming of the record text). */
export function apiCallAlerts(ctx: Pick<DeliverContext, 'config'>, event: ApiCallEvent) {
  const record = event.detail as unknown as CloudTrailRecord;
  const classified = classify(record);
  const alerts = ctx.config.ruleset.evaluate(classified).map((rule) => buildAlert(rule, classified));
  const collector = new AlertCollector({ stormThreshold: ctx.config.stormThreshold });
  if (alerts.length > 0) collector.addAll(alerts, JSON.stringify(event.detail));
  return { alerts, items: collector.drain() };
}

export async function processApiCall(ctx: DeliverContext, event: ApiCallEvent, via: string, options: PublishOptions): Promise<ApiCallOutcome> {
  const started = performance.now();
  const { alerts, items } = apiCallAlerts(ctx, event);
  const eventID = typeof event.detail.eventID === 'string' ? event.detail.eventID : null;
  const where = `EventBridge event ${event.id} (record ${eventID ?? 'without eventID'})`;
  const published = items.length > 0 ? await deliverAlerts(ctx, items, where, 'eventbridge', options) : { alertTopic: 0, eventsTopic: 0, alreadyPublished: 0 };
  ctx.obs.logger.info('api call event read', {
    via,
    eventBridgeId: event.id,
    eventID,
    eventSource: event.detail.eventSource,
    eventName: event.detail.eventName,
    eventTime: event.detail.eventTime,
    alerts: alerts.map((a) => a.rule),
    published,
    durationMs: Math.round(performance.now() - started),
  });
  ctx.obs.metrics.addMetric(FastPathMetrics.apiCallEvents, MetricUnit.Count, 1);
  ctx.obs.metrics.addMetric(ProcessorMetrics.alertsRaised, MetricUnit.Count, alerts.length);
  ctx.obs.metrics.addMetric(ProcessorMetrics.alertsPublished, MetricUnit.Count, published.alertTopic);
  if (ctx.config.eventsTopicArn) ctx.obs.metrics.addMetric(ProcessorMetrics.alertEventsPublished, MetricUnit.Count, published.eventsTopic);
  return { eventId: event.id, eventID, eventName: event.detail.eventName, alerts: alerts.map((a) => a.rule), published };
}
