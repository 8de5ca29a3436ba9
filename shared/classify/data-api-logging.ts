// What a CloudTrail PutEventSelectors call means for recording RDS Data API calls on the trail.
//
// The Data API is recorded under two event sources
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/logging-using-cloudtrail-data-api.html):
// - v1, rdsdata.amazonaws.com (Aurora Serverless v1): management events, recorded by default. Excluded by a
//   basic selector's ExcludeManagementEventSources, or an advanced selector's `eventSource NotEquals
//   rdsdata.amazonaws.com` (EventSelector / AdvancedFieldSelector in the CloudTrail API Reference).
// - v2, rdsdataapi.amazonaws.com (Serverless v2 and provisioned clusters): data events on resources.type
//   AWS::RDS::DBCluster, never recorded unless an advanced selector selects them. Basic selectors' DataResources
//   support only S3 objects, Lambda functions and DynamoDB tables, so they cannot select them.
//
// Every Data API operation is treated as a write event (readOnly false): IAM lists all rds-data actions at
// access level Write (Service Authorization Reference, "Actions defined by Amazon RDS Data API"), and the
// calls can run any SQL. So a trail restricted to ReadOnly events records none of them.
//
// The call is judged on its own request (or, if CloudTrail omitted that, the selectors echoed in the
// response): PutEventSelectors replaces all of a trail's selectors, so the request is the trail's new state.
import { isJsonObject, type CloudTrailRecord, type JsonObject, type JsonValue } from '../cloudtrail.js';
import {
  coverage,
  matchesFields,
  parseAdvancedSelectors,
  type AdvancedSelector,
  type Coverage,
  type SampleEvent,
} from './advanced-selectors.js';
import { trailFromArn } from './arn.js';
import { getIgnoringCase } from './json-fields.js';
import type { DataApiLogging } from './types.js';

const V1_SOURCE = 'rdsdata.amazonaws.com';
const V2_SOURCE = 'rdsdataapi.amazonaws.com';
const V2_RESOURCE_TYPE = 'AWS::RDS::DBCluster';

// The Data API operations (RDS Data Service API Reference); ExecuteSql is the deprecated v1-only call.
const V2_CALLS = [
  'BatchExecuteStatement',
  'BeginTransaction',
  'CommitTransaction',
  'ExecuteStatement',
  'RollbackTransaction',
];
const V1_CALLS = [...V2_CALLS, 'ExecuteSql'];

const V1_EVENTS: SampleEvent[] = V1_CALLS.map((eventName) => ({
  eventCategory: 'Management',
  eventSource: V1_SOURCE,
  eventName,
  eventType: 'AwsApiCall',
  readOnly: 'false',
}));
/** What every v2 Data API event has in common; a selector matching these fields is "for" Data API data events. */
const V2_DATA_EVENT: SampleEvent = { eventCategory: 'Data', 'resources.type': V2_RESOURCE_TYPE };
const V2_EVENTS: SampleEvent[] = V2_CALLS.map((eventName) => ({
  ...V2_DATA_EVENT,
  eventSource: V2_SOURCE,
  eventName,
  eventType: 'Rds Data Service',
  readOnly: 'false',
}));

const V1_WHAT = `Aurora Serverless v1 Data API calls (${V1_SOURCE})`;
const V2_WHAT = `Data API calls to Aurora Serverless v2 and provisioned clusters (${V2_SOURCE})`;

/** Calls that set a trail's event selectors. */
export const SELECTOR_CALLS = new Set(['PutEventSelectors']);

export function dataApiLoggingOf(record: CloudTrailRecord): DataApiLogging | undefined {
  if (record.eventSource !== 'cloudtrail.amazonaws.com' || !SELECTOR_CALLS.has(record.eventName)) return undefined;
  const trail = trailLabel(record);
  const selectors = selectorsOf(record);
  if (!selectors) {
    return {
      v1: 'unknown',
      v2: 'unknown',
      reasons: [
        `CloudTrail did not record the new event selectors of ${trail}, so whether it still records Data API calls cannot be told`,
      ],
    };
  }
  const v1 = selectors.advanced ? v1FromAdvanced(selectors.advanced, trail) : v1FromBasic(selectors.basic, trail);
  const v2 = selectors.advanced
    ? v2FromAdvanced(selectors.advanced, trail)
    : {
        state: 'not-selected' as const,
        reasons: [
          `${trail} uses basic event selectors, which cannot select ${V2_RESOURCE_TYPE} data events, so ${V2_WHAT} are not recorded`,
        ],
      };
  return { v1: v1.state, v2: v2.state, reasons: [...v1.reasons, ...v2.reasons] };
}

interface Selectors {
  basic: JsonObject[];
  advanced: AdvancedSelector[] | null;
}

