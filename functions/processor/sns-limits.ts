// What SNS counts and allows per message and per PublishBatch call
// (https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html): at most 10 entries, and 262,144 bytes (UTF-8)
// of message, subject and every attribute's name, type and value, per message and per call.
import { utf8Bytes } from '../../shared/render/plain-text.js';

/** SNS's default maximum message size (topic attribute MaximumMessageSize), also PublishBatch's total. */
export const MAX_SNS_PAYLOAD_BYTES = 262_144;
export const MAX_PUBLISH_BATCH_ENTRIES = 10;

/** The parts of a Publish request or PublishBatch entry that SNS counts (the SDK's own types fit this). */
export interface PublishEntryLike {
  Message?: string | undefined;
  Subject?: string | undefined;
  MessageAttributes?:
    | Record<
        string,
        { DataType?: string | undefined; StringValue?: string | undefined; BinaryValue?: Uint8Array | undefined }
      >
    | undefined;
}

/** Bytes SNS counts for one entry: message, subject, and each attribute's name, type and value (UTF-8). */
export function publishEntryBytes(entry: PublishEntryLike): number {
  return (
    utf8Bytes(entry.Message ?? '') + utf8Bytes(entry.Subject ?? '') + attributeBytes(entry.MessageAttributes ?? {})
  );
}

export function attributeBytes(attributes: NonNullable<PublishEntryLike['MessageAttributes']>): number {
  let bytes = 0;
  for (const [name, { DataType, StringValue, BinaryValue }] of Object.entries(attributes)) {
    bytes +=
      utf8Bytes(name) + utf8Bytes(DataType ?? '') + utf8Bytes(StringValue ?? '') + (BinaryValue?.byteLength ?? 0);
  }
  return bytes;
}

/**
 * `items` in order, packed into PublishBatch calls: at most 10 entries and MAX_SNS_PAYLOAD_BYTES in total per
 * call. An item too large for any batch gets one of its own (SNS then rejects that entry alone).
 */
export function packPublishBatches<T>(items: readonly T[], bytesOf: (item: T) => number): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let batchBytes = 0;
  for (const item of items) {
    const bytes = bytesOf(item);
    if (
      batch.length > 0 &&
      (batch.length === MAX_PUBLISH_BATCH_ENTRIES || batchBytes + bytes > MAX_SNS_PAYLOAD_BYTES)
    ) {
      batches.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(item);
    batchBytes += bytes;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
