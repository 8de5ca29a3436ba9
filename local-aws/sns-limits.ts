// The documented limits of Amazon SNS's Publish and PublishBatch that the local SNS fake (sns-fake.ts) enforces.
//
// Limits, from the SNS API reference (Publish, PublishBatch, PublishBatchRequestEntry:
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html, https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html)
// and the message attributes page of the developer guide
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html), written out here on purpose rather than taken from the code under test:
// - PublishBatch: 1 to 10 entries (EmptyBatchRequest / TooManyEntriesInBatchRequest), Ids distinct
//   (BatchEntryIdsNotDistinct), Ids 1-80 characters of letters, digits, `-` and `_` (InvalidBatchEntryId), the
//   whole batch at most 262,144 bytes (BatchRequestTooLong);
// - a message at most 262,144 bytes (the topic's default MaximumMessageSize), counted as UTF-8 bytes of the
//   message, its attributes' names, types and values, and the subject (SNS documents body and attributes; the
//   subject is counted too, as the processor counts it: stricter, never looser);
// - Message required and not empty; Subject, when given, not empty, fewer than 100 characters, no line breaks or
//   control characters;
// - MessageStructure: only `json`, and then Message is a JSON object whose `default` is a string;
// - attributes: names 1-256 characters of letters, digits, `_`, `-`, `.`, not starting or ending with `.`, no
//   `..`, not starting with `AWS.` / `Amazon.` (any case); DataType String, String.Array, Number or Binary
//   (optionally `.custom`); a value that is not empty; a String.Array value is a JSON array; a Number a number.
// An entry of a batch that breaks a per-message rule is listed under `Failed` with SenderFault, as SNS reports
// entries it refuses; a Publish that breaks one gets the service's 400 error.

export const SNS_MAX_MESSAGE_BYTES = 262_144;
export const SNS_MAX_BATCH_ENTRIES = 10;
export const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const ATTRIBUTE_TYPE = /^(String|Number|Binary)(\.[^\s]+)?$/;

export interface EntryInput {
  Id?: string;
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  attributes: Array<{ Name?: string; DataType?: string; StringValue?: string; BinaryValue?: string }>;
}

/** UTF-8 bytes of the message, the subject and every attribute's name, type and value. */
export function entryBytes(entry: EntryInput): number {
  let bytes = Buffer.byteLength(entry.Message ?? '', 'utf8') + Buffer.byteLength(entry.Subject ?? '', 'utf8');
  for (const a of entry.attributes) {
    bytes +=
      Buffer.byteLength(a.Name ?? '', 'utf8') +
      Buffer.byteLength(a.DataType ?? '', 'utf8') +
      Buffer.byteLength(a.StringValue ?? '', 'utf8');
    if (a.BinaryValue !== undefined) bytes += Buffer.from(a.BinaryValue, 'base64').byteLength;
  }
  return bytes;
}

/** The per-message rules a Publish or a batch entry breaks. */
export function entryProblems(entry: EntryInput): string[] {
  const problems: string[] = [];
  if (!entry.Message) problems.push('Message is required and must not be empty');
  const bytes = entryBytes(entry);
  if (bytes > SNS_MAX_MESSAGE_BYTES)
    problems.push(`message, subject and attributes are ${bytes} bytes, over ${SNS_MAX_MESSAGE_BYTES}`);

  if (entry.Subject !== undefined) {
    const chars = [...entry.Subject].length;
    if (chars === 0) problems.push('Subject is empty (omit it instead)');
    if (chars >= 100) problems.push(`Subject is ${chars} characters, not fewer than 100`);
    // Line breaks and control characters: C0, DEL and C1.
    if (/[\u0000-\u001f\u007f-\u009f]/.test(entry.Subject))
      problems.push(`Subject ${JSON.stringify(entry.Subject)} has a line break or control character`);
  }

  if (entry.MessageStructure !== undefined) {
    if (entry.MessageStructure !== 'json')
      problems.push(`MessageStructure ${JSON.stringify(entry.MessageStructure)} is not json`);
    else if (entry.Message) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(entry.Message);
      } catch {
        problems.push('MessageStructure is json but Message is not JSON');
      }
      if (parsed !== undefined && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)))
        problems.push('MessageStructure is json but Message is not a JSON object');
      else if (parsed !== undefined && typeof (parsed as Record<string, unknown>).default !== 'string')
        problems.push('MessageStructure is json but Message has no string "default" key');
    }
  }

  const names = new Set<string>();
  for (const a of entry.attributes) {
    const name = a.Name ?? '';
    const where = `attribute ${JSON.stringify(name)}`;
    if (!ATTRIBUTE_NAME.test(name)) problems.push(`${where}: name is not 1-256 letters, digits, _ - .`);
    if (name.startsWith('.') || name.endsWith('.') || name.includes('..'))
      problems.push(`${where}: name starts or ends with a period, or has two in a row`);
    if (/^(aws|amazon)\./i.test(name)) problems.push(`${where}: names starting with AWS. or Amazon. are reserved`);
    if (names.has(name)) problems.push(`${where}: given twice`);
    names.add(name);
    const type = a.DataType ?? '';
    if (type !== 'String.Array' && !ATTRIBUTE_TYPE.test(type))
      problems.push(`${where}: DataType ${JSON.stringify(type)} is not String, String.Array, Number or Binary`);
    const base = type === 'String.Array' ? 'String.Array' : type.split('.')[0];
    if (base === 'Binary') {
      if (!a.BinaryValue) problems.push(`${where}: Binary without a BinaryValue`);
    } else if (!a.StringValue) problems.push(`${where}: empty or missing StringValue`);
    else if (base === 'Number' && !Number.isFinite(Number(a.StringValue)))
      problems.push(`${where}: Number value ${JSON.stringify(a.StringValue)} is not a number`);
    else if (base === 'String.Array' && !isJsonArray(a.StringValue))
      problems.push(`${where}: String.Array value is not a JSON array`);
  }
  return problems;
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}
