// Logs and metrics of the functions: Powertools Logger (structured JSON lines) and Metrics (CloudWatch
// embedded metric format, namespace `trailwatch`). One log line per object: read, skipped, or failed.
//
// Powertools reads its usual environment: POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL (or Lambda's
// AWS_LAMBDA_LOG_LEVEL), POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_METRICS_DISABLED
// (https://docs.powertools.aws.dev/lambda/typescript/latest/environment-variables/).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MalformedRecord, ReadStats } from '../../shared/reader/types.js';
import { MALFORMED_REPORTED_PER_FILE } from '../../shared/scan/unreadable-record.js';
import type { Skip } from './log-objects.js';
import type { ObjectRef } from './delivery.js';

export const METRICS_NAMESPACE = 'trailwatch';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

/**
 * TRAILWATCH_STACK (template.yaml sets it to the stack's name) becomes a `stack` dimension on every metric, so two
 * stacks in one account and region keep apart: without it one stack's log files would feed the other's heartbeat
 * alarm, which must fire when *this* stack reads nothing. Read here, beside Powertools' own variables, because the
 * metrics exist before the function's config is loaded (and must report a config error).
 */
export function createObservability(
  serviceName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Observability {
  const logger = new Logger({ serviceName });
  const stack = env.TRAILWATCH_STACK?.trim();
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName,
    logger,
    ...(stack ? { defaultDimensions: { stack } } : {}),
  });
  return { logger, metrics };
}

/** Metric names shared by the functions; each function adds its own (e.g. AlertsPublished). */
export const FileMetrics = {
  /** Log files read to the end. */
  filesRead: 'FilesRead',
  /** Objects not read: not CloudTrail log files (digests, AWS Config, folders...). */
  filesSkipped: 'FilesSkipped',
  /** Log files that could not be read (the delivery is retried). */
  filesFailed: 'FilesFailed',
  /** Records in the files' Records arrays. */
  records: 'Records',
  /** Records that were not valid JSON objects or lacked a required field. */
  malformedRecords: 'MalformedRecords',
  /** Bytes taken from S3 (compressed size for .json.gz). */
  bytesRead: 'BytesRead',
} as const;

/** What a function reports for one log file it read. */
export interface FileReport {
  bucket: string;
  key: string;
  /** How the object was named to the function: `s3`, `sqs>sns>cloudtrail`... */
  via: string;
  stats: ReadStats;
  durationMs: number;
}

/** The per-file log line and metrics. `details` are the function's own fields (alerts by rule...). */
export function reportFileRead(
  { logger, metrics }: Observability,
  report: FileReport,
  details: Record<string, unknown> = {},
): void {
  const { stats } = report;
  logger.info('log file read', {
    bucket: report.bucket,
    key: report.key,
    via: report.via,
    bytes: stats.bytesIn,
    jsonBytes: stats.bytesOut,
    gzip: stats.gzip,
    records: stats.records,
    parsed: stats.delivered,
    skipped: stats.skipped,
    malformed: stats.malformed,
    durationMs: Math.round(report.durationMs),
    ...details,
  });
  // Read whole, but not as CloudTrail wrote it (e.g. TRAILING_BYTES after the gzip data: shared/reader/gunzip.ts).
  for (const warning of stats.warnings)
    logger.warn('log file warning', {
      bucket: report.bucket,
      key: report.key,
      code: warning.code,
      location: warning.location,
      message: warning.message,
    });
  metrics.addMetric(FileMetrics.filesRead, MetricUnit.Count, 1);
  metrics.addMetric(FileMetrics.records, MetricUnit.Count, stats.records);
  metrics.addMetric(FileMetrics.malformedRecords, MetricUnit.Count, stats.malformed);
  metrics.addMetric(FileMetrics.bytesRead, MetricUnit.Bytes, stats.bytesIn);
}

export function reportFileSkipped({ logger, metrics }: Observability, ref: ObjectRef, skip: Skip, via: string): void {
  logger.info('object skipped', {
    bucket: ref.bucket,
    key: ref.key,
    via,
    reason: skip.reason,
    detail: skip.detail,
    size: ref.size,
  });
  metrics.addMetric(FileMetrics.filesSkipped, MetricUnit.Count, 1);
}

export function reportFileFailed(
  { logger, metrics }: Observability,
  ref: ObjectRef,
  via: string,
  error: unknown,
): void {
  logger.error('log file failed', {
    bucket: ref.bucket,
    key: ref.key,
    via,
    error: error instanceof Error ? error : String(error),
  });
  metrics.addMetric(FileMetrics.filesFailed, MetricUnit.Count, 1);
}

/**
 * A log line per malformed record of one file, for the first few (MALFORMED_REPORTED_PER_FILE); every one is counted
 * in the file's read stats either way, so a file of broken records cannot flood the function's logs.
 */
export function malformedRecordLogger(
  { logger }: Observability,
  object: { bucket: string; key: string },
): (record: MalformedRecord) => void {
  let logged = 0;
  return (record) => {
    if (logged++ >= MALFORMED_REPORTED_PER_FILE) return;
    logger.warn('malformed record', {
      bucket: object.bucket,
      key: object.key,
      recordIndex: record.index,
      offset: record.offset,
      code: record.error.code,
      error: record.error.message,
    });
  };
}
