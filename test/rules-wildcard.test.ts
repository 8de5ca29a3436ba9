// Wildcard patterns match in linear time, with EventBridge's meaning (issue 11, item 2): checked against a
// plain dynamic-programming matcher on random patterns and values, and on the inputs that used to hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { parseRulesFile } from '../shared/rules/rules-file.js';
import { compileWildcard } from '../shared/rules/wildcard.js';
import { wildcardRegExp } from '../shared/rules/pattern.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';

/** The reference: `*` any run, `\*` a literal star, every other character itself; a table over both strings. */
function referenceMatch(glob: string, value: string): boolean {
  const tokens: Array<{ star: boolean; char: string }> = [];
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '\\' && glob[i + 1] === '*') tokens.push({ star: false, char: glob[++i] as string });
    else tokens.push({ star: glob[i] === '*', char: glob[i] as string });
  }
  // matched[j]: the first i characters of value match the first j tokens.
  let matched = tokens.map(() => false);
  matched = [true, ...matched];
  for (let j = 1; j <= tokens.length; j++) matched[j] = Boolean(matched[j - 1]) && Boolean(tokens[j - 1]?.star);
  for (let i = 1; i <= value.length; i++) {
    const next = [false];
    for (let j = 1; j <= tokens.length; j++) {
      const token = tokens[j - 1] as { star: boolean; char: string };
      next[j] = token.star
        ? Boolean(next[j - 1]) || Boolean(matched[j])
        : Boolean(matched[j - 1]) && token.char === value[i - 1];
    }
    matched = next;
  }
  return Boolean(matched[tokens.length]);
}

const globChars = fc.constantFrom('a', 'b', '*', '\\', 'ab', '*a', '\\*');
const valueChars = fc.constantFrom('a', 'b', '*', '\\', 'ba');

describe('wildcard matching', () => {
  it('agrees with the reference matcher on random patterns and values', () => {
    fc.assert(
      fc.property(
        fc.array(globChars, { maxLength: 12 }),
        fc.array(valueChars, { maxLength: 24 }),
        (globParts, valueParts) => {
          const glob = globParts.join('');
          const value = valueParts.join('');
          expect(compileWildcard(glob)(value)).toBe(referenceMatch(glob, value));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('agrees with the reference matcher on values built to match (the glob with its stars filled in)', () => {
    fc.assert(
      fc.property(
        fc.array(globChars, { maxLength: 12 }),
        fc.array(fc.array(valueChars, { maxLength: 4 }), { minLength: 12, maxLength: 12 }),
        (globParts, fills) => {
          const glob = globParts.join('');
          let n = 0;
          const value = glob.replace(/\\\*|\*/g, (token) =>
            token === '*' ? (fills[n++ % fills.length] ?? []).join('') : '*',
          );
          expect(referenceMatch(glob, value)).toBe(true);
          expect(compileWildcard(glob)(value)).toBe(true);
        },
      ),
    );
  });

  it('treats every character but * and \\* as itself, line breaks and regular expression syntax included', () => {
    expect(compileWildcard('a.c')('abc')).toBe(false);
    expect(compileWildcard('a.c')('a.c')).toBe(true);
    expect(compileWildcard('(x|y)+*')('(x|y)+\nz')).toBe(true);
    expect(compileWildcard('a\\b')('a\\b')).toBe(true);
    expect(compileWildcard('a\\*b')('a*b')).toBe(true);
    expect(compileWildcard('a\\*b')('axb')).toBe(false);
  });
});

describe('patterns that used to hang (a backtracking regular expression each)', () => {
  it('matches rule `userAgent: [{wildcard: "*a*a*a*b"}]` against a userAgent of 2,000 a', () => {
    const ruleset = compileRuleset({
      builtins: false,
      files: [
        {
          source: 'rules.yaml',
          content: parseRulesFile(
            'rules:\n  - id: ua\n    severity: low\n    title: UA\n    match:\n      userAgent: [{ wildcard: "*a*a*a*b" }]\n',
            'rules.yaml',
          ),
        },
      ],
    });
    const record = cloudTrailRecord({ userAgent: 'a'.repeat(2000) }) as CloudTrailRecord;
    expect(ruleset.evaluate(classify(record))).toEqual([]);
    expect(ruleset.evaluate(classify({ ...record, userAgent: `${'a'.repeat(2000)}b` })).map((r) => r.id)).toEqual([
      'ua',
    ]);
  });

  it('matches an exception with 8 stars against a session of 64 characters', () => {
    const rules =
      'rules:\n  - id: any-rds\n    severity: low\n    title: RDS\n    match:\n      eventSource: [rds.amazonaws.com]\n    except:\n      principals: ["*a*a*a*a*a*a*a*a*b"]\n';
    const ruleset = compileRuleset({
      builtins: false,
      files: [{ source: 'rules.yaml', content: parseRulesFile(rules, 'rules.yaml') }],
    });
    const arn = `arn:aws:sts::123456789012:assumed-role/Admin/${'a'.repeat(64)}`;
    const record = cloudTrailRecord({ userIdentity: { type: 'AssumedRole', arn } }) as CloudTrailRecord;
    expect(ruleset.evaluate(classify(record)).map((r) => r.id)).toEqual(['any-rds']);
  });

  it('gives callers of wildcardRegExp the same linear matcher', () => {
    expect(wildcardRegExp('*a*a*a*b').test('a'.repeat(2000))).toBe(false);
    expect(wildcardRegExp('arn:aws:iam::*:role/*').test('arn:aws:iam::123456789012:role/Admin')).toBe(true);
  });

  it('matches a pattern of 1,000 stars against a value of 100,000 characters', () => {
    expect(compileWildcard(`${'*a'.repeat(1000)}*b`)('a'.repeat(100_000))).toBe(false);
  });
});
