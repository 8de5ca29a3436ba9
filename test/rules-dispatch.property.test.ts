// The engine asks a rule about a record only when the record's eventSource and eventName are ones the rule's pattern
// can match (shared/rules/dispatch.ts), and hands patterns the record through an EventView rather than a copy with
// `trailwatch` added. Neither may change a single alert: for any rules and any record, evaluate() raises exactly
// the rules whose pattern matches the copy, in rule order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/classify.js';
import type { CloudTrailRecord, JsonValue } from '../shared/cloudtrail.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { compilePattern, EventView } from '../shared/rules/pattern.js';
import type { EventPattern, RuleDefinition } from '../shared/rules/types.js';

const SOURCES = ['rds.amazonaws.com', 'cloudtrail.amazonaws.com', 's3.amazonaws.com', 'rdsdata.amazonaws.com'];
const NAMES = ['DeleteDBInstance', 'ModifyDBInstance', 'StopLogging', 'PutBucketPolicy', 'ExecuteStatement'];

/** A leaf over a few values: exact ones, or an operator that dispatch cannot read (so it must not narrow on it). */
const leaf = (values: readonly string[]): fc.Arbitrary<JsonValue[]> =>
  fc.oneof(
    fc.subarray([...values], { minLength: 1 }).map((list): JsonValue[] => list),
    fc.constantFrom(...values).map((v): JsonValue[] => [{ prefix: v.slice(0, 3) }]),
    fc.constant<JsonValue[]>([{ exists: true }]),
    fc.constant<JsonValue[]>([{ 'anything-but': values[0] ?? '' }]),
  );

const branch: fc.Arbitrary<EventPattern> = fc.record(
  {
    eventSource: leaf(SOURCES),
    eventName: leaf(NAMES),
    trailwatch: fc.constantFrom<EventPattern>({ failed: [true] }, { principal: { isRoot: [true] } }),
    requestParameters: fc.constant<EventPattern>({ dBInstanceIdentifier: [{ exists: true }] }),
  },
  { requiredKeys: [] },
);

const pattern: fc.Arbitrary<EventPattern> = fc.oneof(
  branch.filter((p) => Object.keys(p).length > 0),
  fc
    .tuple(
      branch,
      fc.array(
        branch.filter((p) => Object.keys(p).length > 0),
        { minLength: 2, maxLength: 3 },
      ),
    )
    .map(([own, $or]) => ({ ...own, $or })),
);

const record: fc.Arbitrary<CloudTrailRecord> = fc
  .record({
    eventSource: fc.oneof(fc.constantFrom(...SOURCES), fc.constant('ec2.amazonaws.com')),
    eventName: fc.oneof(fc.constantFrom(...NAMES), fc.constant('RunInstances')),
    errorCode: fc.option(fc.constant('AccessDenied'), { nil: undefined }),
    userIdentity: fc.constantFrom({ type: 'Root', accountId: '123456789012' }, { type: 'IAMUser', userName: 'ana' }),
    requestParameters: fc.option(fc.constant({ dBInstanceIdentifier: 'db-1' }), { nil: undefined }),
    // A record may carry its own `trailwatch` member: patterns must see the facts there, as they always did.
    trailwatch: fc.option(fc.constant({ failed: true }), { nil: undefined }),
  })
  .map((r) => {
    const out: Record<string, unknown> = { eventTime: '2026-12-03T10:00:00Z' };
    for (const [key, value] of Object.entries(r)) if (value !== undefined) out[key] = value;
    return out as unknown as CloudTrailRecord;
  });

describe('rules dispatched by eventSource and eventName', () => {
  it('raise exactly the rules whose pattern matches the record with its facts, in rule order', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 8 }), record, (patterns, rec) => {
        const rules: RuleDefinition[] = patterns.map((match, i) => ({
          id: `rule-${i}`,
          severity: 'low',
          title: `Rule ${i}`,
          match,
        }));
        const ruleset = compileRuleset({ builtins: false, files: [{ source: 'prop.yaml', content: { rules } }] });
        const event = classify(rec);
        const copy = { ...event.record, trailwatch: event.facts };
        const expected = rules
          .filter((rule) => compilePattern(rule.match, 'prop.yaml', 'match').matches(copy))
          .map((rule) => rule.id);
        expect(ruleset.evaluate(event).map((rule) => rule.id)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('see the same event through an EventView as through a copy of the record with the facts added', () => {
    fc.assert(
      fc.property(pattern, record, (match, rec) => {
        const event = classify(rec);
        const { matches } = compilePattern(match, 'prop.yaml', 'match');
        expect(matches(new EventView(event.record, event.facts))).toBe(
          matches({ ...event.record, trailwatch: event.facts }),
        );
      }),
      { numRuns: 500 },
    );
  });
});
