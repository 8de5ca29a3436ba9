// Longer than 400 lines because: one specification of the command from arguments to the completion report, over one
// set-up (s3rver, the mocked CloudFormation and S3 Control); its end-to-end part needs all of it.
// Issue 18: `trailwatch backfill`. S3 is real (s3rver: the trail bucket to list, the backfill bucket the manifest and
// the completion report go to); CloudFormation and S3 Control, which have no local server, are mocked at the command
// level (aws-sdk-client-mock) and answer with their documented response shapes. In the end-to-end test a stand-in for
// S3 Batch Operations reads the manifest the command wrote, invokes the real processor handler once per line with the
// documented schema 2.0 event, and writes the completion report in the documented format (manifest.json + CSV).
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateJobCommand,
  DescribeJobCommand,
  S3ControlClient,
  type CreateJobCommandInput,
  type JobDescriptor,
} from '@aws-sdk/client-s3-control';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createJobInput,
  csvRows,
  dedupeWarning,
  failedResultFiles,
  failedTasks,
  manifestCsv,
  parseBackfillArgs,
  progressLine,
  type BackfillArgs,
} from '../cli/backfill-plan.js';
import { runBackfill } from '../cli/backfill-command.js';
import { parseS3Url } from '../cli/inputs/s3.js';
import type { BatchOperationsResponse } from '../functions/processor/batch-operations.js';
import { loadProcessorConfig } from '../functions/processor/config.js';
import {
  SAMPLE_BUCKET,
  lambdaContext,
  putSampleLogs,
  quietObservabilityFor,
  sampleLogKey,
} from './helpers/handler-invocation.js';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';

const ACCOUNT = '123456789012';
const STACK = 'trailwatch';
const BACKFILL_BUCKET = 'trailwatch-backfillbucket-1x2y3z';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/trailwatch-BackfillRole-AbC123`;
const FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:trailwatch-ProcessorFunction-XyZ`;
const JOB_ID = '93735294-df46-44d5-8638-6356f335324e';
const NOT_GZIP = sampleLogKey('2350Z', 'notgzipnotgzip01');
const NOW = Date.parse('2026-11-25T00:00:00Z');

const cloudformation = mockClient(CloudFormationClient);
const control = mockClient(S3ControlClient);
const sns = mockClient(SNSClient);
let s3rver: S3Emulator;
let s3: S3Client;

const parse = (argv: string[]) => parseBackfillArgs(argv, parseS3Url, NOW);
const ARGS = [`s3://${SAMPLE_BUCKET}/AWSLogs/`, '--since', '2026-11-20', '--until', '2026-11-20', '--stack', STACK];

function describeStacksAnswer(outputs: Record<string, string>) {
  return {
    Stacks: [
      {
        StackName: STACK,
        StackStatus: 'UPDATE_COMPLETE' as const,
        CreationTime: new Date('2026-11-01T00:00:00Z'),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}

const OUTPUTS = { BackfillRoleArn: ROLE, BackfillBucketName: BACKFILL_BUCKET, ProcessorFunctionArn: FUNCTION };

interface Run {
  status: number;
  out: string[];
  err: string[];
}

async function backfill(argv: string[]): Promise<Run> {
  const run: Run = { status: -1, out: [], err: [] };
  run.status = await runBackfill([...argv, '--region', 'us-east-1', '--endpoint-url', s3rver.endpoint], {
    out: (line) => run.out.push(line),
    err: (line) => run.err.push(line),
    env: {},
    now: NOW,
    sleep: () => Promise.resolve(),
  });
  return run;
}

beforeAll(async () => {
  s3rver = await startS3Emulator();
  s3 = s3rver.client();
  await putSampleLogs(s3rver);
  await s3rver.createBucket(BACKFILL_BUCKET);
  await s3rver.put(SAMPLE_BUCKET, NOT_GZIP, 'not gzip at all');
  Object.assign(process.env, {
    ...s3rver.environment,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ALERT_TOPIC_ARN: `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`,
  });
});

afterAll(async () => {
  await s3rver?.close();
});

beforeEach(() => {
  cloudformation.reset();
  control.reset();
  sns.reset();
  cloudformation.on(DescribeStacksCommand).resolves(describeStacksAnswer(OUTPUTS));
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries?: Array<{ Id?: string }> }) => ({
    Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
    Failed: [],
  }));
});

