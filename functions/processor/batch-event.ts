// Issue 18 (backfill): the event S3 Batch Operations sends the processor for each task of a "Invoke AWS Lambda
// function" job, read and checked. Pure: no AWS SDK, no I/O.
//
// The shapes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html):
// - schema 1.0 (the default): `invocationSchemaVersion`, `invocationId`, `job.id`, `tasks[]` of `taskId`, `s3Key`,
//   `s3VersionId`, `s3BucketArn`;
// - schema 2.0 (needed for `UserArguments`, API_control_LambdaInvokeOperation): `job.userArguments` (string to
//   string, at most 10 entries) and `tasks[].s3Bucket`, the bucket's name, instead of its ARN.
// Either field is accepted in either version: the task names its bucket one way or the other.
//
// `s3Key` is URL-encoded: the manifest holds keys URL-encoded (batch-ops-create-job.html, "Creating a manifest
// file") and the task passes them on as they are. Powertools for AWS Lambda (Python) decodes it form style
// (`unquote_plus`, `+` is a space) in its S3BatchOperationTask; so does this. CloudTrail's own keys never need
// encoding, so only a user's key prefix could be affected.
import { z } from 'zod';
import { TriggerError } from '../lib/errors.js';
import type { ObjectRef } from '../lib/delivery.js';
import { describeShape } from '../lib/event-shape.js';

export type BatchMode = 'alert' | 'report';

/** Where report mode writes its JSON Lines: `s3://bucket/prefix/`. */
export interface ReportLocation {
  bucket: string;
  /** Empty, or ending in `/`. */
  prefix: string;
}

/** The job's arguments (job.userArguments), as `trailwatch backfill` sets them. */
export interface BatchArguments {
  mode: BatchMode;
  /** Set in report mode (required there). */
  reportTo?: ReportLocation;
}

export interface BatchTask {
  taskId: string;
  /** The object, key decoded; or why the task names none that can be read. */
  object: { ok: true; ref: ObjectRef } | { ok: false; error: TriggerError };
}

export interface BatchInvocation {
  invocationSchemaVersion: '1.0' | '2.0';
  invocationId: string;
  jobId: string;
  /** The job's arguments, or why they are unusable (then every task fails permanently with that reason). */
  args: { ok: true; value: BatchArguments } | { ok: false; error: TriggerError };
  tasks: BatchTask[];
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const TaskSchema = z.object({
  taskId: z.string().min(1),
  s3Key: z.string().min(1),
  s3VersionId: z.string().nullish(),
  s3BucketArn: z.string().nullish(),
  s3Bucket: z.string().nullish(),
});

const EventSchema = z.object({
  invocationSchemaVersion: z.enum(['1.0', '2.0']),
  invocationId: z.string().min(1),
  job: z.object({
    id: z.string().min(1),
    userArguments: z.record(z.string(), z.string()).nullish(),
  }),
  // Each task is checked on its own below: one bad task fails alone, with its taskId.
  tasks: z.array(z.looseObject({ taskId: z.string().min(1) })).min(1),
});

/**
 * Reads a Batch Operations invocation. Throws a TriggerError naming the field when the invocation as a whole cannot
 * be answered (no invocationId, no taskIds); a bad task or bad job arguments are reported per task instead.
 */
export function parseBatchEvent(event: unknown): BatchInvocation {
  const parsed = EventSchema.safeParse(event);
  if (!parsed.success)
    throw new TriggerError(
      'INVALID_TRIGGER',
      describeShape(event),
      `not a valid S3 Batch Operations invocation: ${issues(parsed.error)}`,
    );
  const { invocationSchemaVersion, invocationId, job, tasks } = parsed.data;
  return {
    invocationSchemaVersion,
    invocationId,
    jobId: job.id,
    args: parseArguments(job.userArguments ?? {}),
    tasks: tasks.map((task, index) => ({ taskId: task.taskId, object: taskObject(task, index) })),
  };
}

function taskObject(raw: unknown, index: number): BatchTask['object'] {
  const parsed = TaskSchema.safeParse(raw);
  const fail = (detail: string) => ({
    ok: false as const,
    error: new TriggerError('INVALID_TRIGGER', describeShape(raw), `tasks[${index}]: ${detail}`),
  });
  if (!parsed.success) return fail(issues(parsed.error));
  const task = parsed.data;
  const bucket = task.s3Bucket ?? bucketFromArn(task.s3BucketArn);
  if (!bucket) return fail('names no bucket: neither s3Bucket nor s3BucketArn (arn:aws:s3:::BUCKET) is set');
  if (!BUCKET_NAME.test(bucket)) return fail(`s3Bucket ${JSON.stringify(bucket)} is not an S3 bucket name`);
  let key: string;
  try {
    key = decodeTaskKey(task.s3Key);
  } catch {
    return fail(`s3Key ${JSON.stringify(task.s3Key)} is not URL-encoded as a manifest key is`);
  }
  return {
    ok: true,
    ref: {
      bucket,
      key,
      ...(task.s3VersionId ? { versionId: task.s3VersionId } : {}),
      created: true,
      eventName: 'S3 Batch Operations task',
    },
  };
}

/**
 * `arn:aws:s3:::bucket` (any partition) -> `bucket`. The S3 User Guide's own 1.0 example writes the ARN with a region
 * and an account (`arn:aws:s3:us-east-1:0123456788:awsexamplebucket1`), so those two fields may be filled too.
 */
export function bucketFromArn(arn: string | null | undefined): string | undefined {
  const match = /^arn:[a-z-]+:s3:[a-z0-9-]*:\d*:([^/:]+)$/.exec(arn ?? '');
  return match?.[1];
}

/** A task's s3Key, URL-decoded form style (`+` is a space); throws on a broken escape. */
export function decodeTaskKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The userArguments `trailwatch backfill` sets: `mode` (alert | report) and, for report, `reportTo`. */
export function parseArguments(args: Readonly<Record<string, string>>): BatchInvocation['args'] {
  const fail = (detail: string) => ({
    ok: false as const,
    error: new TriggerError(
      'INVALID_TRIGGER',
      `userArguments keys ${Object.keys(args).join(', ') || '(none)'}`,
      detail,
    ),
  });
  const mode = args.mode ?? 'alert';
  if (mode !== 'alert' && mode !== 'report')
    return fail(`job.userArguments.mode must be "alert" or "report", not ${JSON.stringify(mode)}`);
  if (mode === 'alert') {
    if (args.reportTo !== undefined)
      return fail('job.userArguments.reportTo is set, but mode is "alert": alerts would be emailed, not written');
    return { ok: true, value: { mode } };
  }
  if (args.reportTo === undefined)
    return fail('job.userArguments.reportTo is required with mode "report" (s3://BUCKET/PREFIX/)');
  const location = parseReportLocation(args.reportTo);
  if (!location)
    return fail(`job.userArguments.reportTo must be s3://BUCKET/PREFIX/, not ${JSON.stringify(args.reportTo)}`);
  return { ok: true, value: { mode, reportTo: location } };
}

/** `s3://bucket`, `s3://bucket/prefix` or `s3://bucket/prefix/` -> the bucket and a prefix ending in `/` (or empty). */
export function parseReportLocation(url: string): ReportLocation | undefined {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (!match?.[1] || !BUCKET_NAME.test(match[1])) return undefined;
  const prefix = (match[2] ?? '').replace(/^\/+/, '');
  return { bucket: match[1], prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}

/** Zod's findings, each led by the field it is about (`job.id: ...`, `tasks.0.taskId: ...`). */
function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top)'}: ${issue.message}`)
    .join('; ');
}
