// Issue 18 (backfill): the processor as the function of an S3 Batch Operations "Invoke AWS Lambda function" job. Each
// task names one log file; it goes through the processor's own per-file path (alert mode: process-log-file.ts, with the
// dedupe store, so alerts a live delivery already sent are not sent again) or is written to S3 as JSON Lines (report
// mode: batch-report.ts), and its outcome becomes the task's result (batch-results.ts) in the documented response:
//   { invocationSchemaVersion, treatMissingKeysAs, invocationId, results: [{ taskId, resultCode, resultString }] }
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html).
//
// An invocation whose envelope cannot be read (no invocationId or taskIds to answer with) throws: Lambda reports the
// error and Batch Operations records it for the task. Everything else is answered, task by task.
import type { Context } from 'aws-lambda';
import { invocationDeadline, type Deadline } from '../lib/deadline.js';
import { skipReason, ObjectSkipped } from '../lib/log-objects.js';
import type { ObjectRef } from '../lib/delivery.js';
import { parseBatchEvent, type BatchArguments, type BatchInvocation } from './batch-event.js';
import { reportLogFile } from './batch-report.js';
import { taskResult, type BatchResultCode, type BatchTaskResult, type TaskOutcome } from './batch-results.js';
import type { ProcessorContext } from './context.js';
import { processLogFile, type ProcessedFile } from './process-log-file.js';

/** How the processor names this path in its logs (`via`). */
export const BATCH_VIA = 's3-batch-operations';

export interface BatchOperationsResponse {
  invocationSchemaVersion: '1.0' | '2.0';
  /**
   * What S3 makes of a task the response leaves out. Every task is answered, so a missing one is a bug here; a
   * permanent failure shows in the completion report instead of being retried forever.
   */
  treatMissingKeysAs: BatchResultCode;
  invocationId: string;
  results: BatchTaskResult[];
}

export async function processBatchOperations(
  ctx: ProcessorContext,
  event: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<BatchOperationsResponse> {
  const invocation = parseBatchEvent(event);
  const deadline: Deadline = invocationDeadline(context, new AbortController().signal, ctx.deadlineMarginMs);
  try {
    const results: BatchTaskResult[] = [];
    for (const task of invocation.tasks) {
      const outcome = await runTask(ctx, invocation, task, deadline.signal);
      const result = taskResult(task.taskId, outcome);
      logResult(ctx, invocation, task.object.ok ? task.object.ref : undefined, result);
      results.push(result);
    }
    return {
      invocationSchemaVersion: invocation.invocationSchemaVersion,
      treatMissingKeysAs: 'PermanentFailure',
      invocationId: invocation.invocationId,
      results,
    };
  } finally {
    deadline.dispose();
    ctx.obs.metrics.publishStoredMetrics();
  }
}

async function runTask(
  ctx: ProcessorContext,
  invocation: BatchInvocation,
  task: BatchInvocation['tasks'][number],
  signal: AbortSignal,
): Promise<TaskOutcome> {
  if (!invocation.args.ok) return { kind: 'failed', error: invocation.args.error };
  if (!task.object.ok) return { kind: 'failed', error: task.object.error };
  const ref = task.object.ref;
  const skip = skipReason(ref);
  if (skip) return { kind: 'skipped', detail: `s3://${ref.bucket}/${ref.key}: ${skip.detail}` };
  const args = invocation.args.value;
  if (args.mode === 'report' && args.reportTo) {
    try {
      return { kind: 'read', summary: await reportTask(ctx, args.reportTo, invocation.jobId, ref, signal) };
    } catch (error) {
      if (error instanceof ObjectSkipped)
        return { kind: 'skipped', detail: error.message.replace(/: skipped: /, ': ') };
      return { kind: 'failed', error };
    }
  }
  // Alert mode: the processor's own per-file step, which logs and counts the file as a delivery would.
  const outcome = await processLogFile(ctx, ref, BATCH_VIA, signal);
  if (outcome.status === 'skipped')
    return { kind: 'skipped', detail: `s3://${outcome.ref.bucket}/${outcome.ref.key}: ${outcome.skip.detail}` };
  if (outcome.status === 'failed') return { kind: 'failed', error: outcome.error };
  return { kind: 'read', summary: alertSummary(outcome.result) };
}

/** Writes the task's alerts as JSON Lines (report mode); returns the resultString of a success. */
async function reportTask(
  ctx: ProcessorContext,
  reportTo: NonNullable<BatchArguments['reportTo']>,
  jobId: string,
  ref: ObjectRef,
  signal: AbortSignal,
): Promise<string> {
  const file = `s3://${ref.bucket}/${ref.key}`;
  const out = await reportLogFile(
    { s3: ctx.s3, ruleset: ctx.config.ruleset },
    ref,
    { location: reportTo, jobId },
    { stallMs: ctx.config.aws.s3StallTimeoutMs, signal },
  );
  const records = `${out.stats.records} records`;
  return out.written
    ? `${file}: ${records}, ${out.alerts} alerts, ${out.lines} lines written to ${out.written}`
    : `${file}: ${records}, 0 alerts`;
}

/** The resultString of a file read in alert mode. */
function alertSummary(out: ProcessedFile): string {
  const file = `s3://${out.bucket}/${out.key}`;
  const raised = Object.values(out.alertsByRule).reduce((sum, n) => sum + n, 0);
  const already =
    out.alreadyPublished > 0 ? `, ${out.alreadyPublished} already published earlier (not sent again)` : '';
  return `${file}: ${out.stats.records} records, ${raised} alerts, ${out.published.alertTopic} published${already}`;
}

function logResult(
  ctx: ProcessorContext,
  invocation: BatchInvocation,
  ref: ObjectRef | undefined,
  result: BatchTaskResult,
): void {
  const fields = {
    jobId: invocation.jobId,
    invocationId: invocation.invocationId,
    taskId: result.taskId,
    ...(ref ? { bucket: ref.bucket, key: ref.key } : {}),
    resultCode: result.resultCode,
    resultString: result.resultString,
  };
  if (result.resultCode === 'Succeeded') ctx.obs.logger.info('batch operations task done', fields);
  else ctx.obs.logger.error('batch operations task failed', fields);
}
