// Trigger parsing: every shape the processor (and later the indexer) is invoked with, from the sample events
// in events/, and the objects it decides not to read.
import { readFileSync } from 'node:fs';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { describe, expect, it } from 'vitest';
import { TriggerError } from '../functions/lib/errors.js';
import { screenObjects, skipReason } from '../functions/lib/log-objects.js';
import type { Delivery, ObjectRef } from '../functions/lib/delivery.js';
import { decodeNotificationKey, eventBridgeKey } from '../functions/lib/object-keys.js';
import { objectsFromEvent, type ObjectRefs } from '../functions/lib/triggers.js';

const BUCKET = 'trailwatch-sample-trail';
const logKey = (stamp: string, id: string) =>
  `AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T${stamp}_${id}.json.gz`;

function sampleEvent(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8')) as unknown;
}

function direct(refs: ObjectRefs): Delivery {
  if (refs.kind !== 'direct') throw new Error(`expected a direct delivery, got ${refs.kind}`);
  return refs.delivery;
}

function sqsDeliveries(refs: ObjectRefs): Array<Delivery | TriggerError> {
  if (refs.kind !== 'sqs') throw new Error(`expected an SQS event, got ${refs.kind}`);
  return refs.messages.map((m) => (m.result.ok ? m.result.delivery : m.result.error));
}

function thrown(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TriggerError) return error;
    throw error;
  }
  throw new Error('expected a TriggerError');
}

