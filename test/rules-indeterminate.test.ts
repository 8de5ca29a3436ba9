// Indeterminate writes (issue 15): an RDS write whose request parameters a built-in rule needs, arriving with
// CloudTrail's truncation marker, raises exactly one "unreadable" alert naming what could not be checked.
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../shared/rules/builtin-rules.js';
import { UNREADABLE_GROUPS } from '../shared/rules/builtin/rds-operations.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { classify } from '../shared/classify/index.js';
import { isJsonObject, type CloudTrailRecord, type JsonValue } from '../shared/cloudtrail.js';
import { loadRecord } from './record-fixtures.js';

const ruleset = compileRuleset();
const UNREADABLE_IDS = new Set<string>(UNREADABLE_GROUPS.map((group) => group.id));
const OMITTED = { reason: 'requestParameters too large', omitted: true };

/** The RDS eventNames of every built-in rule whose pattern (or one of its $or branches) looks into requestParameters. */
function rdsWritesInspected(): Set<string> {
  const names = new Set<string>();
  const walk = (
    pattern: Record<string, JsonValue>,
    inherited: JsonValue | undefined,
    source: JsonValue | undefined,
  ) => {
    const eventNames = pattern.eventName ?? inherited;
    const eventSource = pattern.eventSource ?? source;
    if ('requestParameters' in pattern && Array.isArray(eventSource) && eventSource.includes('rds.amazonaws.com')) {
      if (!Array.isArray(eventNames))
        throw new Error('a rule inspecting RDS requestParameters without exact eventNames');
      for (const name of eventNames) if (typeof name === 'string') names.add(name);
    }
    if (Array.isArray(pattern.$or))
      for (const branch of pattern.$or) if (isJsonObject(branch)) walk(branch, eventNames, eventSource);
  };
  for (const rule of BUILTIN_RULES) if (!UNREADABLE_IDS.has(rule.id)) walk(rule.match, undefined, undefined);
  return names;
}

function omittedCall(eventName: string): CloudTrailRecord {
  return { ...loadRecord('modify-db-instance-request-omitted'), eventName, requestParameters: OMITTED };
}

const unreadableRaised = (record: CloudTrailRecord) =>
  ruleset
    .evaluate(classify(record))
    .map((rule) => rule.id)
    .filter((id) => UNREADABLE_IDS.has(id));

describe('RDS writes whose parameters CloudTrail omitted', () => {
  const inspected = [...rdsWritesInspected()].sort();

  it('are found in the built-in rules (the walk sees the rules that read requestParameters)', () => {
    expect(inspected).toEqual(
      expect.arrayContaining([
        'ModifyDBInstance',
        'ModifyDBSnapshotAttribute',
        'RebootDBCluster',
        'AuthorizeDBSecurityGroupIngress',
        'CopyDBSnapshot',
      ]),
    );
  });

  it('are each covered by exactly one unreadable group, and the groups name nothing else', () => {
    const grouped = UNREADABLE_GROUPS.flatMap((group) => [...group.eventNames]);
    expect(new Set(grouped).size).toBe(grouped.length);
    expect([...grouped].sort()).toEqual(inspected);
  });

  it.each(inspected)(
    '%s with omitted requestParameters raises exactly one unreadable alert, naming what went unchecked',
    (eventName) => {
      const group = UNREADABLE_GROUPS.find((g) => (g.eventNames as readonly string[]).includes(eventName));
      expect(unreadableRaised(omittedCall(eventName))).toEqual([group?.id]);
      expect(ruleset.rules.find((rule) => rule.id === group?.id)?.description).toContain(group?.unchecked);
    },
  );

  it.each(inspected)('%s with its parameters recorded raises no unreadable alert', (eventName) => {
    expect(
      unreadableRaised({ ...omittedCall(eventName), requestParameters: { dBInstanceIdentifier: 'orders-prod' } }),
    ).toEqual([]);
  });

  it('a failed call with omitted parameters is still reported (the attempt is news)', () => {
    const failed = {
      ...omittedCall('ModifyDBSnapshotAttribute'),
      errorCode: 'AccessDenied',
      errorMessage: 'not authorized',
      responseElements: null,
    };
    expect(unreadableRaised(failed)).toEqual(['rds-snapshot-attribute-unreadable']);
  });

  it('read-only and uninspected RDS calls with omitted parameters raise nothing', () => {
    for (const eventName of ['DescribeDBInstances', 'AddTagsToResource', 'DeleteDBInstance']) {
      expect(unreadableRaised(omittedCall(eventName)), eventName).toEqual([]);
    }
  });

  it('a create whose response is omitted raises only when the request does not say publiclyAccessible', () => {
    const record = loadRecord('restore-db-cluster-from-snapshot-response-omitted');
    expect(unreadableRaised(record)).toEqual(['rds-create-unreadable']);
    const said = {
      ...record,
      requestParameters: { ...(record.requestParameters as Record<string, JsonValue>), publiclyAccessible: false },
    };
    expect(unreadableRaised(said)).toEqual([]);
  });

  it('the omitted ModifyDBInstance of the fixtures is no longer silent', () => {
    expect(unreadableRaised(loadRecord('modify-db-instance-request-omitted'))).toEqual(['rds-modify-unreadable']);
  });
});
