// s3://BUCKET/PREFIX inputs: keys listed and chosen by name (CloudTrail's date folders and delivery times, when there
// is a time window, so files outside it are never downloaded), then each object streamed straight into the reader.
// Listing is flat (no Delimiter walk): s3rver, the emulator the tests run against, does not return CommonPrefixes
// for keys more than one folder below the prefix, so a walk could not be tested against a real S3 API here.
// The AWS SDK is imported here, dynamically, so commands that read no S3 never load it.
import type { S3Client } from '@aws-sdk/client-s3';
import { UsageError } from '../args.js';
import type { TimeWindow } from '../time-window.js';
import { folderMayHoldWindow, foreignByName, keyMayHoldWindow } from './key-layout.js';

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** s3://bucket, s3://bucket/, s3://bucket/prefix... */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  // Bucket names: 3-63 of lowercase letters, digits, dots and hyphens (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
  if (!match || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(match[1]!))
    throw new UsageError(`"${url}" is not an S3 location: write s3://BUCKET or s3://BUCKET/PREFIX`);
  return { bucket: match[1]!, prefix: match[2] ?? '' };
}

export interface S3ClientOptions {
  region?: string;
  profile?: string;
  /** An S3-compatible endpoint (an emulator): path-style addressing is used with it. */
  endpointUrl?: string;
  /** Path-style addressing without an endpoint (S3_FORCE_PATH_STYLE, as the functions read it). */
  forcePathStyle?: boolean;
}

export async function createS3Client(options: S3ClientOptions): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return new S3Client({
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl, forcePathStyle: true } : {}),
    ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
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
  /** Keys left out by the time window, never downloaded. */
  outsideWindow: number;
  listCalls: number;
}

/**
 * Lists the keys to read under a location, and chooses among them by name before anything is downloaded: digests,
 * Insights and Config files are skipped, and with a time window so is every log whose delivery time (in its name)
 * cannot hold records inside it. When the location is a region folder of CloudTrail's layout (or a year or month
 * in it) and the window has both ends, only the day folders of the window are listed.
 */
export async function listS3Keys(
  client: S3Client,
  location: S3Location,
  window: TimeWindow,
  now = Date.now(),
): Promise<S3Listing> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const listing: S3Listing = { keys: [], skipped: [], outsideWindow: 0, listCalls: 0 };
  for (const prefix of prefixesToList(location.prefix, window, now)) {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: location.bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      listing.listCalls++;
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        const why = foreignByName(key);
        if (why) listing.skipped.push({ name: `s3://${location.bucket}/${key}`, why });
        else if (!keyMayHoldWindow(key, window)) listing.outsideWindow++;
        else listing.keys.push({ key, size: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return listing;
}

/** Longest span listed day by day; a longer window lists the location whole (one call per 1,000 keys either way). */
const MAX_DAYS = 366;

/**
 * The prefixes to list: the location itself, or, for a region/year/month folder of CloudTrail's layout and a
 * window with a start, each day folder from the window's first possible delivery day to its last.
 */
export function prefixesToList(prefix: string, window: TimeWindow, now: number): string[] {
  const match = /(?:^|\/)CloudTrail\/[a-z0-9-]+\/(?:(\d{4})\/(?:(\d{2})\/)?)?$/.exec(prefix);
  if (!match || window.since === undefined) return [prefix];
  const base = prefix.slice(0, prefix.length - (match[1] ? `${match[1]}/${match[2] ? `${match[2]}/` : ''}`.length : 0));
  const day = 86_400_000;
  const first = Math.floor((window.since - day) / day) * day;
  const last = Math.min(window.until ?? now, now) + day;
  if ((last - first) / day > MAX_DAYS) return [prefix];
  const prefixes: string[] = [];
  for (let t = first; t <= last; t += day) {
    const folder = `${base}${new Date(t).toISOString().slice(0, 10).replace(/-/g, '/')}/`;
    if (folder.startsWith(prefix) && folderMayHoldWindow(folder, window)) prefixes.push(folder);
  }
  return prefixes;
}

/** The object's body as a stream of bytes; the GET is sent when this is called. */
export async function getObjectStream(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<AsyncIterable<Uint8Array>> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = response.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  if (!body) throw new Error(`s3://${bucket}/${key}: GetObject returned no body`);
  return body;
}
