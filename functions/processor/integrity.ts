// The processor's continuous integrity check (issue 14), beside its log files:
// - a digest delivered (Object Created under CloudTrail-Digest/): its signature with the region's public key
//   (ListPublicKeys, cached per container), its location, its link to the previous digest (HeadObject), and the
//   SHA-256 of every log file it lists, re-read from S3 (GetObject through gunzip into SHA-256, streamed).
// - an object deleted under AWSLogs/ (S3 "Object Deleted" via EventBridge): an alert, unless S3's lifecycle
//   expired it (detail.reason "Lifecycle Expiration"), which is counted.
// Findings become trailwatch events (shared/integrity/events.ts) that the rules engine evaluates like any record,
// so the log-integrity rules can be disabled, re-graded or excepted as usual; their alerts are published as a log
// file's are. The checks themselves are shared/integrity/check.ts.
import { performance } from 'node:perf_hooks';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { buildAlert } from '../../shared/alerts/alert.js';
import { AlertCollector } from '../../shared/alerts/storm.js';
import type { CloudTrailRecord } from '../../shared/cloudtrail.js';
import { classify } from '../../shared/classify/classify.js';
import { checkDigest, checkLink, checkLogFile, previousLink, type FileResult } from '../../shared/integrity/check.js';
import {
  deletionRecord,
  integrityRecord,
  isLifecycleExpiration,
  type ObjectDeletion,
} from '../../shared/integrity/events.js';
import { parseDigestKey, trailObjectKind } from '../../shared/integrity/keys.js';
import type { PublicKeySet } from '../../shared/integrity/signature.js';
import { PublicKeyCache } from '../lib/cloudtrail-public-keys.js';
import { fetchDigest, hashLogFile, headSignature } from '../lib/integrity-s3.js';
import type { ObjectRef } from '../lib/delivery.js';
import { publishOptions, type ProcessorContext } from './context.js';
import { deliverAlerts } from './deliver-alerts.js';

export const IntegrityMetrics = {
  digestsChecked: 'DigestsChecked',
  /** Files (digests or log files) found not valid. */
  integrityFindings: 'IntegrityFindings',
  logFilesDeleted: 'LogFilesDeleted',
  /** Deletions by the bucket's lifecycle rule: expected, counted only. */
  logFilesExpired: 'LogFilesExpired',
} as const;

/** Log files of one digest hashed at a time (each a GetObject stream through gunzip). */
const LOG_FILES_AT_ONCE = 4;

/** One public key cache per container: ListPublicKeys once per region, again only for an unknown fingerprint. */
const defaultKeys = new PublicKeyCache();

export interface DigestOutcome {
  bucket: string;
  key: string;
  results: FileResult[];
  alerts: number;
  published: number;
}

async function keysFor(ctx: ProcessorContext, key: string, body: Buffer): Promise<PublicKeySet | undefined> {
  const parsed = parseDigestKey(key);
  if (!parsed) return undefined;
  const fingerprint = /"digestPublicKeyFingerprint"\s*:\s*"([0-9a-fA-F]+)"/.exec(body.toString('utf8'))?.[1] ?? '';
  return (ctx.publicKeys ?? defaultKeys).forDigest(parsed.region, fingerprint, parsed.time);
}

