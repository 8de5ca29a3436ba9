// trailwatch-tampered: alerts when someone changes trailwatch itself (shared/rules/builtin/self-protection.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { compileRuleset, type Ruleset } from '../shared/rules/engine.js';
import {
  SELF_PROTECTION_EVENT_SOURCES,
  SELF_PROTECTION_RULE_ID,
  selfProtectionRule,
  type TrailwatchResources,
} from '../shared/rules/builtin/self-protection.js';
import { scanLog } from '../shared/scan/scan-log.js';
import { chunked, gzipRecords } from './helpers/log-files.js';
import { loadRecord } from './record-fixtures.js';
import { EXAMPLE_STACK, NEAR_MISSES, TAMPERING } from './self-protection-stack.js';

const stack = compileRuleset({ trailwatchResources: EXAMPLE_STACK });
const raises = (ruleset: Ruleset, record: CloudTrailRecord) =>
  ruleset.evaluate(classify(record)).some((rule) => rule.id === SELF_PROTECTION_RULE_ID);

const NOTHING: TrailwatchResources = {
  functionNames: [],
  eventRuleNames: [],
  topicArns: [],
  alarmNames: [],
  queueUrls: [],
  bucketNames: [],
};

describe("trailwatch-tampered, with the stack's resource names", () => {
  it.each(TAMPERING)('is raised by %s', (fixture) => {
    expect(raises(stack, loadRecord(fixture))).toBe(true);
  });

  it.each(NEAR_MISSES)('is not raised by %s', (fixture) => {
    expect(raises(stack, loadRecord(fixture))).toBe(false);
  });

  it('is high severity', () => {
    expect(stack.rules.find((rule) => rule.id === SELF_PROTECTION_RULE_ID)?.severity).toBe('high');
  });

  it('watches only the kinds of resource it is given names for', () => {
    const onlyBucket = compileRuleset({ trailwatchResources: { ...NOTHING, bucketNames: EXAMPLE_STACK.bucketNames } });
    expect(raises(onlyBucket, loadRecord('self-protection/put-bucket-notification'))).toBe(true);
    expect(raises(onlyBucket, loadRecord('self-protection/delete-function'))).toBe(false);
    expect(raises(onlyBucket, loadRecord('self-protection/unsubscribe'))).toBe(false);
  });

  it('keeps the other built-in rules as they are', () => {
    expect(stack.rules.map((rule) => rule.id)).toEqual(compileRuleset().rules.map((rule) => rule.id));
  });

  it('can be turned off and re-graded by id like any built-in rule', () => {
    const off = compileRuleset({ trailwatchResources: EXAMPLE_STACK, disabled: [SELF_PROTECTION_RULE_ID] });
    expect(raises(off, loadRecord('self-protection/delete-function'))).toBe(false);
    const critical = compileRuleset({
      trailwatchResources: EXAMPLE_STACK,
      severities: { [SELF_PROTECTION_RULE_ID]: 'critical' },
    });
    expect(critical.evaluate(classify(loadRecord('self-protection/delete-function')))[0]?.severity).toBe('critical');
  });
});

describe('trailwatch-tampered without a stack (trailwatch scan)', () => {
  const local = compileRuleset();

  it('is listed among the built-in rules', () => {
    expect(local.rules.map((rule) => rule.id)).toContain(SELF_PROTECTION_RULE_ID);
  });

  it.each(TAMPERING)('matches nothing: not raised by %s', (fixture) => {
    expect(raises(local, loadRecord(fixture))).toBe(false);
  });

  it('an empty set of names is the same as no stack', () => {
    const empty = compileRuleset({ trailwatchResources: NOTHING });
    for (const fixture of TAMPERING) expect(raises(empty, loadRecord(fixture)), fixture).toBe(false);
    expect(selfProtectionRule(NOTHING)).toEqual(selfProtectionRule());
  });
});

