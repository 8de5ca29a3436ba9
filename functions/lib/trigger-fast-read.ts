// The trigger shapes nearly every invocation arrives in, read without zod: an S3 event notification, an EventBridge
// S3 event, CloudTrail's delivery notification, SNS and SQS envelopes of those. triggers.ts reads every shape with
// Powertools Parser's zod schemas, and zod with those schemas is a third of the bundle: ~460 KB that every cold
// start compiled and ran (~75 ms) for events these few checks accept. So the handlers read an event here first and
// import triggers.ts (a chunk of its own: template.yaml, Splitting) only when this declines.
//
// The contract, checked by test/functions-trigger-fast-read.test.ts against triggers.ts on the sample events and on
// generated ones: whatever this returns, triggers.ts returns too. It declines (undefined) whenever anything is not
// plainly as the schemas want (a missing or mistyped field, a bad JSON body, an SQS record without a messageId, an
// API call event...), and triggers.ts then gives the answer, and the error messages, it always gave.
import { API_CALL_DETAIL_TYPE } from '../../shared/rules/fast-path-pattern.js';
import { mergeDeliveries, type Delivery, type ObjectRef } from './delivery.js';
import { isObject, recordSources } from './event-shape.js';
import { decodeNotificationKey, eventBridgeKey } from './object-keys.js';
import type { ObjectRefs, SqsMessageRefs } from './triggers.js';

/** How deep envelopes may nest (as triggers.ts: SQS > SNS > payload is 2). */
const MAX_DEPTH = 3;

/** The S3 objects an invocation event names: read here when it can be, else by triggers.ts (its errors included). */
export async function readObjectsFromEvent(event: unknown): Promise<ObjectRefs> {
  const read = commonObjectsFromEvent(event);
  if (read !== undefined) return read;
  const { objectsFromEvent } = await import('./triggers.js');
  return objectsFromEvent(event);
}

/** What triggers.ts's objectsFromEvent returns for `event`, or undefined where this reader leaves it to it. */
export function commonObjectsFromEvent(event: unknown): ObjectRefs | undefined {
  try {
    const sources = recordSources(event);
    if (sources?.size === 1 && sources.has('aws:sqs')) return sqsRefs((event as { Records: unknown[] }).Records);
    const delivery = payloadDelivery(event, [], 0);
    return delivery && { kind: 'direct', delivery };
  } catch {
    // A key that does not decode, a body that is not JSON...: triggers.ts says what is wrong.
    return undefined;
  }
}

const isString = (value: unknown): value is string => typeof value === 'string';
/** zod's z.number(): finite numbers only. */
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function sqsRefs(records: unknown[]): ObjectRefs | undefined {
  const messages: SqsMessageRefs[] = [];
  for (const raw of records) {
    // triggers.ts's SqsRecord: messageId (non-empty here, else the record is poison), body, eventSource.
    if (!isObject(raw) || !isString(raw.messageId) || raw.messageId.length === 0) return undefined;
    if (!isString(raw.body) || raw.eventSource !== 'aws:sqs') return undefined;
    const delivery = payloadDelivery(JSON.parse(raw.body) as unknown, ['sqs'], 1);
    if (!delivery) return undefined;
    const record = raw as { messageId: string } & Record<string, unknown>;
    messages.push({ messageId: raw.messageId, record, result: { ok: true, delivery } });
  }
  return { kind: 'sqs', messages, poison: [] };
}

/** triggers.ts's payloadDelivery for the shapes read here; undefined for any other (or any doubt). */
function payloadDelivery(payload: unknown, via: string[], depth: number): Delivery | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const sources = recordSources(payload);
  if (sources?.size === 1 && sources.has('aws:s3')) return s3NotificationDelivery(payload, [...via, 's3']);
  if (sources?.size === 1 && sources.has('aws:sns')) return snsEventDelivery(payload, [...via, 'sns'], depth);
  if (sources || !isObject(payload)) return undefined;
  // API call events (the fast path) are triggers.ts's: its schema copies the record, in its own key order.
  if ('detail-type' in payload && payload.source === 'aws.s3') {
    if (payload['detail-type'] === API_CALL_DETAIL_TYPE) return undefined;
    return eventBridgeDelivery(payload, [...via, 'eventbridge']);
  }
  if ('detail-type' in payload) return undefined;
  if ('s3Bucket' in payload || 's3ObjectKey' in payload) return cloudTrailDelivery(payload, [...via, 'cloudtrail']);
  if (payload.Event === 's3:TestEvent') {
    // S3TestEvent: what S3 sends a new notification destination; names no object.
    if (payload.Service !== 'Amazon S3' || !isString(payload.Bucket)) return undefined;
    return { via: [...via, 's3'].join('>'), objects: [], notes: [`S3 test event for bucket ${payload.Bucket}`] };
  }
  if (isString(payload.Type) && 'TopicArn' in payload && 'Message' in payload)
    return snsMessageDelivery(payload, [...via, 'sns'], depth);
  return undefined;
}

