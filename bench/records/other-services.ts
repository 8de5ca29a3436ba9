// Everything else (~88 % of records): 14 other services, with RDS names inside some (traps for naive matching).
// Here the pick of a service and the small ones; S3/EC2 and STS/KMS/IAM/Lambda have their own modules.
import type { Random } from '../../scripts/cloudtrail-synth/random.js';
import { consoleLoginDetails, CONSOLE_HOME } from '../../scripts/cloudtrail-synth/other-apis.js';
import { resource } from '../../scripts/cloudtrail-synth/record.js';
import { eventTime } from '../../scripts/cloudtrail-synth/times.js';
import { LOWER_ALNUM } from '../../scripts/cloudtrail-synth/alphabets.js';
import type { Envelope } from './envelope.js';
import { iamEvent, kmsEvent, lambdaEvent, stsEvent } from './other-iam-sts-kms-lambda.js';
import { ec2Event, s3Event } from './other-s3-ec2.js';
import { accountOf, type Context, type Principal, principalFor } from './principals.js';
import { DB_WORDS, ENVS, FREE_TEXT } from './vocabulary.js';

/** What every service's generator gets: the draws so far and the shared context. */
export interface OtherCall {
  ctx: Context;
  rng: Random;
  region: string;
  base: { source: string; principal: Principal };
  account: string;
  principal: Principal;
}

export function otherEvent(ctx: Context, region: string): Envelope {
  const { rng } = ctx;
  const source = rng.weighted<string>([
    [20, 's3.amazonaws.com'],
    [16, 'ec2.amazonaws.com'],
    [14, 'sts.amazonaws.com'],
    [12, 'kms.amazonaws.com'],
    [6, 'iam.amazonaws.com'],
    [6, 'lambda.amazonaws.com'],
    [6, 'dynamodb.amazonaws.com'],
    [5, 'logs.amazonaws.com'],
    [4, 'secretsmanager.amazonaws.com'],
    [3, 'events.amazonaws.com'],
    [3, 'ssm.amazonaws.com'],
    [2, 'signin.amazonaws.com'],
    [2, 'monitoring.amazonaws.com'],
    [1, 'elasticloadbalancing.amazonaws.com'],
  ]);
  const principal = principalFor(ctx, source);
  const account = accountOf(ctx, principal);
  const base = { source, principal };
  const c: OtherCall = { ctx, rng, region, base, account, principal };
  switch (source) {
    case 's3.amazonaws.com':
      return s3Event(c);
    case 'ec2.amazonaws.com':
      return ec2Event(c);
    case 'sts.amazonaws.com':
      return stsEvent(c);
    case 'kms.amazonaws.com':
      return kmsEvent(c);
    case 'iam.amazonaws.com':
      return iamEvent(c);
    case 'lambda.amazonaws.com':
      return lambdaEvent(c);
    case 'dynamodb.amazonaws.com':
      return dynamodbEvent(c);
    case 'logs.amazonaws.com':
      return logsEvent(c);
    case 'secretsmanager.amazonaws.com':
      return secretsmanagerEvent(c);
    case 'events.amazonaws.com':
      return eventsEvent(c);
    case 'ssm.amazonaws.com':
      return ssmEvent(c);
    case 'signin.amazonaws.com':
      return signinEvent(c);
    case 'monitoring.amazonaws.com':
      return monitoringEvent(c);
    default:
      return elasticloadbalancingEvent(c);
  }
}

function dynamodbEvent(c: OtherCall): Envelope {
  const { rng, region, base, account } = c;
  const table = `${rng.pick(DB_WORDS)}-${rng.pick(ENVS)}`;
  const name = rng.pick(['DescribeTable', 'DescribeTable', 'ListTables', 'UpdateTable', 'DescribeContinuousBackups']);
  return {
    ...base,
    name,
    readOnly: name !== 'UpdateTable',
    requestParameters: name === 'ListTables' ? null : { tableName: table },
    responseElements: null,
    resources: [resource('AWS::DynamoDB::Table', `arn:aws:dynamodb:${region}:${account}:table/${table}`, account)],
  };
}

