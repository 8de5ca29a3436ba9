// `trailwatch verify` against a real S3 API (s3rver): a signed digest chain built here, then tampered with the
// ways an intruder would, and every status the issue lists checked.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/trailwatch.js';
import { parseVerifyArgs, runVerify } from '../cli/verify-command.js';
import { publicKeysJson } from '../scripts/digest-signer.js';
import { generateKeyPairSync } from 'node:crypto';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';
import { METADATA_SIDECAR, SAMPLE_BUCKET, sampleFiles } from '../scripts/local/local-aws.js';
import { buildSignedTrail, logJson, logKey, putTrail, type SignedTrail } from './helpers/signed-trail.js';

let s3emu: S3Emulator;
let s3: S3Client;
let dir: string;
let keysFile: string;
let bucketN = 0;

beforeAll(async () => {
  s3emu = await startS3Emulator();
  s3 = s3emu.client();
  dir = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-verify-'));
  keysFile = path.join(dir, 'keys.json');
  await writeFile(keysFile, buildSignedTrail().publicKeysJson);
});
afterAll(async () => {
  await s3emu.close();
});

interface Line {
  kind: 'digest' | 'log';
  bucket: string;
  key: string;
  status: string;
  reason: string;
  hour: { start: string; end: string } | null;
  digest: string | null;
}

/** A fresh bucket holding a signed trail (3 hours, 2 log files each unless told). */
async function bucketWithTrail(options: { prefix?: string; hours?: number } = {}): Promise<SignedTrail> {
  const trail = buildSignedTrail({ bucket: `trail-${++bucketN}`, ...options });
  await s3.send(new CreateBucketCommand({ Bucket: trail.bucket }));
  await putTrail(s3, trail);
  return trail;
}

