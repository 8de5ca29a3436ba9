// One identity per database: the index's `resourceId` and `renamed` (shared/index/trailwatch-fields.ts, from
// rdsIdentityOf in shared/classify/resources.ts), and the pure planning `trailwatch search --db` does with them
// (shared/index/filter-pattern.ts). The command against the sample day is in test/search-command.test.ts.
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import { rdsIdentityOf } from '../shared/classify/resources.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { discoveryPatterns, identitySearches, learnIdentity } from '../shared/index/filter-pattern.js';
import { trailwatchFields } from '../shared/index/index.js';
import { matchesFilterPattern, wildcardSelectors } from './helpers/filter-pattern-eval.js';

function record(
  eventName: string,
  requestParameters: Record<string, unknown> | null,
  responseElements: Record<string, unknown> | null = null,
  extra: Partial<CloudTrailRecord> = {},
): CloudTrailRecord {
  return {
    eventVersion: '1.08',
    eventTime: '2026-11-20T12:00:00Z',
    eventSource: 'rds.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userIdentity: {
      type: 'IAMUser',
      userName: 'johndoe',
      arn: 'arn:aws:iam::123456789012:user/johndoe',
      accountId: '123456789012',
    },
    eventID: `id-${eventName}`,
    requestParameters,
    responseElements,
    ...extra,
  } as CloudTrailRecord;
}

const fields = (r: CloudTrailRecord) => trailwatchFields(classify(r), []);

describe('the index records the resource id and the names of a rename', () => {
  it('a rename of an instance: both names, the dbiResourceId of the response', () => {
    const r = record(
      'ModifyDBInstance',
      { dBInstanceIdentifier: 'mysql-db', newDBInstanceIdentifier: 'mysqldb', applyImmediately: true },
      { dBInstanceIdentifier: 'mysql-db', dbiResourceId: 'db-ABC' },
    );
    expect(fields(r)).toMatchObject({
      resource: 'mysql-db',
      resourceId: 'db-ABC',
      renamed: { from: 'mysql-db', to: 'mysqldb' },
    });
    expect(fields(r).resources).toEqual(expect.arrayContaining(['mysql-db', 'mysqldb']));
  });

  it('a rename of a cluster: dbClusterResourceId', () => {
    const r = record(
      'ModifyDBCluster',
      { dBClusterIdentifier: 'aurora-a', newDBClusterIdentifier: 'aurora-b' },
      { dBClusterIdentifier: 'aurora-a', dbClusterResourceId: 'cluster-XYZ' },
    );
    expect(fields(r)).toMatchObject({ resourceId: 'cluster-XYZ', renamed: { from: 'aurora-a', to: 'aurora-b' } });
  });

  it('a failed rename renamed nothing; a record without a resource id gets no resourceId member', () => {
    const failed = record('ModifyDBInstance', { dBInstanceIdentifier: 'a', newDBInstanceIdentifier: 'b' }, null, {
      errorCode: 'InvalidDBInstanceState',
      errorMessage: 'no',
    });
    const f = fields(failed);
    expect(f).not.toHaveProperty('renamed');
    expect(f).not.toHaveProperty('resourceId');
    expect(fields(record('DescribeDBInstances', { dBInstanceIdentifier: 'a' }))).not.toHaveProperty('resourceId');
  });

  it('a delete carries the instance resource id in its response; an automated-backup call names it in its request', () => {
    expect(
      fields(
        record(
          'DeleteDBInstance',
          { dBInstanceIdentifier: 'a', skipFinalSnapshot: true },
          { dBInstanceIdentifier: 'a', dbiResourceId: 'db-A' },
        ),
      ).resourceId,
    ).toBe('db-A');
    expect(rdsIdentityOf(record('DeleteDBInstanceAutomatedBackup', { dbiResourceId: 'db-A' }))).toEqual({
      resourceId: 'db-A',
    });
  });

  it('a name given as an ARN is read as the name', () => {
    const r = record('ModifyDBInstance', {
      dBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:db:old',
      newDBInstanceIdentifier: 'new',
    });
    expect(rdsIdentityOf(r).renamed).toEqual({ kind: 'db-instance', from: 'old', to: 'new' });
  });
});

