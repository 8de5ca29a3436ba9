// What an S3 key in a trail's bucket is, from the key alone: a CloudTrail log file, a CloudTrail digest file, or
// something else (AWS Config's files, Insights files, a user's own objects). The one place that knows CloudTrail's
// key layout: the functions' object screening (log-objects.ts) and the indexer's stream-name fallback use it.
//
// The layout (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html,
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html):
//   log:    [prefix/]AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<time>_<id>.json.gz
//   digest: [prefix/]AWSLogs/[o-orgid/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<time>.json.gz
// An organisation trail adds the organisation id (`o-` and 10-32 lower-case letters or digits:
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html). Beside these, the same
// `AWSLogs/<account>/` holds `CloudTrail-Insight/` (Insights events: another record shape) and `Config/` (AWS Config).
//
// The folders are required, the file name only by its extension: a log file that CloudTrail named some other way
// one day is still read (a skipped log is a missed alert), while an object elsewhere in the bucket, reached by a
// whole-bucket notification, is never taken for one (issue 11: `reports/summary.json` went to the DLQ).

/** Where a log or digest key says its records come from. */
export interface CloudTrailKeyPlace {
  account: string;
  region: string;
  /** The organisation id of an organisation trail's key. */
  organizationId?: string;
}

export type CloudTrailKey =
  | ({ kind: 'log' | 'digest' } & CloudTrailKeyPlace)
  | {
      kind: 'other';
      /**
       * Why not: `outside-layout` (not under `AWSLogs/<account>/<folder>/`), `other-folder` (another folder there:
       * `Config`, `CloudTrail-Insight`...), `not-json` (in CloudTrail's folders, but no .json.gz or .json name).
       */
      why: 'outside-layout' | 'other-folder' | 'not-json';
      /** The `AWSLogs/<account>/<folder>/` folder, when the key is under one. */
      folder?: string;
      /** Why it is not a log or digest file, in words. */
      detail: string;
    };

/** `AWSLogs/[o-xxxx/]<12-digit account>/<folder>/<rest>`, anywhere in the key (after a user's prefix). */
const AWS_LOGS = /(?:^|\/)AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/([^/]+)\/(.+)$/;
/** `<region>/YYYY/MM/DD/<name>` under the CloudTrail or CloudTrail-Digest folder. */
const DAY_FILE = /^([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/([^/]+)$/;
const JSON_NAME = /\.json(?:\.gz)?$/;

const KIND_OF_FOLDER: Readonly<Record<string, 'log' | 'digest'>> = { CloudTrail: 'log', 'CloudTrail-Digest': 'digest' };

/** What `key` is. */
export function classifyCloudTrailKey(key: string): CloudTrailKey {
  const match = AWS_LOGS.exec(key);
  if (!match)
    return {
      kind: 'other',
      why: 'outside-layout',
      detail: 'not under AWSLogs/<account>/CloudTrail/: not a CloudTrail log file',
    };
  const [, organizationId, account = '', folder = '', rest = ''] = match;
  const kind = Object.hasOwn(KIND_OF_FOLDER, folder) ? KIND_OF_FOLDER[folder] : undefined;
  if (!kind)
    return {
      kind: 'other',
      why: 'other-folder',
      folder,
      detail: `AWSLogs/.../${folder}/, not CloudTrail's log folder`,
    };
  const day = DAY_FILE.exec(rest);
  if (!day)
    return {
      kind: 'other',
      why: 'outside-layout',
      folder,
      detail: `not <region>/YYYY/MM/DD/<file> under AWSLogs/.../${folder}/`,
    };
  const [, region = '', name = ''] = day;
  if (!JSON_NAME.test(name))
    return { kind: 'other', why: 'not-json', folder, detail: 'name does not end in .json.gz or .json' };
  return { kind, account, region, ...(organizationId ? { organizationId } : {}) };
}
