// S3 bucket calls and EC2 calls of the bench files: policies inside JSON strings (escaped quotes), large
// RunInstances responses.
import type { JsonObject, JsonValue } from '../../shared/cloudtrail.js';
import { LOWER_ALNUM, UPPER_ALNUM } from '../../scripts/cloudtrail-synth/alphabets.js';
import { s3RequestDetails } from '../../scripts/cloudtrail-synth/other-apis.js';
import { resource } from '../../scripts/cloudtrail-synth/record.js';
import type { Envelope } from './envelope.js';
import type { OtherCall } from './other-services.js';
import { DB_WORDS, ENVS, FREE_TEXT, tags } from './vocabulary.js';

export function s3Event(c: OtherCall): Envelope {
  const { rng, region, base, account } = c;
  const bucket = `${rng.pick(DB_WORDS)}-${rng.pick(ENVS)}-${account}`;
  const name = rng.pick([
    'GetBucketAcl',
    'GetBucketLocation',
    'ListBuckets',
    'GetBucketPolicy',
    'PutBucketPolicy',
    'GetBucketVersioning',
    'PutBucketTagging',
  ]);
  const request: JsonObject = { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com` };
  if (name === 'PutBucketPolicy') {
    // A policy document inside a JSON string: escaped quotes.
    request.bucketPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecure',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
  }
  if (name === 'PutBucketTagging') request.Tagging = { TagSet: { Tag: tags(rng, 2) } };
  return {
    ...base,
    name,
    readOnly: name.startsWith('Get') || name.startsWith('List'),
    requestParameters: request,
    responseElements: null,
    additionalEventData: s3RequestDetails({
      cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256',
      bytesIn: 0,
      requestIdHost: rng.chars(`${LOWER_ALNUM + UPPER_ALNUM}+/=`, 76),
      bytesOut: rng.below(4000),
    }),
    resources: [resource('AWS::S3::Bucket', `arn:aws:s3:::${bucket}`)],
  };
}

export function ec2Event(c: OtherCall): Envelope {
  const { ctx, rng, region, base, account } = c;
  const name = rng.weighted<string>([
    [10, 'DescribeInstances'],
    [6, 'DescribeSecurityGroups'],
    [4, 'DescribeVolumes'],
    [3, 'CreateTags'],
    [2, 'RunInstances'],
    [2, 'AuthorizeSecurityGroupIngress'],
  ]);
  if (name === 'RunInstances') {
    const items: JsonValue[] = [];
    for (let i = 0, n = rng.range(1, 4); i < n; i++) {
      items.push({
        instanceId: `i-0${rng.hex(16)}`,
        imageId: `ami-0${rng.hex(16)}`,
        instanceState: { code: 0, name: 'pending' },
        privateDnsName: `ip-10-0-${rng.below(256)}-${rng.below(256)}.ec2.internal`,
        amiLaunchIndex: i,
        productCodes: {},
        instanceType: 'm6i.large',
        launchTime: ctx.baseTime,
        placement: { availabilityZone: `${region}a`, tenancy: 'default' },
        monitoring: { state: 'disabled' },
        subnetId: `subnet-${rng.hex(17)}`,
        vpcId: `vpc-${rng.hex(17)}`,
        privateIpAddress: `10.0.${rng.below(256)}.${rng.below(256)}`,
        stateReason: { code: 'pending', message: 'pending' },
        architecture: 'x86_64',
        rootDeviceType: 'ebs',
        rootDeviceName: '/dev/xvda',
        blockDeviceMapping: {},
        virtualizationType: 'hvm',
        hypervisor: 'xen',
        tagSet: { items: tags(rng, 2) },
        groupSet: { items: [{ groupId: `sg-${rng.hex(17)}`, groupName: 'default' }] },
        sourceDestCheck: true,
        networkInterfaceSet: {
          items: [
            {
              networkInterfaceId: `eni-${rng.hex(17)}`,
              status: 'in-use',
              macAddress: '02:3a:4b:5c:6d:7e',
              privateIpAddress: '10.0.1.23',
              sourceDestCheck: true,
            },
          ],
        },
        ebsOptimized: true,
        enaSupport: true,
        metadataOptions: {
          state: 'pending',
          httpTokens: 'required',
          httpPutResponseHopLimit: 2,
          httpEndpoint: 'enabled',
        },
      });
    }
    return {
      ...base,
      name,
      readOnly: false,
      requestParameters: {
        instancesSet: { items: [{ imageId: `ami-0${rng.hex(16)}`, minCount: 1, maxCount: items.length }] },
        instanceType: 'm6i.large',
        userData: '<sensitiveDataRemoved>',
        disableApiTermination: false,
      },
      responseElements: {
        requestId: rng.uuid(),
        reservationId: `r-0${rng.hex(16)}`,
        ownerId: account,
        groupSet: {},
        instancesSet: { items },
      },
    };
  }
  if (name === 'AuthorizeSecurityGroupIngress') {
    return {
      ...base,
      name,
      readOnly: false,
      requestParameters: {
        groupId: `sg-${rng.hex(17)}`,
        ipPermissions: {
          items: [
            {
              ipProtocol: 'tcp',
              fromPort: 5432,
              toPort: 5432,
              groups: {},
              ipRanges: {
                items: [{ cidrIp: rng.pick(['0.0.0.0/0', '10.0.0.0/8']), description: rng.pick(FREE_TEXT) }],
              },
              ipv6Ranges: {},
              prefixListIds: {},
            },
          ],
        },
      },
      responseElements: { requestId: rng.uuid(), _return: true },
    };
  }
  if (name === 'CreateTags') {
    return {
      ...base,
      name,
      readOnly: false,
      requestParameters: {
        resourcesSet: { items: [{ resourceId: `i-0${rng.hex(16)}` }] },
        tagSet: { items: tags(rng, 3) },
      },
      responseElements: { requestId: rng.uuid(), _return: true },
    };
  }
  return {
    ...base,
    name,
    readOnly: true,
    requestParameters: { filterSet: {}, maxResults: 1000 },
    responseElements: null,
  };
}
