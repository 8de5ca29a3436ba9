// Behaviours of the RDS operation rules beyond the fixture cases (test/rules-rds-operations-cases.ts).
import { describe, expect, it } from 'vitest';
import { AWS_REGIONS } from '../shared/rules/builtin/rds-operations.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { loadRecord } from './record-fixtures.js';

const ruleset = compileRuleset();
const raised = (record: CloudTrailRecord) => ruleset.evaluate(classify(record)).map((rule) => rule.id);
const RULE = 'rds-snapshot-copied-cross-region';

function copy(awsRegion: string, source: string, eventName = 'CopyDBSnapshot'): CloudTrailRecord {
  const key = eventName === 'CopyDBSnapshot' ? 'sourceDBSnapshotIdentifier' : 'sourceDBClusterSnapshotIdentifier';
  return {
    ...loadRecord('copy-db-snapshot-cross-region'),
    eventName,
    awsRegion,
    requestParameters: { [key]: source, targetDBSnapshotIdentifier: 'copy' },
  };
}

describe('rds-snapshot-copied-cross-region', () => {
  it.each(AWS_REGIONS.map((region) => [region]))(
    'is quiet for a copy in %s of a snapshot named by an ARN of the same region',
    (region) => {
      const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
      expect(raised(copy(region, `arn:${partition}:rds:${region}:193672423079:snapshot:shared`))).not.toContain(RULE);
      expect(
        raised(copy(region, `arn:${partition}:rds:${region}:123456789012:cluster-snapshot:c`, 'CopyDBClusterSnapshot')),
      ).not.toContain(RULE);
    },
  );

  it('is raised whenever the ARN names another region, whichever the two are', () => {
    for (const [i, region] of AWS_REGIONS.entries()) {
      const other = AWS_REGIONS[(i + 1) % AWS_REGIONS.length] as string;
      expect(raised(copy(region, `arn:aws:rds:${other}:123456789012:snapshot:s`)), `${other} -> ${region}`).toContain(
        RULE,
      );
    }
  });

  it('is raised for a region the list does not know yet (fails loud, not quiet)', () => {
    expect(raised(copy('xx-future-1', 'arn:aws:rds:xx-future-1:123456789012:snapshot:s'))).toContain(RULE);
  });

  it('is quiet for a same-region copy named without an ARN', () => {
    expect(raised(copy('us-east-1', 'rds:orders-prod-2025-03-04-05-00'))).not.toContain(RULE);
  });
});

describe('reboots and failovers by AWS services', () => {
  it("a reboot or failover an AWS service makes on the account's behalf raises nothing", () => {
    const automation = loadRecord('reboot-db-instance-by-patching-automation');
    for (const changes of [
      {},
      { requestParameters: { dBInstanceIdentifier: 'orders-prod', forceFailover: true } },
      { eventName: 'FailoverDBCluster' },
    ]) {
      expect(raised({ ...automation, ...changes })).toEqual([]);
    }
  });
});
