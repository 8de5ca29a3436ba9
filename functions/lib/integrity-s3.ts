// Reading what an integrity check needs from S3: a digest (small: read whole, with its signature metadata), the
// signature of another digest (HeadObject, no body), and a log file's SHA-256 computed as it streams (bounded
// memory: the body goes through gunzip into SHA-256 and is never held). Used by the processor's digest check
// and `trailwatch verify`.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  NoSuchKey,
  type S3Client,
} from '@aws-sdk/client-s3';
import { gunzipChunks } from '../../shared/reader/gunzip.js';
import type { FetchedDigest } from '../../shared/integrity/check.js';

/** A digest larger than this is not a CloudTrail digest (one lists an hour of files: kilobytes to a few MB). */
const MAX_DIGEST_BYTES = 64 << 20;

export function isNotFound(error: unknown): boolean {
  // HeadObject answers a missing key with a bare 404 (no body, so no error code): name NotFound, status 404.
  if (error instanceof NoSuchKey) return true;
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** A digest object read whole and inflated, with its metadata; undefined when there is no such object. */
export async function fetchDigest(
  s3: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<FetchedDigest | undefined> {
  let response: GetObjectCommandOutput;
  try {
    response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), signal ? { abortSignal: signal } : {});
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
export async function headSignature(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ signature: string | undefined } | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { signature: head.Metadata?.signature };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export type LogHash =
  | { found: false }
  | { found: true; sha256: string; bytes: number }
  | { found: true; unreadable: string };

/** The SHA-256 of a log file's uncompressed content, computed as it streams. */
export async function hashLogFile(s3: S3Client, bucket: string, key: string): Promise<LogHash> {
  let response: GetObjectCommandOutput;
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
