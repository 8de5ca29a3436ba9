import { describe, expect, it } from 'vitest';
import { compileRuleset } from '../shared/rules/engine.js';
import { parseRulesFile } from '../shared/rules/rules-file.js';
import { RulesError } from '../shared/errors.js';
import type { ClassifiedEvent, EventFacts } from '../shared/classify/types.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';

const deleteRule = `
rules:
  - id: db-deleted
    severity: high
    title: Database deleted
    match:
      eventSource: [rds.amazonaws.com]
      eventName: [DeleteDBInstance, DeleteDBCluster]
    nextSteps: [Check who asked for it]
  - id: trail-stopped
    severity: critical
    title: Trail stopped
    match:
      eventSource: [cloudtrail.amazonaws.com]
      eventName: [StopLogging]
  - id: root-anything
    severity: low
    title: Root did something
    match:
      eventSource: [rds.amazonaws.com]
      trailwatch:
        principal:
          isRoot: [true]
`;

function event(overrides: Partial<CloudTrailRecord> = {}, facts: Partial<EventFacts> = {}): ClassifiedEvent {
  const record: CloudTrailRecord = {
    eventSource: 'rds.amazonaws.com',
    eventName: 'DeleteDBInstance',
    eventTime: '2026-11-20T10:00:00Z',
    ...overrides,
  };
  return {
    record,
    facts: {
      category: 'rds',
      principal: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::123456789012:assumed-role/Deployer/ci-42',
        roleArn: 'arn:aws:iam::123456789012:role/Deployer',
        name: 'Deployer',
        sessionName: 'ci-42',
        isRoot: false,
        isAwsService: false,
      },
      resources: [{ kind: 'db-instance', id: 'test-db-1', arn: 'arn:aws:rds:us-east-1:123456789012:db:test-db-1' }],
      failed: false,
      ...facts,
    },
  };
}

function ruleset(extra = '', options: Parameters<typeof compileRuleset>[0] = {}) {
  return compileRuleset({
    builtins: false,
    files: [{ source: 'rules.yaml', content: parseRulesFile(deleteRule + extra, 'rules.yaml') }],
    ...options,
  });
}

const ids = (rs: ReturnType<typeof ruleset>, e: ClassifiedEvent) => rs.evaluate(e).map((r) => r.id);

describe('rule evaluation', () => {
  it('raises every rule whose pattern matches the record', () => {
    expect(ids(ruleset(), event())).toEqual(['db-deleted']);
  });

  it('matches derived facts under the trailwatch key', () => {
    const root = event({}, { principal: { type: 'Root', isRoot: true, isAwsService: false } });
    expect(ids(ruleset(), root)).toEqual(['db-deleted', 'root-anything']);
  });

  it('carries the rule metadata into the hit', () => {
    const [hit] = ruleset().evaluate(event());
    expect(hit).toMatchObject({
      id: 'db-deleted',
      severity: 'high',
      title: 'Database deleted',
      nextSteps: ['Check who asked for it'],
      builtin: false,
    });
  });
});

describe('overrides and options', () => {
  it('turns a rule off from the rules file', () => {
    expect(ids(ruleset('overrides:\n  db-deleted: { enabled: false }\n'), event())).toEqual([]);
  });

  it('turns a rule off from the disabled list', () => {
    expect(ids(ruleset('', { disabled: ['db-deleted'] }), event())).toEqual([]);
  });

  it('changes a severity from the rules file and from options, options last', () => {
    expect(ruleset('overrides:\n  db-deleted: { severity: critical }\n').evaluate(event())[0]?.severity).toBe(
      'critical',
    );
    expect(
      ruleset('overrides:\n  db-deleted: { severity: critical }\n', {
        severities: { 'db-deleted': 'medium' },
      }).evaluate(event())[0]?.severity,
    ).toBe('medium');
  });

  it('drops rules below the minimum severity', () => {
    const root = event({}, { principal: { type: 'Root', isRoot: true, isAwsService: false } });
    expect(ids(ruleset('', { minSeverity: 'medium' }), root)).toEqual(['db-deleted']);
  });

  it('rejects overrides, disables and severities for unknown rule ids, to catch typos', () => {
    expect(() => ruleset('overrides:\n  db-delted: { enabled: false }\n')).toThrowError(
      /overrides\.db-delted: no rule has the id "db-delted"/,
    );
    expect(() => ruleset('', { disabled: ['nope'] })).toThrowError(RulesError);
    expect(() => ruleset('', { severities: { nope: 'high' } })).toThrowError(/no rule has the id "nope"/);
  });

  it('rejects a custom rule that reuses an existing id', () => {
    const again =
      '  - id: db-deleted\n    severity: low\n    title: again\n    match: { eventSource: [rds.amazonaws.com] }\n';
    expect(() => ruleset(again)).toThrowError(
      /rule "db-deleted" is already defined in rules.yaml; to change it, use overrides.db-deleted/,
    );
  });

  it('reports a bad pattern in a rules file with the file and path', () => {
    const bad = '  - id: bad-rule\n    severity: low\n    title: bad\n    match: { eventName: DeleteDBInstance }\n';
    expect(() => ruleset(bad)).toThrowError(/rules.yaml at rules\[3\]\.match\.eventName: expected an array/);
  });
});

