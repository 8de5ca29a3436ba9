// Deploying in an organisation's log-archive account (issue 18): alerts and alarms into a topic of another account
// (ExistingAlertTopicArn), and a trail bucket encrypted with a KMS key of another account (TrailKmsKeyArn). The
// topic's and the key's own policies live in the accounts that own them (README "Scale" says what to add); here:
// what the stack creates, what its roles are allowed, and what CloudFormation lets through.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Evaluator, isObject, loadTemplate, type Json, type JsonObject } from './helpers/template.js';

const template = loadTemplate();
const SECURITY_ACCOUNT = '999988887777';
const MANAGEMENT_ACCOUNT = '555544443333';
const TOPIC = `arn:aws:sns:us-east-1:${SECURITY_ACCOUNT}:security-alerts`;
const TOPIC_KEY = `arn:aws:kms:us-east-1:${SECURITY_ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
const TRAIL_KEY = `arn:aws:kms:us-east-1:${MANAGEMENT_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ORG_BUCKET = {
  AlertEmail: 'none',
  ExistingBucketName: 'org-trail-logs',
  ExistingBucketRegion: 'us-east-1',
  ExistingAlertTopicArn: TOPIC,
};

function accepts(name: string, value: string): boolean {
  const pattern = template.Parameters?.[name]?.AllowedPattern;
  if (!pattern) throw new Error(`${name} has no AllowedPattern`);
  return new RegExp(`^(?:${pattern})$`, 'u').test(value);
}

/** The statements of a function's inline policies, by Sid. */
function statements(evaluator: Evaluator, fn: string): Record<string, JsonObject> {
  const policies = evaluator.properties(fn).Policies as Json[];
  const all = policies.flatMap((p) => (isObject(p) && Array.isArray(p.Statement) ? p.Statement : []));
  return Object.fromEntries(all.filter(isObject).map((s) => [String(s.Sid), s]));
}

/** The AssertDescriptions CloudFormation would fail the deploy with (Rules), for these parameters. */
function failedAssertions(overrides: Record<string, string>): string[] {
  const evaluator = new Evaluator(template, overrides);
  const failed: string[] = [];
  for (const rule of Object.values(template.Rules ?? {})) {
    if (rule.RuleCondition !== undefined && evaluator.value(rule.RuleCondition) !== true) continue;
    for (const assertion of rule.Assertions as Array<{ Assert: Json; AssertDescription: string }>) {
      if (evaluator.value(assertion.Assert) !== true) failed.push(assertion.AssertDescription);
    }
  }
  return failed;
}

describe('ExistingAlertTopicArn', () => {
  it('accepts a standard topic of any account (property), other partitions, and empty', () => {
    expect(accepts('ExistingAlertTopicArn', '')).toBe(true);
    const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,256}$/);
    const account = fc.stringMatching(/^\d{12}$/);
    fc.assert(
      fc.property(account, name, (a, n) => accepts('ExistingAlertTopicArn', `arn:aws:sns:eu-west-1:${a}:${n}`)),
    );
    expect(accepts('ExistingAlertTopicArn', `arn:aws-us-gov:sns:us-gov-west-1:${SECURITY_ACCOUNT}:alerts`)).toBe(true);
  });

  it.each([
    ['a FIFO topic (PublishBatch would need a MessageGroupId)', `${TOPIC}.fifo`],
    ['a topic name alone', 'security-alerts'],
    ['a subscription ARN', `${TOPIC}:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`],
    ['an 11-digit account', 'arn:aws:sns:us-east-1:99998888777:security-alerts'],
    ['another service', `arn:aws:sqs:us-east-1:${SECURITY_ACCOUNT}:security-alerts`],
  ])('refuses %s', (_why, value) => {
    expect(accepts('ExistingAlertTopicArn', value)).toBe(false);
  });

  const org = new Evaluator(template, ORG_BUCKET);

  it('creates no topic, topic policy or subscription', () => {
    for (const id of ['AlertTopic', 'AlertTopicPolicy', 'AlertEmailSubscription']) {
      expect(org.exists(template.Resources[id] as { Condition?: Json }), id).toBe(false);
    }
  });

  it('has the processor publish to it, and allows exactly that', () => {
    expect((org.properties('ProcessorFunction').Environment as JsonObject).Variables).toMatchObject({
      ALERT_TOPIC_ARN: TOPIC,
    });
    expect(statements(org, 'ProcessorFunction').PublishAlerts).toMatchObject({
      Action: 'sns:Publish',
      Resource: TOPIC,
    });
    const withEvents = new Evaluator(template, { ...ORG_BUCKET, CreateAlertEventsTopic: 'true' });
    expect(statements(withEvents, 'ProcessorFunction').PublishAlerts?.Resource).toEqual([
      TOPIC,
      withEvents.ref('AlertEventsTopic'),
    ]);
  });

  it('sends every alarm to it, and names it in the AlertTopicArn output (doctor and test-alert read that)', () => {
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(5);
    for (const [id] of alarms) {
      const p = org.properties(id);
      expect(p.AlarmActions, id).toEqual([TOPIC]);
      if (p.OKActions !== undefined) expect(p.OKActions, id).toEqual([TOPIC]);
    }
    expect(org.value(template.Outputs?.AlertTopicArn?.Value as Json)).toBe(TOPIC);
  });

  it('grants the key of an encrypted topic of another account to the processor (AlertTopicKmsKeyArn)', () => {
    const encrypted = new Evaluator(template, { ...ORG_BUCKET, AlertTopicKmsKeyArn: TOPIC_KEY });
    expect(statements(encrypted, 'ProcessorFunction').EncryptForAlertTopics).toMatchObject({
      Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      Resource: TOPIC_KEY,
    });
  });

  it('leaves a stack without it as it was: its own topic, for the processor and the alarms', () => {
    const own = new Evaluator(template, { AlertEmail: 'ops@example.com' });
    const topic = own.ref('AlertTopic');
    expect(own.exists(template.Resources.AlertEmailSubscription as { Condition?: Json })).toBe(true);
    expect(statements(own, 'ProcessorFunction').PublishAlerts?.Resource).toBe(topic);
    expect(own.properties('HeartbeatAlarm').AlarmActions).toEqual([topic]);
  });

  it('fails the deploy when an email address is given with it, saying where to subscribe instead', () => {
    expect(failedAssertions(ORG_BUCKET)).toEqual([]);
    const failed = failedAssertions({ ...ORG_BUCKET, AlertEmail: 'secops@example.com' });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/set AlertEmail to none.*account that owns it/s);
  });
});

describe('TrailKmsKeyArn of another account (an organisation trail encrypted in the management account)', () => {
  it('is accepted', () => {
    expect(accepts('TrailKmsKeyArn', TRAIL_KEY)).toBe(true);
  });

  it('lets both functions decrypt the log files with exactly that key', () => {
    const evaluator = new Evaluator(template, { ...ORG_BUCKET, TrailKmsKeyArn: TRAIL_KEY });
    for (const fn of ['ProcessorFunction', 'IndexerFunction']) {
      expect(statements(evaluator, fn).DecryptTrailLogFiles, fn).toEqual({
        Sid: 'DecryptTrailLogFiles',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: TRAIL_KEY,
      });
    }
  });

  it("reads every account's logs under the organisation's folder (AWSLogs/o-.../<account>/...)", () => {
    const evaluator = new Evaluator(template, ORG_BUCKET);
    expect(statements(evaluator, 'ProcessorFunction').ReadTrailLogFiles?.Resource).toBe(
      'arn:aws:s3:::org-trail-logs/AWSLogs/*',
    );
  });
});
