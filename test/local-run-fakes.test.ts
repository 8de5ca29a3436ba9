// The pieces of the local run (scripts/local/): the SNS and CloudWatch Logs fakes, driven by the real SDK clients over
// HTTP (their protocols and the limits they enforce), the S3 notifications built for uploaded objects, and the small
// parsers (env files, delivery times, command lines).
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { objectsFromEvent } from '../functions/lib/triggers.js';
import {
  startCloudWatchLogsFakeServer,
  type CloudWatchLogsFakeServer,
} from '../local-aws/cloudwatch-logs-fake-server.js';
import {
  deliveryOrder,
  deliveryTime,
  notificationKey,
  parseEnvFile,
  s3PutNotification,
  type BucketObject,
} from '../scripts/local/local-aws.js';
import { protocolText, startSnsFake, type SnsFake } from '../local-aws/sns-fake.js';
import { parseArgs } from '../scripts/local-run.js';
import { credentialsInEnvironment, parseInvokeArgs } from '../scripts/invoke.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';
const GROUP = '/trailwatch/trailwatch/cloudtrail';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function sns(): Promise<{ fake: SnsFake; client: SNSClient }> {
  const fake = await startSnsFake({ topics: [TOPIC] });
  const client = new SNSClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials, maxAttempts: 1 });
  closers.push(async () => {
    client.destroy();
    await fake.close();
  });
  return { fake, client };
}

const alertEntry = (id: string, extra: Record<string, unknown> = {}) => ({
  Id: id,
  Message: JSON.stringify({
    default: JSON.stringify({ rule: 'rds-database-deleted' }),
    email: 'DeleteDBInstance oradb & more <b>',
  }),
  MessageStructure: 'json',
  Subject: '[HIGH] DeleteDBInstance oradb by johndoe (123456789012 us-east-1)',
  MessageAttributes: {
    rule: { DataType: 'String', StringValue: 'rds-database-deleted' },
    eventName: { DataType: 'String.Array', StringValue: '["A","B"]' },
  },
  ...extra,
});

