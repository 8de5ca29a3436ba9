// A trail's bucket with signed digests, for integrity tests: `hours` hourly digests (a chain) in one account and
// region, each listing `filesPerHour` log files, signed with a key pair generated here. Objects are returned as
// S3 would hold them (gzip bodies, digest signature in user metadata) and can be put into the S3 emulator.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  digestKey,
  publicKeysJson,
  signDigest,
  type LogFileToList,
  type SignedDigest,
} from '../../scripts/digest-signer.js';
import { fingerprintOf } from '../../shared/integrity/signature.js';

export interface TrailObject {
  body: Buffer;
  metadata?: Record<string, string>;
}

export interface SignedTrail {
  bucket: string;
  objects: Map<string, TrailObject>;
  digests: SignedDigest[];
  logs: LogFileToList[];
  publicKeysJson: string;
  fingerprint: string;
  privateKey: KeyObject;
}

let cachedPair: { privateKey: KeyObject; der: Buffer } | undefined;

/** One RSA key pair per test process (generation takes a moment). */
export function testKeyPair(): { privateKey: KeyObject; der: Buffer } {
  if (!cachedPair) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    cachedPair = { privateKey, der: publicKey.export({ format: 'der', type: 'pkcs1' }) };
  }
  return cachedPair;
}

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-2';
export const TRAIL = 'my-trail';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const two = (n: number): string => String(n).padStart(2, '0');

export function logKey(prefix: string, ms: number, n: number): string {
  const d = new Date(ms);
  const ymd = `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
  const stamp = `${ymd}T${two(d.getUTCHours())}${two(d.getUTCMinutes())}Z`;
  return `${prefix}AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/${ymd.slice(0, 4)}/${ymd.slice(4, 6)}/${ymd.slice(6)}/${ACCOUNT}_CloudTrail_${REGION}_${stamp}_${`file${n}`.padEnd(16, 'x')}.json.gz`;
}

export function logJson(ms: number, n: number): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '1.09',
        eventTime: iso(ms - 60_000),
        eventSource: 'ec2.amazonaws.com',
        eventName: 'DescribeInstances',
        eventID: `e-${n}`,
        awsRegion: REGION,
        recipientAccountId: ACCOUNT,
      },
    ],
  });
}

export function buildSignedTrail(
  options: { bucket?: string; prefix?: string; start?: string; hours?: number; filesPerHour?: number } = {},
): SignedTrail {
  const bucket = options.bucket ?? 'trail-bucket';
  const prefix = options.prefix ?? '';
  const hours = options.hours ?? 3;
  const filesPerHour = options.filesPerHour ?? 2;
  const first = Date.parse(options.start ?? '2026-11-20T08:46:31Z');
  const { privateKey, der } = testKeyPair();
  const fingerprint = fingerprintOf(der);
  const objects = new Map<string, TrailObject>();
  const digests: SignedDigest[] = [];
  const logs: LogFileToList[] = [];
  let previous: SignedDigest | undefined;
  let n = 0;
  for (let h = 0; h < hours; h++) {
    const start = first + h * 3600_000;
    const end = start + 3600_000;
    const hourLogs: LogFileToList[] = [];
    for (let f = 0; f < filesPerHour; f++) {
      const at = start + ((f + 1) * 3600_000) / (filesPerHour + 1);
      const key = logKey(prefix, at, n);
      const json = logJson(at, n++);
      const log = { bucket, key, json, oldestEventTime: iso(at - 60_000), newestEventTime: iso(at - 60_000) };
      hourLogs.push(log);
      objects.set(key, { body: gzipSync(json) });
    }
    logs.push(...hourLogs);
    const key = digestKey({ prefix, account: ACCOUNT, region: REGION, trail: TRAIL, end: iso(end) });
    const digest = signDigest(
      { bucket, key, account: ACCOUNT, start: iso(start), end: iso(end), fingerprint, logFiles: hourLogs },
      previous,
      privateKey,
    );
    digests.push(digest);
    objects.set(key, { body: gzipSync(digest.json), metadata: digest.metadata });
    previous = digest;
  }
  return {
    bucket,
    objects,
    digests,
    logs,
    publicKeysJson: publicKeysJson(der, { start: '2026-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' }),
    fingerprint,
    privateKey,
  };
}

/** Puts every object (with its metadata) into `bucket` through `s3`. */
export async function putTrail(s3: S3Client, trail: SignedTrail): Promise<void> {
  for (const [key, object] of trail.objects) {
    await s3.send(
      new PutObjectCommand({
        Bucket: trail.bucket,
        Key: key,
        Body: object.body,
        ...(object.metadata ? { Metadata: object.metadata } : {}),
      }),
    );
  }
}
