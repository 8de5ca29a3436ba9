// `trailwatch doctor`: each check, on the services' documented response shapes (aws-sdk-client-mock at the SDK
// command level): a healthy stack passes, and each way the stack can be broken fails (or warns) the check that
// sees it, with a fix. Shapes: the API references' response syntax (CloudFormation DescribeStacks, S3
// GetBucketNotificationConfiguration / GetBucketLocation, CloudTrail DescribeTrails / GetTrailStatus, SNS
// ListSubscriptionsByTopic, CloudWatch GetMetricData, SQS GetQueueAttributes).
import 'aws-sdk-client-mock-vitest/extend';
import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import {
  GetBucketLocationCommand,
  GetBucketNotificationConfigurationCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../cli/trailwatch.js';
import { bucketRegion, evaluateDoctor, filesReadQuery, type Check } from '../cli/doctor-checks.js';
import { gatherDoctorResponses } from '../cli/doctor-aws.js';
import { importGraph } from './helpers/template.js';

const NOW = new Date('2026-12-03T14:00:00Z');
const ACCOUNT = '123456789012';
const STACK = 'trailwatch';
const BUCKET = 'trailwatch-trailbucket-1a2b3c4d5e6f';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:trailwatch-AlertTopic-Q1w2E3r4T5y6`;
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/trailwatch-Trail-9Z8Y7X6W5V4U`;
const PROCESSOR_DLQ = `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/trailwatch-ProcessorDeadLetterQueue-M1n2B3v4C5x6`;
const INDEXER_DLQ = `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/trailwatch-IndexerDeadLetterQueue-P0o9I8u7Y6t5`;

const cloudformation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const cloudtrail = mockClient(CloudTrailClient);
const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);
const sqs = mockClient(SQSClient);
const all = [cloudformation, s3, cloudtrail, sns, cloudwatch, sqs];

function stack(overrides: Partial<Stack> = {}): Stack {
  return {
    StackId: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${STACK}/0f6e3a10-c5a4-11ef-9d2e-0a8b1c2d3e4f`,
    StackName: STACK,
    CreationTime: new Date('2026-11-20T09:00:00Z'),
    LastUpdatedTime: new Date('2026-12-01T10:00:00Z'),
    StackStatus: 'UPDATE_COMPLETE',
    Outputs: [
      { OutputKey: 'AlertTopicArn', OutputValue: TOPIC, Description: 'SNS topic of alerts and alarms' },
      { OutputKey: 'TrailBucketName', OutputValue: BUCKET, Description: 'Bucket the trail delivers to' },
      { OutputKey: 'TrailArn', OutputValue: TRAIL_ARN, Description: 'The trail this stack created' },
      { OutputKey: 'ProcessorDeadLetterQueueUrl', OutputValue: PROCESSOR_DLQ },
      { OutputKey: 'IndexerDeadLetterQueueUrl', OutputValue: INDEXER_DLQ },
    ],
    ...overrides,
  };
}

function trail(overrides: Partial<Trail> = {}): Trail {
  return {
    Name: 'trailwatch-Trail-9Z8Y7X6W5V4U',
    S3BucketName: BUCKET,
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: true,
    HomeRegion: 'us-east-1',
    TrailARN: TRAIL_ARN,
    LogFileValidationEnabled: true,
    HasCustomEventSelectors: false,
    HasInsightSelectors: false,
    IsOrganizationTrail: false,
    ...overrides,
  };
}

const confirmed: Subscription = {
  SubscriptionArn: `${TOPIC}:c3019def-3714-403e-ba29-eb14079d5c69`,
  Owner: ACCOUNT,
  Protocol: 'email',
  Endpoint: 'secops@example.com',
  TopicArn: TOPIC,
};
const pending: Subscription = {
  SubscriptionArn: 'PendingConfirmation',
  Owner: ACCOUNT,
  Protocol: 'email',
  Endpoint: 'oncall@example.com',
  TopicArn: TOPIC,
};

/**
 * FilesRead sums per 5 minutes, newest first (ScanBy TimestampDescending), the latest non-zero one `minutesAgo`
 * before the request's EndTime (doctor's "now", which the command line takes from the clock).
 */
function filesRead(minutesAgo: number | null) {
  return (input: GetMetricDataCommandInput) =>
    filesReadAt(minutesAgo, input.EndTime instanceof Date ? input.EndTime : NOW);
}

function filesReadAt(minutesAgo: number | null, end: Date) {
  const timestamps = [0, 5, 10, 15].map((m) => new Date(end.getTime() - (m + (minutesAgo ?? 0)) * 60_000));
  return {
    MetricDataResults: [
      {
        Id: 'filesRead',
        Label: 'FilesRead',
        Timestamps: minutesAgo === null ? [] : timestamps,
        Values: minutesAgo === null ? [] : [3, 2, 0, 4],
        StatusCode: 'Complete' as const,
      },
    ],
    Messages: [],
  };
}

function serviceError(
  Exception: typeof CloudFormationServiceException | typeof S3ServiceException,
  name: string,
  message: string,
) {
  return new Exception({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

function healthy(): void {
  for (const client of all) client.reset();
  cloudformation.on(DescribeStacksCommand, { StackName: STACK }).resolves({ Stacks: [stack()] });
  s3.on(GetBucketNotificationConfigurationCommand, { Bucket: BUCKET }).resolves({ EventBridgeConfiguration: {} });
  // Buckets in us-east-1 have a null LocationConstraint (API_GetBucketLocation).
  s3.on(GetBucketLocationCommand, { Bucket: BUCKET }).resolves({});
  cloudtrail.on(DescribeTrailsCommand).resolves({
    trailList: [
      trail(),
      trail({
        Name: 'org-audit',
        S3BucketName: 'org-audit-logs',
        TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-audit`,
      }),
    ],
  });
  cloudtrail.on(GetTrailStatusCommand, { Name: TRAIL_ARN }).resolves({
    IsLogging: true,
    LatestDeliveryTime: new Date(NOW.getTime() - 4 * 60_000),
    StartLoggingTime: new Date('2026-11-20T09:01:00Z'),
  });
  sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC }).resolves({ Subscriptions: [confirmed] });
  cloudwatch.on(GetMetricDataCommand).callsFake(filesRead(3));
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
}