describe('SNS fake (query protocol, real SNSClient)', () => {
  it('takes PublishBatch and Publish, answers in XML the SDK parses, and records each message in order', async () => {
    const { fake, client } = await sns();
    const batch = await client.send(
      new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: [alertEntry('m0'), alertEntry('m1')] }),
    );
    expect(batch.Successful?.map((s) => s.Id)).toEqual(['m0', 'm1']);
    expect(batch.Failed ?? []).toEqual([]);
    const single = await client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'plain text', Subject: 'Hello' }));
    expect(single.MessageId).toMatch(/^[0-9a-f-]{36}$/);

    expect(fake.messages.map((m) => [m.seq, m.operation, m.request])).toEqual([
      [0, 'PublishBatch', 0],
      [1, 'PublishBatch', 0],
      [2, 'Publish', 1],
    ]);
    const [first] = fake.messages;
    expect(first?.subject).toBe('[HIGH] DeleteDBInstance oradb by johndoe (123456789012 us-east-1)');
    expect(first?.structure).toBe('json');
    expect(first && protocolText(first, 'email')).toBe('DeleteDBInstance oradb & more <b>');
    expect(first && JSON.parse(protocolText(first, 'default'))).toEqual({ rule: 'rds-database-deleted' });
    expect(first?.attributes).toEqual({
      rule: { DataType: 'String', StringValue: 'rds-database-deleted' },
      eventName: { DataType: 'String.Array', StringValue: '["A","B"]' },
    });
    expect(fake.messages[2] && protocolText(fake.messages[2], 'email')).toBe('plain text');
    expect(fake.requests.map((r) => [r.operation, r.entries, r.outcome])).toEqual([
      ['PublishBatch', 2, 'ok'],
      ['Publish', 1, 'ok'],
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('refuses a batch over 10 entries, duplicate or invalid ids, and one over 256 KiB, and records each as a violation', async () => {
    const { fake, client } = await sns();
    const entries = (n: number) => Array.from({ length: n }, (_, i) => alertEntry(`m${i}`));
    await expect(
      client.send(new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries(11) })),
    ).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequestException' });
    await expect(
      client.send(
        new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: [alertEntry('a'), alertEntry('a')] }),
      ),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinctException' });
    await expect(
      client.send(new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: [alertEntry('not ok!')] })),
    ).rejects.toMatchObject({ name: 'InvalidBatchEntryIdException' });
    const big = 'x'.repeat(140_000);
    await expect(
      client.send(
        new PublishBatchCommand({
          TopicArn: TOPIC,
          PublishBatchRequestEntries: [
            { Id: 'a', Message: big },
            { Id: 'b', Message: big },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'BatchRequestTooLongException' });
    expect(fake.messages).toEqual([]);
    expect(fake.violations).toHaveLength(4);
    expect(fake.violations[0]).toContain('TooManyEntriesInBatchRequest');
  });

  it('over https and keeping no messages (as the bench runs it), still takes a good batch and refuses a bad one', async () => {
    // A self-signed certificate for 127.0.0.1 made for this test (openssl req -x509, P-256, 100 years).
    const key = readFileSync(new URL('./fixtures/tls/localhost-key.pem', import.meta.url), 'utf8');
    const cert = readFileSync(new URL('./fixtures/tls/localhost-cert.pem', import.meta.url), 'utf8');
    const fake = await startSnsFake({ topics: [TOPIC], keepMessages: false, tls: { key, cert } });
    const agent = new https.Agent({ ca: cert });
    const client = new SNSClient({
      region: 'us-east-1',
      endpoint: fake.endpoint,
      credentials,
      maxAttempts: 1,
      requestHandler: { httpsAgent: agent },
    });
    closers.push(async () => {
      client.destroy();
      agent.destroy();
      await fake.close();
    });
    expect(fake.endpoint).toMatch(/^https:\/\//);
    const taken = await client.send(
      new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: [alertEntry('a'), alertEntry('b')] }),
    );
    expect(taken.Successful?.map((s) => s.Id)).toEqual(['a', 'b']);
    await expect(
      client.send(
        new PublishBatchCommand({
          TopicArn: TOPIC,
          PublishBatchRequestEntries: Array.from({ length: 11 }, (_, i) => alertEntry(`m${i}`)),
        }),
      ),
    ).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequestException' });
    expect(fake.messages).toEqual([]);
    expect(fake.violations).toHaveLength(1);
  });

  it('lists entries that break a message rule under Failed (sender fault) and publishes the others', async () => {
    const { fake, client } = await sns();
    const output = await client.send(
      new PublishBatchCommand({
        TopicArn: TOPIC,
        PublishBatchRequestEntries: [
          alertEntry('ok'),
          alertEntry('newline', { Subject: 'two\nlines' }),
          alertEntry('long', { Subject: 'x'.repeat(100) }),
          alertEntry('empty', { Subject: '' }),
          alertEntry('nodefault', { Message: JSON.stringify({ email: 'text' }) }),
          alertEntry('attr', { MessageAttributes: { 'AWS.reserved': { DataType: 'String', StringValue: 'x' } } }),
          alertEntry('array', {
            MessageAttributes: { eventName: { DataType: 'String.Array', StringValue: 'not json' } },
          }),
        ],
      }),
    );
    expect(output.Successful?.map((s) => s.Id)).toEqual(['ok']);
    expect(output.Failed?.map((f) => [f.Id, f.Code, f.SenderFault])).toEqual(
      ['newline', 'long', 'empty', 'nodefault', 'attr', 'array'].map((id) => [id, 'InvalidParameter', true]),
    );
    expect(output.Failed?.find((f) => f.Id === 'long')?.Message).toContain('100 characters');
    expect(fake.messages.map((m) => m.message)).toHaveLength(1);
    expect(fake.violations).toHaveLength(6);
  });

  it('answers Publish that breaks a rule with InvalidParameter, and an unknown topic with NotFound (not a violation)', async () => {
    const { fake, client } = await sns();
    await expect(
      client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x'.repeat(262_145) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(client.send(new PublishCommand({ TopicArn: `${TOPIC}-other`, Message: 'hi' }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toContain('262145 bytes');
  });
});

