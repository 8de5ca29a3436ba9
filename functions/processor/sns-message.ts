// An alert as one SNS Publish request: subject, message and attributes, within SNS's limits.
//
// `MessageStructure: "json"`: the message is a JSON object with one string per protocol. `default` (required,
// used by every protocol without its own key: SQS, Lambda, HTTPS, email-json) is the alert as JSON, the same
// fields as `trailwatch scan --format json`; `email` is the text a person reads. No other keys: they would
// repeat `default` and count against the size limit twice.
//
// Size: SNS counts the message, the subject and every attribute's name, type and value against 262,144 bytes
// (UTF-8), per message and per PublishBatch call. The facts never give way; the pretty-printed CloudTrail
// record in the email does (see record-text.ts), and says so.
import type { Alert } from '../../shared/alerts/alert.js';
import { alertEmailText, summaryEmailText, type EmailRecord } from '../../shared/render/email-text.js';
import { trimJsonToFit } from '../../shared/render/json-trim.js';
import { jsonStringBytes, utf8Bytes } from '../../shared/render/plain-text.js';
import { prettyRecordWithin } from '../../shared/render/record-text.js';
import { isSummaryAlert, type SummaryAlert } from '../../shared/alerts/storm.js';
import { alertSubject } from '../../shared/render/subject.js';
import type { JsonObject } from '../../shared/cloudtrail.js';

/** SNS's default maximum message size (topic attribute MaximumMessageSize), also PublishBatch's total. */
export const MAX_SNS_PAYLOAD_BYTES = 262_144;
export const MAX_PUBLISH_BATCH_ENTRIES = 10;
/** Version of the `default` JSON: consumers can tell a shape they know. Raise it when a field changes meaning or goes. */
export const ALERT_SCHEMA_VERSION = 1;

export interface SnsMessageAttribute {
  /** String, or String.Array (a JSON array of strings) for a summary spanning several values. */
  DataType: 'String' | 'String.Array';
  StringValue: string;
}

export interface SnsAlertMessage {
  /** For Publish's Subject: < 100 printable ASCII characters, never empty. */
  subject: string;
  /** For Publish's Message, with MessageStructure "json": `{"default": <alert JSON>, "email": <text>}`. */
  message: string;
  /** For MessageAttributes, for subscription filter policies; absent values are left out, never empty. */
  attributes: Record<string, SnsMessageAttribute>;
  /** What SNS counts against MAX_SNS_PAYLOAD_BYTES: message + subject + attribute names, types and values. */
  bytes: number;
}

/** The `default` document: the alert's own fields, plus `schemaVersion` and `kind`. */
export type AlertJson = { schemaVersion: number; kind: 'alert' } & Alert;
/** A summary's `default` document: examples as alerts (their records are only in the email). */
export type SummaryAlertJson = { schemaVersion: number } & Omit<SummaryAlert, 'examples'> & { examples: Alert[] };

/** Where the `{"default":"","email":""}` around the two strings costs bytes too. */
const MESSAGE_SKELETON_BYTES = utf8Bytes(JSON.stringify({ default: '', email: '' }));
/** Room kept per record for the note that says what was trimmed. */
const TRIM_NOTE_BYTES = 2048;
/** The `default` JSON may take at most this much; beyond it (never seen in real records) it is trimmed too. */
const MAX_DEFAULT_BYTES = Math.floor(MAX_SNS_PAYLOAD_BYTES / 2);
/** Fields of the `default` JSON that identify the alert: never trimmed. */
const IDENTIFYING_FIELDS = new Set([
  'schemaVersion',
  'kind',
  'rule',
  'severity',
  'title',
  'eventID',
  'eventName',
  'eventSource',
  'eventTime',
  'account',
  'awsRegion',
  'count',
  'file',
  'recordIndex',
]);

/**
 * The SNS message for an alert, or for a summary (which carries its examples' records itself).
 * `record.raw` is the CloudTrail record's JSON text (`ScannedEvent.raw`, or `CollectedAlert.raw`).
 */
