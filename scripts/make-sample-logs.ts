// Generates the bundled sample CloudTrail logs under events/logs/: one day (2026-11-20) of account
// 123456789012 as CloudTrail delivers it to S3, replaying the story of the RDS CloudTrail walk-through
// (/work/shared/seeds/rds-cloudtrail-walkthrough.txt) inside realistic background noise, plus the
// README that tells the day.
//
// Deterministic: no clock, no Math.random; every id, name and shuffle comes from SHA-256 of a label, and
// gzip output has mtime 0 and a fixed level, so re-running it rewrites byte-identical files.
//
// Run (from the repository root; writes events/logs/AWSLogs/** and events/logs/README.md):
//   npx esbuild scripts/make-sample-logs.ts --bundle --platform=node --format=esm --outfile=/tmp/msl.mjs \
//     && node_modules/.bin/node /tmp/msl.mjs [output folder, default events/logs]
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { CloudTrailRecord, CloudTrailResource, JsonObject, UserIdentity } from '../shared/cloudtrail.js';
import { digestKey, publicKeysJson, signDigest, type SignedDigest } from './digest-signer.js';
import { SAMPLE_SIGNING_KEY_PEM } from './sample-signing-key.js';

export const SAMPLE_ACCOUNT = '123456789012';
export const SAMPLE_DATE = '2026-11-20';
export const SAMPLE_TRAIL = 'RDS-CloudTrail';
export const SAMPLE_BUCKET = 'rds.s3';
const HOME = 'us-east-1';
const WEST = 'us-west-2';
const ACCOUNT = SAMPLE_ACCOUNT;
const SHARE_ACCOUNT = '210987654321';
const VENDOR_ACCOUNT = '111122223333';
const GZIP_LEVEL = 9;

/** How a record counts in the README and the test. */
export type RecordKind = 'RDS' | 'Data API' | 'CloudTrail' | 'noise';
export function kindOf(eventSource: string): RecordKind {
  if (eventSource === 'rds.amazonaws.com') return 'RDS';
  if (eventSource === 'rdsdata.amazonaws.com' || eventSource === 'rdsdataapi.amazonaws.com') return 'Data API';
  if (eventSource === 'cloudtrail.amazonaws.com') return 'CloudTrail';
  return 'noise';
}

