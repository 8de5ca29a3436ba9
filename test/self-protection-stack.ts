// The deployed stack the self-protection fixtures (test/fixtures/records/self-protection/) act on: stack
// `trailwatch` in 123456789012/us-east-1, with the names CloudFormation and template.yaml give its resources.
import type { TrailwatchResources } from '../shared/rules/builtin/self-protection.js';

export const EXAMPLE_STACK: TrailwatchResources = {
  functionNames: ['trailwatch-ProcessorFunction-AbC123dEf456', 'trailwatch-IndexerFunction-GhI789jKl012'],
  eventRuleNames: [
    'trailwatch-processor-3f2a9c10-c5d1-11ef-9b2e-0affd5e1b7a1',
    'trailwatch-indexer-3f2a9c10-c5d1-11ef-9b2e-0affd5e1b7a1',
  ],
  topicArns: [
    'arn:aws:sns:us-east-1:123456789012:trailwatch-AlertTopic-Q1w2E3r4T5y6',
    'arn:aws:sns:us-east-1:123456789012:trailwatch-AlertEventsTopic-Z9x8C7v6B5n4',
  ],
  alarmNames: ['trailwatch-ProcessorErrorsAlarm-*', 'trailwatch-IndexerErrorsAlarm-*'],
  queueUrls: [
    'https://sqs.us-east-1.amazonaws.com/123456789012/trailwatch-ProcessorDeadLetterQueue-M1n2B3v4C5x6',
    'https://sqs.us-east-1.amazonaws.com/123456789012/trailwatch-IndexerDeadLetterQueue-P0o9I8u7Y6t5',
  ],
  bucketNames: ['trailwatch-trailbucket-1a2b3c4d5e6f'],
};

/** Fixtures under self-protection/ that must raise trailwatch-tampered: every change the rule names. */
export const TAMPERING = [
  'update-function-configuration',
  'update-function-code-by-arn',
  'put-function-concurrency-zero',
  'delete-function',
  'delete-function-failed',
  'remove-permission',
  'disable-rule',
  'delete-rule',
  'put-rule-changed-pattern',
  'remove-targets',
  'put-targets',
  'unsubscribe',
  'delete-topic',
  'set-topic-attributes-policy',
  'set-subscription-attributes-filter',
  'remove-permission-topic',
  'delete-alarms',
  'disable-alarm-actions',
  'put-metric-alarm',
  'delete-queue',
  'set-queue-attributes',
  'purge-queue',
  'put-bucket-notification',
].map((name) => `self-protection/${name}`);

/** The same calls on other resources, or harmless calls on trailwatch's: must not raise it. */
export const NEAR_MISSES = [
  'update-function-configuration-other-function',
  'update-function-code-name-prefix',
  'put-function-concurrency-five',
  'get-function',
  'disable-rule-other-rule',
  'enable-rule',
  'unsubscribe-other-topic',
  'unsubscribe-topic-name-prefix',
  'delete-topic-other-topic',
  'delete-alarms-other-alarm',
  'purge-queue-other-queue',
  'put-bucket-notification-other-bucket',
].map((name) => `self-protection/${name}`);
