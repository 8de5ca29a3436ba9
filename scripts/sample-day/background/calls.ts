// The background's calls.
import type { JsonObject } from '../../../shared/cloudtrail.js';
import { BASE64, HEX, UPPER_ALNUM } from '../../cloudtrail-synth/alphabets.js';
import { charsFor } from '../../cloudtrail-synth/labelled.js';
import type { Random } from '../../cloudtrail-synth/random.js';
import { resource } from '../../cloudtrail-synth/record.js';
import { assumeRoleResponse, s3RequestDetails } from '../../cloudtrail-synth/other-apis.js';
import { awsServiceActor } from '../actors.js';
import type { Actor, Call } from '../call.js';
import { SAMPLE_ACCOUNT, awsDate, HOME } from '../day.js';
import { VPC } from '../databases.js';
import { type NoiseMaker, ssmHost, VPCE } from './actors.js';

export function s3Object(
  rng: Random,
  at: string,
  region: string,
  bucket: string,
  actor: Actor,
  write: boolean,
  key: string,
): Call {
  const size = rng.range(900, 480_000);
  return {
    at,
    region,
    source: 's3.amazonaws.com',
    name: write ? 'PutObject' : 'GetObject',
    actor,
    readOnly: !write,
    data: true,
    request: { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com`, key },
    response: write ? { 'x-amz-server-side-encryption': 'AES256' } : null,
    additional: s3RequestDetails({
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesIn: write ? size : 0,
      requestIdHost: rng.chars(BASE64, 76),
      bytesOut: write ? 0 : size,
    }),
    requestId: rng.chars(UPPER_ALNUM, 16),
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      resource('AWS::S3::Bucket', `arn:aws:s3:::${bucket}`, SAMPLE_ACCOUNT),
    ],
    host: `${bucket}.s3.${region}.amazonaws.com`,
    ...(actor.ip.startsWith('10.') ? { vpcEndpointId: VPCE } : {}),
  };
}

export const appObjectKey = (rng: Random): string =>
  rng.pick([
    `orders/2026/11/20/order-${rng.range(100000, 999999)}.json`,
    `invoices/2026/11/INV-${rng.range(20000, 99999)}.pdf`,
    `exports/daily/customers-2026-11-19.csv.gz`,
    `images/products/${rng.chars(HEX, 12)}.webp`,
  ]);

export const ec2Describe = (rng: Random, at: string, region: string, actor: Actor): Call => {
  const [name, request] = rng.pick<[string, JsonObject]>([
    ['DescribeInstances', { instancesSet: {}, filterSet: {} }],
    ['DescribeInstanceStatus', { instancesSet: {}, filterSet: {}, includeAllInstances: true }],
    ['DescribeVolumes', { volumeSet: {}, filterSet: {} }],
    ['DescribeSecurityGroups', { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} }],
    ['DescribeSubnets', { subnetSet: {}, filterSet: {} }],
    ['DescribeVpcs', { vpcSet: {}, filterSet: {} }],
    [
      'DescribeNetworkInterfaces',
      { networkInterfaceIdSet: {}, filterSet: { items: [{ name: 'vpc-id', valueSet: { items: [{ value: VPC }] } }] } },
    ],
  ]);
  return { at, region, source: 'ec2.amazonaws.com', name, actor, readOnly: true, request };
};

/** RDS decrypting an encrypted instance's data key with KMS. */
export const rdsKmsDecrypt = (at: string, region: string, dbResourceId: string, kmsKey: string): Call => ({
  at,
  region,
  source: 'kms.amazonaws.com',
  name: 'Decrypt',
  actor: awsServiceActor('rds.amazonaws.com'),
  readOnly: true,
  request: { encryptionContext: { 'aws:rds:db-id': dbResourceId }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  resources: [resource('AWS::KMS::Key', kmsKey, SAMPLE_ACCOUNT)],
});

export const lambdaAssumeRole: NoiseMaker = (rng, at, region) => {
  const fn = rng.pick(['orders-api-fn', 'thumbnailer-fn', 'nightly-export-fn']);
  const role = `${fn}-role`;
  const call: Call = {
    at,
    region,
    source: 'sts.amazonaws.com',
    name: 'AssumeRole',
    actor: awsServiceActor('lambda.amazonaws.com'),
    readOnly: true,
    request: { roleArn: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${role}`, roleSessionName: fn },
    response: assumeRoleResponse({
      accessKeyId: `ASIA6${rng.chars(UPPER_ALNUM, 15)}`,
      sessionToken: rng.chars(BASE64, 88),
      expiration: awsDate(at, 43200),
      assumedRoleId: `AROA6${charsFor(`role-id:${role}`, 15, UPPER_ALNUM)}:${fn}`,
      arn: `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/${role}/${fn}`,
    }),
    resources: [resource('AWS::IAM::Role', `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${role}`, SAMPLE_ACCOUNT)],
  };
  return [call];
};

export const ssmAgent: NoiseMaker = (rng, at, region) => {
  const host = ssmHost(rng, region, at);
  if (rng.float() >= 0.6) {
    return [
      {
        at,
        region,
        source: 'ssm.amazonaws.com',
        name: 'ListInstanceAssociations',
        actor: host.actor,
        readOnly: true,
        request: { instanceId: host.instance, maxResults: 20 },
      },
    ];
  }
  const request: JsonObject = {
    instanceId: host.instance,
    agentVersion: '3.3.3050.0',
    agentStatus: 'Active',
    platformType: 'Linux',
    platformName: 'Amazon Linux',
    platformVersion: '2023',
    iPAddress: host.ip,
    computerName: `ip-${host.ip.replace(/\./g, '-')}.ec2.internal`,
    agentName: 'amazon-ssm-agent',
    availabilityZone: `${region}a`,
    availabilityZoneId: region === HOME ? 'use1-az2' : 'usw2-az1',
    sSMConnectionChannel: 'ssmmessages',
  };
  return [
    {
      at,
      region,
      source: 'ssm.amazonaws.com',
      name: 'UpdateInstanceInformation',
      actor: host.actor,
      readOnly: false,
      request,
    },
  ];
};
