// One CloudTrail log file through the processor: stream it from S3 through the core (reader -> classifier ->
// rules), hold its alerts in the storm collector, and publish them once the whole file was read. A file that fails
// midway publishes nothing: Lambda retries the delivery, and a retry does not email anyone twice for the part it
// had read.
//
// processLogFile is the per-file step every caller uses: a delivery (process-delivery.ts), or anything else that
// has one object to process. It returns the file's outcome (read, skipped, failed) rather than throwing.
import { performance } from 'node:perf_hooks';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AlertCollector } from '../../shared/alerts/storm.js';
import type { MalformedRecord, ReadStats } from '../../shared/reader/types.js';
import type { Ruleset } from '../../shared/rules/engine.js';
import { TRAIL_BUCKET_RULE } from '../../shared/rules/builtin/log-integrity.js';
import { scanLog } from '../../shared/scan/scan-log.js';
import type { ObjectRef } from '../lib/delivery.js';
import { notRead, notStarted, type LogFileOutcome } from '../lib/log-files.js';
import { malformedRecordLogger, reportFileRead } from '../lib/observability.js';
import { readObject, type OpenedObject } from '../lib/s3-object.js';
import { publishOptions, type ProcessorContext } from './context.js';
import { deliverAlerts, ProcessorMetrics } from './deliver-alerts.js';

/** A log file read to the end and its alerts published. */
export interface ProcessedFile {
  bucket: string;
  key: string;
  stats: ReadStats;
  alertsByRule: Record<string, number>;
  published: { alertTopic: number; eventsTopic: number };
  /** Messages not sent again: an earlier delivery of the same records had published them (dedupe table). */
  alreadyPublished: number;
  /** Reading the file (GetObject to the last record), and building and publishing its alerts. */
  timings: { readMs: number; publishMs: number };
}

/**
 * Processes one log file: read, skipped (S3 shows it is no log file to read, e.g. zero bytes) or failed (logged and
 * counted either way; a failure names bucket, key and offset). `via` says how the object was named (`s3`,
 * `sqs>sns>cloudtrail`...) in the log lines. The caller decides what a failure means (a delivery throws, so Lambda
 * retries it). Screening keys (log-files.ts, screenDelivery) is the caller's, before this.
 */
export async function processLogFile(
  ctx: ProcessorContext,
  ref: ObjectRef,
  via: string,
  signal?: AbortSignal,
): Promise<LogFileOutcome<ProcessedFile>> {
  try {
    const unstartable = notStarted(ref, signal);
    if (unstartable) throw unstartable;
    return { status: 'read', ref, result: await readAndPublish(ctx, ref, via, signal) };
  } catch (error) {
    return notRead(ctx.obs, ref, via, error);
  }
}

/** Reads the file to the end, then publishes its alerts; throws if either fails. */
async function readAndPublish(
  ctx: ProcessorContext,
  ref: ObjectRef,
  via: string,
  signal: AbortSignal | undefined,
): Promise<ProcessedFile> {
  const { config, obs } = ctx;
  const started = performance.now();
  const collector = new AlertCollector({ stormThreshold: config.stormThreshold });
  // readObject releases the response body whatever happens (see s3-object.ts): the scan runs inside it.
  const read = await readObject(
    ctx.s3,
    ref,
    (object) => collectAlerts(config.ruleset, object, collector, malformedRecordLogger(obs, object)),
    {
      stallMs: config.aws.s3StallTimeoutMs,
      ...(signal ? { signal } : {}),
    },
  );

  // The whole file was read: now, and only now, its alerts go out.
  const readDone = performance.now();
  const alertsByRule = collector.countsByRule();
  const where = `s3://${ref.bucket}/${read.key}`;
  const delivered = await deliverAlerts(ctx, collector.drain(), where, 's3', publishOptions(ctx, signal));
  const published = { alertTopic: delivered.alertTopic, eventsTopic: delivered.eventsTopic };

  const done = performance.now();
  const timings = { readMs: Math.round(readDone - started), publishMs: Math.round(done - readDone) };
  const raised = Object.values(alertsByRule).reduce((sum, n) => sum + n, 0);
  reportFileRead(
    obs,
    { bucket: ref.bucket, key: read.key, via, stats: read.stats, durationMs: done - started },
    { alerts: raised, alertsByRule, published, alreadyPublished: delivered.alreadyPublished, ...timings },
  );
  obs.metrics.addMetric(ProcessorMetrics.alertsRaised, MetricUnit.Count, raised);
  obs.metrics.addMetric(ProcessorMetrics.alertsPublished, MetricUnit.Count, published.alertTopic);
  if (config.eventsTopicArn)
    obs.metrics.addMetric(ProcessorMetrics.alertEventsPublished, MetricUnit.Count, published.eventsTopic);
  return {
    bucket: ref.bucket,
    key: read.key,
    stats: read.stats,
    alertsByRule,
    published,
    alreadyPublished: delivered.alreadyPublished,
    timings,
  };
}

/**
 * The object's records through the core; their alerts into `collector`; each malformed record to `onMalformed`. The
 * one read loop of every processor path that raises alerts (a delivery, a Batch Operations task in report mode).
 */
export async function collectAlerts(
  ruleset: Ruleset,
  object: OpenedObject,
  collector: AlertCollector,
  onMalformed: (record: MalformedRecord) => void,
): Promise<{ key: string; stats: ReadStats }> {
  const scan = scanLog(object.chunks, { file: object.file, ruleset });
  for await (const item of scan) {
    if (item.kind === 'malformed') {
      onMalformed(item);
      continue;
    }
    // The trail bucket rule is about the bucket this file came from, not any bucket in the account.
    const alerts = item.alerts.filter(
      (a) => a.rule !== TRAIL_BUCKET_RULE || item.event.record.requestParameters?.bucketName === object.bucket,
    );
    if (alerts.length > 0) collector.addAll(alerts, item.raw);
  }
  return { key: object.key, stats: scan.stats };
}