// ---------------------------------------------------------------------------------------------------
// Deterministic helpers

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function uuidFor(label: string): string {
  const b = Buffer.from(sha256(`uuid:${label}`).subarray(0, 16));
  b.writeUInt8((b.readUInt8(6) & 0x0f) | 0x40, 6);
  b.writeUInt8((b.readUInt8(8) & 0x3f) | 0x80, 8);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function charsFor(label: string, length: number, alphabet: string = ALNUM): string {
  let out = '';
  for (let round = 0; out.length < length; round++) {
    for (const byte of sha256(`${label}:${round}`)) {
      if (out.length === length) break;
      out += alphabet.charAt(byte % alphabet.length);
    }
  }
  return out;
}

/** mulberry32 seeded from a label. */
class Rng {
  private state: number;
  constructor(label: string) {
    this.state = sha256(`rng:${label}`).readUInt32LE(0);
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  chars(length: number, alphabet: string = ALNUM): string {
    let out = '';
    while (out.length < length) out += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return out;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const a = items[i];
      const b = items[j];
      if (a === undefined || b === undefined) throw new Error('shuffle index out of range');
      items[i] = b;
      items[j] = a;
    }
    return items;
  }
}

// Times of day as 'HH:MM:SS' (UTC) on SAMPLE_DATE.
function toSeconds(hms: string): number {
  const m = /^(\d\d):(\d\d):(\d\d)$/.exec(hms);
  if (!m) throw new Error(`bad time ${hms}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}
function fromSeconds(total: number): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(total / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}
function iso(hms: string): string {
  return `${SAMPLE_DATE}T${hms}Z`;
}
/** The "Nov 20, 2026, 9:16:05 AM" form CloudTrail uses for dates inside responseElements. */
function awsDate(hms: string, plusSeconds = 0): string {
  const total = toSeconds(hms) + plusSeconds;
  const day = 20 + Math.floor(total / 86400);
  const s = total % 86400;
  const h = Math.floor(s / 3600);
  const rest = fromSeconds(s).slice(3);
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `Nov ${day}, 2026, ${h12}:${rest} ${h < 12 ? 'AM' : 'PM'}`;
}

// ---------------------------------------------------------------------------------------------------
// Who calls

interface Actor {
  identity: UserIdentity;
  ip: string;
  userAgent: string;
  /** Console session credentials: the record carries sessionCredentialFromConsole "true" and no tlsDetails. */
  console?: boolean;
  /** A call an AWS service makes (sourceIPAddress is the service): no tlsDetails. */
  service?: boolean;
  tls?: 'TLSv1.3' | 'TLSv1.2';
}

const JOHNDOE_ID = 'AIDAJ45Q7YFFAREXAMPLE';
const JOHNDOE_KEY = 'AKIAI44QH8DHBEXAMPLE';

function iamUser(userName: string, principalId: string, accessKeyId: string): UserIdentity {
  return {
    type: 'IAMUser',
    principalId,
    arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
    accountId: ACCOUNT,
    accessKeyId,
    userName,
  };
}

function consoleUser(
  userName: string,
  principalId: string,
  accessKeyId: string,
  since: string,
  mfa: boolean,
): UserIdentity {
  return {
    ...iamUser(userName, principalId, accessKeyId),
    sessionContext: {
      sessionIssuer: {},
      webIdFederationData: {},
      attributes: { creationDate: iso(since), mfaAuthenticated: mfa ? 'true' : 'false' },
    },
  };
}

function roleSession(
  role: string,
  roleId: string,
  session: string,
  accessKeyId: string,
  since: string,
  options: { mfa?: boolean; ec2?: boolean; path?: string; invokedBy?: string } = {},
): UserIdentity {
  const identity: UserIdentity = {
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
    accountId: ACCOUNT,
    accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: `arn:aws:iam::${ACCOUNT}:role/${options.path ?? ''}${role}`,
        accountId: ACCOUNT,
        userName: role,
      },
      webIdFederationData: {},
      attributes: { creationDate: iso(since), mfaAuthenticated: options.mfa === true ? 'true' : 'false' },
      ...(options.ec2 === true ? { ec2RoleDelivery: '2.0' } : {}),
    },
  };
  if (options.invokedBy !== undefined) identity.invokedBy = options.invokedBy;
  return identity;
}

function awsService(invokedBy: string): UserIdentity {
  return { type: 'AWSService', invokedBy };
}

/** An AWS service calling on its own behalf: it is the identity, the source IP and the user agent. */
function awsServiceActor(service: string): Actor {
  return { identity: awsService(service), ip: service, userAgent: service, service: true };
}

type CliHost = 'al2023' | 'macos' | 'windows';

function cliAgent(command: string, os: CliHost): string {
  const platform =
    os === 'al2023'
      ? 'os/linux#6.1.155-176.282.amzn2023.x86_64 md/arch#x86_64 lang/python#3.13.7 md/pyimpl#CPython m/b,Z,E cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2023'
      : os === 'macos'
        ? 'os/macos#25.1.0 md/arch#arm64 lang/python#3.13.7 md/pyimpl#CPython m/Z,b,E cfg/retry-mode#standard md/installer#exe'
        : 'os/windows#10 md/arch#amd64 lang/python#3.13.7 md/pyimpl#CPython m/E,b cfg/retry-mode#standard md/installer#exe';
  return `aws-cli/2.31.18 md/awscrt#0.28.1 ua/2.1 ${platform} md/prompt#off md/command#${command}`;
}

const CONSOLE_UA = 'console.amazonaws.com';
const BROWSER_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const BROWSER_UA_2 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0';
const GO_SDK_UA = (api: string): string =>
  `aws-sdk-go-v2/1.39.2 ua/2.1 os/linux lang/go#1.25.3 md/GOOS#linux md/GOARCH#amd64 api/${api} m/E,g`;
const JS_SDK_UA = (api: string): string =>
  `aws-sdk-js/3.920.0 ua/2.1 os/linux#5.10.245-245.983.amzn2.x86_64 lang/js md/nodejs#22.20.0 api/${api}#3.920.0 m/E,N exec-env/AWS_Lambda_nodejs22.x`;
const JAVA_S3_UA =
  '[aws-sdk-java/2.35.10 md/io#sync md/http#Apache ua/2.1 api/S3#2.35.x os/Linux#6.1.155-176.282.amzn2023.x86_64 lang/java#21.0.8 md/OpenJDK_64-Bit_Server_VM#21.0.8+9-LTS md/vendor#Amazon.com_Inc. md/en_US m/F,G,N cfg/auth-source#ecs]';
const BOTO_UA =
  'Boto3/1.40.55 md/Botocore#1.40.55 ua/2.1 os/linux#5.10.245-245.983.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.11 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 m/Z,b cfg/retry-mode#legacy Botocore/1.40.55';
const SSM_AGENT_UA = 'aws-sdk-go/1.55.8 (go1.24.6; linux; amd64) amazon-ssm-agent/3.3.3050.0';

/** Someone in the AWS console: the console's user agent, and console session credentials. */
function consoleActor(identity: UserIdentity, ip: string): Actor {
  return { identity, ip, userAgent: CONSOLE_UA, console: true };
}

/** Someone running an AWS CLI command (`command` as in its user agent, e.g. rds.describe-db-instances) on `os`. */
function cliActor(identity: UserIdentity, ip: string, command: string, os: CliHost): Actor {
  return { identity, ip, userAgent: cliAgent(command, os), tls: 'TLSv1.3' };
}

// The people and programs of the day.
const JOHNDOE_SINCE = '08:41:07';
const johndoeConsole = consoleActor(
  consoleUser('johndoe', JOHNDOE_ID, 'ASIAQ3EGRNTY5JD0CNSL', JOHNDOE_SINCE, true),
  '203.0.113.25',
);
/** johndoe's access key, configured with `aws configure` on the Amazon Linux EC2 instance (public IP 198.51.100.23). */
const johndoeEc2 = (command: string): Actor =>
  cliActor(iamUser('johndoe', JOHNDOE_ID, JOHNDOE_KEY), '198.51.100.23', command, 'al2023');
/** The same key from johndoe's laptop, as in the Data API document's ExecuteStatement example. */
const johndoeLaptop = (command: string): Actor =>
  cliActor(iamUser('johndoe', JOHNDOE_ID, JOHNDOE_KEY), '192.0.2.10', command, 'windows');
const MARIA_ID = 'AIDA5LQ2WZ6TEXAMPLE7';
const MARIA_SINCE = '12:03:44';
const mariaConsole = consoleActor(
  consoleUser('maria.garcia', MARIA_ID, 'ASIA5LQ2WZ6TMG4CNSL1', MARIA_SINCE, false),
  '203.0.113.57',
);

const DBADMIN_ROLE_ID = 'AROA6DBADMNROLEXMPL7';
const CI_USER_ID = 'AIDA6CIDEPLOYEREXMPL';
const CI_KEY = 'AKIA6CIDEPLOYEXAMPLE';
const ciDeployer = (command: string): Actor =>
  cliActor(iamUser('ci-deployer', CI_USER_ID, CI_KEY), '198.51.100.177', command, 'macos');
const dbAdmin = (since: string, key: string, command: string): Actor =>
  cliActor(
    roleSession('DBAdminRole', DBADMIN_ROLE_ID, 'ops-maintenance', key, since),
    '198.51.100.177',
    command,
    'macos',
  );
/** ci-deployer's AssumeRole that starts a DBAdminRole ops-maintenance session (the `dbAdmin` actor's calls). */
const dbAdminAssumeRole = (since: string, key: string, tokenLabel: string): Call => ({
  at: since,
  source: 'sts.amazonaws.com',
  name: 'AssumeRole',
  actor: ciDeployer('sts.assume-role'),
  readOnly: true,
  request: {
    roleArn: `arn:aws:iam::${ACCOUNT}:role/DBAdminRole`,
    roleSessionName: 'ops-maintenance',
    durationSeconds: 3600,
  },
  response: {
    credentials: { accessKeyId: key, sessionToken: charsFor(tokenLabel, 96, B64), expiration: awsDate(since, 3600) },
    assumedRoleUser: {
      assumedRoleId: `${DBADMIN_ROLE_ID}:ops-maintenance`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/DBAdminRole/ops-maintenance`,
    },
  },
  resources: [{ ARN: `arn:aws:iam::${ACCOUNT}:role/DBAdminRole`, accountId: ACCOUNT, type: 'AWS::IAM::Role' }],
  host: `sts.${HOME}.amazonaws.com`,
});
const ROOT_SINCE = '17:15:31';
const rootConsole = consoleActor(
  {
    type: 'Root',
    principalId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:root`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAR00TC0NS0LE7EXMP',
    sessionContext: {
      sessionIssuer: {},
      webIdFederationData: {},
      attributes: { creationDate: iso(ROOT_SINCE), mfaAuthenticated: 'true' },
    },
  },
  '203.0.113.80',
);
const REPORTS_ROLE_ID = 'AROA6REPORTSFNEXAMPL';
const reportsFn = (region: string): Actor => ({
  identity: roleSession(
    'reports-fn-role',
    REPORTS_ROLE_ID,
    'reports-fn',
    region === HOME ? 'ASIA6REPORTSFNKEY001' : 'ASIA6REPORTSFNKEYW02',
    '12:31:40',
  ),
  ip: region === HOME ? '198.51.100.61' : '198.51.100.141',
  userAgent: JS_SDK_UA('rds-data'),
  tls: 'TLSv1.3',
});

// ---------------------------------------------------------------------------------------------------
// One API call -> one CloudTrail record

interface Call {
  at: string;
  source: string;
  name: string;
  actor: Actor;
  region?: string;
  request?: JsonObject | null;
  response?: JsonObject | null;
  error?: { code: string; message: string };
  additional?: JsonObject;
  readOnly: boolean;
  resources?: CloudTrailResource[];
  /** A data event (eventCategory Data, managementEvent false). */
  data?: boolean;
  eventType?: string;
  requestId?: string;
  version?: string;
  vpcEndpointId?: string;
  /** tlsDetails.clientProvidedHostHeader; null: no tlsDetails. */
  host?: string | null;
  /** Omit the given top-level fields (records that lack them in real logs). */
  omit?: string[];
  /** Deliver in this file rather than the one whose window holds the event time (late delivery). */
  deliverIn?: string;
}

function defaultHost(source: string, region: string): string {
  const service = source.replace(/\.amazonaws\.com$/, '');
  if (service === 'iam') return 'iam.amazonaws.com';
  if (service === 'signin') return 'signin.aws.amazon.com';
  if (service === 'rdsdata' || service === 'rdsdataapi') return `rds-data.${region}.amazonaws.com`;
  return `${service}.${region}.amazonaws.com`;
}

const VERSION_BY_SOURCE: Record<string, string> = {
  'sts.amazonaws.com': '1.08',
  'kms.amazonaws.com': '1.08',
  'signin.amazonaws.com': '1.08',
};

function toRecord(call: Call, seq: number): CloudTrailRecord {
  const region = call.region ?? HOME;
  const source = call.source;
  const tls =
    call.host === null || call.actor.console === true || call.actor.service === true
      ? undefined
      : {
          tlsVersion: call.actor.tls ?? 'TLSv1.3',
          cipherSuite:
            (call.actor.tls ?? 'TLSv1.3') === 'TLSv1.3' ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256',
          clientProvidedHostHeader: call.host ?? defaultHost(source, region),
        };
  const record: CloudTrailRecord = {
    eventVersion: call.version ?? VERSION_BY_SOURCE[source] ?? '1.09',
    userIdentity: call.actor.identity,
    eventTime: iso(call.at),
    eventSource: source,
    eventName: call.name,
    awsRegion: region,
    sourceIPAddress: call.actor.ip,
    userAgent: call.actor.userAgent,
    errorCode: call.error?.code,
    errorMessage: call.error?.message,
    requestParameters: call.request === undefined ? null : call.request,
    responseElements: call.response === undefined ? null : call.response,
    additionalEventData: call.additional,
    requestID: call.requestId ?? uuidFor(`request:${seq}`),
    eventID: uuidFor(`event:${seq}`),
    readOnly: call.readOnly,
    resources: call.resources,
    eventType: call.eventType ?? 'AwsApiCall',
    managementEvent: call.data !== true,
    recipientAccountId: ACCOUNT,
    vpcEndpointId: call.vpcEndpointId,
    eventCategory: call.data === true ? 'Data' : 'Management',
    tlsDetails: tls,
    sessionCredentialFromConsole: call.actor.console === true ? 'true' : undefined,
  };
  for (const field of call.omit ?? []) delete record[field];
  // Drop the undefined optionals so the object holds exactly what is serialised.
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return record;
}

// ---------------------------------------------------------------------------------------------------
// RDS shapes

const KMS_KEY = `arn:aws:kms:${HOME}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const KMS_KEY_WEST = `arn:aws:kms:${WEST}:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
const VPC = 'vpc-0b5e3f2a1c9d84e76';
const SUBNET_GROUP: JsonObject = {
  dBSubnetGroupName: `default-${VPC}`,
  dBSubnetGroupDescription: 'Created from the RDS Management Console',
  vpcId: VPC,
  subnetGroupStatus: 'Complete',
  subnets: ['a', 'b', 'c', 'd', 'e', 'f'].map((az) => ({
    subnetIdentifier: `subnet-0${charsFor(`subnet:${az}`, 16, HEX)}`,
    subnetAvailabilityZone: { name: `us-east-1${az}` },
    subnetOutpost: {},
    subnetStatus: 'Active',
  })),
};

interface DbInstance {
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

function dbArn(id: string): string {
  return `arn:aws:rds:${HOME}:${ACCOUNT}:db:${id}`;
}

function dbResponse(
  db: DbInstance,
  status: string,
  options: { pending?: JsonObject; endpoint?: boolean } = {},
): JsonObject {
  const response: JsonObject = {
    dBInstanceIdentifier: db.id,
    dBInstanceClass: db.dbClass,
    engine: db.engine,
    dBInstanceStatus: status,
    masterUsername: db.masterUsername,
  };
  if (db.dbName !== undefined) response.dBName = db.dbName;
  if (options.endpoint === true) {
    response.endpoint = {
      address: `${db.id}.c9akciq32xyz.${HOME}.rds.amazonaws.com`,
      port: db.port,
      hostedZoneId: db.hostedZone ?? 'Z2R2ITUGPM61AM',
    };
  }
  response.allocatedStorage = db.storage;
  if (db.created !== undefined) response.instanceCreateTime = awsDate(db.created);
  Object.assign(response, {
    preferredBackupWindow: db.backupWindow,
    backupRetentionPeriod: db.backupRetention,
    dBSecurityGroups: [],
    vpcSecurityGroups: [{ vpcSecurityGroupId: db.securityGroup, status: 'active' }],
    dBParameterGroups: [{ dBParameterGroupName: db.parameterGroup, parameterApplyStatus: 'in-sync' }],
    dBSubnetGroup: SUBNET_GROUP,
    preferredMaintenanceWindow: db.maintenanceWindow,
    pendingModifiedValues: options.pending ?? {},
    multiAZ: db.multiAZ,
    engineVersion: db.engineVersion,
    autoMinorVersionUpgrade: true,
    readReplicaDBInstanceIdentifiers: [],
    licenseModel: db.licenseModel,
    optionGroupMemberships: [{ optionGroupName: db.optionGroup, status: 'in-sync' }],
    publiclyAccessible: db.publiclyAccessible,
    storageType: db.storageType,
    dbInstancePort: 0,
    storageEncrypted: db.encrypted,
    dbiResourceId: db.resourceId,
    cACertificateIdentifier: 'rds-ca-rsa2048-g1',
    domainMemberships: [],
    copyTagsToSnapshot: true,
    monitoringInterval: 0,
    dBInstanceArn: dbArn(db.id),
    iAMDatabaseAuthenticationEnabled: false,
    performanceInsightsEnabled: false,
    deletionProtection: db.deletionProtection,
    associatedRoles: [],
    tagList: [],
    customerOwnedIpEnabled: false,
    backupTarget: 'region',
    networkType: 'IPV4',
    storageThroughput: 0,
    dedicatedLogVolume: false,
  });
  if (db.engine === 'mysql' || db.engine === 'postgres')
    response.engineLifecycleSupport = 'open-source-rds-extended-support';
  if (db.az !== undefined) response.availabilityZone = db.az;
  if (db.characterSet !== undefined) response.characterSetName = db.characterSet;
  if (db.encrypted) response.kmsKeyId = KMS_KEY;
  return response;
}

const ORADB: DbInstance = {
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
const ORADB_UP: DbInstance = { ...ORADB, az: 'us-east-1c', created: '09:29:52' };
const MYSQL: DbInstance = {
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
const MYSQL_UP: DbInstance = { ...MYSQL, az: 'us-east-1b', created: '11:41:09' };
const MYSQLDB: DbInstance = { ...MYSQL_UP, id: 'mysqldb', dbClass: 'db.m1.large', storage: 100, multiAZ: true };
const ORDERS: DbInstance = {
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

function snapshotResponse(snapshot: string, db: DbInstance, at: string): JsonObject {
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
    dBSnapshotArn: `arn:aws:rds:${HOME}:${ACCOUNT}:snapshot:${snapshot}`,
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

// ---------------------------------------------------------------------------------------------------
// The story

export interface StoryEvent {
  call: Call;
  who: string;
  what: string;
  /** Rule ids that should fire on this record. */
  alerts: string[];
  /** For records that must stay quiet: why nothing should fire. */
  quiet?: string;
}

const TRAIL_ARN = `arn:aws:cloudtrail:${HOME}:${ACCOUNT}:trail/${SAMPLE_TRAIL}`;
const CLUSTER_V1 = `arn:aws:rds:${HOME}:${ACCOUNT}:cluster:my-database-1`;
const CLUSTER_V2 = `arn:aws:rds:${HOME}:${ACCOUNT}:cluster:reports-aurora-v2`;
const CLUSTER_WEST = `arn:aws:rds:${WEST}:${ACCOUNT}:cluster:metrics-aurora-v2`;
const DATA_API_SECRET = `arn:aws:secretsmanager:${HOME}:${ACCOUNT}:secret:dataapisecret-ABC123`;
const REPORTS_SECRET = `arn:aws:secretsmanager:${HOME}:${ACCOUNT}:secret:rds!cluster-7c1f0d52-reports-Qx81Zp`;
const WEST_SECRET = `arn:aws:secretsmanager:${WEST}:${ACCOUNT}:secret:rds!cluster-3b9e44aa-metrics-Lm02Tr`;
const MASKED = '**********';
/** reports-fn's Data API call (a data event, SQL masked) on the Aurora Serverless v2 cluster of its region. */
const reportsFnDataApi = (at: string, region: string, name: string, options: JsonObject = {}): Call => {
  const [cluster, secret] = region === HOME ? [CLUSTER_V2, REPORTS_SECRET] : [CLUSTER_WEST, WEST_SECRET];
  return {
    at,
    region,
    source: 'rdsdataapi.amazonaws.com',
    name,
    actor: reportsFn(region),
    readOnly: false,
    data: true,
    request: { resourceArn: cluster, secretArn: secret, sql: MASKED, database: MASKED, ...options },
    resources: [{ accountId: ACCOUNT, type: 'AWS::RDS::DBCluster', ARN: cluster }],
  };
};
const APP_BUCKET = `app-data-${ACCOUNT}`;
const WEST_BUCKET = `app-backups-${ACCOUNT}-usw2`;

function trailResponse(extra: JsonObject): JsonObject {
  return {
    name: SAMPLE_TRAIL,
    s3BucketName: SAMPLE_BUCKET,
    includeGlobalServiceEvents: true,
    isMultiRegionTrail: true,
    trailARN: TRAIL_ARN,
    logFileValidationEnabled: true,
    isOrganizationTrail: false,
    ...extra,
  };
}

const ADVANCED_SELECTORS: JsonObject[] = [
  { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] },
  {
    name: 'S3 object events in the application buckets',
    fieldSelectors: [
      { field: 'eventCategory', equals: ['Data'] },
      { field: 'resources.type', equals: ['AWS::S3::Object'] },
      { field: 'resources.ARN', startsWith: [`arn:aws:s3:::${APP_BUCKET}/`, `arn:aws:s3:::${WEST_BUCKET}/`] },
    ],
  },
  {
    name: 'RDS Data API events',
    fieldSelectors: [
      { field: 'eventCategory', equals: ['Data'] },
      { field: 'resources.type', equals: ['AWS::RDS::DBCluster'] },
    ],
  },
];

const EXCLUDING_SELECTORS: JsonObject[] = [
  {
    readWriteType: 'All',
    includeManagementEvents: true,
    dataResources: [{ type: 'AWS::S3::Object', values: [`arn:aws:s3:::${APP_BUCKET}/`] }],
    excludeManagementEventSources: ['rdsdata.amazonaws.com'],
  },
];

function buildStory(): StoryEvent[] {
  const story: StoryEvent[] = [];
  const add = (call: Call, who: string, what: string, alerts: string[] = [], quiet?: string): void => {
    story.push(quiet === undefined ? { call, who, what, alerts } : { call, who, what, alerts, quiet });
  };
  const rds = 'rds.amazonaws.com';
  const ct = 'cloudtrail.amazonaws.com';

  // --- Trail set-up finished in the console (walk-through: SNS topic, CloudWatch Logs) -------------
  add(
    {
      at: '08:55:40',
      source: ct,
      name: 'DescribeTrails',
      actor: johndoeConsole,
      readOnly: true,
      request: { trailNameList: [], includeShadowTrails: true },
    },
    'johndoe (console)',
    'Opens the CloudTrail console on the new trail RDS-CloudTrail',
    [],
    'read-only CloudTrail call',
  );
  add(
    {
      at: '08:57:02',
      source: ct,
      name: 'PutEventSelectors',
      actor: johndoeConsole,
      readOnly: false,
      request: { trailName: SAMPLE_TRAIL, advancedEventSelectors: ADVANCED_SELECTORS },
      response: { trailARN: TRAIL_ARN, advancedEventSelectors: ADVANCED_SELECTORS },
    },
    'johndoe (console)',
    'Adds data events to the trail (advanced selectors: all management events, S3 objects of the two application buckets, RDS Data API on DB clusters)',
    [],
    'adds events, excludes nothing: no rdsdata-logging-excluded',
  );
  add(
    {
      at: '09:01:37',
      source: ct,
      name: 'UpdateTrail',
      actor: johndoeConsole,
      readOnly: false,
      request: { name: SAMPLE_TRAIL, snsTopicName: 'RDSCloudTrail' },
      response: trailResponse({
        snsTopicName: 'RDSCloudTrail',
        snsTopicARN: `arn:aws:sns:${HOME}:${ACCOUNT}:RDSCloudTrail`,
      }),
    },
    'johndoe (console)',
    'Sends an SNS notification for every log file delivery (topic RDSCloudTrail)',
    ['cloudtrail-trail-updated'],
  );
  add(
    {
      at: '09:11:05',
      source: ct,
      name: 'UpdateTrail',
      actor: johndoeConsole,
      readOnly: false,
      request: {
        name: SAMPLE_TRAIL,
        cloudWatchLogsLogGroupArn: `arn:aws:logs:${HOME}:${ACCOUNT}:log-group:/aws/cloudtrail/rds:*`,
        cloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`,
      },
      response: trailResponse({
        snsTopicName: 'RDSCloudTrail',
        snsTopicARN: `arn:aws:sns:${HOME}:${ACCOUNT}:RDSCloudTrail`,
        cloudWatchLogsLogGroupArn: `arn:aws:logs:${HOME}:${ACCOUNT}:log-group:/aws/cloudtrail/rds:*`,
        cloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`,
      }),
    },
    'johndoe (console)',
    'Sends the trail to the CloudWatch Logs group /aws/cloudtrail/rds',
    ['cloudtrail-trail-updated'],
  );

  // --- 1. Oracle instance oradb from the RDS console -------------------------------------------------
  add(
    {
      at: '09:14:48',
      source: rds,
      name: 'CreateDBInstance',
      actor: johndoeConsole,
      readOnly: false,
      request: {
        dBInstanceIdentifier: 'oradb',
        allocatedStorage: 20,
        dBInstanceClass: 'db.m3.medium',
        engine: 'oracle-se2',
        masterUsername: 'admin',
        masterUserPassword: '****',
        dBName: 'ORCL',
        vpcSecurityGroupIds: [ORADB.securityGroup],
        dBSubnetGroupName: `default-${VPC}`,
        port: 1521,
        backupRetentionPeriod: 7,
        multiAZ: false,
        engineVersion: ORADB.engineVersion,
        autoMinorVersionUpgrade: true,
        licenseModel: 'license-included',
        publiclyAccessible: true,
        characterSetName: 'AL32UTF8',
        storageType: 'gp2',
        storageEncrypted: false,
        copyTagsToSnapshot: true,
        deletionProtection: false,
        enablePerformanceInsights: false,
      },
      response: dbResponse(ORADB, 'creating', { pending: { masterUserPassword: '****' } }),
    },
    'johndoe (console)',
    'Creates the Oracle instance oradb (oracle-se2, db.m3.medium, 20 GB), Public access: Yes',
    ['rds-public-access'],
  );
  add(
    {
      at: '09:14:50',
      source: rds,
      name: 'DescribeDBInstances',
      actor: johndoeConsole,
      readOnly: true,
      request: { dBInstanceIdentifier: 'oradb' },
    },
    'johndoe (console)',
    'Console refreshes the new instance',
  );
  add(
    {
      at: '09:16:31',
      source: rds,
      name: 'DescribeDBInstances',
      actor: johndoeConsole,
      readOnly: true,
      request: { maxRecords: 100 },
    },
    'johndoe (console)',
    'Console lists the instances',
  );
  add(
    {
      at: '09:58:40',
      source: rds,
      name: 'RebootDBInstance',
      actor: johndoeConsole,
      readOnly: false,
      request: { dBInstanceIdentifier: 'oradb', forceFailover: false },
      response: dbResponse(ORADB_UP, 'rebooting', { endpoint: true }),
    },
    'johndoe (console)',
    'Reboots oradb (Instance Actions > Reboot)',
    ['rds-rebooted'],
  );
  add(
    {
      at: '09:58:43',
      source: rds,
      name: 'DescribeDBInstances',
      actor: johndoeConsole,
      readOnly: true,
      request: { dBInstanceIdentifier: 'oradb' },
    },
    'johndoe (console)',
    'Console refreshes oradb',
  );
  add(
    {
      at: '10:21:12',
      source: rds,
      name: 'ModifyDBInstance',
      actor: johndoeConsole,
      readOnly: false,
      request: {
        dBInstanceIdentifier: 'oradb',
        dBInstanceClass: 'db.m3.large',
        allocatedStorage: 100,
        applyImmediately: true,
      },
      response: dbResponse(ORADB_UP, 'available', {
        endpoint: true,
        pending: { dBInstanceClass: 'db.m3.large', allocatedStorage: 100 },
      }),
    },
    'johndoe (console)',
    'Modifies oradb: instance class db.m3.large, allocated storage 100 GB, apply immediately',
  );
  add(
    {
      at: '10:27:55',
      source: rds,
      name: 'ModifyDBInstance',
      actor: johndoeConsole,
      readOnly: false,
      request: {
        dBInstanceIdentifier: 'oradb',
        dBInstanceClass: 'db.t3.micro',
        storageType: 'io1',
        allocatedStorage: 100,
        applyImmediately: true,
      },
      error: {
        code: 'InvalidParameterCombination',
        message:
          'RDS does not support creating a DB instance with the following combination: DBInstanceClass=db.t3.micro, Engine=oracle-se2, EngineVersion=19.0.0.0.ru-2026-10.rur-2026-10.r1, LicenseModel=license-included. For supported combinations of instance class and database engine version, see the documentation.',
      },
    },
    'johndoe (console)',
    'Tries an invalid modification of oradb (db.t3.micro with io1): fails, InvalidParameterCombination',
    ['rds-failed-call'],
  );
  add(
    {
      at: '10:28:02',
      source: rds,
      name: 'DescribeDBInstances',
      actor: johndoeConsole,
      readOnly: true,
      request: { dBInstanceIdentifier: 'oradb' },
    },
    'johndoe (console)',
    'Console refreshes oradb (status modifying)',
  );
  add(
    {
      at: '11:02:30',
      source: rds,
      name: 'DeleteDBInstance',
      actor: johndoeConsole,
      readOnly: false,
      request: { dBInstanceIdentifier: 'oradb', skipFinalSnapshot: true, deleteAutomatedBackups: true },
      response: dbResponse({ ...ORADB_UP, dbClass: 'db.m3.large', storage: 100 }, 'deleting', { endpoint: true }),
    },
    'johndoe (console)',
    'Deletes oradb, no final snapshot, automated backups deleted too',
    ['rds-database-deleted'],
  );
  add(
    {
      at: '11:02:33',
      source: rds,
      name: 'DescribeDBInstances',
      actor: johndoeConsole,
      readOnly: true,
      request: { maxRecords: 100 },
    },
    'johndoe (console)',
    'Console lists the instances (oradb deleting)',
  );

  // --- 2. MySQL instance from the AWS CLI on the EC2 instance ------------------------------------------
  add(
    {
      at: '11:28:03',
      source: rds,
      name: 'CreateDBInstance',
      actor: johndoeEc2('rds.create-db-instance'),
      readOnly: false,
      request: {
        dBInstanceIdentifier: 'mysql-db',
        allocatedStorage: 20,
        dBInstanceClass: 'db.m1.small',
        engine: 'mysql',
        masterUsername: 'mysql',
        masterUserPassword: '****',
      },
      error: {
        code: 'InvalidParameterValue',
        message: 'MasterUsername mysql cannot be used as it is a reserved word used by the engine',
      },
    },
    'johndoe (CLI on EC2)',
    'aws rds create-db-instance mysql-db with master username mysql: fails, reserved word',
    ['rds-failed-call'],
  );
  add(
    {
      at: '11:30:41',
      source: rds,
      name: 'CreateDBInstance',
      actor: johndoeEc2('rds.create-db-instance'),
      readOnly: false,
      request: {
        dBInstanceIdentifier: 'mysql-db',
        allocatedStorage: 20,
        dBInstanceClass: 'db.m1.small',
        engine: 'mysql',
        masterUsername: 'dvohra',
        masterUserPassword: '****',
      },
      response: dbResponse(MYSQL, 'creating', { pending: { masterUserPassword: '****' } }),
    },
    'johndoe (CLI on EC2)',
    'aws rds create-db-instance mysql-db (mysql, db.m1.small, 20 GB, master user dvohra); the default VPC makes it publicly accessible (response publiclyAccessible: true, not requested)',
    ['rds-public-access'],
  );
  add(
    {
      at: '11:33:15',
      source: rds,
      name: 'DescribeDBInstances',
      actor: johndoeEc2('rds.describe-db-instances'),
      readOnly: true,
      request: { dBInstanceIdentifier: 'mysql-db' },
    },
    'johndoe (CLI on EC2)',
    'aws rds describe-db-instances mysql-db',
  );
  add(
    {
      at: '12:04:19',
      source: rds,
      name: 'ModifyDBInstance',
      actor: johndoeEc2('rds.modify-db-instance'),
      readOnly: false,
      request: {
        dBInstanceIdentifier: 'mysql-db',
        allocatedStorage: 100,
        dBInstanceClass: 'db.m1.large',
        applyImmediately: true,
        multiAZ: true,
        newDBInstanceIdentifier: 'mysqldb',
      },
      response: dbResponse(MYSQL_UP, 'available', {
        endpoint: true,
        pending: {
          dBInstanceClass: 'db.m1.large',
          allocatedStorage: 100,
          multiAZ: true,
          dBInstanceIdentifier: 'mysqldb',
        },
      }),
    },
    'johndoe (CLI on EC2)',
    'aws rds modify-db-instance mysql-db: 100 GB, db.m1.large, Multi-AZ, apply immediately, renamed to mysqldb',
  );
  add(
    {
      at: '12:06:02',
      source: rds,
      name: 'DescribeDBEngineVersions',
      actor: johndoeConsole,
      readOnly: true,
      request: { engine: 'mysql', engineVersion: '8.0.43', defaultOnly: false, listSupportedCharacterSets: false },
    },
    'johndoe (console)',
    "Console shows mysql-db, looks up the MySQL engine version (the walk-through's DescribeDBEngineVersion record)",
  );
  add(
    {
      at: '12:09:51',
      source: rds,
      name: 'DescribeDBInstances',
      actor: johndoeEc2('rds.describe-db-instances'),
      readOnly: true,
      request: { dBInstanceIdentifier: 'mysqldb' },
    },
    'johndoe (CLI on EC2)',
    'aws rds describe-db-instances mysqldb (the new name)',
  );

  // --- Data API in us-west-2 (the one call in the other region's file) --------------------------------
  add(
    reportsFnDataApi('12:41:07', WEST, 'ExecuteStatement', { includeResultMetadata: true, formatRecordsAs: 'JSON' }),
    'reports-fn-role/reports-fn (Lambda)',
    'Data API ExecuteStatement on the Aurora Serverless v2 cluster metrics-aurora-v2 in us-west-2 (data event)',
  );

  // --- 2 (cont.) The master password of mysqldb ------------------------------------------------------
  add(
    {
      at: '13:21:02',
      source: rds,
      name: 'ModifyDBInstance',
      actor: johndoeEc2('rds.modify-db-instance'),
      readOnly: false,
      request: { dBInstanceIdentifier: 'mysqldb', masterUserPassword: '****', applyImmediately: true },
      response: dbResponse(MYSQLDB, 'available', { endpoint: true, pending: { masterUserPassword: '****' } }),
    },
    'johndoe (CLI on EC2)',
    'aws rds modify-db-instance mysqldb --master-user-password: new master password',
    ['rds-master-password-changed'],
  );

  // --- 3. Data API on the Aurora Serverless cluster my-database-1 ------------------------------------
  const v1 = { resourceArn: CLUSTER_V1, secretArn: DATA_API_SECRET };
  const txn = 'AQC5SRDIm+ud5vJ8yV2Qx0Zy3Kx1pLsVbKQ0u8Yq3c9J7dEXAMPLE=';
  const dataApi = 'rdsdata.amazonaws.com';
  add(
    {
      at: '13:22:05',
      source: dataApi,
      name: 'ExecuteStatement',
      actor: johndoeLaptop('rds-data.execute-statement'),
      readOnly: false,
      request: {
        continueAfterTimeout: false,
        database: MASKED,
        includeResultMetadata: false,
        parameters: [],
        resourceArn: CLUSTER_V1,
        schema: MASKED,
        secretArn: DATA_API_SECRET,
        sql: MASKED,
      },
    },
    'johndoe (CLI, laptop)',
    'Data API ExecuteStatement on my-database-1 (Aurora Serverless v1; SQL masked)',
  );
  add(
    {
      at: '13:24:40',
      source: dataApi,
      name: 'BeginTransaction',
      actor: johndoeLaptop('rds-data.begin-transaction'),
      readOnly: false,
      request: { ...v1, database: MASKED, schema: MASKED },
    },
    'johndoe (CLI, laptop)',
    'Data API BeginTransaction on my-database-1',
  );
  add(
    {
      at: '13:24:58',
      source: dataApi,
      name: 'BatchExecuteStatement',
      actor: johndoeLaptop('rds-data.batch-execute-statement'),
      readOnly: false,
      request: { ...v1, database: MASKED, schema: MASKED, sql: MASKED, transactionId: txn },
    },
    'johndoe (CLI, laptop)',
    'Data API BatchExecuteStatement in the transaction',
  );
  add(
    {
      at: '13:25:03',
      source: dataApi,
      name: 'CommitTransaction',
      actor: johndoeLaptop('rds-data.commit-transaction'),
      readOnly: false,
      request: { ...v1, transactionId: txn },
      response: { transactionStatus: 'Transaction Committed' },
    },
    'johndoe (CLI, laptop)',
    'Data API CommitTransaction',
  );
  add(
    reportsFnDataApi('13:27:19', HOME, 'ExecuteStatement', { includeResultMetadata: true, formatRecordsAs: 'JSON' }),
    'reports-fn-role/reports-fn (Lambda)',
    'Data API ExecuteStatement on the Aurora Serverless v2 cluster reports-aurora-v2 (data event)',
  );
  add(
    reportsFnDataApi('13:29:44', HOME, 'BatchExecuteStatement'),
    'reports-fn-role/reports-fn (Lambda)',
    'Data API BatchExecuteStatement on reports-aurora-v2 (data event)',
  );

  // --- 4. The Data API is excluded from the trail by an assumed-role session --------------------------
  const session1 = '14:05:10';
  const session1Key = 'ASIA6DBADMNSESSN0001';
  add(
    dbAdminAssumeRole(session1, session1Key, 'token:dbadmin1'),
    'ci-deployer (CLI)',
    'Assumes DBAdminRole as session ops-maintenance',
  );
  add(
    {
      at: '14:09:38',
      source: ct,
      name: 'GetEventSelectors',
      actor: dbAdmin(session1, session1Key, 'cloudtrail.get-event-selectors'),
      readOnly: true,
      request: { trailName: SAMPLE_TRAIL },
    },
    'DBAdminRole/ops-maintenance (CLI)',
    "Reads the trail's event selectors",
    [],
    'read-only CloudTrail call',
  );
  add(
    {
      at: '14:10:02',
      source: ct,
      name: 'PutEventSelectors',
      actor: dbAdmin(session1, session1Key, 'cloudtrail.put-event-selectors'),
      readOnly: false,
      request: { trailName: SAMPLE_TRAIL, eventSelectors: EXCLUDING_SELECTORS },
      response: { trailARN: TRAIL_ARN, eventSelectors: EXCLUDING_SELECTORS },
    },
    'DBAdminRole/ops-maintenance (CLI)',
    'Replaces the selectors with basic ones excluding rdsdata.amazonaws.com (ExcludeManagementEventSources); basic selectors also drop the rdsdataapi data events. No Data API record appears after this',
    ['rdsdata-logging-excluded'],
  );

  // --- 5. Snapshots of mysqldb: one made public, one shared ------------------------------------------
  add(
    {
      at: '14:58:10',
      source: rds,
      name: 'CreateDBSnapshot',
      actor: johndoeEc2('rds.create-db-snapshot'),
      readOnly: false,
      request: { dBSnapshotIdentifier: 'mysqldb-snap', dBInstanceIdentifier: 'mysqldb' },
      response: snapshotResponse('mysqldb-snap', MYSQLDB, '14:58:10'),
    },
    'johndoe (CLI on EC2)',
    'aws rds create-db-snapshot mysqldb-snap of mysqldb',
    ['rds-manual-snapshot-created'],
  );
  add(
    {
      at: '15:01:02',
      source: rds,
      name: 'CreateDBSnapshot',
      actor: johndoeEc2('rds.create-db-snapshot'),
      readOnly: false,
      request: { dBSnapshotIdentifier: 'mysqldb-audit-snap', dBInstanceIdentifier: 'mysqldb' },
      response: snapshotResponse('mysqldb-audit-snap', MYSQLDB, '15:01:02'),
    },
    'johndoe (CLI on EC2)',
    'aws rds create-db-snapshot mysqldb-audit-snap of mysqldb',
    ['rds-manual-snapshot-created'],
  );
  add(
    {
      at: '15:06:40',
      source: rds,
      name: 'ModifyDBSnapshotAttribute',
      actor: johndoeEc2('rds.modify-db-snapshot-attribute'),
      readOnly: false,
      request: { dBSnapshotIdentifier: 'mysqldb-snap', attributeName: 'restore', valuesToAdd: ['all'] },
      response: {
        dBSnapshotIdentifier: 'mysqldb-snap',
        dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: ['all'] }],
      },
    },
    'johndoe (CLI on EC2)',
    'Makes mysqldb-snap public (restore, valuesToAdd ["all"])',
    ['rds-snapshot-public'],
  );
  add(
    {
      at: '15:09:12',
      source: rds,
      name: 'ModifyDBSnapshotAttribute',
      actor: johndoeEc2('rds.modify-db-snapshot-attribute'),
      readOnly: false,
      request: { dBSnapshotIdentifier: 'mysqldb-audit-snap', attributeName: 'restore', valuesToAdd: [SHARE_ACCOUNT] },
      response: {
        dBSnapshotIdentifier: 'mysqldb-audit-snap',
        dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: [SHARE_ACCOUNT] }],
      },
    },
    'johndoe (CLI on EC2)',
    `Shares mysqldb-audit-snap with account ${SHARE_ACCOUNT}`,
    ['rds-snapshot-shared'],
  );

  // --- 7. Deletion protection off, then 6. logging stopped -------------------------------------------
  const session2 = '16:38:40';
  const session2Key = 'ASIA6DBADMNSESSN0002';
  add(
    dbAdminAssumeRole(session2, session2Key, 'token:dbadmin2'),
    'ci-deployer (CLI)',
    'Assumes DBAdminRole again (new ops-maintenance session)',
  );
  add(
    {
      at: '16:41:16',
      source: rds,
      name: 'ModifyDBInstance',
      actor: dbAdmin(session2, session2Key, 'rds.modify-db-instance'),
      readOnly: false,
      request: { dBInstanceIdentifier: 'orders-prod', deletionProtection: false, applyImmediately: true },
      response: dbResponse({ ...ORDERS, deletionProtection: false }, 'available', { endpoint: true }),
    },
    'DBAdminRole/ops-maintenance (CLI)',
    'Turns off deletion protection on the production instance orders-prod',
    ['rds-deletion-protection-disabled'],
  );
  add(
    {
      at: '16:44:02',
      source: ct,
      name: 'DescribeTrails',
      actor: dbAdmin(session2, session2Key, 'cloudtrail.describe-trails'),
      readOnly: true,
      request: { trailNameList: [], includeShadowTrails: true },
    },
    'DBAdminRole/ops-maintenance (CLI)',
    'Lists the trails',
    [],
    'read-only CloudTrail call',
  );
  add(
    {
      at: '16:45:37',
      source: ct,
      name: 'StopLogging',
      actor: dbAdmin(session2, session2Key, 'cloudtrail.stop-logging'),
      readOnly: false,
      request: { name: TRAIL_ARN },
    },
    'DBAdminRole/ops-maintenance (CLI)',
    'Stops logging on RDS-CloudTrail: nothing is recorded until 17:12:09',
    ['cloudtrail-logging-stopped'],
  );
  add(
    {
      at: '17:12:09',
      source: ct,
      name: 'StartLogging',
      actor: johndoeConsole,
      readOnly: false,
      request: { name: TRAIL_ARN },
    },
    'johndoe (console)',
    'Turns logging back on',
    [],
    'turns logging on',
  );

  // --- 7. Root looks at the databases, with MFA ------------------------------------------------------
  add(
    {
      at: ROOT_SINCE,
      source: 'signin.amazonaws.com',
      name: 'ConsoleLogin',
      actor: {
        ...rootConsole,
        identity: {
          type: 'Root',
          principalId: ACCOUNT,
          arn: `arn:aws:iam::${ACCOUNT}:root`,
          accountId: ACCOUNT,
          accessKeyId: '',
        },
        userAgent: BROWSER_UA_2,
        console: false,
      },
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      response: { ConsoleLogin: 'Success' },
      additional: {
        LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
        MobileVersion: 'No',
        MFAIdentifier: `arn:aws:iam::${ACCOUNT}:mfa/root-account-mfa-device`,
        MFAUsed: 'Yes',
      },
      host: 'signin.aws.amazon.com',
    },
    'root (browser)',
    'Root signs in to the console with MFA',
  );
  add(
    {
      at: '17:16:48',
      source: rds,
      name: 'DescribeDBInstances',
      actor: rootConsole,
      readOnly: true,
      request: { maxRecords: 100 },
    },
    'root (console, MFA)',
    'Root lists the DB instances',
    ['root-rds-activity'],
  );
  add(
    {
      at: '17:18:20',
      source: rds,
      name: 'DescribeDBSnapshotAttributes',
      actor: rootConsole,
      readOnly: true,
      request: { dBSnapshotIdentifier: 'mysqldb-snap' },
    },
    'root (console, MFA)',
    'Root checks who may restore mysqldb-snap',
    ['root-rds-activity'],
  );
  add(
    {
      at: '17:19:05',
      source: rds,
      name: 'ModifyDBSnapshotAttribute',
      actor: rootConsole,
      readOnly: false,
      request: { dBSnapshotIdentifier: 'mysqldb-snap', attributeName: 'restore', valuesToRemove: ['all'] },
      response: {
        dBSnapshotIdentifier: 'mysqldb-snap',
        dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: [] }],
      },
    },
    'root (console, MFA)',
    'Root makes mysqldb-snap private again (valuesToRemove ["all"])',
    ['root-rds-activity'],
    'rds-snapshot-public must not fire: it removes "all"',
  );

  // --- 6. The trail is deleted at the end of the walk-through ---------------------------------------
  add(
    {
      at: '18:04:10',
      source: ct,
      name: 'DescribeTrails',
      actor: johndoeConsole,
      readOnly: true,
      request: { trailNameList: [], includeShadowTrails: true },
    },
    'johndoe (console)',
    'Opens the trail list',
    [],
    'read-only CloudTrail call',
  );
  add(
    {
      at: '18:05:12',
      source: ct,
      name: 'GetTrailStatus',
      actor: johndoeConsole,
      readOnly: true,
      request: { name: TRAIL_ARN },
    },
    'johndoe (console)',
    'Console shows the trail status',
    [],
    'read-only CloudTrail call',
  );
  add(
    {
      at: '18:09:27',
      source: ct,
      name: 'DeleteTrail',
      actor: johndoeConsole,
      readOnly: false,
      request: { name: TRAIL_ARN },
    },
    'johndoe (console)',
    'Deletes RDS-CloudTrail: the last record of the day',
    ['cloudtrail-logging-stopped'],
  );
  return story;
}

// ---------------------------------------------------------------------------------------------------
// Setup and other people's calls that belong to the story but are not RDS/Data API/CloudTrail

function storyNoise(): Call[] {
  const cwlRole = roleSession(
    'CloudTrail_CloudWatchLogs_Role',
    'AROA6CTCWLROLEEXAMPL',
    '1763629865021',
    'ASIA6CTCWLSESSION001',
    '09:11:05',
    {
      invokedBy: 'cloudtrail.amazonaws.com',
    },
  );
  const cloudtrailService: Actor = {
    identity: cwlRole,
    ip: 'cloudtrail.amazonaws.com',
    userAgent: 'cloudtrail.amazonaws.com',
    service: true,
  };
  const topicArn = `arn:aws:sns:${HOME}:${ACCOUNT}:RDSCloudTrail`;
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSCloudTrailSNSPolicy20131101',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'SNS:Publish',
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceArn': TRAIL_ARN } },
      },
    ],
  });
  return [
    {
      at: '08:59:31',
      source: 'sns.amazonaws.com',
      name: 'CreateTopic',
      actor: johndoeConsole,
      readOnly: false,
      request: { name: 'RDSCloudTrail' },
      response: { topicArn },
    },
    {
      at: '09:00:12',
      source: 'sns.amazonaws.com',
      name: 'Subscribe',
      actor: johndoeConsole,
      readOnly: false,
      request: { topicArn, protocol: 'email', endpoint: 'johndoe@example.com', returnSubscriptionArn: false },
      response: { subscriptionArn: 'pending confirmation' },
    },
    {
      at: '09:00:58',
      source: 'sns.amazonaws.com',
      name: 'SetTopicAttributes',
      actor: johndoeConsole,
      readOnly: false,
      request: { topicArn, attributeName: 'Policy', attributeValue: policy },
    },
    {
      at: '09:08:10',
      source: 'logs.amazonaws.com',
      name: 'CreateLogGroup',
      actor: johndoeConsole,
      readOnly: false,
      request: { logGroupName: '/aws/cloudtrail/rds' },
    },
    {
      at: '09:10:22',
      source: 'iam.amazonaws.com',
      name: 'CreateRole',
      actor: johndoeConsole,
      readOnly: false,
      request: {
        roleName: 'CloudTrail_CloudWatchLogs_Role',
        assumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      },
      response: {
        role: {
          path: '/',
          roleName: 'CloudTrail_CloudWatchLogs_Role',
          roleId: 'AROA6CTCWLROLEEXAMPL',
          arn: `arn:aws:iam::${ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`,
          createDate: awsDate('09:10:22'),
          assumeRolePolicyDocument:
            '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22cloudtrail.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D',
        },
      },
    },
    {
      at: '09:10:24',
      source: 'iam.amazonaws.com',
      name: 'PutRolePolicy',
      actor: johndoeConsole,
      readOnly: false,
      request: {
        roleName: 'CloudTrail_CloudWatchLogs_Role',
        policyName: 'oneClick_CloudTrail_CloudWatchLogs_Role_1763629824118',
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AWSCloudTrailCreateLogStream2014110',
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: [
                `arn:aws:logs:${HOME}:${ACCOUNT}:log-group:/aws/cloudtrail/rds:log-stream:${ACCOUNT}_CloudTrail_*`,
              ],
            },
          ],
        }),
      },
    },
    {
      at: '09:11:40',
      source: 'logs.amazonaws.com',
      name: 'CreateLogStream',
      actor: cloudtrailService,
      readOnly: false,
      request: { logGroupName: '/aws/cloudtrail/rds', logStreamName: `${ACCOUNT}_CloudTrail_${HOME}` },
    },
    {
      at: '09:11:41',
      source: 'logs.amazonaws.com',
      name: 'CreateLogStream',
      actor: cloudtrailService,
      readOnly: false,
      request: { logGroupName: '/aws/cloudtrail/rds', logStreamName: `${ACCOUNT}_CloudTrail_${WEST}` },
    },
    // A later sign-in without MFA, and a failed one.
    {
      at: MARIA_SINCE,
      source: 'signin.amazonaws.com',
      name: 'ConsoleLogin',
      actor: {
        identity: {
          type: 'IAMUser',
          principalId: MARIA_ID,
          arn: `arn:aws:iam::${ACCOUNT}:user/maria.garcia`,
          accountId: ACCOUNT,
          userName: 'maria.garcia',
        },
        ip: '203.0.113.57',
        userAgent: BROWSER_UA_2,
      },
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      response: { ConsoleLogin: 'Success' },
      additional: {
        LoginTo:
          'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_5c2e1b0d9a8f7e6d',
        MobileVersion: 'No',
        MFAUsed: 'No',
      },
      host: 'signin.aws.amazon.com',
    },
    // A failed console sign-in: errorMessage without errorCode.
    {
      at: '15:03:27',
      source: 'signin.amazonaws.com',
      name: 'ConsoleLogin',
      actor: {
        identity: {
          type: 'IAMUser',
          principalId: 'AIDA6PTESTUSEREXAMPL',
          accountId: ACCOUNT,
          accessKeyId: '',
          userName: 'p.test',
        },
        ip: '192.0.2.231',
        userAgent: BROWSER_UA,
      },
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      error: { code: '', message: 'Failed authentication' },
      omit: ['errorCode'],
      response: { ConsoleLogin: 'Failure' },
      additional: {
        LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
        MobileVersion: 'No',
        MFAUsed: 'No',
      },
      host: 'signin.aws.amazon.com',
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Background noise

type NoiseMaker = (rng: Rng, at: string, region: string) => Call[];

const VPCE = 'vpce-0a1b2c3d4e5f60718';
const APP_ROLE_ID = 'AROA6APPTASKROLEXMPL';
const MONITOR_ROLE_ID = 'AROA6MONITORRDONLYXM';
const ORDERS_API_ROLE_ID = 'AROA6ORDERSAPIFNEXMP';
const SSM_ROLE_ID = 'AROA6EC2SSMCOREROLEX';
const BACKUP_ROLE_ID = 'AROA6BACKUPJOBROLEXM';

function appTask(rng: Rng): Actor {
  const task = rng.pick([
    '3f9c2b7d1e8a4c6f9b0d2e4a6c8e0f12',
    '8a1d5e7c9b3f4a2e6d0c8b7a5f3e1d94',
    'c47e2a9f0b6d4e8a1c3f5b7d9e0a2c46',
  ]);
  return {
    identity: roleSession(
      'app-ecs-task-role',
      APP_ROLE_ID,
      task,
      `ASIA6APPTASK${task.slice(0, 8).toUpperCase()}`,
      '08:00:12',
    ),
    ip: `10.0.${rng.int(10, 13)}.${rng.int(20, 240)}`,
    userAgent: JAVA_S3_UA,
    tls: 'TLSv1.3',
  };
}
/** The start of the session in use at `at` for credentials renewed every `period` seconds. */
function sessionStart(at: string, period: number, offset: number): string {
  const t = toSeconds(at);
  let start = Math.floor(t / period) * period + offset;
  if (start > t) start -= period;
  return fromSeconds(start);
}
/** The vendor's scanner re-assumes monitoring-readonly every hour (1-hour sessions). */
function monitor(region: string, api: string, at: string): Actor {
  const since = sessionStart(at, 3600, 4);
  return {
    identity: roleSession(
      'monitoring-readonly',
      MONITOR_ROLE_ID,
      'monitor-7f3e2a',
      `ASIA6MONITOR${since.slice(0, 2)}${since.slice(3, 5)}EXMP`,
      since,
    ),
    ip: '192.0.2.200',
    userAgent: GO_SDK_UA(api),
    tls: region === HOME ? 'TLSv1.3' : 'TLSv1.2',
  };
}
function ordersApi(): Actor {
  return {
    identity: roleSession(
      'orders-api-fn-role',
      ORDERS_API_ROLE_ID,
      'orders-api-fn',
      'ASIA6ORDERSAPIFN0001',
      '08:12:40',
    ),
    ip: '198.51.100.62',
    userAgent: BOTO_UA,
    tls: 'TLSv1.3',
  };
}
function ssmHost(rng: Rng, region: string, at: string): { actor: Actor; instance: string; ip: string } {
  const instance =
    region === HOME
      ? rng.pick(['i-0a12b34c56d78e901', 'i-0f98e76d54c32b10a', 'i-03c5e7a9b1d2f4680'])
      : 'i-07e1d2c3b4a596870';
  const ip =
    region === HOME
      ? instance.endsWith('901')
        ? '10.0.11.23'
        : instance.endsWith('10a')
          ? '10.0.12.87'
          : '10.0.13.141'
      : '10.1.4.52';
  return {
    instance,
    ip,
    actor: {
      identity: roleSession(
        'AmazonSSMRoleForInstancesQuickSetup',
        SSM_ROLE_ID,
        instance,
        `ASIA6SSM${instance.slice(-12).toUpperCase()}`,
        sessionStart(at, 21600, 31),
        { ec2: true },
      ),
      ip,
      userAgent: SSM_AGENT_UA,
      tls: 'TLSv1.2',
    },
  };
}

function s3Object(
  rng: Rng,
  at: string,
  region: string,
  bucket: string,
  actor: Actor,
  write: boolean,
  key: string,
): Call {
  const size = rng.int(900, 480_000);
  return {
    at,
    region,
    source: 's3.amazonaws.com',
    name: write ? 'PutObject' : 'GetObject',
    actor,
    readOnly: !write,
    data: true,
    request: { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com`, key },
    response: write ? { 'x-amz-server-side-encryption': 'AES256' } : null,
    additional: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: write ? size : 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': rng.chars(76, B64),
      bytesTransferredOut: write ? 0 : size,
    },
    requestId: rng.chars(16, UPPER_ALNUM),
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    host: `${bucket}.s3.${region}.amazonaws.com`,
    ...(actor.ip.startsWith('10.') ? { vpcEndpointId: VPCE } : {}),
  };
}

const appObjectKey = (rng: Rng): string =>
  rng.pick([
    `orders/2026/11/20/order-${rng.int(100000, 999999)}.json`,
    `invoices/2026/11/INV-${rng.int(20000, 99999)}.pdf`,
    `exports/daily/customers-2026-11-19.csv.gz`,
    `images/products/${rng.chars(12, HEX)}.webp`,
  ]);

const ec2Describe = (rng: Rng, at: string, region: string, actor: Actor): Call => {
  const [name, request] = rng.pick<[string, JsonObject]>([
    ['DescribeInstances', { instancesSet: {}, filterSet: {} }],
    ['DescribeInstanceStatus', { instancesSet: {}, filterSet: {}, includeAllInstances: true }],
    ['DescribeVolumes', { volumeSet: {}, filterSet: {} }],
    ['DescribeSecurityGroups', { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} }],
    ['DescribeSubnets', { subnetSet: {}, filterSet: {} }],
    ['DescribeVpcs', { vpcSet: {}, filterSet: {} }],
    [
      'DescribeNetworkInterfaces',
      { networkInterfaceIdSet: {}, filterSet: { items: [{ name: 'vpc-id', valueSet: { items: [{ value: VPC }] } }] } },
    ],
  ]);
  return { at, region, source: 'ec2.amazonaws.com', name, actor, readOnly: true, request };
};

/** RDS decrypting an encrypted instance's data key with KMS. */
const rdsKmsDecrypt = (at: string, region: string, dbResourceId: string, kmsKey: string): Call => ({
  at,
  region,
  source: 'kms.amazonaws.com',
  name: 'Decrypt',
  actor: awsServiceActor('rds.amazonaws.com'),
  readOnly: true,
  request: { encryptionContext: { 'aws:rds:db-id': dbResourceId }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: kmsKey }],
});

const lambdaAssumeRole: NoiseMaker = (rng, at, region) => {
  const fn = rng.pick(['orders-api-fn', 'thumbnailer-fn', 'nightly-export-fn']);
  const role = `${fn}-role`;
  const call: Call = {
    at,
    region,
    source: 'sts.amazonaws.com',
    name: 'AssumeRole',
    actor: awsServiceActor('lambda.amazonaws.com'),
    readOnly: true,
    request: { roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`, roleSessionName: fn },
    response: {
      credentials: {
        accessKeyId: `ASIA6${rng.chars(15, UPPER_ALNUM)}`,
        sessionToken: rng.chars(88, B64),
        expiration: awsDate(at, 43200),
      },
      assumedRoleUser: {
        assumedRoleId: `AROA6${charsFor(`role-id:${role}`, 15, UPPER_ALNUM)}:${fn}`,
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${fn}`,
      },
    },
    resources: [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${ACCOUNT}:role/${role}` }],
  };
  return [call];
};

const ssmAgent: NoiseMaker = (rng, at, region) => {
  const host = ssmHost(rng, region, at);
  if (rng.next() >= 0.6) {
    return [
      {
        at,
        region,
        source: 'ssm.amazonaws.com',
        name: 'ListInstanceAssociations',
        actor: host.actor,
        readOnly: true,
        request: { instanceId: host.instance, maxResults: 20 },
      },
    ];
  }
  const request: JsonObject = {
    instanceId: host.instance,
    agentVersion: '3.3.3050.0',
    agentStatus: 'Active',
    platformType: 'Linux',
    platformName: 'Amazon Linux',
    platformVersion: '2023',
    iPAddress: host.ip,
    computerName: `ip-${host.ip.replace(/\./g, '-')}.ec2.internal`,
    agentName: 'amazon-ssm-agent',
    availabilityZone: `${region}a`,
    availabilityZoneId: region === HOME ? 'use1-az2' : 'usw2-az1',
    sSMConnectionChannel: 'ssmmessages',
  };
  return [
    {
      at,
      region,
      source: 'ssm.amazonaws.com',
      name: 'UpdateInstanceInformation',
      actor: host.actor,
      readOnly: false,
      request,
    },
  ];
};

const NOISE_HOME: [number, NoiseMaker][] = [
  [7, (rng, at, region) => [s3Object(rng, at, region, APP_BUCKET, appTask(rng), false, appObjectKey(rng))]],
  [
    4,
    (rng, at, region) => [
      s3Object(
        rng,
        at,
        region,
        APP_BUCKET,
        appTask(rng),
        true,
        `orders/2026/11/20/order-${rng.int(100000, 999999)}.json`,
      ),
    ],
  ],
  [
    2,
    (rng, at, region) => [
      s3Object(
        rng,
        at,
        region,
        APP_BUCKET,
        ordersApi(),
        false,
        `config/orders-api/${rng.pick(['feature-flags.json', 'pricing-rules.json'])}`,
      ),
    ],
  ],
  [5, (rng, at, region) => [ec2Describe(rng, at, region, monitor(region, 'ec2#1.258.1', at))]],
  [1, (rng, at, region) => [ec2Describe(rng, at, region, johndoeConsole)]],
  // maria.garcia browses the EC2 console after signing in (without MFA) at 12:03:44.
  [
    1,
    (rng, at, region) => (toSeconds(at) >= toSeconds(MARIA_SINCE) ? [ec2Describe(rng, at, region, mariaConsole)] : []),
  ],
  [2, lambdaAssumeRole],
  [
    1,
    (rng, at, region) => [
      {
        at,
        region,
        source: 'sts.amazonaws.com',
        name: 'AssumeRole',
        actor: awsServiceActor('ecs-tasks.amazonaws.com'),
        readOnly: true,
        request: { roleArn: `arn:aws:iam::${ACCOUNT}:role/app-ecs-task-role`, roleSessionName: rng.chars(32, HEX) },
        response: {
          credentials: {
            accessKeyId: `ASIA6${rng.chars(15, UPPER_ALNUM)}`,
            sessionToken: rng.chars(88, B64),
            expiration: awsDate(at, 21600),
          },
          assumedRoleUser: {
            assumedRoleId: `${APP_ROLE_ID}:task`,
            arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app-ecs-task-role/task`,
          },
        },
        resources: [
          { accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${ACCOUNT}:role/app-ecs-task-role` },
        ],
      },
    ],
  ],
  [
    2,
    (rng, at, region) => [
      {
        at,
        region,
        source: 'sts.amazonaws.com',
        name: 'AssumeRole',
        actor: {
          identity: {
            type: 'AWSAccount',
            principalId: `AROA6VENDORSCANNERXM:scanner-${rng.chars(6, HEX)}`,
            accountId: VENDOR_ACCOUNT,
          },
          ip: '192.0.2.200',
          userAgent: GO_SDK_UA('sts#1.38.6'),
          tls: 'TLSv1.3',
        },
        readOnly: true,
        request: {
          roleArn: `arn:aws:iam::${ACCOUNT}:role/monitoring-readonly`,
          roleSessionName: 'monitor-7f3e2a',
          externalId: 'f2b9c1d7e4a8',
          durationSeconds: 3600,
        },
        response: {
          credentials: {
            accessKeyId: `ASIA6${rng.chars(15, UPPER_ALNUM)}`,
            sessionToken: rng.chars(88, B64),
            expiration: awsDate(at, 3600),
          },
          assumedRoleUser: {
            assumedRoleId: `${MONITOR_ROLE_ID}:monitor-7f3e2a`,
            arn: `arn:aws:sts::${ACCOUNT}:assumed-role/monitoring-readonly/monitor-7f3e2a`,
          },
        },
        resources: [
          { accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${ACCOUNT}:role/monitoring-readonly` },
        ],
        host: `sts.${region}.amazonaws.com`,
      },
    ],
  ],
  [
    1,
    (_rng, at, region) => [
      {
        at,
        region,
        source: 'sts.amazonaws.com',
        name: 'GetCallerIdentity',
        actor: monitor(region, 'sts#1.38.6', at),
        readOnly: true,
      },
    ],
  ],
  [
    3,
    (rng, at, region) => {
      // The function reads its database secret; Secrets Manager decrypts it with KMS on the caller's behalf.
      const actor = ordersApi();
      const secret = `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:orders-prod/app-credentials-Tq3s9L`;
      const version = uuidFor(`secret-version:${rng.int(1, 3)}`);
      const calls: Call[] = [
        {
          at,
          region,
          source: 'secretsmanager.amazonaws.com',
          name: 'GetSecretValue',
          actor,
          readOnly: true,
          request: { secretId: secret },
        },
        {
          at,
          region,
          source: 'kms.amazonaws.com',
          name: 'Decrypt',
          actor: {
            identity: { ...actor.identity, invokedBy: 'secretsmanager.amazonaws.com' },
            ip: 'secretsmanager.amazonaws.com',
            userAgent: 'secretsmanager.amazonaws.com',
            service: true,
          },
          readOnly: true,
          request: {
            encryptionContext: { SecretARN: secret, SecretVersionId: version },
            encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          },
          resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KMS_KEY }],
        },
      ];
      return calls;
    },
  ],
  [2, (_rng, at, region) => [rdsKmsDecrypt(at, region, ORDERS.resourceId, KMS_KEY)]],
  [4, ssmAgent],
  [
    2,
    (rng, at, region) => {
      const [name, request] = rng.pick<[string, JsonObject | null]>([
        ['ListUsers', null],
        ['ListRoles', null],
        ['GetAccountSummary', null],
        ['ListPolicies', { scope: 'Local', onlyAttached: false, policyUsageFilter: 'PermissionsPolicy' }],
        ['ListAttachedRolePolicies', { roleName: 'app-ecs-task-role' }],
        ['GetAccountPasswordPolicy', null],
      ]);
      const byConsole = rng.next() < 0.5;
      const call: Call = {
        at,
        region,
        source: 'iam.amazonaws.com',
        name,
        actor: byConsole ? johndoeConsole : monitor(region, 'iam#1.47.7', at),
        readOnly: true,
        request,
        host: 'iam.amazonaws.com',
      };
      if (name === 'GetAccountPasswordPolicy') {
        call.error = {
          code: 'NoSuchEntityException',
          message: `The Password Policy with domain name ${ACCOUNT} cannot be found.`,
        };
      }
      return [call];
    },
  ],
];

const NOISE_WEST: [number, NoiseMaker][] = [
  [
    6,
    (rng, at, region) => {
      const actor: Actor = {
        identity: roleSession('backup-job-role', BACKUP_ROLE_ID, 'nightly-backup', 'ASIA6BACKUPJOBKEY001', '12:30:02'),
        ip: '198.51.100.140',
        userAgent: BOTO_UA.replace('exec-env/AWS_Lambda_python3.12 ', ''),
        tls: 'TLSv1.3',
      };
      const write = rng.next() < 0.7;
      return [
        s3Object(
          rng,
          at,
          region,
          WEST_BUCKET,
          actor,
          write,
          `db-dumps/2026-11-20/part-${String(rng.int(1, 400)).padStart(4, '0')}.sql.gz`,
        ),
      ];
    },
  ],
  [5, (rng, at, region) => [ec2Describe(rng, at, region, monitor(region, 'ec2#1.258.1', at))]],
  [3, ssmAgent],
  [2, (_rng, at, region) => [rdsKmsDecrypt(at, region, 'db-METRICSW2X4Q7ZK2M5XW3NB8VH', KMS_KEY_WEST)]],
  [2, lambdaAssumeRole],
];

function pickWeighted(rng: Rng, table: [number, NoiseMaker][]): NoiseMaker {
  const total = table.reduce((sum, [weight]) => sum + weight, 0);
  let roll = rng.next() * total;
  for (const [weight, maker] of table) {
    roll -= weight;
    if (roll < 0) return maker;
  }
  const last = table[table.length - 1];
  if (last === undefined) throw new Error('empty noise table');
  return last[1];
}

/** Odd but real record shapes, placed once each. */
function oddities(): Call[] {
  return [
    // A service event: userIdentity without `type`, no requestID, sourceIPAddress "AWS Internal".
    {
      at: '13:26:00',
      source: 'kms.amazonaws.com',
      name: 'RotateKey',
      actor: {
        identity: { accountId: ACCOUNT, invokedBy: 'AWS Internal' },
        ip: 'AWS Internal',
        userAgent: 'AWS Internal',
        service: true,
      },
      readOnly: false,
      eventType: 'AwsServiceEvent',
      resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KMS_KEY }],
      omit: ['requestID'],
    },
    // requestParameters too large: CloudTrail replaces them.
    {
      at: '13:31:12',
      source: 'cloudformation.amazonaws.com',
      name: 'ValidateTemplate',
      actor: {
        identity: roleSession(
          'ci-deploy-role',
          'AROA6CIDEPLOYROLEXMP',
          'github-actions-8812',
          'ASIA6CIDEPLOYGHA8812',
          '13:29:58',
        ),
        ip: '192.0.2.145',
        userAgent:
          'aws-cli/2.31.18 md/awscrt#0.28.1 ua/2.1 os/linux#6.11.0-1018-azure md/arch#x86_64 lang/python#3.13.7 md/pyimpl#CPython m/b,E cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#cloudformation.validate-template',
        tls: 'TLSv1.3',
      },
      readOnly: true,
      request: { reason: 'requestParameters too large', omitted: true },
    },
    // Delivered late: the event happened before the 09:05 file was written, but it is in the 09:20 file.
    {
      at: '09:04:10',
      source: 'ec2.amazonaws.com',
      name: 'DescribeInstances',
      actor: monitor(HOME, 'ec2#1.258.1', '09:04:10'),
      readOnly: true,
      request: { instancesSet: {}, filterSet: {} },
      deliverIn: 'd02',
    },
    // A record without userAgent, as some service-originated records are.
    {
      at: '16:36:50',
      source: 'ec2.amazonaws.com',
      name: 'DescribeInstances',
      actor: awsServiceActor('autoscaling.amazonaws.com'),
      readOnly: true,
      request: { instancesSet: { items: [{ instanceId: 'i-0a12b34c56d78e901' }] }, filterSet: {} },
      omit: ['userAgent'],
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Deliveries

export interface Delivery {
  id: string;
  region: string;
  /** HHMM of the delivery (the timestamp in the file name). */
  deliver: string;
  from: string;
  to: string;
  noise: number;
}

export const DELIVERIES: readonly Delivery[] = [
  { id: 'd01', region: HOME, deliver: '0905', from: '08:50:30', to: '09:03:30', noise: 20 },
  { id: 'd02', region: HOME, deliver: '0920', from: '09:07:00', to: '09:18:40', noise: 24 },
  { id: 'd03', region: HOME, deliver: '1005', from: '09:53:30', to: '10:03:30', noise: 22 },
  { id: 'd04', region: HOME, deliver: '1030', from: '10:18:00', to: '10:28:30', noise: 24 },
  { id: 'd05', region: HOME, deliver: '1110', from: '10:57:00', to: '11:08:00', noise: 22 },
  { id: 'd06', region: HOME, deliver: '1140', from: '11:25:30', to: '11:37:30', noise: 26 },
  { id: 'd07', region: HOME, deliver: '1215', from: '12:01:00', to: '12:12:40', noise: 24 },
  { id: 'd08', region: WEST, deliver: '1250', from: '12:37:30', to: '12:48:30', noise: 22 },
  { id: 'd09', region: HOME, deliver: '1335', from: '13:19:30', to: '13:32:30', noise: 28 },
  { id: 'd10', region: HOME, deliver: '1420', from: '14:04:00', to: '14:17:20', noise: 26 },
  { id: 'd11', region: HOME, deliver: '1513', from: '14:56:00', to: '15:10:30', noise: 30 },
  { id: 'd12', region: HOME, deliver: '1648', from: '16:34:00', to: '16:45:37', noise: 24 },
  { id: 'd13', region: HOME, deliver: '1726', from: '17:12:09', to: '17:23:40', noise: 22 },
  { id: 'd14', region: HOME, deliver: '1812', from: '18:01:00', to: '18:09:27', noise: 16 },
];

export function logKey(delivery: Delivery): string {
  const [y, mo, d] = SAMPLE_DATE.split('-');
  const stamp = `${SAMPLE_DATE.replace(/-/g, '')}T${delivery.deliver}Z`;
  const unique = charsFor(`file:${delivery.region}:${stamp}`, 16);
  return `AWSLogs/${ACCOUNT}/CloudTrail/${delivery.region}/${y}/${mo}/${d}/${ACCOUNT}_CloudTrail_${delivery.region}_${stamp}_${unique}.json.gz`;
}

export interface BuiltFile {
  delivery: Delivery;
  key: string;
  records: CloudTrailRecord[];
  json: string;
}

export interface SampleDay {
  files: BuiltFile[];
  story: { event: StoryEvent; record: CloudTrailRecord; file: BuiltFile }[];
  /** Hourly signed digests, one chain per region. */
  digests: SignedDigest[];
}

function deliveryFor(call: Call): Delivery {
  if (call.deliverIn !== undefined) {
    const d = DELIVERIES.find((x) => x.id === call.deliverIn);
    if (!d) throw new Error(`no delivery ${call.deliverIn}`);
    return d;
  }
  const region = call.region ?? HOME;
  const t = toSeconds(call.at);
  const found = DELIVERIES.filter((d) => d.region === region && toSeconds(d.from) <= t && t <= toSeconds(d.to));
  const first = found[0];
  if (found.length !== 1 || first === undefined)
    throw new Error(`${call.name} at ${call.at} in ${region} falls in ${found.length} delivery windows`);
  return first;
}

export function buildSampleDay(): SampleDay {
  const story = buildStory();
  let seq = 0;
  const byDelivery = new Map<string, CloudTrailRecord[]>(DELIVERIES.map((d) => [d.id, []]));
  const push = (call: Call): { record: CloudTrailRecord; delivery: Delivery } => {
    const delivery = deliveryFor(call);
    const record = toRecord(call, seq++);
    byDelivery.get(delivery.id)?.push(record);
    return { record, delivery };
  };
  const storyPlaced = story.map((event) => ({ event, ...push(event.call) }));
  for (const call of [...storyNoise(), ...oddities()]) push(call);
  for (const delivery of DELIVERIES) {
    const rng = new Rng(`noise:${delivery.id}`);
    const table = delivery.region === HOME ? NOISE_HOME : NOISE_WEST;
    let made = 0;
    while (made < delivery.noise) {
      const at = fromSeconds(rng.int(toSeconds(delivery.from), toSeconds(delivery.to)));
      for (const call of pickWeighted(rng, table)(rng, at, delivery.region)) {
        push({ ...call, region: delivery.region });
        made++;
      }
    }
  }
  const files: BuiltFile[] = DELIVERIES.map((delivery) => {
    const records = new Rng(`order:${delivery.id}`).shuffle([...(byDelivery.get(delivery.id) ?? [])]);
    return { delivery, key: logKey(delivery), records, json: JSON.stringify({ Records: records }) };
  });
  const fileOf = (d: Delivery): BuiltFile => {
    const f = files.find((x) => x.delivery.id === d.id);
    if (!f) throw new Error(`no file for ${d.id}`);
    return f;
  };
  return {
    files,
    story: storyPlaced.map(({ event, record, delivery }) => ({ event, record, file: fileOf(delivery) })),
    digests: buildDigests(files),
  };
}

// ---------------------------------------------------------------------------------------------------
// The digest files (log file validation, issue 14): hourly per region, each naming the log files delivered in
// its hour with the SHA-256 of their uncompressed content and the previous digest with its signature, signed
// with the sample's TEST key (scripts/sample-signing-key.ts) as CloudTrail signs with its own. A digest's
// signature is S3 object metadata, which a file cannot carry: it is written beside the digest as
// `<digest>.s3-metadata.json` ({"signature": ..., "signature-algorithm": ...}), which `npm start` uploads as the
// object's metadata. The digests name the bucket `npm start` uploads the day to (DIGEST_BUCKET): a digest must
// sit where it says. Simplification: one unbroken chain per region for the whole day (CloudTrail would start a
// new chain after StartLogging).

/** The bucket `npm start` (scripts/local/local-aws.ts SAMPLE_BUCKET) uploads the day to. */
export const DIGEST_BUCKET = 'trailwatch-sample-trail';
const FIRST_DIGEST_END = '09:46:31';
export const METADATA_SUFFIX = '.s3-metadata.json';

const samplePrivateKey = createPrivateKey(SAMPLE_SIGNING_KEY_PEM);
/** The sample key's public half, DER PKCS #1, as ListPublicKeys returns CloudTrail's. */
export const SAMPLE_PUBLIC_KEY_DER = createPublicKey(samplePrivateKey).export({ format: 'der', type: 'pkcs1' });

/** The `aws cloudtrail list-public-keys` JSON for the sample key (events/sample-public-keys.json). */
export function samplePublicKeysJson(): string {
  return publicKeysJson(SAMPLE_PUBLIC_KEY_DER, { start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' });
}

function buildDigests(files: BuiltFile[]): SignedDigest[] {
  const deliveredAt = (f: BuiltFile): number =>
    toSeconds(`${f.delivery.deliver.slice(0, 2)}:${f.delivery.deliver.slice(2)}:00`);
  const lastDelivery = Math.max(...files.map(deliveredAt));
  const fingerprint = createHash('md5').update(SAMPLE_PUBLIC_KEY_DER).digest('hex');
  const digests: SignedDigest[] = [];
  for (const region of [HOME, WEST]) {
    let previous: SignedDigest | undefined;
    for (let end = toSeconds(FIRST_DIGEST_END); end - 3600 < lastDelivery; end += 3600) {
      const hour = files.filter(
        (f) => f.delivery.region === region && deliveredAt(f) > end - 3600 && deliveredAt(f) <= end,
      );
      const endIso = iso(fromSeconds(end));
      const logFiles = hour.map((f) => {
        const t = f.records.map((r) => r.eventTime).sort();
        return {
          bucket: DIGEST_BUCKET,
          key: f.key,
          json: f.json,
          oldestEventTime: t[0] ?? null,
          newestEventTime: t[t.length - 1] ?? null,
        };
      });
      const key = digestKey({ account: ACCOUNT, region, trail: SAMPLE_TRAIL, homeRegion: HOME, end: endIso });
      previous = signDigest(
        {
          bucket: DIGEST_BUCKET,
          key,
          account: ACCOUNT,
          start: iso(fromSeconds(end - 3600)),
          end: endIso,
          fingerprint,
          logFiles,
        },
        previous,
        samplePrivateKey,
      );
      digests.push(previous);
    }
  }
  return digests;
}

// ---------------------------------------------------------------------------------------------------
// Output

/** gzip with a fixed level; Node writes mtime 0 and no file name, so equal input gives equal bytes. */
export function gzipFixed(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: GZIP_LEVEL });
}

/** Every file the generator writes, by path relative to events/logs (POSIX separators). */
export function buildSampleLogs(): Map<string, Buffer> {
  const day = buildSampleDay();
  const out = new Map<string, Buffer>();
  for (const file of day.files) out.set(file.key, gzipFixed(file.json));
  for (const digest of day.digests) {
    out.set(digest.key, gzipFixed(digest.json));
    out.set(`${digest.key}${METADATA_SUFFIX}`, Buffer.from(`${JSON.stringify(digest.metadata, null, 2)}\n`, 'utf8'));
  }
  out.set('README.md', Buffer.from(renderReadme(day), 'utf8'));
  // Keep checkouts byte-identical to the generator's output (no CRLF conversion of the README).
  out.set('.gitattributes', Buffer.from('README.md text eol=lf\n*.gz binary\n', 'utf8'));
  return out;
}

function counts(records: CloudTrailRecord[]): Record<RecordKind | 'total', number> {
  const c: Record<RecordKind | 'total', number> = { total: 0, RDS: 0, 'Data API': 0, CloudTrail: 0, noise: 0 };
  for (const r of records) {
    c.total++;
    c[kindOf(r.eventSource)]++;
  }
  return c;
}

export function sampleCounts(day: SampleDay = buildSampleDay()): Record<RecordKind | 'total', number> {
  return counts(day.files.flatMap((f) => f.records));
}

const RULES: [string, string][] = [
  ['rds-database-deleted', 'a DB instance or cluster deleted'],
  [
    'rdsdata-logging-excluded',
    'a trail stops recording the RDS Data API (PutEventSelectors excluding rdsdata.amazonaws.com)',
  ],
  ['cloudtrail-logging-stopped', 'a trail stopped or deleted'],
  [
    'cloudtrail-trail-updated',
    'trail settings changed (UpdateTrail; here only destinations were added, logging goes on)',
  ],
  ['rds-snapshot-public', 'a DB snapshot made restorable by everyone (valuesToAdd "all")'],
  ['rds-snapshot-shared', 'a DB snapshot shared with another account'],
  ['rds-public-access', 'a DB instance created or modified to be publicly accessible'],
  ['rds-master-password-changed', 'a master user password set on an existing instance'],
  ['rds-deletion-protection-disabled', 'deletion protection turned off'],
  ['rds-failed-call', 'an RDS call that failed'],
  ['root-rds-activity', "an RDS call made with the root user's credentials"],
  ['rds-rebooted', 'a DB instance rebooted by a person, without a forced failover (low)'],
  [
    'rds-manual-snapshot-created',
    'a manual DB snapshot taken by a person (low; the first step of the share that follows)',
  ],
];

function fileLabel(file: BuiltFile): string {
  return `${file.delivery.deliver}Z${file.delivery.region === HOME ? '' : ` ${file.delivery.region}`}`;
}

function renderReadme(day: SampleDay): string {
  const total = sampleCounts(day);
  const pct = (n: number): string => `${((100 * n) / total.total).toFixed(1)} %`;
  const lines: string[] = [];
  const p = (...text: string[]): void => {
    lines.push(...text);
  };
  p(
    '# Sample CloudTrail logs: one day of account 123456789012',
    '',
    'Generated by `scripts/make-sample-logs.ts`; do not edit these files by hand (the generator rewrites',
    'them, this README included, and `test/sample-logs.test.ts` checks that they match it byte for byte).',
    'Regenerate from the repository root with:',
    '',
    '```sh',
    'npx esbuild scripts/make-sample-logs.ts --bundle --platform=node --format=esm --outfile=/tmp/msl.mjs \\',
    '  && node_modules/.bin/node /tmp/msl.mjs',
    '```',
    '',
    `The day is ${SAMPLE_DATE} (UTC). It replays the RDS CloudTrail walk-through trailwatch was designed from`,
    '(`rds-cloudtrail-walkthrough.txt` among the design documents): an Oracle instance created, rebooted, modified and',
    'deleted in the console, a MySQL instance created and renamed with the AWS CLI, the Data API on Aurora',
    'Serverless, and finally the trail deleted. Around it are the things trailwatch must notice (the Data API',
    'excluded from the trail, a public and a shared snapshot, a new master password, deletion protection',
    'turned off, logging stopped, root at work) and the background noise of a normal account, which is',
    `${pct(total.noise)} of the records.`,
    '',
    '## Layout',
    '',
    `Exactly as CloudTrail writes to its bucket (\`${SAMPLE_BUCKET}\`, no prefix), one gzipped`,
    '`{"Records":[...]}` per file on a single line, records not in time order within a file:',
    '',
    '```',
    'AWSLogs/123456789012/CloudTrail/<region>/2026/11/20/123456789012_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz',
    'AWSLogs/123456789012/CloudTrail-Digest/<region>/2026/11/20/123456789012_CloudTrail-Digest_<region>_RDS-CloudTrail_us-east-1_<YYYYMMDDTHHmmssZ>.json.gz',
    'AWSLogs/123456789012/CloudTrail-Digest/<region>/2026/11/20/<the same digest name>.s3-metadata.json',
    '```',
    '',
    `Digest files are not log files (no \`Records\`): a scanner of CloudTrail logs must skip them. There is one per`,
    `hour and region (${day.digests.length} in all, a chain per region), each listing the log files delivered in its hour with the`,
    'SHA-256 of their uncompressed content and signed as CloudTrail signs them, but with a TEST key',
    "(`scripts/sample-signing-key.ts`; its public half is `events/sample-public-keys.json`). A digest's signature is",
    'S3 object metadata, which a file cannot carry: it is in the `.s3-metadata.json` file beside it, and `npm start`',
    `uploads it as the object's metadata. The digests name the bucket \`npm start\` uses, \`${DIGEST_BUCKET}\`.`,
    '',
    '| file (delivery) | events from (UTC) | records | RDS | Data API | CloudTrail | noise | key |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  );
  for (const file of day.files) {
    const c = counts(file.records);
    const t = file.records.map((r) => r.eventTime.slice(11, 19)).sort();
    p(
      `| ${fileLabel(file)} | ${t[0] ?? ''} – ${t[t.length - 1] ?? ''} | ${c.total} | ${c.RDS} | ${c['Data API']} | ${c.CloudTrail} | ${c.noise} | \`${file.key}\` |`,
    );
  }
  p(
    `| **all** | | **${total.total}** | **${total.RDS}** | **${total['Data API']}** | **${total.CloudTrail}** | **${total.noise}** | |`,
    '',
    'RDS = `rds.amazonaws.com`, Data API = `rdsdata.amazonaws.com` and `rdsdataapi.amazonaws.com`, CloudTrail =',
    '`cloudtrail.amazonaws.com`, noise = everything else.',
    '',
    '## The day',
    '',
    'Every record the story needs, in time order; "file" is the delivery it is in (table above). Records not',
    'listed here are noise.',
    '',
    '| time (UTC) | who | what | event | file | alerts |',
    '|---|---|---|---|---|---|',
  );
  for (const { event, record, file } of day.story) {
    const alerts = event.alerts.length > 0 ? event.alerts.map((a) => `\`${a}\``).join(', ') : '–';
    const failed = record.errorCode !== undefined ? ` (${String(record.errorCode)})` : '';
    p(
      `| ${event.call.at} | ${event.who} | ${event.what} | \`${record.eventName}\`${failed} | ${fileLabel(file)} | ${alerts} |`,
    );
  }
  p('', '## Alerts the day should raise', '', '| rule id | fires on | records |', '|---|---|---|');
  for (const [rule, meaning] of RULES) {
    const hits = day.story.filter((s) => s.event.alerts.includes(rule));
    const where = hits.map((s) => `${s.event.call.at} \`${s.record.eventName}\` (${fileLabel(s.file)})`).join('; ');
    p(`| \`${rule}\` | ${meaning} | ${hits.length}: ${where} |`);
  }
  const alertCount = day.story.reduce((n, s) => n + s.event.alerts.length, 0);
  p(
    '',
    `${alertCount} alerts in all: \`npm start\` (the processor and indexer on this bucket) and \`npm run scan-sample\``,
    '(`trailwatch scan` of this folder) raise exactly these, with the built-in rules. Records that must stay quiet',
    'although they look close:',
    '',
  );
  for (const { event, record } of day.story.filter((s) => s.event.quiet !== undefined)) {
    p(`- ${event.call.at} \`${record.eventName}\`: ${event.quiet ?? ''}.`);
  }
  p(
    '- The noise: S3 object data events, EC2/IAM/STS/SSM/Secrets Manager calls, KMS `Decrypt` by `rds.amazonaws.com`',
    '  (an AWS service, `userIdentity.type` `AWSService`) and on behalf of callers (`invokedBy`), failed non-RDS',
    '  calls (`GetAccountPasswordPolicy` NoSuchEntityException, a failed `ConsoleLogin`): none is an RDS alert.',
    '- Benign RDS calls: `DescribeDBInstances`, `DescribeDBEngineVersions`, `RebootDBInstance`, the first',
    '  `ModifyDBInstance` of oradb (its response still says `publiclyAccessible: true`, the state of the',
    '  instance, but the request changes nothing about access), the rename of mysql-db, `CreateDBSnapshot`.',
    '',
    '## Things in the sample on purpose',
    '',
    '- Records within a file are shuffled, and one noise record (09:04:10 `DescribeInstances`) is delivered',
    '  late, in the 0920Z file, after the 0905Z file was written.',
    '- The gap 16:45:37 – 17:12:09: logging was stopped, so there are no records at all in it.',
    '- The sample keeps the deliveries that carry the story; the other files of the day (noise only) are not',
    '  bundled, so the windows do not tile the day.',
    '- The Data API under both sources: `rdsdata.amazonaws.com` (Aurora Serverless v1, management events, as in',
    "  the Data API document's example) and `rdsdataapi.amazonaws.com` (v2; data events: `eventCategory` Data,",
    '  `managementEvent` false, `resources` with `AWS::RDS::DBCluster`). SQL, database and schema are masked.',
    '- The trail logs data events through advanced selectors until 14:10:02; the `PutEventSelectors` then',
    '  installs basic selectors, which cannot select Data API data events and exclude `rdsdata.amazonaws.com`:',
    '  no Data API record of either source comes after it, while S3 data events on the application bucket go on.',
    '- Shapes a reader must take: a `userIdentity` without `type` (KMS `RotateKey`, `AwsServiceEvent`, no',
    '  `requestID`), `requestParameters` replaced by `{"reason":"requestParameters too large","omitted":true}`',
    '  (CloudFormation `ValidateTemplate`), a record without `userAgent`, `vpcEndpointId` on S3 calls from the',
    '  VPC, console-session records with `sessionCredentialFromConsole`, a failed `ConsoleLogin` with',
    '  `errorMessage` but no `errorCode`, `AWSAccount` and `AWSService` identities, a `Root` identity.',
    '- One file from us-west-2 (the trail is multi-region): noise and one Data API call.',
    '',
    '## Where the sample departs from the walk-through, and what it assumes',
    '',
    '- The walk-through made a single-region trail; this one applies to all regions (the console default',
    '  today), which is why there is a us-west-2 file and the responses say `isMultiRegionTrail: true`.',
    "- The instance classes (db.m1.small, db.m1.large, db.m3.medium, db.m3.large) are the walk-through's, long",
    '  retired by RDS; engine versions are 2026 ones.',
    "- Error codes are the RDS API's (`InvalidParameterValue`, `InvalidParameterCombination`); the walk-through",
    '  calls the second one InvalidParameterCombinationException.',
    '- Assumed, not documented: that a trail delivers its own `StopLogging` and `DeleteTrail` records, and',
    '  records the `StartLogging` that resumes it. Real RDS console records sometimes show `AWS Internal` as',
    "  source IP and user agent; here console calls show the user's IP and `console.amazonaws.com`.",
    '- Unverified detail: which `BatchExecuteStatement`/`BeginTransaction` parameters CloudTrail records (the',
    '  sample keeps only ARNs, masked SQL/database/schema and the transaction id).',
    '',
  );
  return lines.join('\n');
}

export function writeSampleLogs(outDir: string): Map<string, Buffer> {
  const files = buildSampleLogs();
  rmSync(path.join(outDir, 'AWSLogs'), { recursive: true, force: true });
  for (const [relative, bytes] of files) {
    const full = path.join(outDir, ...relative.split('/'));
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, bytes);
  }
  return files;
}

function main(): void {
  const outDir = path.resolve(process.argv[2] ?? path.join('events', 'logs'));
  const files = writeSampleLogs(outDir);
  writeFileSync(path.join(outDir, '..', 'sample-public-keys.json'), samplePublicKeysJson());
  const c = sampleCounts();
  process.stdout.write(
    `wrote ${files.size} files to ${outDir}: ${c.total} records (RDS ${c.RDS}, Data API ${c['Data API']}, CloudTrail ${c.CloudTrail}, noise ${c.noise})\n`,
  );
}

const invokedAs = process.argv[1];
if (invokedAs !== undefined && import.meta.url === pathToFileURL(path.resolve(invokedAs)).href) main();
