// `trailwatch test-alert`: a clearly marked test alert through the deployed stack's alert topic.
import 'aws-sdk-client-mock-vitest/extend';
import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../cli/trailwatch.js';
import { TEST_RULE_ID, testAlertRequest } from '../cli/test-alert-message.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-AlertTopic-Q1w2E3r4T5y6';
const NOW = new Date('2026-12-03T14:00:00.123Z');
const cloudformation = mockClient(CloudFormationClient);
const sns = mockClient(SNSClient);

beforeEach(() => {
  cloudformation.reset();
  sns.reset();
  cloudformation.on(DescribeStacksCommand, { StackName: 'trailwatch' }).resolves({
    Stacks: [
      {
        StackName: 'trailwatch',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: NOW,
        Outputs: [{ OutputKey: 'AlertTopicArn', OutputValue: TOPIC }],
      },
    ],
  });
  sns.on(PublishCommand).resolves({ MessageId: '5a9c6f2e-1b8d-5e4f-9a0b-3c2d1e0f9a8b' });
});
afterAll(() => {
  cloudformation.restore();
  sns.restore();
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false });
  return { code, out, err };
}

describe('the test alert message', () => {
  const request = testAlertRequest({ stackName: 'trailwatch', region: 'us-east-1', topicArn: TOPIC, now: NOW });

  it('has a subject that starts [trailwatch TEST] and names the stack', () => {
    expect(request.Subject).toBe('[trailwatch TEST] test alert from stack trailwatch (us-east-1)');
  });

  it('says in the email that it is a test and not a finding', () => {
    const { email } = JSON.parse(request.Message) as { email: string };
    expect(email.split('\n')[0]).toBe(
      'TEST: this is a test alert from trailwatch, not a finding. Nothing happened in your account.',
    );
    expect(email).toContain('at 2026-12-03T14:00:00Z to the alert topic of stack trailwatch in us-east-1');
  });

  it('has a JSON default for programs, marked kind test with its own rule id', () => {
    const { default: json } = JSON.parse(request.Message) as { default: string };
    expect(JSON.parse(json)).toMatchObject({ kind: 'test', rule: TEST_RULE_ID, severity: 'info', stack: 'trailwatch' });
    expect(request.MessageStructure).toBe('json');
    expect(request.MessageAttributes.rule).toEqual({ DataType: 'String', StringValue: TEST_RULE_ID });
  });

  it("keeps the subject under SNS's 100 characters for the longest stack name", () => {
    const long = testAlertRequest({
      stackName: `a${'b'.repeat(127)}`,
      region: 'ap-southeast-2',
      topicArn: TOPIC,
      now: NOW,
    });
    expect(long.Subject.length).toBeLessThan(100);
    expect(long.Subject.startsWith('[trailwatch TEST] ')).toBe(true);
  });
});

describe('trailwatch test-alert', () => {
  it("publishes the test alert to the stack's alert topic and exits 0", async () => {
    const { code, out } = await run(['test-alert', '--stack', 'trailwatch', '--region', 'us-east-1']);
    expect(code).toBe(0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(TOPIC);
    expect(input?.Subject?.startsWith('[trailwatch TEST]')).toBe(true);
    expect(out[0]).toMatch(/^Sent "\[trailwatch TEST\] .*" to arn:aws:sns:.* \(message id 5a9c6f2e-/);
  });

  it('exits 1 without publishing when the stack does not exist', async () => {
    cloudformation.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: 'ValidationError',
        message: 'Stack with id nope does not exist',
        $fault: 'client',
        $metadata: {},
      }),
    );
    const { code, err } = await run(['test-alert', '--stack', 'nope', '--region', 'us-east-1']);
    expect(code).toBe(1);
    expect(err[0]).toMatch(/cannot describe stack nope in us-east-1: ValidationError/);
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('exits 1 when the stack has no alert topic output', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'other', StackStatus: 'CREATE_COMPLETE', CreationTime: NOW, Outputs: [] }] });
    const { code, err } = await run(['test-alert', '--stack', 'other', '--region', 'us-east-1']);
    expect(code).toBe(1);
    expect(err[0]).toMatch(/has no AlertTopicArn output/);
  });

  it('exits 1 and names the permission when SNS refuses', async () => {
    sns.on(PublishCommand).rejects(
      new SNSServiceException({
        name: 'AuthorizationError',
        message: 'User is not authorized to perform: SNS:Publish',
        $fault: 'client',
        $metadata: {},
      }),
    );
    const { code, err } = await run(['test-alert', '--stack', 'trailwatch', '--region', 'us-east-1']);
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/sns:Publish/);
  });

  it('exits 2 without --stack', async () => {
    const { code, err } = await run(['test-alert', '--region', 'us-east-1']);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/test-alert needs --stack NAME/);
  });
});
