// Golden files: the email (and subject) of each built-in rule, from the rule's own fixture record, and of a
// summary alert. They are what people get in their inbox, so read them when they change.
//
// To rewrite them after an intended change:   UPDATE_GOLDEN=1 npx vitest run test/alerts-golden
// then review the diff (git diff test/golden/) as you would review the emails themselves.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../shared/rules/builtin-rules.js';
import { buildSnsMessage } from '../functions/processor/sns-message.js';
import { AlertCollector, isSummaryAlert } from '../shared/alerts/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { loadRecord } from './record-fixtures.js';
import { alertFor, eventIdNumber, fixtureAlert, timePlus } from './alerts-fixtures.js';
import { RDS_OPERATION_GOLDEN } from './rules-rds-operations-cases.js';

const GOLDEN = fileURLToPath(new URL('./golden/email/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** For each built-in rule, the fixture record whose alert the golden email shows. */
const GOLDEN_FIXTURES: Record<string, string> = {
  'rds-database-deleted': 'delete-db-instance',
  'rdsdata-logging-excluded': 'put-event-selectors-exclude-rdsdata',
  'rdsdataapi-events-not-selected': 'put-event-selectors-all-management',
  'cloudtrail-selectors-unreadable': 'put-event-selectors-omitted',
  'cloudtrail-logging-stopped': 'stop-logging',
  'cloudtrail-trail-updated': 'update-trail',
  'rds-snapshot-public': 'modify-db-snapshot-attribute-public',
  'rds-snapshot-shared': 'modify-db-snapshot-attribute-shared',
  'rds-public-access': 'modify-db-instance-public',
  'rds-master-password-changed': 'modify-db-instance-master-password',
  'rds-failed-call': 'delete-db-instance-failed',
  'root-rds-activity': 'root-delete-db-instance',
  'rds-deletion-protection-disabled': 'modify-db-instance-deletion-protection-off',
  'rds-backups-disabled': 'modify-db-instance-backups-off',
  'rds-automated-backup-deleted': 'delete-db-instance-automated-backup',
  'rds-snapshot-deleted': 'delete-db-cluster-snapshot-by-aws-backup',
  'rds-snapshot-exported': 'start-export-task',
  'rds-activity-stream-stopped': 'stop-activity-stream',
  'rds-log-exports-disabled': 'modify-db-instance-disable-log-exports',
  'rds-data-api-enabled': 'enable-http-endpoint',
  'rds-iam-role-added': 'add-role-to-db-cluster',
  'rds-db-restored': 'restore-db-instance-from-db-snapshot-public',
  'cloudtrail-log-file-modified': 'integrity-log-file-modified',
  'cloudtrail-log-file-missing': 'integrity-log-file-missing',
  'cloudtrail-digest-invalid': 'integrity-digest-invalid',
  'cloudtrail-digest-chain-broken': 'integrity-digest-chain-broken',
  'cloudtrail-log-file-deleted': 'integrity-log-file-deleted',
  'cloudtrail-bucket-protection-changed': 's3-put-bucket-versioning-suspended',
  'trailwatch-tampered': 'self-protection/update-function-configuration',
  ...RDS_OPERATION_GOLDEN,
  'trailwatch-record-unreadable': 'reader-record-too-large',
};

function expectGolden(name: string, actual: string): void {
  const path = GOLDEN + name;
  if (UPDATE) {
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/alerts-golden`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

function emailOf(message: { message: string }): string {
  const parsed: { email: string } = JSON.parse(message.message);
  return parsed.email;
}

/** A script retrying failed calls: 57 failed RDS / Data API calls in one file, two callers, four databases. */
function failedCallStorm(): Array<{ record: CloudTrailRecord; index: number }> {
  const deletion = loadRecord('delete-db-instance-failed');
  const statement = loadRecord('rdsdataapi-execute-statement-failed');
  const databases = ['orders-prod', 'orders-replica-1', 'billing-prod', 'orders-prod'];
  return Array.from({ length: 57 }, (_, i) => {
    const base = i % 3 === 2 ? statement : deletion;
    const record: CloudTrailRecord = {
      ...base,
      eventID: eventIdNumber(i + 1),
      eventTime: timePlus('2025-03-04T08:02:40Z', i * 7),
    };
    if (base === deletion)
      record.requestParameters = { dBInstanceIdentifier: databases[i % databases.length] ?? 'orders-prod' };
    return { record, index: 100 + i };
  });
}

describe('golden emails', () => {
  it('cover every built-in rule', () => {
    expect(Object.keys(GOLDEN_FIXTURES).sort()).toEqual(BUILTIN_RULES.map((rule) => rule.id).sort());
  });

  it.each(Object.entries(GOLDEN_FIXTURES))('%s from %s', (ruleId, fixture) => {
    const { alert, raw } = fixtureAlert(fixture, ruleId);
    const message = buildSnsMessage(alert, { raw });
    expectGolden(`${ruleId}.subject.txt`, `${message.subject}\n`);
    expectGolden(`${ruleId}.txt`, emailOf(message));
  });

  it('summary of an alert storm (57 failed calls in one file)', () => {
    const collector = new AlertCollector();
    for (const { record, index } of failedCallStorm()) {
      const { alert, raw } = alertFor(record, 'rds-failed-call', index);
      collector.add(alert, raw);
    }
    const [only, ...rest] = collector.drain();
    expect(rest).toEqual([]);
    if (!only || !isSummaryAlert(only.alert)) throw new Error('expected one summary alert');
    const message = buildSnsMessage(only.alert);
    expectGolden('summary-rds-failed-call.subject.txt', `${message.subject}\n`);
    expectGolden('summary-rds-failed-call.txt', emailOf(message));
  });
});
