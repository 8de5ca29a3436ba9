// The S3 side of `trailwatch verify`: finding a trail's digests and log files under a prefix. Reading digests and
// hashing log files is functions/lib/integrity-s3.ts, shared with the processor's digest check.
//
// Listing walks CloudTrail's layout (AWSLogs/ -> [o-org/] -> account -> CloudTrail[-Digest]/ -> region -> day), so
// a time range lists only its days, not the whole bucket.
import { ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

export { fetchDigest, hashLogFile, headSignature } from '../functions/lib/integrity-s3.js';

/**
 * ListObjects (version 1, paged with Marker = the last key), as the AWS CLI's validate-logs lists digests.
 * Not ListObjectsV2: s3rver 3.7.1 makes V2 continuation tokens with DES, which Node 22's OpenSSL 3 no longer
 * has, so every truncated V2 page fails there with InternalError, and the tests must run the code S3 runs.
 */
async function* listPages(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<{ keys: string[] }> {
  let marker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, ...(marker ? { Marker: marker } : {}) }),
    );
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key]));
    yield { keys };
    const last = keys[keys.length - 1];
    if (!page.IsTruncated || last === undefined) return;
    marker = page.NextMarker ?? last;
  }
}

async function firstKey(
  s3: S3Client,
  bucket: string,
  prefix: string,
  after: string | undefined,
): Promise<string | undefined> {
  const page = await s3.send(
    new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: 1, ...(after ? { Marker: after } : {}) }),
  );
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
    out.push(
      `${day.getUTCFullYear()}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${String(day.getUTCDate()).padStart(2, '0')}/`,
    );
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
export async function* listTrailKeys(
  s3: S3Client,
  bucket: string,
  root: string,
  range: ListRange,
): AsyncGenerator<{ folder: 'digest' | 'log'; key: string }> {
  const accounts: string[] = [];
  for (const child of await subfolders(s3, bucket, `${root}AWSLogs/`)) {
    if (/\/o-[a-z0-9]{10,32}\/$/.test(child))
      accounts.push(...(await subfolders(s3, bucket, child)).filter((p) => /\/\d{12}\/$/.test(p)));
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