describe('arguments', () => {
  it('reads the source, the window, the stack and the mode', () => {
    const args = parse([...ARGS, '--mode', 'report', '--wait']);
    expect(args).toMatchObject({
      source: { bucket: SAMPLE_BUCKET, prefix: 'AWSLogs/' },
      since: Date.parse('2026-11-20T00:00:00Z'),
      until: Date.parse('2026-11-21T00:00:00Z'),
      mode: 'report',
      wait: true,
      stackName: STACK,
    });
  });

  it.each([
    [['--since', '2026-11-20', '--stack', STACK], 'backfill needs one s3://BUCKET/PREFIX'],
    [[`s3://${SAMPLE_BUCKET}/`, '--since', '2026-11-20'], 'backfill needs --stack NAME'],
    [[`s3://${SAMPLE_BUCKET}/`, '--stack', STACK], 'backfill needs --since WHEN'],
    [[...ARGS, '--mode', 'email'], '--mode must be alert or report, not "email"'],
    [[`s3://${SAMPLE_BUCKET}/`, '--since', '2026-11-21', '--until', '2026-11-20', '--stack', STACK], 'must be before'],
    [[...ARGS, '--sinse', 'x'], "Unknown option '--sinse'"],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(message);
  });
});

describe('alert mode over history older than the dedupe table remembers', () => {
  it('warns that alerts sent then will be emailed again', () => {
    const warning = dedupeWarning({ mode: 'alert', since: NOW - 16 * 86_400_000 }, NOW);
    expect(warning).toBe(
      'warning: the dedupe table remembers published alerts for 15 days; alerts of records before 2026-11-10T00:00:00Z that trailwatch already emailed will be emailed again. For history trailwatch already watched, use --mode report.',
    );
  });

  it('says nothing within 15 days, or in report mode', () => {
    expect(dedupeWarning({ mode: 'alert', since: NOW - 14 * 86_400_000 }, NOW)).toBeUndefined();
    expect(dedupeWarning({ mode: 'report', since: 0 }, NOW)).toBeUndefined();
  });
});

describe('the manifest', () => {
  it('is bucket,key per line, keys URL-encoded with / kept, no header', () => {
    expect(manifestCsv('trail', ['AWSLogs/1/CloudTrail/a b+c.json.gz', 'x,y.json.gz'])).toBe(
      'trail,AWSLogs/1/CloudTrail/a%20b%2Bc.json.gz\ntrail,x%2Cy.json.gz\n',
    );
  });
});

