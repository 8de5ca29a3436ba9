// `trailwatch doctor` and `trailwatch test-alert`, the AWS part: the SDK calls, in order, each answer or error kept
// as it came (doctor-checks.ts and test-alert-message.ts judge them). The SDK clients are imported here, lazily, so
// `trailwatch scan` never loads them. Region and credentials are the SDK's own (--region / --profile, else
// AWS_REGION, AWS_PROFILE, the config files: https://docs.aws.amazon.com/sdkref/latest/guide/creds-config-files.html).
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { Subscription } from '@aws-sdk/client-sns';
import { DEAD_LETTER_OUTPUTS, filesReadQuery, stackOutputs, trailsDeliveringTo } from './doctor-checks.js';
import type { CallError, DoctorResponses, Outcome } from './doctor-responses.js';

export interface AwsTarget {
  stackName: string;
  region?: string;
  profile?: string;
}

/** Client settings from the options: only what was given, so the SDK's defaults apply otherwise. */
function clientConfig(target: AwsTarget): { region?: string; profile?: string } {
  return {
    ...(target.region ? { region: target.region } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  };
}

async function outcome<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error: callError(error) };
  }
}

function callError(error: unknown): CallError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** DescribeStacks of the stack, and the region the SDK resolved. */
export async function describeStack(
  target: AwsTarget,
): Promise<{ region: string; stack: Outcome<{ Stacks?: Stack[] }> }> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient(clientConfig(target));
  const region = await client.config.region();
  const stack = await outcome(() => client.send(new DescribeStacksCommand({ StackName: target.stackName })));
  return { region, stack };
}

/** Every response doctor judges, in the order the checks need them. */
export async function gatherDoctorResponses(target: AwsTarget, now: Date = new Date()): Promise<DoctorResponses> {
  const { region, stack } = await describeStack(target);
  const responses: DoctorResponses = { stackName: target.stackName, region, stack, now };
  if (!stack.ok) return responses;
  const outputs = stackOutputs(stack.value.Stacks?.[0]);
  const config = { ...clientConfig(target), region };

  const [s3, cloudtrail, sns, cloudwatch, sqs] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-cloudtrail'),
    import('@aws-sdk/client-sns'),
    import('@aws-sdk/client-cloudwatch'),
    import('@aws-sdk/client-sqs'),
  ]);

  const bucket = outputs.TrailBucketName;
  if (bucket) {
    const client = new s3.S3Client(config);
    responses.bucketNotification = await outcome(() =>
      client.send(new s3.GetBucketNotificationConfigurationCommand({ Bucket: bucket })),
    );
    responses.bucketLocation = await outcome(() => client.send(new s3.GetBucketLocationCommand({ Bucket: bucket })));
    const trails = new cloudtrail.CloudTrailClient(config);
    // Shadow trails too: a multi-region or organization trail created elsewhere that delivers to this bucket.
    responses.trails = await outcome(() =>
      trails.send(new cloudtrail.DescribeTrailsCommand({ includeShadowTrails: true })),
    );
    if (responses.trails.ok) {
      const delivering = trailsDeliveringTo(responses.trails.value.trailList ?? [], bucket);
      responses.trailStatuses = await Promise.all(
        delivering.map(async (trail) => ({
          trailArn: trail.TrailARN as string,
          status: await outcome(() => trails.send(new cloudtrail.GetTrailStatusCommand({ Name: trail.TrailARN }))),
        })),
      );
    }
  }

  const topicArn = outputs.AlertTopicArn;
  if (topicArn) {
    const client = new sns.SNSClient(config);
    responses.subscriptions = await outcome(async () => {
      const all: Subscription[] = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(
          new sns.ListSubscriptionsByTopicCommand({ TopicArn: topicArn, ...(NextToken ? { NextToken } : {}) }),
        );
        all.push(...(page.Subscriptions ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      return all;
    });
  }

  const metrics = new cloudwatch.CloudWatchClient(config);
  responses.filesRead = await outcome(() =>
    metrics.send(new cloudwatch.GetMetricDataCommand(filesReadQuery(now, target.stackName))),
  );

  const queues = new sqs.SQSClient(config);
  responses.deadLetterQueues = [];
  for (const outputKey of DEAD_LETTER_OUTPUTS) {
    const queueUrl = outputs[outputKey];
    if (!queueUrl) continue;
    const attributes = await outcome(() =>
      queues.send(
        new sqs.GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      ),
    );
    responses.deadLetterQueues.push({ outputKey, queueUrl, attributes });
  }
  return responses;
}

/** Publishes one message to a topic; the message id, or the error. */
export async function publishToTopic(
  target: AwsTarget,
  region: string,
  request: {
    TopicArn: string;
    Subject: string;
    Message: string;
    MessageStructure: 'json';
    MessageAttributes: Record<string, { DataType: 'String'; StringValue: string }>;
  },
): Promise<Outcome<{ MessageId?: string }>> {
  const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
  const client = new SNSClient({ ...clientConfig(target), region });
  return outcome(() => client.send(new PublishCommand(request)));
}
