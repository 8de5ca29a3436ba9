// template.yaml parses with CloudFormation's YAML tags, and everything it names exists: every Ref, GetAtt, Sub
// variable, Fn::If / Condition name, DependsOn and resource Condition points at a parameter, resource, pseudo
// parameter or condition of the template; every parameter and condition is used; and for each parameter
// scenario every existing resource and output resolves, without touching a resource its condition removed.
import { describe, expect, it } from 'vitest';
import {
  collectReferences,
  Evaluator,
  INTRINSIC_TAGS,
  isObject,
  loadTemplate,
  parseTemplate,
  PSEUDO_PARAMETERS,
  SCENARIOS,
  type Json,
  type Reference,
} from './helpers/template.js';

const template = loadTemplate();
const parameters = Object.keys(template.Parameters ?? {});
const resources = Object.keys(template.Resources);
const conditions = Object.keys(template.Conditions ?? {});

/** Every reference in the template, with where it is. */
function allReferences(): Reference[] {
  const refs: Reference[] = [];
  for (const [name, rule] of Object.entries(template.Rules ?? {})) collectReferences(rule, `Rules.${name}`, refs);
  for (const [name, c] of Object.entries(template.Conditions ?? {})) collectReferences(c, `Conditions.${name}`, refs);
  collectReferences(template.Globals ?? {}, 'Globals', refs);
  for (const [id, r] of Object.entries(template.Resources)) {
    collectReferences(r.Properties ?? {}, `Resources.${id}.Properties`, refs);
    if (r.Condition !== undefined)
      refs.push({ kind: 'Condition', target: r.Condition, at: `Resources.${id}.Condition` });
  }
  for (const [id, o] of Object.entries(template.Outputs ?? {})) {
    collectReferences(o, `Outputs.${id}`, refs);
    if (typeof o.Condition === 'string')
      refs.push({ kind: 'Condition', target: o.Condition, at: `Outputs.${id}.Condition` });
  }
  return refs;
}

