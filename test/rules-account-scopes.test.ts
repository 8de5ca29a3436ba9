// Per-account and per-OU rules (organisation trails): a record is judged by the profile of its account
// (recipientAccountId): the files' top-level settings, then its OUs' scopes, then its own scopes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClassifiedEvent } from '../shared/classify/types.js';
import { RulesError } from '../shared/errors.js';
import { compileRuleset, type Ruleset } from '../shared/rules/engine.js';
import { parseRulesFile } from '../shared/rules/rules-file.js';
import { SEVERITIES, type RuleOverride, type RulesFile, type Severity } from '../shared/rules/types.js';
import { eventInAccount, ORG_RULES, PAYMENTS_PROD, SANDBOX_ALICE, SANDBOX_BOB, UNLISTED } from './org-fixtures.js';

function orgRuleset(extra = '', options: Parameters<typeof compileRuleset>[0] = {}): Ruleset {
  return compileRuleset({
    files: [{ source: 'org.yaml', content: parseRulesFile(ORG_RULES + extra, 'org.yaml') }],
    ...options,
  });
}

/** rule id -> severity of what the event raises. */
function raised(ruleset: Ruleset, event: ClassifiedEvent): Record<string, Severity> {
  return Object.fromEntries(ruleset.evaluate(event).map((rule) => [rule.id, rule.severity]));
}

