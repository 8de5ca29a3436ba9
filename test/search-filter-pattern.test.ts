// `trailwatch search` filter patterns as strings, for every combination of flag kinds, and what they mean: each
// pattern is evaluated (test/helpers/filter-pattern-eval.ts, a separate reading of the documented syntax) over
// the index events of the sample day and must select exactly the events a plain predicate over the flags selects.
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import {
  buildSearch,
  FilterPatternError,
  matchesTerms,
  MAX_FILTER_PATTERN_LENGTH,
  type SearchCriteria,
  type SearchSource,
} from '../shared/index/filter-pattern.js';
import { toIndexEvent, type TrailwatchFields } from '../shared/index/index.js';
import { matchesFilterPattern, wildcardSelectors } from './helpers/filter-pattern-eval.js';

// ---------------------------------------------------------------------------------------------------------
// Strings

/** One value of each flag kind, and the condition it must become. */
const FLAGS = {
  event: { criteria: { events: ['DeleteDBInstance'] }, condition: '$.eventName = "DeleteDBInstance"' },
  db: { criteria: { dbs: ['oradb'] }, condition: '$.trailwatch.resources[*] = "oradb"' },
  user: { criteria: { users: ['johndoe'] }, condition: '$.trailwatch.principal.name = "johndoe"' },
  source: { criteria: { sources: ['rds'] as SearchSource[] }, condition: '$.eventSource = "rds.amazonaws.com"' },
  failed: { criteria: { failed: true }, condition: '$.trailwatch.failed IS TRUE' },
} as const;
type Flag = keyof typeof FLAGS;
const ORDER = Object.keys(FLAGS) as Flag[];

function subsets<T>(items: readonly T[]): T[][] {
  const all: T[][] = [[]];
  for (const item of items) for (const subset of all.slice()) all.push([...subset, item]);
  return all;
}

