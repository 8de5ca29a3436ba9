import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../shared/rules/builtin-rules.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { recordNeeds } from '../shared/rules/record-needs.js';
import { SEVERITIES, type RuleDefinition } from '../shared/rules/types.js';
import { CATEGORY_EVENT_SOURCES, classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { SELF_PROTECTION_EVENT_SOURCES } from '../shared/rules/builtin/self-protection.js';
import { classifyFixture, recordFixtureNames } from './record-fixtures.js';
import { EXAMPLE_STACK } from './self-protection-stack.js';
import { RDS_OPERATION_CASES } from './rules-rds-operations-cases.js';

// As the deployed processor compiles them: with the stack's resource names for trailwatch-tampered.
const ruleset = compileRuleset({ trailwatchResources: EXAMPLE_STACK });
const raised = (fixture: string) => ruleset.evaluate(classifyFixture(fixture)).map((rule) => rule.id);

/** For every built-in rule: the fixtures that must raise it, and fixtures that must not (near misses first). */
const CASES: Record<string, { raisedBy: string[]; notRaisedBy: string[] }> = {
  // Every change and near miss: test/rules-self-protection.test.ts.
  'trailwatch-tampered': {
    raisedBy: [
      'self-protection/delete-function',
      'self-protection/unsubscribe',
      'self-protection/put-bucket-notification',
    ],
    notRaisedBy: [
      'self-protection/update-function-configuration-other-function',
      'self-protection/put-function-concurrency-five',
      'delete-db-instance',
    ],
  },
  'rds-database-deleted': {
    raisedBy: ['delete-db-instance', 'delete-db-instance-failed', 'delete-db-cluster', 'root-delete-db-instance'],
    notRaisedBy: ['delete-db-snapshot', 'delete-db-instance-automated-backup', 'create-db-instance'],
  },
  'rdsdata-logging-excluded': {
    raisedBy: [
      'put-event-selectors-exclude-rdsdata',
      'put-event-selectors-exclude-rdsdata-failed',
      'put-event-selectors-management-off',
      'put-event-selectors-readonly-management',
      'put-event-selectors-advanced-exclude-rdsdata',
      'put-event-selectors-advanced-no-management',
      'put-event-selectors-advanced-readonly-management',
      'put-event-selectors-advanced-rdsdataapi-eventname-excluded',
      'put-event-selectors-advanced-rdsdataapi-readonly',
      'put-event-selectors-advanced-rdsdataapi-one-cluster',
    ],
    notRaisedBy: [
      'put-event-selectors-all-management',
      'put-event-selectors-exclude-kms',
      'put-event-selectors-advanced-exclude-kms',
      'put-event-selectors-advanced-rdsdataapi',
      'put-event-selectors-omitted',
      'stop-logging',
    ],
  },
  'rdsdataapi-events-not-selected': {
    raisedBy: [
      'put-event-selectors-all-management',
      'put-event-selectors-exclude-kms',
      'put-event-selectors-advanced-exclude-kms',
    ],
    notRaisedBy: [
      'put-event-selectors-advanced-rdsdataapi',
      'put-event-selectors-advanced-rdsdataapi-readonly',
      'put-event-selectors-exclude-rdsdata',
      'put-event-selectors-omitted',
      'create-trail',
    ],
  },
  'cloudtrail-selectors-unreadable': {
    raisedBy: ['put-event-selectors-omitted'],
    notRaisedBy: [
      'put-event-selectors-exclude-rdsdata',
      'put-event-selectors-all-management',
      'modify-db-instance-request-omitted',
    ],
  },
  'cloudtrail-logging-stopped': {
    raisedBy: ['stop-logging', 'stop-logging-failed', 'delete-trail'],
    notRaisedBy: ['start-logging', 'update-trail', 'get-trail-status'],
  },
  'cloudtrail-trail-updated': {
    raisedBy: ['update-trail'],
    notRaisedBy: ['create-trail', 'stop-logging', 'put-event-selectors-all-management'],
  },
  'rds-snapshot-public': {
    raisedBy: ['modify-db-snapshot-attribute-public', 'modify-db-cluster-snapshot-attribute-public'],
    notRaisedBy: [
      'modify-db-snapshot-attribute-shared',
      'modify-db-cluster-snapshot-attribute-shared',
      'modify-db-snapshot-attribute-unshare',
    ],
  },
  'rds-snapshot-shared': {
    raisedBy: ['modify-db-snapshot-attribute-shared', 'modify-db-cluster-snapshot-attribute-shared'],
    notRaisedBy: [
      'modify-db-snapshot-attribute-public',
      'modify-db-cluster-snapshot-attribute-public',
      'modify-db-snapshot-attribute-unshare',
    ],
  },
  'rds-public-access': {
    raisedBy: ['create-db-instance', 'modify-db-instance-public', 'restore-db-instance-from-db-snapshot-public'],
    notRaisedBy: [
      'assumed-role-modify-db-instance',
      'modify-db-instance-private',
      'restore-db-instance-from-db-snapshot-private',
      'create-db-instance-read-replica-cross-region',
      'create-db-instance-failed',
    ],
  },
  'rds-master-password-changed': {
    raisedBy: ['modify-db-instance-master-password', 'modify-db-cluster-master-password'],
    notRaisedBy: ['create-db-instance', 'create-db-instance-failed', 'assumed-role-modify-db-instance'],
  },
  'rds-failed-call': {
    raisedBy: ['delete-db-instance-failed', 'create-db-instance-failed', 'rdsdataapi-execute-statement-failed'],
    notRaisedBy: ['delete-db-instance', 'stop-logging-failed', 'put-event-selectors-exclude-rdsdata-failed'],
  },
  'root-rds-activity': {
    raisedBy: ['root-describe-db-instances', 'root-delete-db-instance', 'root-rdsdata-execute-statement'],
    notRaisedBy: ['delete-db-instance', 'rdsdata-execute-statement', 'aws-service-assume-role'],
  },
  'rds-deletion-protection-disabled': {
    raisedBy: ['modify-db-instance-deletion-protection-off'],
    notRaisedBy: ['modify-db-cluster-deletion-protection-on', 'assumed-role-modify-db-instance', 'delete-db-instance'],
  },
  'rds-backups-disabled': {
    raisedBy: ['modify-db-instance-backups-off'],
    notRaisedBy: ['modify-db-instance-backup-retention-14', 'assumed-role-modify-db-instance'],
  },
  'rds-automated-backup-deleted': {
    raisedBy: ['delete-db-instance-automated-backup'],
    notRaisedBy: ['delete-db-instance', 'delete-db-snapshot'],
  },
  'rds-snapshot-deleted': {
    raisedBy: ['delete-db-snapshot', 'delete-db-cluster-snapshot-by-aws-backup'],
    notRaisedBy: ['create-db-snapshot', 'delete-db-instance'],
  },
  'rds-snapshot-exported': {
    raisedBy: ['start-export-task'],
    notRaisedBy: ['create-db-snapshot', 'copy-db-snapshot-shared'],
  },
  'rds-activity-stream-stopped': {
    raisedBy: ['stop-activity-stream'],
    notRaisedBy: ['enable-http-endpoint', 'stop-logging'],
  },
  'rds-log-exports-disabled': {
    raisedBy: ['modify-db-instance-disable-log-exports'],
    notRaisedBy: ['modify-db-instance-enable-log-exports', 'create-db-instance'],
  },
  'rds-data-api-enabled': {
    raisedBy: ['enable-http-endpoint', 'modify-db-cluster-enable-http-endpoint'],
    notRaisedBy: ['modify-db-cluster-master-password', 'delete-db-cluster', 'rdsdataapi-execute-statement'],
  },
  'rds-iam-role-added': {
    raisedBy: ['add-role-to-db-cluster'],
    notRaisedBy: ['add-tags-to-resource'],
  },
  'rds-db-restored': {
    raisedBy: [
      'restore-db-instance-from-db-snapshot-public',
      'restore-db-instance-from-db-snapshot-private',
      'restore-db-instance-to-point-in-time',
    ],
    notRaisedBy: ['create-db-instance', 'copy-db-snapshot-shared'],
  },
  'cloudtrail-log-file-modified': {
    raisedBy: ['integrity-log-file-modified'],
    notRaisedBy: ['integrity-log-file-missing', 'integrity-digest-invalid'],
  },
  'cloudtrail-log-file-missing': {
    raisedBy: ['integrity-log-file-missing'],
    notRaisedBy: ['integrity-log-file-modified', 'integrity-log-file-deleted'],
  },
  'cloudtrail-digest-invalid': {
    raisedBy: ['integrity-digest-invalid'],
    notRaisedBy: ['integrity-digest-chain-broken', 'integrity-log-file-modified'],
  },
  'cloudtrail-digest-chain-broken': {
    raisedBy: ['integrity-digest-chain-broken'],
    notRaisedBy: ['integrity-digest-invalid', 'integrity-log-file-missing'],
  },
  'cloudtrail-log-file-deleted': {
    raisedBy: ['integrity-log-file-deleted'],
    notRaisedBy: ['integrity-log-file-expired', 'integrity-log-file-missing'],
  },
  'cloudtrail-bucket-protection-changed': {
    raisedBy: ['s3-put-bucket-policy', 's3-put-bucket-versioning-suspended', 's3-put-bucket-lifecycle-configuration'],
    notRaisedBy: ['s3-put-bucket-versioning-enabled', 's3-get-bucket-policy', 'stop-logging'],
  },
  ...RDS_OPERATION_CASES,
  'trailwatch-record-unreadable': {
    raisedBy: ['reader-record-too-large'],
    notRaisedBy: ['integrity-log-file-modified', 'delete-db-instance'],
  },
};

/**
 * Fixtures of trailwatch's own events (integrity findings, oversized records) and of S3 bucket calls, which only the
 * log-integrity and unreadable-record rules see.
 */
const LOG_INTEGRITY_FIXTURE = /^(integrity|s3|reader)-/;

const positives = Object.entries(CASES).flatMap(([id, c]) => c.raisedBy.map((fixture) => [id, fixture] as const));
const negatives = Object.entries(CASES).flatMap(([id, c]) => c.notRaisedBy.map((fixture) => [id, fixture] as const));

describe('built-in rules on CloudTrail records', () => {
  it.each(positives)('%s is raised by %s', (id, fixture) => {
    expect(raised(fixture)).toContain(id);
  });

  it.each(negatives)('%s is not raised by %s', (id, fixture) => {
    expect(raised(fixture)).not.toContain(id);
  });

  it('has positive and negative cases for every built-in rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(BUILTIN_RULES.map((r) => r.id).sort());
    for (const c of Object.values(CASES)) {
      expect(c.raisedBy.length).toBeGreaterThan(0);
      expect(c.notRaisedBy.length).toBeGreaterThan(0);
    }
  });

  it('raises nothing for records of other services or identity records', () => {
    const quiet = recordFixtureNames().filter(
      (name) => classifyFixture(name).facts.category === 'other' && !LOG_INTEGRITY_FIXTURE.test(name),
    );
    expect(quiet.length).toBeGreaterThan(5);
    for (const name of quiet) expect(raised(name), name).toEqual([]);
  });

  it('raises nothing on the Stratus Red Team corpus', () => {
    const dir = fileURLToPath(new URL('./fixtures/corpus/stratus-red-team/', import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      for (const record of JSON.parse(readFileSync(dir + file, 'utf8')) as CloudTrailRecord[]) {
        expect(ruleset.evaluate(classify(record)), file).toEqual([]);
      }
    }
  });
});

describe('built-in rule definitions', () => {
  it('include the rule ids of the public contract', () => {
    const ids = BUILTIN_RULES.map((r) => r.id);
    for (const id of [
      'rds-database-deleted',
      'rdsdata-logging-excluded',
      'cloudtrail-logging-stopped',
      'rds-snapshot-public',
      'rds-public-access',
      'rds-master-password-changed',
      'rds-failed-call',
      'root-rds-activity',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('have unique ids', () => {
    expect(new Set(BUILTIN_RULES.map((r) => r.id)).size).toBe(BUILTIN_RULES.length);
  });

  it('each constrain the top-level eventSource to exact values, so the reader can prefilter', () => {
    for (const rule of BUILTIN_RULES) {
      expect(recordNeeds(rule.match), rule.id).not.toBeNull();
    }
  });

  it("only need records from the eventSources the classifier categorises, those of trailwatch's own resources, and (log-integrity rules) S3 and trailwatch events", () => {
    // trailwatch.reader: records too large to classify (shared/scan/unreadable-record.ts).
    // The log-integrity rules (shared/rules/builtin/log-integrity.ts) read S3 bucket calls and trailwatch's own
    // integrity events: alerts, not index categories.
    const known = new Set<string>([
      ...Object.values(CATEGORY_EVENT_SOURCES).flat(),
      ...SELF_PROTECTION_EVENT_SOURCES,
      's3.amazonaws.com',
      'trailwatch.integrity',
      'trailwatch.reader',
    ]);
    expect([...(ruleset.eventSources ?? ['(any)'])].every((source) => known.has(source))).toBe(true);
  });

  it('each compile, patterns and exceptions: the engine compiles them only when a record first reaches them', () => {
    // Copies are not the shipped definitions, so the engine compiles them at once, as it does a rules file's.
    const copies = JSON.parse(JSON.stringify(BUILTIN_RULES)) as RuleDefinition[];
    const asFile = compileRuleset({
      builtins: false,
      files: [{ source: 'built-in copies', content: { rules: copies } }],
    });
    expect(asFile.rules.map((rule) => rule.id)).toEqual(BUILTIN_RULES.map((rule) => rule.id));
  });

  it('are plain data that survive a JSON round trip', () => {
    expect(JSON.parse(JSON.stringify(BUILTIN_RULES))).toEqual(BUILTIN_RULES);
  });

  it('each have a valid severity, a title, a description and next steps', () => {
    for (const rule of BUILTIN_RULES) {
      expect(SEVERITIES, rule.id).toContain(rule.severity);
      expect(rule.title.length, rule.id).toBeGreaterThan(0);
      expect(rule.description?.length, rule.id).toBeGreaterThan(0);
      expect(rule.nextSteps?.length, rule.id).toBeGreaterThan(0);
    }
  });
});
