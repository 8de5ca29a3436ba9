// What `trailwatch doctor` asks AWS and what it concludes, as plain values: the responses doctor-aws.ts gathers and
// the verdicts doctor-checks.ts gives (the SDK's response types only, no SDK calls).
import type { DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import type { DescribeTrailsCommandOutput, GetTrailStatusCommandOutput } from '@aws-sdk/client-cloudtrail';
import type { GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import type {
  GetBucketLocationCommandOutput,
  GetBucketNotificationConfigurationCommandOutput,
} from '@aws-sdk/client-s3';
import type { Subscription } from '@aws-sdk/client-sns';
import type { GetQueueAttributesCommandOutput } from '@aws-sdk/client-sqs';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface Check {
  /** Stable id, for --format json readers and tests. */
  id: string;
  status: CheckStatus;
  /** What was seen. */
  detail: string;
  /** How to fix it (warn and fail only). */
  fix?: string;
}

/** An SDK error as the check needs it: its name (`AccessDenied`, `ValidationError`, ...) and message. */
export interface CallError {
  name: string;
  message: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: CallError };

/** Everything doctor asked AWS, in the order it asked; a field is absent when the call was not made. */
export interface DoctorResponses {
  stackName: string;
  /** The region the stack was looked up in (the SDK's resolved region). */
  region: string;
  stack: Outcome<Pick<DescribeStacksCommandOutput, 'Stacks'>>;
  bucketNotification?: Outcome<Pick<GetBucketNotificationConfigurationCommandOutput, 'EventBridgeConfiguration'>>;
  bucketLocation?: Outcome<Pick<GetBucketLocationCommandOutput, 'LocationConstraint'>>;
  trails?: Outcome<Pick<DescribeTrailsCommandOutput, 'trailList'>>;
  /** GetTrailStatus of each trail that delivers to the stack's bucket, by trail ARN. */
  trailStatuses?: Array<{
    trailArn: string;
    status: Outcome<Pick<GetTrailStatusCommandOutput, 'IsLogging' | 'LatestDeliveryError' | 'LatestDeliveryTime'>>;
  }>;
  /** Every page of ListSubscriptionsByTopic on the alert topic, joined. */
  subscriptions?: Outcome<Subscription[]>;
  filesRead?: Outcome<Pick<GetMetricDataCommandOutput, 'MetricDataResults'>>;
  deadLetterQueues?: Array<{
    outputKey: string;
    queueUrl: string;
    attributes: Outcome<Pick<GetQueueAttributesCommandOutput, 'Attributes'>>;
  }>;
  /** When doctor ran: the last-log-file check measures from here. */
  now: Date;
}
