// `trailwatch backfill` (issue 18), the parts without I/O: the arguments, the job's CSV manifest, the CreateJob request,
// progress lines and the completion report's failed tasks. cli/backfill-command.ts does the AWS calls.
//
// Why a CSV manifest the CLI writes, rather than S3 Batch Operations' own manifest generator (S3JobManifestGenerator):
// - the date range lives in the middle of CloudTrail's keys (`AWSLogs/[o-xxxx/]<account>/CloudTrail/<region>/YYYY/MM/
//   DD/`), after the account and region, and the generator's KeyNameConstraint.MatchAnyPrefix takes one prefix only
//   ("Each KeyNameConstraint filter accepts an array of strings with a length of 1 string",
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_KeyNameConstraint.html): it cannot select a window of
//   day folders across accounts and regions. Its CreatedAfter/CreatedBefore filter on when the object was written,
//   which is the delivery time only for files CloudTrail wrote itself, not for logs copied, replicated or restored
//   into the bucket later;
// - the CLI chooses keys exactly as `trailwatch scan s3://...` does (cli/inputs/s3.ts, key-layout.ts: log files only,
//   no digests, Insights or Config files; delivery time in the name; only the window's day folders listed under a
//   region folder), so the job has one task per file to read, and each task is billed;
// - the manifest is an object one can read before and after the job.
// The cost is the listing: one ListObjectsV2 call per 1,000 keys from the machine running the CLI.
import type { CreateJobCommandInput, JobDescriptor } from '@aws-sdk/client-s3-control';
import { parseArgs } from 'node:util';
import { UsageError } from './args.js';
// Types only: cli/inputs/s3.ts stays a chunk of its own that `scan` of local files never loads (test/cli-bin.test.ts).
import type { S3Location, parseS3Url } from './inputs/s3.js';
import { RETENTION_SECONDS } from '../shared/dedupe/claims.js';
import { iso, parseTime } from './time-window.js';

export type BackfillMode = 'alert' | 'report';

export interface BackfillArgs {
  source: S3Location;
  since: number;
  until: number;
  mode: BackfillMode;
  wait: boolean;
  stackName: string;
  region?: string;
  profile?: string;
  /** An S3-compatible endpoint for the listing and the manifest (tests, emulators). */
  endpointUrl?: string;
  /** Seconds between DescribeJob calls with --wait. */
  pollSeconds: number;
}

/** CloudFormation stack names (API_CreateStack): a letter, then letters, digits and hyphens, 128 at most. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** `parseUrl` is cli/inputs/s3.ts's parseS3Url, passed in by the caller that imported it (see the import above). */
export function parseBackfillArgs(
  args: readonly string[],
  parseUrl: typeof parseS3Url,
  now: number = Date.now(),
): BackfillArgs {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        mode: { type: 'string' },
        wait: { type: 'boolean' },
        stack: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        'endpoint-url': { type: 'string' },
        'poll-seconds': { type: 'string' },
      },
    });
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError(`backfill: ${(error as Error).message}`, 'backfill');
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !positionals[0]?.startsWith('s3://'))
    throw new UsageError('backfill needs one s3://BUCKET/PREFIX: the trail bucket (or a prefix of it)', 'backfill');
  const source = parseUrl(positionals[0]);
  if (!values.stack)
    throw new UsageError('backfill needs --stack NAME (the stack name you gave sam deploy)', 'backfill');
  if (!STACK_NAME.test(values.stack))
    throw new UsageError(`backfill: "${values.stack}" is not a CloudFormation stack name`, 'backfill');
  if (values.since === undefined)
    throw new UsageError('backfill needs --since WHEN: how far back to go (a date, a UTC time, or 30d)', 'backfill');
  const since = parseTime(values.since, now, 'since');
  const until = values.until === undefined ? now : parseTime(values.until, now, 'until');
  if (since >= until)
    throw new UsageError(`--since (${iso(since)}) must be before --until (${iso(until)})`, 'backfill');
  const mode = values.mode ?? 'alert';
  if (mode !== 'alert' && mode !== 'report')
    throw new UsageError(`--mode must be alert or report, not "${mode}"`, 'backfill');
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region))
    throw new UsageError(`backfill: "${values.region}" is not an AWS region (e.g. us-east-1)`, 'backfill');
  const pollSeconds = values['poll-seconds'] === undefined ? 15 : Number(values['poll-seconds']);
  if (!Number.isFinite(pollSeconds) || pollSeconds < 0 || pollSeconds > 3600)
    throw new UsageError('--poll-seconds must be a number of seconds from 0 to 3600', 'backfill');
  return {
    source,
    since,
    until,
    mode,
    wait: values.wait ?? false,
    stackName: values.stack,
    ...(values.region ? { region: values.region } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    ...(values['endpoint-url'] ? { endpointUrl: values['endpoint-url'] } : {}),
    pollSeconds,
  };
}

