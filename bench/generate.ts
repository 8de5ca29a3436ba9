// Deterministic generator of realistic CloudTrail log files for the benchmark (and its test).
//
// Shapes follow the CloudTrail record reference and the real records in shared/corpus/: compact JSON
// `{"Records":[...]}`, keys in CloudTrail's order, userIdentity variants, tlsDetails, null responseElements
// on most read-only calls, service-invoked calls (including KMS/STS calls made *by* rds.amazonaws.com, which
// mention RDS without being RDS events). About 10 % of the records are rds.amazonaws.com events; a little
// over 1 % are RDS Data API (both event sources) and CloudTrail configuration events.
//
// Deliberate stress beyond what a typical real file has: DescribeDBInstances carries responseElements of
// tens of KB (real CloudTrail logs null there for read-only calls), and strings with escaped quotes,
// backslashes (some ending in one), control characters and multi-byte UTF-8 appear often enough that every
// chunk boundary case shows up in a 100 MB file.

import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** Bump whenever the output for a given seed changes: cached files of another version are regenerated. */
export const GENERATOR_VERSION = 4;
export const DEFAULT_SEED = 0x7a11_3a7c;

/** Uncompressed target sizes (MB = 10^6 bytes). Files end at the first record boundary past the target. */
export const SIZES = { '5mb': 5_000_000, '100mb': 100_000_000, '1gb': 1_000_000_000 } as const;
export type SizeName = keyof typeof SIZES;
export function isSizeName(value: string): value is SizeName {
  return Object.hasOwn(SIZES, value);
}

/** The event sources trailwatch cares about (what the reader's prefilter keeps). */
export const RELEVANT_SOURCES = [
  'rds.amazonaws.com',
  'rdsdata.amazonaws.com',
  'rdsdataapi.amazonaws.com',
  'cloudtrail.amazonaws.com',
] as const;

export type Category = 'rds' | 'rds-describe-large' | 'rdsdata' | 'rdsdataapi' | 'cloudtrail' | 'other';

export interface CategoryCount {
  records: number;
  bytes: number;
}

export interface GeneratedStats {
  generatorVersion: number;
  seed: number;
  targetBytes: number;
  /** Uncompressed size of the JSON text. */
  bytes: number;
  records: number;
  /** Records whose eventSource is one of RELEVANT_SOURCES. */
  relevantRecords: number;
  /** rds.amazonaws.com records (large DescribeDBInstances included). */
  rdsRecords: number;
  byCategory: Record<Category, CategoryCount>;
  /** Records whose JSON text contains an escaped quote or backslash. */
  recordsWithEscapes: number;
  /** Records whose JSON text contains non-ASCII UTF-8. */
  recordsWithUnicode: number;
  largestRecordBytes: number;
}

export interface GeneratedFile extends GeneratedStats {
  path: string;
  compressedBytes: number;
}

// ---------------------------------------------------------------------------------------------------------
// PRNG: sfc32, seeded through splitmix32. Small, fast, and the same sequence on every machine.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks by weight from [weight, value] pairs. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of items) total += w;
    let x = this.float() * total;
    for (const [w, v] of items) {
      x -= w;
      if (x < 0) return v;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last[1];
  }

  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  hex(n: number): string {
    return this.chars('0123456789abcdef', n);
  }

  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Vocabulary

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObj = { [key: string]: Json };

const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const UPPERNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWERNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

const ACCOUNTS = ['123456789012', '210987654321', '444455556666'] as const;
const REGIONS: readonly (readonly [number, string])[] = [
  [60, 'us-east-1'],
  [15, 'eu-west-1'],
  [10, 'us-west-2'],
  [8, 'eu-central-1'],
  [7, 'ap-northeast-1'],
];

const USER_AGENTS: readonly (readonly [number, string])[] = [
  [
    18,
    'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.164.amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off command/rds.describe-db-instances',
  ],
  [16, 'aws-sdk-js/3.540.0 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 lang/js md/nodejs#20.12.0 api/rds#3.540.0'],
  [
    14,
    'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
  ],
  [
    10,
    'terraform-provider-aws/5.44.0 (+https://registry.terraform.io/providers/hashicorp/aws) HashiCorp Terraform/1.7.5 (+https://www.terraform.io) aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/rds#1.76.0',
  ],
  [
    8,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
  ],
  [6, 'AWS Internal'],
  [5, 'console.amazonaws.com'],
  // Backslashes in a user agent: a Windows install path, as some SDK wrappers report it.
  [
    4,
    'AWSPowerShell.Common/4.1.544.0 .NET_Core/6.0.28 OS/Microsoft_Windows_10.0.20348 PowerShellCore/7.4.1 (C:\\Program Files\\PowerShell\\7\\pwsh.dll)',
  ],
  // Quotes in a user agent.
  [
    3,
    'aws-sdk-java/1.12.687 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS java/17.0.10 vendor/Amazon.com_Inc. cfg/retry-mode/standard exec-env/AWS_ECS_FARGATE "batch-job"',
  ],
];

const TLS_CIPHERS = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'ECDHE-RSA-AES128-GCM-SHA256'] as const;

/** Text with multi-byte UTF-8 and characters that JSON escapes, for descriptions and tag values. */
const FREE_TEXT = [
  'Nightly backup',
  'Nächtliche Sicherung für Bestellungen',
  'Sauvegarde quotidienne – base « clients »',
  '夜間バックアップ（本番）',
  'резервная копия',
  'Owner: data-platform 🚀',
  'Migrated from "legacy-db" by O\'Brien',
  'Path C:\\backups\\orders\\',
  'multi-line\nnote\twith tab',
  'ends with a backslash \\',
  'quote at the end "',
  'ç©®∆ ✓ 🙂 𝄞',
] as const;

const SERVICE_PRINCIPALS = [
  'rds.amazonaws.com',
  'cloudformation.amazonaws.com',
  'lambda.amazonaws.com',
  'autoscaling.amazonaws.com',
  'elasticloadbalancing.amazonaws.com',
  'ssm.amazonaws.com',
  'backup.amazonaws.com',
] as const;

