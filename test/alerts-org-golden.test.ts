// Alerts of an organisation trail: the account's name (rules files' accounts section) beside its id in the email's
// opening line, its Account line and the subject; the JSON's accountName. Accounts the files do not name get
// exactly the text a single-account stack sends, so a stack given no accounts section changes nothing.
//
// Golden files in test/golden/email-org/; rewrite after an intended change with
//   UPDATE_GOLDEN=1 npx vitest run test/alerts-org-golden
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildAlert } from '../shared/alerts/alert.js';
import { buildSnsMessage } from '../functions/processor/sns-message.js';
import { classify } from '../shared/classify/index.js';
import { compileRuleset, type Ruleset } from '../shared/rules/engine.js';
import { parseRulesFile } from '../shared/rules/rules-file.js';
import { ORG_ID, ORG_RULES, PAYMENTS_PROD, recordInAccount, SANDBOX_ALICE, UNLISTED } from './org-fixtures.js';

const GOLDEN = fileURLToPath(new URL('./golden/email-org/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const org = compileRuleset({ files: [{ source: 'org.yaml', content: parseRulesFile(ORG_RULES, 'org.yaml') }] });
const plain = compileRuleset({});

function logFile(account: string): string {
  return `s3://example-org-trail-bucket/AWSLogs/${ORG_ID}/${account}/CloudTrail/us-east-1/2025/03/04/${account}_CloudTrail_us-east-1_20250304T0835Z_Ab12Cd34Ef56Gh78.json.gz`;
}

function message(ruleset: Ruleset, fixture: string, account: string, ruleId: string) {
  const record = recordInAccount(fixture, account);
  const event = classify(record);
  const rule = ruleset.evaluate(event).find((r) => r.id === ruleId);
  if (!rule) throw new Error(`${ruleId} not raised by ${fixture} in ${account}`);
  const alert = buildAlert(rule, event, { file: logFile(account), recordIndex: 3 });
  const sns = buildSnsMessage(alert, { raw: JSON.stringify(record) });
  const parsed = JSON.parse(sns.message) as { email: string; default: string };
  return {
    alert,
    subject: sns.subject,
    email: parsed.email,
    json: JSON.parse(parsed.default) as Record<string, unknown>,
  };
}

function expectGolden(name: string, actual: string): void {
  const path = GOLDEN + name;
  if (UPDATE) {
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/alerts-org-golden`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('alerts of an organisation trail', () => {
  it('name the account in the subject, the opening line and the Account line (golden)', () => {
    const { subject, email } = message(org, 'modify-db-instance-public', PAYMENTS_PROD, 'rds-public-access');
    expect(subject).toContain('(payments-prod us-east-1)');
    expect(email).toContain(`Account       ${PAYMENTS_PROD} (payments-prod)`);
    expectGolden('rds-public-access-payments-prod.subject.txt', `${subject}\n`);
    expectGolden('rds-public-access-payments-prod.txt', email);
  });

  it("carry the OU's severity for the account (golden)", () => {
    const { subject, email, alert } = message(org, 'modify-db-instance-public', SANDBOX_ALICE, 'rds-public-access');
    expect(alert.severity).toBe('low');
    expectGolden('rds-public-access-sandbox-alice.subject.txt', `${subject}\n`);
    expectGolden('rds-public-access-sandbox-alice.txt', email);
  });

  it('put accountName in the JSON beside account, null when the files do not name it', () => {
    expect(message(org, 'delete-db-instance', PAYMENTS_PROD, 'rds-database-deleted').json).toMatchObject({
      account: PAYMENTS_PROD,
      accountName: 'payments-prod',
    });
    expect(message(org, 'delete-db-instance', UNLISTED, 'rds-database-deleted').json).toMatchObject({
      account: UNLISTED,
      accountName: null,
    });
  });

  it('of an account the files do not name are the text a stack with no rules file sends', () => {
    for (const [fixture, rule] of [
      ['delete-db-instance', 'rds-database-deleted'],
      ['modify-db-instance-public', 'rds-public-access'],
    ] as const) {
      const withOrg = message(org, fixture, UNLISTED, rule);
      const without = message(plain, fixture, UNLISTED, rule);
      expect(withOrg.subject).toBe(without.subject);
      expect(withOrg.email).toBe(without.email);
    }
  });
});