describe('CloudWatch Logs fake server (JSON 1.1 protocol, real CloudWatchLogsClient)', () => {
  async function logs(): Promise<{ server: CloudWatchLogsFakeServer; client: CloudWatchLogsClient }> {
    const server = await startCloudWatchLogsFakeServer({
      logGroups: { [GROUP]: {} },
      now: () => Date.parse('2026-11-20T19:00:00Z'),
    });
    const client = new CloudWatchLogsClient({
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials,
      maxAttempts: 1,
    });
    closers.push(async () => {
      client.destroy();
      await server.close();
    });
    return { server, client };
  }

  it('creates streams and stores events; a second CreateLogStream is ResourceAlreadyExists, a missing stream ResourceNotFound', async () => {
    const { server, client } = await logs();
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's1' }));
    await expect(
      client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's1' })),
    ).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    const t = Date.parse('2026-11-20T18:00:00Z');
    const output = await client.send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: 's1',
        logEvents: [
          { timestamp: t, message: 'a' },
          { timestamp: t + 1, message: 'b' },
        ],
      }),
    );
    expect(output.rejectedLogEventsInfo).toBeUndefined();
    await expect(
      client.send(
        new PutLogEventsCommand({
          logGroupName: GROUP,
          logStreamName: 'nope',
          logEvents: [{ timestamp: t, message: 'a' }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(server.fake.storedEvents(GROUP, 's1').map((e) => e.message)).toEqual(['a', 'b']);
    expect(server.operations).toEqual(['CreateLogStream', 'CreateLogStream', 'PutLogEvents', 'PutLogEvents']);
    expect(server.violations).toEqual([]);
  });

  it('answers a batch out of chronological order with InvalidParameterException and records the violation', async () => {
    const { server, client } = await logs();
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's1' }));
    const t = Date.parse('2026-11-20T18:00:00Z');
    await expect(
      client.send(
        new PutLogEventsCommand({
          logGroupName: GROUP,
          logStreamName: 's1',
          logEvents: [
            { timestamp: t, message: 'b' },
            { timestamp: t - 1, message: 'a' },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    expect(server.violations).toHaveLength(1);
    expect(server.violations[0]).toContain('chronological');
  });

  it('rejects events older than 14 days on its own clock, as the service does', async () => {
    const { server, client } = await logs();
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's1' }));
    const output = await client.send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: 's1',
        logEvents: [{ timestamp: Date.parse('2026-10-01T00:00:00Z'), message: 'old' }],
      }),
    );
    expect(output.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1 });
    expect(server.fake.storedEvents(GROUP, 's1')).toEqual([]);
  });
});

