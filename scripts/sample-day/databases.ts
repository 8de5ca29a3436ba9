// The day's DB instances and what RDS answers about them.
import type { JsonObject } from '../../shared/cloudtrail.js';
import { HEX } from '../cloudtrail-synth/alphabets.js';
import { charsFor } from '../cloudtrail-synth/labelled.js';
import { dbInstance, dbSubnetGroup, rdsArn } from '../cloudtrail-synth/rds.js';
import { SAMPLE_ACCOUNT, awsDate, HOME, WEST } from './day.js';

export const KMS_KEY = `arn:aws:kms:${HOME}:${SAMPLE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const KMS_KEY_WEST = `arn:aws:kms:${WEST}:${SAMPLE_ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
export const VPC = 'vpc-0b5e3f2a1c9d84e76';
const SUBNET_GROUP = dbSubnetGroup(
  `default-${VPC}`,
  'Created from the RDS Management Console',
  VPC,
  ['a', 'b', 'c', 'd', 'e', 'f'].map((az) => [`subnet-0${charsFor(`subnet:${az}`, 16, HEX)}`, `us-east-1${az}`]),
);

export interface DbInstance {
  id: string;
  engine: string;
  engineVersion: string;
  dbClass: string;
  storage: number;
  storageType: string;
  masterUsername: string;
  dbName?: string;
  port: number;
  licenseModel: string;
  parameterGroup: string;
  optionGroup: string;
  resourceId: string;
  securityGroup: string;
  multiAZ: boolean;
  publiclyAccessible: boolean;
  encrypted: boolean;
  deletionProtection: boolean;
  backupRetention: number;
  backupWindow: string;
  maintenanceWindow: string;
  az?: string;
  created?: string;
  characterSet?: string;
  hostedZone?: string;
}

/** The sample's responses were made with these members last; RDS puts them in place (cloudtrail-synth/rds.ts). */
const SAMPLE_TRAILING = ['availabilityZone', 'characterSetName', 'kmsKeyId'];

/** The DBInstance in an RDS response, `status` and, when given, pending changes and the endpoint. */
export function dbResponse(
  db: DbInstance,
  status: string,
  options: { pending?: JsonObject; endpoint?: boolean } = {},
): JsonObject {
  return dbInstance(
    {
      id: db.id,
      arn: rdsArn(HOME, SAMPLE_ACCOUNT, 'db', db.id),
      dbClass: db.dbClass,
      engine: db.engine,
      status,
      masterUsername: db.masterUsername,
      dbName: db.dbName,
      endpoint:
        options.endpoint === true
          ? {
              address: `${db.id}.c9akciq32xyz.${HOME}.rds.amazonaws.com`,
              port: db.port,
              hostedZoneId: db.hostedZone ?? 'Z2R2ITUGPM61AM',
            }
          : undefined,
      allocatedStorage: db.storage,
      instanceCreateTime: db.created === undefined ? undefined : awsDate(db.created),
      backupWindow: db.backupWindow,
      backupRetention: db.backupRetention,
      securityGroup: db.securityGroup,
      parameterGroup: db.parameterGroup,
      availabilityZone: db.az,
      subnetGroup: SUBNET_GROUP,
      maintenanceWindow: db.maintenanceWindow,
      pendingModifiedValues: options.pending ?? {},
      multiAZ: db.multiAZ,
      engineVersion: db.engineVersion,
      licenseModel: db.licenseModel,
      optionGroup: db.optionGroup,
      characterSetName: db.characterSet,
      publiclyAccessible: db.publiclyAccessible,
      storageType: db.storageType,
      storageEncrypted: db.encrypted,
      kmsKeyId: db.encrypted ? KMS_KEY : undefined,
      resourceId: db.resourceId,
      monitoringInterval: 0,
      iamAuth: false,
      performanceInsights: false,
      deletionProtection: db.deletionProtection,
      tagList: [],
      storageThroughput: 0,
      engineLifecycleSupport:
        db.engine === 'mysql' || db.engine === 'postgres' ? 'open-source-rds-extended-support' : undefined,
    },
    SAMPLE_TRAILING,
  );
}

/** CreateDBSnapshot's response: a manual snapshot of `db` started at `at`. */
export function snapshotResponse(snapshot: string, db: DbInstance, at: string): JsonObject {
  return {
    dBSnapshotIdentifier: snapshot,
    dBInstanceIdentifier: db.id,
    engine: db.engine,
    allocatedStorage: db.storage,
    status: 'creating',
    port: db.port,
    availabilityZone: db.az ?? 'us-east-1b',
    vpcId: VPC,
    instanceCreateTime: awsDate(db.created ?? at),
    masterUsername: db.masterUsername,
    engineVersion: db.engineVersion,
    licenseModel: db.licenseModel,
    snapshotType: 'manual',
    optionGroupName: db.optionGroup,
    percentProgress: 0,
    storageType: db.storageType,
    encrypted: db.encrypted,
    dBSnapshotArn: rdsArn(HOME, SAMPLE_ACCOUNT, 'snapshot', snapshot),
    iAMDatabaseAuthenticationEnabled: false,
    processorFeatures: [],
    dbiResourceId: db.resourceId,
    tagList: [],
    originalSnapshotCreateTime: awsDate(at),
    snapshotTarget: 'region',
    storageThroughput: 0,
    dedicatedLogVolume: false,
    multiTenant: false,
  };
}

export const ORADB: DbInstance = {
  id: 'oradb',
  engine: 'oracle-se2',
  engineVersion: '19.0.0.0.ru-2026-10.rur-2026-10.r1',
  dbClass: 'db.m3.medium',
  storage: 20,
  storageType: 'gp2',
  masterUsername: 'admin',
  dbName: 'ORCL',
  port: 1521,
  licenseModel: 'license-included',
  parameterGroup: 'default.oracle-se2-19',
  optionGroup: 'default:oracle-se2-19',
  resourceId: 'db-7QK2VXN4HJ3LUE5ZRWMB6DTFYA',
  securityGroup: 'sg-0c1d2e3f4a5b6c7d8',
  multiAZ: false,
  publiclyAccessible: true,
  encrypted: false,
  deletionProtection: false,
  backupRetention: 7,
  backupWindow: '06:13-06:43',
  maintenanceWindow: 'sun:08:15-sun:08:45',
  characterSet: 'AL32UTF8',
};
export const ORADB_UP: DbInstance = { ...ORADB, az: 'us-east-1c', created: '09:29:52' };
export const MYSQL: DbInstance = {
  id: 'mysql-db',
  engine: 'mysql',
  engineVersion: '8.0.43',
  dbClass: 'db.m1.small',
  storage: 20,
  storageType: 'gp2',
  masterUsername: 'dvohra',
  port: 3306,
  licenseModel: 'general-public-license',
  parameterGroup: 'default.mysql8.0',
  optionGroup: 'default:mysql-8-0',
  resourceId: 'db-ETDZIIXHEWY5N7GXVC4SH7H5IA',
  securityGroup: 'sg-0f839b688a1e2d3c4',
  multiAZ: false,
  // Not asked for: the CLI call named no subnet group, so RDS used the default VPC, whose instances are
  // publicly accessible by default (as in the seed's CreateDBInstance record).
  publiclyAccessible: true,
  encrypted: false,
  deletionProtection: false,
  backupRetention: 1,
  backupWindow: '10:27-10:57',
  maintenanceWindow: 'sat:05:47-sat:06:17',
};
export const MYSQL_UP: DbInstance = { ...MYSQL, az: 'us-east-1b', created: '11:41:09' };
export const MYSQLDB: DbInstance = { ...MYSQL_UP, id: 'mysqldb', dbClass: 'db.m1.large', storage: 100, multiAZ: true };
export const ORDERS: DbInstance = {
  id: 'orders-prod',
  engine: 'postgres',
  engineVersion: '17.6',
  dbClass: 'db.r6g.xlarge',
  storage: 500,
  storageType: 'gp3',
  masterUsername: 'orders_admin',
  dbName: 'orders',
  port: 5432,
  licenseModel: 'postgresql-license',
  parameterGroup: 'orders-pg17',
  optionGroup: 'default:postgres-17',
  resourceId: 'db-ORDERSPRD4Q7ZK2M5XW3NB8VHE',
  securityGroup: 'sg-0a9b8c7d6e5f4a3b2',
  multiAZ: true,
  publiclyAccessible: false,
  encrypted: true,
  deletionProtection: true,
  backupRetention: 14,
  backupWindow: '03:00-03:30',
  maintenanceWindow: 'mon:04:00-mon:04:30',
  az: 'us-east-1a',
  created: '09:00:00',
};
