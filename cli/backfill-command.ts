// `trailwatch backfill s3://BUCKET/PREFIX --since WHEN [--until WHEN] --stack NAME [--mode alert|report] [--wait]`
// (issue 18): runs the deployed processor over past log files with an S3 Batch Operations job.
//
// 1. DescribeStacks: the role, bucket and function the stack made for it (template.yaml, "issue 18: backfill").
// 2. ListObjectsV2 under the prefix, keys chosen by CloudTrail's layout and the window (cli/inputs/s3.ts).
// 3. PutObject of the CSV manifest (backfill-plan.ts says why a CSV and not the manifest generator).
// 4. CreateJob, LambdaInvoke with schema 2.0 (mode in UserArguments), completion report of every task.
// 5. DescribeJob: the job's progress; with --wait until it ends, then the failed files and why, from the report.
// The SDK clients are imported here, when the command runs: no other command loads them.
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobDescriptor, S3ControlClient } from '@aws-sdk/client-s3-control';
import { describeAwsError } from './aws-errors.js';
import { chosenProfile, checkProfile, type Env } from './aws-profile.js';
import { UsageError } from './args.js';
import {
  ALERTS_PREFIX,
  MANIFEST_PREFIX,
  backfillStack,
  createJobInput,
  dedupeWarning,
  failedResultFiles,
  failedTasks,
  isTerminal,
  manifestCsv,
  parseBackfillArgs,
  progressLine,
  reportManifestKey,
  type BackfillArgs,
  type BackfillStack,
} from './backfill-plan.js';
import { iso } from './time-window.js';

