// `trailwatch scan s3://...` against a real S3 API (s3rver on loopback), through a proxy that records every request:
// keys outside --since/--until are never downloaded, and for a region folder only the window's day folders are listed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from '../cli/trailwatch.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import { EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';
import { startRecordingProxy, type RecordingProxy } from '../local-aws/recording-proxy.js';

const BUCKET = 'trail-bucket';
const DAY = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/';
const key = (day: string, time: string) =>
  `AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/${day}/123456789012_CloudTrail_us-east-1_202611${day}T${time}Z_abcdefghijklmnop.json.gz`;

/** One deletion per file, at `eventTime`, so each file read shows as one alert. */
function logFile(db: string, eventTime: string): Buffer {
  return gzipSync(
    JSON.stringify({
      Records: [
        cloudTrailRecord({ eventName: 'DeleteDBInstance', eventTime, requestParameters: { dBInstanceIdentifier: db } }),
      ],
    }),
  );
}

const FILES = [
  { key: key('19', '2350'), db: 'day-before', eventTime: '2026-11-19T23:47:00Z' },
  { key: key('20', '0905'), db: 'before-window', eventTime: '2026-11-20T09:01:00Z' },
  { key: key('20', '1005'), db: 'inside-1', eventTime: '2026-11-20T10:01:00Z' },
  { key: key('20', '1140'), db: 'inside-2', eventTime: '2026-11-20T11:38:00Z' },
  // Delivered after --until, holding a record from inside the window: read (LATE_DELIVERY_MS).
  { key: key('20', '1215'), db: 'delivered-late', eventTime: '2026-11-20T11:59:00Z' },
  { key: key('20', '1420'), db: 'after-window', eventTime: '2026-11-20T14:18:00Z' },
  { key: key('21', '0010'), db: 'day-after', eventTime: '2026-11-21T00:08:00Z' },
];

let s3: S3Emulator;
let proxy: RecordingProxy;
let awsConfig: string;

beforeAll(async () => {
  s3 = await startS3Emulator();
  await s3.createBucket(BUCKET);
  for (const file of FILES) await s3.put(BUCKET, file.key, logFile(file.db, file.eventTime));
  await s3.put(
    BUCKET,
    'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/20/123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20261120T100000Z.json.gz',
    gzipSync('{"awsAccountId":"123456789012"}'),
  );
  await s3.put(
    BUCKET,
    'AWSLogs/123456789012/Config/us-east-1/2026/11/20/ConfigHistory/123456789012_Config_us-east-1_ConfigHistory_AWS::RDS::DBInstance_20261120T100000Z_20261120T110000Z_1.json.gz',
    gzipSync('{"fileVersion":"1.0","configurationItems":[]}'),
  );
  proxy = await startRecordingProxy(s3.port);
  // The standard credential chain, from the environment, as a user's shell would have it; no profile files.
  const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-aws-'));
  awsConfig = path.join(dir, 'config');
  await writeFile(awsConfig, '[profile audit]\nregion = us-east-1\n');
  await writeFile(
    path.join(dir, 'credentials'),
    `[audit]\naws_access_key_id = ${EMULATOR_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${EMULATOR_CREDENTIALS.secretAccessKey}\n`,
  );
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  delete process.env.AWS_PROFILE;
});

afterAll(async () => {
  await proxy?.close();
  await s3?.close();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    interactive: false,
    env: process.env,
  });
  return {
    code,
    out,
    err,
    stderr: err.join('\n'),
    dbs: out.map((line) => (JSON.parse(line) as { resource: { id: string } }).resource.id),
  };
}

const downloaded = () =>
  proxy.requests
    .filter((r) => r.method === 'GET' && !r.url.includes('list-type=2'))
    .map((r) => decodeURIComponent(r.url.split('?')[0]!).replace(`/${BUCKET}/`, ''));
const listedPrefixes = () =>
  proxy.requests
    .filter((r) => r.url.includes('list-type=2'))
    .map((r) => new URL(r.url, 'http://x').searchParams.get('prefix'));

