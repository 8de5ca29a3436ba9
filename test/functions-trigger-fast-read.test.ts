// The zod-free trigger reader (functions/lib/trigger-fast-read.ts) the handlers try first: whatever it returns,
// triggers.ts (Powertools Parser's schemas) returns too, and what it declines, triggers.ts answers, with its errors.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TriggerError } from '../functions/lib/errors.js';
import { commonObjectsFromEvent, readObjectsFromEvent } from '../functions/lib/trigger-fast-read.js';
import { objectsFromEvent } from '../functions/lib/triggers.js';

function sampleEvent(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8')) as unknown;
}

/** The sample events that name log files: the shapes a deployed stack is invoked with for every delivery. */
const DELIVERY_SAMPLES = [
  's3-put.json',
  's3-put-shared-bucket.json',
  'eventbridge-object-created.json',
  'sns-s3-notification.json',
  'sns-cloudtrail-notification.json',
  'sqs-s3-notification.json',
  'sqs-sns-cloudtrail-notification.json',
  'sqs-eventbridge-object-created.json',
];

const KEY =
  'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1200Z_AbCdEfGh01234567.json.gz';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the fast trigger reader on the sample events', () => {
  it.each(DELIVERY_SAMPLES)('%s: reads it, with the objects triggers.ts reads', (name) => {
    const event = sampleEvent(name);
    const fast = commonObjectsFromEvent(event);
    expect(fast).toBeDefined();
    expect(fast).toEqual(objectsFromEvent(event));
  });

  it.each(['eventbridge-cloudtrail-api-call.json', 'sqs-eventbridge-cloudtrail-api-call.json'])(
    '%s: leaves the API call event (copied by its schema) to triggers.ts',
    async (name) => {
      const event = sampleEvent(name);
      expect(commonObjectsFromEvent(event)).toBeUndefined();
      expect(await readObjectsFromEvent(event)).toEqual(objectsFromEvent(event));
    },
  );
});

describe('readObjectsFromEvent', () => {
  it('rejects an unknown shape with the TriggerError triggers.ts throws', async () => {
    const event = { Records: [{ eventSource: 'aws:kinesis', kinesis: {} }] };
    const expected = thrownBy(() => objectsFromEvent(event));
    expect(expected).toBeInstanceOf(TriggerError);
    await expect(readObjectsFromEvent(event)).rejects.toThrow((expected as TriggerError).message);
  });

  it('rejects a notification missing its key with the schema error triggers.ts gives', async () => {
    const event = {
      Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: {} } }],
    };
    expect(commonObjectsFromEvent(event)).toBeUndefined();
    const expected = thrownBy(() => objectsFromEvent(event)) as TriggerError;
    expect(expected.message).toMatch(/s3\.object\.key/);
    await expect(readObjectsFromEvent(event)).rejects.toThrow(expected.message);
  });

  it('gives an SQS batch with one bad message the per-message results triggers.ts gives', async () => {
    const good = JSON.stringify(sampleEvent('s3-put.json'));
    const event = {
      Records: [
        { messageId: 'm1', body: good, eventSource: 'aws:sqs' },
        { messageId: 'm2', body: 'not json', eventSource: 'aws:sqs' },
      ],
    };
    expect(commonObjectsFromEvent(event)).toBeUndefined();
    expect(await readObjectsFromEvent(event)).toEqual(objectsFromEvent(event));
  });
});

// --- generated events: valid ones, and ones with a field removed or replaced at any depth, in any envelope ---------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const REMOVE = Symbol('remove');

/** Every path to a value inside `value` (object keys and array indexes), the root excluded. */
function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, Json]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([key, v]) => [[...prefix, key], ...pathsOf(v, [...prefix, key])]);
}

/** A copy of `value` with the value at `path` replaced (or removed). */
function replaced(value: Json, path: Array<string | number>, replacement: Json | typeof REMOVE): Json {
  const [head, ...rest] = path;
  if (head === undefined) return replacement === REMOVE ? null : replacement;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === REMOVE) copy.splice(Number(head), 1);
    else copy[Number(head)] = replaced(copy[Number(head)] ?? null, rest, replacement);
    return copy;
  }
  if (value === null || typeof value !== 'object') return value;
  const copy = { ...value };
  if (rest.length === 0 && replacement === REMOVE) delete copy[String(head)];
  else copy[String(head)] = replaced(copy[String(head)] ?? null, rest, replacement);
  return copy;
}

