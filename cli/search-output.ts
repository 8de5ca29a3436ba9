// `trailwatch search` output: each matching index event as one JSON line (the message as indexed) or one compact
// line of text (time, event, resource, caller, source IP, failure).
import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';

interface IndexedView {
  eventTime?: unknown;
  eventName?: unknown;
  sourceIPAddress?: unknown;
  errorCode?: unknown;
  trailwatch?: { resource?: unknown; failed?: unknown; principal?: { name?: unknown; arn?: unknown; type?: unknown } };
}

/** The event's message as it was indexed, one line (it is JSON already); anything else wrapped as { message }. */
export function jsonLine(event: FilteredLogEvent): string {
  const message = event.message ?? '';
  // Raw tab, CR and LF can only be whitespace between tokens of valid JSON: a space means the same.
  return parseObject(message)
    ? message.replace(/[\t\n\r]/g, ' ')
    : JSON.stringify({ message, timestamp: event.timestamp ?? null, logStreamName: event.logStreamName ?? null });
}

/** time  eventName  resource  by caller  from IP  FAILED code */
export function textLine(event: FilteredLogEvent): string {
  const record = parseObject(event.message ?? '') as IndexedView | undefined;
  const time = typeof record?.eventTime === 'string' ? record.eventTime : new Date(event.timestamp ?? 0).toISOString();
  if (!record) return `${time}  ${oneLine(event.message ?? '', 200)}`;
  const tw = record.trailwatch;
  const who = text(tw?.principal?.name) ?? text(tw?.principal?.arn) ?? text(tw?.principal?.type);
  const parts = [time, (text(record.eventName) ?? '?').padEnd(28), (text(tw?.resource) ?? '-').padEnd(20)];
  if (who) parts.push(`by ${who}`);
  const ip = text(record.sourceIPAddress);
  if (ip) parts.push(`from ${ip}`);
  if (tw?.failed === true || text(record.errorCode)) parts.push(`FAILED ${text(record.errorCode) ?? ''}`.trimEnd());
  return parts.join('  ').trimEnd();
}

/** The message as a JSON object, or undefined when it is not one. */
export function parseObject(message: string): Record<string, unknown> | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(message) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? oneLine(value, 120) : undefined;
}

function oneLine(value: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