export function buildSnsMessage(alert: Alert | SummaryAlert, record?: { raw: string }): SnsAlertMessage {
  const subject = alertSubject(alert);
  const attributes = alertAttributes(alert);
  const envelopeBytes = utf8Bytes(subject) + attributeBytes(attributes);
  const defaultText = boundedJson(alertJson(alert));
  const emailBudget = MAX_SNS_PAYLOAD_BYTES - envelopeBytes - MESSAGE_SKELETON_BYTES - jsonStringBytes(defaultText);
  const email = isSummaryAlert(alert)
    ? fittedEmail(
        (records) => summaryEmailText(alert, records),
        alert.examples.map(({ raw }) => raw),
        emailBudget,
      )
    : fittedEmail((records) => alertEmailText(alert, records[0] ?? null), [record?.raw ?? null], emailBudget);
  const message = JSON.stringify({ default: defaultText, email });
  return { subject, message, attributes, bytes: utf8Bytes(message) + envelopeBytes };
}

/** The `default` document of an alert or summary. */
export function alertJson(alert: Alert | SummaryAlert): AlertJson | SummaryAlertJson {
  if (isSummaryAlert(alert)) {
    return { schemaVersion: ALERT_SCHEMA_VERSION, ...alert, examples: alert.examples.map((example) => example.alert) };
  }
  return { schemaVersion: ALERT_SCHEMA_VERSION, kind: 'alert', ...alert };
}

/**
 * severity, rule, eventName, eventSource, account, region: what subscription filter policies select on.
 * A summary spanning several event names, sources, accounts or regions lists them as a String.Array (a filter
 * policy matches when any element matches); its event names are the 10 most frequent.
 */
export function alertAttributes(alert: Alert | SummaryAlert): Record<string, SnsMessageAttribute> {
  const values: Record<string, string | readonly string[] | null> = isSummaryAlert(alert)
    ? {
        severity: alert.severity,
        rule: alert.rule,
        eventName: alert.eventNames.top.map(({ value }) => value),
        eventSource: alert.eventSources,
        account: alert.accounts,
        region: alert.regions,
      }
    : {
        severity: alert.severity,
        rule: alert.rule,
        eventName: alert.eventName,
        eventSource: alert.eventSource,
        account: alert.account,
        region: alert.awsRegion,
      };
  const attributes: Record<string, SnsMessageAttribute> = {};
  for (const [name, value] of Object.entries(values)) {
    const attribute = messageAttribute(value);
    if (attribute) attributes[name] = attribute;
  }
  return attributes;
}

/**
 * Longest attribute value, in UTF-8 bytes. SNS counts attribute values against the message size
 * (https://docs.aws.amazon.com/sns/latest/api/API_MessageAttributeValue.html), and every value here comes
 * from the record: a 300 KB `awsRegion` must not make the message one SNS rejects. Real values (a region, an
 * eventName, a short list of them) are far below this; a cut value simply matches no filter policy.
 */
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
/**
 * What SNS and its subscribers accept in a String attribute: SQS, which SNS delivers attributes to, takes only
 * the XML character range (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html):
 * other controls, and lone surrogates (not encodable as UTF-8), become U+FFFD.
 */
const NOT_XML_CHARACTER =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** SNS rejects an attribute with an empty value: no value, no attribute. */
function messageAttribute(value: string | readonly string[] | null): SnsMessageAttribute | null {
  if (typeof value === 'string')
    return value ? { DataType: 'String', StringValue: attributeText(value, MAX_ATTRIBUTE_VALUE_BYTES) } : null;
  const present = (value ?? []).filter(Boolean).map((v) => attributeText(v, MAX_ATTRIBUTE_VALUE_BYTES));
  if (present.length === 0) return null;
  if (present.length === 1 && present[0] !== undefined) return { DataType: 'String', StringValue: present[0] };
  // As many values as fit, in order (most frequent first where it is a tally).
  const kept: string[] = [];
  for (const item of present) {
    if (utf8Bytes(JSON.stringify([...kept, item])) > MAX_ATTRIBUTE_VALUE_BYTES) break;
    kept.push(item);
  }
  if (kept.length <= 1) return { DataType: 'String', StringValue: kept[0] ?? (present[0] as string) };
  return { DataType: 'String.Array', StringValue: JSON.stringify(kept) };
}