describe('scan s3://BUCKET/PREFIX', () => {
  it('reads every CloudTrail log under the prefix, skipping digests and Config files by name, without a window', async () => {
    proxy.requests.length = 0;
    const { code, dbs, stderr } = await run(
      'scan',
      '--format',
      'json',
      '--region',
      'us-east-1',
      '--endpoint-url',
      proxy.endpoint,
      `s3://${BUCKET}/AWSLogs/`,
    );
    expect(code).toBe(0);
    expect(dbs.sort()).toEqual(FILES.map((f) => f.db).sort());
    expect(downloaded().sort()).toEqual(FILES.map((f) => f.key).sort());
    expect(stderr).toMatch(/Scanned 7 files, skipped 2 other files/);
  });

  it('with --since/--until, downloads only the keys whose delivery time can hold records in the window', async () => {
    proxy.requests.length = 0;
    const { code, dbs, stderr } = await run(
      'scan',
      '--format',
      'json',
      '--region',
      'us-east-1',
      '--endpoint-url',
      proxy.endpoint,
      '--since',
      '2026-11-20T10:00:00Z',
      '--until',
      '2026-11-20T12:00:00Z',
      `s3://${BUCKET}/`,
    );
    expect(code).toBe(0);
    expect(dbs).toEqual(['inside-1', 'inside-2', 'delivered-late']);
    expect(downloaded()).toEqual([key('20', '1005'), key('20', '1140'), key('20', '1215')]);
    expect(stderr).toMatch(/4 files outside the time window not read/);
  });

  it('for a region folder and a window, lists only the day folders of the window', async () => {
    proxy.requests.length = 0;
    const region = 'AWSLogs/123456789012/CloudTrail/us-east-1/';
    const { dbs } = await run(
      'scan',
      '--format',
      'json',
      '--region',
      'us-east-1',
      '--endpoint-url',
      proxy.endpoint,
      '--since',
      '2026-11-20T10:00:00Z',
      '--until',
      '2026-11-20T12:00:00Z',
      `s3://${BUCKET}/${region}`,
    );
    expect(dbs).toEqual(['inside-1', 'inside-2', 'delivered-late']);
    expect(listedPrefixes()).toEqual([DAY]);
  });

  it('still filters records by eventTime inside the files it reads', async () => {
    const { dbs } = await run(
      'scan',
      '--format',
      'json',
      '--region',
      'us-east-1',
      '--endpoint-url',
      proxy.endpoint,
      '--since',
      '2026-11-20T10:00:00Z',
      '--until',
      '2026-11-20T11:00:00Z',
      `s3://${BUCKET}/`,
    );
    expect(dbs).toEqual(['inside-1']);
  });

  it('says in words that a bucket does not exist, and exits 1', async () => {
    const { code, stderr } = await run(
      'scan',
      '--region',
      'us-east-1',
      '--endpoint-url',
      proxy.endpoint,
      's3://no-such-bucket/AWSLogs/',
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/^trailwatch: cannot list s3:\/\/no-such-bucket\/AWSLogs\/: the bucket does not exist$/m);
  });

  it('names a missing profile as a missing profile (not "Region is missing"), and exits 2', async () => {
    const { code, stderr } = await run(
      'scan',
      '--profile',
      'nope',
      '--endpoint-url',
      proxy.endpoint,
      `s3://${BUCKET}/`,
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`--profile nope: no such AWS profile in ${awsConfig}`);
    expect(stderr).toContain('(profiles there: audit)');
    expect(stderr).not.toMatch(/Region is missing|Error\b/);
  });

  it('uses a profile that exists: its credentials and its region', async () => {
    const { code, dbs } = await run(
      'scan',
      '--format',
      'json',
      '--profile',
      'audit',
      '--endpoint-url',
      proxy.endpoint,
      `s3://${BUCKET}/${DAY}`,
    );
    expect(code).toBe(0);
    expect(dbs).toHaveLength(5);
  });

  it('rejects a location that is not s3://BUCKET[/PREFIX] (exit 2)', async () => {
    const { code, stderr } = await run('scan', 's3://Bad_Bucket');
    expect(code).toBe(2);
    expect(stderr).toMatch(/"s3:\/\/Bad_Bucket" is not an S3 location/);
  });
});

describe("search: AWS problems in the user's words", () => {
  it('says no region is set, and how to set one, instead of the SDK\'s "Region is missing"', async () => {
    const { code, stderr } = await run('search', '--log-group', '/trailwatch/x/cloudtrail');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^trailwatch: cannot search \/trailwatch\/x\/cloudtrail: no AWS region is set; pass --region REGION, set AWS_REGION/,
    );
    expect(stderr).not.toMatch(/Error|Region is missing/);
  });

  it('names a missing profile given with --profile or AWS_PROFILE', async () => {
    const flag = await run('search', '--log-group', '/x', '--profile', 'prod');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--profile prod: no such AWS profile/);
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['search', '--log-group', '/x'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      interactive: false,
      env: { ...process.env, AWS_PROFILE: 'prod' },
    });
    expect(code).toBe(2);
    expect(err[0]).toMatch(/AWS_PROFILE prod: no such AWS profile/);
  });

  it('reads the profile file it names', async () => {
    expect(await readFile(awsConfig, 'utf8')).toContain('[profile audit]');
  });
});
