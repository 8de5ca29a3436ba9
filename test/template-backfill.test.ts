// Issue 18: the part of template.yaml that `trailwatch backfill` relies on: the role S3 Batch Operations jobs run as,
// the bucket for manifests, completion reports and report-mode alerts, and the outputs the command reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALERTS_PREFIX, BACKFILL_OUTPUTS, MANIFEST_PREFIX, REPORT_PREFIX } from '../cli/backfill-plan.js';
import { TEMPLATE_PATH, isObject, loadTemplate, type JsonObject } from './helpers/template.js';
import { Evaluator, SCENARIOS } from './helpers/template-evaluator.js';

const template = loadTemplate();
const BLOCK_RESOURCES = ['BackfillBucket', 'BackfillBucketPolicy', 'BackfillRole'];

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: JsonObject;
  Condition?: JsonObject;
}

const actions = (s: Statement) => [s.Action].flat();
const resources = (s: Statement) => [s.Resource].flat();

describe('the block', () => {
  it('is one contiguous block of resources under its "issue 18: backfill" header', () => {
    const text = readFileSync(TEMPLATE_PATH, 'utf8');
    const header = text.indexOf('  # issue 18: backfill.');
    expect(header).toBeGreaterThan(text.indexOf('\nResources:'));
    const next = text.indexOf('  # ----', header);
    const block = text.slice(header, next);
    const ids = [...block.matchAll(/^ {2}([A-Za-z0-9]+):$/gm)].map((m) => m[1]);
    expect(ids).toEqual(BLOCK_RESOURCES);
  });

  it.each(BACKFILL_OUTPUTS)('outputs %s, which the command reads', (name) => {
    expect(template.Outputs?.[name]).toBeDefined();
  });
});

describe.each(Object.entries(SCENARIOS))('with parameters: %s', (_scenario, overrides) => {
  const evaluator = new Evaluator(template, overrides);
  const role = evaluator.properties('BackfillRole');
  const trust = (role.AssumeRolePolicyDocument as unknown as { Statement: Statement[] }).Statement;
  const statements = (role.Policies as unknown as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
  const bucketArn = 'arn:aws:s3:::trailwatch-backfillbucket';
  const processor = evaluator.properties('ProcessorFunction');
  const processorStatements = (processor.Policies as unknown as Array<{ Statement: Statement[] }>).flatMap(
    (p) => p.Statement,
  );
  const granted = (action: string) =>
    statements
      .filter((s) => actions(s).includes(action))
      .flatMap(resources)
      .sort();

  it('may be assumed by S3 Batch Operations of this account only', () => {
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'batchoperations.s3.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
    ]);
  });

  it('allows only Allow statements, each action on named resources', () => {
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      expect(resources(s)).not.toContain('*');
    }
  });

  it('invokes the processor, and no other function', () => {
    expect(granted('lambda:InvokeFunction')).toEqual([
      'arn:aws:lambda:us-east-1:123456789012:function:trailwatch-processorfunction',
    ]);
  });

  it('reads manifests and the trail log files the processor reads; writes completion reports only', () => {
    const trailRead = processorStatements.find((s) => s.Sid === 'ReadTrailLogFiles');
    expect(granted('s3:GetObject')).toEqual(
      [`${bucketArn}/${MANIFEST_PREFIX}*`, ...resources(trailRead as Statement)].sort(),
    );
    expect(granted('s3:PutObject')).toEqual([`${bucketArn}/${REPORT_PREFIX}/*`]);
    expect(granted('s3:GetBucketLocation')).toEqual([bucketArn]);
  });

  it('decrypts the trail log files when they are SSE-KMS, as the processor does', () => {
    const key = evaluator.parameters.TrailKmsKeyArn;
    expect(granted('kms:Decrypt')).toEqual(key ? [key] : []);
  });

  it('lets the processor write report-mode alerts under alerts/ of the same bucket only', () => {
    const puts = processorStatements.filter((s) => actions(s).includes('s3:PutObject')).flatMap(resources);
    expect(puts).toEqual([`${bucketArn}/${ALERTS_PREFIX}*`]);
  });
});

describe('the backfill bucket', () => {
  const bucket = new Evaluator(template, SCENARIOS.defaults ?? {}).properties('BackfillBucket');
  it('is private and encrypted', () => {
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(isObject(bucket.BucketEncryption)).toBe(true);
  });

  it('expires manifests only: completion reports and alerts are kept', () => {
    const rules = (bucket.LifecycleConfiguration as { Rules: Array<JsonObject> }).Rules;
    const expiring = rules.filter((r) => r.ExpirationInDays !== undefined);
    expect(expiring.map((r) => r.Prefix)).toEqual([MANIFEST_PREFIX]);
  });
});