describe('the CreateJob request', () => {
  const args: BackfillArgs = { ...parse(ARGS), mode: 'report' };
  const input = createJobInput({
    args,
    stack: { roleArn: ROLE, bucket: BACKFILL_BUCKET, functionArn: FUNCTION, accountId: ACCOUNT },
    manifest: { key: 'manifests/m.csv', etag: '"60e460c9d1046e73f7dde5043ac3ae85"' },
    token: 'token-1',
  });

  it("has the shape of the S3 User Guide's create-job example for a Lambda job", () => {
    // aws s3control create-job --operation '{"LambdaInvoke": {...}}' --manifest '{"Spec":{"Format":
    // "S3BatchOperations_CSV_20180820","Fields":["Bucket","Key"]},"Location":{"ObjectArn":...,"ETag":...}}'
    // --report '{"Bucket":...,"Format":"Report_CSV_20180820","Enabled":true,"Prefix":...,"ReportScope":"AllTasks"}'
    // --priority --role-arn (batch-ops-invoke-lambda.html, "Creating an S3 Batch Operations job that invokes a Lambda function").
    expect(input).toEqual({
      AccountId: ACCOUNT,
      ConfirmationRequired: false,
      Operation: {
        LambdaInvoke: {
          FunctionArn: FUNCTION,
          InvocationSchemaVersion: '2.0',
          UserArguments: { mode: 'report', reportTo: `s3://${BACKFILL_BUCKET}/alerts/` },
        },
      },
      Manifest: {
        Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key'] },
        Location: {
          ObjectArn: `arn:aws:s3:::${BACKFILL_BUCKET}/manifests/m.csv`,
          ETag: '"60e460c9d1046e73f7dde5043ac3ae85"',
        },
      },
      Report: {
        Bucket: `arn:aws:s3:::${BACKFILL_BUCKET}`,
        Prefix: 'reports',
        Format: 'Report_CSV_20180820',
        Enabled: true,
        ReportScope: 'AllTasks',
      },
      Priority: 10,
      RoleArn: ROLE,
      ClientRequestToken: 'token-1',
      Description: `trailwatch backfill s3://${SAMPLE_BUCKET}/AWSLogs/ 2026-11-20T00:00:00Z..2026-11-21T00:00:00Z (report)`,
    } satisfies CreateJobCommandInput);
  });

  it('sends alert mode without a report location', () => {
    const alert = createJobInput({
      args: { ...args, mode: 'alert' },
      stack: { roleArn: ROLE, bucket: BACKFILL_BUCKET, functionArn: FUNCTION, accountId: ACCOUNT },
      manifest: { key: 'manifests/m.csv', etag: 'e' },
      token: 't',
    });
    expect(alert.Operation?.LambdaInvoke?.UserArguments).toEqual({ mode: 'alert' });
  });
});