describe('template.yaml', () => {
  it('parses with the CloudFormation short-form tags into long-form intrinsics', () => {
    const parsed = parseTemplate(
      'A: !Ref X\nB: !GetAtt R.Arn\nC: !If [Cond, !Sub "${X}", !Ref AWS::NoValue]\nD: !Select [0, !Split [",", "a,b"]]\n',
    );
    expect(parsed).toEqual({
      A: { Ref: 'X' },
      B: { 'Fn::GetAtt': ['R', 'Arn'] },
      C: { 'Fn::If': ['Cond', { 'Fn::Sub': '${X}' }, { Ref: 'AWS::NoValue' }] },
      D: { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] },
    });
    expect(Object.keys(INTRINSIC_TAGS)).toEqual(
      expect.arrayContaining([
        '!Ref',
        '!GetAtt',
        '!Sub',
        '!If',
        '!Equals',
        '!Not',
        '!Select',
        '!Split',
        '!Join',
        '!FindInMap',
        '!Condition',
      ]),
    );
  });

  it('is a SAM template with the sections CloudFormation knows', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    const sections = [
      'AWSTemplateFormatVersion',
      'Transform',
      'Description',
      'Metadata',
      'Parameters',
      'Rules',
      'Mappings',
      'Conditions',
      'Globals',
      'Resources',
      'Outputs',
    ];
    expect(Object.keys(template).filter((k) => !sections.includes(k))).toEqual([]);
    // CloudFormation's limits: Description 1,024 bytes; logical ids alphanumeric (template anatomy docs).
    expect(Buffer.byteLength(template.Description ?? '')).toBeLessThanOrEqual(1024);
    for (const id of [...parameters, ...resources, ...conditions, ...Object.keys(template.Outputs ?? {})])
      expect(id).toMatch(/^[A-Za-z0-9]+$/);
  });

  it('refers only to parameters, resources, pseudo parameters and conditions that exist', () => {
    const pseudo = new Set<string>(PSEUDO_PARAMETERS);
    const problems: string[] = [];
    for (const ref of allReferences()) {
      const { kind, target, attribute, at } = ref;
      if (kind === 'Condition') {
        if (!conditions.includes(target)) problems.push(`${at}: no condition ${target}`);
      } else if (kind === 'GetAtt' || (kind === 'Sub' && attribute !== undefined)) {
        if (!resources.includes(target)) problems.push(`${at}: GetAtt of ${target}, which is not a resource`);
        if (!attribute) problems.push(`${at}: GetAtt of ${target} without an attribute`);
      } else if (!pseudo.has(target) && !parameters.includes(target) && !resources.includes(target)) {
        problems.push(`${at}: ${kind} ${target} is neither a parameter, a resource nor a pseudo parameter`);
      }
      if (kind !== 'Condition' && target.startsWith('AWS::') && !pseudo.has(target))
        problems.push(`${at}: unknown pseudo parameter ${target}`);
      if (
        kind !== 'Condition' &&
        (at.startsWith('Conditions.') || at.startsWith('Rules.')) &&
        resources.includes(target)
      )
        problems.push(`${at}: a condition or rule cannot refer to resource ${target}`);
    }
    for (const [id, r] of Object.entries(template.Resources)) {
      for (const dep of [r.DependsOn ?? []].flat())
        if (!resources.includes(dep)) problems.push(`Resources.${id}.DependsOn: no resource ${dep}`);
    }
    expect(problems).toEqual([]);
  });

  it('uses every parameter and every condition', () => {
    const refs = allReferences();
    const used = new Set(refs.map((r) => r.target));
    expect(parameters.filter((p) => !used.has(p))).toEqual([]);
    expect(conditions.filter((c) => !used.has(c))).toEqual([]);
  });

  it('lists every parameter exactly once in the console / sam deploy --guided groups', () => {
    const groups = (
      (template.Metadata as Record<string, unknown>)['AWS::CloudFormation::Interface'] as {
        ParameterGroups: Array<{ Parameters: string[] }>;
      }
    ).ParameterGroups;
    const grouped = groups.flatMap((g) => g.Parameters);
    expect([...grouped].sort()).toEqual([...parameters].sort());
    expect(new Set(grouped).size).toBe(grouped.length);
  });

  it('gives every resource only the attributes CloudFormation and SAM define', () => {
    const attributes = [
      'Type',
      'Properties',
      'Condition',
      'DependsOn',
      'Metadata',
      'DeletionPolicy',
      'UpdateReplacePolicy',
      'UpdatePolicy',
      'CreationPolicy',
    ];
    for (const [id, r] of Object.entries(template.Resources)) {
      expect(
        Object.keys(r).filter((k) => !attributes.includes(k)),
        id,
      ).toEqual([]);
      if (r.DeletionPolicy !== undefined)
        expect(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']).toContain(r.DeletionPolicy);
    }
  });

  describe.each(Object.entries(SCENARIOS))('with parameters: %s', (_name, overrides) => {
    const evaluator = new Evaluator(template, overrides);

    it('resolves every existing resource and output, never touching one its condition removed', () => {
      for (const id of resources) {
        const resource = template.Resources[id];
        if (resource && evaluator.exists(resource)) expect(() => evaluator.properties(id), id).not.toThrow();
      }
      for (const [id, output] of Object.entries(template.Outputs ?? {})) {
        if (!evaluator.exists(output)) continue;
        const value = evaluator.value(output.Value as Json);
        expect(typeof value, `Outputs.${id}`).toBe('string');
      }
    });

    it('keeps DependsOn between resources that exist together', () => {
      for (const [id, r] of Object.entries(template.Resources)) {
        if (!evaluator.exists(r)) continue;
        for (const dep of [r.DependsOn ?? []].flat()) {
          const target = template.Resources[dep];
          expect(target && evaluator.exists(target), `${id} depends on ${dep}`).toBe(true);
        }
      }
    });
  });

  it('creates the trail, bucket and email subscription only in the modes that want them', () => {
    const defaults = new Evaluator(template, SCENARIOS.defaults);
    const existing = new Evaluator(template, SCENARIOS['existing trail, every option on']);
    for (const id of ['TrailBucket', 'TrailBucketPolicy', 'Trail']) {
      expect(defaults.exists(template.Resources[id] as { Condition?: Json }), id).toBe(true);
      expect(existing.exists(template.Resources[id] as { Condition?: Json }), id).toBe(false);
    }
    const subscription = template.Resources.AlertEmailSubscription as { Condition?: Json };
    expect(defaults.exists(subscription)).toBe(false);
    expect(existing.exists(subscription)).toBe(true);
    expect(existing.properties('AlertEmailSubscription')).toMatchObject({
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('outputs what an operator needs: topic, index group, bucket, DLQ URLs, dashboard and saved queries', () => {
    const outputs = Object.keys(template.Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        'AlertTopicArn',
        'IndexLogGroupName',
        'TrailBucketName',
        'ProcessorDeadLetterQueueUrl',
        'IndexerDeadLetterQueueUrl',
        'DashboardUrl',
        'SavedQueriesUrl',
      ]),
    );
    const values = new Evaluator(template, SCENARIOS.defaults);
    expect(values.value(template.Outputs?.DashboardUrl?.Value as Json)).toBe(
      'https://us-east-1.console.amazonaws.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/trailwatch-dashboard',
    );
    for (const o of Object.values(template.Outputs ?? {})) expect(isObject(o) && typeof o.Description).toBe('string');
  });
});
