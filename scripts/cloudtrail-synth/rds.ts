// RDS requestParameters/responseElements: the DBInstance description that CreateDBInstance, ModifyDBInstance,
// RebootDBInstance, DeleteDBInstance and DescribeDBInstances return, DB subnet groups, snapshots and snapshot
// attributes. Field names and order as CloudTrail records them (camel-cased RDS API members,
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html).
import type { JsonObject, JsonValue } from '../../shared/cloudtrail.js';

export function rdsArn(
  region: string,
  account: string,
  kind: 'db' | 'cluster' | 'snapshot' | 'pg',
  name: string,
): string {
  return `arn:aws:rds:${region}:${account}:${kind}:${name}`;
}

/** A DB subnet group; `subnets` as [subnet id, availability zone]. */
export function dbSubnetGroup(
  name: string,
  description: string,
  vpcId: string,
  subnets: readonly (readonly [string, string])[],
): JsonObject {
  return {
    dBSubnetGroupName: name,
    dBSubnetGroupDescription: description,
    vpcId,
    subnetGroupStatus: 'Complete',
    subnets: subnets.map(([subnetIdentifier, az]) => ({
      subnetIdentifier,
      subnetAvailabilityZone: { name: az },
      subnetOutpost: {},
      subnetStatus: 'Active',
    })),
  };
}

/** Everything a DBInstance description says; optional members are absent from it when undefined. */
export interface DbInstanceFields {
  id: string;
  arn: string;
  dbClass: string;
  engine: string;
  status: string;
  masterUsername: string;
  dbName?: string | undefined;
  endpoint?: { address: string; port: number; hostedZoneId: string } | undefined;
  allocatedStorage: number;
  /** Already in the responseElements date form (times.ts responseDate). */
  instanceCreateTime?: string | undefined;
  backupWindow: string;
  backupRetention: number;
  securityGroup: string;
  parameterGroup: string;
  availabilityZone?: string | undefined;
  subnetGroup: JsonObject;
  maintenanceWindow: string;
  pendingModifiedValues: JsonObject;
  latestRestorableTime?: string | undefined;
  multiAZ: boolean;
  engineVersion: string;
  licenseModel: string;
  optionGroup: string;
  characterSetName?: string | undefined;
  publiclyAccessible: boolean;
  storageType: string;
  storageEncrypted: boolean;
  kmsKeyId?: string | undefined;
  resourceId: string;
  monitoringInterval: number;
  iamAuth: boolean;
  performanceInsights: boolean;
  deletionProtection: boolean;
  tagList: JsonValue[];
  storageThroughput: number;
  /** Members the bench files' descriptions have and the sample day's shorter ones leave out. */
  more?: MoreDbInstanceFields | undefined;
  engineLifecycleSupport?: string | undefined;
}

export interface MoreDbInstanceFields {
  enabledCloudwatchLogsExports: string[];
  activityStreamStatus: string;
  certificateDetails: JsonObject;
  isStorageConfigUpgradeAvailable: boolean;
}

/**
 * The DBInstance description, in the RDS API's member order. `trailing`: members to move to the end, as the
 * committed sample day (events/logs, checked byte for byte) has availabilityZone, characterSetName and kmsKeyId.
 */
export function dbInstance(db: DbInstanceFields, trailing: readonly string[] = []): JsonObject {
  const r: JsonObject = {
    dBInstanceIdentifier: db.id,
    dBInstanceClass: db.dbClass,
    engine: db.engine,
    dBInstanceStatus: db.status,
    masterUsername: db.masterUsername,
  };
  if (db.dbName !== undefined) r.dBName = db.dbName;
  if (db.endpoint !== undefined) r.endpoint = db.endpoint;
  r.allocatedStorage = db.allocatedStorage;
  if (db.instanceCreateTime !== undefined) r.instanceCreateTime = db.instanceCreateTime;
  r.preferredBackupWindow = db.backupWindow;
  r.backupRetentionPeriod = db.backupRetention;
  r.dBSecurityGroups = [];
  r.vpcSecurityGroups = [{ vpcSecurityGroupId: db.securityGroup, status: 'active' }];
  r.dBParameterGroups = [{ dBParameterGroupName: db.parameterGroup, parameterApplyStatus: 'in-sync' }];
  if (db.availabilityZone !== undefined) r.availabilityZone = db.availabilityZone;
  r.dBSubnetGroup = db.subnetGroup;
  r.preferredMaintenanceWindow = db.maintenanceWindow;
  r.pendingModifiedValues = db.pendingModifiedValues;
  if (db.latestRestorableTime !== undefined) r.latestRestorableTime = db.latestRestorableTime;
  r.multiAZ = db.multiAZ;
  r.engineVersion = db.engineVersion;
  r.autoMinorVersionUpgrade = true;
  r.readReplicaDBInstanceIdentifiers = [];
  r.licenseModel = db.licenseModel;
  r.optionGroupMemberships = [{ optionGroupName: db.optionGroup, status: 'in-sync' }];
  if (db.characterSetName !== undefined) r.characterSetName = db.characterSetName;
  r.publiclyAccessible = db.publiclyAccessible;
  r.storageType = db.storageType;
  r.dbInstancePort = 0;
  r.storageEncrypted = db.storageEncrypted;
  if (db.kmsKeyId !== undefined) r.kmsKeyId = db.kmsKeyId;
  r.dbiResourceId = db.resourceId;
  r.cACertificateIdentifier = 'rds-ca-rsa2048-g1';
  r.domainMemberships = [];
  r.copyTagsToSnapshot = true;
  r.monitoringInterval = db.monitoringInterval;
  r.dBInstanceArn = db.arn;
  r.iAMDatabaseAuthenticationEnabled = db.iamAuth;
  r.performanceInsightsEnabled = db.performanceInsights;
  if (db.more !== undefined) {
    r.enabledCloudwatchLogsExports = db.more.enabledCloudwatchLogsExports;
    r.processorFeatures = [];
  }
  r.deletionProtection = db.deletionProtection;
  r.associatedRoles = [];
  r.tagList = db.tagList;
  r.customerOwnedIpEnabled = false;
  if (db.more !== undefined) r.activityStreamStatus = db.more.activityStreamStatus;
  r.backupTarget = 'region';
  r.networkType = 'IPV4';
  r.storageThroughput = db.storageThroughput;
  if (db.more !== undefined) r.certificateDetails = db.more.certificateDetails;
  r.dedicatedLogVolume = false;
  if (db.more !== undefined) r.isStorageConfigUpgradeAvailable = db.more.isStorageConfigUpgradeAvailable;
  if (db.engineLifecycleSupport !== undefined) r.engineLifecycleSupport = db.engineLifecycleSupport;
  for (const key of trailing) {
    const value = r[key];
    if (value === undefined) continue;
    delete r[key];
    r[key] = value;
  }
  return r;
}

/** ModifyDBSnapshotAttribute on `restore`: who may restore the snapshot, before and after. */
export function snapshotRestoreChange(
  snapshot: string,
  change: { valuesToAdd: string[] } | { valuesToRemove: string[] },
  afterwards: string[],
): { request: JsonObject; response: JsonObject } {
  return {
    request: { dBSnapshotIdentifier: snapshot, attributeName: 'restore', ...change },
    response: {
      dBSnapshotIdentifier: snapshot,
      dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: afterwards }],
    },
  };
}