const tw = (t: Record<string, unknown>) => JSON.stringify({ eventName: 'X', trailwatch: t });

describe('search --db planning', () => {
  it('learns the other name from a rename, and the resource id only from events about a known name', () => {
    const messages = [
      tw({ resource: 'mysql-db', resourceId: 'db-M', renamed: { from: 'mysql-db', to: 'mysqldb' } }),
      // A read replica of mysqldb: its record names mysqldb too, but the resource id is the replica's.
      tw({ resource: 'replica-1', resources: ['replica-1', 'mysqldb'], resourceId: 'db-R' }),
      // A snapshot of mysqldb carries the instance's id; the snapshot's name is not a name of the instance.
      tw({ resource: 'mysqldb-snap', resources: ['mysqldb-snap', 'mysqldb'], resourceId: 'db-M' }),
      'not json',
    ];
    expect(learnIdentity({ names: ['mysqldb'], resourceIds: [] }, messages)).toEqual({
      names: ['mysqldb', 'mysql-db'],
      resourceIds: ['db-M'],
    });
  });

  it('follows a chain of renames, and a rename known only by the resource id', () => {
    const messages = [
      tw({ resource: 'b', renamed: { from: 'b', to: 'c' } }),
      tw({ resource: 'a', renamed: { from: 'a', to: 'b' } }),
      tw({ resource: 'x', resourceId: 'db-1', renamed: { from: 'x', to: 'y' } }),
    ];
    expect(learnIdentity({ names: ['c'], resourceIds: [] }, messages).names.sort()).toEqual(['a', 'b', 'c']);
    expect(learnIdentity({ names: [], resourceIds: ['db-1'] }, messages).names.sort()).toEqual(['x', 'y']);
  });

  it('leaves out learnt names a filter pattern cannot hold', () => {
    const messages = [tw({ resource: 'a', renamed: { from: 'a', to: 'b"c' } })];
    expect(learnIdentity({ names: ['a'], resourceIds: [] }, messages).names).toEqual(['a']);
  });

  it('splits the names into patterns of at most 3 wildcard selectors, the ids in the first, other flags kept', () => {
    const plans = identitySearches(
      { dbs: ['a'], events: ['DeleteDBInstance'] },
      { names: ['a', 'b', 'c', 'd'], resourceIds: ['db-1'] },
    );
    expect(plans.map((p) => p.filterPattern)).toEqual([
      '{ $.eventName = "DeleteDBInstance" && ($.trailwatch.resources[*] = "a" || $.trailwatch.resources[*] = "b" || $.trailwatch.resources[*] = "c" || $.trailwatch.resourceId = "db-1") }',
      '{ $.eventName = "DeleteDBInstance" && $.trailwatch.resources[*] = "d" }',
    ]);
    for (const p of plans) expect(wildcardSelectors(p.filterPattern ?? '')).toBeLessThanOrEqual(3);
  });

  it('discovery patterns select only the events naming the database that carry a resource id or a rename', () => {
    const [pattern] = discoveryPatterns({ names: ['mysqldb'], resourceIds: ['db-M'] });
    expect(pattern).toBeDefined();
    const p = pattern as string;
    expect(matchesFilterPattern(p, tw({ resources: ['mysqldb'], resourceId: 'db-M' }))).toBe(true);
    expect(
      matchesFilterPattern(p, tw({ resources: ['mysql-db', 'mysqldb'], renamed: { from: 'mysql-db', to: 'mysqldb' } })),
    ).toBe(true);
    expect(matchesFilterPattern(p, tw({ resources: ['other'], resourceId: 'db-M' }))).toBe(true);
    expect(matchesFilterPattern(p, tw({ resources: ['mysqldb'] }))).toBe(false);
    expect(matchesFilterPattern(p, tw({ resources: ['other'], resourceId: 'db-O' }))).toBe(false);
    expect(discoveryPatterns({ names: [], resourceIds: [] })).toEqual([]);
  });
});