async function doctor(): Promise<Check[]> {
  return evaluateDoctor(await gatherDoctorResponses({ stackName: STACK, region: 'us-east-1' }, NOW));
}

const statusOf = (checks: Check[], id: string) => checks.find((c) => c.id === id)?.status;

beforeEach(healthy);
afterAll(() => {
  for (const client of all) client.restore();
});

describe('trailwatch doctor on a healthy stack', () => {
  it('passes every check', async () => {
    const checks = await doctor();
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['stack', 'pass'],
      ['outputs', 'pass'],
      ['bucket-eventbridge', 'pass'],
      ['bucket-region', 'pass'],
      ['trail', 'pass'],
      ['subscription', 'pass'],
      ['last-log-file', 'pass'],
      ['processor-dead-letters', 'pass'],
      ['indexer-dead-letters', 'pass'],
    ]);
  });

  it("asks the services what the checks need: the stack's bucket, trail, topic and queues", async () => {
    await doctor();
    expect(s3).toHaveReceivedCommandWith(GetBucketNotificationConfigurationCommand, { Bucket: BUCKET });
    expect(cloudtrail).toHaveReceivedCommandWith(DescribeTrailsCommand, { includeShadowTrails: true });
    expect(cloudtrail).toHaveReceivedCommandTimes(GetTrailStatusCommand, 1);
    expect(sns).toHaveReceivedCommandWith(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC });
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, filesReadQuery(NOW, STACK));
    expect(sqs).toHaveReceivedCommandWith(GetQueueAttributesCommand, {
      QueueUrl: PROCESSOR_DLQ,
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
    expect(sqs).toHaveReceivedCommandWith(GetQueueAttributesCommand, {
      QueueUrl: INDEXER_DLQ,
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
  });

  it('reads every page of subscriptions', async () => {
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC })
      .resolvesOnce({ Subscriptions: [pending], NextToken: 'page-2' })
      .resolves({ Subscriptions: [confirmed] });
    const checks = await doctor();
    expect(sns).toHaveReceivedCommandWith(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC, NextToken: 'page-2' });
    expect(statusOf(checks, 'subscription')).toBe('warn');
  });

  it('prints PASS lines and exits 0 through the command line', async () => {
    const out: string[] = [];
    const code = await main(['doctor', '--stack', STACK, '--region', 'us-east-1'], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      interactive: false,
    });
    expect(code).toBe(0);
    expect(out[0]).toBe('trailwatch doctor: stack trailwatch in us-east-1');
    expect(out.at(-1)).toBe('9 checks: 9 pass, 0 warn, 0 fail');
  });
});

