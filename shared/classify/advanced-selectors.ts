// Evaluating CloudTrail advanced event selectors against the events a trail would see, as CloudTrail does:
// an event is logged when it matches any advanced event selector; it matches a selector when it matches every
// field selector in it; it matches a field selector when it matches one of the including operators (Equals,
// StartsWith, EndsWith; none given means any value) and none of the excluding ones (NotEquals, NotStartsWith,
// NotEndsWith). AdvancedEventSelector / AdvancedFieldSelector in the CloudTrail API Reference:
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
import { isJsonObject, type JsonObject, type JsonValue } from '../cloudtrail.js';
import { getIgnoringCase } from './json-fields.js';

export interface FieldSelector {
  field: string;
  equals: string[];
  startsWith: string[];
  endsWith: string[];
  notEquals: string[];
  notStartsWith: string[];
  notEndsWith: string[];
}

export interface AdvancedSelector {
  name?: string;
  fieldSelectors: FieldSelector[];
}

/**
 * An event the trail might record, as the values of the selector fields. A field left out is one whose value
 * depends on the call (resources.ARN, userIdentity.arn, ...): a condition on it can only hold for some calls.
 */
export type SampleEvent = Readonly<Record<string, string>>;

/** `all`: the selector records every such event; `some`: only those that meet a condition on a call-specific field; `none`. */
export type Coverage = 'all' | 'some' | 'none';

/** A field selector that keeps a selector from recording every sample event, in words: `eventSource notEquals rdsdata.amazonaws.com`. */
export type Restriction = string;

const OPERATORS = ['equals', 'startsWith', 'endsWith', 'notEquals', 'notStartsWith', 'notEndsWith'] as const;
type Operator = (typeof OPERATORS)[number];

export function parseAdvancedSelectors(value: JsonValue | undefined): AdvancedSelector[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter(isJsonObject).map((selector) => {
    const name = getIgnoringCase(selector, 'name');
    const fields = getIgnoringCase(selector, 'fieldSelectors');
    return {
      ...(typeof name === 'string' && name !== '' ? { name } : {}),
      fieldSelectors: Array.isArray(fields) ? fields.filter(isJsonObject).map(parseFieldSelector) : [],
    };
  });
}

function parseFieldSelector(raw: JsonObject): FieldSelector {
  const field = getIgnoringCase(raw, 'field');
  const values = (operator: Operator) => stringList(getIgnoringCase(raw, operator));
  return {
    field: typeof field === 'string' ? field : '',
    equals: values('equals'),
    startsWith: values('startsWith'),
    endsWith: values('endsWith'),
    notEquals: values('notEquals'),
    notStartsWith: values('notStartsWith'),
    notEndsWith: values('notEndsWith'),
  };
}

/** How much of `event` the selector records, and the field selectors that hold it back. */
export function coverage(
  selector: AdvancedSelector,
  event: SampleEvent,
): { coverage: Coverage; restrictions: Restriction[] } {
  let result: Coverage = 'all';
  const restrictions: Restriction[] = [];
  for (const fieldSelector of selector.fieldSelectors) {
    const value = fieldValue(event, fieldSelector.field);
    if (value === undefined) {
      // A condition on a field whose value varies per call keeps some calls out.
      if (OPERATORS.some((op) => fieldSelector[op].length > 0)) {
        if (result === 'all') result = 'some';
        restrictions.push(describe(fieldSelector, OPERATORS));
      }
    } else if (!fieldMatches(fieldSelector, value)) {
      result = 'none';
      restrictions.push(describe(fieldSelector, failingOperators(fieldSelector, value)));
    }
  }
  return { coverage: result, restrictions };
}

/** Whether the selector matches the event on the given fields alone (e.g. "is this a selector for RDS Data API data events?"). */
export function matchesFields(selector: AdvancedSelector, event: SampleEvent, fields: readonly string[]): boolean {
  return selector.fieldSelectors
    .filter((fs) => fields.includes(fs.field))
    .every((fs) => {
      const value = fieldValue(event, fs.field);
      return value !== undefined && fieldMatches(fs, value);
    });
}

function fieldMatches(selector: FieldSelector, value: string): boolean {
  const including = selector.equals.length + selector.startsWith.length + selector.endsWith.length > 0;
  const included =
    !including ||
    selector.equals.includes(value) ||
    selector.startsWith.some((p) => value.startsWith(p)) ||
    selector.endsWith.some((s) => value.endsWith(s));
  const excluded =
    selector.notEquals.includes(value) ||
    selector.notStartsWith.some((p) => value.startsWith(p)) ||
    selector.notEndsWith.some((s) => value.endsWith(s));
  return included && !excluded;
}

function failingOperators(selector: FieldSelector, value: string): Operator[] {
  const failing: Operator[] = [];
  if (!fieldMatches({ ...selector, notEquals: [], notStartsWith: [], notEndsWith: [] }, value))
    failing.push('equals', 'startsWith', 'endsWith');
  if (selector.notEquals.includes(value)) failing.push('notEquals');
  if (selector.notStartsWith.some((p) => value.startsWith(p))) failing.push('notStartsWith');
  if (selector.notEndsWith.some((s) => value.endsWith(s))) failing.push('notEndsWith');
  return failing;
}

function describe(selector: FieldSelector, operators: readonly Operator[]): Restriction {
  const parts = operators
    .filter((op) => selector[op].length > 0)
    .map((op) => `${selector.field} ${op} ${selector[op].join(', ')}`);
  return parts.join('; ');
}

function fieldValue(event: SampleEvent, field: string): string | undefined {
  return Object.hasOwn(event, field) ? event[field] : undefined;
}

/** Operator values as strings: readOnly is written "true"/"false", but a boolean would mean the same. */
function stringList(value: JsonValue | undefined): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v) => typeof v === 'string' || typeof v === 'boolean').map(String);
}
