// Reading unknown event values: what a value looks like (for error messages that name what arrived, never its
// whole content), and parsing with a schema or as JSON into a TriggerError that says what was expected.
import type { z } from 'zod';
import { TriggerError } from './errors.js';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `eventSource`/`EventSource` values of a `{ Records: [...] }` event, or undefined for other shapes. */
export function recordSources(value: unknown): Set<string> | undefined {
  if (!isObject(value) || !Array.isArray(value.Records)) return undefined;
  const sources = new Set<string>();
  for (const record of value.Records) {
    const source = isObject(record) ? (record.eventSource ?? record.EventSource) : undefined;
    sources.add(typeof source === 'string' ? source : '(none)');
  }
  return sources;
}

export function parseAs<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new TriggerError('INVALID_TRIGGER', describeShape(value), `not a valid ${what}: ${issues(parsed.error)}`);
  return parsed.data;
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TriggerError('INVALID_TRIGGER', `text ${JSON.stringify(truncate(text, 80))}`, `${what} is not JSON`);
  }
}

export function unknownShape(value: unknown, via: string[]): TriggerError {
  const inside = via.length > 0 ? ` inside ${via.join('>')}` : '';
  return new TriggerError(
    'UNKNOWN_TRIGGER',
    describeShape(value),
    `not an S3 event notification, EventBridge S3 event, CloudTrail API call event, CloudTrail notification, SNS or SQS event${inside}`,
  );
}

export function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top)'}: ${issue.message}`)
    .join('; ');
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}...` : text;
}

/** What a value looks like, for error messages: its type, keys, and the event source of its first record. */
export function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `text ${JSON.stringify(truncate(value, 80))}`;
  if (typeof value !== 'object') return typeof value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const parts = [`an object with keys ${truncate(keys.join(', '), 120) || '(none)'}`];
  if (Array.isArray(record.Records)) {
    const first: unknown = record.Records[0];
    if (isObject(first)) {
      const source = first.eventSource ?? first.EventSource;
      parts.push(
        `Records[0] ${typeof source === 'string' ? `from ${source}` : `with keys ${truncate(Object.keys(first).join(', '), 80)}`}`,
      );
    } else parts.push(`${record.Records.length} Records`);
  }
  for (const field of ['source', 'detail-type', 'Type'] as const) {
    if (typeof record[field] === 'string') parts.push(`${field} ${JSON.stringify(truncate(record[field], 60))}`);
  }
  return parts.join('; ');
}
