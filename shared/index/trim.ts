// Making a record that is too large for one CloudWatch Logs event fit, without dropping it and without
// hiding that it was cut: fields are removed whole, biggest offenders first, and `trailwatch` says which
// fields went and how big the whole message was.
//
// Order: the largest member first (by the UTF-8 bytes of its JSON, which is what it costs in the message),
// then the next largest, until the message fits. Usually that is `responseElements` (Describe* responses, full
// resource descriptions), but not always: a record whose only oversized field is a 300 KB `userAgent` loses
// that and keeps `requestParameters` and `responseElements` (issue 11). Removing largest-first means no removed
// field would have fitted back: putting any one of them back goes over the limit again (test/index-trim.test.ts
// checks that property). The fields that say what happened, when, and in which account (CORE_FIELDS) stay. If
// even they and the `trailwatch` object are too large (absurd strings, thousands of resources), long strings
// and lists are shortened until it fits.
import type { CloudTrailRecord, JsonValue } from '../cloudtrail.js';
import type { TrailwatchFields, TrimInfo } from './types.js';

/** Never removed (only shortened, as a last resort): what a search for the event needs. */
const CORE_FIELDS = new Set([
  'eventVersion',
  'eventTime',
  'eventSource',
  'eventName',
  'eventID',
  'awsRegion',
  'recipientAccountId',
]);

/** Below this, the last-resort skeleton (core fields and trailwatch at 16 characters a string) might not fit. */
export const MIN_TRIM_TARGET_BYTES = 4096;

/** Shortening steps of the last resort: longest string kept, longest list kept. */
const SHORTENING_STEPS = [
  { chars: 1024, items: 100 },
  { chars: 128, items: 16 },
  { chars: 16, items: 2 },
] as const;

export interface TrimmedMessage {
  message: string;
  bytes: number;
  info: TrimInfo;
}

/** `record` + `trailwatch` as JSON in at most `maxBytes` UTF-8 bytes. `originalBytes` is the untrimmed size. */
export function trimMessage(
  record: CloudTrailRecord,
  fields: TrailwatchFields,
  originalBytes: number,
  maxBytes: number,
): TrimmedMessage {
  const kept: Record<string, unknown> = { ...record };
  delete kept.trailwatch; // ours replaces any the record had, as in withTrailwatch
  const removed: string[] = [];
  for (const key of removalOrder(record)) {
    delete kept[key];
    removed.push(key);
    const attempt = render(kept, fields, { removed, truncated: [], originalBytes });
    if (attempt.bytes <= maxBytes) return attempt;
  }
  for (const step of SHORTENING_STEPS) {
    const attempt = shortened(kept, fields, removed, originalBytes, step);
    if (attempt.bytes <= maxBytes) return attempt;
  }
  throw new RangeError(
    `cannot fit event ${String(record.eventID)} into ${maxBytes} bytes (minimum ${MIN_TRIM_TARGET_BYTES})`,
  );
}

/**
 * Every non-core member, largest first: size is the UTF-8 bytes of the member's JSON, what removing it saves
 * (its key is listed in `trailwatch.trimmed` instead, so the key's own length cancels out). Ties keep the
 * record's order.
 */
function removalOrder(record: CloudTrailRecord): string[] {
  return Object.keys(record)
    .filter((key) => key !== 'trailwatch' && !CORE_FIELDS.has(key) && record[key] !== undefined)
    .map((key) => ({ key, size: Buffer.byteLength(JSON.stringify(record[key]) ?? '', 'utf8') }))
    .sort((a, b) => b.size - a.size)
    .map((x) => x.key);
}

function render(kept: Record<string, unknown>, fields: TrailwatchFields, info: TrimInfo): TrimmedMessage {
  const trailwatch: TrailwatchFields = {
    ...fields,
    trimmed: info.removed,
    ...(info.truncated.length > 0 ? { truncated: info.truncated } : {}),
    originalBytes: info.originalBytes,
  };
  const message = JSON.stringify({ trailwatch, ...kept });
  return {
    message,
    bytes: Buffer.byteLength(message, 'utf8'),
    info: { removed: [...info.removed], truncated: [...info.truncated], originalBytes: info.originalBytes },
  };
}

/** The core fields and the trailwatch object with every string and list cut to the step's size. */
function shortened(
  kept: Record<string, unknown>,
  fields: TrailwatchFields,
  removed: readonly string[],
  originalBytes: number,
  step: { chars: number; items: number },
): TrimmedMessage {
  const truncated: string[] = [];
  const cut = (name: string, value: string): string => {
    if (value.length <= step.chars) return value;
    truncated.push(name);
    return cutString(value, step.chars);
  };
  const cutList = (name: string, values: readonly string[]): string[] => {
    if (values.length > step.items) truncated.push(name);
    let anyLong = false;
    const out = values.slice(0, step.items).map((v) => {
      anyLong ||= v.length > step.chars;
      return cutString(v, step.chars);
    });
    if (anyLong && !truncated.includes(name)) truncated.push(name);
    return out;
  };
  const core: Record<string, string | JsonValue> = {};
  for (const [key, value] of Object.entries(kept)) {
    // Only core fields are left by now; a non-string one (not seen in CloudTrail) is kept as its JSON text.
    const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
    const shortKey = cutString(key, step.chars);
    core[shortKey] = typeof value === 'string' || text.length > step.chars ? cut(shortKey, text) : (value as JsonValue);
  }
  const p = fields.principal;
  const principal = { ...p };
  for (const key of ['type', 'name', 'arn', 'accountId', 'roleArn', 'sessionName'] as const) {
    const v = p[key];
    if (v !== undefined) principal[key] = cut(`trailwatch.principal.${key}`, v);
  }
  const trailwatchFieldsCut: TrailwatchFields = {
    ...fields,
    principal,
    resource: fields.resource === null ? null : cut('trailwatch.resource', fields.resource),
    resources: cutList('trailwatch.resources', fields.resources),
    alerts: cutList('trailwatch.alerts', fields.alerts),
  };
  if (fields.resourceId !== undefined) trailwatchFieldsCut.resourceId = cut('trailwatch.resourceId', fields.resourceId);
  if (fields.renamed)
    trailwatchFieldsCut.renamed = {
      from: cut('trailwatch.renamed.from', fields.renamed.from),
      to: cut('trailwatch.renamed.to', fields.renamed.to),
    };
  const removedShown = cutList('trailwatch.trimmed', removed);
  return render(core, trailwatchFieldsCut, { removed: removedShown, truncated, originalBytes });
}

/** The first `chars` UTF-16 units of `value`, never ending in half a surrogate pair. */
function cutString(value: string, chars: number): string {
  if (value.length <= chars) return value;
  const code = value.charCodeAt(chars - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? chars - 1 : chars;
  return value.slice(0, end);
}
