// The processor's integrity check end to end: a signed digest chain in a real S3 API (s3rver), the digest's
// EventBridge delivery through the handler, SNS mocked at the command level. Tampered the ways `verify` is
// tested, each must raise its built-in rule; deletions under AWSLogs/ raise one unless the lifecycle expired them.
import 'aws-sdk-client-mock-vitest/extend';
import { generateKeyPairSync } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  PublishBatchCommand,
  SNSClient,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PublicKeyCache } from '../functions/lib/cloudtrail-public-keys.js';
import { loadProcessorConfig } from '../functions/processor/config.js';
import type { createHandler as CreateHandler } from '../functions/processor/handler.js';
import type { ProcessedDelivery } from '../functions/processor/process-delivery.js';
import { publicKeyEntry } from '../shared/integrity/public-keys.js';
import { PublicKeySet } from '../shared/integrity/signature.js';
import { lambdaContext, quietObservabilityFor } from './helpers/handler-invocation.js';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';
import { buildSignedTrail, putTrail, testKeyPair, type SignedTrail } from './helpers/signed-trail.js';
import { loadRecord } from './record-fixtures.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';
const context = lambdaContext('trailwatch-processor');
const snsMock = mockClient(SNSClient);
let s3emu: S3Emulator;
let s3: S3Client;
let createHandler: typeof CreateHandler;
let n = 0;

beforeAll(async () => {
  s3emu = await startS3Emulator();
  s3 = s3emu.client();
  Object.assign(process.env, { ...s3emu.environment, POWERTOOLS_LOG_LEVEL: 'SILENT', ALERT_TOPIC_ARN: TOPIC });
  ({ createHandler } = await import('../functions/processor/handler.js'));
});
afterAll(async () => {
  await s3emu.close();
});
beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishBatchCommand).callsFake(
    (input: PublishBatchCommandInput): Partial<PublishBatchCommandOutput> => ({
      Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: [],
    }),
  );
});

/** The keys ListPublicKeys would return: the test key, or another one. */
function keys(der: Buffer = testKeyPair().der): PublicKeyCache {
  return new PublicKeyCache(() => Promise.resolve(new PublicKeySet([publicKeyEntry(der)])));
}

function processor(publicKeys = keys()) {
  const handler = createHandler({
    config: loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC }),
    obs: quietObservabilityFor('trailwatch-processor-test'),
    s3,
    sns: new SNSClient({ region: 'us-east-1' }),
    publish: { sleep: () => Promise.resolve() },
    publicKeys,
  });
  return (event: unknown) => handler(event, context);
}

function s3Event(
  detailType: 'Object Created' | 'Object Deleted',
  bucket: string,
  key: string,
  detail: Record<string, unknown> = {},
) {
  return {
    version: '0',
    id: `e-${++n}`,
    'detail-type': detailType,
    source: 'aws.s3',
    account: '111122223333',
    time: '2026-11-20T11:47:02Z',
    region: 'us-east-2',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, size: 1000, sequencer: '00' },
      'request-id': 'R',
      requester: 'cloudtrail.amazonaws.com',
      'source-ip-address': '10.0.0.1',
      reason: 'PutObject',
      ...detail,
    },
  };
}

async function bucketWithTrail(): Promise<SignedTrail> {
  const trail = buildSignedTrail({ bucket: `pipeline-${++n}`, hours: 3, filesPerHour: 2 });
  await s3.send(new CreateBucketCommand({ Bucket: trail.bucket }));
  await putTrail(s3, trail);
  return trail;
}

interface Published {
  rule: string;
  details: string[];
  eventName: string;
}
function published(): Published[] {
  return snsMock
    .commandCalls(PublishBatchCommand)
    .flatMap((c) => c.args[0].input.PublishBatchRequestEntries ?? [])
    .map((e) => JSON.parse((JSON.parse(e.Message ?? '{}') as { default: string }).default) as Published);
}

async function deliverDigest(
  trail: SignedTrail,
  index: number,
  publicKeys?: PublicKeyCache,
): Promise<ProcessedDelivery> {
  const digest = trail.digests[index];
  if (!digest) throw new Error('digest');
  return (await processor(publicKeys)(s3Event('Object Created', trail.bucket, digest.key))) as ProcessedDelivery;
}

