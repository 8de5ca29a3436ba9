import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { classifyFixture, loadRecord } from './record-fixtures.js';

const resources = (name: string) => classifyFixture(name).facts.resources;
const ids = (name: string) => resources(name).map((r) => `${r.kind}:${r.id}`);

describe('resources of RDS calls', () => {
  it('names the created instance with the ARN from the response', () => {
    expect(resources('create-db-instance')).toEqual([
      { kind: 'db-instance', id: 'test-instance', arn: 'arn:aws:rds:us-east-1:123456789012:db:test-instance' },
    ]);
  });

  it('does not list the parameter and subnet groups an instance is configured with', () => {
    expect(ids('create-db-instance')).toEqual(['db-instance:test-instance']);
  });

  it('names an instance from the request alone when the call failed', () => {
    expect(resources('create-db-instance-failed')).toEqual([{ kind: 'db-instance', id: 'mysql-db' }]);
  });

  it('puts the deleted instance first and its final snapshot after it', () => {
    expect(ids('delete-db-instance')).toEqual(['db-instance:oradb', 'db-snapshot:oradb-final-snapshot']);
  });

  it('names a deleted cluster', () => {
    expect(resources('delete-db-cluster')).toEqual([
      { kind: 'db-cluster', id: 'payments-aurora', arn: 'arn:aws:rds:us-east-1:123456789012:cluster:payments-aurora' },
    ]);
  });

  it('names both the old and the new identifier of a renamed instance, old first', () => {
    expect(ids('modify-db-instance-rename')).toEqual(['db-instance:mysql-db', 'db-instance:mysqldb']);
  });

  it('puts the snapshot first for snapshot calls, then the instance it belongs to', () => {
    expect(ids('create-db-snapshot')).toEqual(['db-snapshot:orders-prod-2025-03-04', 'db-instance:orders-prod']);
  });

  it('names a cluster snapshot', () => {
    expect(ids('modify-db-cluster-snapshot-attribute-public')).toEqual(['db-cluster-snapshot:payments-aurora-final']);
  });

  it('reads an identifier given as an ARN, such as a snapshot shared from another account', () => {
    expect(resources('restore-db-instance-from-db-snapshot-public')).toContainEqual({
      kind: 'db-snapshot',
      id: 'orders-copy',
      arn: 'arn:aws:rds:us-east-1:193672423079:snapshot:orders-copy',
    });
  });

  it('puts the restored instance before the snapshot it is restored from', () => {
    expect(ids('restore-db-instance-from-db-snapshot-private')).toEqual([
      'db-instance:orders-restore-test',
      'db-snapshot:orders-prod-2025-03-04',
    ]);
  });

  it('puts the target of a point-in-time restore before its source', () => {
    expect(ids('restore-db-instance-to-point-in-time')).toEqual([
      'db-instance:orders-pitr-0305',
      'db-instance:orders-prod',
    ]);
  });

  it('puts the copy before the snapshot it copies', () => {
    expect(ids('copy-db-snapshot-shared')).toEqual([
      'db-snapshot:orders-copy-local',
      'db-snapshot:orders-copy',
      'db-instance:orders-prod',
    ]);
  });

  it('names a cross-Region read replica and its source given as an ARN', () => {
    expect(resources('create-db-instance-read-replica-cross-region')).toEqual([
      { kind: 'db-instance', id: 'orders-replica-eu', arn: 'arn:aws:rds:eu-west-1:123456789012:db:orders-replica-eu' },
      { kind: 'db-instance', id: 'orders-prod', arn: 'arn:aws:rds:us-east-1:123456789012:db:orders-prod' },
    ]);
  });

  it('names an automated backup by resource id, with the backup ARN from the response', () => {
    expect(resources('delete-db-instance-automated-backup')).toEqual([
      {
        kind: 'db-instance-automated-backup',
        id: 'db-QX2OB6BWR2FHZ3XEW3DNDHNTZA',
        arn: 'arn:aws:rds:us-east-1:123456789012:auto-backup:ab-ciqshtr4rncghu7bsjfrhg3jjs3p4lxeyhuikdi',
      },
      { kind: 'db-instance', id: 'oradb', arn: 'arn:aws:rds:us-east-1:123456789012:db:oradb' },
    ]);
  });

  it('does not read an instance resource id in a response as a backup', () => {
    expect(ids('create-db-instance').some((id) => id.startsWith('db-instance-automated-backup'))).toBe(false);
  });

  it('names the snapshot an export task reads (sourceArn)', () => {
    expect(ids('start-export-task')).toEqual(['db-snapshot:orders-prod-2025-03-04']);
  });

  it('names the cluster of an activity stream and of the Data API endpoint (resourceArn)', () => {
    expect(ids('stop-activity-stream')).toEqual(['db-cluster:payments-aurora']);
    expect(ids('enable-http-endpoint')).toEqual(['db-cluster:payments-aurora']);
  });

  it('names a resource given only as an ARN in any field, such as AddTagsToResource', () => {
    expect(ids('add-tags-to-resource')).toEqual(['db-instance:orders-prod']);
  });

  it('ignores ARNs of other services (KMS keys, IAM roles, secrets)', () => {
    expect(ids('start-export-task')).toHaveLength(1);
    expect(ids('add-role-to-db-cluster')).toEqual(['db-cluster:payments-aurora']);
  });

  it('names parameter groups, subnet groups, proxies and global clusters', () => {
    const event = classify({
      eventSource: 'rds.amazonaws.com',
      eventName: 'ModifyDBProxy',
      eventTime: 't',
      requestParameters: { dBProxyName: 'orders-proxy', newDBProxyName: 'orders-proxy-v2' },
    });
    expect(event.facts.resources.map((r) => `${r.kind}:${r.id}`)).toEqual([
      'db-proxy:orders-proxy',
      'db-proxy:orders-proxy-v2',
    ]);
    const groups = classify({
      eventSource: 'rds.amazonaws.com',
      eventName: 'CreateDBCluster',
      eventTime: 't',
      requestParameters: {
        dBClusterIdentifier: 'c1',
        dBClusterParameterGroupName: 'cpg',
        dBSubnetGroupName: 'subnets',
        globalClusterIdentifier: 'g1',
      },
    });
    expect(groups.facts.resources.map((r) => `${r.kind}:${r.id}`)).toEqual([
      'db-cluster:c1',
      'db-cluster-parameter-group:cpg',
      'db-subnet-group:subnets',
      'global-cluster:g1',
    ]);
  });

  it('reads the lower-case variant dbClusterIdentifier (RemoveFromGlobalCluster)', () => {
    const event = classify({
      eventSource: 'rds.amazonaws.com',
      eventName: 'RemoveFromGlobalCluster',
      eventTime: 't',
      requestParameters: {
        globalClusterIdentifier: 'global-payments',
        dbClusterIdentifier: 'arn:aws:rds:eu-west-1:123456789012:cluster:payments-eu',
      },
    });
    expect(event.facts.resources.map((r) => `${r.kind}:${r.id}`)).toEqual([
      'global-cluster:global-payments',
      'db-cluster:payments-eu',
    ]);
  });

  it('names nothing from truncated request parameters, and still reads the response', () => {
    expect(ids('modify-db-instance-request-omitted')).toEqual(['db-instance:orders-prod']);
  });

  it('copes with request parameters and response elements that are null, missing or not objects', () => {
    const base: CloudTrailRecord = { eventSource: 'rds.amazonaws.com', eventName: 'DeleteDBInstance', eventTime: 't' };
    for (const variant of [
      {},
      { requestParameters: null, responseElements: null },
      { requestParameters: { reason: 'requestParameters too large', omitted: true } },
    ]) {
      expect(classify({ ...base, ...variant }).facts.resources).toEqual([]);
    }
    const odd = { ...base, requestParameters: 'x', responseElements: [1, 2] } as unknown as CloudTrailRecord;
    expect(classify(odd).facts.resources).toEqual([]);
  });
});

