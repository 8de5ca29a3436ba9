// Longer than 400 lines because: one specification of the committed sample day, file by file and story by story,
// over one read of events/logs.
// The bundled sample logs (events/logs/): valid CloudTrail log files laid out as CloudTrail writes them,
// telling the day that events/logs/README.md describes, and exactly what scripts/make-sample-logs.ts
// generates. Reads with Node's zlib and JSON.parse only, not with the project's reader.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { isJsonObject, type CloudTrailRecord, type JsonObject, type JsonValue } from '../shared/cloudtrail.js';
import { buildSampleLogs } from '../scripts/make-sample-logs.js';
import { kindOf } from '../scripts/sample-day/build.js';
import { SAMPLE_ACCOUNT, SAMPLE_TRAIL } from '../scripts/sample-day/day.js';
import { DIGEST_BUCKET, METADATA_SUFFIX, samplePublicKeysJson } from '../scripts/sample-day/digests.js';
import { checkDigest, checkLink, previousLink, type DigestCheck } from '../shared/integrity/check.js';
import { parsePublicKeysFile } from '../shared/integrity/public-keys.js';
import { PublicKeySet } from '../shared/integrity/signature.js';

const LOGS = fileURLToPath(new URL('../events/logs/', import.meta.url));
const PUBLIC_KEYS = fileURLToPath(new URL('../events/sample-public-keys.json', import.meta.url));
const LOG_KEY =
  /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z]{2}(?:-[a-z]+)+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{12})_CloudTrail_([a-z]{2}(?:-[a-z]+)+-\d)_(\d{8})T(\d{4})Z_([A-Za-z0-9]{16})\.json\.gz$/;
const DIGEST_KEY =
  /^AWSLogs\/(\d{12})\/CloudTrail-Digest\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z0-9-]+)_(\d{8})T(\d{6})Z\.json\.gz$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface LogFile {
  key: string;
  raw: Buffer;
  text: string;
  records: CloudTrailRecord[];
}