/** Each way a deployed stack can be broken, and the check that must see it. */
const BROKEN: Array<{
  name: string;
  check: string;
  status: 'warn' | 'fail';
  detail: RegExp;
  fix: RegExp;
  breakIt: () => void;
}> = [
  {
    name: 'the stack does not exist (wrong name or region)',
    check: 'stack',
    status: 'fail',
    detail: /no stack trailwatch in us-east-1/,
    fix: /--region/,
    breakIt: () =>
      cloudformation
        .on(DescribeStacksCommand)
        .rejects(
          serviceError(CloudFormationServiceException, 'ValidationError', 'Stack with id trailwatch does not exist'),
        ),
  },
  {
    name: 'the last update failed and could not roll back',
    check: 'stack',
    status: 'fail',
    detail: /UPDATE_ROLLBACK_FAILED/,
    fix: /describe-stack-events/,
    breakIt: () =>
      cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack({ StackStatus: 'UPDATE_ROLLBACK_FAILED' })] }),
  },
  {
    name: 'an older template without the outputs doctor needs',
    check: 'outputs',
    status: 'fail',
    detail: /missing outputs: ProcessorDeadLetterQueueUrl, IndexerDeadLetterQueueUrl/,
    fix: /sam deploy/,
    breakIt: () =>
      cloudformation.on(DescribeStacksCommand).resolves({
        Stacks: [stack({ Outputs: stack().Outputs?.filter((o) => !o.OutputKey?.endsWith('DeadLetterQueueUrl')) })],
      }),
  },
  {
    name: "the bucket's EventBridge notifications are off",
    check: 'bucket-eventbridge',
    status: 'fail',
    detail: /does not send events to Amazon EventBridge/,
    fix: /EventBridgeConfiguration/,
    breakIt: () => s3.on(GetBucketNotificationConfigurationCommand).resolves({ TopicConfigurations: [] }),
  },
  {
    name: 'the notification configuration cannot be read',
    check: 'bucket-eventbridge',
    status: 'fail',
    detail: /AccessDenied/,
    fix: /s3:GetBucketNotification/,
    breakIt: () =>
      s3
        .on(GetBucketNotificationConfigurationCommand)
        .rejects(serviceError(S3ServiceException, 'AccessDenied', 'Access Denied')),
  },
  {
    name: 'the bucket is in another region than the stack',
    check: 'bucket-region',
    status: 'fail',
    detail: /is in eu-west-1, the stack in us-east-1/,
    fix: /sam deploy --region eu-west-1/,
    breakIt: () => s3.on(GetBucketLocationCommand).resolves({ LocationConstraint: 'EU' }),
  },
  {
    name: 'the trail is stopped',
    check: 'trail',
    status: 'fail',
    detail: /is not logging/,
    fix: /start-logging --name arn:aws:cloudtrail/,
    breakIt: () =>
      cloudtrail
        .on(GetTrailStatusCommand)
        .resolves({ IsLogging: false, StopLoggingTime: new Date('2026-12-03T12:00:00Z') }),
  },
  {
    name: 'the trail cannot write to the bucket',
    check: 'trail',
    status: 'fail',
    detail: /cannot deliver to .*AccessDenied/,
    fix: /bucket policy/,
    breakIt: () =>
      cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryError: 'AccessDenied' }),
  },
  {
    name: 'the trail has no log file validation',
    check: 'trail',
    status: 'warn',
    detail: /without log file validation/,
    fix: /--enable-log-file-validation/,
    breakIt: () =>
      cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [trail({ LogFileValidationEnabled: false })] }),
  },
  {
    name: 'no trail delivers to the bucket any more',
    check: 'trail',
    status: 'fail',
    detail: /no trail delivers to/,
    fix: /update-trail/,
    breakIt: () =>
      cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [trail({ S3BucketName: 'somewhere-else' })] }),
  },
  {
    name: 'the email subscription is not confirmed',
    check: 'subscription',
    status: 'fail',
    detail: /not confirmed yet: email:oncall@example.com/,
    fix: /Subscription Confirmation/,
    breakIt: () => sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [pending] }),
  },
  {
    name: 'nobody is subscribed',
    check: 'subscription',
    status: 'fail',
    detail: /nobody is subscribed/,
    fix: /aws sns subscribe/,
    breakIt: () => sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] }),
  },
  {
    name: 'no log file processed for two hours',
    check: 'last-log-file',
    status: 'warn',
    detail: /last log file processed 2026-12-03T12:00:00Z \(2 h ago\)/,
    fix: /every ~5 minutes/,
    breakIt: () => cloudwatch.on(GetMetricDataCommand).callsFake(filesRead(120)),
  },
  {
    name: 'no log file processed in a day',
    check: 'last-log-file',
    status: 'fail',
    detail: /no log file processed in the last 24 hours/,
    fix: /dead-letter queue/,
    breakIt: () => cloudwatch.on(GetMetricDataCommand).callsFake(filesRead(null)),
  },
  {
    name: 'deliveries in the processor dead-letter queue',
    check: 'processor-dead-letters',
    status: 'fail',
    detail: /holds 3 undelivered log file notifications: those files were not checked for alerts/,
    fix: /receive-message/,
    breakIt: () =>
      sqs
        .on(GetQueueAttributesCommand, { QueueUrl: PROCESSOR_DLQ })
        .resolves({ Attributes: { ApproximateNumberOfMessages: '3' } }),
  },
  {
    name: 'a delivery in the indexer dead-letter queue',
    check: 'indexer-dead-letters',
    status: 'fail',
    detail: /holds 1 undelivered log file notification: those files were not indexed/,
    fix: /receive-message/,
    breakIt: () =>
      sqs
        .on(GetQueueAttributesCommand, { QueueUrl: INDEXER_DLQ })
        .resolves({ Attributes: { ApproximateNumberOfMessages: '1' } }),
  },
];

