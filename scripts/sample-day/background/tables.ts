// What the background is made of, by weight, in each region.
import type { JsonObject } from '../../../shared/cloudtrail.js';
import { BASE64, HEX, UPPER_ALNUM } from '../../cloudtrail-synth/alphabets.js';
import { uuidFor } from '../../cloudtrail-synth/labelled.js';
import { resource } from '../../cloudtrail-synth/record.js';
import { assumeRoleResponse } from '../../cloudtrail-synth/other-apis.js';
import { awsServiceActor, johndoeConsole, MARIA_SINCE, mariaConsole, roleSession } from '../actors.js';
import type { Actor, Call } from '../call.js';
import { SAMPLE_ACCOUNT, awsDate, toSeconds, VENDOR_ACCOUNT } from '../day.js';
import { KMS_KEY, KMS_KEY_WEST, ORDERS } from '../databases.js';
import { APP_BUCKET, WEST_BUCKET } from '../resources.js';
import {
  APP_ROLE_ID,
  appTask,
  BACKUP_ROLE_ID,
  monitor,
  MONITOR_ROLE_ID,
  type NoiseMaker,
  ordersApi,
} from './actors.js';
import { appObjectKey, ec2Describe, lambdaAssumeRole, rdsKmsDecrypt, s3Object, ssmAgent } from './calls.js';
import * as ua from '../../cloudtrail-synth/user-agents.js';