const s3Record = (key: string, extra: { [key: string]: Json }): Json => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'us-east-1',
  eventName: 'ObjectCreated:Put',
  s3: { bucket: { name: 'trail-bucket' }, object: { key, ...extra } },
});

const objectExtras = fc.record(
  { size: fc.oneof(fc.nat(), fc.constant(-1), fc.double()), versionId: fc.oneof(fc.string(), fc.constant('')) },
  { requiredKeys: [] },
);
const keys = fc.oneof(fc.constant(KEY), fc.constant(encodeURIComponent(KEY).replace(/%2F/g, '/')), fc.string());

/** Payloads: S3 notifications, EventBridge S3 events, CloudTrail notifications, made and then maybe damaged. */
const payload: fc.Arbitrary<Json> = fc.oneof(
  fc.array(fc.tuple(keys, objectExtras), { minLength: 1, maxLength: 3 }).map(
    ([...records]): Json => ({
      Records: records.map(([key, extra]) => s3Record(key, extra as { [key: string]: Json })),
    }),
  ),
  fc.tuple(keys, objectExtras, fc.constantFrom('Object Created', 'Object Deleted')).map(
    ([key, extra, detailType]): Json => ({
      version: '0',
      source: 'aws.s3',
      'detail-type': detailType,
      detail: {
        bucket: { name: 'trail-bucket' },
        object: {
          key,
          ...(extra as { [key: string]: Json }),
          ...('versionId' in extra ? { 'version-id': extra.versionId as Json } : {}),
        },
      },
    }),
  ),
  fc.constant<Json>({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'trail-bucket', RequestId: 'R' }),
  fc.array(fc.oneof(fc.constant(KEY), fc.string()), { maxLength: 3 }).map(
    (objectKeys): Json => ({
      s3Bucket: 'trail-bucket',
      s3ObjectKey: objectKeys,
    }),
  ),
);

const damage = (value: Json): fc.Arbitrary<Json> => {
  const paths = pathsOf(value);
  if (paths.length === 0) return fc.constant(value);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(value) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...paths),
          fc.oneof(
            fc.constant<typeof REMOVE>(REMOVE),
            fc.constantFrom<Json>(null, '', 'aws:s3', 'aws:sns', 'aws:sqs', 'Notification', 0, -1, 2.5, [], {}, true),
            fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
          ),
        )
        .map(([path, replacement]) => replaced(value, path, replacement)),
    },
  );
};

const snsMessage = (message: Json, type: string): { [key: string]: Json } => ({
  Type: type,
  MessageId: 'sns-1',
  TopicArn: 'arn:aws:sns:us-east-1:123456789012:trail',
  Message: JSON.stringify(message),
});

/** A damaged payload, then maybe wrapped in SNS and/or SQS envelopes, then maybe the envelope damaged too. */
const event: fc.Arbitrary<Json> = payload.chain(damage).chain((inner) =>
  fc.constantFrom('none', 'sns', 'sqs', 'sqs>sns', 'sns-confirmation').chain((wrap): fc.Arbitrary<Json> => {
    const sqs = (body: Json): Json => ({
      Records: [{ messageId: 'msg-1', receiptHandle: 'r', body: JSON.stringify(body), eventSource: 'aws:sqs' }],
    });
    const sns = (message: Json, type = 'Notification'): Json => ({
      Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: snsMessage(message, type) }],
    });
    const wrapped =
      wrap === 'none'
        ? inner
        : wrap === 'sns'
          ? sns(inner)
          : wrap === 'sqs'
            ? sqs(inner)
            : wrap === 'sqs>sns'
              ? sqs(snsMessage(inner, 'Notification'))
              : sns(inner, 'SubscriptionConfirmation');
    return wrap === 'none' ? fc.constant(wrapped) : damage(wrapped);
  }),
);

describe('the fast trigger reader on generated events', () => {
  it('returns what triggers.ts returns whenever it reads an event, and reads the valid ones', () => {
    let read = 0;
    fc.assert(
      fc.property(event, (generated) => {
        const fast = commonObjectsFromEvent(generated);
        if (fast === undefined) return;
        read++;
        expect(thrownBy(() => objectsFromEvent(generated))).toBeUndefined();
        expect(fast).toEqual(objectsFromEvent(generated));
      }),
      { numRuns: 2000 },
    );
    // The property is not vacuous: a good share of the events are read here, not left to triggers.ts.
    expect(read).toBeGreaterThan(200);
  });
});
