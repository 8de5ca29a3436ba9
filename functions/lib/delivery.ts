// What an invocation asks a function to work on, whatever brought it (triggers.ts reads the event): the S3
// objects, and on the fast path the CloudTrail records EventBridge carried. One delivery is one invocation, or
// one SQS message of a batch (its failure is reported per message).

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

/**
 * Several deliveries that arrived together (the records of one SNS event) as one: their objects, notes and API
 * calls in order, and a `via` that names each distinct path once, e.g. `sns>(s3|cloudtrail)`. Shared by the
 * zod-free reader of the common shapes (trigger-fast-read.ts) and triggers.ts, which must answer alike.
 */
export function mergeDeliveries(deliveries: Delivery[], via: string[]): Delivery {
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