const DB_ENGINES: readonly (readonly [string, string, string])[] = [
  ['postgres', '16.2', 'default.postgres16'],
  ['mysql', '8.0.36', 'default.mysql8.0'],
  ['aurora-postgresql', '15.5', 'default.aurora-postgresql15'],
  ['aurora-mysql', '8.0.mysql_aurora.3.05.2', 'default.aurora-mysql8.0'],
  ['oracle-ee', '19.0.0.0.ru-2024-01.rur-2024-01.r1', 'default.oracle-ee-19'],
  ['sqlserver-se', '15.00.4345.5.v1', 'default.sqlserver-se-15.0'],
];
const DB_CLASSES = [
  'db.t3.micro',
  'db.t4g.medium',
  'db.m6g.large',
  'db.r6g.xlarge',
  'db.r6i.2xlarge',
  'db.m5.4xlarge',
] as const;
const DB_WORDS = [
  'orders',
  'billing',
  'users',
  'analytics',
  'inventory',
  'payments',
  'search',
  'auth',
  'catalog',
  'ledger',
] as const;
const ENVS = ['prod', 'staging', 'dev', 'qa'] as const;

interface Principal {
  identity: JsonObj;
  /** For AWSService identities: the service, which CloudTrail also puts in sourceIPAddress/userAgent. */
  service?: string;
  console: boolean;
}

interface Context {
  rng: Rng;
  baseTime: number;
  principals: readonly (readonly [number, Principal])[];
  dbIds: readonly string[];
  clusterIds: readonly string[];
}

function makePrincipals(rng: Rng): (readonly [number, Principal])[] {
  const out: (readonly [number, Principal])[] = [];
  const users = ['alice', 'bob', 'carol.ops', 'deploy-bot', 'jenkins', 'dba_admin', 'svc-reporting', 'mallory'];
  for (const account of ACCOUNTS) {
    for (const user of users) {
      out.push([
        3,
        {
          identity: {
            type: 'IAMUser',
            principalId: `AIDA${rng.chars(UPPER32, 17)}`,
            arn: `arn:aws:iam::${account}:user/${user}`,
            accountId: account,
            accessKeyId: `AKIA${rng.chars(UPPER32, 16)}`,
            userName: user,
          },
          console: false,
        },
      ]);
    }
    const roles = [
      'OrganizationAccountAccessRole',
      'AWSReservedSSO_AdministratorAccess_3f2a1b0c9d8e7f6a',
      'github-actions-deploy',
      'ecsTaskRole-orders',
      'lambda-rds-snapshot-exporter',
      'DataPlatformEngineer',
    ];
    for (const role of roles) {
      const roleId = `AROA${rng.chars(UPPER32, 17)}`;
      for (let s = 0; s < 3; s++) {
        const session = rng.pick([
          `i-0${rng.hex(16)}`,
          `botocore-session-${rng.range(1_700_000_000, 1_720_000_000)}`,
          `${rng.pick(users)}@example.com`,
          `aws-go-sdk-${rng.hex(12)}`,
          'GitHubActions',
        ]);
        const viaService = role === 'lambda-rds-snapshot-exporter' || role === 'ecsTaskRole-orders';
        const identity: JsonObj = {
          type: 'AssumedRole',
          principalId: `${roleId}:${session}`,
          arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
          accountId: account,
          accessKeyId: `ASIA${rng.chars(UPPER32, 16)}`,
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              principalId: roleId,
              arn: `arn:aws:iam::${account}:role/${role}`,
              accountId: account,
              userName: role,
            },
            webIdFederationData: {},
            attributes: { creationDate: '2024-05-14T09:12:44Z', mfaAuthenticated: rng.chance(0.3) ? 'true' : 'false' },
          },
        };
        if (rng.chance(0.15)) identity.invokedBy = rng.pick(SERVICE_PRINCIPALS);
        out.push([viaService ? 6 : 4, { identity, console: role.startsWith('AWSReservedSSO') }]);
      }
    }
    for (const service of SERVICE_PRINCIPALS) {
      out.push([
        service === 'rds.amazonaws.com' ? 6 : 3,
        { identity: { type: 'AWSService', invokedBy: service }, service, console: false },
      ]);
    }
    out.push([
      1,
      {
        identity: {
          type: 'Root',
          principalId: account,
          arn: `arn:aws:iam::${account}:root`,
          accountId: account,
          accessKeyId: `ASIA${rng.chars(UPPER32, 16)}`,
          sessionContext: { attributes: { creationDate: '2024-05-14T08:01:02Z', mfaAuthenticated: 'true' } },
        },
        console: true,
      },
    ]);
  }
  return out;
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The "Mon D, YYYY, h:mm:ss AM" form some services use in responses. */
function javaTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const h = d.getUTCHours();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

