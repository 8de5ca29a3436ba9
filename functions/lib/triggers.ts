// Which S3 objects an invocation is about, whatever brought it: an S3 event notification, an EventBridge
// "Object Created" event, SNS carrying an S3 notification or CloudTrail's own delivery notification, or SQS
// carrying any of those (one delivery per SQS message, so failures are reported per message).
//
// The shapes are Powertools Parser's built-in schemas, narrowed to the fields read (trigger-schemas.ts). Envelopes
// are unwrapped by hand rather than with the Powertools envelopes because one SNS/SQS message can carry any of four
// payloads, and an SQS batch must be split per message, not parsed all-or-nothing. Keys: object-keys.ts.
import type { z } from 'zod';
import { API_CALL_DETAIL_TYPE } from '../../shared/rules/fast-path-pattern.js';
import { mergeDeliveries, type Delivery, type ObjectRef } from './delivery.js';
import { TriggerError } from './errors.js';
import { describeShape, isObject, issues, parseAs, parseJson, recordSources, unknownShape } from './event-shape.js';
import { decodeNotificationKey, eventBridgeKey } from './object-keys.js';
import {
  ApiCallEventSchema,
  CloudTrailNotification,
  S3EventBridgeEvent,
  S3Notification,
  S3TestEvent,
  SnsEvent,
  type SnsMessage,
  SnsSqsMessage,
  SqsRecord,
} from './trigger-schemas.js';

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
