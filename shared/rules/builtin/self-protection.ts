// trailwatch-tampered: someone changed trailwatch itself. A watcher that can be switched off silently is not
// trusted, so the calls that blind it (its functions changed or deleted, their EventBridge rules disabled or
// retargeted, its alert topics deleted or unsubscribed, its alarms deleted or muted, its dead-letter queues
// deleted or purged, the trail bucket's notifications replaced) raise a high alert. The records come from the
// trail trailwatch already reads: these are management events, recorded by default.
//
// The rule is a template: the same EventBridge pattern as every built-in rule, with the stack's resource names
// filled in at cold start (the processor reads them from its environment: functions/processor/config.ts). Without
// names (`trailwatch scan`, which knows no stack) the rule keeps placeholder names no resource can have, so it is
// listed and documented but never matches: alerting on every Lambda or SNS change in an account would be noise.
//
// Event names and request fields, each checked against AWS's documentation:
// - Lambda: CloudTrail writes most Lambda event names with the API version, e.g. `UpdateFunctionConfiguration20150331v2`,
//   `DeleteFunction20150331`, `PutFunctionConcurrency20171031`, `RemovePermission20150331v2` (Lambda Developer Guide,
//   "Logging AWS Lambda API calls using AWS CloudTrail", https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html);
//   `requestParameters.functionName` is what the caller passed: a name, `name:qualifier`, a full or partial ARN
//   (the Stratus Red Team UpdateFunctionCode record in test/fixtures/corpus/ passes the full ARN).
// - EventBridge (events.amazonaws.com): DisableRule, DeleteRule and PutRule take `name`; RemoveTargets and PutTargets
//   take `rule` (Amazon EventBridge API Reference; CloudTrail writes request members in camelCase).
// - SNS: DeleteTopic, SetTopicAttributes, RemovePermission take `topicArn`; Unsubscribe and SetSubscriptionAttributes
//   take `subscriptionArn`, which is the topic ARN, `:` and the subscription id.
// - CloudWatch (monitoring.amazonaws.com): DeleteAlarms and DisableAlarmActions take `alarmNames` (a list),
//   PutMetricAlarm takes `alarmName`.
// - SQS: DeleteQueue, SetQueueAttributes and PurgeQueue take `queueUrl` (Amazon SQS Developer Guide, "Logging Amazon
//   SQS API calls using AWS CloudTrail", example SetQueueAttributes entry). The host of a queue URL varies
//   (sqs.<region>.amazonaws.com, <region>.queue.amazonaws.com), so the URL's `/<account>/<queue>` path is matched.
// - S3: PutBucketNotificationConfiguration is recorded as `PutBucketNotification` with `bucketName` (Amazon S3 User
//   Guide, "Amazon S3 CloudTrail events": bucket-level actions are logged under their legacy names); both names are
//   listed so either spelling matches.
//
// Left out on purpose: DeleteFunctionConcurrency (trailwatch's functions reserve no concurrency, so removing a
// reservation can only let them run more), SetAlarmState (the next evaluation puts the alarm back), SNS Subscribe
// and Lambda AddPermission (they add a reader or a caller, they do not blind trailwatch), and the stack's own
// CloudFormation calls, which show up as the calls CloudFormation makes (invokedBy cloudformation.amazonaws.com).
import type { EventPattern, RuleDefinition } from '../types.js';

export const SELF_PROTECTION_RULE_ID = 'trailwatch-tampered';

/** The deployed stack's resources the rule watches. Every list may be empty; names are exact unless noted. */
export interface TrailwatchResources {
  /** Lambda function names (names, not ARNs). */
  functionNames: readonly string[];
  /** EventBridge rule names on the default event bus. */
  eventRuleNames: readonly string[];
  /** SNS topic ARNs; their subscriptions are watched too. */
  topicArns: readonly string[];
  /** CloudWatch alarm names; `*` matches any run of characters (CloudFormation-generated names end in a random suffix). */
  alarmNames: readonly string[];
  /** SQS queue URLs. */
  queueUrls: readonly string[];
  /** S3 bucket names whose notification configuration delivers log files to trailwatch. */
  bucketNames: readonly string[];
}