function ip(rng: Rng): string {
  return rng.chance(0.1)
    ? `2001:db8:${rng.hex(4)}::${rng.hex(3)}`
    : `${rng.range(3, 223)}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;
}

function tags(rng: Rng, n: number): Json[] {
  const out: Json[] = [];
  for (let i = 0; i < n; i++) {
    const key = rng.pick([
      'Name',
      'Owner',
      'CostCenter',
      'Environment',
      'Description',
      'backup:policy',
      'aws:cloudformation:stack-name',
    ]);
    out.push({
      key,
      value: key === 'Description' || key === 'Owner' ? rng.pick(FREE_TEXT) : `${rng.pick(DB_WORDS)}-${rng.pick(ENVS)}`,
    });
  }
  return out;
}

interface Envelope {
  source: string;
  name: string;
  principal: Principal;
  readOnly: boolean;
  requestParameters: Json;
  responseElements: Json;
  error?: { code: string; message: string };
  resources?: Json[];
  additionalEventData?: JsonObj;
  eventCategory?: 'Management' | 'Data';
  eventType?: string;
}

function principalFor(ctx: Context, source: string): Principal {
  return ctx.rng.weighted(ctx.principals.filter(([, p]) => p.service === undefined || p.service !== source));
}

/** Assembles a record with CloudTrail's field order. */
function record(ctx: Context, region: string, e: Envelope): JsonObj {
  const { rng } = ctx;
  const p = e.principal;
  const account = typeof p.identity.accountId === 'string' ? p.identity.accountId : rng.pick(ACCOUNTS);
  const rec: JsonObj = {
    eventVersion: rng.pick(['1.08', '1.09', '1.10']),
    userIdentity: p.identity,
    // Files are not in time order: times scatter over a 5-minute window.
    eventTime: isoTime(ctx.baseTime + rng.int(300_000)),
    eventSource: e.source,
    eventName: e.name,
    awsRegion: region,
    sourceIPAddress: p.service ?? (p.console ? ip(rng) : rng.chance(0.05) ? 'AWS Internal' : ip(rng)),
    userAgent: p.service ?? (p.console ? 'console.amazonaws.com' : rng.weighted(USER_AGENTS)),
  };
  if (e.error) {
    rec.errorCode = e.error.code;
    rec.errorMessage = e.error.message;
  }
  rec.requestParameters = e.requestParameters;
  rec.responseElements = e.error ? null : e.responseElements;
  if (e.additionalEventData) rec.additionalEventData = e.additionalEventData;
  rec.requestID = rng.uuid();
  rec.eventID = rng.uuid();
  rec.readOnly = e.readOnly;
  if (e.resources) rec.resources = e.resources;
  rec.eventType = e.eventType ?? (p.service ? 'AwsServiceEvent' : 'AwsApiCall');
  rec.managementEvent = e.eventCategory !== 'Data';
  rec.recipientAccountId = account;
  if (p.service && rng.chance(0.5)) rec.sharedEventID = rng.uuid();
  if (rng.chance(0.04)) rec.vpcEndpointId = `vpce-${rng.hex(17)}`;
  rec.eventCategory = e.eventCategory ?? 'Management';
  if (!p.service) {
    const host = e.source.replace('.amazonaws.com', `.${region}.amazonaws.com`);
    rec.tlsDetails = {
      tlsVersion: rng.chance(0.8) ? 'TLSv1.3' : 'TLSv1.2',
      cipherSuite: rng.pick(TLS_CIPHERS),
      clientProvidedHostHeader: host,
    };
  }
  if (p.console) rec.sessionCredentialFromConsole = 'true';
  return rec;
}

// ---------------------------------------------------------------------------------------------------------
// RDS

function dbInstance(ctx: Context, region: string, account: string, id: string): JsonObj {
  const { rng } = ctx;
  const [engine, version, paramGroup] = rng.pick(DB_ENGINES);
  const azs = ['a', 'b', 'c', 'd', 'e', 'f'].map((z) => `${region}${z}`);
  const subnets: Json[] = azs.slice(0, rng.range(2, 6)).map((az) => ({
    subnetIdentifier: `subnet-${rng.hex(17)}`,
    subnetAvailabilityZone: { name: az },
    subnetOutpost: {},
    subnetStatus: 'Active',
  }));
  const tagList = tags(rng, rng.range(2, 8));
  return {
    dBInstanceIdentifier: id,
    dBInstanceClass: rng.pick(DB_CLASSES),
    engine,
    dBInstanceStatus: rng.pick(['available', 'available', 'available', 'backing-up', 'modifying', 'stopped']),
    masterUsername: rng.pick(['postgres', 'admin', 'dbadmin', 'root_user']),
    dBName: rng.pick(DB_WORDS),
    endpoint: {
      address: `${id}.c${rng.chars(LOWERNUM, 11)}.${region}.rds.amazonaws.com`,
      port: engine.includes('postgres')
        ? 5432
        : engine.includes('sqlserver')
          ? 1433
          : engine.includes('oracle')
            ? 1521
            : 3306,
      hostedZoneId: `Z${rng.chars(UPPERNUM, 13)}`,
    },
    allocatedStorage: rng.pick([20, 100, 200, 500, 1000, 4000]),
    instanceCreateTime: javaTime(ctx.baseTime - rng.int(3e10)),
    preferredBackupWindow: '03:00-03:30',
    backupRetentionPeriod: rng.pick([1, 7, 14, 35]),
    dBSecurityGroups: [],
    vpcSecurityGroups: [{ vpcSecurityGroupId: `sg-${rng.hex(17)}`, status: 'active' }],
    dBParameterGroups: [{ dBParameterGroupName: paramGroup, parameterApplyStatus: 'in-sync' }],
    availabilityZone: rng.pick(azs),
    dBSubnetGroup: {
      dBSubnetGroupName: `${rng.pick(DB_WORDS)}-subnets`,
      dBSubnetGroupDescription: rng.pick(FREE_TEXT),
      vpcId: `vpc-${rng.hex(17)}`,
      subnetGroupStatus: 'Complete',
      subnets,
    },
    preferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    pendingModifiedValues: {},
    latestRestorableTime: javaTime(ctx.baseTime - rng.int(600_000)),
    multiAZ: rng.chance(0.4),
    engineVersion: version,
    autoMinorVersionUpgrade: true,
    readReplicaDBInstanceIdentifiers: [],
    licenseModel: engine.startsWith('oracle')
      ? 'bring-your-own-license'
      : engine.startsWith('sqlserver')
        ? 'license-included'
        : 'postgresql-license',
    optionGroupMemberships: [{ optionGroupName: `default:${engine}-${version.split('.')[0]}`, status: 'in-sync' }],
    publiclyAccessible: rng.chance(0.08),
    storageType: rng.pick(['gp3', 'gp2', 'io1', 'io2']),
    dbInstancePort: 0,
    storageEncrypted: rng.chance(0.85),
    kmsKeyId: `arn:aws:kms:${region}:${account}:key/${rng.uuid()}`,
    dbiResourceId: `db-${rng.chars(UPPER32, 26)}`,
    cACertificateIdentifier: 'rds-ca-rsa2048-g1',
    domainMemberships: [],
    copyTagsToSnapshot: true,
    monitoringInterval: rng.pick([0, 60]),
    dBInstanceArn: `arn:aws:rds:${region}:${account}:db:${id}`,
    iAMDatabaseAuthenticationEnabled: rng.chance(0.3),
    performanceInsightsEnabled: rng.chance(0.5),
    enabledCloudwatchLogsExports: engine.includes('postgres')
      ? ['postgresql', 'upgrade']
      : ['audit', 'error', 'general', 'slowquery'],
    processorFeatures: [],
    deletionProtection: rng.chance(0.6),
    associatedRoles: [],
    tagList,
    customerOwnedIpEnabled: false,
    activityStreamStatus: 'stopped',
    backupTarget: 'region',
    networkType: 'IPV4',
    storageThroughput: 125,
    certificateDetails: { cAIdentifier: 'rds-ca-rsa2048-g1', validTill: 'May 14, 2025, 10:00:00 AM' },
    dedicatedLogVolume: false,
    isStorageConfigUpgradeAvailable: false,
    engineLifecycleSupport: 'open-source-rds-extended-support',
  };
}

function rdsEvent(ctx: Context, region: string): [Category, Envelope] {
  const { rng } = ctx;
  const principal = principalFor(ctx, 'rds.amazonaws.com');
  const account =
    typeof principal.identity.accountId === 'string' ? principal.identity.accountId : rng.pick(ACCOUNTS);
  const id = rng.pick(ctx.dbIds);
  const arn = `arn:aws:rds:${region}:${account}:db:${id}`;
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
      const dBInstances: Json[] = [];
      for (let i = 0; i < n; i++) dBInstances.push(dbInstance(ctx, region, account, rng.pick(ctx.dbIds)));
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
          requestParameters: { startTime: javaTime(ctx.baseTime - 3_600_000), endTime: javaTime(ctx.baseTime) },
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
            dBSnapshotArn: `arn:aws:rds:${region}:${account}:snapshot:${snap}`,
            tagList: tags(rng, 2),
          },
          ...(error ? { error } : {}),
        },
      ];
    }
    case 'CreateDBInstance':
    case 'RestoreDBInstanceFromDBSnapshot': {
      const newId = `${rng.pick(DB_WORDS)}-${rng.pick(ENVS)}-${rng.range(1, 99)}`;
      const instance = dbInstance(ctx, region, account, newId);
      instance.dBInstanceStatus = 'creating';
      instance.pendingModifiedValues = { masterUserPassword: '****' };
      const request: JsonObj =
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
      const instance = dbInstance(ctx, region, account, id);
      const request: JsonObj = { dBInstanceIdentifier: id, applyImmediately: rng.chance(0.5) };
      const change = rng.int(4);
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
      const instance = dbInstance(ctx, region, account, id);
      instance.dBInstanceStatus = 'deleting';
      const request: JsonObj = {
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
      return [
        'rds',
        {
          ...base,
          name: kind,
          readOnly: false,
          requestParameters: { dBSnapshotIdentifier: snap, attributeName: 'restore', valuesToAdd: values },
          responseElements: {
            dBSnapshotIdentifier: snap,
            dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: values }],
          },
          ...(error ? { error } : {}),
        },
      ];
    }
    case 'RebootDBInstance':
    case 'StopDBInstance': {
      const instance = dbInstance(ctx, region, account, id);
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
      const request: JsonObj =
        kind === 'ModifyDBCluster'
          ? { dBClusterIdentifier: cluster, deletionProtection: false, applyImmediately: true }
          : { dBClusterIdentifier: cluster, skipFinalSnapshot: rng.chance(0.3) };
      const response: JsonObj = {
        dBClusterIdentifier: cluster,
        status: kind === 'DeleteDBCluster' ? 'deleting' : 'available',
        engine: 'aurora-postgresql',
        dBClusterArn: `arn:aws:rds:${region}:${account}:cluster:${cluster}`,
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
            dBParameterGroupArn: `arn:aws:rds:${region}:${account}:pg:${name}`,
          },
        },
      ];
    }
  }
}

function dataApiEvent(
  ctx: Context,
  region: string,
  source: 'rdsdata.amazonaws.com' | 'rdsdataapi.amazonaws.com',
): Envelope {
  const { rng } = ctx;
  const principal = principalFor(ctx, source);
  const account =
    typeof principal.identity.accountId === 'string' ? principal.identity.accountId : rng.pick(ACCOUNTS);
  const cluster = rng.pick(ctx.clusterIds);
  const clusterArn = `arn:aws:rds:${region}:${account}:cluster:${cluster}`;
  const name = rng.weighted<string>([
    [10, 'ExecuteStatement'],
    [3, 'BatchExecuteStatement'],
    [2, 'BeginTransaction'],
    [2, 'CommitTransaction'],
    [1, 'RollbackTransaction'],
  ]);
  const request: JsonObj = {
    resourceArn: clusterArn,
    secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:${cluster}-data-api-${rng.chars(LOWERNUM, 6)}`,
  };
  if (name === 'ExecuteStatement' || name === 'BatchExecuteStatement') {
    // The Data API masks SQL text, database and schema in CloudTrail.
    Object.assign(request, {
      continueAfterTimeout: false,
      database: '**********',
      includeResultMetadata: rng.chance(0.5),
      parameters: [],
      schema: '**********',
      sql: '**********',
    });
  } else if (name !== 'BeginTransaction') {
    request.transactionId = rng.chars(LOWERNUM + UPPERNUM, 184);
  }
  const error = rng.chance(0.05)
    ? {
        code: 'BadRequestException',
        message: 'Database error code: 1064. Message: You have an error in your SQL syntax near "**********" at line 1',
      }
    : undefined;
  return {
    source,
    name,
    principal,
    readOnly: false,
    requestParameters: request,
    responseElements: null,
    ...(error ? { error } : {}),
    ...(source === 'rdsdataapi.amazonaws.com'
      ? {
          eventCategory: 'Data' as const,
          resources: [{ accountId: account, type: 'AWS::RDS::DBCluster', ARN: clusterArn }],
        }
      : {}),
  };
}