/** `value` as an attribute value SNS takes: XML characters only, at most `maxBytes` UTF-8 bytes (cut on a character). */
function attributeText(value: string, maxBytes: number): string {
  const clean = value.replace(NOT_XML_CHARACTER, '\ufffd');
  if (utf8Bytes(clean) <= maxBytes) return clean;
  const marker = '...';
  let end = Math.min(clean.length, maxBytes);
  while (end > 0 && utf8Bytes(clean.slice(0, end)) + marker.length > maxBytes) end--;
  if (end > 0 && /[\ud800-\udbff]/.test(clean.charAt(end - 1))) end--;
  return clean.slice(0, end) + marker;
}

// --- size ------------------------------------------------------------------------------------------------

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

function attributeBytes(attributes: NonNullable<PublishEntryLike['MessageAttributes']>): number {
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

// --- fitting -----------------------------------------------------------------------------------------------

/**
 * The alert JSON as text, at most MAX_DEFAULT_BYTES. Real alerts are a few KB; only a record built to be huge
 * (a 300 KB errorMessage) could reach this, and then its largest non-identifying fields are trimmed with
 * markers rather than the message failing to publish.
 */
function boundedJson(json: AlertJson | SummaryAlertJson): string {
  const text = JSON.stringify(json);
  if (jsonStringBytes(text) <= MAX_DEFAULT_BYTES) return text;
  const document: JsonObject = JSON.parse(text);
  const order = Object.keys(document)
    .filter((key) => !IDENTIFYING_FIELDS.has(key))
    .sort((a, b) => utf8Bytes(JSON.stringify(document[b])) - utf8Bytes(JSON.stringify(document[a])));
  const trimmed = trimJsonToFit(document, MAX_DEFAULT_BYTES, (value) => jsonStringBytes(JSON.stringify(value)), order);
  return JSON.stringify(trimmed ?? pick(document, IDENTIFYING_FIELDS));
}

function pick(document: JsonObject, keys: ReadonlySet<string>): JsonObject {
  return Object.fromEntries(Object.entries(document).filter(([key]) => keys.has(key)));
}

/**
 * The email rendered by `render` with the records in `raws`, within `budget` bytes as a JSON string. Whole
 * when it fits (the usual case, one pass); else each record gets an equal share of what the facts leave.
 */
function fittedEmail(
  render: (records: EmailRecord[]) => string,
  raws: ReadonlyArray<string | null>,
  budget: number,
): string {
  const whole = render(
    raws.map((raw) => (raw === null ? null : prettyRecordWithin(raw, Number.POSITIVE_INFINITY, jsonStringBytes))),
  );
  if (jsonStringBytes(whole) <= budget) return whole;

  const facts = render(raws.map((raw) => (raw === null ? null : { text: '', trimmed: [], bytes: 0 })));
  const withRecords = raws.filter((raw) => raw !== null).length;
  const share = Math.floor(
    (budget - jsonStringBytes(facts) - withRecords * TRIM_NOTE_BYTES) / Math.max(1, withRecords),
  );
  const fitted = render(
    raws.map((raw) => (raw === null ? null : prettyRecordWithin(raw, Math.max(0, share), jsonStringBytes))),
  );
  return jsonStringBytes(fitted) <= budget ? fitted : cutToBudget(fitted, budget);
}

const CUT_NOTE =
  '\n\n[The rest of this email was cut to fit the SNS message size limit. The JSON alert has every fact.]\n';

/** Last resort, for facts no real record has: the email's first `budget` bytes, and a note saying so. */
function cutToBudget(text: string, budget: number): string {
  const room = budget - jsonStringBytes(CUT_NOTE);
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (jsonStringBytes(text.slice(0, mid)) <= room) low = mid;
    else high = mid - 1;
  }
  // Never end on half of a surrogate pair.
  const end = low > 0 && /[\ud800-\udbff]/.test(text.charAt(low - 1)) ? low - 1 : low;
  return text.slice(0, Math.max(0, end)) + CUT_NOTE;
}