describe('OU and account scopes', () => {
  const ruleset = orgRuleset();

  it('exempts the accounts of an OU from a rule, and only them', () => {
    expect(raised(ruleset, eventInAccount('delete-db-instance', SANDBOX_ALICE))).not.toHaveProperty(
      'rds-database-deleted',
    );
    expect(raised(ruleset, eventInAccount('delete-db-instance', PAYMENTS_PROD))).toHaveProperty(
      'rds-database-deleted',
      'high',
    );
  });

  it('exempts a single account named by id, though it is in no OU', () => {
    expect(raised(ruleset, eventInAccount('delete-db-instance', SANDBOX_BOB))).not.toHaveProperty(
      'rds-database-deleted',
    );
  });

  it('gives a rule another severity in the accounts of an OU', () => {
    expect(raised(ruleset, eventInAccount('modify-db-instance-public', SANDBOX_ALICE))).toHaveProperty(
      'rds-public-access',
      'low',
    );
    expect(raised(ruleset, eventInAccount('modify-db-instance-public', PAYMENTS_PROD))).toHaveProperty(
      'rds-public-access',
      'critical',
    );
  });

  it('judges accounts the files do not mention by the top-level rules', () => {
    const plain = compileRuleset({});
    for (const fixture of ['delete-db-instance', 'modify-db-instance-public', 'stop-logging']) {
      const event = eventInAccount(fixture, UNLISTED);
      expect(raised(ruleset, event), fixture).toEqual(raised(plain, event));
    }
  });

  it("lets an account's own scope win over its OU's, wherever the file writes it", () => {
    const accountFirst = `
accounts:
  '${SANDBOX_ALICE}': { ou: Sandbox }
scopes:
  - accounts: ['${SANDBOX_ALICE}']
    overrides: { rds-public-access: { severity: medium } }
  - ous: [Sandbox]
    overrides: { rds-public-access: { severity: info } }
`;
    const rs = compileRuleset({ files: [{ source: 'org.yaml', content: parseRulesFile(accountFirst, 'org.yaml') }] });
    expect(raised(rs, eventInAccount('modify-db-instance-public', SANDBOX_ALICE))).toHaveProperty(
      'rds-public-access',
      'medium',
    );
  });

  it('matches on recipientAccountId, not on the account of the caller', () => {
    // A role of the production account deleting a database in a sandbox: the sandbox's rules apply.
    const event = eventInAccount('delete-db-instance', PAYMENTS_PROD);
    const crossAccount: ClassifiedEvent = { ...event, record: { ...event.record, recipientAccountId: SANDBOX_ALICE } };
    expect(raised(ruleset, crossAccount)).not.toHaveProperty('rds-database-deleted');
  });

  it('falls back to the caller account when a record has no recipientAccountId, as the alert does', () => {
    const event = eventInAccount('delete-db-instance', SANDBOX_ALICE);
    const { recipientAccountId: _, ...record } = event.record;
    expect(raised(ruleset, { ...event, record })).not.toHaveProperty('rds-database-deleted');
  });

  it("applies a scope's exceptions to its accounts only", () => {
    const rs = orgRuleset(`  - accounts: ['${PAYMENTS_PROD}']
    except: { principals: ['arn:aws:iam::*:role/Admin'] }
  - ous: [Production]
    overrides:
      rds-public-access: { except: { resources: [oradb] } }
`);
    expect(raised(rs, eventInAccount('delete-db-instance', PAYMENTS_PROD))).toEqual({});
    expect(raised(rs, eventInAccount('delete-db-instance', UNLISTED))).toHaveProperty('rds-database-deleted');
  });

  it("applies a scope override's exceptions to that rule only", () => {
    const rs = orgRuleset(`  - ous: [Production]
    overrides:
      rds-database-deleted: { except: { resources: ['oradb*'] } }
`);
    const deleted = eventInAccount('delete-db-instance', PAYMENTS_PROD);
    expect(raised(rs, deleted)).not.toHaveProperty('rds-database-deleted');
    expect(Object.keys(raised(rs, deleted)).length).toBe(Object.keys(raised(orgRuleset(), deleted)).length - 1);
  });

  it('turns a rule on for some accounts that the top level turned off, and reads the records it needs', () => {
    const rs = orgRuleset(`  - accounts: ['${PAYMENTS_PROD}']
    overrides: { cloudtrail-logging-stopped: { enabled: true } }
overrides:
  cloudtrail-logging-stopped: { enabled: false }
`);
    expect(raised(rs, eventInAccount('stop-logging', PAYMENTS_PROD))).toHaveProperty('cloudtrail-logging-stopped');
    expect(raised(rs, eventInAccount('stop-logging', UNLISTED))).not.toHaveProperty('cloudtrail-logging-stopped');
    expect(rs.rules.map((r) => r.id)).not.toContain('cloudtrail-logging-stopped');
    expect(rs.eventSources?.has('cloudtrail.amazonaws.com')).toBe(true);
  });

  it('keeps a rule switched off by DISABLED_RULES off in every account, whatever a scope says', () => {
    const rs = orgRuleset(
      `  - accounts: ['${PAYMENTS_PROD}']\n    overrides: { rds-database-deleted: { enabled: true } }\n`,
      { disabled: ['rds-database-deleted'] },
    );
    expect(raised(rs, eventInAccount('delete-db-instance', PAYMENTS_PROD))).not.toHaveProperty('rds-database-deleted');
  });

  it('lets a scope lift a rule above the minimum severity in its accounts, or drop it below', () => {
    const rs = orgRuleset('', { minSeverity: 'high' });
    expect(raised(rs, eventInAccount('modify-db-instance-public', PAYMENTS_PROD))).toHaveProperty(
      'rds-public-access',
      'critical',
    );
    expect(raised(rs, eventInAccount('modify-db-instance-public', SANDBOX_ALICE))).not.toHaveProperty(
      'rds-public-access',
    );
  });

  it('names the account on the rules it raises when the accounts section gives a name', () => {
    expect(ruleset.evaluate(eventInAccount('modify-db-instance-public', PAYMENTS_PROD))[0]?.accountName).toBe(
      'payments-prod',
    );
    expect(ruleset.evaluate(eventInAccount('modify-db-instance-public', UNLISTED))[0]).not.toHaveProperty(
      'accountName',
    );
  });

  it('takes OU membership from any file: accounts in RULES_FILE, scopes in RULES_YAML', () => {
    const rs = compileRuleset({
      files: [
        {
          source: 'RULES_FILE org.yaml',
          content: parseRulesFile(`accounts: { '${SANDBOX_ALICE}': { ou: Sandbox } }`, 'a'),
        },
        {
          source: 'RULES_YAML',
          content: parseRulesFile(
            '{"scopes":[{"ous":["Sandbox"],"overrides":{"rds-database-deleted":{"enabled":false}}}]}',
            'b',
          ),
        },
      ],
    });
    expect(raised(rs, eventInAccount('delete-db-instance', SANDBOX_ALICE))).not.toHaveProperty('rds-database-deleted');
  });
});