export const LAMBDA = 'lambda.amazonaws.com';
export const EVENTS = 'events.amazonaws.com';
export const SNS = 'sns.amazonaws.com';
export const MONITORING = 'monitoring.amazonaws.com';
export const SQS = 'sqs.amazonaws.com';
export const S3 = 's3.amazonaws.com';
/** Every eventSource the rule can match: the reader must parse these records' calls. */
export const SELF_PROTECTION_EVENT_SOURCES = [LAMBDA, EVENTS, SNS, MONITORING, SQS, S3] as const;

/**
 * Lambda calls that change, disconnect or delete a function, under every name CloudTrail has used for them: the
 * versioned names the Lambda Developer Guide lists, and the plain and older versioned names seen in published
 * records (detection rule sets list `DeleteFunction`, `UpdateFunctionCode`, `RemovePermission20150331` too). A
 * name no record carries costs nothing; a missing one would let the call through unseen.
 */
const LAMBDA_CHANGES = [
  ...lambdaEventNames('UpdateFunctionConfiguration', ['20150331', '20150331v2']),
  ...lambdaEventNames('UpdateFunctionCode', ['20150331', '20150331v2']),
  ...lambdaEventNames('DeleteFunction', ['20150331']),
  ...lambdaEventNames('RemovePermission', ['20150331', '20150331v2']),
];
const PUT_CONCURRENCY = lambdaEventNames('PutFunctionConcurrency', ['20171031']);

function lambdaEventNames(action: string, versions: readonly string[]): string[] {
  return [action, ...versions.map((version) => `${action}${version}`)];
}

/**
 * Names no resource can have (spaces and parentheses are outside every naming rule involved), so the rule
 * compiled without a stack matches nothing, yet reads as what it would watch.
 */
export const UNCONFIGURED: TrailwatchResources = {
  functionNames: ['(trailwatch functions: set by the deployed stack)'],
  eventRuleNames: ['(trailwatch EventBridge rules: set by the deployed stack)'],
  topicArns: ['(trailwatch topics: set by the deployed stack)'],
  alarmNames: ['(trailwatch alarms: set by the deployed stack)'],
  queueUrls: ['(trailwatch queues: set by the deployed stack)'],
  bucketNames: ['(trail bucket: set by the deployed stack)'],
};

const DESCRIPTION =
  "A call changed, disconnected or deleted part of trailwatch itself: one of its Lambda functions (configuration, code, invoke permission, reserved concurrency set to 0, deletion), the EventBridge rules that deliver log files to them (disabled, deleted, changed, targets removed or replaced), its SNS topics and subscriptions (deleted, unsubscribed, attributes or policy changed), its CloudWatch alarms (deleted, actions disabled, redefined), its dead-letter queues (deleted, purged, attributes changed), or the trail bucket's notification configuration (which can turn off its EventBridge notifications). After such a change trailwatch may stop alerting without any other sign.";

const NEXT_STEPS = [
  'Check whether this was your own deployment: calls CloudFormation makes during sam deploy show invokedBy cloudformation.amazonaws.com.',
  'If it was not: find out who the caller is and revoke their credentials, then redeploy the stack (sam deploy) to put every resource back as the template defines it.',
  'Run trailwatch doctor --stack <stack name> to check that delivery, the subscription and the alarms work again, and trailwatch test-alert to see an email arrive.',
  'Log files delivered while trailwatch was blind are still in the trail bucket: run trailwatch scan on them for the alerts that were missed.',
];

/** The rule for a stack's resources; with no argument, the inert placeholder form listed among the built-in rules. */
export function selfProtectionRule(resources: TrailwatchResources = UNCONFIGURED): RuleDefinition {
  return {
    id: SELF_PROTECTION_RULE_ID,
    severity: 'high',
    title: 'trailwatch itself was changed',
    description: DESCRIPTION,
    match: selfProtectionPattern(resources),
    nextSteps: NEXT_STEPS,
  };
}

