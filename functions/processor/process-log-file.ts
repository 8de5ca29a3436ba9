// One delivery through the processor: screen its objects, stream each log file from S3 through the core
// (reader -> classifier -> rules), hold its alerts in the storm collector, and publish them once the whole
// file was read. A file that fails midway publishes nothing: Lambda retries the delivery, and a retry does
// not email anyone twice for the part it had read.
import { performance } from 'node:perf_hooks';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AlertCollector } from '../../shared/alerts/storm.js';
import type { ReadStats } from '../../shared/reader/types.js';
import { scanLog } from '../../shared/scan/scan-log.js';
import { forEachLogFile, type DeliveryOutcome as LogFilesOutcome } from '../lib/each-log-file.js';
import { reportFileRead, type Observability } from '../lib/observability.js';
import { readObject } from '../lib/s3-object.js';
import type { Delivery, ObjectRef } from '../lib/delivery.js';
import type { ProcessorConfig } from './config.js';
import { checkDigestObject, splitDigests, type DigestOutcome } from './integrity.js';
import type { PublicKeyCache } from '../lib/cloudtrail-public-keys.js';
import { TRAIL_BUCKET_RULE } from '../../shared/rules/builtin/log-integrity.js';
import { deliverAlerts, ProcessorMetrics } from './deliver-alerts.js';
import type { DedupeStore } from './dedupe-store.js';
import { processApiCall, type ApiCallOutcome } from './fast-path.js';
import type { PublishOptions } from './publish-alerts.js';

export interface ProcessorContext {
  config: ProcessorConfig;
  s3: S3Client;
  sns: SNSClient;
  obs: Observability;
  /** The dedupe table (ALERT_DEDUPE_TABLE), or undefined: no dedupe. */
  dedupe?: DedupeStore | undefined;
  /** Retry tuning (tests). */
  publish?: Omit<PublishOptions, 'signal'>;
  /** CloudTrail's public keys for the digest check (default: ListPublicKeys, cached per container). */
  publicKeys?: PublicKeyCache;
  /** Time kept back from the function's timeout (functions/lib/deadline.ts; tests). */
  deadlineMarginMs?: number;
}

export { ProcessorMetrics } from './deliver-alerts.js';

/** How many malformed records of one file get a log line of their own (all are counted). */
const MALFORMED_LOGGED_PER_FILE = 5;

export interface FileOutcome {
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

export type DeliveryOutcome = LogFilesOutcome<FileOutcome> & { digests?: DigestOutcome[]; apiCalls?: ApiCallOutcome[] };

/**
 * Processes every fast-path record (issue 13), checks every digest (functions/processor/integrity.ts, issue 14)
 * and processes every log file a delivery names; throws (after trying them all) if any failed.
 */
export async function processDelivery(
  ctx: ProcessorContext,
  delivery: Delivery,
  signal?: AbortSignal,
): Promise<DeliveryOutcome> {
  // An EventBridge "AWS API Call via CloudTrail" event carries one record and no object.
  const options: PublishOptions = { ...ctx.publish, ...(signal ? { signal } : {}) };
  const apiCalls: ApiCallOutcome[] = [];
  for (const event of delivery.apiCalls ?? []) apiCalls.push(await processApiCall(ctx, event, delivery.via, options));
  const { digests, others } = splitDigests(delivery.objects);
  const checked: DigestOutcome[] = [];
  let digestError: unknown;
  for (const ref of digests) {
    try {
      checked.push(await checkDigestObject(ctx, ref, signal));
    } catch (error) {
      ctx.obs.logger.error('digest check failed', {
        bucket: ref.bucket,
        key: ref.key,
        error: error instanceof Error ? error : String(error),
      });
      digestError ??= error;
    }
  }
  const outcome: DeliveryOutcome = await forEachLogFile(
    ctx.obs,
    { ...delivery, objects: others },
    (ref, via) => processLogFile(ctx, ref, via, signal),
    signal,
  );
  if (digestError !== undefined) throw digestError;
  return {
    ...outcome,
    ...(digests.length > 0 ? { digests: checked } : {}),
    ...(apiCalls.length > 0 ? { apiCalls } : {}),
  };
}

/** Reads one log file to the end, then publishes its alerts. */
export async function processLogFile(
  ctx: ProcessorContext,
  ref: ObjectRef,
  via: string,
  signal?: AbortSignal,
): Promise<FileOutcome> {
  const { config, obs } = ctx;
  const started = performance.now();
  const collector = new AlertCollector({ stormThreshold: config.stormThreshold });
  const read = await readObject(
    ctx.s3,
    ref,
    async (object) => {
      const scan = scanLog(object.chunks, { file: object.file, ruleset: config.ruleset });
      let malformedLogged = 0;
      for await (const item of scan) {
        if (item.kind === 'malformed') {
          if (malformedLogged++ < MALFORMED_LOGGED_PER_FILE) {
            obs.logger.warn('malformed record', {
              bucket: object.bucket,
              key: object.key,
              recordIndex: item.index,
              offset: item.offset,
              code: item.error.code,
              error: item.error.message,
            });
          }
          continue;
        }
        // The trail bucket rule is about the bucket this file came from, not any bucket in the account.
        const alerts = item.alerts.filter(
          (a) => a.rule !== TRAIL_BUCKET_RULE || item.event.record.requestParameters?.bucketName === ref.bucket,
        );
        if (alerts.length > 0) collector.addAll(alerts, item.raw);
      }
      return { key: object.key, stats: scan.stats };
    },
    { stallMs: config.aws.s3StallTimeoutMs, ...(signal ? { signal } : {}) },
  );

  // The whole file was read: now, and only now, its alerts go out.
  const readDone = performance.now();
  const alertsByRule = collector.countsByRule();
  const options: PublishOptions = { ...ctx.publish, ...(signal ? { signal } : {}) };
  const delivered = await deliverAlerts(ctx, collector.drain(), `s3://${ref.bucket}/${read.key}`, 's3', options);
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