describe('trailwatch doctor on a broken stack', () => {
  it.each(BROKEN)('$check: $status when $name', async ({ check, status, detail, fix, breakIt }) => {
    breakIt();
    const checks = await doctor();
    const seen = checks.find((c) => c.id === check);
    expect(seen?.status).toBe(status);
    expect(seen?.detail).toMatch(detail);
    expect(seen?.fix).toMatch(fix);
    // Only the check that sees the problem complains.
    expect(checks.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual([check]);
  });

  it('stops after the stack check when there is no stack', async () => {
    BROKEN[0]?.breakIt();
    expect((await doctor()).map((c) => c.id)).toEqual(['stack']);
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it('exits 1 when a check fails and prints the fix under it', async () => {
    s3.on(GetBucketNotificationConfigurationCommand).resolves({});
    const out: string[] = [];
    const code = await main(['doctor', '--stack', STACK, '--region', 'us-east-1'], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      interactive: false,
    });
    expect(code).toBe(1);
    const failed = out.findIndex((l) => l.startsWith('FAIL  bucket-eventbridge'));
    expect(failed).toBeGreaterThan(0);
    expect(out[failed + 1]).toMatch(/^ +fix: Turn on "Amazon EventBridge"/);
    expect(out.at(-1)).toBe('9 checks: 8 pass, 0 warn, 1 fail');
  });

  it('exits 0 when checks only warn', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(filesRead(120));
    expect(
      await main(['doctor', '--stack', STACK, '--region', 'us-east-1'], {
        out: () => {},
        err: () => {},
        interactive: false,
      }),
    ).toBe(0);
  });
});

describe('trailwatch doctor usage', () => {
  it.each([
    [['doctor'], /needs --stack NAME/],
    [['doctor', '--stack', 'my_stack'], /not a CloudFormation stack name/],
    [['doctor', '--stack', STACK, '--region', 'us east'], /not an AWS region/],
    [['doctor', '--stack', STACK, '--bucket', 'x'], /Unknown option '--bucket'/],
  ])('exits 2 for %j', async (argv, message) => {
    const err: string[] = [];
    expect(await main(argv, { out: () => {}, err: (l) => err.push(l), interactive: false })).toBe(2);
    expect(err.join('\n')).toMatch(message);
    expect(cloudformation).not.toHaveReceivedAnyCommand();
  });
});

describe('bucket regions from GetBucketLocation', () => {
  it('reads null as us-east-1 and EU as eu-west-1, other values as they are', () => {
    expect([
      bucketRegion(undefined),
      bucketRegion(null),
      bucketRegion(''),
      bucketRegion('EU'),
      bucketRegion('ap-southeast-2'),
    ]).toEqual(['us-east-1', 'us-east-1', 'us-east-1', 'eu-west-1', 'ap-southeast-2']);
  });
});

describe('loading', () => {
  it('scan, rules and search never load doctor or its SDK clients: the CLI reaches them only by dynamic import', () => {
    const cli = importGraph('cli/bin.ts');
    expect(cli.files.filter((file) => /doctor|test-alert/.test(file))).toEqual([]);
    const modules = new Set(cli.sdkImports.map((i) => i.module));
    for (const client of ['client-cloudformation', 'client-cloudtrail', 'client-cloudwatch', 'client-sqs'])
      expect(modules).not.toContain(`@aws-sdk/${client}`);
  });

  it('doctor itself imports the SDK clients only when it runs', () => {
    expect(importGraph('cli/doctor-command.ts').sdkImports).toEqual([]);
    expect(importGraph('cli/test-alert-command.ts').sdkImports).toEqual([]);
  });
});
