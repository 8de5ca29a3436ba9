// Which S3 objects an invocation is about, whatever brought it: an S3 event notification, an EventBridge
// "Object Created" event, SNS carrying an S3 notification or CloudTrail's own delivery notification, or SQS
// carrying any of those (one delivery per SQS message, so failures are reported per message).
//
// The shapes are Powertools Parser's built-in schemas (`@aws-lambda-powertools/parser/schemas/{s3,sns,sqs}`),
// narrowed with `.pick()` to the fields read here. Narrowing matters: a field trailwatch never reads must not
// make a delivery unreadable (Powertools' S3 record requires an IPv4 `sourceIPAddress`, and S3 sends IPv6
// ones too; see events/s3-put-shared-bucket.json). Envelopes are unwrapped by hand rather than with the
// Powertools envelopes because one SNS/SQS message can carry any of four payloads, and an SQS batch must be
// split per message, not parsed all-or-nothing.
//
// Object keys:
// - S3 event notifications URL-encode the key, form style (`+` is a space):
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
// - CloudTrail's SNS notification lists raw keys:
//   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html
// - EventBridge's `detail.object.key` encoding is not documented
//   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html). A CloudTrail key never needs
//   encoding (only a user's prefix could), so: a key with no `%` or `+` is taken as it is; a key with valid
//   `%XX` escapes that decodes to something else is taken decoded, with the raw key as the alternative; a key
//   with `+` only is taken raw, with the form-decoded key as the alternative. The S3 reader tries the
//   alternative when S3 answers NoSuchKey (see s3-object.ts), so both readings are safe.
import { z } from 'zod';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { S3EventNotificationEventBridgeSchema, S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import {
  SnsNotificationSchema,
  SnsRecordSchema,
  SnsSqsNotificationSchema,
} from '@aws-lambda-powertools/parser/schemas/sns';
import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import { API_CALL_DETAIL_TYPE } from '../../shared/rules/fast-path-pattern.js';
import { TriggerError } from './errors.js';

/** One S3 object an invocation asks to be processed. */
export interface ObjectRef {
  bucket: string;
  /** The decoded key. */
  key: string;
  /** Other readings of an ambiguously encoded key, tried in order if S3 has no object under `key`. */
  alternativeKeys?: string[];
  /** Size in bytes, when the event says (S3 notifications and EventBridge do; CloudTrail's notification does not). */
  size?: number;
  versionId?: string;
  /** False for events that are not about a new object (ObjectRemoved, "Object Deleted"...). */
  created: boolean;
  /** What the event called it: `ObjectCreated:Put`, `Object Created`, `CloudTrail delivery`. */
  eventName: string;
}

/**
 * Issue 13, the fast path: a CloudTrail record EventBridge delivered as `AWS API Call via CloudTrail` (the record
 * is `detail`; https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
 */
export interface ApiCallEvent {
  /** The EventBridge event id (not the record's eventID). */
  id: string;
  /** The CloudTrail record; its eventSource, eventName and eventTime are checked to be strings. */
  detail: Record<string, unknown> & { eventSource: string; eventName: string; eventTime: string };
}

/** The objects of one delivery: an invocation, or one SQS message. */
export interface Delivery {
  /** How it arrived, outermost first: `s3`, `eventbridge`, `sns>cloudtrail`, `sqs>sns>s3`, `eventbridge>cloudtrail-api-call`. */
  via: string;
  objects: ObjectRef[];
  /** Fast-path records (issue 13); only the processor reads them. */
  apiCalls?: ApiCallEvent[];
  /** Messages that name no object by design (S3's test event, an SNS subscription confirmation). */
  notes: string[];
}

export interface SqsMessageRefs {
  messageId: string;
  /** The SQS record as received (the partial-batch response reports it by its messageId). */
  record: { messageId: string } & Record<string, unknown>;
  /** The message's objects, or why it could not be read (reported as that message's failure). */
  result: { ok: true; delivery: Delivery } | { ok: false; error: TriggerError };
}

/** An SQS record that has no messageId to report it by: it cannot be a batchItemFailure (see sqsRefs). */
export interface PoisonSqsRecord {
  /** Its place in the batch. */
  index: number;
  error: TriggerError;
}

export type ObjectRefs =
  | { kind: 'direct'; delivery: Delivery }
  | {
      kind: 'sqs';
      /** One per record with a messageId, in batch order. */
      messages: SqsMessageRefs[];
      /** Records without one, skipped. */
      poison: PoisonSqsRecord[];
    };

// ---------------------------------------------------------------------------------------------------------
// Schemas: Powertools' own, narrowed to what is read.

const PtS3Record = S3Schema.shape.Records.element;
const S3NotificationRecord = PtS3Record.pick({ eventSource: true, eventName: true }).extend({
  s3: z.object({
    bucket: PtS3Record.shape.s3.shape.bucket.pick({ name: true }),
    object: PtS3Record.shape.s3.shape.object.pick({ key: true, size: true, versionId: true }),
  }),
});
const S3Notification = z.object({ Records: z.array(S3NotificationRecord).min(1) });

/** What S3 sends to a new notification destination to check it: names no object. */
const S3TestEvent = z.object({ Service: z.literal('Amazon S3'), Event: z.literal('s3:TestEvent'), Bucket: z.string() });

const PtEventBridgeDetail = S3EventNotificationEventBridgeSchema.shape.detail;
const S3EventBridgeEvent = S3EventNotificationEventBridgeSchema.pick({ 'detail-type': true }).extend({
  source: z.literal('aws.s3'),
  detail: z.object({
    bucket: PtEventBridgeDetail.shape.bucket,
    object: PtEventBridgeDetail.shape.object.pick({ key: true, size: true, 'version-id': true }),
  }),
});

/** Issue 13: a CloudTrail record on EventBridge; the fields trailwatch requires of every record are checked here. */
const ApiCallEventSchema = EventBridgeSchema.pick({ id: true }).extend({
  'detail-type': z.literal(API_CALL_DETAIL_TYPE),
  detail: z.looseObject({ eventSource: z.string(), eventName: z.string(), eventTime: z.string() }),
});

/** CloudTrail's log-delivery notification: the SNS `Message` of a trail's topic. */
const CloudTrailNotification = z.object({
  s3Bucket: z.string().min(1),
  s3ObjectKey: z.array(z.string().min(1)).min(1),
});

/** The SNS notification inside a Lambda SNS event, and (with URL instead of Url) an SQS body. */
const SnsMessage = SnsNotificationSchema.pick({ Message: true, MessageId: true, TopicArn: true }).extend({
  Type: z.string(),
});
const SnsSqsMessage = SnsSqsNotificationSchema.pick({ Message: true, MessageId: true, TopicArn: true }).extend({
  Type: z.string(),
});
const SnsEvent = z.object({
  Records: z.array(SnsRecordSchema.pick({ EventSource: true }).extend({ Sns: SnsMessage })).min(1),
});

const SqsRecord = SqsRecordSchema.pick({ messageId: true, body: true, eventSource: true });

// ---------------------------------------------------------------------------------------------------------

/** How deep envelopes may nest (SQS > SNS > payload is 2); guards against a message that wraps itself. */
const MAX_DEPTH = 3;

/**
 * The S3 objects an invocation event names. SQS events give one result per message (a message whose body
 * cannot be read is that message's failure); every other shape gives one delivery or throws a TriggerError.
 */
export function objectsFromEvent(event: unknown): ObjectRefs {
  const sources = recordSources(event);
  if (sources?.size === 1 && sources.has('aws:sqs')) return sqsRefs(event as { Records: unknown[] });
  return { kind: 'direct', delivery: payloadDelivery(event, [], 0) };
}

/**
 * One result per SQS record, never a throw: a record that is not an SQS message fails alone, so the good messages
 * of its batch are not retried with it. A record is reported as a failure by its `messageId`; one without a
 * (non-empty string) messageId cannot be, because Lambda treats the whole batch as failed when a batchItemFailure
 * has an empty, null or unknown itemIdentifier
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting,
 * "Success and failure conditions"): reporting it would redeliver every message of the batch, forever. Such a
 * record is poison: it is skipped with an error log line (delivery-handler.ts). SQS itself always sets messageId;
 * only a hand-made or corrupted event lacks it.
 */
function sqsRefs(event: { Records: unknown[] }): ObjectRefs {
  const messages: SqsMessageRefs[] = [];
  const poison: PoisonSqsRecord[] = [];
  for (const [index, raw] of event.Records.entries()) {
    const messageId =
      isObject(raw) && typeof raw.messageId === 'string' && raw.messageId.length > 0 ? raw.messageId : undefined;
    if (messageId === undefined || !isObject(raw)) {
      poison.push({
        index,
        error: new TriggerError(
          'INVALID_TRIGGER',
          describeShape(raw),
          `SQS record ${index} has no messageId: it cannot be reported as a batch item failure`,
        ),
      });
      continue;
    }
    const record = raw as { messageId: string } & Record<string, unknown>;
    try {
      const parsed = SqsRecord.safeParse(raw);
      if (!parsed.success)
        throw new TriggerError(
          'INVALID_TRIGGER',
          describeShape(raw),
          `SQS record ${index} (message ${messageId}) is not an SQS message: ${issues(parsed.error)}`,
        );
      const delivery = payloadDelivery(parseJson(parsed.data.body, `SQS message ${messageId} body`), ['sqs'], 1);
      messages.push({ messageId, record, result: { ok: true, delivery } });
    } catch (error) {
      if (!(error instanceof TriggerError)) throw error;
      messages.push({ messageId, record, result: { ok: false, error } });
    }
  }
  return { kind: 'sqs', messages, poison };
}

/** A payload that is, or wraps, the S3 objects: S3 notification, EventBridge event, CloudTrail notification, SNS. */
function payloadDelivery(payload: unknown, via: string[], depth: number): Delivery {
  if (depth > MAX_DEPTH)
    throw new TriggerError('INVALID_TRIGGER', describeShape(payload), `envelopes nested more than ${MAX_DEPTH} deep`);
  const sources = recordSources(payload);
  if (sources?.size === 1 && sources.has('aws:s3')) return s3NotificationDelivery(payload, [...via, 's3']);
  if (sources?.size === 1 && sources.has('aws:sns')) return snsEventDelivery(payload, [...via, 'sns'], depth);
  if (sources?.has('aws:sqs')) {
    throw new TriggerError('INVALID_TRIGGER', describeShape(payload), 'an SQS event inside another message');
  }
  if (!isObject(payload) || sources) throw unknownShape(payload, via);

  if (payload['detail-type'] === API_CALL_DETAIL_TYPE)
    return apiCallDelivery(payload, [...via, 'eventbridge', 'cloudtrail-api-call']);
  if (payload.source === 'aws.s3' && 'detail-type' in payload)
    return eventBridgeDelivery(payload, [...via, 'eventbridge']);
  if ('s3Bucket' in payload || 's3ObjectKey' in payload) return cloudTrailDelivery(payload, [...via, 'cloudtrail']);
  if (payload.Event === 's3:TestEvent') {
    const test = parseAs(S3TestEvent, payload, 'S3 test event');
    return { via: [...via, 's3'].join('>'), objects: [], notes: [`S3 test event for bucket ${test.Bucket}`] };
  }
  if (typeof payload.Type === 'string' && 'TopicArn' in payload && 'Message' in payload) {
    return snsMessageDelivery(parseAs(SnsSqsMessage, payload, 'SNS message'), [...via, 'sns'], depth);
  }
  throw unknownShape(payload, via);
}

function s3NotificationDelivery(payload: unknown, via: string[]): Delivery {
  const notification = parseAs(S3Notification, payload, 'S3 event notification');
  const objects = notification.Records.map((record): ObjectRef => {
    const { bucket, object } = record.s3;
    return {
      bucket: bucket.name,
      key: decodeNotificationKey(object.key),
      ...(object.size !== undefined ? { size: object.size } : {}),
      ...(object.versionId ? { versionId: object.versionId } : {}),
      created: record.eventName.startsWith('ObjectCreated:'),
      eventName: record.eventName,
    };
  });
  return { via: via.join('>'), objects, notes: [] };
}

function eventBridgeDelivery(payload: unknown, via: string[]): Delivery {
  const event = parseAs(S3EventBridgeEvent, payload, 'EventBridge S3 event');
  const { bucket, object } = event.detail;
  const { key, alternatives } = eventBridgeKey(object.key);
  const ref: ObjectRef = {
    bucket: bucket.name,
    key,
    ...(alternatives.length > 0 ? { alternativeKeys: alternatives } : {}),
    ...(object.size !== undefined ? { size: object.size } : {}),
    ...(object['version-id'] ? { versionId: object['version-id'] } : {}),
    created: event['detail-type'] === 'Object Created',
    eventName: event['detail-type'],
  };
  return { via: via.join('>'), objects: [ref], notes: [] };
}

function apiCallDelivery(payload: unknown, via: string[]): Delivery {
  const event = parseAs(ApiCallEventSchema, payload, 'EventBridge "AWS API Call via CloudTrail" event');
  return { via: via.join('>'), objects: [], notes: [], apiCalls: [{ id: event.id, detail: event.detail }] };
}

function cloudTrailDelivery(payload: unknown, via: string[]): Delivery {
  const notification = parseAs(CloudTrailNotification, payload, 'CloudTrail log delivery notification');
  const objects = notification.s3ObjectKey.map(
    (key): ObjectRef => ({ bucket: notification.s3Bucket, key, created: true, eventName: 'CloudTrail delivery' }),
  );
  return { via: via.join('>'), objects, notes: [] };
}

function snsEventDelivery(payload: unknown, via: string[], depth: number): Delivery {
  const event = parseAs(SnsEvent, payload, 'SNS event');
  const deliveries = event.Records.map((record) => snsMessageDelivery(record.Sns, via, depth));
  return mergeDeliveries(deliveries, via);
}

function snsMessageDelivery(message: z.infer<typeof SnsMessage>, via: string[], depth: number): Delivery {
  if (message.Type !== 'Notification') {
    // SubscriptionConfirmation / UnsubscribeConfirmation reach SQS subscribers of a cross-account topic.
    return { via: via.join('>'), objects: [], notes: [`SNS ${message.Type} from ${message.TopicArn}`] };
  }
  return payloadDelivery(parseJson(message.Message, `SNS message ${message.MessageId}`), via, depth + 1);
}

function mergeDeliveries(deliveries: Delivery[], via: string[]): Delivery {
  const vias = [...new Set(deliveries.map((d) => d.via))];
  return {
    via:
      vias.length === 1
        ? (vias[0] ?? via.join('>'))
        : `${via.join('>')}>(${vias.map((v) => v.split('>').pop()).join('|')})`,
    objects: deliveries.flatMap((d) => d.objects),
    notes: deliveries.flatMap((d) => d.notes),
    ...(deliveries.some((d) => d.apiCalls) ? { apiCalls: deliveries.flatMap((d) => d.apiCalls ?? []) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Keys

/** An S3 notification key: URL-encoded, form style. */
export function decodeNotificationKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    throw new TriggerError(
      'INVALID_TRIGGER',
      JSON.stringify(key),
      'S3 notification object key is not URL-encoded as S3 encodes keys',
    );
  }
}

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;

/** An EventBridge key (encoding undocumented): the likelier reading first, the other as an alternative. */
export function eventBridgeKey(key: string): { key: string; alternatives: string[] } {
  if (!key.includes('%') && !key.includes('+')) return { key, alternatives: [] };
  let formDecoded: string | undefined;
  try {
    formDecoded = decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    // A lone `%` (or a broken escape): not an encoded key.
    return { key, alternatives: [] };
  }
  if (formDecoded === key) return { key, alternatives: [] };
  if (PERCENT_ESCAPE.test(key)) {
    // Clearly encoded: decode; a `+` beside `%XX` escapes is an encoded space too (form style).
    const alternatives = [key];
    const plusKept = decodeURIComponent(key);
    if (plusKept !== formDecoded && plusKept !== key) alternatives.unshift(plusKept);
    return { key: formDecoded, alternatives };
  }
  // Only `+`: a literal plus or an encoded space; the raw key is the likelier.
  return { key, alternatives: [formDecoded] };
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `eventSource`/`EventSource` values of a `{ Records: [...] }` event, or undefined for other shapes. */
function recordSources(value: unknown): Set<string> | undefined {
  if (!isObject(value) || !Array.isArray(value.Records)) return undefined;
  const sources = new Set<string>();
  for (const record of value.Records) {
    const source = isObject(record) ? (record.eventSource ?? record.EventSource) : undefined;
    sources.add(typeof source === 'string' ? source : '(none)');
  }
  return sources;
}

function parseAs<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new TriggerError('INVALID_TRIGGER', describeShape(value), `not a valid ${what}: ${issues(parsed.error)}`);
  return parsed.data;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TriggerError('INVALID_TRIGGER', `text ${JSON.stringify(truncate(text, 80))}`, `${what} is not JSON`);
  }
}

function unknownShape(value: unknown, via: string[]): TriggerError {
  const inside = via.length > 0 ? ` inside ${via.join('>')}` : '';
  return new TriggerError(
    'UNKNOWN_TRIGGER',
    describeShape(value),
    `not an S3 event notification, EventBridge S3 event, CloudTrail API call event, CloudTrail notification, SNS or SQS event${inside}`,
  );
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top)'}: ${issue.message}`)
    .join('; ');
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}...` : text;
}

/** What a value looks like, for error messages: its type, keys, and the event source of its first record. */
export function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `text ${JSON.stringify(truncate(value, 80))}`;
  if (typeof value !== 'object') return typeof value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const parts = [`an object with keys ${truncate(keys.join(', '), 120) || '(none)'}`];
  if (Array.isArray(record.Records)) {
    const first: unknown = record.Records[0];
    if (isObject(first)) {
      const source = first.eventSource ?? first.EventSource;
      parts.push(
        `Records[0] ${typeof source === 'string' ? `from ${source}` : `with keys ${truncate(Object.keys(first).join(', '), 80)}`}`,
      );
    } else parts.push(`${record.Records.length} Records`);
  }
  for (const field of ['source', 'detail-type', 'Type'] as const) {
    if (typeof record[field] === 'string') parts.push(`${field} ${JSON.stringify(truncate(record[field], 60))}`);
  }
  return parts.join('; ');
}
