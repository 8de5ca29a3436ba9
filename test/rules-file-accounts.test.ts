// The organisation sections of a rules file: `accounts` (id -> name and OUs) and `scopes` (overrides and exceptions
// for some accounts or OUs). Every mistake is refused with the file, the place and what is wrong.
import { describe, expect, it } from 'vitest';
import { RulesError } from '../shared/errors.js';
import { parseRulesFile } from '../shared/rules/rules-file.js';
import { ORG_RULES, PAYMENTS_PROD, SANDBOX_ALICE, SANDBOX_BOB } from './org-fixtures.js';

describe('the accounts section', () => {
  it('reads names and OUs, a single OU or a list, and a bare name as shorthand', () => {
    expect(parseRulesFile(ORG_RULES, 'org.yaml').accounts).toEqual({
      [PAYMENTS_PROD]: { name: 'payments-prod', ous: ['Production'] },
      [SANDBOX_ALICE]: { name: 'sandbox-alice', ous: ['Sandbox', 'Sandbox/Teams'] },
      [SANDBOX_BOB]: { name: 'sandbox-bob' },
    });
  });

  it('takes unquoted 12-digit ids, which YAML reads as numbers, as the same ids', () => {
    expect(parseRulesFile('accounts:\n  111122223333: prod\n', 'org.yaml').accounts).toEqual({
      '111122223333': { name: 'prod' },
    });
  });

  it('reads JSON too (the CustomRules parameter is one line of it)', () => {
    const file = parseRulesFile(
      '{"accounts":{"111122223333":{"ou":"Production"}},"scopes":[{"ous":["Production"],"except":{"invokedBy":["cloudformation.amazonaws.com"]}}]}',
      'RULES_YAML',
    );
    expect(file.accounts).toEqual({ '111122223333': { ous: ['Production'] } });
    expect(file.scopes).toEqual([{ ous: ['Production'], except: { invokedBy: ['cloudformation.amazonaws.com'] } }]);
  });
});

describe('the scopes section', () => {
  it('reads account and OU scopes in file order, with overrides and exceptions', () => {
    const file = parseRulesFile(
      `${ORG_RULES}  - accounts: [${PAYMENTS_PROD}]\n    except: { principals: ['arn:aws:iam::${PAYMENTS_PROD}:role/dba'] }\n`,
      'org.yaml',
    );
    expect(file.scopes).toEqual([
      {
        ous: ['Sandbox'],
        overrides: { 'rds-database-deleted': { enabled: false }, 'rds-public-access': { severity: 'low' } },
      },
      { accounts: [SANDBOX_BOB], overrides: { 'rds-database-deleted': { enabled: false } } },
      { ous: ['Production'], overrides: { 'rds-public-access': { severity: 'critical' } } },
      { accounts: [PAYMENTS_PROD], except: { principals: [`arn:aws:iam::${PAYMENTS_PROD}:role/dba`] } },
    ]);
  });
});

const invalid: Array<[string, string, string, RegExp]> = [
  ['accounts that are a list', 'accounts: [111122223333]\n', 'accounts', /expected a mapping/],
  [
    'an account id that is not 12 digits',
    'accounts:\n  "1111": prod\n',
    'accounts.1111',
    /"1111" is not an AWS account id \(12 digits; quote account ids/,
  ],
  [
    'an unquoted id starting with 0, which YAML reads as an 11-digit number',
    'accounts:\n  012345678901: prod\n',
    'accounts.12345678901',
    /"12345678901" is not an AWS account id .*starts with 0/,
  ],
  ['an account with an empty name', 'accounts:\n  "111122223333": ""\n', 'accounts.111122223333', /non-empty/],
  [
    'an account entry that says nothing',
    'accounts:\n  "111122223333": {}\n',
    'accounts.111122223333',
    /says nothing about the account/,
  ],
  [
    'an unknown key in an account (a typo of ou)',
    'accounts:\n  "111122223333": { name: prod, ous: [Production] }\n',
    'accounts.111122223333',
    /unknown key "ous" \(allowed: name, ou\)/,
  ],
  [
    'an ou that is neither a name nor a list',
    'accounts:\n  "111122223333": { ou: { id: ou-ab12-cdef3456 } }\n',
    'accounts.111122223333.ou',
    /must be a list of strings/,
  ],
  ['scopes that are not a list', 'scopes: { ous: [Sandbox] }\n', 'scopes', /must be a list of scopes/],
  [
    'a scope for no accounts',
    'scopes:\n  - overrides: { rds-failed-call: { enabled: false } }\n',
    'scopes[0]',
    /names no accounts and no ous/,
  ],
  [
    'a scope for both accounts and OUs',
    'scopes:\n  - { accounts: ["111122223333"], ous: [Sandbox], except: { awsServices: true } }\n',
    'scopes[0]',
    /names both accounts and ous: write one scope for each/,
  ],
  [
    'a scope that changes nothing',
    'scopes:\n  - { accounts: ["111122223333"] }\n',
    'scopes[0]',
    /has no overrides and no except/,
  ],
  [
    'an account in a scope that is a name, not an id',
    'scopes:\n  - { accounts: [payments-prod], except: { awsServices: true } }\n',
    'scopes[0].accounts[0]',
    /"payments-prod" is not an AWS account id/,
  ],
  [
    'an empty accounts list in a scope',
    'scopes:\n  - { accounts: [], except: { awsServices: true } }\n',
    'scopes[0].accounts',
    /must be a non-empty list of 12-digit account ids/,
  ],
  ['an empty ous list', 'scopes:\n  - { ous: [], except: { awsServices: true } }\n', 'scopes[0].ous', /at least one/],
  [
    'an unknown key in a scope',
    'scopes:\n  - { ous: [Sandbox], disable: [rds-failed-call] }\n',
    'scopes[0]',
    /unknown key "disable"/,
  ],
  [
    'a bad severity in a scope override',
    'scopes:\n  - { ous: [Sandbox], overrides: { rds-failed-call: { severity: urgent } } }\n',
    'scopes[0].overrides.rds-failed-call.severity',
    /"urgent" is not a severity/,
  ],
  [
    'a bad exception in a scope',
    'scopes:\n  - { ous: [Sandbox], except: { principals: arn } }\n',
    'scopes[0].except.principals',
    /must be a list of strings/,
  ],
];

describe('mistakes in the organisation sections', () => {
  for (const [name, text, path, message] of invalid) {
    it(`refuses ${name}, naming the file and ${path}`, () => {
      let error: unknown;
      try {
        parseRulesFile(text, 'org.yaml');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(RulesError);
      expect((error as RulesError).source).toBe('org.yaml');
      expect((error as RulesError).path).toBe(path);
      expect((error as RulesError).message).toMatch(message);
      expect((error as RulesError).message.startsWith(`org.yaml at ${path}: `)).toBe(true);
    });
  }
});
