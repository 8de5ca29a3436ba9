// The S3 side of `trailwatch verify`: finding a trail's digests and log files under a prefix, reading a digest
// (small: read whole, with its signature metadata) and hashing a log file as it streams (bounded memory: the
// body goes through gunzip into SHA-256 and is never held).
//
// Listing walks CloudTrail's layout (AWSLogs/ -> [o-org/] -> account -> CloudTrail[-Digest]/ -> region -> day), so
// a time range lists only its days, not the whole bucket.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  NoSuchKey,
  NotFound,
  type S3Client,
} from '@aws-sdk/client-s3';
import { gunzipChunks } from '../shared/reader/gunzip.js';
import type { FetchedDigest } from '../shared/integrity/check.js';

/** A digest larger than this is not a CloudTrail digest (one lists an hour of files: kilobytes to a few MB). */
const MAX_DIGEST_BYTES = 64 << 20;

export interface ListedObject {
  key: string;
}

/**
 * ListObjects (version 1, paged with Marker = the last key), as the AWS CLI's validate-logs lists digests.
 * Not ListObjectsV2: s3rver 3.7.1 makes V2 continuation tokens with DES, which Node 22's OpenSSL 3 no longer
 * has, so every truncated V2 page fails there with InternalError, and the tests must run the code S3 runs.
 */
async function* listPages(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<{ keys: string[] }> {
  let marker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, ...(marker ? { Marker: marker } : {}) }));
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key]));
    yield { keys };
    const last = keys[keys.length - 1];
    if (!page.IsTruncated || last === undefined) return;
    marker = page.NextMarker ?? last;
  }
}

async function firstKey(s3: S3Client, bucket: string, prefix: string, after: string | undefined): Promise<string | undefined> {
  const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: 1, ...(after ? { Marker: after } : {}) }));
  return page.Contents?.[0]?.Key;
}

/**
 * The "folders" directly under `prefix`, found by skipping from one to the next (ListObjects with MaxKeys 1 and
 * Marker just past the previous folder: `0` sorts right after `/`), one request per folder. Not with a
 * Delimiter: the S3 emulator the tests run on (s3rver 3.7.1) returns no CommonPrefixes for `/`, and this way
 * the code the tests run is the code that runs against S3.
 */
async function subfolders(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const key = await firstKey(s3, bucket, prefix, after);
    if (key === undefined) return out;
    const slash = key.indexOf('/', prefix.length);
    if (slash === -1) {
      after = key; // an object at this level, not a folder
      continue;
    }
    const folder = key.slice(0, slash + 1);
    out.push(folder);
    after = `${key.slice(0, slash)}0`;
  }
}

/** `YYYY/MM/DD/` folders from `from` to `to` (UTC days, inclusive). */
export function dayFolders(from: Date, to: Date): string[] {
  const out: string[] = [];
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (day.getTime() <= to.getTime()) {
    out.push(`${day.getUTCFullYear()}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${String(day.getUTCDate()).padStart(2, '0')}/`);
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

export interface ListRange {
  /** Days of digest folders to list (digest end dates). */
  digestDays: { from: Date; to: Date } | undefined;
  /** Days of log folders to list (delivery dates). */
  logDays: { from: Date; to: Date } | undefined;
}

/**
 * Every key under `root` (`''` or `prefix/`) in CloudTrail's digest and log folders, of every account and
 * region (organisation trails included), limited to the given days when a range is given.
 */
export async function* listTrailKeys(s3: S3Client, bucket: string, root: string, range: ListRange): AsyncGenerator<{ folder: 'digest' | 'log'; key: string }> {
  const accounts: string[] = [];
  for (const child of await subfolders(s3, bucket, `${root}AWSLogs/`)) {
    if (/\/o-[a-z0-9]{10,32}\/$/.test(child)) accounts.push(...(await subfolders(s3, bucket, child)).filter((p) => /\/\d{12}\/$/.test(p)));
    else if (/\/\d{12}\/$/.test(child)) accounts.push(child);
  }
  for (const account of accounts) {
    for (const [folder, name, days] of [
      ['digest', 'CloudTrail-Digest/', range.digestDays],
      ['log', 'CloudTrail/', range.logDays],
    ] as const) {
      for (const region of await subfolders(s3, bucket, `${account}${name}`)) {
        const prefixes = days ? dayFolders(days.from, days.to).map((d) => `${region}${d}`) : [region];
        for (const prefix of prefixes) {
          for await (const page of listPages(s3, bucket, prefix)) for (const key of page.keys) yield { folder, key };
        }
      }
    }
  }
}

function isNotFound(error: unknown): boolean {
  if (error instanceof NoSuchKey || error instanceof NotFound) return true;
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** A digest object read whole and inflated, with its metadata; undefined when there is no such object. */
export async function fetchDigest(s3: S3Client, bucket: string, key: string): Promise<FetchedDigest | undefined> {
  let response;
  try {
    response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const compressed = Buffer.from((await response.Body?.transformToByteArray()) ?? new Uint8Array());
  let body: Buffer;
  try {
    body = gunzipSync(compressed, { maxOutputLength: MAX_DIGEST_BYTES });
  } catch {
    // Not gzip (or beyond the cap): the check reports it as not a digest file, from the raw bytes.
    body = compressed;
  }
  return { bucket, key, body, metadata: response.Metadata ?? {} };
}

/** The signature metadata of an object, or undefined when it does not exist (HeadObject: no body is read). */
export async function headSignature(s3: S3Client, bucket: string, key: string): Promise<{ signature: string | undefined } | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { signature: head.Metadata?.signature };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export type LogHash = { found: false } | { found: true; sha256: string; bytes: number } | { found: true; unreadable: string };

/** The SHA-256 of a log file's uncompressed content, computed as it streams. */
export async function hashLogFile(s3: S3Client, bucket: string, key: string): Promise<LogHash> {
  let response;
  try {
    response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (isNotFound(error)) return { found: false };
    throw error;
  }
  const body = response.Body as (AsyncIterable<Buffer> & { destroy?: () => void }) | undefined;
  if (!body) return { found: true, unreadable: 'empty response body' };
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of gunzipChunks(body, `s3://${bucket}/${key}`)) {
      hash.update(chunk);
      bytes += chunk.length;
    }
  } catch (error) {
    return { found: true, unreadable: error instanceof Error ? error.message : String(error) };
  } finally {
    body.destroy?.();
  }
  return { found: true, sha256: hash.digest('hex'), bytes };
}