describe('a digest delivered to the processor', () => {
  it('is checked, not skipped: signature, chain and every listed log file valid, nothing published', async () => {
    const trail = await bucketWithTrail();
    const outcome = await deliverDigest(trail, 2);
    expect(outcome.skipped).toBe(0);
    expect(outcome.digests?.[0]?.results.map((r) => `${r.kind} ${r.status}`).sort()).toEqual([
      'digest valid',
      'log valid',
      'log valid',
    ]);
    expect(published()).toEqual([]);
  });

  it('a listed log file edited: cloudtrail-log-file-modified, naming the file, the hour and the digest', async () => {
    const trail = await bucketWithTrail();
    const log = trail.logs[4];
    if (!log) throw new Error('log');
    await s3.send(
      new PutObjectCommand({ Bucket: trail.bucket, Key: log.key, Body: gzipSync(log.json.replace('ec2', 'ecs')) }),
    );
    await deliverDigest(trail, 2);
    const alerts = published();
    expect(alerts.map((a) => a.rule)).toEqual(['cloudtrail-log-file-modified']);
    const details = alerts[0]?.details.join('\n') ?? '';
    expect(details).toContain(log.key);
    expect(details).toContain('Hour: 2026-11-20T10:46:31Z to 2026-11-20T11:46:31Z');
    expect(details).toContain(trail.digests[2]?.key);
  });

  it('a listed log file deleted: cloudtrail-log-file-missing', async () => {
    const trail = await bucketWithTrail();
    await s3.send(new DeleteObjectCommand({ Bucket: trail.bucket, Key: trail.logs[5]?.key }));
    await deliverDigest(trail, 2);
    expect(published().map((a) => a.rule)).toEqual(['cloudtrail-log-file-missing']);
  });

  it('the previous digest deleted: cloudtrail-digest-chain-broken', async () => {
    const trail = await bucketWithTrail();
    await s3.send(new DeleteObjectCommand({ Bucket: trail.bucket, Key: trail.digests[1]?.key }));
    await deliverDigest(trail, 2);
    const alerts = published();
    expect(alerts.map((a) => a.rule)).toEqual(['cloudtrail-digest-chain-broken']);
    expect(alerts[0]?.details.join('\n')).toContain(trail.digests[1]?.key);
  });

  it('the digest edited: cloudtrail-digest-invalid', async () => {
    const trail = await bucketWithTrail();
    const digest = trail.digests[2];
    if (!digest) throw new Error('digest');
    await s3.send(
      new PutObjectCommand({
        Bucket: trail.bucket,
        Key: digest.key,
        Body: gzipSync(digest.json.replace('"logFiles":[', '"logFiles":[ ')),
        Metadata: digest.metadata,
      }),
    );
    await deliverDigest(trail, 2);
    expect(published().map((a) => a.rule)).toEqual(['cloudtrail-digest-invalid']);
  });

  it('a digest copied to another key: cloudtrail-digest-invalid (moved)', async () => {
    const trail = await bucketWithTrail();
    const digest = trail.digests[2];
    if (!digest) throw new Error('digest');
    const moved = digest.key.replace('/2026/11/20/', '/2026/11/21/');
    await s3.send(
      new CopyObjectCommand({ Bucket: trail.bucket, Key: moved, CopySource: `${trail.bucket}/${digest.key}` }),
    );
    await processor()(s3Event('Object Created', trail.bucket, moved));
    const alerts = published();
    expect(alerts.map((a) => a.rule)).toEqual(['cloudtrail-digest-invalid']);
    expect(alerts[0]?.details.join('\n')).toMatch(/\(moved\)/);
  });

  it('signed by a key ListPublicKeys does not return: cloudtrail-digest-invalid (unverifiable)', async () => {
    const trail = await bucketWithTrail();
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'der',
      type: 'pkcs1',
    });
    await deliverDigest(trail, 0, keys(other));
    const alerts = published();
    expect(alerts.map((a) => a.rule)).toEqual(['cloudtrail-digest-invalid']);
    expect(alerts[0]?.details.join('\n')).toMatch(/\(unverifiable\)/);
  });
});

describe('the trail bucket rule in the processor', () => {
  it('raises cloudtrail-bucket-protection-changed for the bucket the log file came from, not for other buckets', async () => {
    const bucket = 'rds.s3';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const same = loadRecord('s3-put-bucket-policy');
    const other = {
      ...same,
      eventID: '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
      requestParameters: { ...same.requestParameters, bucketName: 'someone-elses-bucket' },
    };
    const key =
      'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1205Z_bucketpolicyxxxx.json.gz';
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(JSON.stringify({ Records: [other, same] })) }),
    );
    await processor()(s3Event('Object Created', bucket, key));
    const alerts = published();
    expect(alerts.map((a) => a.rule)).toEqual(['cloudtrail-bucket-protection-changed']);
    expect((alerts[0] as unknown as { eventID: string }).eventID).toBe(same.eventID);
  });
});

describe('objects deleted under AWSLogs/', () => {
  it('a DeleteObject of a log file: cloudtrail-log-file-deleted, naming requester and source IP', async () => {
    const key =
      'AWSLogs/111122223333/CloudTrail/us-east-2/2026/11/20/111122223333_CloudTrail_us-east-2_20261120T1005Z_abcdefghijklmnop.json.gz';
    const result = await processor()(
      s3Event('Object Deleted', 'trail-bucket', key, {
        reason: 'DeleteObject',
        'deletion-type': 'Permanently Deleted',
        requester: '111122223333',
        'source-ip-address': '203.0.113.9',
      }),
    );
    expect(result).toMatchObject({ alerts: 1, published: 1, expired: false });
    const alerts = published();
    expect(alerts.map((a) => a.rule)).toEqual(['cloudtrail-log-file-deleted']);
    expect(alerts[0]?.details.join('\n')).toMatch(/by 111122223333 from 203\.0\.113\.9/);
  });

  it('an expiration by the bucket lifecycle rule: counted, nothing published', async () => {
    const key =
      'AWSLogs/111122223333/CloudTrail/us-east-2/2026/11/20/111122223333_CloudTrail_us-east-2_20261120T1005Z_abcdefghijklmnop.json.gz';
    const result = await processor()(
      s3Event('Object Deleted', 'trail-bucket', key, {
        reason: 'Lifecycle Expiration',
        'deletion-type': 'Delete Marker Created',
        requester: 's3.amazonaws.com',
      }),
    );
    expect(result).toMatchObject({ alerts: 0, expired: true });
    expect(published()).toEqual([]);
  });
});
