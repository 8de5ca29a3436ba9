// An alert's SNS message attributes: what subscription filter policies select on, within what SNS and SQS accept.
import type { Alert } from '../../shared/alerts/alert.js';
import { isSummaryAlert, type SummaryAlert } from '../../shared/alerts/storm.js';
import { utf8Bytes } from '../../shared/render/plain-text.js';

export interface SnsMessageAttribute {
  /** String, or String.Array (a JSON array of strings) for a summary spanning several values. */
  DataType: 'String' | 'String.Array';
  StringValue: string;
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