/** The built-in rules with trailwatch-tampered filled with `resources` (the other rules unchanged). */
export function withTrailwatchResources(
  rules: readonly RuleDefinition[],
  resources: TrailwatchResources,
): RuleDefinition[] {
  return rules.map((rule) => (rule.id === SELF_PROTECTION_RULE_ID ? selfProtectionRule(resources) : rule));
}

function selfProtectionPattern(resources: TrailwatchResources): EventPattern {
  const branches: EventPattern[] = [];
  const functionNames = resources.functionNames.flatMap(functionNamePatterns);
  if (functionNames.length > 0) {
    branches.push(
      { eventSource: [LAMBDA], eventName: LAMBDA_CHANGES, requestParameters: { functionName: functionNames } },
      // Reserved concurrency 0 throttles every invocation: the function never runs, and nothing else changes.
      {
        eventSource: [LAMBDA],
        eventName: PUT_CONCURRENCY,
        requestParameters: { functionName: functionNames, reservedConcurrentExecutions: [{ numeric: ['=', 0] }] },
      },
    );
  }
  if (resources.eventRuleNames.length > 0) {
    const names = [...resources.eventRuleNames];
    branches.push(
      {
        eventSource: [EVENTS],
        eventName: ['DisableRule', 'DeleteRule', 'PutRule'],
        requestParameters: { name: names },
      },
      { eventSource: [EVENTS], eventName: ['RemoveTargets', 'PutTargets'], requestParameters: { rule: names } },
    );
  }
  if (resources.topicArns.length > 0) {
    branches.push(
      {
        eventSource: [SNS],
        eventName: ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission'],
        requestParameters: { topicArn: [...resources.topicArns] },
      },
      {
        eventSource: [SNS],
        eventName: ['Unsubscribe', 'SetSubscriptionAttributes'],
        requestParameters: { subscriptionArn: resources.topicArns.map((arn) => ({ prefix: `${arn}:` })) },
      },
    );
  }
  if (resources.alarmNames.length > 0) {
    const names = resources.alarmNames.map(alarmNamePattern);
    branches.push(
      {
        eventSource: [MONITORING],
        eventName: ['DeleteAlarms', 'DisableAlarmActions'],
        requestParameters: { alarmNames: names },
      },
      { eventSource: [MONITORING], eventName: ['PutMetricAlarm'], requestParameters: { alarmName: names } },
    );
  }
  if (resources.queueUrls.length > 0) {
    branches.push({
      eventSource: [SQS],
      eventName: ['DeleteQueue', 'SetQueueAttributes', 'PurgeQueue'],
      requestParameters: { queueUrl: resources.queueUrls.map((url) => ({ suffix: queuePath(url) })) },
    });
  }
  if (resources.bucketNames.length > 0) {
    branches.push({
      eventSource: [S3],
      eventName: ['PutBucketNotification', 'PutBucketNotificationConfiguration'],
      requestParameters: { bucketName: [...resources.bucketNames] },
    });
  }
  if (branches.length === 0) return selfProtectionPattern(UNCONFIGURED);
  const [only] = branches;
  return branches.length === 1 && only ? only : { $or: branches };
}

/** The forms a caller may name a function in: name, name:qualifier, full or partial ARN, with or without qualifier. */
function functionNamePatterns(name: string): Array<string | { wildcard: string }> {
  const literal = escapeWildcard(name);
  return [
    name,
    { wildcard: `${literal}:*` },
    { wildcard: `*:function:${literal}` },
    { wildcard: `*:function:${literal}:*` },
  ];
}

function alarmNamePattern(name: string): string | { wildcard: string } {
  return name.includes('*') ? { wildcard: name } : name;
}

/** `/<account>/<queue>` of a queue URL (the part every host spelling shares); the whole text when it is not a URL. */
function queuePath(url: string): string {
  const match = /^https?:\/\/[^/]+(\/.+)$/.exec(url);
  return match?.[1] ?? url;
}

function escapeWildcard(text: string): string {
  return text.replace(/\*/g, '\\*');
}
