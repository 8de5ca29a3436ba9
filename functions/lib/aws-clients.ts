// The functions' AWS SDK clients, created once per container (outside the handler, so connections are
// reused across invocations). Region, endpoint, credentials, retries and checksum behaviour come from the
// SDK's own environment (AWS_REGION, AWS_ENDPOINT_URL[_S3|_SNS|_CLOUDWATCH_LOGS], AWS_MAX_ATTEMPTS,
// AWS_REQUEST_CHECKSUM_CALCULATION, AWS_RESPONSE_CHECKSUM_VALIDATION, ...); nothing is hard-coded here.
import { CloudWatchLogsClient, type CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import type { AwsClientSettings } from './config.js';

export function createS3Client(settings: AwsClientSettings, config: S3ClientConfig = {}): S3Client {
  return new S3Client({ ...(settings.s3ForcePathStyle ? { forcePathStyle: true } : {}), ...config });
}

export function createSnsClient(config: SNSClientConfig = {}): SNSClient {
  return new SNSClient(config);
}

export function createCloudWatchLogsClient(config: CloudWatchLogsClientConfig = {}): CloudWatchLogsClient {
  return new CloudWatchLogsClient(config);
}
