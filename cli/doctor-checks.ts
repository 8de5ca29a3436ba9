// `trailwatch doctor`, the pure part: the AWS responses about a deployed stack (gathered by doctor-aws.ts) in,
// one verdict per check out (pass / warn / fail, what was seen, how to fix it; their text is doctor-report.ts). No SDK calls here,
// only the SDK's response types, so every way a stack can be broken is a plain value in a test.
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { Trail } from '@aws-sdk/client-cloudtrail';
import type { GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import type { Subscription } from '@aws-sdk/client-sns';
import type { GetQueueAttributesCommandOutput } from '@aws-sdk/client-sqs';
import type { CallError, Check, DoctorResponses, Outcome } from './doctor-responses.js';

/** Stack outputs doctor relies on (template.yaml, Outputs). */
export const REQUIRED_OUTPUTS = [
  'AlertTopicArn',
  'TrailBucketName',
  'ProcessorDeadLetterQueueUrl',
  'IndexerDeadLetterQueueUrl',
] as const;
export const DEAD_LETTER_OUTPUTS = ['ProcessorDeadLetterQueueUrl', 'IndexerDeadLetterQueueUrl'] as const;

/**
 * A log file processed within this long is healthy. CloudTrail delivers a file about every 5 minutes per region
 * with activity (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html), and AWS's own
 * services call APIs in every account all the time, so half an hour without one is worth a look.
 */
export const LOG_FILE_WARN_AFTER_MS = 30 * 60_000;
/** How far back the metric is read: older than this is "none at all". */
export const LOG_FILE_LOOKBACK_MS = 24 * 3_600_000;

/** The processor's per-file metric (functions/lib/observability.ts: namespace trailwatch, dimensions service and stack). */
export function filesReadQuery(now: Date, stack: string): GetMetricDataCommandInput {
  return {
    StartTime: new Date(now.getTime() - LOG_FILE_LOOKBACK_MS),
    EndTime: now,
    ScanBy: 'TimestampDescending',
    MetricDataQueries: [
      {
        Id: 'filesRead',
        MetricStat: {
          Metric: {
            Namespace: 'trailwatch',
            MetricName: 'FilesRead',
            Dimensions: [
              { Name: 'service', Value: 'trailwatch-processor' },
              { Name: 'stack', Value: stack },
            ],
          },
          Period: 300,
          Stat: 'Sum',
        },
      },
    ],
  };
}

/** The stack's outputs by key (empty when there is no stack). */
export function stackOutputs(stack: Stack | undefined): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack?.Outputs ?? [])
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  return outputs;
}

/** The trails that deliver log files to `bucket`. */
export function trailsDeliveringTo(trails: readonly Trail[], bucket: string): Trail[] {
  return trails.filter((trail) => trail.S3BucketName === bucket && trail.TrailARN);
}

