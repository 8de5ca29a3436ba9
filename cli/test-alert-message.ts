// `trailwatch test-alert`, the pure part: the clearly marked message it publishes to a deployed stack's alert topic,
// so the operator sees an email arrive end to end (topic, subscription, mailbox filters).
//
// Shaped like a real alert (functions/processor/sns-message.ts): MessageStructure "json" with `default` (JSON, for SQS,
// Lambda, HTTPS and email-json subscribers) and `email` (text), and the same message attributes, so subscription
// filter policies treat it as they would an alert. Its rule is `trailwatch-test-alert`, which no real alert has.
export const TEST_SUBJECT_PREFIX = '[trailwatch TEST]';
export const TEST_RULE_ID = 'trailwatch-test-alert';

export interface TestAlertInput {
  stackName: string;
  region: string;
  topicArn: string;
  now: Date;
}

export interface TestAlertRequest {
  TopicArn: string;
  Subject: string;
  Message: string;
  MessageStructure: 'json';
  MessageAttributes: Record<string, { DataType: 'String'; StringValue: string }>;
}

/** SNS subjects are ASCII, with no line breaks, under 100 characters (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). */
const MAX_SUBJECT = 99;

export function testAlertRequest({ stackName, region, topicArn, now }: TestAlertInput): TestAlertRequest {
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const subject = `${TEST_SUBJECT_PREFIX} test alert from stack ${stackName} (${region})`.replace(/[^\x20-\x7e]/g, '?');
  const email = [
    'TEST: this is a test alert from trailwatch, not a finding. Nothing happened in your account.',
    '',
    `It was sent by trailwatch test-alert at ${time} to the alert topic of stack ${stackName} in ${region}:`,
    `  ${topicArn}`,
    '',
    'If you are reading this, alerts reach you: the topic publishes and your subscription is confirmed.',
    'Real alerts come from the same topic, with subjects like "[HIGH] DeleteDBInstance ...".',
    '',
    'Subscribers with a filter policy on severity or rule may not receive this message; that is expected.',
  ].join('\n');
  const json = {
    schemaVersion: 1,
    kind: 'test',
    rule: TEST_RULE_ID,
    severity: 'info',
    title: 'trailwatch test alert',
    stack: stackName,
    awsRegion: region,
    time,
  };
  return {
    TopicArn: topicArn,
    Subject: subject.length > MAX_SUBJECT ? `${subject.slice(0, MAX_SUBJECT - 3)}...` : subject,
    Message: JSON.stringify({ default: JSON.stringify(json), email }),
    MessageStructure: 'json',
    MessageAttributes: {
      rule: { DataType: 'String', StringValue: TEST_RULE_ID },
      severity: { DataType: 'String', StringValue: 'info' },
      region: { DataType: 'String', StringValue: region },
    },
  };
}
