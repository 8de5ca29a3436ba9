import { describe, expect, it } from 'vitest';
import { recordNeeds } from '../shared/rules/record-needs.js';
import { compileRuleset } from '../shared/rules/engine.js';

const set = (...values: string[]) => new Set(values);

describe('what a rule needs of a record, derived for the reader prefilter', () => {
  it('takes the exact eventSource and eventName values', () => {
    expect(
      recordNeeds({ eventSource: ['rds.amazonaws.com'], eventName: ['DeleteDBInstance', 'DeleteDBCluster'] }),
    ).toEqual([{ eventSources: set('rds.amazonaws.com'), eventNames: set('DeleteDBInstance', 'DeleteDBCluster') }]);
  });

  it('leaves eventName open when the rule does not name it exactly', () => {
    expect(recordNeeds({ eventSource: ['rds.amazonaws.com'], eventName: [{ prefix: 'Delete' }] })).toEqual([
      { eventSources: set('rds.amazonaws.com') },
    ]);
  });

  it('requires the key of a field that must exist', () => {
    expect(
      recordNeeds({
        eventSource: ['rds.amazonaws.com'],
        requestParameters: { masterUserPassword: [{ exists: true }] },
      }),
    ).toEqual([{ eventSources: set('rds.amazonaws.com'), mustContain: ['"masterUserPassword"'] }]);
  });

  it('requires nothing of a field with other filters, or of keys JSON could write with other escapes', () => {
    expect(recordNeeds({ eventSource: ['s3.amazonaws.com'], errorCode: [{ exists: true }, 'x'] })).toEqual([
      { eventSources: set('s3.amazonaws.com') },
    ]);
    expect(recordNeeds({ eventSource: ['s3.amazonaws.com'], 'a/b': [{ exists: true }] })).toEqual([
      { eventSources: set('s3.amazonaws.com') },
    ]);
  });

  it('turns facts into the tokens they imply: failed needs errorCode, root needs "Root"', () => {
    expect(recordNeeds({ eventSource: ['rds.amazonaws.com'], trailwatch: { failed: [true] } })).toEqual([
      { eventSources: set('rds.amazonaws.com'), mustContain: ['"errorCode"'] },
    ]);
    expect(recordNeeds({ eventSource: ['rds.amazonaws.com'], trailwatch: { principal: { isRoot: [true] } } })).toEqual([
      { eventSources: set('rds.amazonaws.com'), mustContain: ['"Root"'] },
    ]);
  });

  it('requires nothing for facts with no byte-level evidence', () => {
    expect(
      recordNeeds({ eventSource: ['rds.amazonaws.com'], trailwatch: { failed: [false], category: ['rds'] } }),
    ).toEqual([{ eventSources: set('rds.amazonaws.com') }]);
  });

  it('gives one alternative per $or branch, combined with what the pattern requires around it', () => {
    expect(
      recordNeeds({
        eventSource: ['rds.amazonaws.com'],
        $or: [
          { eventName: ['ModifyDBInstance'], requestParameters: { masterUserPassword: [{ exists: true }] } },
          { eventName: ['ModifyDBCluster'] },
        ],
      }),
    ).toEqual([
      {
        eventSources: set('rds.amazonaws.com'),
        eventNames: set('ModifyDBInstance'),
        mustContain: ['"masterUserPassword"'],
      },
      { eventSources: set('rds.amazonaws.com'), eventNames: set('ModifyDBCluster') },
    ]);
  });

  it('is null when some branch can match any eventSource', () => {
    expect(recordNeeds({ eventName: ['ConsoleLogin'] })).toBeNull();
    expect(recordNeeds({ eventSource: [{ prefix: 'rds' }] })).toBeNull();
    expect(recordNeeds({ $or: [{ eventSource: ['rds.amazonaws.com'] }, { eventName: ['StopLogging'] }] })).toBeNull();
  });

  it('lets the built-in rules skip successful RDS reads by people, the bulk of RDS records', () => {
    const { prefilter } = compileRuleset();
    const describeNeeds = (prefilter ?? []).filter(
      (a) => a.eventSources.has('rds.amazonaws.com') && (!a.eventNames || a.eventNames.has('DescribeDBInstances')),
    );
    expect(describeNeeds.map((a) => a.mustContain)).toEqual([['"errorCode"'], ['"Root"']]);
  });
});
