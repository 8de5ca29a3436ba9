// Where CloudTrail puts log and digest files, read back from an S3 key.
//
// Log files: `[prefix/]AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/YYYY/MM/DD/
//   <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz`, the time being when the file was delivered
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html).
// Digests: `[prefix/]AWSLogs/[o-orgid/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/
//   <account>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHmmssZ>[_backfill].json.gz`, the time being
// the digest's end (User Guide, "CloudTrail digest file structure"; `_backfill` digests list files a regular
// digest missed).

export interface TrailKey {
  /** `''` or the trail's key prefix with its trailing slash. */
  prefix: string;
  organizationId: string | undefined;
  account: string;
  region: string;
  /** The time in the file name. */
  time: Date;
}

export interface LogKey extends TrailKey {
  kind: 'log';
}

export interface DigestKey extends TrailKey {
  kind: 'digest';
  trail: string;
  homeRegion: string;
  backfill: boolean;
}

const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const ROOT = `^(?<prefix>(?:.*/)?)AWSLogs/(?:(?<org>o-[a-z0-9]{10,32})/)?(?<account>\\d{12})/`;
const LOG = new RegExp(
  `${ROOT}CloudTrail/(?<region>${REGION})/\\d{4}/\\d\\d/\\d\\d/\\k<account>_CloudTrail_\\k<region>_(?<stamp>\\d{8}T\\d{4}Z)_[A-Za-z0-9]+\\.json\\.gz$`,
);
const DIGEST = new RegExp(
  `${ROOT}CloudTrail-Digest/(?<region>${REGION})/\\d{4}/\\d\\d/\\d\\d/\\k<account>_CloudTrail-Digest_\\k<region>_(?<trail>.+)_(?<home>${REGION})_(?<stamp>\\d{8}T\\d{6}Z)(?<backfill>_backfill)?\\.json\\.gz$`,
);

function stampTime(stamp: string): Date {
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.length > 14 ? stamp.slice(13, 15) : '00'}Z`;
  return new Date(iso);
}

export function parseLogKey(key: string): LogKey | undefined {
  const g = LOG.exec(key)?.groups;
  if (!g?.account || !g.region || !g.stamp) return undefined;
  const time = stampTime(g.stamp);
  if (Number.isNaN(time.getTime())) return undefined;
  return { kind: 'log', prefix: g.prefix ?? '', organizationId: g.org, account: g.account, region: g.region, time };
}

export function parseDigestKey(key: string): DigestKey | undefined {
  const g = DIGEST.exec(key)?.groups;
  if (!g?.account || !g.region || !g.stamp || !g.trail || !g.home) return undefined;
  const time = stampTime(g.stamp);
  if (Number.isNaN(time.getTime())) return undefined;
  return {
    kind: 'digest',
    prefix: g.prefix ?? '',
    organizationId: g.org,
    account: g.account,
    region: g.region,
    time,
    trail: g.trail,
    homeRegion: g.home,
    backfill: g.backfill !== undefined,
  };
}

/** What a trail bucket's key holds: a CloudTrail log file, a digest file, or something else. */
export function trailObjectKind(key: string): 'log' | 'digest' | 'other' {
  if (parseDigestKey(key)) return 'digest';
  if (parseLogKey(key)) return 'log';
  return 'other';
}

/** `account/region` (with the organization when there is one): logs and digests are matched within one. */
export function streamOf(key: TrailKey): string {
  return `${key.prefix}${key.organizationId ? `${key.organizationId}/` : ''}${key.account}/${key.region}`;
}
