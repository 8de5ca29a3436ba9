// STS, KMS, IAM and Lambda calls of the bench files: KMS calls made for RDS (RDS names in non-RDS events),
// policies as JSON strings, long session tokens.
import type { JsonObject } from '../../shared/cloudtrail.js';
import { LOWER_ALNUM, UPPER_ALNUM, UPPER32 } from '../../scripts/cloudtrail-synth/alphabets.js';
import { assumeRoleResponse } from '../../scripts/cloudtrail-synth/other-apis.js';
import { resource } from '../../scripts/cloudtrail-synth/record.js';
import { responseDate } from '../../scripts/cloudtrail-synth/times.js';
import type { Envelope } from './envelope.js';
import type { OtherCall } from './other-services.js';
import { FREE_TEXT, tags } from './vocabulary.js';

export function stsEvent(c: OtherCall): Envelope {
  const { ctx, rng, base, account } = c;
  if (rng.chance(0.35))
    return { ...base, name: 'GetCallerIdentity', readOnly: true, requestParameters: null, responseElements: null };
  const role = rng.pick([
    'github-actions-deploy',
    'ecsTaskRole-orders',
    'DataPlatformEngineer',
    'rds-monitoring-role',
    'lambda-rds-snapshot-exporter',
  ]);
  const session = rng.pick([
    'GitHubActions',
    `botocore-session-${rng.range(1_700_000_000, 1_720_000_000)}`,
    `i-0${rng.hex(16)}`,
  ]);
  const roleArn = `arn:aws:iam::${account}:role/${role}`;
  return {
    ...base,
    name: 'AssumeRole',
    readOnly: true,
    requestParameters: { roleArn, roleSessionName: session, durationSeconds: 3600 },
    responseElements: assumeRoleResponse({
      accessKeyId: `ASIA${rng.chars(UPPER32, 16)}`,
      sessionToken: rng.chars(`${LOWER_ALNUM + UPPER_ALNUM}+/`, rng.range(400, 900)),
      expiration: responseDate(ctx.baseTime + 3_600_000),
      assumedRoleId: `AROA${rng.chars(UPPER32, 17)}:${session}`,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    }),
    resources: [resource('AWS::IAM::Role', roleArn, account)],
  };
}

export function kmsEvent(c: OtherCall): Envelope {
  const { rng, region, base, account, principal } = c;
  const keyArn = `arn:aws:kms:${region}:${account}:key/${rng.uuid()}`;
  const name = rng.pick(['Decrypt', 'Decrypt', 'GenerateDataKey', 'Encrypt', 'DescribeKey']);
  // Many KMS calls are made by RDS on behalf of encrypted instances: they mention rds.amazonaws.com in
  // userIdentity and the encryption context without being RDS events.
  const forRds = principal.service === 'rds.amazonaws.com' || rng.chance(0.2);
  const request: JsonObject = { keyId: keyArn, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  if (forRds)
    request.encryptionContext = {
      'aws:rds:db-id': `db-${rng.chars(UPPER32, 26)}`,
      'aws:rds:service': 'rds.amazonaws.com',
    };
  return {
    ...base,
    name,
    readOnly: true,
    requestParameters: request,
    responseElements: null,
    resources: [resource('AWS::KMS::Key', keyArn, account)],
  };
}

export function iamEvent(c: OtherCall): Envelope {
  const { ctx, rng, region, base, account } = c;
  const name = rng.pick(['GetRole', 'ListRoles', 'PutRolePolicy', 'AttachRolePolicy', 'CreateUser', 'GetUser']);
  const role = rng.pick(['rds-monitoring-role', 'lambda-rds-snapshot-exporter', 'ecsTaskRole-orders']);
  if (name === 'PutRolePolicy') {
    // Policy text is a JSON string in requestParameters: escaped quotes, and here a description with more.
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['rds:DescribeDBInstances', 'rds:CreateDBSnapshot', 'rds-data:ExecuteStatement'],
          Resource: `arn:aws:rds:${region}:${account}:db:*`,
          Condition: { StringEquals: { 'aws:ResourceTag/Owner': rng.pick(FREE_TEXT) } },
        },
      ],
    };
    return {
      ...base,
      name,
      readOnly: false,
      requestParameters: {
        roleName: role,
        policyName: 'rds-access',
        policyDocument: JSON.stringify(policy, null, rng.chance(0.5) ? 4 : 0),
      },
      responseElements: null,
    };
  }
  if (name === 'CreateUser') {
    const user = rng.pick(['temp-contractor', 'backup-operator', 'svc-etl']);
    return {
      ...base,
      name,
      readOnly: false,
      requestParameters: { userName: user, tags: tags(rng, 2) },
      responseElements: {
        user: {
          path: '/',
          userName: user,
          userId: `AIDA${rng.chars(UPPER32, 17)}`,
          arn: `arn:aws:iam::${account}:user/${user}`,
          createDate: responseDate(ctx.baseTime),
          tags: tags(rng, 2),
        },
      },
    };
  }
  if (name === 'AttachRolePolicy')
    return {
      ...base,
      name,
      readOnly: false,
      requestParameters: { roleName: role, policyArn: 'arn:aws:iam::aws:policy/AmazonRDSFullAccess' },
      responseElements: null,
    };
  return {
    ...base,
    name,
    readOnly: true,
    requestParameters: name === 'ListRoles' ? { maxItems: 100 } : { roleName: role },
    responseElements: null,
  };
}

export function lambdaEvent(c: OtherCall): Envelope {
  const { ctx, rng, region, base, account } = c;
  const fn = rng.pick(['rds-snapshot-exporter', 'orders-api', 'trailwatch-processor', 'nightly-report']);
  if (rng.chance(0.3)) {
    return {
      ...base,
      name: 'UpdateFunctionConfiguration20150331v2',
      readOnly: false,
      requestParameters: {
        functionName: fn,
        environment: { variables: { DB_HOST: '<sensitiveDataRemoved>', LOG_LEVEL: 'info' } },
        description: rng.pick(FREE_TEXT),
        timeout: 30,
      },
      responseElements: {
        functionName: fn,
        functionArn: `arn:aws:lambda:${region}:${account}:function:${fn}`,
        runtime: 'nodejs22.x',
        role: `arn:aws:iam::${account}:role/${fn}-role`,
        handler: 'index.handler',
        codeSize: rng.range(1000, 9_000_000),
        description: rng.pick(FREE_TEXT),
        timeout: 30,
        memorySize: 512,
        lastModified: new Date(ctx.baseTime).toISOString().replace('Z', '+0000'),
        codeSha256: `${rng.chars(`${LOWER_ALNUM + UPPER_ALNUM}+/`, 43)}=`,
        version: '$LATEST',
        tracingConfig: { mode: 'PassThrough' },
        revisionId: rng.uuid(),
        state: 'Active',
        lastUpdateStatus: 'InProgress',
        packageType: 'Zip',
        architectures: ['arm64'],
        ephemeralStorage: { size: 512 },
      },
    };
  }
  return {
    ...base,
    name: rng.pick(['GetFunction20150331v2', 'ListFunctions20150331', 'GetFunctionConfiguration20150331v2']),
    readOnly: true,
    requestParameters: { functionName: fn },
    responseElements: null,
  };
}
