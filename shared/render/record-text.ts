// The CloudTrail record as alerts carry it: kept compact and capped while alerts are collected, printed
// pretty and cut to a byte budget in the email. The facts a person acts on are already in the alert, so the
// record is what gives way when a message must shrink, and within it the bulky request and response first.
import { isJsonObject, type JsonObject, type JsonValue } from '../cloudtrail.js';
import { depthCapped } from '../json-depth.js';
import { trimJsonToFit, trimmedParts, type TrimmedPart } from './json-trim.js';
import { escapeInvisibleInJson, utf8Bytes } from './plain-text.js';

/** Cut first: where CloudTrail records grow large (lists of instances, policies, selectors). */
const BULKY_FIELDS = [
  'responseElements',
  'requestParameters',
  'additionalEventData',
  'serviceEventDetails',
  'resources',
  'tlsDetails',
];
/** Never cut: what identifies the record, so the full one can be found. */
const IDENTIFYING_FIELDS = new Set([
  'eventID',
  'eventName',
  'eventSource',
  'eventTime',
  'awsRegion',
  'recipientAccountId',
]);

/** The order in which `record`'s top-level fields give way: bulky ones, then any other by size. */
function cutOrder(record: JsonObject): string[] {
  const others = Object.keys(record)
    .filter((key) => !BULKY_FIELDS.includes(key) && !IDENTIFYING_FIELDS.has(key))
    .sort((a, b) => utf8Bytes(JSON.stringify(record[b])) - utf8Bytes(JSON.stringify(record[a])));
  return [...BULKY_FIELDS, ...others];
}

/** The record, parsed and depth-capped: everything below stringifies and walks it recursively. */
function parseRecord(raw: string): JsonObject | null {
  try {
    const value: JsonValue = JSON.parse(raw);
    return isJsonObject(value) ? depthCapped(value) : null;
  } catch {
    return null;
  }
}

/**
 * `raw` as compact JSON of at most `maxBytes` UTF-8 bytes: unchanged when it fits, else with its largest parts
 * replaced by markers. For holding records in memory while a file streams. Text that is not a JSON object (the
 * reader never delivers one) is kept only if it fits.
 */
export function recordWithin(raw: string, maxBytes: number): string | null {
  if (utf8Bytes(raw) <= maxBytes) return raw;
  const record = parseRecord(raw);
  if (!record) return null;
  const trimmed = trimJsonToFit(record, maxBytes, (value) => utf8Bytes(JSON.stringify(value)), cutOrder(record));
  return trimmed ? JSON.stringify(trimmed) : null;
}

export interface PrettyRecord {
  /** The record, pretty-printed; null when not even its identifying fields fit (or it was not JSON). */
  text: string | null;
  /** Parts replaced by markers, here or when the record was kept (see `recordWithin`). */
  trimmed: TrimmedPart[];
  /** Size of the record as it was given, compact. */
  bytes: number;
}

/**
 * `raw` pretty-printed (2-space indent) so that `measure(text) <= budget`, cutting parts as needed.
 * `measure` is what the text costs where it goes (inside the SNS message it is a JSON string, so quotes and
 * line breaks count twice).
 */
export function prettyRecordWithin(raw: string, budget: number, measure: (text: string) => number): PrettyRecord {
  const bytes = utf8Bytes(raw);
  const record = parseRecord(raw);
  if (!record) return { text: null, trimmed: [], bytes };
  // Records hold text callers chose (user agents, request parameters): bidi marks and line separators are shown escaped.
  const pretty = (value: JsonObject) => escapeInvisibleInJson(JSON.stringify(value, null, 2));
  // No budget (an email's first pass, sns-message.ts): trimJsonToFit would measure the record once and return it
  // unchanged, so neither the measure nor the cut order is worth computing.
  const fitted =
    budget === Number.POSITIVE_INFINITY
      ? record
      : trimJsonToFit(record, budget, (value) => measure(pretty(value)), cutOrder(record));
  if (!fitted) return { text: null, trimmed: [], bytes };
  return { text: pretty(fitted), trimmed: trimmedParts(fitted), bytes };
}