/**
 * Said before an alert-mode job whose window starts earlier than the dedupe table remembers (its items expire after
 * RETENTION_SECONDS, 15 days: shared/dedupe/claims.ts): alerts the live pipeline sent before then are not in the table
 * any more and would be emailed again. Undefined when the whole window is within it, or in report mode.
 */
export function dedupeWarning(args: Pick<BackfillArgs, 'mode' | 'since'>, now: number): string | undefined {
  const remembered = now - RETENTION_SECONDS * 1000;
  if (args.mode !== 'alert' || args.since >= remembered) return undefined;
  return (
    `warning: the dedupe table remembers published alerts for ${RETENTION_SECONDS / 86_400} days; alerts of records ` +
    `before ${iso(remembered)} that trailwatch already emailed will be emailed again. For history trailwatch already ` +
    'watched, use --mode report.'
  );
}

/** The stack outputs backfill needs (template.yaml, "issue 18: backfill"). */
export const BACKFILL_OUTPUTS = ['BackfillRoleArn', 'BackfillBucketName', 'ProcessorFunctionArn'] as const;

export interface BackfillStack {
  roleArn: string;
  bucket: string;
  functionArn: string;
  /** From the role's ARN: CreateJob is an account-level call. */
  accountId: string;
}

/** The outputs, or the names of those missing (a stack deployed before backfill existed). */
export function backfillStack(outputs: Readonly<Record<string, string | undefined>>): BackfillStack | string[] {
  const missing = BACKFILL_OUTPUTS.filter((name) => !outputs[name]);
  if (missing.length > 0) return missing;
  const roleArn = outputs.BackfillRoleArn as string;
  const accountId = /^arn:[a-z-]+:iam::(\d{12}):role\//.exec(roleArn)?.[1];
  if (!accountId) return ['BackfillRoleArn (not an IAM role ARN)'];
  return {
    roleArn,
    bucket: outputs.BackfillBucketName as string,
    functionArn: outputs.ProcessorFunctionArn as string,
    accountId,
  };
}

/**
 * A manifest key, URL-encoded as S3 Batch Operations requires ("The contents of the manifest must be URL encoded",
 * batch-ops-create-job.html), with `/` left as it is; the processor decodes it (functions/processor/batch-event.ts).
 */
export function manifestKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

/** The manifest: `bucket,key` per line, no header (format S3BatchOperations_CSV_20180820, fields Bucket, Key). */
export function manifestCsv(bucket: string, keys: readonly string[]): string {
  return keys.map((key) => `${bucket},${manifestKey(key)}\n`).join('');
}

export const MANIFEST_PREFIX = 'manifests/';
export const REPORT_PREFIX = 'reports';
export const ALERTS_PREFIX = 'alerts/';

export interface JobRequest {
  args: BackfillArgs;
  stack: BackfillStack;
  manifest: { key: string; etag: string };
  /** Idempotency token: the same request sent twice creates one job. */
  token: string;
}

