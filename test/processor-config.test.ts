// The processor's environment: read once, every problem reported together, custom rules inline or bundled.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../functions/lib/errors.js';
import {
  booleanFlag,
  commaList,
  EnvReader,
  integer,
  InvalidValue,
  keyValueList,
  severity,
  snsTopicArn,
} from '../functions/lib/config.js';
import { loadProcessorConfig } from '../functions/processor/config.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const CUSTOM_RULES = `
rules:
  - id: snapshot-copied
    severity: medium
    title: DB snapshot copied
    match:
      eventSource: [rds.amazonaws.com]
      eventName: [CopyDBSnapshot]
`;

describe('loadProcessorConfig', () => {
  it('needs only ALERT_TOPIC_ARN; everything else has a default', () => {
    const config = loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC });
    expect(config).toMatchObject({
      alertTopicArn: TOPIC,
      minSeverity: 'low',
      eventsTopicArn: undefined,
      eventsMinSeverity: 'low',
      stormThreshold: 20,
      rulesSources: [],
      aws: { s3ForcePathStyle: false },
    });
    expect(config.ruleset.rules.map((r) => r.id)).toContain('rds-database-deleted');
    expect(config.ruleset.rules.every((r) => r.severity !== 'info')).toBe(true);
  });

  it('reads every setting', () => {
    const config = loadProcessorConfig({
      ALERT_TOPIC_ARN: TOPIC,
      ALERT_EVENTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:trailwatch-alert-events',
      MIN_SEVERITY: 'HIGH',
      ALERT_EVENTS_MIN_SEVERITY: 'medium',
      DISABLED_RULES: ' rds-failed-call , root-rds-activity,',
      SEVERITY_OVERRIDES: 'rds-database-deleted=critical,cloudtrail-trail-updated=high',
      ALERT_STORM_THRESHOLD: '5',
      RULES_YAML: CUSTOM_RULES,
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(config).toMatchObject({
      minSeverity: 'high',
      eventsMinSeverity: 'medium',
      stormThreshold: 5,
      rulesSources: ['RULES_YAML'],
      aws: { s3ForcePathStyle: true },
    });
    const ids = config.ruleset.rules.map((r) => r.id);
    expect(ids).toContain('snapshot-copied');
    expect(ids).not.toContain('rds-failed-call');
    expect(ids).not.toContain('root-rds-activity');
    expect(config.ruleset.rules.find((r) => r.id === 'rds-database-deleted')?.severity).toBe('critical');
    // Rules are evaluated down to the lower of the two floors; each topic applies its own.
    expect(config.ruleset.rules.some((r) => r.severity === 'medium')).toBe(true);
    expect(config.ruleset.rules.some((r) => r.severity === 'low')).toBe(false);
  });

  it('reads RULES_FILE relative to the function code, before RULES_YAML', () => {
    const read: string[] = [];
    const config = loadProcessorConfig(
      {
        ALERT_TOPIC_ARN: TOPIC,
        RULES_FILE: 'rules/trailwatch.yaml',
        RULES_YAML: 'overrides:\n  snapshot-copied:\n    severity: high\n',
        LAMBDA_TASK_ROOT: '/var/task',
      },
      {
        readFile: (file) => {
          read.push(file);
          return CUSTOM_RULES;
        },
      },
    );
    expect(read).toEqual(['/var/task/rules/trailwatch.yaml']);
    expect(config.rulesSources).toEqual(['RULES_FILE rules/trailwatch.yaml', 'RULES_YAML']);
    expect(config.ruleset.rules.find((r) => r.id === 'snapshot-copied')?.severity).toBe('high');
  });

  it('treats blank variables as unset (CloudFormation passes "" for an empty parameter)', () => {
    const config = loadProcessorConfig({
      ALERT_TOPIC_ARN: TOPIC,
      MIN_SEVERITY: '',
      ALERT_EVENTS_TOPIC_ARN: ' ',
      RULES_YAML: '',
      DISABLED_RULES: '',
    });
    expect(config).toMatchObject({ minSeverity: 'low', eventsTopicArn: undefined, rulesSources: [] });
  });

  it('lists every problem at once, by variable', () => {
    const error = configError(() =>
      loadProcessorConfig({
        MIN_SEVERITY: 'urgent',
        ALERT_STORM_THRESHOLD: '0',
        SEVERITY_OVERRIDES: 'rds-database-deleted',
        ALERT_EVENTS_TOPIC_ARN: 'trailwatch-alert-events',
        S3_FORCE_PATH_STYLE: 'maybe',
      }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.problems.map((p) => p.variable)).toEqual([
      'ALERT_TOPIC_ARN',
      'MIN_SEVERITY',
      'ALERT_EVENTS_TOPIC_ARN',
      'ALERT_STORM_THRESHOLD',
      'SEVERITY_OVERRIDES',
      'S3_FORCE_PATH_STYLE',
    ]);
    expect(error.message).toBe(
      [
        'trailwatch processor: invalid configuration (6 problems):',
        '  ALERT_TOPIC_ARN: required, not set (the SNS topic alerts are published to)',
        '  MIN_SEVERITY: must be one of info, low, medium, high, critical (got "urgent")',
        '  ALERT_EVENTS_TOPIC_ARN: must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<topic name> (got "trailwatch-alert-events")',
        '  ALERT_STORM_THRESHOLD: must be a whole number from 1 to 10000 (got "0")',
        '  SEVERITY_OVERRIDES: "rds-database-deleted" is not key=value (expected e.g. rule-id=high,other-rule=low) (got "rds-database-deleted")',
        '  S3_FORCE_PATH_STYLE: must be true or false (got "maybe")',
      ].join('\n'),
    );
  });

  it('rejects topic ARNs of other services or with a bad name', () => {
    for (const arn of [
      'arn:aws:sqs:us-east-1:123456789012:queue',
      'arn:aws:sns:us-east-1:123:topic',
      'arn:aws:sns:us-east-1:123456789012:my topic',
      'arn:aws:sns:us-east-1:123456789012:',
    ]) {
      expect(configError(() => loadProcessorConfig({ ALERT_TOPIC_ARN: arn })).problems[0]?.variable).toBe(
        'ALERT_TOPIC_ARN',
      );
    }
    for (const arn of [
      TOPIC,
      'arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts',
      'arn:aws-cn:sns:cn-north-1:123456789012:a_b-c',
      'arn:aws:sns:eu-west-1:123456789012:alerts.fifo',
    ]) {
      expect(loadProcessorConfig({ ALERT_TOPIC_ARN: arn }).alertTopicArn).toBe(arn);
    }
  });

  it('names the variable of an unknown rule id in DISABLED_RULES or SEVERITY_OVERRIDES', () => {
    const disabled = configError(() =>
      loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, DISABLED_RULES: 'rds-database-deletd' }),
    );
    expect(disabled.problems).toHaveLength(1);
    expect(disabled.problems[0]?.variable).toBe('DISABLED_RULES');
    expect(disabled.problems[0]?.message).toContain('no rule has the id "rds-database-deletd"');
    const overrides = configError(() =>
      loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, SEVERITY_OVERRIDES: 'nope=high' }),
    );
    expect(overrides.problems[0]?.variable).toBe('SEVERITY_OVERRIDES');
  });

  it('reports invalid custom rules under RULES_YAML / RULES_FILE with the place in them', () => {
    const yaml = configError(() =>
      loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, RULES_YAML: 'rules:\n  - id: x\n    severity: high\n' }),
    );
    expect(yaml.problems[0]).toMatchObject({ variable: 'RULES_YAML' });
    expect(yaml.problems[0]?.message).toContain('RULES_YAML at rules[0].id');
    const broken = configError(() => loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, RULES_YAML: 'rules: [' }));
    expect(broken.problems[0]?.message).toContain('not valid YAML/JSON');
    const missing = configError(() =>
      loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, RULES_FILE: 'rules.yaml' }, { taskRoot: '/nonexistent-task-root' }),
    );
    expect(missing.problems[0]).toEqual({
      variable: 'RULES_FILE',
      message:
        'cannot read /nonexistent-task-root/rules.yaml: no such file (paths are relative to the function code, LAMBDA_TASK_ROOT)',
    });
    const badPattern = configError(() =>
      loadProcessorConfig(
        { ALERT_TOPIC_ARN: TOPIC, RULES_FILE: 'r.yaml' },
        {
          taskRoot: '/t',
          readFile: () =>
            'rules:\n  - id: bad-one\n    severity: low\n    title: t\n    match: { eventName: DeleteDBInstance }\n',
        },
      ),
    );
    expect(badPattern.problems[0]?.variable).toBe('RULES_FILE');
    expect(badPattern.problems[0]?.message).toContain('RULES_FILE r.yaml');
  });

  it('refuses ALERT_EVENTS_MIN_SEVERITY without an events topic', () => {
    expect(
      configError(() => loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, ALERT_EVENTS_MIN_SEVERITY: 'info' })).problems[0]
        ?.variable,
    ).toBe('ALERT_EVENTS_MIN_SEVERITY');
  });
});

describe('config value parsers', () => {
  it('parse lists, key=value lists, integers, flags and severities', () => {
    expect(commaList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(keyValueList(severity)('a=HIGH, b = low')).toEqual({ a: 'high', b: 'low' });
    expect(() => keyValueList(severity)('a=high,a=low')).toThrow('"a" is given twice');
    expect(() => keyValueList(severity)('a=urgent')).toThrow('a: must be one of');
    expect(integer(1, 10)('7')).toBe(7);
    for (const bad of ['0', '11', '1.5', '-1', '1e1', 'seven']) expect(() => integer(1, 10)(bad)).toThrow(InvalidValue);
    expect(['TRUE', '1', 'yes'].map(booleanFlag)).toEqual([true, true, true]);
    expect(['false', '0', 'No'].map(booleanFlag)).toEqual([false, false, false]);
    expect(snsTopicArn(TOPIC)).toBe(TOPIC);
  });

  it('EnvReader passes on errors that are not about the value', () => {
    const reader = new EnvReader({ X: '1' }, 'test');
    expect(() =>
      reader.optional(
        'X',
        () => {
          throw new TypeError('a bug');
        },
        0,
      ),
    ).toThrow(TypeError);
    reader.finish();
  });
});
