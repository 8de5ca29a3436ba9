// ARNs of the resources trailwatch names: RDS resources and CloudTrail trails.
// RDS ARN formats: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Tagging.ARN.Constructing.html
// (arn:<partition>:rds:<region>:<account>:<resource-type>:<name>; global clusters have no region).
import type { RdsResource, RdsResourceKind } from './types.js';

const RDS_ARN_TYPES: Readonly<Record<string, RdsResourceKind>> = {
  db: 'db-instance',
  cluster: 'db-cluster',
  snapshot: 'db-snapshot',
  'cluster-snapshot': 'db-cluster-snapshot',
  pg: 'db-parameter-group',
  'cluster-pg': 'db-cluster-parameter-group',
  subgrp: 'db-subnet-group',
  'db-proxy': 'db-proxy',
  'global-cluster': 'global-cluster',
  'auto-backup': 'db-instance-automated-backup',
  'cluster-auto-backup': 'db-cluster-automated-backup',
};

const RDS_ARN = /^arn:[a-z-]+:rds:[a-z0-9-]*:\d*:([a-z-]+):(.+)$/;
// arn:aws:cloudtrail:us-east-1:123456789012:trail/MyTrail
const TRAIL_ARN = /^arn:[a-z-]+:cloudtrail:[a-z0-9-]+:\d+:trail\/(.+)$/;

/** The RDS resource an ARN names, or null for anything else (other services, RDS types trailwatch does not track). */
export function rdsResourceFromArn(arn: string): RdsResource | null {
  const match = RDS_ARN.exec(arn);
  // Own properties only: the type comes from the record, and `constructor` must not find Object's.
  const kind = match?.[1] && Object.hasOwn(RDS_ARN_TYPES, match[1]) ? RDS_ARN_TYPES[match[1]] : undefined;
  const id = match?.[2];
  return kind && id ? { kind, id, arn } : null;
}

export function trailFromArn(arn: string): RdsResource | null {
  const name = TRAIL_ARN.exec(arn)?.[1];
  return name ? { kind: 'trail', id: name, arn } : null;
}

export function isArn(value: string): boolean {
  return value.startsWith('arn:');
}