describe('exceptions', () => {
  it('silences a rule for principal ARN patterns, also matching the role ARN of an assumed role', () => {
    expect(
      ids(ruleset('overrides:\n  db-deleted: { except: { principals: ["arn:aws:iam::*:role/Deployer"] } }\n'), event()),
    ).toEqual([]);
    expect(
      ids(ruleset('overrides:\n  db-deleted: { except: { principals: ["arn:aws:iam::*:role/Other"] } }\n'), event()),
    ).toEqual(['db-deleted']);
  });

  it('silences a rule for calls invoked by a listed service', () => {
    const viaCfn = event(
      {},
      {
        principal: {
          type: 'AssumedRole',
          invokedBy: 'cloudformation.amazonaws.com',
          isRoot: false,
          isAwsService: false,
        },
      },
    );
    expect(ids(ruleset('except: { invokedBy: [cloudformation.amazonaws.com] }\n'), viaCfn)).toEqual([]);
    expect(ids(ruleset('except: { invokedBy: [cloudformation.amazonaws.com] }\n'), event())).toEqual(['db-deleted']);
  });

  it('silences a rule for AWS service principals when asked', () => {
    const service = event(
      {},
      { principal: { type: 'AWSService', name: 'rds.amazonaws.com', isRoot: false, isAwsService: true } },
    );
    expect(ids(ruleset('except: { awsServices: true }\n'), service)).toEqual([]);
    expect(ids(ruleset(), service)).toEqual(['db-deleted']);
  });

  it('silences a rule only when every resource the event names matches a resource pattern', () => {
    const except = 'overrides:\n  db-deleted: { except: { resources: ["test-*"] } }\n';
    expect(ids(ruleset(except), event())).toEqual([]);
    const mixed = event(
      {},
      {
        resources: [
          { kind: 'db-instance', id: 'test-db-1' },
          { kind: 'db-snapshot', id: 'prod-final' },
        ],
      },
    );
    expect(ids(ruleset(except), mixed)).toEqual(['db-deleted']);
    expect(ids(ruleset(except), event({}, { resources: [] }))).toEqual(['db-deleted']);
  });

  it('matches resource patterns against ARNs too', () => {
    expect(ids(ruleset('except: { resources: ["arn:aws:rds:*:123456789012:db:test-*"] }\n'), event())).toEqual([]);
  });

  it('silences a rule for events matching an exception pattern', () => {
    const except = 'except:\n  patterns:\n    - sourceIPAddress: [{ cidr: 10.0.0.0/8 }]\n';
    expect(ids(ruleset(except), event({ sourceIPAddress: '10.1.2.3' }))).toEqual([]);
    expect(ids(ruleset(except), event({ sourceIPAddress: '192.0.2.1' }))).toEqual(['db-deleted']);
  });
});

describe('event sources for the reader prefilter', () => {
  it('is the union of the exact sources of the active rules', () => {
    expect(ruleset().eventSources).toEqual(new Set(['rds.amazonaws.com', 'cloudtrail.amazonaws.com']));
  });

  it('leaves out sources only disabled rules need', () => {
    expect(ruleset('', { disabled: ['trail-stopped'] }).eventSources).toEqual(new Set(['rds.amazonaws.com']));
  });

  it('is null (read every record) when a custom rule can match any source', () => {
    const open = '  - id: any-source\n    severity: low\n    title: any\n    match: { eventName: [ConsoleLogin] }\n';
    expect(ruleset(open).eventSources).toBeNull();
  });
});