/** GetBucketLocation's answer as a region: null/empty is us-east-1, the legacy `EU` is eu-west-1 (API_GetBucketLocation). */
export function bucketRegion(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

export function evaluateDoctor(r: DoctorResponses): Check[] {
  const checks: Check[] = [];
  if (!r.stack.ok) {
    const missing = r.stack.error.name === 'ValidationError' && /does not exist/.test(r.stack.error.message);
    checks.push({
      id: 'stack',
      status: 'fail',
      detail: missing
        ? `no stack ${r.stackName} in ${r.region}`
        : `cannot describe stack ${r.stackName}: ${describe(r.stack.error)}`,
      fix: missing
        ? 'Check the name and the region (--region; the stack is in the region you deployed to), or deploy it: sam deploy --guided.'
        : permissionFix(r.stack.error, 'cloudformation:DescribeStacks'),
    });
    return checks;
  }
  const stack = r.stack.value.Stacks?.[0];
  const status = stack?.StackStatus ?? 'UNKNOWN';
  checks.push(stackStatusCheck(r.stackName, status));
  const outputs = stackOutputs(stack);
  const missing = REQUIRED_OUTPUTS.filter((key) => !outputs[key]);
  checks.push(
    missing.length === 0
      ? { id: 'outputs', status: 'pass', detail: REQUIRED_OUTPUTS.map((key) => `${key}=${outputs[key]}`).join(', ') }
      : {
          id: 'outputs',
          status: 'fail',
          detail: `missing outputs: ${missing.join(', ')}`,
          fix: 'Redeploy the stack from this version of template.yaml (sam build && sam deploy).',
        },
  );
  const bucket = outputs.TrailBucketName;
  if (bucket && r.bucketNotification) checks.push(bucketEventBridgeCheck(bucket, r.bucketNotification));
  if (bucket && r.bucketLocation) checks.push(bucketRegionCheck(bucket, r.region, r.bucketLocation));
  if (bucket && r.trails) checks.push(trailCheck(bucket, r.trails, r.trailStatuses ?? []));
  if (outputs.AlertTopicArn && r.subscriptions) checks.push(subscriptionCheck(outputs.AlertTopicArn, r.subscriptions));
  if (r.filesRead) checks.push(lastLogFileCheck(r.filesRead, r.now));
  for (const queue of r.deadLetterQueues ?? [])
    checks.push(deadLetterCheck(queue.outputKey, queue.queueUrl, queue.attributes));
  return checks;
}

function stackStatusCheck(name: string, status: string): Check {
  if (status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE')
    return { id: 'stack', status: 'pass', detail: `${name} is ${status}` };
  if (status === 'UPDATE_ROLLBACK_COMPLETE' || status.endsWith('_IN_PROGRESS')) {
    return {
      id: 'stack',
      status: 'warn',
      detail: `${name} is ${status}`,
      fix: 'Wait for the operation to finish; after a rollback, read the stack events (aws cloudformation describe-stack-events) and deploy again.',
    };
  }
  return {
    id: 'stack',
    status: 'fail',
    detail: `${name} is ${status}`,
    fix:
      'Read the stack events (aws cloudformation describe-stack-events --stack-name ' +
      name +
      ') for the failed resource, fix it and deploy again.',
  };
}

function bucketEventBridgeCheck(bucket: string, outcome: NonNullable<DoctorResponses['bucketNotification']>): Check {
  if (!outcome.ok)
    return {
      id: 'bucket-eventbridge',
      status: 'fail',
      detail: `cannot read the notification configuration of ${bucket}: ${describe(outcome.error)}`,
      fix: permissionFix(outcome.error, 's3:GetBucketNotification'),
    };
  // EventBridgeConfiguration is an empty object when on, absent when off (API_NotificationConfiguration).
  if (outcome.value.EventBridgeConfiguration)
    return { id: 'bucket-eventbridge', status: 'pass', detail: `${bucket} sends its events to Amazon EventBridge` };
  return {
    id: 'bucket-eventbridge',
    status: 'fail',
    detail: `${bucket} does not send events to Amazon EventBridge: no log file reaches trailwatch`,
    fix: `Turn on "Amazon EventBridge" in the bucket's Properties (S3 console), or add "EventBridgeConfiguration": {} to the output of aws s3api get-bucket-notification-configuration --bucket ${bucket} and put it back with put-bucket-notification-configuration (a put replaces the whole configuration). For a bucket the stack created, sam deploy restores it.`,
  };
}

function bucketRegionCheck(
  bucket: string,
  stackRegion: string,
  outcome: NonNullable<DoctorResponses['bucketLocation']>,
): Check {
  if (!outcome.ok)
    return {
      id: 'bucket-region',
      status: 'fail',
      detail: `cannot read the region of ${bucket}: ${describe(outcome.error)}`,
      fix: permissionFix(outcome.error, 's3:GetBucketLocation'),
    };
  const region = bucketRegion(outcome.value.LocationConstraint);
  if (region === stackRegion)
    return { id: 'bucket-region', status: 'pass', detail: `${bucket} is in ${region}, as the stack` };
  return {
    id: 'bucket-region',
    status: 'fail',
    detail: `${bucket} is in ${region}, the stack in ${stackRegion}: S3 sends events to EventBridge in the bucket's own region, so the stack's rules never fire`,
    fix: `Deploy the stack in ${region} (sam deploy --region ${region}) and delete this one.`,
  };
}

function trailCheck(
  bucket: string,
  trails: NonNullable<DoctorResponses['trails']>,
  statuses: NonNullable<DoctorResponses['trailStatuses']>,
): Check {
  if (!trails.ok)
    return {
      id: 'trail',
      status: 'fail',
      detail: `cannot list trails: ${describe(trails.error)}`,
      fix: permissionFix(trails.error, 'cloudtrail:DescribeTrails'),
    };
  const delivering = trailsDeliveringTo(trails.value.trailList ?? [], bucket);
  if (delivering.length === 0) {
    return {
      id: 'trail',
      status: 'fail',
      detail: `no trail delivers to ${bucket}`,
      fix: `Point a trail at the bucket (aws cloudtrail update-trail --name <trail> --s3-bucket-name ${bucket}), or deploy without ExistingBucketName so the stack creates one.`,
    };
  }
  const problems: Check[] = [];
  const good: string[] = [];
  for (const trail of delivering) {
    const name = trail.Name ?? trail.TrailARN ?? '?';
    const status = statuses.find((s) => s.trailArn === trail.TrailARN)?.status;
    if (!status?.ok) {
      const error = status && !status.ok ? status.error : { name: 'NotChecked', message: 'no status' };
      problems.push({
        id: 'trail',
        status: 'warn',
        detail: `cannot read the status of trail ${name}: ${describe(error)}`,
        fix: permissionFix(error, 'cloudtrail:GetTrailStatus'),
      });
    } else if (!status.value.IsLogging) {
      problems.push({
        id: 'trail',
        status: 'fail',
        detail: `trail ${name} is not logging`,
        fix: `aws cloudtrail start-logging --name ${trail.TrailARN}`,
      });
    } else if (status.value.LatestDeliveryError) {
      problems.push({
        id: 'trail',
        status: 'fail',
        detail: `trail ${name} cannot deliver to ${bucket}: ${status.value.LatestDeliveryError}`,
        fix: 'Check the bucket policy lets cloudtrail.amazonaws.com write AWSLogs/<account>/* (and the KMS key policy, if the trail encrypts).',
      });
    } else if (!trail.LogFileValidationEnabled) {
      problems.push({
        id: 'trail',
        status: 'warn',
        detail: `trail ${name} is logging without log file validation: changed or deleted log files cannot be detected`,
        fix: `aws cloudtrail update-trail --name ${trail.TrailARN} --enable-log-file-validation`,
      });
    } else {
      good.push(name);
    }
  }
  if (good.length > 0) {
    const rest = problems.length > 0 ? ` (also: ${problems.map((p) => p.detail).join('; ')})` : '';
    return {
      id: 'trail',
      status: 'pass',
      detail: `trail ${good.join(', ')} is logging to ${bucket} with log file validation${rest}`,
    };
  }
  const worst = problems.find((p) => p.status === 'fail') ?? problems[0];
  return worst as Check;
}

function subscriptionCheck(topicArn: string, outcome: Outcome<Subscription[]>): Check {
  if (!outcome.ok)
    return {
      id: 'subscription',
      status: 'fail',
      detail: `cannot list the subscriptions of ${topicArn}: ${describe(outcome.error)}`,
      fix: permissionFix(outcome.error, 'sns:ListSubscriptionsByTopic'),
    };
  const subscriptions = outcome.value;
  // An unconfirmed subscription is listed with SubscriptionArn "PendingConfirmation" (API_ListSubscriptionsByTopic).
  const pending = subscriptions.filter((s) => s.SubscriptionArn === 'PendingConfirmation');
  const confirmed = subscriptions.filter((s) => s.SubscriptionArn !== 'PendingConfirmation');
  const list = (items: Subscription[]) => items.map((s) => `${s.Protocol ?? '?'}:${s.Endpoint ?? '?'}`).join(', ');
  const confirm =
    'Open the "AWS Notification - Subscription Confirmation" email sent to it and follow its link (it expires after 3 days; then subscribe again: aws sns subscribe --topic-arn ' +
    topicArn +
    ' --protocol email --notification-endpoint <address>).';
  if (subscriptions.length === 0)
    return {
      id: 'subscription',
      status: 'fail',
      detail: 'nobody is subscribed to the alert topic: alerts reach no one',
      fix: `aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint <address>, then confirm it.`,
    };
  if (confirmed.length === 0)
    return { id: 'subscription', status: 'fail', detail: `not confirmed yet: ${list(pending)}`, fix: confirm };
  if (pending.length > 0)
    return {
      id: 'subscription',
      status: 'warn',
      detail: `confirmed: ${list(confirmed)}; not confirmed yet: ${list(pending)}`,
      fix: confirm,
    };
  return { id: 'subscription', status: 'pass', detail: `confirmed: ${list(confirmed)}` };
}

function lastLogFileCheck(outcome: NonNullable<DoctorResponses['filesRead']>, now: Date): Check {
  if (!outcome.ok)
    return {
      id: 'last-log-file',
      status: 'fail',
      detail: `cannot read the FilesRead metric: ${describe(outcome.error)}`,
      fix: permissionFix(outcome.error, 'cloudwatch:GetMetricData'),
    };
  const result = outcome.value.MetricDataResults?.find((m) => m.Id === 'filesRead');
  let latest: Date | undefined;
  (result?.Timestamps ?? []).forEach((time, i) => {
    if ((result?.Values?.[i] ?? 0) > 0 && (!latest || time > latest)) latest = time;
  });
  const noFiles =
    "Run the checks above; see the processor's log group for errors, and the processor dead-letter queue.";
  if (!latest)
    return { id: 'last-log-file', status: 'fail', detail: 'no log file processed in the last 24 hours', fix: noFiles };
  const age = now.getTime() - latest.getTime();
  const when = `${latest.toISOString().replace('.000Z', 'Z')} (${minutes(age)} ago)`;
  if (age <= LOG_FILE_WARN_AFTER_MS)
    return { id: 'last-log-file', status: 'pass', detail: `last log file processed ${when}` };
  return {
    id: 'last-log-file',
    status: 'warn',
    detail: `last log file processed ${when}`,
    fix: `CloudTrail delivers every ~5 minutes while there is activity. ${noFiles}`,
  };
}

function deadLetterCheck(
  outputKey: string,
  queueUrl: string,
  outcome: Outcome<Pick<GetQueueAttributesCommandOutput, 'Attributes'>>,
): Check {
  const id = outputKey === 'ProcessorDeadLetterQueueUrl' ? 'processor-dead-letters' : 'indexer-dead-letters';
  if (!outcome.ok)
    return {
      id,
      status: 'fail',
      detail: `cannot read ${queueUrl}: ${describe(outcome.error)}`,
      fix: permissionFix(outcome.error, 'sqs:GetQueueAttributes'),
    };
  const count = Number(outcome.value.Attributes?.ApproximateNumberOfMessages ?? '0');
  if (count === 0) return { id, status: 'pass', detail: `${queueUrl} is empty` };
  return {
    id,
    status: 'fail',
    detail: `${queueUrl} holds ${count} undelivered log file notification${count === 1 ? '' : 's'}: those files were not ${id.startsWith('processor') ? 'checked for alerts' : 'indexed'}`,
    fix: `Read one (aws sqs receive-message --queue-url ${queueUrl} --attribute-names All --message-attribute-names All) for the error; fix it, then run trailwatch scan on the files named, or redrive the messages.`,
  };
}

function describe(error: CallError): string {
  return `${error.name}: ${error.message}`;
}

function permissionFix(error: CallError, action: string): string {
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError/i.test(error.name))
    return `Allow ${action} for the credentials doctor runs with (--profile).`;
  if (/Credentials|ExpiredToken|InvalidClientTokenId/i.test(error.name))
    return 'Check the AWS credentials (--profile, aws sso login, AWS_PROFILE).';
  return `Retry; if it persists, check the call by hand with the AWS CLI (it needs ${action}).`;
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}
