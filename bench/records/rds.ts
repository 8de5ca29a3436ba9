// rds.amazonaws.com calls: mostly reads, a quarter writes, a few of the dangerous ones; ~8 % fail.
import type { JsonObject, JsonValue } from '../../shared/cloudtrail.js';
import { rdsArn, snapshotRestoreChange } from '../../scripts/cloudtrail-synth/rds.js';
import { responseDate } from '../../scripts/cloudtrail-synth/times.js';
import type { Envelope } from './envelope.js';
import { accountOf, type Context, principalFor } from './principals.js';
import { randomDbInstance } from './rds-instance.js';
import type { Category } from './stream.js';
import { ACCOUNTS, DB_CLASSES, DB_WORDS, ENVS, FREE_TEXT, tags } from './vocabulary.js';

export function rdsEvent(ctx: Context, region: string): [Category, Envelope] {
  const { rng } = ctx;
  const principal = principalFor(ctx, 'rds.amazonaws.com');
  const account = accountOf(ctx, principal);
  const id = rng.pick(ctx.dbIds);
  const arn = rdsArn(region, account, 'db', id);
  // Mostly reads, as in a real account (monitoring agents, consoles and IaC tools describe all day); about a
  // quarter writes, a few of them the dangerous calls trailwatch alerts on.
  const kind = rng.weighted<string>([
    [7, 'DescribeDBInstances-large'],
    [25, 'DescribeDBInstances'],
    [12, 'DescribeDBClusters'],
    [8, 'DescribeDBSnapshots'],
    [10, 'DescribeEvents'],
    [10, 'ListTagsForResource'],
    [4, 'CreateDBSnapshot'],
    [2, 'CreateDBInstance'],
    [4, 'ModifyDBInstance'],
    [1, 'DeleteDBInstance'],
    [1, 'ModifyDBSnapshotAttribute'],
    [2, 'RebootDBInstance'],
    [2, 'StopDBInstance'],
    [3, 'AddTagsToResource'],
    [2, 'ModifyDBCluster'],
    [0.5, 'DeleteDBCluster'],
    [1, 'RestoreDBInstanceFromDBSnapshot'],
    [1, 'CreateDBParameterGroup'],
  ]);
  const base = { source: 'rds.amazonaws.com', principal };
  // About 8 % of RDS calls fail (access denied, not found, invalid state).
  const error = rng.chance(0.08)
    ? rng.pick([
        {
          code: 'AccessDenied',
          message: `User: ${String(principal.identity.arn ?? 'unknown')} is not authorized to perform: rds:${kind.replace('-large', '')} on resource: ${arn} because no identity-based policy allows the rds:${kind.replace('-large', '')} action`,
        },
        { code: 'DBInstanceNotFound', message: `DBInstance ${id} not found.` },
        { code: 'InvalidDBInstanceState', message: `Instance "${id}" is not in available state.` },
      ])
    : undefined;
  switch (kind) {
    case 'DescribeDBInstances-large': {
      // A response of tens of KB: 4-20 full DBInstance descriptions.
      const n = rng.range(4, 20);
      const dBInstances: JsonValue[] = [];
      for (let i = 0; i < n; i++) dBInstances.push(randomDbInstance(ctx, region, account, rng.pick(ctx.dbIds)));
      return [
        'rds-describe-large',
        {
          ...base,
          name: 'DescribeDBInstances',
          readOnly: true,
          requestParameters: { maxRecords: 100 },
          responseElements: { dBInstances },
        },
      ];
    }
    case 'DescribeDBInstances':
      return [
        'rds',
        {
          ...base,
          name: 'DescribeDBInstances',
          readOnly: true,
          requestParameters: rng.chance(0.5) ? { dBInstanceIdentifier: id } : { maxRecords: 100 },
          responseElements: null,
          ...(error ? { error } : {}),
        },
      ];
    case 'DescribeDBClusters':
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: true,
          requestParameters: { dBClusterIdentifier: rng.pick(ctx.clusterIds), includeShared: false },
          responseElements: null,
        },
      ];
    case 'DescribeDBSnapshots':
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: true,
          requestParameters: { dBInstanceIdentifier: id, includeShared: false, includePublic: false },
          responseElements: null,
        },
      ];
    case 'DescribeEvents':
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: true,
          requestParameters: { startTime: responseDate(ctx.baseTime - 3_600_000), endTime: responseDate(ctx.baseTime) },
          responseElements: null,
        },
      ];
    case 'ListTagsForResource':
      return [
        'rds',
        { ...base, name: kind, readOnly: true, requestParameters: { resourceName: arn }, responseElements: null },
      ];
    case 'CreateDBSnapshot': {
      const snap = `${id}-${rng.pick(['manual', 'pre-upgrade', 'nightly'])}-${rng.range(1, 9999)}`;
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: false,
          requestParameters: { dBSnapshotIdentifier: snap, dBInstanceIdentifier: id, tags: tags(rng, 2) },
          responseElements: {
            dBSnapshotIdentifier: snap,
            dBInstanceIdentifier: id,
            status: 'creating',
            dBSnapshotArn: rdsArn(region, account, 'snapshot', snap),
            tagList: tags(rng, 2),
          },
          ...(error ? { error } : {}),
        },
      ];
    }
    case 'CreateDBInstance':
    case 'RestoreDBInstanceFromDBSnapshot': {
      const newId = `${rng.pick(DB_WORDS)}-${rng.pick(ENVS)}-${rng.range(1, 99)}`;
      const instance = randomDbInstance(ctx, region, account, newId);
      instance.dBInstanceStatus = 'creating';
      instance.pendingModifiedValues = { masterUserPassword: '****' };
      const request: JsonObject =
        kind === 'CreateDBInstance'
          ? {
              dBInstanceIdentifier: newId,
              allocatedStorage: 100,
              dBInstanceClass: rng.pick(DB_CLASSES),
              engine: String(instance.engine),
              masterUsername: 'admin',
              masterUserPassword: '****',
              tags: tags(rng, 3),
              publiclyAccessible: rng.chance(0.1),
              storageEncrypted: true,
            }
          : {
              dBInstanceIdentifier: newId,
              dBSnapshotIdentifier: `${id}-nightly-${rng.range(1, 999)}`,
              publiclyAccessible: rng.chance(0.2),
              tags: tags(rng, 2),
            };
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: false,
          requestParameters: request,
          responseElements: instance,
          ...(error ? { error } : {}),
        },
      ];
    }
    case 'ModifyDBInstance': {
      const instance = randomDbInstance(ctx, region, account, id);
      const request: JsonObject = { dBInstanceIdentifier: id, applyImmediately: rng.chance(0.5) };
      const change = rng.below(4);
      if (change === 0) {
        request.masterUserPassword = '****';
        instance.pendingModifiedValues = { masterUserPassword: '****' };
      } else if (change === 1) request.publiclyAccessible = true;
      else if (change === 2) request.deletionProtection = false;
      else {
        // A rename: newDBInstanceIdentifier.
        request.newDBInstanceIdentifier = `${id}-renamed`;
      }
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: false,
          requestParameters: request,
          responseElements: instance,
          ...(error ? { error } : {}),
        },
      ];
    }
    case 'DeleteDBInstance': {
      const instance = randomDbInstance(ctx, region, account, id);
      instance.dBInstanceStatus = 'deleting';
      const request: JsonObject = {
        dBInstanceIdentifier: id,
        skipFinalSnapshot: rng.chance(0.4),
        deleteAutomatedBackups: rng.chance(0.3),
      };
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: false,
          requestParameters: request,
          responseElements: instance,
          ...(error ? { error } : {}),
        },
      ];
    }
    case 'ModifyDBSnapshotAttribute': {
      const snap = `${id}-manual-${rng.range(1, 999)}`;
      const values = rng.chance(0.3) ? ['all'] : [rng.pick(ACCOUNTS)];
      const change = snapshotRestoreChange(snap, { valuesToAdd: values }, values);
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: false,
          requestParameters: change.request,
          responseElements: change.response,
          ...(error ? { error } : {}),
        },
      ];
    }
    case 'RebootDBInstance':
    case 'StopDBInstance': {
      const instance = randomDbInstance(ctx, region, account, id);
      instance.dBInstanceStatus = kind === 'StopDBInstance' ? 'stopping' : 'rebooting';
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: false,
          requestParameters: { dBInstanceIdentifier: id },
          responseElements: instance,
          ...(error ? { error } : {}),
        },
      ];
    }
    case 'AddTagsToResource':
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: false,
          requestParameters: { resourceName: arn, tags: tags(rng, rng.range(1, 4)) },
          responseElements: null,
          ...(error ? { error } : {}),
        },
      ];
    case 'ModifyDBCluster':
    case 'DeleteDBCluster': {
      const cluster = rng.pick(ctx.clusterIds);
      const request: JsonObject =
        kind === 'ModifyDBCluster'
          ? { dBClusterIdentifier: cluster, deletionProtection: false, applyImmediately: true }
          : { dBClusterIdentifier: cluster, skipFinalSnapshot: rng.chance(0.3) };
      const response: JsonObject = {
        dBClusterIdentifier: cluster,
        status: kind === 'DeleteDBCluster' ? 'deleting' : 'available',
        engine: 'aurora-postgresql',
        dBClusterArn: rdsArn(region, account, 'cluster', cluster),
        dBClusterMembers: [
          {
            dBInstanceIdentifier: `${cluster}-instance-1`,
            isClusterWriter: true,
            dBClusterParameterGroupStatus: 'in-sync',
            promotionTier: 1,
          },
        ],
        deletionProtection: false,
        httpEndpointEnabled: rng.chance(0.5),
      };
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: false,
          requestParameters: request,
          responseElements: response,
          ...(error ? { error } : {}),
        },
      ];
    }
    default: {
      const name = `${rng.pick(DB_WORDS)}-params`;
      return [
        'rds',
        {
          ...base,
          name: 'CreateDBParameterGroup',
          readOnly: false,
          requestParameters: {
            dBParameterGroupName: name,
            dBParameterGroupFamily: 'postgres16',
            description: rng.pick(FREE_TEXT),
          },
          responseElements: {
            dBParameterGroupName: name,
            dBParameterGroupFamily: 'postgres16',
            description: rng.pick(FREE_TEXT),
            dBParameterGroupArn: rdsArn(region, account, 'pg', name),
          },
        },
      ];
    }
  }
}
