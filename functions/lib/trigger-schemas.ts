// The trigger shapes triggers.ts reads: Powertools Parser's built-in schemas
// (`@aws-lambda-powertools/parser/schemas/{s3,sns,sqs,eventbridge}`), narrowed with `.pick()` to the fields read.
// Narrowing matters: a field trailwatch never reads must not make a delivery unreadable (Powertools' S3 record
// requires an IPv4 `sourceIPAddress`, and S3 sends IPv6 ones too; see events/s3-put-shared-bucket.json).
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

const PtS3Record = S3Schema.shape.Records.element;
const S3NotificationRecord = PtS3Record.pick({ eventSource: true, eventName: true }).extend({
  s3: z.object({
    bucket: PtS3Record.shape.s3.shape.bucket.pick({ name: true }),
    object: PtS3Record.shape.s3.shape.object.pick({ key: true, size: true, versionId: true }),
  }),
});
export const S3Notification = z.object({ Records: z.array(S3NotificationRecord).min(1) });

/** What S3 sends to a new notification destination to check it: names no object. */
export const S3TestEvent = z.object({
  Service: z.literal('Amazon S3'),
  Event: z.literal('s3:TestEvent'),
  Bucket: z.string(),
});

const PtEventBridgeDetail = S3EventNotificationEventBridgeSchema.shape.detail;
export const S3EventBridgeEvent = S3EventNotificationEventBridgeSchema.pick({ 'detail-type': true }).extend({
  source: z.literal('aws.s3'),
  detail: z.object({
    bucket: PtEventBridgeDetail.shape.bucket,
    object: PtEventBridgeDetail.shape.object.pick({ key: true, size: true, 'version-id': true }),
  }),
});

/** Issue 13: a CloudTrail record on EventBridge; the fields trailwatch requires of every record are checked here. */
export const ApiCallEventSchema = EventBridgeSchema.pick({ id: true }).extend({
  'detail-type': z.literal(API_CALL_DETAIL_TYPE),
  detail: z.looseObject({ eventSource: z.string(), eventName: z.string(), eventTime: z.string() }),
});

/** CloudTrail's log-delivery notification: the SNS `Message` of a trail's topic. */
export const CloudTrailNotification = z.object({
  s3Bucket: z.string().min(1),
  s3ObjectKey: z.array(z.string().min(1)).min(1),
});

/** The SNS notification inside a Lambda SNS event, and (with URL instead of Url) an SQS body. */
export const SnsMessage = SnsNotificationSchema.pick({ Message: true, MessageId: true, TopicArn: true }).extend({
  Type: z.string(),
});
export const SnsSqsMessage = SnsSqsNotificationSchema.pick({ Message: true, MessageId: true, TopicArn: true }).extend({
  Type: z.string(),
});
export const SnsEvent = z.object({
  Records: z.array(SnsRecordSchema.pick({ EventSource: true }).extend({ Sns: SnsMessage })).min(1),
});

export const SqsRecord = SqsRecordSchema.pick({ messageId: true, body: true, eventSource: true });
