// The processor learns the stack's own resources from its environment, for trailwatch-tampered.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../functions/lib/errors.js';
import { loadProcessorConfig } from '../functions/processor/config.js';
import { classify } from '../shared/classify/index.js';
import type { Ruleset } from '../shared/rules/engine.js';
import { loadRecord } from './record-fixtures.js';
import { EXAMPLE_STACK } from './self-protection-stack.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-AlertTopic-Q1w2E3r4T5y6';
const EVENTS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-AlertEventsTopic-Z9x8C7v6B5n4';

/** What template.yaml gives the deployed processor, for the example stack. */
const DEPLOYED = {
  ALERT_TOPIC_ARN: TOPIC,
  ALERT_EVENTS_TOPIC_ARN: EVENTS_TOPIC,
  AWS_LAMBDA_FUNCTION_NAME: 'trailwatch-ProcessorFunction-AbC123dEf456',
  TRAILWATCH_FUNCTIONS: 'trailwatch-IndexerFunction-GhI789jKl012',
  TRAILWATCH_EVENT_RULES: EXAMPLE_STACK.eventRuleNames.join(','),
  TRAILWATCH_ALARMS: 'trailwatch-ProcessorErrorsAlarm-*,trailwatch-IndexerErrorsAlarm-*',
  TRAILWATCH_QUEUE_URLS: EXAMPLE_STACK.queueUrls.join(','),
  TRAILWATCH_BUCKET: 'trailwatch-trailbucket-1a2b3c4d5e6f',
};

const raises = (ruleset: Ruleset, fixture: string) =>
  ruleset.evaluate(classify(loadRecord(fixture))).some((rule) => rule.id === 'trailwatch-tampered');

function problemsOf(env: Record<string, string>): ReadonlyArray<{ variable: string; message: string }> {
  try {
    loadProcessorConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe("the processor's own resources", () => {
  it('are read from the deployed environment: its own name, the other functions, rules, topics, alarms, queues, bucket', () => {
    const config = loadProcessorConfig(DEPLOYED);
    expect(config.trailwatchResources).toEqual({ ...EXAMPLE_STACK, topicArns: [TOPIC, EVENTS_TOPIC] });
  });

  it('make the compiled rules raise trailwatch-tampered on changes to them', () => {
    const { ruleset } = loadProcessorConfig(DEPLOYED);
    expect(raises(ruleset, 'self-protection/delete-function')).toBe(true);
    expect(raises(ruleset, 'self-protection/put-bucket-notification')).toBe(true);
    expect(raises(ruleset, 'self-protection/update-function-configuration-other-function')).toBe(false);
  });

  it('default to what the function knows without them: its own name and its topic', () => {
    const config = loadProcessorConfig({
      ALERT_TOPIC_ARN: TOPIC,
      AWS_LAMBDA_FUNCTION_NAME: 'trailwatch-ProcessorFunction-AbC123dEf456',
    });
    expect(config.trailwatchResources).toEqual({
      functionNames: ['trailwatch-ProcessorFunction-AbC123dEf456'],
      eventRuleNames: [],
      topicArns: [TOPIC],
      alarmNames: [],
      queueUrls: [],
      bucketNames: [],
    });
    expect(raises(config.ruleset, 'self-protection/update-function-configuration')).toBe(true);
    expect(raises(config.ruleset, 'self-protection/disable-rule')).toBe(false);
  });

  it.each([
    [
      'TRAILWATCH_FUNCTIONS',
      'arn:aws:lambda:us-east-1:123456789012:function:trailwatch-IndexerFunction-GhI789jKl012',
      'is not a Lambda function name',
    ],
    ['TRAILWATCH_EVENT_RULES', 'trailwatch processor', 'is not an EventBridge rule name'],
    ['TRAILWATCH_ALARMS', 'x'.repeat(256), 'is not a CloudWatch alarm name'],
    ['TRAILWATCH_QUEUE_URLS', 'arn:aws:sqs:us-east-1:123456789012:trailwatch-dlq', 'is not an SQS queue URL'],
    ['TRAILWATCH_BUCKET', 'Trail_Bucket', 'must be an S3 bucket name'],
  ])('reject a malformed %s, naming the variable', (variable, value, message) => {
    const problems = problemsOf({ ...DEPLOYED, [variable]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.variable).toBe(variable);
    expect(problems[0]?.message).toContain(message);
  });

  it('report every malformed variable at once', () => {
    const problems = problemsOf({ ...DEPLOYED, TRAILWATCH_FUNCTIONS: 'a b', TRAILWATCH_BUCKET: 'x' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['TRAILWATCH_BUCKET', 'TRAILWATCH_FUNCTIONS']);
  });
});