/** S3Notification: Records (at least one) of { eventSource 'aws:s3', eventName, s3: { bucket.name, object } }. */
function s3NotificationDelivery(payload: unknown, via: string[]): Delivery | undefined {
  const records = (payload as { Records: unknown[] }).Records;
  if (records.length === 0) return undefined;
  const objects: ObjectRef[] = [];
  for (const record of records) {
    if (!isObject(record) || record.eventSource !== 'aws:s3' || !isString(record.eventName)) return undefined;
    const s3 = record.s3;
    if (!isObject(s3) || !isObject(s3.bucket) || !isObject(s3.object)) return undefined;
    const { bucket, object } = s3;
    const { size, versionId } = object;
    if (!isString(bucket.name) || !isString(object.key)) return undefined;
    if (!(size === undefined || isNumber(size)) || !(versionId === undefined || isString(versionId))) return undefined;
    objects.push({
      bucket: bucket.name,
      key: decodeNotificationKey(object.key),
      ...(size !== undefined ? { size } : {}),
      ...(versionId ? { versionId } : {}),
      created: record.eventName.startsWith('ObjectCreated:'),
      eventName: record.eventName,
    });
  }
  return { via: via.join('>'), objects, notes: [] };
}

/** S3EventBridgeEvent: detail-type, source 'aws.s3', detail { bucket.name, object { key, size >= 0, version-id } }. */
function eventBridgeDelivery(payload: Record<string, unknown>, via: string[]): Delivery | undefined {
  const detailType = payload['detail-type'];
  const { detail } = payload;
  if (!isString(detailType) || !isObject(detail) || !isObject(detail.bucket) || !isObject(detail.object))
    return undefined;
  const { bucket, object } = detail;
  if (!isString(bucket.name) || !isString(object.key)) return undefined;
  const size = object.size;
  const versionId = object['version-id'];
  if (!(size === undefined || (isNumber(size) && size >= 0)) || !(versionId === undefined || isString(versionId)))
    return undefined;
  const { key, alternatives } = eventBridgeKey(object.key);
  const ref: ObjectRef = {
    bucket: bucket.name,
    key,
    ...(alternatives.length > 0 ? { alternativeKeys: alternatives } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(versionId ? { versionId } : {}),
    created: detailType === 'Object Created',
    eventName: detailType,
  };
  return { via: via.join('>'), objects: [ref], notes: [] };
}

/** CloudTrailNotification: s3Bucket (non-empty), s3ObjectKey (non-empty keys, at least one). */
function cloudTrailDelivery(payload: Record<string, unknown>, via: string[]): Delivery | undefined {
  const { s3Bucket, s3ObjectKey } = payload;
  if (!isString(s3Bucket) || s3Bucket.length === 0 || !Array.isArray(s3ObjectKey) || s3ObjectKey.length === 0)
    return undefined;
  if (!s3ObjectKey.every((key) => isString(key) && key.length > 0)) return undefined;
  const objects = (s3ObjectKey as string[]).map(
    (key): ObjectRef => ({ bucket: s3Bucket, key, created: true, eventName: 'CloudTrail delivery' }),
  );
  return { via: via.join('>'), objects, notes: [] };
}

/** SnsEvent: Records (at least one) of { EventSource 'aws:sns', Sns: a message }, merged as triggers.ts merges. */
function snsEventDelivery(payload: unknown, via: string[], depth: number): Delivery | undefined {
  const records = (payload as { Records: unknown[] }).Records;
  if (records.length === 0) return undefined;
  const deliveries: Delivery[] = [];
  for (const record of records) {
    if (!isObject(record) || record.EventSource !== 'aws:sns' || !isObject(record.Sns)) return undefined;
    const delivery = snsMessageDelivery(record.Sns, via, depth);
    if (!delivery) return undefined;
    deliveries.push(delivery);
  }
  return mergeDeliveries(deliveries, via);
}

/** SnsMessage / SnsSqsMessage: Message, MessageId, TopicArn and Type strings; a Notification's Message is read on. */
function snsMessageDelivery(message: Record<string, unknown>, via: string[], depth: number): Delivery | undefined {
  const { Message, MessageId, TopicArn, Type } = message;
  if (!isString(Message) || !isString(MessageId) || !isString(TopicArn) || !isString(Type)) return undefined;
  if (Type !== 'Notification') return { via: via.join('>'), objects: [], notes: [`SNS ${Type} from ${TopicArn}`] };
  return payloadDelivery(JSON.parse(Message) as unknown, via, depth + 1);
}