describe('objectsFromEvent on the sample events', () => {
  it('reads the S3 put event sam local generate-event produces, decoding its %2F-encoded key', () => {
    const delivery = direct(objectsFromEvent(sampleEvent('s3-put.json')));
    expect(delivery).toEqual({
      via: 's3',
      notes: [],
      objects: [
        {
          bucket: BUCKET,
          key: logKey('1110Z', 'OFgXCp32aVxXbA7d'),
          size: 6315,
          created: true,
          eventName: 'ObjectCreated:Put',
        },
      ],
    });
  });

  it('reads every record of an S3 notification from a shared bucket, form-decoding keys (+ is a space)', () => {
    const delivery = direct(objectsFromEvent(sampleEvent('s3-put-shared-bucket.json')));
    expect(delivery.via).toBe('s3');
    expect(delivery.objects.map((o) => o.key)).toEqual([
      'audit logs/AWSLogs/o-a1b2c3d4e5/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1513Z_txaXWHzL2pmFONLz.json.gz',
      'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/20/123456789012_CloudTrail-Digest_us-east-1_RDS-CloudTrail_us-east-1_20261120T094631Z.json.gz',
      'AWSLogs/123456789012/Config/ConfigWritabilityCheckFile',
      'AWSLogs/123456789012/Config/us-east-1/2026/11/20/ConfigSnapshot/123456789012_Config_us-east-1_ConfigSnapshot_20261120T151200Z_9c2e6a1f-4b7d-4e0a-8f3c-2d5b7e9a1c04.json.gz',
      'AWSLogs/123456789012/CloudTrail/',
      logKey('1335Z', 'SYfU38QwqZ8FJBaf'),
    ]);
    expect(delivery.objects.map((o) => o.created)).toEqual([true, true, true, true, true, false]);
  });

  it('accepts S3 records that Powertools S3Schema rejects for a field it never reads (an IPv6 sourceIPAddress)', () => {
    const event = sampleEvent('s3-put-shared-bucket.json');
    expect(S3Schema.safeParse(event).success).toBe(false);
    expect(direct(objectsFromEvent(event)).objects).toHaveLength(6);
  });

  it('reads an EventBridge "Object Created" event, its plain key taken as it is', () => {
    const delivery = direct(objectsFromEvent(sampleEvent('eventbridge-object-created.json')));
    expect(delivery).toEqual({
      via: 'eventbridge',
      notes: [],
      objects: [
        {
          bucket: BUCKET,
          key: logKey('1513Z', 'txaXWHzL2pmFONLz'),
          size: 7709,
          created: true,
          eventName: 'Object Created',
        },
      ],
    });
  });

  it('unwraps an S3 notification from an SNS event', () => {
    const delivery = direct(objectsFromEvent(sampleEvent('sns-s3-notification.json')));
    expect(delivery.via).toBe('sns>s3');
    expect(delivery.objects).toEqual([
      {
        bucket: BUCKET,
        key: logKey('0920Z', 'D503XMjzl7ndqoFg'),
        size: 7644,
        created: true,
        eventName: 'ObjectCreated:Put',
      },
    ]);
  });

  it("reads CloudTrail's own SNS delivery notification: every key it lists, raw, size unknown", () => {
    const delivery = direct(objectsFromEvent(sampleEvent('sns-cloudtrail-notification.json')));
    expect(delivery).toEqual({
      via: 'sns>cloudtrail',
      notes: [],
      objects: [
        { bucket: BUCKET, key: logKey('1648Z', 'RrbAe6CEoGYaX5SU'), created: true, eventName: 'CloudTrail delivery' },
        { bucket: BUCKET, key: logKey('1726Z', 'ohvPQ7SWFVPShnv1'), created: true, eventName: 'CloudTrail delivery' },
      ],
    });
  });

  it('gives one delivery per SQS message: an S3 notification, and S3 test event that names no object', () => {
    const refs = objectsFromEvent(sampleEvent('sqs-s3-notification.json'));
    expect(refs.kind).toBe('sqs');
    if (refs.kind !== 'sqs') return;
    expect(refs.messages.map((m) => m.messageId)).toEqual([
      '0d4e6a3c-7b1f-4c2e-9a5d-3e8f1b6c2a7d',
      '8f2b4d6e-1a3c-4e5f-b7d9-2c4e6f8a0b1d',
    ]);
    expect(refs.messages.map((m) => m.record.messageId)).toEqual(refs.messages.map((m) => m.messageId));
    expect(refs.poison).toEqual([]);
    const [first, second] = sqsDeliveries(refs);
    expect(first).toEqual({
      via: 'sqs>s3',
      notes: [],
      objects: [
        {
          bucket: BUCKET,
          key: logKey('1812Z', 'ABCoHpJ6aiSgK7Aa'),
          size: 3995,
          created: true,
          eventName: 'ObjectCreated:Put',
        },
      ],
    });
    expect(second).toEqual({ via: 'sqs>s3', objects: [], notes: [`S3 test event for bucket ${BUCKET}`] });
  });

  it("unwraps CloudTrail's notification from SQS, with and without SNS raw message delivery", () => {
    const [enveloped, raw] = sqsDeliveries(objectsFromEvent(sampleEvent('sqs-sns-cloudtrail-notification.json')));
    expect(enveloped).toEqual({
      via: 'sqs>sns>cloudtrail',
      notes: [],
      objects: [
        { bucket: BUCKET, key: logKey('1335Z', 'SYfU38QwqZ8FJBaf'), created: true, eventName: 'CloudTrail delivery' },
      ],
    });
    expect(raw).toEqual({
      via: 'sqs>cloudtrail',
      notes: [],
      objects: [
        { bucket: BUCKET, key: logKey('1110Z', 'OFgXCp32aVxXbA7d'), created: true, eventName: 'CloudTrail delivery' },
      ],
    });
  });

  it('unwraps an EventBridge event an EventBridge rule sent to SQS', () => {
    const [delivery] = sqsDeliveries(objectsFromEvent(sampleEvent('sqs-eventbridge-object-created.json')));
    expect(delivery).toMatchObject({
      via: 'sqs>eventbridge',
      objects: [{ bucket: BUCKET, key: logKey('1513Z', 'txaXWHzL2pmFONLz') }],
    });
  });
});

