// Rules files built to break the loader (issue 11, item 9): alias bombs, numbers no record can hold, and rule
// counts that once made compiling quadratic. Each is a clear error naming the file (exit 2), or just works.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/trailwatch.js';
import { RulesError } from '../shared/errors.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { parseRulesFile } from '../shared/rules/rules-file.js';
import type { RulesFile } from '../shared/rules/types.js';

/** A rules file of `uses + 1` rules whose exception lists are one anchor, used `uses` times. */
function aliasedRules(uses: number): string {
  const rule = (i: number, principals: string) =>
    `  - id: rule-${i}\n    severity: low\n    title: Rule ${i}\n    match: { eventSource: [rds.amazonaws.com] }\n    except: { principals: ${principals} }`;
  const rules = [
    rule(0, '&admins ["arn:aws:iam::123456789012:role/Admin"]'),
    ...Array.from({ length: uses }, (_, i) => rule(i + 1, '*admins')),
  ];
  return `rules:\n${rules.join('\n')}\n`;
}

function compileText(text: string, source = 'rules.yaml') {
  return compileRuleset({ builtins: false, files: [{ source, content: parseRulesFile(text, source) }] });
}

const numericRule = (argument: string) =>
  `rules:\n  - id: big-storage\n    severity: low\n    title: Big\n    match:\n      requestParameters:\n        allocatedStorage: ${argument}\n`;

describe('YAML aliases', () => {
  it('rejects a file whose aliases expand too much with a rules error naming the file', () => {
    // The yaml library's own check (a ReferenceError) trips on this many uses of one anchor.
    const text = `a: &a [x]\nb: [${Array.from({ length: 150 }, () => '*a').join(', ')}]\n`;
    expect(() => parseRulesFile(text, 'aliases.yaml')).toThrow(RulesError);
    expect(() => parseRulesFile(text, 'aliases.yaml')).toThrow(
      /^aliases\.yaml: its YAML aliases \(\*name\) expand too much/,
    );
  });

  it('makes `trailwatch rules --rules FILE` exit 2 with one line naming the file, no stack trace', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-aliases-'));
    const file = path.join(dir, 'aliases.yaml');
    await writeFile(file, aliasedRules(150));
    const err: string[] = [];
    const code = await main(['rules', '--rules', file], {
      out: () => {},
      err: (line) => err.push(line),
      interactive: false,
    });
    expect(code).toBe(2);
    expect(err).toEqual([
      expect.stringMatching(
        new RegExp(`^trailwatch: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: its YAML aliases`),
      ),
    ]);
  });

  it('accepts a file using an anchor a few times', () => {
    expect(compileText(aliasedRules(10)).rules).toHaveLength(11);
  });
});

describe('numbers in patterns', () => {
  it.each([
    '[{ numeric: [">", .nan] }]',
    '[{ numeric: ["<", .inf] }]',
    '[{ numeric: [">=", -.inf] }]',
    '[{ numeric: [">", 1e400] }]',
  ])('rejects %s with an error naming the file and the place', (argument) => {
    expect(() => compileText(numericRule(argument), 'team.yaml')).toThrow(RulesError);
    expect(() => compileText(numericRule(argument), 'team.yaml')).toThrow(
      /^team\.yaml at rules\[0\]\.match\.requestParameters\.allocatedStorage\[0\]\.numeric\[1\]: -?(NaN|Infinity) is not a finite number .*\(rule big-storage\)$/,
    );
  });

  it.each(['[.nan]', '[1e400]', '[{ anything-but: [.inf] }]'])(
    'rejects the value %s, which no record can hold',
    (argument) => {
      expect(() => compileText(numericRule(argument))).toThrow(/is not a finite number|finite number, or a list/);
    },
  );

  it('still accepts finite numbers, large ones included', () => {
    expect(compileText(numericRule('[{ numeric: [">", 1e300, "<=", 1.5e308] }]')).rules).toHaveLength(1);
  });
});

describe('many rules', () => {
  it('compiles 40,000 rules, each one active and each in the prefilter', () => {
    // Compiling once copied the prefilter for every rule: 40,000 rules took 55 s, beyond the test timeout
    // (vitest.config.ts); linear, they take about a second. Not a timed assertion: a regression hangs here.
    const content: RulesFile = {
      rules: Array.from({ length: 40_000 }, (_, i) => ({
        id: `rule-${i}`,
        severity: 'low' as const,
        title: `Rule ${i}`,
        match: { eventSource: ['rds.amazonaws.com'], eventName: [`Op${i}`] },
      })),
    };
    const ruleset = compileRuleset({ builtins: false, files: [{ source: 'big.yaml', content }] });
    expect(ruleset.rules).toHaveLength(40_000);
    expect(ruleset.prefilter).toHaveLength(40_000);
  });
});