/** Checks one delivered digest and everything it vouches for; publishes an alert per finding. */
export async function checkDigestObject(
  ctx: ProcessorContext,
  ref: ObjectRef,
  signal?: AbortSignal,
): Promise<DigestOutcome> {
  const started = performance.now();
  const fetched = await fetchDigest(ctx.s3, ref.bucket, ref.key, signal);
  if (!fetched) {
    ctx.obs.logger.warn('digest named by the event is not in the bucket', { bucket: ref.bucket, key: ref.key });
    return { bucket: ref.bucket, key: ref.key, results: [], alerts: 0, published: 0 };
  }
  // No signature, no key needed (and no ListPublicKeys call): the check fails on the missing signature.
  const keys = fetched.metadata.signature ? await keysFor(ctx, ref.key, fetched.body) : undefined;
  const check = checkDigest(fetched, keys);
  const results: FileResult[] = [check.result];
  if (check.digest && check.result.status !== 'moved') {
    const link = previousLink(ref.bucket, ref.key, check.digest);
    if (link) {
      const verdict = checkLink(link, await headSignature(ctx.s3, link.bucket, link.key));
      if (verdict) results.push(verdict);
    }
    const hour = { start: check.digest.digestStartTime, end: check.digest.digestEndTime };
    // Only a valid digest vouches for its log files (as validate-logs): an invalid one is alerted on by itself.
    const listings = check.result.status === 'valid' ? [...check.digest.logFiles] : [];
    const workers = Array.from({ length: Math.min(LOG_FILES_AT_ONCE, listings.length) }, async () => {
      for (let listing = listings.shift(); listing; listing = listings.shift()) {
        signal?.throwIfAborted();
        const hash = await hashLogFile(ctx.s3, listing.s3Bucket, listing.s3Object);
        results.push(
          hash.found && 'unreadable' in hash
            ? {
                kind: 'log',
                bucket: listing.s3Bucket,
                key: listing.s3Object,
                status: 'modified',
                reason: `cannot be read as CloudTrail wrote it: ${hash.unreadable}`,
                hour,
                digest: ref.key,
              }
            : checkLogFile(listing, { key: ref.key, hour }, hash.found ? hash.sha256 : undefined),
        );
      }
    });
    await Promise.all(workers);
  }
  const findings = results.filter((r) => r.status !== 'valid');
  const records = findings.flatMap((r) => integrityRecord(r, new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')) ?? []);
  const { raised, published } = await publishRecords(ctx, records, `s3://${ref.bucket}/${ref.key}`, signal);
  ctx.obs.logger.info('digest checked', {
    bucket: ref.bucket,
    key: ref.key,
    status: check.result.status,
    logFiles: results.filter((r) => r.kind === 'log').length,
    findings: findings.map((f) => ({ kind: f.kind, key: f.key, status: f.status, reason: f.reason })),
    alerts: raised,
    published,
    durationMs: Math.round(performance.now() - started),
  });
  ctx.obs.metrics.addMetric(IntegrityMetrics.digestsChecked, MetricUnit.Count, 1);
  ctx.obs.metrics.addMetric(IntegrityMetrics.integrityFindings, MetricUnit.Count, findings.length);
  return { bucket: ref.bucket, key: ref.key, results, alerts: raised, published };
}

/** An object deleted under the trail's AWSLogs/: alerted, or counted when the bucket's lifecycle expired it. */
export async function processDeletion(
  ctx: ProcessorContext,
  deletion: ObjectDeletion,
  signal?: AbortSignal,
): Promise<{ alerts: number; published: number; expired: boolean }> {
  const kind = trailObjectKind(deletion.key);
  if (isLifecycleExpiration(deletion)) {
    ctx.obs.logger.info('log file expired by the bucket lifecycle', {
      bucket: deletion.bucket,
      key: deletion.key,
      kind,
    });
    ctx.obs.metrics.addMetric(IntegrityMetrics.logFilesExpired, MetricUnit.Count, 1);
    return { alerts: 0, published: 0, expired: true };
  }
  const { raised, published } = await publishRecords(
    ctx,
    [deletionRecord(deletion)],
    `s3://${deletion.bucket}/${deletion.key}`,
    signal,
  );
  ctx.obs.logger.warn('object deleted under AWSLogs/', { ...deletion, kind, alerts: raised, published });
  ctx.obs.metrics.addMetric(IntegrityMetrics.logFilesDeleted, MetricUnit.Count, 1);
  return { alerts: raised, published, expired: false };
}

/** Rules over trailwatch events, then the alerts out as a log file's are (same routing, storms, retries). */
async function publishRecords(
  ctx: ProcessorContext,
  records: CloudTrailRecord[],
  file: string,
  signal?: AbortSignal,
): Promise<{ raised: number; published: number }> {
  const { config } = ctx;
  const collector = new AlertCollector({ stormThreshold: config.stormThreshold });
  records.forEach((record, recordIndex) => {
    const event = classify(record);
    const alerts = config.ruleset.evaluate(event).map((rule) => buildAlert(rule, event, { file, recordIndex }));
    if (alerts.length > 0) collector.addAll(alerts, JSON.stringify(record));
  });
  const raised = Object.values(collector.countsByRule()).reduce((a, b) => a + b, 0);
  // Through the dedupe store like a log file's alerts: a retried digest check (same findings, same derived eventIDs)
  // publishes nothing twice.
  const published = (await deliverAlerts(ctx, collector.drain(), file, 's3', publishOptions(ctx, signal))).alertTopic;
  return { raised, published };
}