async function verify(
  target: string,
  extra: string[] = [],
  now = new Date('2027-01-01T00:00:00Z'),
): Promise<{ code: number; lines: Line[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerify(
    parseVerifyArgs([target, '--format', 'json', '--public-keys', keysFile, ...extra], now),
    {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      s3,
      now,
    },
  );
  return { code, lines: out.map((l) => JSON.parse(l) as Line), err };
}

const statusOf = (lines: Line[], key: string): string[] => lines.filter((l) => l.key === key).map((l) => l.status);
const notValid = (lines: Line[]): Line[] => lines.filter((l) => l.status !== 'valid');

describe('trailwatch verify on an untouched trail', () => {
  it('finds every digest and log file valid and exits 0', async () => {
    const trail = await bucketWithTrail();
    const { code, lines, err } = await verify(`s3://${trail.bucket}`);
    expect(code).toBe(0);
    expect(
      lines
        .filter((l) => l.kind === 'digest')
        .map((l) => l.key)
        .sort(),
    ).toEqual(trail.digests.map((d) => d.key).sort());
    expect(
      lines
        .filter((l) => l.kind === 'log')
        .map((l) => l.key)
        .sort(),
    ).toEqual(trail.logs.map((l) => l.key).sort());
    expect(notValid(lines)).toEqual([]);
    expect(err.join('\n')).toMatch(/digests: 3 valid[\s\S]*log files: 6 valid[\s\S]*everything checked is valid/);
  });

  it('prints one JSON object per file with kind, bucket, key, status, reason, the hour and the listing digest', async () => {
    const trail = await bucketWithTrail({ hours: 1 });
    const { lines } = await verify(`s3://${trail.bucket}`);
    const log = lines.find((l) => l.key === trail.logs[0]?.key);
    expect(log).toEqual({
      kind: 'log',
      bucket: trail.bucket,
      key: trail.logs[0]?.key,
      status: 'valid',
      reason: expect.stringMatching(/SHA-256 matches/),
      hour: { start: '2026-11-20T08:46:31Z', end: '2026-11-20T09:46:31Z' },
      digest: trail.digests[0]?.key,
    });
  });

  it('works under a key prefix', async () => {
    const trail = await bucketWithTrail({ prefix: 'org/trails/', hours: 2 });
    const { code, lines } = await verify(`s3://${trail.bucket}/org/trails`);
    expect(code).toBe(0);
    expect(lines).toHaveLength(2 + 4);
  });

  it('limits the check to --start/--end (plus the digests that can list files of that time)', async () => {
    const trail = await bucketWithTrail({ hours: 6, filesPerHour: 1 } as { hours: number });
    const { code, lines } = await verify(`s3://${trail.bucket}`, [
      '--start',
      '2026-11-20T10:00:00Z',
      '--end',
      '2026-11-20T11:00:00Z',
    ]);
    expect(code).toBe(0);
    const logs = lines.filter((l) => l.kind === 'log').map((l) => l.key);
    expect(logs.length).toBeGreaterThanOrEqual(2);
    expect(logs.length).toBeLessThan(12);
  });

  it('runs from the command line with the S3 settings of the environment, printing text lines status first', async () => {
    const trail = await bucketWithTrail({ hours: 1 });
    for (const [name, value] of Object.entries(s3emu.environment)) vi.stubEnv(name, value);
    try {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['verify', `s3://${trail.bucket}`, '--public-keys', keysFile], {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        interactive: false,
        env: s3emu.environment,
      });
      expect(code).toBe(0);
      expect(out).toHaveLength(3);
      expect(out.find((l) => l.includes('CloudTrail-Digest'))).toMatch(
        /^valid\s+digest s3:\/\/trail-\d+\/AWSLogs\/.* {2}signed by public key [0-9a-f]{32}$/,
      );
      expect(err.at(-1)).toBe('  everything checked is valid');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('says in one line, exit status 1, that a bucket S3 does not have cannot be listed', async () => {
    for (const [name, value] of Object.entries(s3emu.environment)) vi.stubEnv(name, value);
    try {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['verify', 's3://no-such-trail-bucket/logs', '--public-keys', keysFile], {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        interactive: false,
        env: s3emu.environment,
      });
      expect({ code, out, err }).toEqual({
        code: 1,
        out: [],
        err: ['trailwatch: cannot list s3://no-such-trail-bucket/logs/: the bucket does not exist'],
      });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('trailwatch verify on a tampered trail', () => {
  it('a log file edited: modified, exit 1', async () => {
    const trail = await bucketWithTrail();
    const log = trail.logs[2];
    if (!log) throw new Error('log');
    await s3.send(
      new PutObjectCommand({
        Bucket: trail.bucket,
        Key: log.key,
        Body: gzipSync(log.json.replace('DescribeInstances', 'DescribeVolumes')),
      }),
    );
    const { code, lines } = await verify(`s3://${trail.bucket}`);
    expect(code).toBe(1);
    expect(notValid(lines)).toEqual([expect.objectContaining({ kind: 'log', key: log.key, status: 'modified' })]);
  });

  it('a log file replaced by bytes that are not gzip: modified', async () => {
    const trail = await bucketWithTrail({ hours: 1 });
    const log = trail.logs[0];
    if (!log) throw new Error('log');
    await s3.send(new PutObjectCommand({ Bucket: trail.bucket, Key: log.key, Body: log.json }));
    const { lines } = await verify(`s3://${trail.bucket}`);
    expect(notValid(lines)).toEqual([
      expect.objectContaining({ key: log.key, status: 'modified', reason: expect.stringMatching(/cannot be read/) }),
    ]);
  });

  it('a log file deleted: missing', async () => {
    const trail = await bucketWithTrail();
    const log = trail.logs[3];
    if (!log) throw new Error('log');
    await s3.send(new DeleteObjectCommand({ Bucket: trail.bucket, Key: log.key }));
    const { code, lines } = await verify(`s3://${trail.bucket}`);
    expect(code).toBe(1);
    expect(notValid(lines)).toEqual([expect.objectContaining({ kind: 'log', key: log.key, status: 'missing' })]);
  });

  it('a digest deleted: missing (a gap named by the next digest), and its log files unlisted', async () => {
    const trail = await bucketWithTrail();
    const [, middle, last] = trail.digests;
    if (!middle || !last) throw new Error('digests');
    await s3.send(new DeleteObjectCommand({ Bucket: trail.bucket, Key: middle.key }));
    const { code, lines } = await verify(`s3://${trail.bucket}`);
    expect(code).toBe(1);
    expect(statusOf(lines, middle.key)).toEqual(['missing']);
    expect(lines.find((l) => l.key === middle.key)?.reason).toContain(last.key);
    const orphans = trail.logs.slice(2, 4).map((l) => l.key);
    for (const key of orphans) expect(statusOf(lines, key)).toEqual(['unlisted']);
    expect(notValid(lines)).toHaveLength(3);
  });

  it('a digest edited (and re-compressed, metadata kept): invalid-signature', async () => {
    const trail = await bucketWithTrail();
    const digest = trail.digests[1];
    if (!digest) throw new Error('digest');
    const edited = digest.json.replace(/"hashValue":"[0-9a-f]{64}"/, `"hashValue":"${'0'.repeat(64)}"`);
    await s3.send(
      new PutObjectCommand({
        Bucket: trail.bucket,
        Key: digest.key,
        Body: gzipSync(edited),
        Metadata: digest.metadata,
      }),
    );
    const { code, lines } = await verify(`s3://${trail.bucket}`);
    expect(code).toBe(1);
    expect(statusOf(lines, digest.key)).toEqual(['invalid-signature']);
  });

  it('a digest moved to another folder: moved, and missing where the chain expects it', async () => {
    const trail = await bucketWithTrail();
    const digest = trail.digests[1];
    if (!digest) throw new Error('digest');
    const moved = digest.key.replace('/2026/11/20/', '/2026/11/21/');
    await s3.send(
      new CopyObjectCommand({ Bucket: trail.bucket, Key: moved, CopySource: `${trail.bucket}/${digest.key}` }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: trail.bucket, Key: digest.key }));
    const { code, lines } = await verify(`s3://${trail.bucket}`);
    expect(code).toBe(1);
    expect(statusOf(lines, moved)).toEqual(['moved']);
    expect(statusOf(lines, digest.key)).toEqual(['missing']);
  });

  it('digests signed by a key not in the public keys: unverifiable', async () => {
    const trail = await bucketWithTrail({ hours: 2 });
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'der',
      type: 'pkcs1',
    });
    const otherKeys = path.join(dir, 'other-keys.json');
    await writeFile(otherKeys, publicKeysJson(other, { start: '2026-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' }));
    const out: string[] = [];
    const code = await runVerify(
      parseVerifyArgs([`s3://${trail.bucket}`, '--format', 'json', '--public-keys', otherKeys]),
      { out: (l) => out.push(l), err: () => {}, s3 },
    );
    expect(code).toBe(1);
    const digests = out.map((l) => JSON.parse(l) as Line).filter((l) => l.kind === 'digest');
    expect(digests.map((l) => l.status)).toEqual(['unverifiable', 'unverifiable']);
    expect(digests[0]?.reason).toContain(trail.fingerprint);
  });

  it('an extra log file no digest lists: unlisted', async () => {
    const trail = await bucketWithTrail();
    const at = Date.parse('2026-11-20T09:30:00Z');
    const extra = logKey('', at, 99);
    await s3.send(new PutObjectCommand({ Bucket: trail.bucket, Key: extra, Body: gzipSync(logJson(at, 99)) }));
    const { code, lines } = await verify(`s3://${trail.bucket}`);
    expect(code).toBe(1);
    expect(notValid(lines)).toEqual([
      expect.objectContaining({
        kind: 'log',
        key: extra,
        status: 'unlisted',
        reason: 'present, but no valid digest in the range lists it',
      }),
    ]);
  });

  it('a log file newer than the last digest and less than two hours old is not yet checkable, and counted', async () => {
    const trail = await bucketWithTrail({ hours: 1 });
    const at = Date.parse('2026-11-20T10:00:00Z');
    await s3.send(
      new PutObjectCommand({ Bucket: trail.bucket, Key: logKey('', at, 98), Body: gzipSync(logJson(at, 98)) }),
    );
    const { code, lines, err } = await verify(`s3://${trail.bucket}`, [], new Date('2026-11-20T10:30:00Z'));
    expect(code).toBe(0);
    expect(notValid(lines)).toEqual([]);
    expect(err.join('\n')).toMatch(/1 newer than the last digest, not yet checkable/);
  });

  it('a bucket with log files and no digests at all: every log file unlisted, exit 1', async () => {
    const trail = buildSignedTrail({ bucket: `trail-${++bucketN}`, hours: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: trail.bucket }));
    for (const log of trail.logs)
      await s3.send(new PutObjectCommand({ Bucket: trail.bucket, Key: log.key, Body: gzipSync(log.json) }));
    const { code, lines, err } = await verify(`s3://${trail.bucket}`);
    expect(code).toBe(1);
    expect(lines.map((l) => l.status)).toEqual(['unlisted', 'unlisted']);
    expect(lines[0]?.reason).toMatch(/no digest in the range covers 111122223333\/us-east-2/);
    expect(err.join('\n')).toMatch(/no digest files found/);
  });
});

describe('trailwatch verify on the sample day (the README example, npm run verify-sample)', () => {
  it('finds the 20 signed digests and the 14 log files they list valid, and exits 0', async () => {
    const bucket = SAMPLE_BUCKET;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const { file, key } of await sampleFiles('events/logs')) {
      const sidecar = `${file}${METADATA_SIDECAR}`;
      const metadata = existsSync(sidecar)
        ? (JSON.parse(readFileSync(sidecar, 'utf8')) as Record<string, string>)
        : undefined;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: readFileSync(file),
          ...(metadata ? { Metadata: metadata } : {}),
        }),
      );
    }
    const out: string[] = [];
    const err: string[] = [];
    const code = await runVerify(
      parseVerifyArgs([`s3://${bucket}`, '--public-keys', 'events/sample-public-keys.json', '--format', 'json']),
      { out: (l) => out.push(l), err: (l) => err.push(l), s3 },
    );
    expect(code).toBe(0);
    expect(err.join('\n')).toMatch(/digests: 20 valid\n {2}log files: 14 valid\n {2}everything checked is valid/);
  });
});

describe('trailwatch verify usage', () => {
  const run = async (args: string[]): Promise<{ code: number; err: string }> => {
    const err: string[] = [];
    const code = await main(['verify', ...args], {
      out: () => {},
      err: (l) => err.push(l),
      interactive: false,
      env: {},
    });
    return { code, err: err.join('\n') };
  };

  it.each([
    [[], /exactly one s3:\/\/BUCKET/],
    [['my-bucket'], /is not s3:\/\/BUCKET/],
    [['s3://my-bucket', '--format', 'xml'], /--format must be text or json/],
    [['s3://my-bucket', '--start', 'monday'], /--start: not an ISO 8601 time/],
    [['s3://my-bucket', '--start', '2026-11-21T00:00:00Z', '--end', '2026-11-20T00:00:00Z'], /--start is after --end/],
    [['s3://my-bucket', '--public-keys', '/nonexistent/keys.json'], /--public-keys \/nonexistent\/keys\.json/],
    [['s3://my-bucket', '--bogus'], /Unknown option/],
  ])('%j exits 2', async (args, message) => {
    const { code, err } = await run(args as string[]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });
});