function logsEvent(c: OtherCall): Envelope {
  const { ctx, rng, base } = c;
  // RDS log exports land in log groups named after the instance: RDS names inside non-RDS events.
  const group = rng.chance(0.5)
    ? `/aws/rds/instance/${rng.pick(ctx.dbIds)}/postgresql`
    : `/aws/lambda/${rng.pick(['orders-api', 'nightly-report'])}`;
  const name = rng.pick(['CreateLogStream', 'DescribeLogGroups', 'PutRetentionPolicy', 'FilterLogEvents']);
  return {
    ...base,
    name,
    readOnly: name.startsWith('Describe') || name.startsWith('Filter'),
    requestParameters: {
      logGroupName: group,
      ...(name === 'CreateLogStream'
        ? { logStreamName: `${eventTime(ctx.baseTime).slice(0, 10)}/[$LATEST]${rng.hex(32)}` }
        : {}),
      ...(name === 'FilterLogEvents'
        ? { filterPattern: '{ $.eventSource = "rds.amazonaws.com" && $.errorCode = "*" }' }
        : {}),
    },
    responseElements: null,
  };
}

function secretsmanagerEvent(c: OtherCall): Envelope {
  const { rng, region, base, account } = c;
  const secret = `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-${rng.uuid()}-${rng.chars(LOWER_ALNUM, 6)}`;
  const name = rng.pick(['GetSecretValue', 'GetSecretValue', 'DescribeSecret', 'RotateSecret']);
  return {
    ...base,
    name,
    readOnly: name !== 'RotateSecret',
    requestParameters: { secretId: secret },
    responseElements:
      name === 'RotateSecret' ? { arn: secret, name: secret.split(':').pop() ?? secret, versionId: rng.uuid() } : null,
  };
}

function eventsEvent(c: OtherCall): Envelope {
  const { rng, region, base, account } = c;
  // An event pattern naming rds.amazonaws.com, inside a JSON string: a trap for naive byte matching.
  const pattern = {
    source: ['aws.rds'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['rds.amazonaws.com'], eventName: ['DeleteDBInstance', 'ModifyDBInstance'] },
  };
  const name = rng.pick(['PutRule', 'DescribeRule', 'PutTargets', 'ListRules']);
  return {
    ...base,
    name,
    readOnly: name.startsWith('Describe') || name.startsWith('List'),
    requestParameters:
      name === 'PutRule'
        ? {
            name: 'rds-changes',
            eventPattern: JSON.stringify(pattern),
            state: 'ENABLED',
            description: rng.pick(FREE_TEXT),
          }
        : { name: 'rds-changes' },
    responseElements: name === 'PutRule' ? { ruleArn: `arn:aws:events:${region}:${account}:rule/rds-changes` } : null,
  };
}

function ssmEvent(c: OtherCall): Envelope {
  const { rng, base } = c;
  const name = rng.pick(['GetParameter', 'GetParameters', 'PutParameter', 'DescribeInstanceInformation']);
  const param = rng.pick([
    '/orders/prod/db-endpoint',
    '/billing/rds/master-user',
    'C:\\ProgramData\\Amazon\\SSM\\config',
    '\\\\fileserver\\share\\path',
  ]);
  return {
    ...base,
    name,
    readOnly: name !== 'PutParameter',
    requestParameters:
      name === 'DescribeInstanceInformation' ? { maxResults: 50 } : { name: param, withDecryption: rng.chance(0.5) },
    responseElements: name === 'PutParameter' ? { version: rng.range(1, 40), tier: 'Standard' } : null,
  };
}

function signinEvent(c: OtherCall): Envelope {
  const { rng, base } = c;
  const ok = rng.chance(0.9);
  return {
    ...base,
    name: 'ConsoleLogin',
    readOnly: false,
    requestParameters: null,
    responseElements: { ConsoleLogin: ok ? 'Success' : 'Failure' },
    additionalEventData: consoleLoginDetails(CONSOLE_HOME, rng.chance(0.7)),
    eventType: 'AwsConsoleSignIn',
    ...(ok ? {} : { error: { code: 'Failed authentication', message: 'Failed authentication' } }),
  };
}

function monitoringEvent(c: OtherCall): Envelope {
  const { ctx, rng, base } = c;
  return {
    ...base,
    name: rng.pick(['GetMetricData', 'DescribeAlarms', 'PutMetricAlarm']),
    readOnly: true,
    requestParameters: { alarmNames: [`rds-${rng.pick(ctx.dbIds)}-cpu-high`] },
    responseElements: null,
  };
}

function elasticloadbalancingEvent(c: OtherCall): Envelope {
  const { rng, base } = c;
  return {
    ...base,
    name: rng.pick(['DescribeLoadBalancers', 'DescribeTargetHealth', 'DescribeTargetGroups']),
    readOnly: true,
    requestParameters: { pageSize: 400 },
    responseElements: null,
  };
}
