// A random DBInstance description (tens of KB in a large DescribeDBInstances), drawn in a fixed order (the files
// depend on it) and laid out by the kit.
import type { JsonObject } from '../../shared/cloudtrail.js';
import { LOWER_ALNUM, UPPER_ALNUM, UPPER32 } from '../../scripts/cloudtrail-synth/alphabets.js';
import { dbInstance, dbSubnetGroup, rdsArn } from '../../scripts/cloudtrail-synth/rds.js';
import { responseDate } from '../../scripts/cloudtrail-synth/times.js';
import type { Context } from './principals.js';
import { DB_CLASSES, DB_ENGINES, DB_WORDS, FREE_TEXT, tags } from './vocabulary.js';

function portOf(engine: string): number {
  if (engine.includes('postgres')) return 5432;
  if (engine.includes('sqlserver')) return 1433;
  if (engine.includes('oracle')) return 1521;
  return 3306;
}

function licenseOf(engine: string): string {
  if (engine.startsWith('oracle')) return 'bring-your-own-license';
  if (engine.startsWith('sqlserver')) return 'license-included';
  return 'postgresql-license';
}

export function randomDbInstance(ctx: Context, region: string, account: string, id: string): JsonObject {
  const { rng } = ctx;
  const [engine, version, paramGroup] = rng.pick(DB_ENGINES);
  const azs = ['a', 'b', 'c', 'd', 'e', 'f'].map((z) => `${region}${z}`);
  const subnets = azs.slice(0, rng.range(2, 6)).map((az) => [`subnet-${rng.hex(17)}`, az] as const);
  const tagList = tags(rng, rng.range(2, 8));
  return dbInstance({
    id,
    arn: rdsArn(region, account, 'db', id),
    dbClass: rng.pick(DB_CLASSES),
    engine,
    status: rng.pick(['available', 'available', 'available', 'backing-up', 'modifying', 'stopped']),
    masterUsername: rng.pick(['postgres', 'admin', 'dbadmin', 'root_user']),
    dbName: rng.pick(DB_WORDS),
    endpoint: {
      address: `${id}.c${rng.chars(LOWER_ALNUM, 11)}.${region}.rds.amazonaws.com`,
      port: portOf(engine),
      hostedZoneId: `Z${rng.chars(UPPER_ALNUM, 13)}`,
    },
    allocatedStorage: rng.pick([20, 100, 200, 500, 1000, 4000]),
    instanceCreateTime: responseDate(ctx.baseTime - rng.below(3e10)),
    backupWindow: '03:00-03:30',
    backupRetention: rng.pick([1, 7, 14, 35]),
    securityGroup: `sg-${rng.hex(17)}`,
    parameterGroup: paramGroup,
    availabilityZone: rng.pick(azs),
    subnetGroup: dbSubnetGroup(`${rng.pick(DB_WORDS)}-subnets`, rng.pick(FREE_TEXT), `vpc-${rng.hex(17)}`, subnets),
    maintenanceWindow: 'sun:05:00-sun:05:30',
    pendingModifiedValues: {},
    latestRestorableTime: responseDate(ctx.baseTime - rng.below(600_000)),
    multiAZ: rng.chance(0.4),
    engineVersion: version,
    licenseModel: licenseOf(engine),
    optionGroup: `default:${engine}-${version.split('.')[0]}`,
    publiclyAccessible: rng.chance(0.08),
    storageType: rng.pick(['gp3', 'gp2', 'io1', 'io2']),
    storageEncrypted: rng.chance(0.85),
    kmsKeyId: `arn:aws:kms:${region}:${account}:key/${rng.uuid()}`,
    resourceId: `db-${rng.chars(UPPER32, 26)}`,
    monitoringInterval: rng.pick([0, 60]),
    iamAuth: rng.chance(0.3),
    performanceInsights: rng.chance(0.5),
    more: {
      enabledCloudwatchLogsExports: engine.includes('postgres')
        ? ['postgresql', 'upgrade']
        : ['audit', 'error', 'general', 'slowquery'],
      activityStreamStatus: 'stopped',
      certificateDetails: { cAIdentifier: 'rds-ca-rsa2048-g1', validTill: 'May 14, 2025, 10:00:00 AM' },
      isStorageConfigUpgradeAvailable: false,
    },
    deletionProtection: rng.chance(0.6),
    tagList,
    storageThroughput: 125,
    engineLifecycleSupport: 'open-source-rds-extended-support',
  });
}
