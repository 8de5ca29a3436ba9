// The deployed stack's own resources, for the trailwatch-tampered rule (shared/rules/builtin/self-protection.ts).
// Read once at cold start by loadProcessorConfig; template.yaml sets the variables from the stack's resources.
//
// - AWS_LAMBDA_FUNCTION_NAME: this function's own name, set by Lambda (the template cannot !Ref a function from
//   its own properties); TRAILWATCH_FUNCTIONS: the stack's other functions.
// - ALERT_TOPIC_ARN and ALERT_EVENTS_TOPIC_ARN: the topics are the ones this function publishes to.
// - TRAILWATCH_EVENT_RULES, TRAILWATCH_ALARMS, TRAILWATCH_QUEUE_URLS, TRAILWATCH_BUCKET: comma-separated.
// Every variable is optional: the rule watches whatever is named (a local run names only its topic).
import type { TrailwatchResources } from '../../shared/rules/builtin/self-protection.js';
import { commaList, InvalidValue, type EnvReader, type ValueParser } from '../lib/config.js';

/** Lambda function names: 1-64 letters, digits, `-` and `_` (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html). */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** EventBridge rule names: 1-64 of `.`, `-`, `_`, letters and digits (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html). */
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
/** Alarm names: 1-255 characters (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html); no comma, the list separator. */
const ALARM_NAME = /^[^,]{1,255}$/;
/**
 * Queue URLs: https://<host>/<account>/<queue name>, names 1-80 letters, digits, `-` and `_`, `.fifo` for FIFO
 * queues (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
 */
const QUEUE_URL = /^https:\/\/[A-Za-z0-9.-]+\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
/** Bucket names: 3-63 lower-case letters, digits, `.` and `-` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function listOf(pattern: RegExp, what: string): ValueParser<string[]> {
  return (value) => {
    const items = commaList(value);
    const bad = items.find((item) => !pattern.test(item));
    if (bad !== undefined) throw new InvalidValue(`"${bad}" is not ${what}`);
    return items;
  };
}

const bucketName: ValueParser<string> = (value) => {
  if (!BUCKET_NAME.test(value)) throw new InvalidValue('must be an S3 bucket name');
  return value;
};

/** The resources named by the environment; `topicArns` are the (already checked) topics this function publishes to. */
export function readTrailwatchResources(
  reader: EnvReader,
  topicArns: ReadonlyArray<string | undefined>,
): TrailwatchResources {
  const own = reader.value('AWS_LAMBDA_FUNCTION_NAME');
  const others = reader.optional(
    'TRAILWATCH_FUNCTIONS',
    listOf(FUNCTION_NAME, 'a Lambda function name (names, not ARNs)'),
    [],
  );
  const bucket = reader.optional('TRAILWATCH_BUCKET', bucketName, undefined);
  return {
    functionNames: unique([...(own !== undefined && FUNCTION_NAME.test(own) ? [own] : []), ...others]),
    eventRuleNames: reader.optional('TRAILWATCH_EVENT_RULES', listOf(RULE_NAME, 'an EventBridge rule name'), []),
    topicArns: unique(topicArns.filter((arn): arn is string => arn !== undefined)),
    alarmNames: reader.optional('TRAILWATCH_ALARMS', listOf(ALARM_NAME, 'a CloudWatch alarm name'), []),
    queueUrls: reader.optional(
      'TRAILWATCH_QUEUE_URLS',
      listOf(QUEUE_URL, 'an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>)'),
      [],
    ),
    bucketNames: bucket === undefined ? [] : [bucket],
  };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