function cloudTrailEvent(ctx: Context, region: string): Envelope {
  const { rng } = ctx;
  const principal = principalFor(ctx, 'cloudtrail.amazonaws.com');
  const account =
    typeof principal.identity.accountId === 'string' ? principal.identity.accountId : rng.pick(ACCOUNTS);
  const trailArn = `arn:aws:cloudtrail:${region}:${account}:trail/${rng.pick(['management-events', 'org-trail', 'security-audit'])}`;
  const base = { source: 'cloudtrail.amazonaws.com', principal };
  const kind = rng.weighted<string>([
    [10, 'DescribeTrails'],
    [6, 'LookupEvents'],
    [5, 'GetEventSelectors'],
    [3, 'PutEventSelectors-basic'],
    [2, 'PutEventSelectors-advanced'],
    [1, 'StopLogging'],
    [1, 'UpdateTrail'],
    [1, 'DeleteTrail'],
  ]);
  switch (kind) {
    case 'PutEventSelectors-basic': {
      const eventSelectors: Json[] = [
        {
          readWriteType: 'All',
          includeManagementEvents: true,
          dataResources: [],
          excludeManagementEventSources: rng.chance(0.5) ? ['rdsdata.amazonaws.com'] : ['kms.amazonaws.com'],
        },
      ];
      return {
        ...base,
        name: 'PutEventSelectors',
        readOnly: false,
        requestParameters: { trailName: trailArn, eventSelectors },
        responseElements: { trailARN: trailArn, eventSelectors },
      };
    }
    case 'PutEventSelectors-advanced': {
      const advancedEventSelectors: Json[] = [
        {
          name: 'Management events',
          fieldSelectors: [
            { field: 'eventCategory', equals: ['Management'] },
            { field: 'eventSource', notEquals: ['rdsdata.amazonaws.com'] },
          ],
        },
        {
          name: 'RDS Data API',
          fieldSelectors: [
            { field: 'eventCategory', equals: ['Data'] },
            { field: 'resources.type', equals: ['AWS::RDS::DBCluster'] },
          ],
        },
      ];
      return {
        ...base,
        name: 'PutEventSelectors',
        readOnly: false,
        requestParameters: { trailName: trailArn, advancedEventSelectors },
        responseElements: { trailARN: trailArn, advancedEventSelectors },
      };
    }
    case 'StopLogging':
    case 'DeleteTrail':
      return {
        ...base,
        name: kind,
        readOnly: false,
        requestParameters: { name: trailArn },
        responseElements: null,
        resources: [{ accountId: account, type: 'AWS::CloudTrail::Trail', ARN: trailArn }],
      };
    case 'UpdateTrail':
      return {
        ...base,
        name: kind,
        readOnly: false,
        requestParameters: { name: trailArn, enableLogFileValidation: false },
        responseElements: {
          name: trailArn.split('/')[1] ?? 'trail',
          s3BucketName: `aws-cloudtrail-logs-${account}-${rng.hex(8)}`,
          includeGlobalServiceEvents: true,
          isMultiRegionTrail: true,
          trailARN: trailArn,
          logFileValidationEnabled: false,
          isOrganizationTrail: false,
        },
      };
    default:
      return {
        ...base,
        name: kind,
        readOnly: true,
        requestParameters:
          kind === 'DescribeTrails'
            ? { trailNameList: [], includeShadowTrails: true }
            : kind === 'LookupEvents'
              ? {
                  lookupAttributes: [{ attributeKey: 'EventSource', attributeValue: 'rds.amazonaws.com' }],
                  maxResults: 50,
                }
              : { trailName: trailArn },
        responseElements: null,
      };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Everything else (~88 % of records)

function otherEvent(ctx: Context, region: string): Envelope {
  const { rng } = ctx;
  const source = rng.weighted<string>([
    [20, 's3.amazonaws.com'],
    [16, 'ec2.amazonaws.com'],
    [14, 'sts.amazonaws.com'],
    [12, 'kms.amazonaws.com'],
    [6, 'iam.amazonaws.com'],
    [6, 'lambda.amazonaws.com'],
    [6, 'dynamodb.amazonaws.com'],
    [5, 'logs.amazonaws.com'],
    [4, 'secretsmanager.amazonaws.com'],
    [3, 'events.amazonaws.com'],
    [3, 'ssm.amazonaws.com'],
    [2, 'signin.amazonaws.com'],
    [2, 'monitoring.amazonaws.com'],
    [1, 'elasticloadbalancing.amazonaws.com'],
  ]);
  const principal = principalFor(ctx, source);
  const account =
    typeof principal.identity.accountId === 'string' ? principal.identity.accountId : rng.pick(ACCOUNTS);
  const base = { source, principal };
  switch (source) {
    case 's3.amazonaws.com': {
      const bucket = `${rng.pick(DB_WORDS)}-${rng.pick(ENVS)}-${account}`;
      const name = rng.pick([
        'GetBucketAcl',
        'GetBucketLocation',
        'ListBuckets',
        'GetBucketPolicy',
        'PutBucketPolicy',
        'GetBucketVersioning',
        'PutBucketTagging',
      ]);
      const request: JsonObj = { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com` };
      if (name === 'PutBucketPolicy') {
        // A policy document inside a JSON string: escaped quotes.
        request.bucketPolicy = JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecure',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        });
      }
      if (name === 'PutBucketTagging') request.Tagging = { TagSet: { Tag: tags(rng, 2) } };
      return {
        ...base,
        name,
        readOnly: name.startsWith('Get') || name.startsWith('List'),
        requestParameters: request,
        responseElements: null,
        additionalEventData: {
          SignatureVersion: 'SigV4',
          CipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256',
          bytesTransferredIn: 0,
          AuthenticationMethod: 'AuthHeader',
          'x-amz-id-2': rng.chars(`${LOWERNUM + UPPERNUM}+/=`, 76),
          bytesTransferredOut: rng.int(4000),
        },
        resources: [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
      };
    }
    case 'ec2.amazonaws.com': {
      const name = rng.weighted<string>([
        [10, 'DescribeInstances'],
        [6, 'DescribeSecurityGroups'],
        [4, 'DescribeVolumes'],
        [3, 'CreateTags'],
        [2, 'RunInstances'],
        [2, 'AuthorizeSecurityGroupIngress'],
      ]);
      if (name === 'RunInstances') {
        const items: Json[] = [];
        for (let i = 0, n = rng.range(1, 4); i < n; i++) {
          items.push({
            instanceId: `i-0${rng.hex(16)}`,
            imageId: `ami-0${rng.hex(16)}`,
            instanceState: { code: 0, name: 'pending' },
            privateDnsName: `ip-10-0-${rng.int(256)}-${rng.int(256)}.ec2.internal`,
            amiLaunchIndex: i,
            productCodes: {},
            instanceType: 'm6i.large',
            launchTime: ctx.baseTime,
            placement: { availabilityZone: `${region}a`, tenancy: 'default' },
            monitoring: { state: 'disabled' },
            subnetId: `subnet-${rng.hex(17)}`,
            vpcId: `vpc-${rng.hex(17)}`,
            privateIpAddress: `10.0.${rng.int(256)}.${rng.int(256)}`,
            stateReason: { code: 'pending', message: 'pending' },
            architecture: 'x86_64',
            rootDeviceType: 'ebs',
            rootDeviceName: '/dev/xvda',
            blockDeviceMapping: {},
            virtualizationType: 'hvm',
            hypervisor: 'xen',
            tagSet: { items: tags(rng, 2) },
            groupSet: { items: [{ groupId: `sg-${rng.hex(17)}`, groupName: 'default' }] },
            sourceDestCheck: true,
            networkInterfaceSet: {
              items: [
                {
                  networkInterfaceId: `eni-${rng.hex(17)}`,
                  status: 'in-use',
                  macAddress: '02:3a:4b:5c:6d:7e',
                  privateIpAddress: '10.0.1.23',
                  sourceDestCheck: true,
                },
              ],
            },
            ebsOptimized: true,
            enaSupport: true,
            metadataOptions: {
              state: 'pending',
              httpTokens: 'required',
              httpPutResponseHopLimit: 2,
              httpEndpoint: 'enabled',
            },
          });
        }
        return {
          ...base,
          name,
          readOnly: false,
          requestParameters: {
            instancesSet: { items: [{ imageId: `ami-0${rng.hex(16)}`, minCount: 1, maxCount: items.length }] },
            instanceType: 'm6i.large',
            userData: '<sensitiveDataRemoved>',
            disableApiTermination: false,
          },
          responseElements: {
            requestId: rng.uuid(),
            reservationId: `r-0${rng.hex(16)}`,
            ownerId: account,
            groupSet: {},
            instancesSet: { items },
          },
        };
      }
      if (name === 'AuthorizeSecurityGroupIngress') {
        return {
          ...base,
          name,
          readOnly: false,
          requestParameters: {
            groupId: `sg-${rng.hex(17)}`,
            ipPermissions: {
              items: [
                {
                  ipProtocol: 'tcp',
                  fromPort: 5432,
                  toPort: 5432,
                  groups: {},
                  ipRanges: {
                    items: [{ cidrIp: rng.pick(['0.0.0.0/0', '10.0.0.0/8']), description: rng.pick(FREE_TEXT) }],
                  },
                  ipv6Ranges: {},
                  prefixListIds: {},
                },
              ],
            },
          },
          responseElements: { requestId: rng.uuid(), _return: true },
        };
      }
      if (name === 'CreateTags') {
        return {
          ...base,
          name,
          readOnly: false,
          requestParameters: {
            resourcesSet: { items: [{ resourceId: `i-0${rng.hex(16)}` }] },
            tagSet: { items: tags(rng, 3) },
          },
          responseElements: { requestId: rng.uuid(), _return: true },
        };
      }
      return {
        ...base,
        name,
        readOnly: true,
        requestParameters: { filterSet: {}, maxResults: 1000 },
        responseElements: null,
      };
    }
    case 'sts.amazonaws.com': {
      if (rng.chance(0.35))
        return { ...base, name: 'GetCallerIdentity', readOnly: true, requestParameters: null, responseElements: null };
      const role = rng.pick([
        'github-actions-deploy',
        'ecsTaskRole-orders',
        'DataPlatformEngineer',
        'rds-monitoring-role',
        'lambda-rds-snapshot-exporter',
      ]);
      const session = rng.pick([
        'GitHubActions',
        `botocore-session-${rng.range(1_700_000_000, 1_720_000_000)}`,
        `i-0${rng.hex(16)}`,
      ]);
      const roleArn = `arn:aws:iam::${account}:role/${role}`;
      return {
        ...base,
        name: 'AssumeRole',
        readOnly: true,
        requestParameters: { roleArn, roleSessionName: session, durationSeconds: 3600 },
        responseElements: {
          credentials: {
            accessKeyId: `ASIA${rng.chars(UPPER32, 16)}`,
            sessionToken: rng.chars(`${LOWERNUM + UPPERNUM}+/`, rng.range(400, 900)),
            expiration: javaTime(ctx.baseTime + 3_600_000),
          },
          assumedRoleUser: {
            assumedRoleId: `AROA${rng.chars(UPPER32, 17)}:${session}`,
            arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
          },
        },
        resources: [{ accountId: account, type: 'AWS::IAM::Role', ARN: roleArn }],
      };
    }
    case 'kms.amazonaws.com': {
      const keyArn = `arn:aws:kms:${region}:${account}:key/${rng.uuid()}`;
      const name = rng.pick(['Decrypt', 'Decrypt', 'GenerateDataKey', 'Encrypt', 'DescribeKey']);
      // Many KMS calls are made by RDS on behalf of encrypted instances: they mention rds.amazonaws.com in
      // userIdentity and the encryption context without being RDS events.
      const forRds = principal.service === 'rds.amazonaws.com' || rng.chance(0.2);
      const request: JsonObj = { keyId: keyArn, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      if (forRds)
        request.encryptionContext = {
          'aws:rds:db-id': `db-${rng.chars(UPPER32, 26)}`,
          'aws:rds:service': 'rds.amazonaws.com',
        };
      return {
        ...base,
        name,
        readOnly: true,
        requestParameters: request,
        responseElements: null,
        resources: [{ accountId: account, type: 'AWS::KMS::Key', ARN: keyArn }],
      };
    }
    case 'iam.amazonaws.com': {
      const name = rng.pick(['GetRole', 'ListRoles', 'PutRolePolicy', 'AttachRolePolicy', 'CreateUser', 'GetUser']);
      const role = rng.pick(['rds-monitoring-role', 'lambda-rds-snapshot-exporter', 'ecsTaskRole-orders']);
      if (name === 'PutRolePolicy') {
        // Policy text is a JSON string in requestParameters: escaped quotes, and here a description with more.
        const policy = {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['rds:DescribeDBInstances', 'rds:CreateDBSnapshot', 'rds-data:ExecuteStatement'],
              Resource: `arn:aws:rds:${region}:${account}:db:*`,
              Condition: { StringEquals: { 'aws:ResourceTag/Owner': rng.pick(FREE_TEXT) } },
            },
          ],
        };
        return {
          ...base,
          name,
          readOnly: false,
          requestParameters: {
            roleName: role,
            policyName: 'rds-access',
            policyDocument: JSON.stringify(policy, null, rng.chance(0.5) ? 4 : 0),
          },
          responseElements: null,
        };
      }
      if (name === 'CreateUser') {
        const user = rng.pick(['temp-contractor', 'backup-operator', 'svc-etl']);
        return {
          ...base,
          name,
          readOnly: false,
          requestParameters: { userName: user, tags: tags(rng, 2) },
          responseElements: {
            user: {
              path: '/',
              userName: user,
              userId: `AIDA${rng.chars(UPPER32, 17)}`,
              arn: `arn:aws:iam::${account}:user/${user}`,
              createDate: javaTime(ctx.baseTime),
              tags: tags(rng, 2),
            },
          },
        };
      }
      if (name === 'AttachRolePolicy')
        return {
          ...base,
          name,
          readOnly: false,
          requestParameters: { roleName: role, policyArn: 'arn:aws:iam::aws:policy/AmazonRDSFullAccess' },
          responseElements: null,
        };
      return {
        ...base,
        name,
        readOnly: true,
        requestParameters: name === 'ListRoles' ? { maxItems: 100 } : { roleName: role },
        responseElements: null,
      };
    }
    case 'lambda.amazonaws.com': {
      const fn = rng.pick(['rds-snapshot-exporter', 'orders-api', 'trailwatch-processor', 'nightly-report']);
      if (rng.chance(0.3)) {
        return {
          ...base,
          name: 'UpdateFunctionConfiguration20150331v2',
          readOnly: false,
          requestParameters: {
            functionName: fn,
            environment: { variables: { DB_HOST: '<sensitiveDataRemoved>', LOG_LEVEL: 'info' } },
            description: rng.pick(FREE_TEXT),
            timeout: 30,
          },
          responseElements: {
            functionName: fn,
            functionArn: `arn:aws:lambda:${region}:${account}:function:${fn}`,
            runtime: 'nodejs22.x',
            role: `arn:aws:iam::${account}:role/${fn}-role`,
            handler: 'index.handler',
            codeSize: rng.range(1000, 9_000_000),
            description: rng.pick(FREE_TEXT),
            timeout: 30,
            memorySize: 512,
            lastModified: new Date(ctx.baseTime).toISOString().replace('Z', '+0000'),
            codeSha256: `${rng.chars(`${LOWERNUM + UPPERNUM}+/`, 43)}=`,
            version: '$LATEST',
            tracingConfig: { mode: 'PassThrough' },
            revisionId: rng.uuid(),
            state: 'Active',
            lastUpdateStatus: 'InProgress',
            packageType: 'Zip',
            architectures: ['arm64'],
            ephemeralStorage: { size: 512 },
          },
        };
      }
      return {
        ...base,
        name: rng.pick(['GetFunction20150331v2', 'ListFunctions20150331', 'GetFunctionConfiguration20150331v2']),
        readOnly: true,
        requestParameters: { functionName: fn },
        responseElements: null,
      };
    }
    case 'dynamodb.amazonaws.com': {
      const table = `${rng.pick(DB_WORDS)}-${rng.pick(ENVS)}`;
      const name = rng.pick([
        'DescribeTable',
        'DescribeTable',
        'ListTables',
        'UpdateTable',
        'DescribeContinuousBackups',
      ]);
      return {
        ...base,
        name,
        readOnly: name !== 'UpdateTable',
        requestParameters: name === 'ListTables' ? null : { tableName: table },
        responseElements: null,
        resources: [
          {
            accountId: account,
            type: 'AWS::DynamoDB::Table',
            ARN: `arn:aws:dynamodb:${region}:${account}:table/${table}`,
          },
        ],
      };
    }
    case 'logs.amazonaws.com': {
      // RDS log exports land in log groups named after the instance: RDS names inside non-RDS events.
      const group = rng.chance(0.5)
        ? `/aws/rds/instance/${rng.pick(ctx.dbIds)}/postgresql`
        : `/aws/lambda/${rng.pick(['orders-api', 'nightly-report'])}`;
      const name = rng.pick(['CreateLogStream', 'DescribeLogGroups', 'PutRetentionPolicy', 'FilterLogEvents']);
      return {
        ...base,
        name,
        readOnly: name.startsWith('Describe') || name.startsWith('Filter'),
        requestParameters: {
          logGroupName: group,
          ...(name === 'CreateLogStream'
            ? { logStreamName: `${isoTime(ctx.baseTime).slice(0, 10)}/[$LATEST]${rng.hex(32)}` }
            : {}),
          ...(name === 'FilterLogEvents'
            ? { filterPattern: '{ $.eventSource = "rds.amazonaws.com" && $.errorCode = "*" }' }
            : {}),
        },
        responseElements: null,
      };
    }
    case 'secretsmanager.amazonaws.com': {
      const secret = `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-${rng.uuid()}-${rng.chars(LOWERNUM, 6)}`;
      const name = rng.pick(['GetSecretValue', 'GetSecretValue', 'DescribeSecret', 'RotateSecret']);
      return {
        ...base,
        name,
        readOnly: name !== 'RotateSecret',
        requestParameters: { secretId: secret },
        responseElements:
          name === 'RotateSecret'
            ? { arn: secret, name: secret.split(':').pop() ?? secret, versionId: rng.uuid() }
            : null,
      };
    }
    case 'events.amazonaws.com': {
      // An event pattern naming rds.amazonaws.com, inside a JSON string: a trap for naive byte matching.
      const pattern = {
        source: ['aws.rds'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['rds.amazonaws.com'], eventName: ['DeleteDBInstance', 'ModifyDBInstance'] },
      };
      const name = rng.pick(['PutRule', 'DescribeRule', 'PutTargets', 'ListRules']);
      return {
        ...base,
        name,
        readOnly: name.startsWith('Describe') || name.startsWith('List'),
        requestParameters:
          name === 'PutRule'
            ? {
                name: 'rds-changes',
                eventPattern: JSON.stringify(pattern),
                state: 'ENABLED',
                description: rng.pick(FREE_TEXT),
              }
            : { name: 'rds-changes' },
        responseElements:
          name === 'PutRule' ? { ruleArn: `arn:aws:events:${region}:${account}:rule/rds-changes` } : null,
      };
    }
    case 'ssm.amazonaws.com': {
      const name = rng.pick(['GetParameter', 'GetParameters', 'PutParameter', 'DescribeInstanceInformation']);
      const param = rng.pick([
        '/orders/prod/db-endpoint',
        '/billing/rds/master-user',
        'C:\\ProgramData\\Amazon\\SSM\\config',
        '\\\\fileserver\\share\\path',
      ]);
      return {
        ...base,
        name,
        readOnly: name !== 'PutParameter',
        requestParameters:
          name === 'DescribeInstanceInformation'
            ? { maxResults: 50 }
            : { name: param, withDecryption: rng.chance(0.5) },
        responseElements: name === 'PutParameter' ? { version: rng.range(1, 40), tier: 'Standard' } : null,
      };
    }
    case 'signin.amazonaws.com': {
      const ok = rng.chance(0.9);
      return {
        ...base,
        name: 'ConsoleLogin',
        readOnly: false,
        requestParameters: null,
        responseElements: { ConsoleLogin: ok ? 'Success' : 'Failure' },
        additionalEventData: {
          LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
          MobileVersion: 'No',
          MFAUsed: rng.chance(0.7) ? 'Yes' : 'No',
        },
        eventType: 'AwsConsoleSignIn',
        ...(ok ? {} : { error: { code: 'Failed authentication', message: 'Failed authentication' } }),
      };
    }
    case 'monitoring.amazonaws.com':
      return {
        ...base,
        name: rng.pick(['GetMetricData', 'DescribeAlarms', 'PutMetricAlarm']),
        readOnly: true,
        requestParameters: { alarmNames: [`rds-${rng.pick(ctx.dbIds)}-cpu-high`] },
        responseElements: null,
      };
    default:
      return {
        ...base,
        name: rng.pick(['DescribeLoadBalancers', 'DescribeTargetHealth', 'DescribeTargetGroups']),
        readOnly: true,
        requestParameters: { pageSize: 400 },
        responseElements: null,
      };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Record stream

export interface GeneratedRecord {
  category: Category;
  eventSource: string;
  /** The record's compact JSON text. */
  json: string;
}

function newContext(seed: number): Context {
  const rng = new Rng(seed);
  const dbIds: string[] = [];
  for (const w of DB_WORDS) for (const env of ENVS) dbIds.push(`${w}-${env}-${rng.range(1, 9)}`);
  const clusterIds = DB_WORDS.map((w) => `${w}-aurora-${rng.pick(ENVS)}`);
  return { rng, baseTime: Date.UTC(2024, 4, 14, 10, 0, 0), principals: makePrincipals(rng), dbIds, clusterIds };
}

/** An endless, deterministic sequence of records. */
export function* generateRecords(seed = DEFAULT_SEED): Generator<GeneratedRecord> {
  const ctx = newContext(seed);
  const { rng } = ctx;
  for (;;) {
    const region = rng.weighted(REGIONS);
    const roll = rng.float();
    let category: Category;
    let envelope: Envelope;
    if (roll < 0.1) [category, envelope] = rdsEvent(ctx, region);
    else if (roll < 0.105) {
      category = 'rdsdata';
      envelope = dataApiEvent(ctx, region, 'rdsdata.amazonaws.com');
    } else if (roll < 0.11) {
      category = 'rdsdataapi';
      envelope = dataApiEvent(ctx, region, 'rdsdataapi.amazonaws.com');
    } else if (roll < 0.113) {
      category = 'cloudtrail';
      envelope = cloudTrailEvent(ctx, region);
    } else {
      category = 'other';
      envelope = otherEvent(ctx, region);
    }
    yield { category, eventSource: envelope.source, json: JSON.stringify(record(ctx, region, envelope)) };
  }
}

function emptyStats(seed: number, targetBytes: number): GeneratedStats {
  const zero = (): CategoryCount => ({ records: 0, bytes: 0 });
  return {
    generatorVersion: GENERATOR_VERSION,
    seed,
    targetBytes,
    bytes: 0,
    records: 0,
    relevantRecords: 0,
    rdsRecords: 0,
    byCategory: {
      rds: zero(),
      'rds-describe-large': zero(),
      rdsdata: zero(),
      rdsdataapi: zero(),
      cloudtrail: zero(),
      other: zero(),
    },
    recordsWithEscapes: 0,
    recordsWithUnicode: 0,
    largestRecordBytes: 0,
  };
}

const HEAD = '{"Records":[';
const TAIL = ']}';
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * The log file's text in pieces of about `pieceBytes`, ending at the first record boundary at or past
 * `targetBytes`. `stats` is filled in as pieces are produced and is complete when the generator returns.
 */
export function* generateLogPieces(
  targetBytes: number,
  stats: GeneratedStats,
  seed = DEFAULT_SEED,
  pieceBytes = 1 << 20,
): Generator<string> {
  let piece = HEAD;
  let bytes = HEAD.length;
  let first = true;
  for (const rec of generateRecords(seed)) {
    if (!first) piece += ',';
    first = false;
    piece += rec.json;
    const size = Buffer.byteLength(rec.json);
    bytes += size + 1;
    stats.records++;
    const c = stats.byCategory[rec.category];
    c.records++;
    c.bytes += size;
    if (rec.category !== 'other') stats.relevantRecords++;
    if (rec.category === 'rds' || rec.category === 'rds-describe-large') stats.rdsRecords++;
    if (rec.json.includes('\\"') || rec.json.includes('\\\\')) stats.recordsWithEscapes++;
    if (size !== rec.json.length || NON_ASCII.test(rec.json)) stats.recordsWithUnicode++;
    if (size > stats.largestRecordBytes) stats.largestRecordBytes = size;
    if (bytes + TAIL.length >= targetBytes) break;
    if (piece.length >= pieceBytes) {
      yield piece;
      piece = '';
    }
  }
  piece += TAIL;
  yield piece;
  stats.bytes = bytes - 1 + TAIL.length; // the first record had no comma
  if (stats.records === 0) stats.bytes = HEAD.length + TAIL.length;
}

/** A whole (small) log file as one string, for tests. */
export function generateLogText(targetBytes: number, seed = DEFAULT_SEED): { text: string; stats: GeneratedStats } {
  const stats = emptyStats(seed, targetBytes);
  let text = '';
  for (const piece of generateLogPieces(targetBytes, stats, seed)) text += piece;
  return { text, stats };
}

/** Writes a gzipped log file (streaming: memory stays flat for any size) and a `.meta.json` beside it. */
export async function writeLogFile(path: string, targetBytes: number, seed = DEFAULT_SEED): Promise<GeneratedFile> {
  await mkdir(dirname(path), { recursive: true });
  const stats = emptyStats(seed, targetBytes);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const pieces = generateLogPieces(targetBytes, stats, seed);
    const source = Readable.from(
      (function* () {
        for (const piece of pieces) yield Buffer.from(piece, 'utf8');
      })(),
      { objectMode: false },
    );
    await pipeline(source, createGzip({ level: 6 }), createWriteStream(tmp));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const compressedBytes = (await stat(path)).size;
  const file: GeneratedFile = { ...stats, path, compressedBytes };
  await writeFile(metaPath(path), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

export function metaPath(path: string): string {
  return `${path.replace(/\.json\.gz$/, '')}.meta.json`;
}

/** Reads the `.meta.json` of a file if it belongs to this generator version, seed and target, else undefined. */
export async function readCachedMeta(
  path: string,
  targetBytes: number,
  seed = DEFAULT_SEED,
): Promise<GeneratedFile | undefined> {
  try {
    const meta = JSON.parse(await readFile(metaPath(path), 'utf8')) as GeneratedFile;
    const size = (await stat(path)).size;
    if (
      meta.generatorVersion === GENERATOR_VERSION &&
      meta.seed === seed &&
      meta.targetBytes === targetBytes &&
      meta.compressedBytes === size
    )
      return { ...meta, path };
  } catch {
    // missing or unreadable: regenerate
  }
  return undefined;
}

/** The cached file for a size, generated first when missing or made by another generator version. */
export async function ensureLogFile(
  dir: string,
  size: SizeName,
  log: (line: string) => void = () => {},
): Promise<GeneratedFile> {
  const path = `${dir}/cloudtrail-${size}.json.gz`;
  const cached = await readCachedMeta(path, SIZES[size]);
  if (cached) return cached;
  log(`generating ${path} (generator v${GENERATOR_VERSION}) ...`);
  const started = performance.now();
  const file = await writeLogFile(path, SIZES[size]);
  log(`  ${describeFile(file)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

export function describeFile(f: GeneratedFile): string {
  const pct = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)} %`;
  const rdsBytes = f.byCategory.rds.bytes + f.byCategory['rds-describe-large'].bytes;
  return (
    `${(f.bytes / 1e6).toFixed(1)} MB JSON, ${(f.compressedBytes / 1e6).toFixed(1)} MB gzipped, ${f.records.toLocaleString('en-US')} records; ` +
    `RDS ${pct(f.rdsRecords, f.records)} of records / ${pct(rdsBytes, f.bytes)} of bytes, ` +
    `relevant to trailwatch ${pct(f.relevantRecords, f.records)} of records; largest record ${(f.largestRecordBytes / 1e3).toFixed(0)} KB`
  );
}
