// Issue 13: the fast path's EventBridge pattern (shared/rules/fast-path-pattern.ts) lets through every record any
// active rule can match, fits EventBridge's size quota, and is what template.yaml carries.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/classify.js';
import type { CloudTrailRecord, JsonValue } from '../shared/cloudtrail.js';
import { compileRuleset, type Ruleset } from '../shared/rules/engine.js';
import {
  API_CALL_DETAIL_TYPE,
  EVENT_PATTERN_MAX_CHARS,
  eventPatternChars,
  fastPathPattern,
  isTrailwatchEventSource,
} from '../shared/rules/fast-path-pattern.js';
import { compilePattern } from '../shared/rules/pattern.js';
import { BUILTIN_RULES } from '../shared/rules/builtin-rules.js';
import { derivedPattern, withFastPathPattern } from '../scripts/fast-path-pattern.js';
import { loadTemplate } from './helpers/template.js';
import { Evaluator, SCENARIOS } from './helpers/template-evaluator.js';
import { loadRecord, recordFixtureNames } from './record-fixtures.js';

/** The EventBridge event CloudTrail sends for a record (detail = the record). */
function apiCallEvent(record: CloudTrailRecord): Record<string, unknown> {
  return {
    version: '0',
    id: 'e',
    'detail-type': API_CALL_DETAIL_TYPE,
    source: `aws.${record.eventSource.split('.')[0]}`,
    detail: record,
  };
}

function matcher(ruleset: Ruleset) {
  const { pattern } = fastPathPattern(ruleset);
  return compilePattern(pattern, 'fast-path pattern', '(derived)').matches;
}

const everyBuiltin = compileRuleset();
// CloudTrail's own records only: trailwatch's own events (integrity findings, oversized records) are made by the
// pipeline and never come through EventBridge, so the pattern leaves their sources out.
const fixtures = recordFixtureNames()
  .map((name) => ({ name, record: loadRecord(name) }))
  .filter(({ record }) => !isTrailwatchEventSource(String(record.eventSource)));
const ruleSources = [
  ...new Set(
    BUILTIN_RULES.flatMap((r) => (Array.isArray(r.match.eventSource) ? (r.match.eventSource as string[]) : [])),
  ),
].filter((source) => !isTrailwatchEventSource(source));
const ruleNames = [
  ...new Set(
    BUILTIN_RULES.flatMap((r) =>
      Array.isArray(r.match.eventName)
        ? (r.match.eventName as JsonValue[]).filter((n): n is string => typeof n === 'string')
        : [],
    ),
  ),
];