describe('progress and the completion report', () => {
  it('says how far the job is', () => {
    const job: JobDescriptor = {
      JobId: JOB_ID,
      Status: 'Active',
      ProgressSummary: { TotalNumberOfTasks: 10_000, NumberOfTasksSucceeded: 1_197, NumberOfTasksFailed: 3 },
    };
    expect(progressLine(job)).toBe(`job ${JOB_ID}: Active, 1,200 of 10,000 files done (12 %), 3 failed`);
  });

  it("reads the S3 User Guide's example report manifest and failed-task rows", () => {
    const manifest = JSON.stringify({
      Format: 'Report_CSV_20180820',
      ReportCreationDate: '2019-04-05T17:48:39.725Z',
      Results: [
        {
          TaskExecutionStatus: 'succeeded',
          Bucket: 'my-job-reports',
          MD5Checksum: '83b1c4cbe93fc893f54053697e10fd6e',
          Key: 'job-f8fb9d89-a3aa-461d-bddc-ea6a1b131955/results/6217b0fab0de85c408b4be96aeaca9b195a7daa5.csv',
        },
        {
          TaskExecutionStatus: 'failed',
          Bucket: 'my-job-reports',
          MD5Checksum: '22ee037f3515975f7719699e5c416eaa',
          Key: 'job-f8fb9d89-a3aa-461d-bddc-ea6a1b131955/results/b2ddad417e94331e9f37b44f1faf8c7ed5873f2e.csv',
        },
      ],
      ReportSchema: 'Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage',
    });
    expect(failedResultFiles(manifest)).toEqual([
      {
        bucket: 'my-job-reports',
        key: 'job-f8fb9d89-a3aa-461d-bddc-ea6a1b131955/results/b2ddad417e94331e9f37b44f1faf8c7ed5873f2e.csv',
      },
    ]);
    const row =
      'awsexamplebucket,image_14975,,failed,200,PermanentFailure,"Lambda returned function error: {""errorMessage"":""2019-04-05T17:35:21.155Z 2845ca0d-38d9-4c4b-abcf-379dc749c452 Task timed out after 3.00 seconds""}"\n';
    expect(failedTasks(row)).toEqual([
      {
        file: 's3://awsexamplebucket/image_14975',
        code: 'PermanentFailure',
        message:
          'Lambda returned function error: {"errorMessage":"2019-04-05T17:35:21.155Z 2845ca0d-38d9-4c4b-abcf-379dc749c452 Task timed out after 3.00 seconds"}',
      },
    ]);
  });

  it('parses quoted CSV fields holding commas, quotes and newlines', () => {
    expect(csvRows('a,"b,c","d""e","f\ng"\r\nh,i\n')).toEqual([
      ['a', 'b,c', 'd"e', 'f\ng'],
      ['h', 'i'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// End to end: the command, a stand-in for Batch Operations, the real processor handler.

/** A CSV field as the completion report writes it. */
const csvField = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

async function readObject(bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}

/**
 * What S3 Batch Operations does with the job: each manifest line becomes one schema 2.0 invocation of the function
 * (batch-ops-invoke-lambda.html), and the results go into `<Prefix>/job-<id>/manifest.json` and results CSVs
 * (batch-ops-examples-reports.html). Returns the job's progress summary.
 */
async function runJobLikeBatchOperations(input: CreateJobCommandInput): Promise<JobDescriptor['ProgressSummary']> {
  const { createHandler } = await import('../functions/processor/handler.js');
  const handler = createHandler({
    config: loadProcessorConfig({ ALERT_TOPIC_ARN: `arn:aws:sns:us-east-1:${ACCOUNT}:alerts` }),
    obs: quietObservabilityFor('batch'),
    s3,
    sns: new SNSClient({ region: 'us-east-1' }),
    publish: { sleep: () => Promise.resolve(), maxAttempts: 1 },
  });
  const manifestArn = input.Manifest?.Location?.ObjectArn ?? '';
  const [, bucket = '', key = ''] = /^arn:aws:s3:::([^/]+)\/(.+)$/.exec(manifestArn) ?? [];
  const lines = (await readObject(bucket, key)).trimEnd().split('\n');
  const rows = { succeeded: [] as string[], failed: [] as string[] };
  for (const [i, line] of lines.entries()) {
    const [taskBucket = '', taskKey = ''] = line.split(',');
    const response = (await handler(
      {
        invocationSchemaVersion: input.Operation?.LambdaInvoke?.InvocationSchemaVersion,
        invocationId: `invocation-${i}`,
        job: { id: JOB_ID, userArguments: input.Operation?.LambdaInvoke?.UserArguments },
        tasks: [{ taskId: `task-${i}`, s3Key: taskKey, s3VersionId: null, s3Bucket: taskBucket }],
      },
      lambdaContext('trailwatch-processor'),
    )) as BatchOperationsResponse;
    const result = response.results[0];
    if (!result) throw new Error('no result');
    const ok = result.resultCode === 'Succeeded';
    const row = [taskBucket, taskKey, '', ok ? 'succeeded' : 'failed', '200', ok ? '' : result.resultCode];
    (ok ? rows.succeeded : rows.failed).push(`${[...row, csvField(result.resultString)].join(',')}\n`);
  }
  const reportBucket = (input.Report?.Bucket ?? '').replace('arn:aws:s3:::', '');
  const results = [];
  for (const status of ['succeeded', 'failed'] as const) {
    if (rows[status].length === 0) continue;
    const resultKey = `${input.Report?.Prefix}/job-${JOB_ID}/results/${status}.csv`;
    await s3.send(new PutObjectCommand({ Bucket: reportBucket, Key: resultKey, Body: rows[status].join('') }));
    results.push({ TaskExecutionStatus: status, Bucket: reportBucket, MD5Checksum: '0', Key: resultKey });
  }
  await s3.send(
    new PutObjectCommand({
      Bucket: reportBucket,
      Key: `${input.Report?.Prefix}/job-${JOB_ID}/manifest.json`,
      Body: JSON.stringify({
        Format: 'Report_CSV_20180820',
        ReportCreationDate: '2026-11-25T00:10:00.000Z',
        Results: results,
        ReportSchema: 'Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage',
      }),
    }),
  );
  return {
    TotalNumberOfTasks: lines.length,
    NumberOfTasksSucceeded: rows.succeeded.length,
    NumberOfTasksFailed: rows.failed.length,
  };
}

describe('trailwatch backfill --wait, end to end', () => {
  it('creates the job, follows it, and names the file that failed with the processor’s reason', async () => {
    let created: CreateJobCommandInput | undefined;
    let progress: JobDescriptor['ProgressSummary'];
    control.on(CreateJobCommand).callsFake((input: CreateJobCommandInput) => {
      created = input;
      return { JobId: JOB_ID };
    });
    let calls = 0;
    control.on(DescribeJobCommand).callsFake(async () => {
      calls++;
      if (calls === 1)
        return { Job: { JobId: JOB_ID, Status: 'Preparing', ProgressSummary: { TotalNumberOfTasks: 0 } } };
      if (!created) throw new Error('DescribeJob before CreateJob');
      progress ??= await runJobLikeBatchOperations(created);
      return { Job: { JobId: JOB_ID, Status: 'Complete', ProgressSummary: progress } };
    });

    const run = await backfill([...ARGS, '--wait']);

    expect(run.out[0]).toBe(JOB_ID);
    expect(run.out, run.err.join('\n')).toHaveLength(2);
    expect(run.out[1]).toMatch(
      new RegExp(
        `^FAILED s3://${SAMPLE_BUCKET}/${NOT_GZIP}: PermanentFailure: not a readable CloudTrail log file \\(NOT_GZIP\\): `,
      ),
    );
    expect(run.status).toBe(1);
    expect(run.err.at(-1)).toMatch(
      new RegExp(`^job ${JOB_ID}: Complete, \\d+ of \\d+ files done \\(100 %\\), 1 failed$`),
    );
    // The manifest lists the window's log files (the sample day's, its org copy, and the bad file), nothing else.
    const manifestLines = (
      await readObject(BACKFILL_BUCKET, created?.Manifest?.Location?.ObjectArn?.split(`${BACKFILL_BUCKET}/`)[1] ?? '')
    )
      .trimEnd()
      .split('\n');
    expect(manifestLines.every((line) => line.startsWith(`${SAMPLE_BUCKET},AWSLogs/`))).toBe(true);
    expect(manifestLines.some((line) => line.includes('CloudTrail-Digest'))).toBe(false);
    expect(progress?.NumberOfTasksSucceeded).toBe(manifestLines.length - 1);
    expect(sns.commandCalls(PublishBatchCommand).length).toBeGreaterThan(0);
  });

  it('without --wait prints the job id and its first progress line, and exits 0', async () => {
    control.on(CreateJobCommand).resolves({ JobId: JOB_ID });
    control.on(DescribeJobCommand).resolves({ Job: { JobId: JOB_ID, Status: 'New', ProgressSummary: {} } });
    const run = await backfill(ARGS);
    expect(run).toMatchObject({ status: 0, out: [JOB_ID] });
    expect(run.err.at(-1)).toBe(`job ${JOB_ID}: New, 0 files done, 0 failed`);
    expect(control.commandCalls(CreateJobCommand)[0]?.args[0].input.Operation?.LambdaInvoke?.UserArguments).toEqual({
      mode: 'alert',
    });
  });

  it('says which output is missing from a stack deployed before backfill existed', async () => {
    cloudformation.on(DescribeStacksCommand).resolves(describeStacksAnswer({ AlertTopicArn: 'arn:aws:sns:x' }));
    const run = await backfill(ARGS);
    expect(run.status).toBe(1);
    expect(run.err).toEqual([
      `trailwatch: stack ${STACK} has no BackfillRoleArn, BackfillBucketName, ProcessorFunctionArn output: deploy this version of trailwatch first (sam deploy)`,
    ]);
    expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  it('says what permission CreateJob lacked', async () => {
    control
      .on(CreateJobCommand)
      .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const run = await backfill(ARGS);
    expect(run.status).toBe(1);
    expect(run.err.at(-1)).toBe(
      'trailwatch: cannot create the S3 Batch Operations job: access denied (needs s3:CreateJob and iam:PassRole): Access Denied',
    );
  });

  it('creates no job when no log file was delivered in the window', async () => {
    const run = await backfill([
      `s3://${SAMPLE_BUCKET}/AWSLogs/`,
      '--since',
      '2025-01-01',
      '--until',
      '2025-01-02',
      '--stack',
      STACK,
    ]);
    expect(run.status).toBe(0);
    expect(run.err.at(-1)).toBe('trailwatch: no log files to backfill: no job created');
    expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });
});