describe('objectsFromEvent on other shapes', () => {
  const s3Event = (key: string, extra: Record<string, unknown> = {}) => ({
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: BUCKET }, object: { key, ...extra } },
      },
    ],
  });
  const snsEvent = (message: string, type = 'Notification') => ({
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: { Type: type, MessageId: 'm-1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: message },
      },
    ],
  });
  const sqsEvent = (...bodies: string[]) => ({
    Records: bodies.map((body, i) => ({
      messageId: `msg-${i}`,
      body,
      eventSource: 'aws:sqs',
      receiptHandle: 'r',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q',
    })),
  });

  it('keeps versionId and size 0 from an S3 notification', () => {
    const [ref] = direct(objectsFromEvent(s3Event('a.json.gz', { size: 0, versionId: 'v1' }))).objects;
    expect(ref).toMatchObject({ key: 'a.json.gz', size: 0, versionId: 'v1' });
  });

  it('throws a TriggerError naming an unknown event (keys, first record source)', () => {
    const kinesis = thrown(() => objectsFromEvent({ Records: [{ eventSource: 'aws:kinesis', kinesis: {} }] }));
    expect(kinesis.code).toBe('UNKNOWN_TRIGGER');
    expect(kinesis.message).toContain('Records[0] from aws:kinesis');
    const other = thrown(() => objectsFromEvent({ hello: 'world', source: 'my.app' }));
    expect(other.code).toBe('UNKNOWN_TRIGGER');
    expect(other.received).toBe('an object with keys hello, source; source "my.app"');
    expect(thrown(() => objectsFromEvent(null)).received).toBe('null');
    expect(thrown(() => objectsFromEvent('s3://b/k')).received).toBe('text "s3://b/k"');
    expect(thrown(() => objectsFromEvent([])).received).toBe('an array of 0');
  });

  it('throws INVALID_TRIGGER, with the path, for a known shape missing what it needs', () => {
    const error = thrown(() =>
      objectsFromEvent({
        Records: [
          { eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: {} } },
        ],
      }),
    );
    expect(error.code).toBe('INVALID_TRIGGER');
    expect(error.message).toContain('Records.0.s3.object.key');
    const eventBridge = thrown(() =>
      objectsFromEvent({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: BUCKET } } }),
    );
    expect(eventBridge.message).toContain('detail.object');
    expect(
      thrown(() => objectsFromEvent(snsEvent(JSON.stringify({ s3Bucket: BUCKET, s3ObjectKey: [] })))).message,
    ).toContain('s3ObjectKey');
  });

  it('throws when an SNS message is not JSON', () => {
    const error = thrown(() => objectsFromEvent(snsEvent('Hello from SNS!')));
    expect(error.code).toBe('INVALID_TRIGGER');
    expect(error.message).toBe('SNS message m-1 is not JSON (received: text "Hello from SNS!")');
  });

  it('notes an SNS subscription confirmation and names no object', () => {
    expect(direct(objectsFromEvent(snsEvent('You have chosen to subscribe...', 'SubscriptionConfirmation')))).toEqual({
      via: 'sns',
      objects: [],
      notes: ['SNS SubscriptionConfirmation from arn:aws:sns:us-east-1:123456789012:t'],
    });
  });

  it('reports an unreadable SQS message as that message failing, the others still read', () => {
    const refs = objectsFromEvent(
      sqsEvent('not json', JSON.stringify(s3Event('a.json.gz')), JSON.stringify({ unexpected: true })),
    );
    const results = sqsDeliveries(refs);
    expect(results[0]).toBeInstanceOf(TriggerError);
    expect((results[0] as TriggerError).message).toContain('SQS message msg-0 body is not JSON');
    expect((results[1] as Delivery).objects.map((o) => o.key)).toEqual(['a.json.gz']);
    expect((results[2] as TriggerError).code).toBe('UNKNOWN_TRIGGER');
    expect((results[2] as TriggerError).message).toContain('inside sqs');
  });

  it('does not accept SQS inside SNS, or envelopes nested without end', () => {
    expect(thrown(() => objectsFromEvent(snsEvent(JSON.stringify(sqsEvent('{}'))))).message).toContain(
      'an SQS event inside another message',
    );
    let message = JSON.stringify(s3Event('a.json.gz'));
    for (let i = 0; i < 5; i++)
      message = JSON.stringify({
        Type: 'Notification',
        MessageId: `m${i}`,
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
        Message: message,
      });
    expect(thrown(() => objectsFromEvent(snsEvent(message))).message).toContain('envelopes nested more than');
  });
});

describe('object keys', () => {
  it('decodes S3 notification keys form style: + is a space, %2B a plus', () => {
    expect(decodeNotificationKey('audit+logs/a%2Bb%20c%3Ad.json.gz')).toBe('audit logs/a+b c:d.json.gz');
    expect(decodeNotificationKey('AWSLogs%2F123456789012%2Fx.json.gz')).toBe('AWSLogs/123456789012/x.json.gz');
    expect(decodeNotificationKey('caf%C3%A9.json')).toBe('café.json');
  });

  it('rejects an S3 notification key with a broken escape', () => {
    expect(() => decodeNotificationKey('100%.json.gz')).toThrow(TriggerError);
  });

  it('takes EventBridge keys as they are unless clearly encoded, keeping the other reading to try', () => {
    const plain = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/f.json.gz';
    expect(eventBridgeKey(plain)).toEqual({ key: plain, alternatives: [] });
    expect(eventBridgeKey('audit%20logs/f.json.gz')).toEqual({
      key: 'audit logs/f.json.gz',
      alternatives: ['audit%20logs/f.json.gz'],
    });
    expect(eventBridgeKey('a+b%2Fc.json')).toEqual({ key: 'a b/c.json', alternatives: ['a+b/c.json', 'a+b%2Fc.json'] });
    expect(eventBridgeKey('c++/f.json')).toEqual({ key: 'c++/f.json', alternatives: ['c  /f.json'] });
    // A lone % cannot be an encoded key.
    expect(eventBridgeKey('100%/f.json')).toEqual({ key: '100%/f.json', alternatives: [] });
  });

  it('carries the alternatives of an encoded EventBridge key on the object', () => {
    const event = sampleEvent('eventbridge-object-created.json') as { detail: { object: { key: string } } };
    event.detail.object.key = 'audit%20logs/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/f.json.gz';
    const [ref] = direct(objectsFromEvent(event)).objects;
    expect(ref).toMatchObject({
      key: 'audit logs/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/f.json.gz',
      alternativeKeys: [event.detail.object.key],
    });
  });
});