function selectorsOf(record: CloudTrailRecord): Selectors | null {
  for (const params of [record.requestParameters, record.responseElements]) {
    if (!isJsonObject(params) || params.omitted === true) continue;
    const advanced = parseAdvancedSelectors(getIgnoringCase(params, 'advancedEventSelectors'));
    if (advanced) return { basic: [], advanced };
    const basic = getIgnoringCase(params, 'eventSelectors');
    if (Array.isArray(basic)) return { basic: basic.filter(isJsonObject), advanced: null };
  }
  return null;
}

interface Verdict<S> {
  state: S;
  reasons: string[];
}

/** Basic selectors (EventSelector): an event is logged when any selector includes it. */
function v1FromBasic(selectors: JsonObject[], trail: string): Verdict<'recorded' | 'excluded'> {
  const reasons: string[] = [];
  const withManagement = selectors.filter((s) => getIgnoringCase(s, 'includeManagementEvents') !== false);
  if (withManagement.length === 0) {
    return {
      state: 'excluded',
      reasons: [`no event selector on ${trail} includes management events, so ${V1_WHAT} are not recorded`],
    };
  }
  for (const selector of withManagement) {
    const excludedSources = stringList(getIgnoringCase(selector, 'excludeManagementEventSources'));
    const readWrite = getIgnoringCase(selector, 'readWriteType');
    if (excludedSources.includes(V1_SOURCE))
      reasons.push(`excludeManagementEventSources lists ${V1_SOURCE} on ${trail}`);
    else if (readWrite === 'ReadOnly')
      reasons.push(`${trail} records only ReadOnly management events, and Data API calls are write events`);
    else return { state: 'recorded', reasons: [] };
  }
  return { state: 'excluded', reasons: unique(reasons) };
}

function v1FromAdvanced(selectors: AdvancedSelector[], trail: string): Verdict<'recorded' | 'excluded'> {
  const management = selectors.filter(
    (s) => hasField(s, 'eventCategory') && matchesFields(s, { eventCategory: 'Management' }, ['eventCategory']),
  );
  if (management.length === 0) {
    return {
      state: 'excluded',
      reasons: [`no advanced event selector on ${trail} selects management events, so ${V1_WHAT} are not recorded`],
    };
  }
  return judge(management, V1_EVENTS, trail, V1_WHAT);
}

function v2FromAdvanced(
  selectors: AdvancedSelector[],
  trail: string,
): Verdict<'recorded' | 'excluded' | 'not-selected'> {
  const fields = Object.keys(V2_DATA_EVENT);
  const dataApi = selectors.filter(
    (s) => fields.every((field) => hasField(s, field)) && matchesFields(s, V2_DATA_EVENT, fields),
  );
  if (dataApi.length === 0) {
    return {
      state: 'not-selected',
      reasons: [
        `no advanced event selector on ${trail} selects data events on ${V2_RESOURCE_TYPE}, so ${V2_WHAT} are not recorded`,
      ],
    };
  }
  return judge(dataApi, V2_EVENTS, trail, V2_WHAT);
}

/** Recorded when, for every Data API call, some selector records all such calls; otherwise says which conditions leave calls out. */
function judge(
  selectors: AdvancedSelector[],
  events: SampleEvent[],
  trail: string,
  what: string,
): Verdict<'recorded' | 'excluded'> {
  const reasons: string[] = [];
  let everyCallRecorded = true;
  for (const event of events) {
    const results = selectors.map((selector) => ({ selector, ...coverage(selector, event) }));
    if (results.some((r) => r.coverage === 'all')) continue;
    everyCallRecorded = false;
    for (const { selector, coverage: c, restrictions } of results)
      reasons.push(sentence(selector, c, restrictions, trail, what));
  }
  return everyCallRecorded ? { state: 'recorded', reasons: [] } : { state: 'excluded', reasons: unique(reasons) };
}

function sentence(
  selector: AdvancedSelector,
  c: Coverage,
  restrictions: string[],
  trail: string,
  what: string,
): string {
  const name = selector.name ? `advanced event selector "${selector.name}"` : 'an advanced event selector';
  const how = c === 'some' ? 'records only some' : 'leaves out';
  return `${name} on ${trail} ${how} ${what}: ${restrictions.join('; ')}`;
}

function hasField(selector: AdvancedSelector, field: string): boolean {
  return selector.fieldSelectors.some((fs) => fs.field === field);
}

/** "trail my-trail", or "the trail" when the record does not say which. */
function trailLabel(record: CloudTrailRecord): string {
  for (const params of [record.requestParameters, record.responseElements]) {
    if (!isJsonObject(params)) continue;
    for (const key of ['trailName', 'trailARN']) {
      const value = getIgnoringCase(params, key);
      if (typeof value === 'string' && value !== '') return `trail ${trailFromArn(value)?.id ?? value}`;
    }
  }
  return 'the trail';
}

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
