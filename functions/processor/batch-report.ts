// Issue 18 (backfill), `--mode report`: one log file's alerts written to S3 as JSON Lines instead of being published,
// for incident review. Nothing is emailed and the dedupe table is not touched.
//
// One object per task (= per log file): `<reportTo prefix><job id>/<source bucket>/<source key>.jsonl`. Per task rather
// than per invocation because the name is then a function of the file alone: a task Batch Operations retries
// overwrites its own object instead of adding a second copy of its alerts, and no two tasks ever write one object (an
// invocation carries one task today, but nothing in the format promises that). A file that raised no alert writes
// nothing: the completion report says "0 alerts" for it, and a million empty objects would cost a million PUTs.
//
// Each line is the alert JSON the processor publishes (`default` of its SNS message, as `trailwatch scan --format
// json`, with `schemaVersion` and `kind`) plus `record`: the CloudTrail record that raised it (what the email shows;
// very large records have their bulkiest parts trimmed, shared/alerts/record-text.ts). A storm of more than
// REPORT_STORM_THRESHOLD alerts of one rule in one file is one summary line, as in an email, with `record: null`.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AlertCollector, type CollectedAlert } from '../../shared/alerts/storm.js';
import { alertJson } from '../../shared/alerts/alert-json.js';
import type { ReadStats } from '../../shared/reader/types.js';
import type { Ruleset } from '../../shared/rules/engine.js';
import { readObject, type ReadObjectOptions } from '../lib/s3-object.js';
import type { ObjectRef } from '../lib/delivery.js';
import { collectAlerts } from './process-log-file.js';
import type { ReportLocation } from './batch-event.js';

/**
 * Alerts of one rule in one file kept one by one before they fold into a summary. Higher than the emails' threshold
 * (ALERT_STORM_THRESHOLD, 20) because a reviewer wants the records; bounded because every one is held until the file
 * ends (64 KiB per record at most: 64 MiB for one rule at worst, ~3 MB for typical 3 KB records).
 */
export const REPORT_STORM_THRESHOLD = 1000;

export interface ReportContext {
  s3: S3Client;
  ruleset: Ruleset;
}

export interface ReportOutcome {
  bucket: string;
  key: string;
  stats: ReadStats;
  /** Lines written (a summary counts once). */
  lines: number;
  /** Alerts raised, before storms were folded. */
  alerts: number;
  /** Where they were written, or null when there was nothing to write. */
  written: string | null;
}

/** The object a task's alerts go to (see the header). */
export function reportObjectKey(
  location: ReportLocation,
  jobId: string,
  source: { bucket: string; key: string },
): string {
  return `${location.prefix}${jobId}/${source.bucket}/${source.key}.jsonl`;
}

/** One JSON Lines line per collected alert. */
export function reportLines(items: readonly CollectedAlert[]): string[] {
  return items.map((item) => JSON.stringify({ ...alertJson(item.alert), record: recordOf(item.raw) }));
}

function recordOf(raw: string | undefined): unknown {
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Reads `ref` to the end, then writes its alerts (if any) to the report location. */
export async function reportLogFile(
  ctx: ReportContext,
  ref: ObjectRef,
  target: { location: ReportLocation; jobId: string },
  options: ReadObjectOptions,
): Promise<ReportOutcome> {
  const collector = new AlertCollector({ stormThreshold: REPORT_STORM_THRESHOLD });
  const read = await readObject(
    ctx.s3,
    ref,
    // The processor's own read loop; malformed records are counted in the stats, as before, not logged here.
    (object) => collectAlerts(ctx.ruleset, object, collector, () => {}),
    options,
  );
  const alerts = Object.values(collector.countsByRule()).reduce((sum, n) => sum + n, 0);
  const lines = reportLines(collector.drain());
  const outcome: ReportOutcome = {
    bucket: ref.bucket,
    key: read.key,
    stats: read.stats,
    lines: lines.length,
    alerts,
    written: null,
  };
  if (lines.length === 0) return outcome;
  const key = reportObjectKey(target.location, target.jobId, { bucket: ref.bucket, key: read.key });
  await ctx.s3.send(
    new PutObjectCommand({
      Bucket: target.location.bucket,
      Key: key,
      Body: `${lines.join('\n')}\n`,
      ContentType: 'application/x-ndjson',
    }),
    options.signal ? { abortSignal: options.signal } : {},
  );
  return { ...outcome, written: `s3://${target.location.bucket}/${key}` };
}
