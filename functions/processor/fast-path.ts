// Issue 13, the fast path: one CloudTrail record EventBridge delivered within seconds of the call (`AWS API Call
// via CloudTrail`, the record is `detail`), through the same classifier, rules and alert messages as the S3 path.
// The alerts equal the S3 path's for the same record except where it was read (`file` and `recordIndex` are null:
// there is no log file yet); the dedupe table makes the S3 path publish nothing new when the file arrives.
import { performance } from 'node:perf_hooks';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { buildAlert } from '../../shared/alerts/alert.js';
import { AlertCollector, type CollectedAlert } from '../../shared/alerts/storm.js';
import { stormCounterKey } from '../../shared/dedupe/claims.js';
import { classify } from '../../shared/classify/classify.js';
import type { CloudTrailRecord } from '../../shared/cloudtrail.js';
import type { ApiCallEvent } from '../lib/delivery.js';
import { deliverAlerts, ProcessorMetrics, type DeliverContext, type Delivered } from './deliver-alerts.js';
import type { PublishOptions } from './publish-alerts.js';

export const FastPathMetrics = {
  /** CloudTrail records received from EventBridge. */
  apiCallEvents: 'ApiCallEvents',
  /** Fast-path events not processed: no dedupe table (the S3 path alerts them). */
  apiCallEventsIgnored: 'ApiCallEventsIgnored',
  /** Fast-path alerts left to the S3 path's storm summary (more than the storm threshold of one rule in a window). */
  alertsLeftToSummary: 'AlertsLeftToSummary',
} as const;

export interface ApiCallOutcome {
  eventId: string;
  eventID: string | null;
  eventName: string;
  alerts: string[];
  /** Rules whose alert was left to the S3 path (storm gate), or every rule when there is no dedupe table. */
  leftToS3: string[];
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

export async function processApiCall(
  ctx: DeliverContext,
  event: ApiCallEvent,
  via: string,
  options: PublishOptions,
): Promise<ApiCallOutcome> {
  const started = performance.now();
  const eventID = typeof event.detail.eventID === 'string' ? event.detail.eventID : null;
  const { alerts, items } = apiCallAlerts(ctx, event);
  const base = { eventId: event.id, eventID, eventName: event.detail.eventName, alerts: alerts.map((a) => a.rule) };
  const none: Delivered = { alertTopic: 0, eventsTopic: 0, alreadyPublished: 0 };
  if (!ctx.dedupe) {
    // Without the dedupe table the S3 path would publish every fast-path alert again: the S3 path alone alerts.
    ctx.obs.logger.warn(
      'fast-path event ignored: ALERT_DEDUPE_TABLE is not set, so its alerts come from the log file',
      { via, eventBridgeId: event.id, eventID },
    );
    ctx.obs.metrics.addMetric(FastPathMetrics.apiCallEventsIgnored, MetricUnit.Count, 1);
    return { ...base, leftToS3: base.alerts, published: none };
  }
  const { send, leftToS3 } = await stormGate(ctx, items, options.signal);
  const where = `EventBridge event ${event.id} (record ${eventID ?? 'without eventID'})`;
  const published = send.length > 0 ? await deliverAlerts(ctx, send, where, 'eventbridge', options) : none;
  ctx.obs.logger.info('api call event read', {
    via,
    eventBridgeId: event.id,
    eventID,
    eventSource: event.detail.eventSource,
    eventName: event.detail.eventName,
    eventTime: event.detail.eventTime,
    alerts: base.alerts,
    leftToS3,
    published,
    durationMs: Math.round(performance.now() - started),
  });
  ctx.obs.metrics.addMetric(FastPathMetrics.apiCallEvents, MetricUnit.Count, 1);
  ctx.obs.metrics.addMetric(ProcessorMetrics.alertsRaised, MetricUnit.Count, alerts.length);
  ctx.obs.metrics.addMetric(ProcessorMetrics.alertsPublished, MetricUnit.Count, published.alertTopic);
  if (ctx.config.eventsTopicArn)
    ctx.obs.metrics.addMetric(ProcessorMetrics.alertEventsPublished, MetricUnit.Count, published.eventsTopic);
  if (leftToS3.length > 0)
    ctx.obs.metrics.addMetric(FastPathMetrics.alertsLeftToSummary, MetricUnit.Count, leftToS3.length);
  return { ...base, leftToS3, published };
}

/**
 * The fast path's storm gate (shared/dedupe/claims.ts, STORM_WINDOW_SECONDS): the first `stormThreshold` alerts of a
 * rule per window go out now; later ones are left to the S3 path, which folds the file's storm into one summary.
 */
async function stormGate(
  ctx: DeliverContext,
  items: CollectedAlert[],
  signal?: AbortSignal,
): Promise<{ send: CollectedAlert[]; leftToS3: string[] }> {
  const send: CollectedAlert[] = [];
  const leftToS3: string[] = [];
  for (const item of items) {
    const { rule } = item.alert;
    const eventTime = 'eventTime' in item.alert ? item.alert.eventTime : item.alert.firstEventTime;
    const count = await (ctx.dedupe as NonNullable<DeliverContext['dedupe']>).count(
      stormCounterKey(rule, eventTime),
      signal,
    );
    if (count > ctx.config.stormThreshold) leftToS3.push(rule);
    else send.push(item);
  }
  return { send, leftToS3 };
}