describe('the fast-path pattern', () => {
  it('accepts every built-in rule fixture that raises an alert', () => {
    const matches = matcher(everyBuiltin);
    const raising = fixtures.filter(({ record }) => everyBuiltin.evaluate(classify(record)).length > 0);
    expect(raising.length).toBeGreaterThan(20);
    for (const { name, record } of raising) expect(matches(apiCallEvent(record)), name).toBe(true);
  });

  it('accepts every record any active rule matches (property: fixtures with sources, names and fields varied)', () => {
    const matches = matcher(everyBuiltin);
    const field = fc.constantFrom(
      'errorCode',
      'errorMessage',
      'userIdentity',
      'requestParameters',
      'responseElements',
      'readOnly',
    );
    const value: fc.Arbitrary<JsonValue> = fc.oneof(
      fc.constant(null),
      fc.string(),
      fc.boolean(),
      fc.constant({ type: 'Root' }),
      fc.constant('AccessDenied'),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.option(fc.constantFrom(...ruleSources, 'ec2.amazonaws.com', 's3.amazonaws.com'), { nil: undefined }),
        fc.option(fc.constantFrom(...ruleNames, 'DescribeDBInstances', 'RunInstances'), { nil: undefined }),
        fc.dictionary(field, value, { maxKeys: 3 }),
        ({ record }, source, name, changes) => {
          const varied = {
            ...record,
            ...changes,
            ...(source ? { eventSource: source } : {}),
            ...(name ? { eventName: name } : {}),
          } as CloudTrailRecord;
          if (everyBuiltin.evaluate(classify(varied)).length === 0) return true;
          return matches(apiCallEvent(varied));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('holds for every subset of the built-in rules: any disabled set keeps its own guarantee', () => {
    fc.assert(
      fc.property(fc.subarray(BUILTIN_RULES.map((r) => r.id)), (disabled) => {
        const ruleset = compileRuleset({ disabled });
        const matches = matcher(ruleset);
        return fixtures.every(
          ({ record }) => ruleset.evaluate(classify(record)).length === 0 || matches(apiCallEvent(record)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('rejects API calls no rule looks at, and other detail-types', () => {
    const matches = matcher(everyBuiltin);
    const ec2 = loadRecord(
      fixtures.find(({ record }) => record.eventSource === 'ec2.amazonaws.com')?.name ?? 'create-trail',
    );
    expect(matches(apiCallEvent({ ...ec2, eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances' }))).toBe(false);
    expect(
      matches(
        apiCallEvent({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'CreateTrail',
          eventTime: '2026-11-20T10:00:00Z',
        }),
      ),
    ).toBe(false);
    expect(
      matches({
        ...apiCallEvent({
          eventSource: 'rds.amazonaws.com',
          eventName: 'DeleteDBInstance',
          eventTime: '2026-11-20T10:00:00Z',
        }),
        'detail-type': 'AWS Service Event via CloudTrail',
      }),
    ).toBe(false);
  });

  it('names event names only for sources where every rule names them', () => {
    const { pattern } = fastPathPattern(everyBuiltin);
    expect(pattern['detail-type']).toEqual([API_CALL_DETAIL_TYPE]);
    const branches = pattern.$or as Array<{ detail: { eventSource: string[]; eventName?: string[] } }>;
    // rds-failed-call and root-rds-activity take any RDS or Data API call: those sources are matched whole.
    expect(branches).toContainEqual({
      detail: { eventSource: ['rds.amazonaws.com', 'rdsdata.amazonaws.com', 'rdsdataapi.amazonaws.com'] },
    });
    expect(branches).toContainEqual({
      detail: {
        eventSource: ['cloudtrail.amazonaws.com'],
        eventName: ['DeleteTrail', 'PutEventSelectors', 'StopLogging', 'UpdateTrail'],
      },
    });
    // Every other source some built-in rule names (the self-protection rule's services) comes with its event names.
    for (const branch of branches)
      if (!branch.detail.eventSource.includes('rds.amazonaws.com'))
        expect(branch.detail.eventName?.length, branch.detail.eventSource.join()).toBeGreaterThan(0);
  });

  it('matches every API call when a custom rule leaves eventSource open, and none when no rule is active', () => {
    const open = compileRuleset({
      files: [
        {
          source: 'rules.yaml',
          content: {
            rules: [{ id: 'any-root', severity: 'high', title: 'Root', match: { userIdentity: { type: ['Root'] } } }],
          },
        },
      ],
    });
    expect(fastPathPattern(open)).toEqual({ pattern: { 'detail-type': [API_CALL_DETAIL_TYPE] }, everySource: true });
    const none = compileRuleset({ builtins: false });
    const matches = matcher(none);
    expect(
      matches(
        apiCallEvent({
          eventSource: 'rds.amazonaws.com',
          eventName: 'DeleteDBInstance',
          eventTime: '2026-11-20T10:00:00Z',
        }),
      ),
    ).toBe(false);
  });

  it("is within EventBridge's default event pattern size (2,048 characters)", () => {
    const chars = eventPatternChars(fastPathPattern(everyBuiltin).pattern);
    expect(chars).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
  });
});

describe('template.yaml FastPathRule', () => {
  it('carries the pattern derived from the built-in rules (npm run fast-path-pattern rewrites it)', () => {
    const rule = new Evaluator(loadTemplate(), SCENARIOS.defaults).properties('FastPathRule');
    expect(rule.EventPattern).toEqual(derivedPattern().pattern);
  });

  it('is byte for byte what the script writes, so --check passes', () => {
    const text = readFileSync(new URL('../template.yaml', import.meta.url), 'utf8');
    expect(withFastPathPattern(text, derivedPattern().pattern)).toBe(text);
  });

  it('takes custom rules from a rules file into the pattern', () => {
    const rules =
      'rules:\n  - id: kms-key-deleted\n    severity: high\n    title: KMS key scheduled for deletion\n    match:\n      eventSource: [kms.amazonaws.com]\n      eventName: [ScheduleKeyDeletion]\n';
    const { pattern } = derivedPattern([{ source: 'rules.yaml', text: rules }]);
    const matches = compilePattern(pattern, 'p', 'p').matches;
    expect(
      matches(
        apiCallEvent({
          eventSource: 'kms.amazonaws.com',
          eventName: 'ScheduleKeyDeletion',
          eventTime: '2026-11-20T10:00:00Z',
        }),
      ),
    ).toBe(true);
    expect(
      matches(
        apiCallEvent({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', eventTime: '2026-11-20T10:00:00Z' }),
      ),
    ).toBe(false);
  });

  it('fails on a stale pattern', () => {
    const text = readFileSync(new URL('../template.yaml', import.meta.url), 'utf8');
    const stale = withFastPathPattern(text, {
      'detail-type': [API_CALL_DETAIL_TYPE],
      detail: { eventSource: ['rds.amazonaws.com'] },
    });
    expect(withFastPathPattern(stale, derivedPattern().pattern)).not.toBe(stale);
  });
});