function walk(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = base === '' ? entry.name : `${base}/${entry.name}`;
    if (entry.isDirectory()) out.push(...walk(path.join(dir, entry.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

function obj(value: JsonValue | undefined): JsonObject {
  return isJsonObject(value ?? null) ? (value as JsonObject) : {};
}

let onDisk: string[] = [];
let logs: LogFile[] = [];
let records: CloudTrailRecord[] = [];

beforeAll(() => {
  onDisk = walk(LOGS);
  logs = onDisk
    .filter((key) => key.endsWith('.json.gz') && !key.split('/').includes('CloudTrail-Digest'))
    .map((key) => {
      const raw = readFileSync(path.join(LOGS, key));
      const text = gunzipSync(raw).toString('utf8');
      const parsed: unknown = JSON.parse(text);
      if (!isJsonObject(parsed) || !Array.isArray(parsed.Records)) throw new Error(`${key}: not {"Records":[...]}`);
      return { key, raw, text, records: parsed.Records as unknown as CloudTrailRecord[] };
    });
  records = logs.flatMap((f) => f.records);
});

/** The one record matching, or a test failure naming what was looked for. */
function find(what: string, match: (r: CloudTrailRecord) => boolean): CloudTrailRecord {
  const hits = records.filter(match);
  expect(hits, what).toHaveLength(1);
  const hit = hits[0];
  if (hit === undefined) throw new Error(`missing: ${what}`);
  return hit;
}
const req = (r: CloudTrailRecord): JsonObject => obj(r.requestParameters ?? undefined);
const res = (r: CloudTrailRecord): JsonObject => obj(r.responseElements ?? undefined);
const rds =
  (name: string) =>
  (r: CloudTrailRecord): boolean =>
    r.eventSource === 'rds.amazonaws.com' && r.eventName === name;

describe('the sample log files', () => {
  it('are a handful of log files over one day in two regions, plus hourly digests with their signature metadata', () => {
    expect(logs.length).toBeGreaterThanOrEqual(8);
    expect(logs.length).toBeLessThanOrEqual(16);
    expect(new Set(logs.map((f) => f.key.split('/')[3]))).toEqual(new Set(['us-east-1', 'us-west-2']));
    const digests = onDisk.filter((k) => k.includes('/CloudTrail-Digest/') && k.endsWith('.json.gz'));
    expect(digests).toHaveLength(20);
    expect(onDisk.filter((k) => k.endsWith(METADATA_SUFFIX)).sort()).toEqual(
      digests.map((k) => `${k}${METADATA_SUFFIX}`).sort(),
    );
  });

  it('are gzip files with mtime 0, each one line of {"Records":[...]} with only the Records key', () => {
    for (const file of logs) {
      expect(file.raw.readUInt16BE(0), file.key).toBe(0x1f8b);
      expect(file.raw.readUInt32LE(4), `${file.key} gzip mtime`).toBe(0);
      expect(file.text.startsWith('{"Records":['), file.key).toBe(true);
      expect(file.text.includes('\n'), file.key).toBe(false);
      expect(Object.keys(JSON.parse(file.text) as object), file.key).toEqual(['Records']);
      expect(file.records.length, file.key).toBeGreaterThan(0);
    }
  });

  it('are named and placed as CloudTrail names them, matching their records', () => {
    for (const file of logs) {
      const m = LOG_KEY.exec(file.key);
      expect(m, file.key).not.toBeNull();
      if (!m) continue;
      const [, account, region, y, mo, d, account2, region2, ymd, hhmm] = m;
      expect(account2).toBe(account);
      expect(region2).toBe(region);
      expect(ymd).toBe(`${y}${mo}${d}`);
      const delivered = `${y}-${mo}-${d}T${hhmm?.slice(0, 2)}:${hhmm?.slice(2)}:59Z`;
      for (const r of file.records) {
        expect(r.recipientAccountId, file.key).toBe(account);
        expect(r.awsRegion, file.key).toBe(region);
        expect(r.eventTime < delivered, `${file.key}: ${r.eventTime} after delivery`).toBe(true);
        expect(r.eventTime.slice(0, 10)).toBe(`${y}-${mo}-${d}`);
      }
      // A 5-15 minute window of events, written a few minutes after its last event.
      const times = file.records.map((r) => Date.parse(r.eventTime)).sort((a, b) => a - b);
      const oldest = times[0] ?? 0;
      const newest = times[times.length - 1] ?? 0;
      expect(newest - oldest, `${file.key}: window`).toBeLessThanOrEqual(15 * 60_000);
      expect(Date.parse(delivered) - 59_000 - newest, `${file.key}: delivery delay`).toBeLessThanOrEqual(5 * 60_000);
    }
  });

  it('hold records not in time order', () => {
    const unsorted = logs.filter((f) =>
      f.records.some((r, i) => i > 0 && r.eventTime < (f.records[i - 1]?.eventTime ?? '')),
    );
    expect(unsorted.length).toBe(logs.length);
  });

  it('hold complete records with unique event ids', () => {
    const ids = records.map((r) => r.eventID);
    expect(new Set(ids).size).toBe(records.length);
    for (const r of records) {
      const where = `${r.eventTime} ${r.eventName}`;
      expect(r.eventID, where).toMatch(UUID);
      expect(['1.08', '1.09'], where).toContain(r.eventVersion);
      expect(r.eventTime, where).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(r.eventSource, where).toMatch(/\.amazonaws\.com$/);
      expect(isJsonObject(r.userIdentity ?? null), where).toBe(true);
      expect(typeof r.readOnly, where).toBe('boolean');
      expect(typeof r.managementEvent, where).toBe('boolean');
      expect(['Management', 'Data'], where).toContain(r.eventCategory);
      expect(r.managementEvent, where).toBe(r.eventCategory === 'Management');
      expect(['AwsApiCall', 'AwsConsoleSignIn', 'AwsServiceEvent'], where).toContain(r.eventType);
      expect('requestParameters' in r && 'responseElements' in r, where).toBe(true);
      if (r.eventType === 'AwsApiCall') expect(r.requestID, where).toBeTypeOf('string');
      if (r.userIdentity?.type === 'AssumedRole') {
        expect(r.userIdentity.sessionContext?.sessionIssuer?.type, where).toBe('Role');
        expect(r.userIdentity.sessionContext?.attributes?.creationDate ?? '9', where).not.toBe('9');
        expect(
          (r.userIdentity.sessionContext?.attributes?.creationDate ?? '') <= r.eventTime,
          `${where}: session from the future`,
        ).toBe(true);
      }
    }
  });

  it('use documentation IP ranges, private VPC addresses or AWS service names as source IPs', () => {
    for (const r of records) {
      const ip = r.sourceIPAddress ?? '';
      expect(
        /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$|^10\.\d+\.\d+\.\d+$|\.amazonaws\.com$|^AWS Internal$/.test(ip),
        `${r.eventName} ${ip}`,
      ).toBe(true);
    }
  });

  it('are mostly noise (85-90 % of records are not RDS, Data API or CloudTrail)', () => {
    const noise = records.filter((r) => kindOf(r.eventSource) === 'noise').length;
    expect(noise / records.length).toBeGreaterThanOrEqual(0.85);
    expect(noise / records.length).toBeLessThanOrEqual(0.9);
  });

  it('have digests that verify: signed with the sample key, in place, chained, listing every log file with its hash', () => {
    const keys = new PublicKeySet(parsePublicKeysFile(readFileSync(PUBLIC_KEYS, 'utf8'), PUBLIC_KEYS));
    const listed = new Set<string>();
    const byKey = new Map<string, DigestCheck>();
    for (const key of onDisk.filter((k) => k.includes('/CloudTrail-Digest/') && k.endsWith('.json.gz'))) {
      expect(DIGEST_KEY.exec(key)?.[8], key).toBe(SAMPLE_TRAIL);
      const metadata = JSON.parse(readFileSync(path.join(LOGS, `${key}${METADATA_SUFFIX}`), 'utf8')) as Record<
        string,
        string
      >;
      const check = checkDigest(
        { bucket: DIGEST_BUCKET, key, body: gunzipSync(readFileSync(path.join(LOGS, key))), metadata },
        keys,
      );
      expect(check.result.status, `${key}: ${check.result.reason}`).toBe('valid');
      byKey.set(key, check);
      for (const entry of check.digest?.logFiles ?? []) {
        const file = logs.find((f) => f.key === entry.s3Object);
        expect(file, entry.s3Object).toBeDefined();
        expect(entry.hashValue).toBe(
          createHash('sha256')
            .update(file?.text ?? '')
            .digest('hex'),
        );
        listed.add(entry.s3Object);
      }
    }
    for (const [key, check] of byKey) {
      const link = check.digest && previousLink(DIGEST_BUCKET, key, check.digest);
      if (link) expect(checkLink(link, byKey.get(link.key)), key).toBeUndefined();
    }
    expect([...listed].sort()).toEqual(logs.map((f) => f.key).sort());
  });

  it('come with the public key of the sample (TEST) signing key, as list-public-keys prints it', () => {
    expect(readFileSync(PUBLIC_KEYS, 'utf8')).toBe(samplePublicKeysJson());
  });
});

describe('the day the sample replays', () => {
  it('1. oradb: created in the console (public), described, rebooted, modified, a failed modify, deleted', () => {
    const create = find(
      'CreateDBInstance oradb',
      (r) => rds('CreateDBInstance')(r) && req(r).dBInstanceIdentifier === 'oradb',
    );
    expect(String(req(create).engine)).toMatch(/^oracle-(ee|se2)$/);
    expect(create.userAgent).toBe('console.amazonaws.com');
    expect(create.sessionCredentialFromConsole).toBe('true');
    expect(res(create).publiclyAccessible).toBe(true);
    expect(
      records.filter(
        (r) => rds('DescribeDBInstances')(r) && create.eventTime < r.eventTime && r.eventTime < '2026-11-20T11:03',
      ).length,
    ).toBeGreaterThanOrEqual(3);
    find('RebootDBInstance oradb', (r) => rds('RebootDBInstance')(r) && req(r).dBInstanceIdentifier === 'oradb');
    find(
      'ModifyDBInstance oradb to db.m3.large, 100 GB',
      (r) =>
        rds('ModifyDBInstance')(r) &&
        req(r).dBInstanceIdentifier === 'oradb' &&
        req(r).dBInstanceClass === 'db.m3.large' &&
        req(r).allocatedStorage === 100 &&
        r.errorCode === undefined,
    );
    const failed = find(
      'failed ModifyDBInstance oradb',
      (r) => rds('ModifyDBInstance')(r) && req(r).dBInstanceIdentifier === 'oradb' && r.errorCode !== undefined,
    );
    expect(failed.errorCode).toBe('InvalidParameterCombination');
    expect(failed.errorMessage).toBeTypeOf('string');
    expect(failed.responseElements).toBeNull();
    const del = find(
      'DeleteDBInstance oradb',
      (r) => rds('DeleteDBInstance')(r) && req(r).dBInstanceIdentifier === 'oradb',
    );
    expect(req(del).skipFinalSnapshot).toBe(true);
  });

  it('2. mysql-db from the CLI: reserved master username fails, then created, renamed mysqldb, new master password', () => {
    const creates = records
      .filter((r) => rds('CreateDBInstance')(r) && req(r).dBInstanceIdentifier === 'mysql-db')
      .sort((a, b) => (a.eventTime < b.eventTime ? -1 : 1));
    expect(creates).toHaveLength(2);
    const [bad, good] = creates;
    if (bad === undefined || good === undefined) throw new Error('missing CreateDBInstance mysql-db');
    expect(req(bad).masterUsername).toBe('mysql');
    expect(bad.errorCode).toBe('InvalidParameterValue');
    expect(bad.errorMessage).toBe('MasterUsername mysql cannot be used as it is a reserved word used by the engine');
    expect(good.errorCode).toBeUndefined();
    expect(req(good).masterUsername).toBe('dvohra');
    expect(req(good).masterUserPassword).toBe('****');
    expect(good.userAgent).toMatch(/^aws-cli\//);
    const rename = find(
      'ModifyDBInstance mysql-db -> mysqldb',
      (r) => rds('ModifyDBInstance')(r) && req(r).newDBInstanceIdentifier === 'mysqldb',
    );
    expect(req(rename)).toMatchObject({
      dBInstanceIdentifier: 'mysql-db',
      allocatedStorage: 100,
      dBInstanceClass: 'db.m1.large',
      multiAZ: true,
      applyImmediately: true,
    });
    const password = find(
      'master password of mysqldb',
      (r) => rds('ModifyDBInstance')(r) && req(r).dBInstanceIdentifier === 'mysqldb' && 'masterUserPassword' in req(r),
    );
    expect(password.eventTime > rename.eventTime).toBe(true);
  });

  it('3. the Data API: v1 calls under rdsdata.amazonaws.com, v2 data events under rdsdataapi.amazonaws.com', () => {
    for (const name of ['ExecuteStatement', 'BatchExecuteStatement', 'BeginTransaction', 'CommitTransaction']) {
      const r = find(`rdsdata ${name}`, (x) => x.eventSource === 'rdsdata.amazonaws.com' && x.eventName === name);
      expect(req(r).resourceArn).toBe(`arn:aws:rds:us-east-1:${SAMPLE_ACCOUNT}:cluster:my-database-1`);
      expect(r.eventCategory).toBe('Management');
      if ('sql' in req(r)) expect(req(r).sql).toBe('**********');
    }
    const v2 = records.filter((r) => r.eventSource === 'rdsdataapi.amazonaws.com');
    expect(v2.length).toBeGreaterThanOrEqual(2);
    for (const r of v2) {
      expect(r).toMatchObject({ eventCategory: 'Data', managementEvent: false, readOnly: false });
      expect(r.resources?.[0]?.type).toBe('AWS::RDS::DBCluster');
      expect(req(r).sql).toBe('**********');
    }
    expect(v2.some((r) => r.awsRegion === 'us-west-2')).toBe(true);
  });

  it('4. PutEventSelectors excludes rdsdata.amazonaws.com, by an assumed-role session; no Data API record after it', () => {
    const put = find('excluding PutEventSelectors', (r) => {
      if (r.eventName !== 'PutEventSelectors') return false;
      const selectors = req(r).eventSelectors;
      return (
        Array.isArray(selectors) &&
        selectors.some((s) =>
          JSON.stringify(obj(s).excludeManagementEventSources ?? []).includes('rdsdata.amazonaws.com'),
        )
      );
    });
    expect(put.eventSource).toBe('cloudtrail.amazonaws.com');
    expect(req(put).trailName).toBe(SAMPLE_TRAIL);
    expect(put.userIdentity?.type).toBe('AssumedRole');
    expect(put.userIdentity?.sessionContext?.sessionIssuer?.arn).toMatch(/:role\//);
    const later = records.filter((r) => kindOf(r.eventSource) === 'Data API' && r.eventTime > put.eventTime);
    expect(later).toEqual([]);
  });

  it('5. mysqldb-snap made public; another snapshot shared with 210987654321', () => {
    find(
      'CreateDBSnapshot mysqldb-snap',
      (r) => rds('CreateDBSnapshot')(r) && req(r).dBSnapshotIdentifier === 'mysqldb-snap',
    );
    const pub = find(
      'mysqldb-snap public',
      (r) =>
        rds('ModifyDBSnapshotAttribute')(r) &&
        req(r).dBSnapshotIdentifier === 'mysqldb-snap' &&
        JSON.stringify(req(r).valuesToAdd) === '["all"]',
    );
    expect(req(pub).attributeName).toBe('restore');
    const shared = find(
      'snapshot shared',
      (r) => rds('ModifyDBSnapshotAttribute')(r) && JSON.stringify(req(r).valuesToAdd) === '["210987654321"]',
    );
    expect(req(shared).dBSnapshotIdentifier).not.toBe('mysqldb-snap');
  });

  it('6. logging stopped (a gap follows) and the trail deleted as the last record of the day', () => {
    const stop = find(
      'StopLogging',
      (r) => r.eventSource === 'cloudtrail.amazonaws.com' && r.eventName === 'StopLogging',
    );
    const start = find(
      'StartLogging',
      (r) => r.eventSource === 'cloudtrail.amazonaws.com' && r.eventName === 'StartLogging',
    );
    expect(records.filter((r) => r.eventTime > stop.eventTime && r.eventTime < start.eventTime)).toEqual([]);
    const del = find(
      'DeleteTrail',
      (r) => r.eventSource === 'cloudtrail.amazonaws.com' && r.eventName === 'DeleteTrail',
    );
    expect(String(req(del).name)).toContain(SAMPLE_TRAIL);
    expect(records.every((r) => r.eventTime <= del.eventTime)).toBe(true);
  });

  it('7. root calls RDS with MFA; deletion protection turned off', () => {
    const root = records.filter((r) => r.eventSource === 'rds.amazonaws.com' && r.userIdentity?.type === 'Root');
    expect(root.length).toBeGreaterThanOrEqual(1);
    for (const r of root) expect(r.userIdentity?.sessionContext?.attributes?.mfaAuthenticated).toBe('true');
    find('deletion protection off', (r) => rds('ModifyDBInstance')(r) && req(r).deletionProtection === false);
  });

  it('8. noise: S3 data events, EC2 Describe*, STS, KMS Decrypt by AWS services, IAM lists, a console login', () => {
    const has = (f: (r: CloudTrailRecord) => boolean): boolean => records.some(f);
    expect(
      has((r) => r.eventSource === 's3.amazonaws.com' && r.eventName === 'GetObject' && r.eventCategory === 'Data'),
    ).toBe(true);
    expect(
      has((r) => r.eventSource === 's3.amazonaws.com' && r.eventName === 'PutObject' && r.eventCategory === 'Data'),
    ).toBe(true);
    expect(has((r) => r.eventSource === 'ec2.amazonaws.com' && r.eventName.startsWith('Describe'))).toBe(true);
    expect(has((r) => r.eventSource === 'sts.amazonaws.com' && r.eventName === 'AssumeRole')).toBe(true);
    expect(has((r) => r.eventSource === 'sts.amazonaws.com' && r.eventName === 'GetCallerIdentity')).toBe(true);
    expect(
      has(
        (r) =>
          r.eventSource === 'kms.amazonaws.com' &&
          r.eventName === 'Decrypt' &&
          r.userIdentity?.type === 'AWSService' &&
          typeof r.userIdentity.invokedBy === 'string',
      ),
    ).toBe(true);
    expect(has((r) => r.eventSource === 'iam.amazonaws.com' && r.eventName.startsWith('List'))).toBe(true);
    expect(has((r) => r.eventName === 'ConsoleLogin' && r.eventType === 'AwsConsoleSignIn')).toBe(true);
    expect(has((r) => isJsonObject(r.tlsDetails ?? null))).toBe(true);
  });
});

describe('the generator', () => {
  it('writes exactly the files on disk, byte for byte', () => {
    const generated = buildSampleLogs();
    expect(onDisk).toEqual([...generated.keys()].sort());
    for (const [key, bytes] of generated) {
      const disk = readFileSync(path.join(LOGS, key));
      if (key.endsWith('.gz')) {
        // Compare the content first: if only the compressed bytes differed, zlib itself changed.
        expect(gunzipSync(disk).equals(gunzipSync(bytes)), `${key}: content differs from the generator's`).toBe(true);
        expect(bytes.readUInt32LE(4), `${key}: gzip mtime`).toBe(0);
      }
      expect(disk.equals(bytes), `${key}: bytes differ from the generator's`).toBe(true);
    }
  });

  it('is deterministic', () => {
    const a = buildSampleLogs();
    const b = buildSampleLogs();
    for (const [key, bytes] of a) expect(b.get(key)?.equals(bytes), key).toBe(true);
  });
});
