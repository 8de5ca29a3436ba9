// Calls beside the story: the set-up around it (SNS topic, log group, role), sign-ins, and odd but real record
// shapes placed once each. Not RDS, Data API or CloudTrail: they count as noise.
import { resource } from '../cloudtrail-synth/record.js';
import { awsServiceActor, johndoeConsole, MARIA_ID, MARIA_SINCE, roleSession } from './actors.js';
import type { Actor, Call } from './call.js';
import { SAMPLE_ACCOUNT, awsDate, HOME, WEST } from './day.js';
import { KMS_KEY } from './databases.js';
import { TOPIC_ARN, TRAIL_ARN } from './resources.js';
import { CONSOLE_HOME, consoleLoginDetails } from '../cloudtrail-synth/other-apis.js';
import { monitor } from './background/actors.js';
import * as ua from '../cloudtrail-synth/user-agents.js';

const cwlRole = roleSession(
  'CloudTrail_CloudWatchLogs_Role',
  'AROA6CTCWLROLEEXAMPL',
  '1763629865021',
  'ASIA6CTCWLSESSION001',
  '09:11:05',
  {
    invokedBy: 'cloudtrail.amazonaws.com',
  },
);
const cloudtrailService: Actor = {
  identity: cwlRole,
  ip: 'cloudtrail.amazonaws.com',
  userAgent: 'cloudtrail.amazonaws.com',
  service: true,
};
const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AWSCloudTrailSNSPolicy20131101',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'SNS:Publish',
      Resource: TOPIC_ARN,
      Condition: { StringEquals: { 'AWS:SourceArn': TRAIL_ARN } },
    },
  ],
});
/** The set-up around the story and two sign-ins, in time order. */
export const BESIDE_THE_STORY: readonly Call[] = [
  {
    at: '08:59:31',
    source: 'sns.amazonaws.com',
    name: 'CreateTopic',
    actor: johndoeConsole,
    readOnly: false,
    request: { name: 'RDSCloudTrail' },
    response: { topicArn: TOPIC_ARN },
  },
  {
    at: '09:00:12',
    source: 'sns.amazonaws.com',
    name: 'Subscribe',
    actor: johndoeConsole,
    readOnly: false,
    request: { topicArn: TOPIC_ARN, protocol: 'email', endpoint: 'johndoe@example.com', returnSubscriptionArn: false },
    response: { subscriptionArn: 'pending confirmation' },
  },
  {
    at: '09:00:58',
    source: 'sns.amazonaws.com',
    name: 'SetTopicAttributes',
    actor: johndoeConsole,
    readOnly: false,
    request: { topicArn: TOPIC_ARN, attributeName: 'Policy', attributeValue: policy },
  },
  {
    at: '09:08:10',
    source: 'logs.amazonaws.com',
    name: 'CreateLogGroup',
    actor: johndoeConsole,
    readOnly: false,
    request: { logGroupName: '/aws/cloudtrail/rds' },
  },
  {
    at: '09:10:22',
    source: 'iam.amazonaws.com',
    name: 'CreateRole',
    actor: johndoeConsole,
    readOnly: false,
    request: {
      roleName: 'CloudTrail_CloudWatchLogs_Role',
      assumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    },
    response: {
      role: {
        path: '/',
        roleName: 'CloudTrail_CloudWatchLogs_Role',
        roleId: 'AROA6CTCWLROLEEXAMPL',
        arn: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`,
        createDate: awsDate('09:10:22'),
        assumeRolePolicyDocument:
          '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22cloudtrail.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D',
      },
    },
  },
  {
    at: '09:10:24',
    source: 'iam.amazonaws.com',
    name: 'PutRolePolicy',
    actor: johndoeConsole,
    readOnly: false,
    request: {
      roleName: 'CloudTrail_CloudWatchLogs_Role',
      policyName: 'oneClick_CloudTrail_CloudWatchLogs_Role_1763629824118',
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AWSCloudTrailCreateLogStream2014110',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [
              `arn:aws:logs:${HOME}:${SAMPLE_ACCOUNT}:log-group:/aws/cloudtrail/rds:log-stream:${SAMPLE_ACCOUNT}_CloudTrail_*`,
            ],
          },
        ],
      }),
    },
  },
  {
    at: '09:11:40',
    source: 'logs.amazonaws.com',
    name: 'CreateLogStream',
    actor: cloudtrailService,
    readOnly: false,
    request: { logGroupName: '/aws/cloudtrail/rds', logStreamName: `${SAMPLE_ACCOUNT}_CloudTrail_${HOME}` },
  },
  {
    at: '09:11:41',
    source: 'logs.amazonaws.com',
    name: 'CreateLogStream',
    actor: cloudtrailService,
    readOnly: false,
    request: { logGroupName: '/aws/cloudtrail/rds', logStreamName: `${SAMPLE_ACCOUNT}_CloudTrail_${WEST}` },
  },
  // A later sign-in without MFA, and a failed one.
  {
    at: MARIA_SINCE,
    source: 'signin.amazonaws.com',
    name: 'ConsoleLogin',
    actor: {
      identity: {
        type: 'IAMUser',
        principalId: MARIA_ID,
        arn: `arn:aws:iam::${SAMPLE_ACCOUNT}:user/maria.garcia`,
        accountId: SAMPLE_ACCOUNT,
        userName: 'maria.garcia',
      },
      ip: '203.0.113.57',
      userAgent: ua.BROWSER_FIREFOX_WINDOWS,
    },
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    response: { ConsoleLogin: 'Success' },
    additional: consoleLoginDetails(
      'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_5c2e1b0d9a8f7e6d',
      false,
    ),
    host: 'signin.aws.amazon.com',
  },
  // A failed console sign-in: errorMessage without errorCode.
  {
    at: '15:03:27',
    source: 'signin.amazonaws.com',
    name: 'ConsoleLogin',
    actor: {
      identity: {
        type: 'IAMUser',
        principalId: 'AIDA6PTESTUSEREXAMPL',
        accountId: SAMPLE_ACCOUNT,
        accessKeyId: '',
        userName: 'p.test',
      },
      ip: '192.0.2.231',
      userAgent: ua.BROWSER_CHROME_MAC,
    },
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    error: { code: '', message: 'Failed authentication' },
    omit: ['errorCode'],
    response: { ConsoleLogin: 'Failure' },
    additional: consoleLoginDetails(CONSOLE_HOME, false),
    host: 'signin.aws.amazon.com',
  },
];

/** Odd but real record shapes, placed once each. */
/** Odd but real record shapes, placed once each. */
export const ODDITIES: readonly Call[] = [
  // A service event: userIdentity without `type`, no requestID, sourceIPAddress "AWS Internal".
  {
    at: '13:26:00',
    source: 'kms.amazonaws.com',
    name: 'RotateKey',
    actor: {
      identity: { accountId: SAMPLE_ACCOUNT, invokedBy: 'AWS Internal' },
      ip: 'AWS Internal',
      userAgent: 'AWS Internal',
      service: true,
    },
    readOnly: false,
    eventType: 'AwsServiceEvent',
    resources: [resource('AWS::KMS::Key', KMS_KEY, SAMPLE_ACCOUNT)],
    omit: ['requestID'],
  },
  // requestParameters too large: CloudTrail replaces them.
  {
    at: '13:31:12',
    source: 'cloudformation.amazonaws.com',
    name: 'ValidateTemplate',
    actor: {
      identity: roleSession(
        'ci-deploy-role',
        'AROA6CIDEPLOYROLEXMP',
        'github-actions-8812',
        'ASIA6CIDEPLOYGHA8812',
        '13:29:58',
      ),
      ip: '192.0.2.145',
      userAgent: ua.awsCli('cloudformation.validate-template', 'ubuntu-ci'),
      tls: 'TLSv1.3',
    },
    readOnly: true,
    request: { reason: 'requestParameters too large', omitted: true },
  },
  // Delivered late: the event happened before the 09:05 file was written, but it is in the 09:20 file.
  {
    at: '09:04:10',
    source: 'ec2.amazonaws.com',
    name: 'DescribeInstances',
    actor: monitor(HOME, 'ec2#1.258.1', '09:04:10'),
    readOnly: true,
    request: { instancesSet: {}, filterSet: {} },
    deliverIn: 'd02',
  },
  // A record without userAgent, as some service-originated records are.
  {
    at: '16:36:50',
    source: 'ec2.amazonaws.com',
    name: 'DescribeInstances',
    actor: awsServiceActor('autoscaling.amazonaws.com'),
    readOnly: true,
    request: { instancesSet: { items: [{ instanceId: 'i-0a12b34c56d78e901' }] }, filterSet: {} },
    omit: ['userAgent'],
  },
];