export interface BackfillIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env?: Env;
  now?: number;
  /** Waits between DescribeJob calls (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
}

class BackfillError extends Error {
  override name = 'BackfillError';
}

export async function runBackfill(argv: readonly string[], io: BackfillIo): Promise<number> {
  const s3Inputs = await import('./inputs/s3.js');
  const args = parseBackfillArgs(argv, s3Inputs.parseS3Url, io.now ?? Date.now());
  const env = io.env ?? process.env;
  const profile = chosenProfile(args.profile, env);
  if (profile) {
    const check = await checkProfile(profile.name, env);
    if (!check.exists) throw new UsageError(`${profile.from} ${profile.name}: no such AWS profile`, 'backfill');
  }
  try {
    return await backfill(args, io, s3Inputs);
  } catch (error) {
    if (!(error instanceof BackfillError)) throw error;
    io.err(`trailwatch: ${error.message}`);
    return 1;
  }
}

async function backfill(
  args: BackfillArgs,
  io: BackfillIo,
  s3Inputs: typeof import('./inputs/s3.js'),
): Promise<number> {
  const { createS3Client, listS3Keys } = s3Inputs;
  const config = {
    ...(args.region ? { region: args.region } : {}),
    ...(args.profile ? { profile: args.profile } : {}),
  };
  const stack = await stackResources(args, config);
  const s3 = await createS3Client({
    ...config,
    ...(args.endpointUrl ? { endpointUrl: args.endpointUrl } : {}),
  });
  const source = `s3://${args.source.bucket}/${args.source.prefix}`;
  const listing = await aws(`list ${source}`, 's3:ListBucket', () =>
    listS3Keys(s3, args.source, { since: args.since, until: args.until }),
  );
  io.err(
    `${source}: ${listing.keys.length.toLocaleString('en-US')} log files delivered ${iso(args.since)}..${iso(args.until)} ` +
      `(${listing.listCalls.toLocaleString('en-US')} list calls; ${listing.skipped.length.toLocaleString('en-US')} other objects and ` +
      `${listing.outsideWindow.toLocaleString('en-US')} files outside the window left out)`,
  );
  if (listing.keys.length === 0) {
    io.err('trailwatch: no log files to backfill: no job created');
    return 0;
  }

  const warning = dedupeWarning(args, io.now ?? Date.now());
  if (warning) io.err(warning);
  const token = randomUUID();
  const manifestKey = `${MANIFEST_PREFIX}${iso(io.now ?? Date.now()).replace(/:/g, '')}-${token}.csv`;
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const put = await aws(`write the manifest s3://${stack.bucket}/${manifestKey}`, 's3:PutObject', () =>
    s3.send(
      new PutObjectCommand({
        Bucket: stack.bucket,
        Key: manifestKey,
        Body: manifestCsv(
          args.source.bucket,
          listing.keys.map((k) => k.key),
        ),
        ContentType: 'text/csv',
      }),
    ),
  );
  if (!put.ETag) throw new BackfillError(`PutObject of s3://${stack.bucket}/${manifestKey} returned no ETag`);

  const { S3ControlClient, CreateJobCommand } = await import('@aws-sdk/client-s3-control');
  const control = new S3ControlClient(config);
  const input = createJobInput({ args, stack, manifest: { key: manifestKey, etag: put.ETag }, token });
  const created = await aws('create the S3 Batch Operations job', 's3:CreateJob and iam:PassRole', () =>
    control.send(new CreateJobCommand(input)),
  );
  const jobId = created.JobId;
  if (!jobId) throw new BackfillError('CreateJob returned no JobId');
  io.out(jobId);
  io.err(`job ${jobId} created: ${listing.keys.length.toLocaleString('en-US')} files, mode ${args.mode}`);
  if (args.mode === 'report')
    io.err(
      `alerts go to s3://${stack.bucket}/${ALERTS_PREFIX}${jobId}/ (one .jsonl per file with alerts); ` +
        `trailwatch report s3://${stack.bucket}/${ALERTS_PREFIX}${jobId}/ -o backfill.html draws them`,
    );
  io.err(`completion report: s3://${stack.bucket}/${reportManifestKey(jobId)} once the job ends`);

  let job = await describe(control, stack, jobId);
  io.err(progressLine(job));
  if (!args.wait) return 0;
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last = progressLine(job);
  while (!isTerminal(job.Status)) {
    await sleep(args.pollSeconds * 1000);
    job = await describe(control, stack, jobId);
    const line = progressLine(job);
    if (line !== last) io.err(line);
    last = line;
  }
  for (const reason of job.FailureReasons ?? [])
    io.err(`job ${jobId} failed: ${reason.FailureCode ?? ''} ${reason.FailureReason ?? ''}`.trim());
  const failed = job.ProgressSummary?.NumberOfTasksFailed ?? 0;
  if (failed > 0) await printFailedFiles(s3, stack, jobId, io);
  return job.Status === 'Complete' && failed === 0 ? 0 : 1;
}

async function stackResources(
  args: BackfillArgs,
  config: { region?: string; profile?: string },
): Promise<BackfillStack> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient(config);
  const described = await aws(`describe the stack ${args.stackName}`, 'cloudformation:DescribeStacks', () =>
    client.send(new DescribeStacksCommand({ StackName: args.stackName })),
  );
  const outputs: Record<string, string> = {};
  for (const output of described.Stacks?.[0]?.Outputs ?? [])
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  const stack = backfillStack(outputs);
  if (Array.isArray(stack))
    throw new BackfillError(
      `stack ${args.stackName} has no ${stack.join(', ')} output: deploy this version of trailwatch first (sam deploy)`,
    );
  return stack;
}

async function describe(control: S3ControlClient, stack: BackfillStack, jobId: string): Promise<JobDescriptor> {
  const { DescribeJobCommand } = await import('@aws-sdk/client-s3-control');
  const described = await aws(`describe job ${jobId}`, 's3:DescribeJob', () =>
    control.send(new DescribeJobCommand({ AccountId: stack.accountId, JobId: jobId })),
  );
  if (!described.Job) throw new BackfillError(`DescribeJob ${jobId} returned no job`);
  return described.Job;
}

/** The completion report's failed tasks: one line per file, with the processor's reason. */
async function printFailedFiles(s3: S3Client, stack: BackfillStack, jobId: string, io: BackfillIo): Promise<void> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const read = async (bucket: string, key: string): Promise<string> => {
    const object = await aws(`read s3://${bucket}/${key}`, 's3:GetObject', () =>
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    return (await object.Body?.transformToString()) ?? '';
  };
  const manifest = await read(stack.bucket, reportManifestKey(jobId));
  for (const file of failedResultFiles(manifest))
    for (const task of failedTasks(await read(file.bucket, file.key)))
      io.out(`FAILED ${task.file}: ${task.code}: ${task.message}`);
}

/** Runs an AWS call; its failure becomes one sentence saying what could not be done and what to do. */
async function aws<T>(action: string, permission: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new BackfillError(describeAwsError(error, { action, permission }));
  }
}