describe('filter patterns as strings', () => {
  it('no flag: no pattern (every event in the time range)', () => {
    expect(buildSearch({})).toEqual({ filterPattern: undefined, clientTerms: [] });
  });

  it('each flag alone', () => {
    expect(buildSearch({ events: ['DeleteDBInstance'] }).filterPattern).toBe('{ $.eventName = "DeleteDBInstance" }');
    expect(buildSearch({ dbs: ['oradb'] }).filterPattern).toBe('{ $.trailwatch.resources[*] = "oradb" }');
    expect(buildSearch({ users: ['johndoe'] }).filterPattern).toBe('{ $.trailwatch.principal.name = "johndoe" }');
    expect(buildSearch({ users: ['arn:aws:iam::123456789012:role/DBAdminRole'] }).filterPattern).toBe(
      '{ ($.trailwatch.principal.arn = "arn:aws:iam::123456789012:role/DBAdminRole" || $.trailwatch.principal.roleArn = "arn:aws:iam::123456789012:role/DBAdminRole") }',
    );
    expect(buildSearch({ sources: ['rds'] }).filterPattern).toBe('{ $.eventSource = "rds.amazonaws.com" }');
    expect(buildSearch({ sources: ['rdsdata'] }).filterPattern).toBe(
      '{ ($.eventSource = "rdsdata.amazonaws.com" || $.eventSource = "rdsdataapi.amazonaws.com") }',
    );
    expect(buildSearch({ sources: ['cloudtrail'] }).filterPattern).toBe(
      '{ $.eventSource = "cloudtrail.amazonaws.com" }',
    );
    expect(buildSearch({ failed: true }).filterPattern).toBe('{ $.trailwatch.failed IS TRUE }');
    expect(buildSearch({ failed: false })).toEqual({ filterPattern: undefined, clientTerms: [] });
  });

  it('text alone: quoted terms, all of which must appear; a term with a double quote is matched here', () => {
    expect(buildSearch({ text: ['oradb'] })).toEqual({ filterPattern: '"oradb"', clientTerms: [] });
    expect(buildSearch({ text: ['oradb', '198.51.100.7', 'Access Denied'] })).toEqual({
      filterPattern: '"oradb" "198.51.100.7" "Access Denied"',
      clientTerms: [],
    });
    expect(buildSearch({ text: ['"dBInstanceIdentifier":"oradb"', 'johndoe'] })).toEqual({
      filterPattern: '"johndoe"',
      clientTerms: ['"dBInstanceIdentifier":"oradb"'],
    });
    expect(buildSearch({ text: ['"x"'] })).toEqual({ filterPattern: undefined, clientTerms: ['"x"'] });
  });

  it('several values of one flag: any of them, in parentheses', () => {
    expect(buildSearch({ events: ['DeleteDBInstance', 'DeleteDBCluster'] }).filterPattern).toBe(
      '{ ($.eventName = "DeleteDBInstance" || $.eventName = "DeleteDBCluster") }',
    );
    expect(buildSearch({ dbs: ['oradb', 'mysqldb', 'mysql-db'] }).filterPattern).toBe(
      '{ ($.trailwatch.resources[*] = "oradb" || $.trailwatch.resources[*] = "mysqldb" || $.trailwatch.resources[*] = "mysql-db") }',
    );
    expect(buildSearch({ users: ['johndoe', 'root'] }).filterPattern).toBe(
      '{ ($.trailwatch.principal.name = "johndoe" || $.trailwatch.principal.name = "root") }',
    );
    expect(buildSearch({ sources: ['rds', 'cloudtrail'] }).filterPattern).toBe(
      '{ ($.eventSource = "rds.amazonaws.com" || $.eventSource = "cloudtrail.amazonaws.com") }',
    );
    // Repeats are dropped.
    expect(buildSearch({ events: ['X', 'X'], sources: ['rds', 'rds'] }).filterPattern).toBe(
      '{ $.eventName = "X" && $.eventSource = "rds.amazonaws.com" }',
    );
  });

  const combinations = subsets(ORDER)
    .filter((s) => s.length > 0)
    .map((s): [string, Flag[]] => [s.join(' + '), s]);
  it.each(combinations)('every combination: %s, with and without --text', (_label, flags) => {
    const criteria: SearchCriteria = Object.assign({}, ...flags.map((f) => FLAGS[f].criteria)) as SearchCriteria;
    const expected = `{ ${ORDER.filter((f) => flags.includes(f))
      .map((f) => FLAGS[f].condition)
      .join(' && ')} }`;
    expect(buildSearch(criteria)).toEqual({ filterPattern: expected, clientTerms: [] });
    // Text terms never enter a JSON pattern: they are matched on the events it returns.
    expect(buildSearch({ ...criteria, text: ['198.51.100.7', 'oracle-ee'] })).toEqual({
      filterPattern: expected,
      clientTerms: ['198.51.100.7', 'oracle-ee'],
    });
  });

  it('the whole set at once, several values each', () => {
    expect(
      buildSearch({
        events: ['ModifyDBInstance', 'DeleteDBInstance'],
        dbs: ['mysqldb', 'mysql-db'],
        users: ['johndoe', 'arn:aws:iam::123456789012:root'],
        sources: ['rds', 'rdsdata'],
        failed: true,
        text: ['x'],
      }),
    ).toEqual({
      filterPattern:
        '{ ($.eventName = "ModifyDBInstance" || $.eventName = "DeleteDBInstance")' +
        ' && ($.trailwatch.resources[*] = "mysqldb" || $.trailwatch.resources[*] = "mysql-db")' +
        ' && ($.trailwatch.principal.name = "johndoe" || $.trailwatch.principal.arn = "arn:aws:iam::123456789012:root" || $.trailwatch.principal.roleArn = "arn:aws:iam::123456789012:root")' +
        ' && ($.eventSource = "rds.amazonaws.com" || $.eventSource = "rdsdata.amazonaws.com" || $.eventSource = "rdsdataapi.amazonaws.com")' +
        ' && $.trailwatch.failed IS TRUE }',
      clientTerms: ['x'],
    });
  });

  it('keeps * as the wildcard CloudWatch Logs reads in string values', () => {
    expect(buildSearch({ dbs: ['prod-*'], users: ['ci-*'] }).filterPattern).toBe(
      '{ $.trailwatch.resources[*] = "prod-*" && $.trailwatch.principal.name = "ci-*" }',
    );
  });

  it('refuses what a filter pattern cannot say, naming the flag', () => {
    const refuse = (criteria: SearchCriteria, message: RegExp) => expect(() => buildSearch(criteria)).toThrow(message);
    refuse({ events: ['a"b'] }, /--event "a\\"b": a double quote cannot be written/);
    refuse({ users: ['x"'] }, /--user/);
    refuse({ dbs: [''] }, /--db needs a value/);
    refuse({ text: ['line\nbreak'] }, /--text .*control characters/);
    refuse({ dbs: ['a', 'b', 'c', 'd'] }, /at most 3 --db values/);
    refuse(
      { events: Array.from({ length: 40 }, (_, i) => `SomeRatherLongEventName${i}`) },
      /over the 1024 FilterLogEvents allows/,
    );
    expect(() => buildSearch({ events: ['a"b'] })).toThrow(FilterPatternError);
  });

  it('never writes a pattern over 1,024 characters or with more than 3 wildcard selectors, and quotes every value (property)', () => {
    const value = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/["\u0000-\u001f\u007f]/.test(s));
    const criteria = fc.record({
      events: fc.array(value, { maxLength: 5 }),
      dbs: fc.array(value, { maxLength: 4 }),
      users: fc.array(value, { maxLength: 4 }),
      sources: fc.subarray(['rds', 'rdsdata', 'cloudtrail'] as SearchSource[]),
      failed: fc.boolean(),
      text: fc.array(value, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(criteria, (c) => {
        let plan: ReturnType<typeof buildSearch>;
        try {
          plan = buildSearch(c);
        } catch (error) {
          expect(error).toBeInstanceOf(FilterPatternError);
          expect((error as Error).message).toMatch(/at most 3 --db values|over the 1024/);
          return;
        }
        const pattern = plan.filterPattern ?? '';
        expect(pattern.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
        expect(wildcardSelectors(pattern)).toBeLessThanOrEqual(3);
        for (const v of [...c.events, ...c.dbs, ...c.users]) expect(pattern).toContain(`"${v}"`);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Meaning, over the sample day's index events (every record, as INDEX_SCOPE=all indexes them)

const DAY = new URL('../events/logs/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/', import.meta.url);
const MESSAGES = readdirSync(DAY).flatMap((file) =>
  (
    JSON.parse(gunzipSync(readFileSync(new URL(file, DAY))).toString('utf8')) as { Records: CloudTrailRecord[] }
  ).Records.map((record) => toIndexEvent({ raw: JSON.stringify(record), event: classify(record), alerts: [] }).message),
);

type Indexed = CloudTrailRecord & { trailwatch: TrailwatchFields };

/** What each flag means, in plain code. */
function expected(criteria: SearchCriteria, message: string): boolean {
  const r = JSON.parse(message) as Indexed;
  const tw = r.trailwatch;
  const any = <T>(list: readonly T[] | undefined, test: (v: T) => boolean) => !list?.length || list.some(test);
  return (
    any(criteria.events, (e) => r.eventName === e) &&
    any(criteria.dbs, (d) => tw.resources.includes(d)) &&
    any(criteria.users, (u) =>
      u.startsWith('arn:') ? tw.principal.arn === u || tw.principal.roleArn === u : tw.principal.name === u,
    ) &&
    any(criteria.sources, (s) =>
      ({
        rds: ['rds.amazonaws.com'],
        rdsdata: ['rdsdata.amazonaws.com', 'rdsdataapi.amazonaws.com'],
        cloudtrail: ['cloudtrail.amazonaws.com'],
      })[s].includes(r.eventSource),
    ) &&
    (!criteria.failed || tw.failed) &&
    (criteria.text ?? []).every((t) => message.includes(t))
  );
}

function select(criteria: SearchCriteria): string[] {
  const plan = buildSearch(criteria);
  return MESSAGES.filter((m) => matchesFilterPattern(plan.filterPattern, m) && matchesTerms(m, plan.clientTerms));
}

describe('what the patterns select from the index', () => {
  const cases: Array<[string, SearchCriteria, number]> = [
    ['the deletion of oradb', { events: ['DeleteDBInstance'], dbs: ['oradb'] }, 1],
    ['every event naming the renamed instance by its new name, the rename included', { dbs: ['mysqldb'] }, 5],
    ['its old name too', { dbs: ['mysql-db', 'mysqldb'] }, 8],
    ['failed RDS calls', { sources: ['rds'], failed: true }, 2],
    ['Data API activity (both sources)', { sources: ['rdsdata'] }, 6],
    ['what DBAdminRole did, by role ARN', { users: ['arn:aws:iam::123456789012:role/DBAdminRole'] }, 5],
    ['root', { users: ['root'] }, 4],
    [
      'CloudTrail calls by johndoe, reads included (the day is indexed with INDEX_SCOPE=all)',
      { sources: ['cloudtrail'], users: ['johndoe'] },
      8,
    ],
    ['a term with structured flags', { events: ['ModifyDBInstance'], text: ['InvalidParameterCombination'] }, 1],
    ['terms alone', { text: ['oradb', 'RebootDBInstance'] }, 1],
    ['a wildcard: the instance and its snapshots', { dbs: ['mysqldb*'] }, 9],
    ['nothing', { events: ['DeleteDBCluster'] }, 0],
  ];

  it.each(cases)('%s', (_name, criteria, count) => {
    const selected = select(criteria);
    expect(selected).toEqual(
      MESSAGES.filter((m) =>
        criteria.dbs?.some((d) => d.includes('*'))
          ? matchesFilterPattern(buildSearch(criteria).filterPattern, m)
          : expected(criteria, m),
      ),
    );
    expect(selected).toHaveLength(count);
  });

  it('selects what the flags mean for random combinations of values that occur in the index (property)', () => {
    const parsed = MESSAGES.map((m) => JSON.parse(m) as Indexed);
    const pick = <T>(values: T[]) => fc.subarray([...new Set(values)], { maxLength: 2 });
    const criteria = fc.record({
      events: pick(parsed.map((r) => r.eventName)),
      dbs: pick(parsed.flatMap((r) => r.trailwatch.resources)),
      users: pick(
        parsed.flatMap((r) =>
          [r.trailwatch.principal.name, r.trailwatch.principal.roleArn].filter(
            (x): x is string => typeof x === 'string',
          ),
        ),
      ),
      sources: fc.subarray(['rds', 'rdsdata', 'cloudtrail'] as SearchSource[]),
      failed: fc.boolean(),
      text: pick(['johndoe', 'us-east-1', 'oradb', '"readOnly":true']),
    });
    fc.assert(
      fc.property(criteria, (c) => {
        expect(select(c)).toEqual(MESSAGES.filter((m) => expected(c, m)));
      }),
      { numRuns: 200 },
    );
  });
});