describe('mistakes found when the rules are compiled', () => {
  function compileError(text: string): RulesError {
    try {
      compileRuleset({ files: [{ source: 'org.yaml', content: parseRulesFile(text, 'org.yaml') }] });
    } catch (error) {
      if (error instanceof RulesError) return error;
      throw error;
    }
    throw new Error('compiled without error');
  }

  it('refuses an OU scope for an OU no account is in (a typo would exempt nobody), naming the known OUs', () => {
    const error = compileError(`${ORG_RULES}  - ous: [Sandbx]\n    except: { awsServices: true }\n`);
    expect(error.path).toBe('scopes[3].ous[0]');
    expect(error.message).toMatch(
      /^org\.yaml at scopes\[3\]\.ous\[0\]: no account .* is in OU "Sandbx" \(known: Production, Sandbox, Sandbox\/Teams\)/,
    );
  });

  it('refuses an override of an unknown rule in a scope', () => {
    const error = compileError(
      `${ORG_RULES}  - ous: [Sandbox]\n    overrides: { rds-db-deleted: { enabled: false } }\n`,
    );
    expect(error.path).toBe('scopes[3].overrides.rds-db-deleted');
    expect(error.message).toMatch(/no rule has the id "rds-db-deleted"/);
  });

  it('refuses a bad exception pattern in a scope, with its place', () => {
    const error = compileError(
      `${ORG_RULES}  - ous: [Sandbox]\n    except: { patterns: [{ eventName: DeleteDBInstance }] }\n`,
    );
    expect(error.path).toMatch(/^scopes\[3\]\.except\.patterns\[0\]/);
  });
});

describe("a record is judged as if its account's scopes were the top-level overrides", () => {
  const RULES = ['rds-database-deleted', 'rds-public-access', 'rds-failed-call', 'cloudtrail-logging-stopped'];
  const ACCOUNTS = [PAYMENTS_PROD, SANDBOX_ALICE, SANDBOX_BOB, UNLISTED];
  const OUS = ['Production', 'Sandbox', 'Dev'];
  const FIXTURES = ['delete-db-instance', 'delete-db-instance-failed', 'modify-db-instance-public', 'stop-logging'];
  const override = fc.record(
    { enabled: fc.boolean(), severity: fc.constantFrom(...SEVERITIES) },
    { requiredKeys: [] },
  ) as fc.Arbitrary<RuleOverride>;
  const overrides = fc.dictionary(fc.constantFrom(...RULES), override, { minKeys: 1, maxKeys: 3 });
  const scope = fc.oneof(
    fc.record({ accounts: fc.subarray(ACCOUNTS, { minLength: 1 }), overrides }),
    fc.record({ ous: fc.subarray(OUS, { minLength: 1 }), overrides }),
  );
  const membership = fc.record({
    [PAYMENTS_PROD]: fc.subarray(OUS),
    [SANDBOX_ALICE]: fc.subarray(OUS),
    [SANDBOX_BOB]: fc.subarray(OUS),
  });

  it('for any accounts section and scopes', () => {
    fc.assert(
      fc.property(
        membership,
        fc.array(scope, { maxLength: 5 }),
        overrides,
        fc.constantFrom(...SEVERITIES),
        (ous, scopes, top, min) => {
          const accounts = Object.fromEntries(
            Object.entries(ous).map(([id, list]) => [id, { name: `n${id}`, ...(list.length ? { ous: list } : {}) }]),
          );
          // OU scopes may only name OUs some account is in; others are a mistake (tested above).
          const known = new Set(Object.values(ous).flat());
          const usable = scopes.filter((s) => !('ous' in s) || s.ous.every((ou) => known.has(ou)));
          const file: RulesFile = { accounts, scopes: usable, overrides: top };
          const org = compileRuleset({ files: [{ source: 'org', content: file }], minSeverity: min });
          for (const account of ACCOUNTS) {
            const mine = new Set((ous as Record<string, string[]>)[account] ?? []);
            const applying = [
              ...usable.filter((s) => 'ous' in s && s.ous.some((ou) => mine.has(ou))),
              ...usable.filter((s) => 'accounts' in s && s.accounts.includes(account)),
            ];
            const flat: RulesFile = { overrides: { ...top } };
            for (const s of applying) {
              for (const [id, o] of Object.entries(s.overrides)) flat.overrides![id] = { ...flat.overrides![id], ...o };
            }
            const single = compileRuleset({ files: [{ source: 'flat', content: flat }], minSeverity: min });
            for (const fixture of FIXTURES) {
              const event = eventInAccount(fixture, account);
              expect(raised(org, event), `${account} ${fixture}`).toEqual(raised(single, event));
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
