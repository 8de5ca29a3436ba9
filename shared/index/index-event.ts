// A scanned CloudTrail record -> one CloudWatch Logs event: the record's JSON with a `trailwatch` object added,
// timestamped with its eventTime.
//
// The message is built from the record's raw text, not by serialising the parsed record again: the reader
// already holds the exact JSON, and splicing `"trailwatch":{...},` in after its opening brace costs one
// string concatenation instead of a JSON.stringify of the whole record. JSON.parse of the result equals
// `{ ...record, trailwatch }` (test/index-event.test.ts proves it). Numbers keep their original digits.
import type { CloudTrailRecord } from '../cloudtrail.js';
import type { ClassifiedEvent } from '../classify/types.js';
import { depthCapped } from '../json-depth.js';
import { PUT_LOG_EVENTS_LIMITS } from './limits.js';
import { MIN_TRIM_TARGET_BYTES, trimMessage } from './trim.js';
import { trailwatchFields, type RaisedRule } from './trailwatch-fields.js';
import type { IndexEvent, TrailwatchFields } from './types.js';

/** What toIndexEvent needs of a scanned event (a ScannedEvent from shared/scan has all of it). */
export interface IndexSource {
  /** The record's exact JSON text, as the reader delivered it. */
  raw: string;
  event: ClassifiedEvent;
  alerts: readonly RaisedRule[];
}

export interface IndexEventOptions {
  /** Largest message in UTF-8 bytes; larger ones are trimmed. Default: PutLogEvents' maximum event size. */
  maxMessageBytes?: number;
}

export function toIndexEvent(source: IndexSource, options: IndexEventOptions = {}): IndexEvent {
  const maxBytes = options.maxMessageBytes ?? PUT_LOG_EVENTS_LIMITS.maxEventMessageBytes;
  if (!(maxBytes >= MIN_TRIM_TARGET_BYTES))
    throw new RangeError(`maxMessageBytes must be at least ${MIN_TRIM_TARGET_BYTES}, got ${maxBytes}`);
  const { record } = source.event;
  const fields = trailwatchFields(source.event, source.alerts);
  const message = withTrailwatch(source.raw, record, fields);
  const bytes = Buffer.byteLength(message, 'utf8');
  const base = {
    timestamp: eventTimestamp(record),
    eventID: typeof record.eventID === 'string' ? record.eventID : null,
  };
  if (bytes <= maxBytes) return { ...base, message, bytes, trimmed: null };
  // Trimming serialises the record's parts: nesting deeper than any real record is cut first (json-depth.ts).
  const trimmed = trimMessage(depthCapped(record), fields, bytes, maxBytes);
  return { ...base, message: trimmed.message, bytes: trimmed.bytes, trimmed: trimmed.info };
}

/**
 * The record's eventTime in milliseconds, or NaN when it is not a date: such an event cannot be placed in time,
 * and classifyEventAge reports it as 'invalid-timestamp' instead of letting it into a batch.
 */
export function eventTimestamp(record: Pick<CloudTrailRecord, 'eventTime'>): number {
  return typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : NaN;
}

/**
 * The record's JSON with `"trailwatch": fields` as its FIRST member. First, because CloudWatch Logs Insights
 * discovers a limited number of fields per JSON event (200, "Supported logs and discovered fields" in the
 * CloudWatch Logs user guide): on a large record, fields at the end may never be discovered, and the
 * trailwatch fields are the ones the saved queries and `trailwatch search` rely on.
 */
export function withTrailwatch(raw: string, record: CloudTrailRecord, fields: TrailwatchFields): string {
  // A record with its own `trailwatch` member would end up with the key twice; serialise instead (never
  // seen in CloudTrail, but the result must still equal { ...record, trailwatch }, nesting deeper than any
  // real record aside: that is cut, since JSON.stringify cannot take it, see json-depth.ts).
  const spliced = Object.hasOwn(record, 'trailwatch')
    ? null
    : spliceFirstMember(raw, `"trailwatch":${JSON.stringify(fields)}`);
  if (spliced) return spliced;
  const { trailwatch: _own, ...rest } = record;
  return JSON.stringify({ trailwatch: fields, ...depthCapped(rest) });
}

/**
 * Inserts `member` right after the opening brace of the JSON object text `raw`, or returns null when `raw`
 * does not start with `{`. The next character (whitespace aside) is `}` only for an empty object, which
 * then needs no separating comma.
 */
function spliceFirstMember(raw: string, member: string): string | null {
  let open = 0;
  while (open < raw.length && isJsonWhitespace(raw.charCodeAt(open))) open++;
  if (raw.charCodeAt(open) !== OPEN_BRACE) return null;
  let next = open + 1;
  while (next < raw.length && isJsonWhitespace(raw.charCodeAt(next))) next++;
  if (next >= raw.length) return null;
  const separator = raw.charCodeAt(next) === CLOSE_BRACE ? '' : ',';
  return raw.slice(0, open + 1) + member + separator + raw.slice(open + 1);
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}