describe('resources of Data API calls', () => {
  it('names the cluster of a v1 call from resourceArn', () => {
    expect(resources('rdsdata-execute-statement')).toEqual([
      { kind: 'db-cluster', id: 'my-database-1', arn: 'arn:aws:rds:us-east-1:123456789012:cluster:my-database-1' },
    ]);
  });

  it('names the cluster of a v2 data event from resourceArn, and not the secret', () => {
    expect(ids('rdsdataapi-execute-statement')).toEqual(['db-cluster:my-database-1']);
  });
});

describe('resources of CloudTrail configuration calls', () => {
  it('names the trail given by ARN', () => {
    expect(resources('stop-logging')).toEqual([
      { kind: 'trail', id: 'org-audit', arn: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit' },
    ]);
  });

  it('names the trail given by name, with the ARN from the response', () => {
    expect(resources('update-trail')).toEqual([
      { kind: 'trail', id: 'org-audit', arn: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit' },
    ]);
    expect(resources('put-event-selectors-exclude-rdsdata')).toEqual([
      { kind: 'trail', id: 'org-audit', arn: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit' },
    ]);
  });

  it('names the trail by name alone when the call failed', () => {
    expect(resources('stop-logging-failed')).toEqual([{ kind: 'trail', id: 'org-audit' }]);
  });

  it('names no RDS resource for other services', () => {
    expect(resources('aws-service-assume-role')).toEqual([]);
    expect(loadRecord('aws-service-assume-role').requestParameters).toBeTruthy();
  });
});

describe('resources of records with made-up keys and event names', () => {
  // The classifier remembers the key spellings and eventNames it has seen (resources.ts), up to a bound; a file of
  // thousands of invented ones must neither grow that without end nor make it answer wrongly afterwards.
  it('names the resource whatever keys and event names came before', () => {
    const record = (i: number): CloudTrailRecord => ({
      eventSource: 'rds.amazonaws.com',
      eventName: `ModifyDBInstanceX${i}`,
      eventTime: '2026-12-03T10:00:00Z',
      requestParameters: { [`madeUp${i}`]: 'x', [i % 2 ? 'DBInstanceIdentifier' : 'dBInstanceIdentifier']: `db-${i}` },
    });
    for (let i = 0; i < 10_000; i++) {
      expect(classify(record(i)).facts.resources, `record ${i}`).toEqual([{ kind: 'db-instance', id: `db-${i}` }]);
    }
  });
});