export const NOISE_HOME: [number, NoiseMaker][] = [
  [7, (rng, at, region) => [s3Object(rng, at, region, APP_BUCKET, appTask(rng), false, appObjectKey(rng))]],
  [
    4,
    (rng, at, region) => [
      s3Object(
        rng,
        at,
        region,
        APP_BUCKET,
        appTask(rng),
        true,
        `orders/2026/11/20/order-${rng.range(100000, 999999)}.json`,
      ),
    ],
  ],
  [
    2,
    (rng, at, region) => [
      s3Object(
        rng,
        at,
        region,
        APP_BUCKET,
        ordersApi(),
        false,
        `config/orders-api/${rng.pick(['feature-flags.json', 'pricing-rules.json'])}`,
      ),
    ],
  ],
  [5, (rng, at, region) => [ec2Describe(rng, at, region, monitor(region, 'ec2#1.258.1', at))]],
  [1, (rng, at, region) => [ec2Describe(rng, at, region, johndoeConsole)]],
  // maria.garcia browses the EC2 console after signing in (without MFA) at 12:03:44.
  [
    1,
    (rng, at, region) => (toSeconds(at) >= toSeconds(MARIA_SINCE) ? [ec2Describe(rng, at, region, mariaConsole)] : []),
  ],
  [2, lambdaAssumeRole],
  [
    1,
    (rng, at, region) => [
      {
        at,
        region,
        source: 'sts.amazonaws.com',
        name: 'AssumeRole',
        actor: awsServiceActor('ecs-tasks.amazonaws.com'),
        readOnly: true,
        request: {
          roleArn: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/app-ecs-task-role`,
          roleSessionName: rng.chars(HEX, 32),
        },
        response: assumeRoleResponse({
          accessKeyId: `ASIA6${rng.chars(UPPER_ALNUM, 15)}`,
          sessionToken: rng.chars(BASE64, 88),
          expiration: awsDate(at, 21600),
          assumedRoleId: `${APP_ROLE_ID}:task`,
          arn: `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/app-ecs-task-role/task`,
        }),
        resources: [
          resource('AWS::IAM::Role', `arn:aws:iam::${SAMPLE_ACCOUNT}:role/app-ecs-task-role`, SAMPLE_ACCOUNT),
        ],
      },
    ],
  ],
  [
    2,
    (rng, at, region) => [
      {
        at,
        region,
        source: 'sts.amazonaws.com',
        name: 'AssumeRole',
        actor: {
          identity: {
            type: 'AWSAccount',
            principalId: `AROA6VENDORSCANNERXM:scanner-${rng.chars(HEX, 6)}`,
            accountId: VENDOR_ACCOUNT,
          },
          ip: '192.0.2.200',
          userAgent: ua.goSdk('sts#1.38.6'),
          tls: 'TLSv1.3',
        },
        readOnly: true,
        request: {
          roleArn: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/monitoring-readonly`,
          roleSessionName: 'monitor-7f3e2a',
          externalId: 'f2b9c1d7e4a8',
          durationSeconds: 3600,
        },
        response: assumeRoleResponse({
          accessKeyId: `ASIA6${rng.chars(UPPER_ALNUM, 15)}`,
          sessionToken: rng.chars(BASE64, 88),
          expiration: awsDate(at, 3600),
          assumedRoleId: `${MONITOR_ROLE_ID}:monitor-7f3e2a`,
          arn: `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/monitoring-readonly/monitor-7f3e2a`,
        }),
        resources: [
          resource('AWS::IAM::Role', `arn:aws:iam::${SAMPLE_ACCOUNT}:role/monitoring-readonly`, SAMPLE_ACCOUNT),
        ],
        host: `sts.${region}.amazonaws.com`,
      },
    ],
  ],
  [
    1,
    (_rng, at, region) => [
      {
        at,
        region,
        source: 'sts.amazonaws.com',
        name: 'GetCallerIdentity',
        actor: monitor(region, 'sts#1.38.6', at),
        readOnly: true,
      },
    ],
  ],
  [
    3,
    (rng, at, region) => {
      // The function reads its database secret; Secrets Manager decrypts it with KMS on the caller's behalf.
      const actor = ordersApi();
      const secret = `arn:aws:secretsmanager:${region}:${SAMPLE_ACCOUNT}:secret:orders-prod/app-credentials-Tq3s9L`;
      const version = uuidFor(`secret-version:${rng.range(1, 3)}`);
      const calls: Call[] = [
        {
          at,
          region,
          source: 'secretsmanager.amazonaws.com',
          name: 'GetSecretValue',
          actor,
          readOnly: true,
          request: { secretId: secret },
        },
        {
          at,
          region,
          source: 'kms.amazonaws.com',
          name: 'Decrypt',
          actor: {
            identity: { ...actor.identity, invokedBy: 'secretsmanager.amazonaws.com' },
            ip: 'secretsmanager.amazonaws.com',
            userAgent: 'secretsmanager.amazonaws.com',
            service: true,
          },
          readOnly: true,
          request: {
            encryptionContext: { SecretARN: secret, SecretVersionId: version },
            encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          },
          resources: [resource('AWS::KMS::Key', KMS_KEY, SAMPLE_ACCOUNT)],
        },
      ];
      return calls;
    },
  ],
  [2, (_rng, at, region) => [rdsKmsDecrypt(at, region, ORDERS.resourceId, KMS_KEY)]],
  [4, ssmAgent],
  [
    2,
    (rng, at, region) => {
      const [name, request] = rng.pick<[string, JsonObject | null]>([
        ['ListUsers', null],
        ['ListRoles', null],
        ['GetAccountSummary', null],
        ['ListPolicies', { scope: 'Local', onlyAttached: false, policyUsageFilter: 'PermissionsPolicy' }],
        ['ListAttachedRolePolicies', { roleName: 'app-ecs-task-role' }],
        ['GetAccountPasswordPolicy', null],
      ]);
      const byConsole = rng.float() < 0.5;
      const call: Call = {
        at,
        region,
        source: 'iam.amazonaws.com',
        name,
        actor: byConsole ? johndoeConsole : monitor(region, 'iam#1.47.7', at),
        readOnly: true,
        request,
        host: 'iam.amazonaws.com',
      };
      if (name === 'GetAccountPasswordPolicy') {
        call.error = {
          code: 'NoSuchEntityException',
          message: `The Password Policy with domain name ${SAMPLE_ACCOUNT} cannot be found.`,
        };
      }
      return [call];
    },
  ],
];

export const NOISE_WEST: [number, NoiseMaker][] = [
  [
    6,
    (rng, at, region) => {
      const actor: Actor = {
        identity: roleSession('backup-job-role', BACKUP_ROLE_ID, 'nightly-backup', 'ASIA6BACKUPJOBKEY001', '12:30:02'),
        ip: '198.51.100.140',
        userAgent: ua.BOTO3,
        tls: 'TLSv1.3',
      };
      const write = rng.float() < 0.7;
      return [
        s3Object(
          rng,
          at,
          region,
          WEST_BUCKET,
          actor,
          write,
          `db-dumps/2026-11-20/part-${String(rng.range(1, 400)).padStart(4, '0')}.sql.gz`,
        ),
      ];
    },
  ],
  [5, (rng, at, region) => [ec2Describe(rng, at, region, monitor(region, 'ec2#1.258.1', at))]],
  [3, ssmAgent],
  [2, (_rng, at, region) => [rdsKmsDecrypt(at, region, 'db-METRICSW2X4Q7ZK2M5XW3NB8VH', KMS_KEY_WEST)]],
  [2, lambdaAssumeRole],
];
