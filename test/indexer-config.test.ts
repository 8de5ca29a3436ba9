// The indexer's environment: what it requires, its defaults, and every problem reported at once.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../functions/lib/errors.js';
import { loadIndexerConfig } from '../functions/indexer/config.js';
import { BUILTIN_RULES } from '../shared/rules/builtin-rules.js';

const GROUP = '/trailwatch/trailwatch/cloudtrail';

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('indexer config', () => {
  it('needs only the log group; indexes RDS, Data API and CloudTrail configuration events with every rule by default', () => {
    const config = loadIndexerConfig({ INDEX_LOG_GROUP: GROUP });
    expect(config).toMatchObject({
      logGroupName: GROUP,
      scope: 'rds',
      retentionDays: null,
      rulesSources: [],
      aws: { s3ForcePathStyle: false },
    });
    // Info-level rules too: the index records every rule an event raised, not what the processor publishes.
    expect(config.ruleset.rules.map((r) => r.id).sort()).toEqual(BUILTIN_RULES.map((r) => r.id).sort());
  });

  it('reads the scope, the retention and the processor rule options', () => {
    const config = loadIndexerConfig({
      INDEX_LOG_GROUP: GROUP,
      INDEX_SCOPE: 'ALL',
      INDEX_RETENTION_DAYS: '7',
      DISABLED_RULES: 'rds-failed-call',
      SEVERITY_OVERRIDES: 'rds-db-restored=high',
      RULES_YAML:
        'rules:\n  - id: my-rule\n    severity: low\n    title: Mine\n    match: { eventSource: [ec2.amazonaws.com] }\n',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(config).toMatchObject({
      scope: 'all',
      retentionDays: 7,
      rulesSources: ['RULES_YAML'],
      aws: { s3ForcePathStyle: true },
    });
    const ids = config.ruleset.rules.map((r) => r.id);
    expect(ids).toContain('my-rule');
    expect(ids).not.toContain('rds-failed-call');
    expect(config.ruleset.rules.find((r) => r.id === 'rds-db-restored')?.severity).toBe('high');
  });

  it('reports every problem at once', () => {
    const error = configError(() =>
      loadIndexerConfig({
        INDEX_SCOPE: 'some',
        INDEX_RETENTION_DAYS: '0',
        DISABLED_RULES: 'no-such-rule',
        S3_FORCE_PATH_STYLE: 'maybe',
      }),
    );
    expect(error.problems.map((p) => p.variable)).toEqual([
      'INDEX_LOG_GROUP',
      'INDEX_SCOPE',
      'INDEX_RETENTION_DAYS',
      'S3_FORCE_PATH_STYLE',
      'DISABLED_RULES',
    ]);
    expect(error.message).toContain('trailwatch indexer: invalid configuration (5 problems)');
    expect(error.message).toContain('INDEX_LOG_GROUP: required, not set');
    expect(error.message).toContain(
      'INDEX_SCOPE: must be rds (RDS, Data API and CloudTrail configuration events) or all (every event)',
    );
    expect(error.problems.at(-1)?.message).toContain('no-such-rule');
  });

  it('accepts only valid log group names (1-512 of letters, digits, . - _ / #)', () => {
    for (const name of ['/aws/lambda/x', 'a', 'trail#watch.index-1_2', 'x'.repeat(512)])
      expect(loadIndexerConfig({ INDEX_LOG_GROUP: name }).logGroupName).toBe(name);
    for (const name of ['has space', 'arn:aws:logs:us-east-1:123456789012:log-group:x', 'x'.repeat(513), 'é']) {
      expect(configError(() => loadIndexerConfig({ INDEX_LOG_GROUP: name })).problems[0]?.variable).toBe(
        'INDEX_LOG_GROUP',
      );
    }
  });

  it('takes retention days from 1 to 3653', () => {
    expect(loadIndexerConfig({ INDEX_LOG_GROUP: GROUP, INDEX_RETENTION_DAYS: '3653' }).retentionDays).toBe(3653);
    for (const days of ['0', '3654', '7.5', 'a week']) {
      expect(
        configError(() => loadIndexerConfig({ INDEX_LOG_GROUP: GROUP, INDEX_RETENTION_DAYS: days })).problems[0]
          ?.variable,
      ).toBe('INDEX_RETENTION_DAYS');
    }
  });
});
