// s3://BUCKET/PREFIX inputs: keys listed (and pruned by CloudTrail's date folders and file names when there is a
// time window, so files outside it are never downloaded), then each object streamed straight into the reader.
// The AWS SDK is imported here, dynamically, so commands that read no S3 never load it.
import type { S3Client } from '@aws-sdk/client-s3';
import { UsageError } from '../args.js';
import { hasWindow, type TimeWindow } from '../time-window.js';
import { folderMayHoldWindow, foreignByName, keyMayHoldWindow } from './key-layout.js';

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** s3://bucket, s3://bucket/, s3://bucket/prefix... */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  // Bucket names: 3-63 of lowercase letters, digits, dots and hyphens (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
  if (!match || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(match[1]!)) throw new UsageError(`"${url}" is not an S3 location: write s3://BUCKET or s3://BUCKET/PREFIX`);
  return { bucket: match[1]!, prefix: match[2] ?? '' };
}

export interface S3ClientOptions {
  region?: string;
  profile?: string;
  /** An S3-compatible endpoint (an emulator): path-style addressing is used with it. */
  endpointUrl?: string;
}

export async function createS3Client(options: S3ClientOptions): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return new S3Client({
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl, forcePathStyle: true } : {}),
    // A bucket in another region than the client's answers with a redirect; follow it rather than fail.
    followRegionRedirects: true,
  });
}

export interface S3Key {
  key: string;
  size: number;
}

export interface S3Listing {
  keys: S3Key[];
  /** Keys not read because of their name (digests, Config files, ...), with why. */
  skipped: { name: string; why: string }[];
  /** Keys and date folders left out by the time window, never downloaded. */
  outsideWindow: number;
  listCalls: number;
}

/**
 * Lists the keys to read under a location. With a time window, walks the key hierarchy folder by folder
 * (Delimiter "/") and does not descend into CloudTrail year/month/day folders outside it, nor into
 * CloudTrail-Digest/, CloudTrail-Insight/ and Config/ folders; without one, lists every key.
 */
export async function listS3Keys(client: S3Client, location: S3Location, window: TimeWindow): Promise<S3Listing> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const listing: S3Listing = { keys: [], skipped: [], outsideWindow: 0, listCalls: 0 };
  const url = (key: string) => `s3://${location.bucket}/${key}`;
  const consider = (key: string, size: number) => {
    const why = foreignByName(key);
    if (why) listing.skipped.push({ name: url(key), why });
    else if (!keyMayHoldWindow(key, window)) listing.outsideWindow++;
    else listing.keys.push({ key, size });
  };
  const list = async (prefix: string, delimiter: boolean) => {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: location.bucket, Prefix: prefix, ...(delimiter ? { Delimiter: '/' } : {}), ...(token ? { ContinuationToken: token } : {}) }),
      );
      listing.listCalls++;
      // Contents and CommonPrefixes each come in key order; walking them merged keeps the whole listing in key order.
      const entries: { key: string; size?: number; folder: boolean }[] = [
        ...(page.Contents ?? []).map((object) => ({ key: object.Key ?? '', size: object.Size ?? 0, folder: false })),
        ...(page.CommonPrefixes ?? []).map((common) => ({ key: common.Prefix ?? '', folder: true })),
      ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (const entry of entries) {
        if (!entry.folder) consider(entry.key, entry.size ?? 0);
        else {
          const folderWhy = foreignByName(`${entry.key}x.json`);
          if (folderWhy) listing.skipped.push({ name: url(entry.key), why: `${folderWhy}s (folder not listed)` });
          else if (!folderMayHoldWindow(entry.key, window)) listing.outsideWindow++;
          else await list(entry.key, true);
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  };
  await list(location.prefix, hasWindow(window));
  return listing;
}

/** The object's body as a stream of bytes; the GET is sent when this is called. */
export async function getObjectStream(client: S3Client, bucket: string, key: string): Promise<AsyncIterable<Uint8Array>> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = response.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  if (!body) throw new Error(`s3://${bucket}/${key}: GetObject returned no body`);
  return body;
}
