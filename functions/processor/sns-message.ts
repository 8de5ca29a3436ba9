// An alert packed for SNS: subject, message and attributes, within SNS's limits (sns-limits.ts). The texts come
// from shared/render/ (subject, email, record), the JSON from shared/alerts/alert-json.ts; this module fits them.
//
// The alert topic's message has `MessageStructure: "json"`: a JSON object with one string per protocol. `default`
// (required, used by every protocol without its own key: SQS, Lambda, HTTPS, email-json) is the alert as JSON, the
// same fields as `trailwatch scan --format json`; `email` is the text a person reads. No other keys: they would
// repeat `default` and count against the size limit twice. The events topic's message is the alert JSON alone.
//
// Size: SNS counts the message, the subject and every attribute's name, type and value against 262,144 bytes
// (UTF-8), per message and per PublishBatch call. The facts never give way; the pretty-printed CloudTrail
// record in the email does (see shared/render/record-text.ts), and says so.
import type { Alert } from '../../shared/alerts/alert.js';
import { alertJson, type AlertJson, type SummaryAlertJson } from '../../shared/alerts/alert-json.js';
import { isSummaryAlert, type SummaryAlert } from '../../shared/alerts/storm.js';
import type { JsonObject } from '../../shared/cloudtrail.js';
import type { EmailRecord } from '../../shared/render/email-record.js';
import { summaryEmailText } from '../../shared/render/email-summary.js';
import { alertEmailText } from '../../shared/render/email-text.js';
import { trimJsonToFit } from '../../shared/render/json-trim.js';
import { jsonStringBytes, utf8Bytes } from '../../shared/render/plain-text.js';
import { prettyRecordWithin } from '../../shared/render/record-text.js';
import { alertSubject } from '../../shared/render/subject.js';
import { alertAttributes, type SnsMessageAttribute } from './sns-attributes.js';
import { attributeBytes, MAX_SNS_PAYLOAD_BYTES } from './sns-limits.js';

export interface SnsAlertMessage {
  /** For Publish's Subject: < 100 printable ASCII characters, never empty. */
  subject: string;
  /** The alert topic's Message, with MessageStructure "json": `{"default": <json>, "email": <text>}`. */
  message: string;
  /** The alert JSON, at most MAX_DEFAULT_BYTES: `default` above, and the events topic's whole Message. */
  json: string;
  /** For MessageAttributes, for subscription filter policies; absent values are left out, never empty. */
  attributes: Record<string, SnsMessageAttribute>;
}

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
  'accountName',
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
  const room = MAX_SNS_PAYLOAD_BYTES - envelopeBytes - MESSAGE_SKELETON_BYTES;
  // What the email may take is what `default` leaves; measured only for an email that may not fit (see fittedEmail).
  const emailBudget: EmailBudget = {
    atLeast: room - MAX_JSON_STRING_BYTES_PER_UNIT * defaultText.length,
    exact: () => room - jsonStringBytes(defaultText),
  };
  const email = isSummaryAlert(alert)
    ? fittedEmail(
        (records) => summaryEmailText(alert, records),
        alert.examples.map(({ raw }) => raw),
        emailBudget,
      )
    : fittedEmail((records) => alertEmailText(alert, records[0] ?? null), [record?.raw ?? null], emailBudget);
  const message = JSON.stringify({ default: defaultText, email });
  return { subject, message, json: defaultText, attributes };
}

// --- fitting -----------------------------------------------------------------------------------------------

/**
 * The alert JSON as text, at most MAX_DEFAULT_BYTES. Real alerts are a few KB; only a record built to be huge
 * (a 300 KB errorMessage) could reach this, and then its largest non-identifying fields are trimmed with
 * markers rather than the message failing to publish.
 */
function boundedJson(json: AlertJson | SummaryAlertJson): string {
  const text = JSON.stringify(json);
  if (surelyWithin(text, MAX_DEFAULT_BYTES) || jsonStringBytes(text) <= MAX_DEFAULT_BYTES) return text;
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
  emailBudget: EmailBudget,
): string {
  const whole = render(
    raws.map((raw) => (raw === null ? null : prettyRecordWithin(raw, Number.POSITIVE_INFINITY, jsonStringBytes))),
  );
  // An email that fits the least the budget can be fits the budget: neither is measured.
  if (surelyWithin(whole, emailBudget.atLeast)) return whole;
  const budget = emailBudget.exact();
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

/**
 * The bytes an email may take as a JSON string: `exact()` measures the alert JSON beside it; `atLeast` is what is
 * left however that JSON is made (each of its UTF-16 units costs at most MAX_JSON_STRING_BYTES_PER_UNIT).
 */
interface EmailBudget {
  atLeast: number;
  exact: () => number;
}

/**
 * The most bytes one UTF-16 code unit takes inside a JSON string: 6 (`\u001f`; a surrogate pair takes 4 for two
 * units, any other character at most 3).
 */
const MAX_JSON_STRING_BYTES_PER_UNIT = 6;

/**
 * True when `text` fits `budget` as a JSON string whatever it holds, without measuring it. Most emails are a few KB,
 * and most alert JSON ~2 KB, against budgets of ~128-250 KB, so the exact count (a JSON.stringify of the text) is
 * needed only for the rare large one.
 */
function surelyWithin(text: string, budget: number): boolean {
  return text.length * MAX_JSON_STRING_BYTES_PER_UNIT <= budget;
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