describe('S3 event notifications for uploaded objects', () => {
  const object: BucketObject = {
    bucket: 'trailwatch-sample-trail',
    key: 'audit logs/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1110Z_OFgXCp32aVxXbA7d.json.gz',
    file: '/dev/null',
    size: 6315,
    eTag: 'a7b94bac71537e022eeb25f5bb16295d',
    deliveredAt: Date.parse('2026-11-20T11:10:00Z'),
  };

  function paths(value: unknown, prefix = ''): string[] {
    if (typeof value !== 'object' || value === null) return [prefix];
    if (Array.isArray(value)) return value.flatMap((v) => paths(v, `${prefix}[]`));
    return Object.entries(value).flatMap(([k, v]) => paths(v, prefix ? `${prefix}.${k}` : k));
  }

  it('has the shape of events/s3-put.json and names the object, its key URL-encoded as S3 encodes it', () => {
    const sample = JSON.parse(readFileSync(new URL('../events/s3-put.json', import.meta.url), 'utf8')) as unknown;
    const event = s3PutNotification(object, 7);
    expect(paths(event).sort()).toEqual(paths(sample).sort());
    const refs = objectsFromEvent(event);
    expect(refs.kind === 'direct' && refs.delivery.objects).toEqual([
      { bucket: object.bucket, key: object.key, size: 6315, created: true, eventName: 'ObjectCreated:Put' },
    ]);
    expect(notificationKey('a b/c+d=e.json.gz')).toBe('a+b/c%2Bd%3De.json.gz');
  });

  it('reads delivery times from CloudTrail names and orders objects by them', () => {
    expect(deliveryTime(object.key)).toBe(Date.parse('2026-11-20T11:10:00Z'));
    expect(
      deliveryTime(
        'AWSLogs/1/CloudTrail-Digest/x/123456789012_CloudTrail-Digest_us-east-1_RDS-CloudTrail_us-east-1_20261120T094631Z.json.gz',
      ),
    ).toBe(Date.parse('2026-11-20T09:46:31Z'));
    expect(deliveryTime('AWSLogs/123456789012/Config/ConfigWritabilityCheckFile')).toBeUndefined();
    const order = deliveryOrder([
      { key: 'z-undated', deliveredAt: undefined },
      { key: 'b', deliveredAt: 2 },
      { key: 'a', deliveredAt: 2 },
      { key: 'c', deliveredAt: 1 },
    ]);
    expect(order.map((o) => o.key)).toEqual(['c', 'a', 'b', 'z-undated']);
  });
});

describe('command lines and env files', () => {
  it('parses KEY=VALUE files with comments, export and quotes, and names a bad line', () => {
    expect(
      parseEnvFile(
        '# stack outputs\nALERT_TOPIC_ARN=arn:aws:sns:us-east-1:1:t\n\nexport MIN_SEVERITY="high"\nX=\'a=b\'\n',
      ),
    ).toEqual({
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:1:t',
      MIN_SEVERITY: 'high',
      X: 'a=b',
    });
    expect(() => parseEnvFile('OK=1\nnot a line\n', 'stack.env')).toThrow('stack.env:2: not KEY=VALUE');
  });

  it('npm start options', () => {
    expect(parseArgs([])).toMatchObject({ out: undefined, verbose: false, clock: 'replay' });
    expect(
      parseArgs(['--out', 'o', '--verbose', '--clock', '2026-11-21T00:00:00Z', '--logs', 'l', '--env', 'e']),
    ).toMatchObject({
      out: 'o',
      verbose: true,
      clock: Date.parse('2026-11-21T00:00:00Z'),
      logsDir: 'l',
      envFile: 'e',
    });
    expect(() => parseArgs(['--out'])).toThrow('--out needs a value');
    expect(() => parseArgs(['--nope'])).toThrow('unknown argument --nope');
  });

  it('npm run invoke options, and when it goes to AWS', () => {
    expect(parseInvokeArgs(['processor', 'events/s3-put.json'])).toMatchObject({
      fn: 'processor',
      eventFile: 'events/s3-put.json',
      mode: undefined,
      envFile: undefined,
    });
    expect(parseInvokeArgs(['indexer', 'e.json', '--env', 'stack.env', '--local'])).toMatchObject({
      fn: 'indexer',
      envFile: 'stack.env',
      mode: 'local',
    });
    expect(() => parseInvokeArgs(['lambda', 'e.json'])).toThrow('unknown function lambda');
    expect(() => parseInvokeArgs(['processor'])).toThrow('required');
    expect(() => parseInvokeArgs(['processor', 'e.json', '--aws', '--local'])).toThrow('exclude each other');
    expect(credentialsInEnvironment({})).toBeUndefined();
    expect(credentialsInEnvironment({ AWS_PROFILE: 'prod' })).toBe('AWS_PROFILE=prod');
    expect(credentialsInEnvironment({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' })).toBe(
      'AWS_ACCESS_KEY_ID',
    );
  });
});