describe('which objects are read', () => {
  const ref = (key: string, fields: Partial<ObjectRef> = {}): ObjectRef => ({
    bucket: BUCKET,
    key,
    created: true,
    eventName: 'ObjectCreated:Put',
    ...fields,
  });

  it('reads the sample log files, organisation trails and prefixed trails, gzipped or plain', () => {
    for (const key of [
      logKey('1110Z', 'OFgXCp32aVxXbA7d'),
      'AWSLogs/o-a1b2c3d4e5/123456789012/CloudTrail/eu-west-1/2026/11/20/123456789012_CloudTrail_eu-west-1_20261120T1110Z_OFgXCp32aVxXbA7d.json.gz',
      'my/prefix/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/f.json.gz',
      'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/plain.json',
    ]) {
      expect(skipReason(ref(key)), key).toBeUndefined();
    }
  });

  it('skips, with a reason, what a shared bucket holds besides log files', () => {
    const delivery = direct(objectsFromEvent(sampleEvent('s3-put-shared-bucket.json')));
    const { logs, skipped } = screenObjects(delivery.objects);
    expect(logs.map((o) => o.key)).toEqual([
      'audit logs/AWSLogs/o-a1b2c3d4e5/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1513Z_txaXWHzL2pmFONLz.json.gz',
    ]);
    expect(skipped.map((s) => s.skip.reason)).toEqual([
      'digest',
      'config-writability-check',
      'aws-config',
      'folder',
      'not-created',
    ]);
  });

  it('skips zero-byte objects, other AWSLogs folders, digests outside the layout and other extensions', () => {
    expect(skipReason(ref(logKey('1110Z', 'x'), { size: 0 }))?.reason).toBe('empty');
    expect(skipReason(ref('AWSLogs/123456789012/CloudTrail-Insight/us-east-1/2026/11/20/f.json.gz'))?.reason).toBe(
      'other-aws-logs',
    );
    expect(
      skipReason(
        ref(
          'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/20/123456789012_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T094631Z.json.gz',
        ),
      )?.reason,
    ).toBe('digest');
    // A digest is valid only at the key it names (its digestS3Object field, signed:
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html):
    // a copy elsewhere is no CloudTrail file.
    expect(
      skipReason(ref('copies/123456789012_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T094631Z.json.gz'))?.reason,
    ).toBe('not-cloudtrail-log');
    expect(skipReason(ref('AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/f.json.gz.tmp'))?.reason).toBe(
      'not-json',
    );
    expect(skipReason(ref('AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/f.log'))?.reason).toBe('not-json');
    expect(skipReason(ref('AWSLogs/o-a1b2c3d4e5/123456789012/Config/us-east-1/f.json.gz'))?.reason).toBe('aws-config');
    expect(skipReason(ref('f.json.gz', { created: false, eventName: 'Object Deleted' }))).toEqual({
      reason: 'not-created',
      detail: 'Object Deleted event, not a new object',
    });
  });

  it('skips any other JSON object of the bucket: a whole-bucket notification names it, CloudTrail never wrote it', () => {
    for (const key of [
      'reports/summary.json',
      'exported/2026-11-20/f.json',
      'AWSLogs/123456789012/CloudTrail/f.json.gz',
      'backup/AWSLogs/12345/CloudTrail/us-east-1/2026/11/20/f.json.gz',
    ]) {
      expect(skipReason(ref(key, { size: 120 })), key).toMatchObject({ reason: 'not-cloudtrail-log' });
    }
  });
});