/** The CreateJob request (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html). */
export function createJobInput({ args, stack, manifest, token }: JobRequest): CreateJobCommandInput {
  const source = `s3://${args.source.bucket}/${args.source.prefix}`;
  return {
    AccountId: stack.accountId,
    ConfirmationRequired: false,
    Operation: {
      LambdaInvoke: {
        FunctionArn: stack.functionArn,
        // 2.0: the version that carries UserArguments (API_control_LambdaInvokeOperation).
        InvocationSchemaVersion: '2.0',
        UserArguments: {
          mode: args.mode,
          ...(args.mode === 'report' ? { reportTo: `s3://${stack.bucket}/${ALERTS_PREFIX}` } : {}),
        },
      },
    },
    Manifest: {
      Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key'] },
      Location: { ObjectArn: `arn:aws:s3:::${stack.bucket}/${manifest.key}`, ETag: manifest.etag },
    },
    // Every task, so the report lists each file with its counts; failed ones carry the processor's reason.
    Report: {
      Bucket: `arn:aws:s3:::${stack.bucket}`,
      Prefix: REPORT_PREFIX,
      Format: 'Report_CSV_20180820',
      Enabled: true,
      ReportScope: 'AllTasks',
    },
    Priority: 10,
    RoleArn: stack.roleArn,
    ClientRequestToken: token,
    // Description: 0-256 characters (API_control_CreateJob).
    Description: `trailwatch backfill ${source} ${iso(args.since)}..${iso(args.until)} (${args.mode})`.slice(0, 256),
  };
}

const TERMINAL = new Set(['Complete', 'Failed', 'Cancelled']);

export function isTerminal(status: string | undefined): boolean {
  return status !== undefined && TERMINAL.has(status);
}

/** `job 1234: Active, 1,200 of 10,000 files done (12 %), 3 failed` */
export function progressLine(job: JobDescriptor): string {
  const p = job.ProgressSummary ?? {};
  const total = p.TotalNumberOfTasks;
  const done = (p.NumberOfTasksSucceeded ?? 0) + (p.NumberOfTasksFailed ?? 0);
  const of =
    total !== undefined && total > 0
      ? `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} files done (${Math.floor((done / total) * 100)} %)`
      : `${done.toLocaleString('en-US')} files done`;
  return `job ${job.JobId ?? '?'}: ${job.Status ?? 'unknown'}, ${of}, ${(p.NumberOfTasksFailed ?? 0).toLocaleString('en-US')} failed`;
}

/** Where the completion report's manifest is: `<prefix>/job-<id>/manifest.json` (batch-ops-examples-reports.html). */
export function reportManifestKey(jobId: string): string {
  return `${REPORT_PREFIX}/job-${jobId}/manifest.json`;
}

/** The failed-task CSVs a completion report's manifest.json lists. */
export function failedResultFiles(manifestJson: string): Array<{ bucket: string; key: string }> {
  const manifest = JSON.parse(manifestJson) as {
    Results?: Array<{ TaskExecutionStatus?: string; Bucket?: string; Key?: string }>;
  };
  return (manifest.Results ?? [])
    .filter((r) => r.TaskExecutionStatus === 'failed' && r.Bucket && r.Key)
    .map((r) => ({ bucket: r.Bucket as string, key: r.Key as string }));
}

export interface FailedTask {
  /** `s3://bucket/key`, key decoded. */
  file: string;
  /** `PermanentFailure`, or the HTTP/S3 code S3 gives. */
  code: string;
  message: string;
}

/**
 * The rows of a failed-tasks CSV: Bucket, Key, VersionId, TaskStatus, then the error code and HTTP status (AWS's own
 * example puts the status first, its schema line the code first: whichever is not a number is the code), then
 * ResultMessage: for a task the processor failed, its resultString.
 */
export function failedTasks(csv: string): FailedTask[] {
  return csvRows(csv)
    .filter((row) => row.length >= 7)
    .map((row) => {
      const [bucket = '', key = '', , , first = '', second = '', ...rest] = row;
      const code = /^\d+$/.test(first) ? second : first;
      return { file: `s3://${bucket}/${safeDecode(key)}`, code, message: rest.join(',') };
    });
}

function safeDecode(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

/** RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
