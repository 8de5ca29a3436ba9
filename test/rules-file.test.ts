import { describe, expect, it } from 'vitest';
import { parseRulesFile } from '../shared/rules/rules-file.js';
import { RulesError } from '../shared/errors.js';

describe('rules files', () => {
  it('reads YAML with rules, overrides and exceptions', () => {
    const file = parseRulesFile(
      `# our team's rules
rules:
  - id: snapshot-copied
    severity: Medium          # case-insensitive
    title: Snapshot copied
    match: { eventSource: [rds.amazonaws.com], eventName: [CopyDBSnapshot] }
overrides:
  rds-failed-call: { enabled: false }
except:
  principals: ["arn:aws:iam::123456789012:role/terraform"]
`,
      'team.yaml',
    );
    expect(file.rules?.[0]).toMatchObject({ id: 'snapshot-copied', severity: 'medium' });
    expect(file.overrides).toEqual({ 'rds-failed-call': { enabled: false } });
    expect(file.except?.principals).toEqual(['arn:aws:iam::123456789012:role/terraform']);
  });

  it('reads JSON, which is YAML', () => {
    expect(parseRulesFile('{"overrides": {"x-rule": {"severity": "high"}}}', 'r.json').overrides).toEqual({
      'x-rule': { severity: 'high' },
    });
  });

  it('treats an empty file as no changes', () => {
    expect(parseRulesFile('# nothing yet\n', 'empty.yaml')).toEqual({});
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['text that is not YAML', 'rules: [\n', /bad.yaml: not valid YAML\/JSON/],
    ['a list at the top', '- a\n- b\n', /bad.yaml: expected a mapping/],
    ['an unknown top-level key (a typo)', 'rule: []\n', /bad.yaml: unknown key "rule"/],
    ['rules that are not a list', 'rules: {}\n', /bad.yaml at rules: must be a list/],
    [
      'a rule without a title',
      'rules:\n  - { id: x-rule, severity: low, match: { a: [b] } }\n',
      /at rules\[0\]\.title: must be a non-empty string/,
    ],
    [
      'an unknown severity',
      'rules:\n  - { id: x-rule, severity: urgent, title: t, match: { a: [b] } }\n',
      /at rules\[0\]\.severity: "urgent" is not a severity/,
    ],
    [
      'a bad rule id',
      'rules:\n  - { id: "Bad Id", severity: low, title: t, match: { a: [b] } }\n',
      /"Bad Id" is not a valid rule id/,
    ],
    [
      'an unknown key in a rule',
      'rules:\n  - { id: x-rule, severity: low, title: t, match: { a: [b] }, when: 1 }\n',
      /at rules\[0\]: unknown key "when"/,
    ],
    ['an unknown exception kind', 'except: { users: [bob] }\n', /at except: unknown key "users"/],
    [
      'exceptions that are not lists of strings',
      'except: { principals: arn }\n',
      /at except\.principals: must be a list of strings/,
    ],
    [
      'an override that is not true/false',
      'overrides:\n  x: { enabled: "no" }\n',
      /at overrides\.x\.enabled: must be true or false/,
    ],
    ['duplicate keys', 'except: {}\nexcept: {}\n', /not valid YAML/],
  ];
  for (const [name, text, message] of invalid) {
    it(`rejects ${name}, naming the file and place`, () => {
      expect(() => parseRulesFile(text, 'bad.yaml')).toThrowError(RulesError);
      expect(() => parseRulesFile(text, 'bad.yaml')).toThrowError(message);
    });
  }
});