describe('Lambda event names', () => {
  it.each([
    [
      'self-protection/update-function-configuration',
      ['UpdateFunctionConfiguration', 'UpdateFunctionConfiguration20150331'],
    ],
    ['self-protection/update-function-code-by-arn', ['UpdateFunctionCode', 'UpdateFunctionCode20150331']],
    ['self-protection/delete-function', ['DeleteFunction']],
    ['self-protection/remove-permission', ['RemovePermission', 'RemovePermission20150331']],
    ['self-protection/put-function-concurrency-zero', ['PutFunctionConcurrency']],
  ])('%s raises the rule under the other names CloudTrail has used too: %j', (fixture, names) => {
    for (const eventName of names) expect(raises(stack, { ...loadRecord(fixture), eventName }), eventName).toBe(true);
  });

  it('a read of the function under any version raises nothing', () => {
    for (const eventName of [
      'GetFunction',
      'GetFunction20150331',
      'GetFunction20150331v2',
      'GetFunctionConfiguration20150331v2',
    ]) {
      expect(raises(stack, { ...loadRecord('self-protection/get-function'), eventName }), eventName).toBe(false);
    }
  });
});

describe('function names, in every form a caller may write them', () => {
  const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
  const qualifier = fc.oneof(
    fc.constant('$LATEST'),
    fc.integer({ min: 1, max: 999 }).map(String),
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/),
  );
  const update = (functionName: string): CloudTrailRecord => ({
    ...loadRecord('self-protection/update-function-configuration'),
    requestParameters: { functionName, timeout: 1 },
  });
  const forms = (fn: string, q: string) => [
    fn,
    `${fn}:${q}`,
    `123456789012:function:${fn}`,
    `arn:aws:lambda:us-east-1:123456789012:function:${fn}`,
    `arn:aws:lambda:us-east-1:123456789012:function:${fn}:${q}`,
  ];

  it('raise the rule for a watched function: name, name:qualifier, partial ARN, ARN, qualified ARN', () => {
    fc.assert(
      fc.property(name, qualifier, (fn, q) => {
        const ruleset = compileRuleset({ trailwatchResources: { ...NOTHING, functionNames: [fn] } });
        return forms(fn, q).every((form) => raises(ruleset, update(form)));
      }),
      { numRuns: 60 },
    );
  });

  it('do not raise it for another function, even one whose name starts or ends with the watched name', () => {
    fc.assert(
      fc.property(name, name, qualifier, (fn, other, q) => {
        fc.pre(other !== fn);
        const ruleset = compileRuleset({ trailwatchResources: { ...NOTHING, functionNames: [fn] } });
        const others = [
          ...forms(other, q),
          `${fn}${other}`,
          `${other}${fn}`,
          `arn:aws:lambda:us-east-1:123456789012:function:${other}${fn}`,
        ];
        return others
          .filter((form) => !form.endsWith(`:${fn}`) && !form.includes(`:${fn}:`) && form !== fn)
          .every((form) => !raises(ruleset, update(form)));
      }),
      { numRuns: 60 },
    );
  });
});

describe("the reader's byte pre-check lets the rule's records through", () => {
  it('names every source the rule needs, so the reader parses their records', () => {
    for (const source of SELF_PROTECTION_EVENT_SOURCES) expect(stack.eventSources, source).toContain(source);
  });

  it('raises the rule on every tampering record in a log file, and skips the noise around them', async () => {
    const noise = loadRecord('self-protection/get-function');
    const records = [...TAMPERING, ...NEAR_MISSES].flatMap((fixture) => [noise, loadRecord(fixture)]);
    const scan = scanLog(chunked(gzipRecords(records), [4096]), {
      file: 'AWSLogs/self-protection.json.gz',
      ruleset: stack,
    });
    const raisedBy: string[] = [];
    for await (const item of scan) {
      if (item.kind === 'event' && item.alerts.some((alert) => alert.rule === SELF_PROTECTION_RULE_ID))
        raisedBy.push(String(item.event.record.eventID));
    }
    expect(raisedBy.sort()).toEqual(TAMPERING.map((fixture) => String(loadRecord(fixture).eventID)).sort());
    // GetFunction is a read no rule names: the pre-check skips it without parsing.
    expect(scan.stats.skipped).toBeGreaterThanOrEqual(records.length / 2);
  });
});
