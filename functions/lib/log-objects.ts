// Which objects are CloudTrail log files, decided from the key (and the size, when the event gives it)
// before any GetObject: a trail's bucket also holds digest files, and a shared bucket AWS Config's files.
//
// CloudTrail's layout: `[prefix/]AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz`
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html);
// digests under `CloudTrail-Digest/`, Insights under `CloudTrail-Insight/`, AWS Config under `Config/`.
import type { ObjectRef } from './triggers.js';

export type SkipReason =
  | 'not-created'
  | 'folder'
  | 'empty'
  | 'config-writability-check'
  | 'digest'
  | 'aws-config'
  | 'other-aws-logs'
  | 'not-json';

export interface Skip {
  reason: SkipReason;
  /** The reason in words, for the log line. */
  detail: string;
}

const LOG_EXTENSION = /\.json(\.gz)?$/;
/** `AWSLogs/[o-xxxx/]<12-digit account>/<folder>/`, anywhere in the key (after a user's prefix). */
const AWS_LOGS_FOLDER = /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?\d{12}\/([^/]+)\//;

/** Why `ref` is not a CloudTrail log file to read, or undefined when it is one. */
export function skipReason(ref: ObjectRef): Skip | undefined {
  const { key } = ref;
  if (!ref.created) return { reason: 'not-created', detail: `${ref.eventName} event, not a new object` };
  if (key.endsWith('/')) return { reason: 'folder', detail: 'a folder marker (key ends with /)' };
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (name === 'ConfigWritabilityCheckFile') return { reason: 'config-writability-check', detail: "AWS Config's bucket write check" };
  if (ref.size === 0) return { reason: 'empty', detail: 'zero bytes' };
  const folder = AWS_LOGS_FOLDER.exec(key)?.[1];
  if (folder !== undefined && folder !== 'CloudTrail') {
    if (folder === 'CloudTrail-Digest') return { reason: 'digest', detail: 'a CloudTrail digest file' };
    if (folder === 'Config') return { reason: 'aws-config', detail: 'an AWS Config file' };
    return { reason: 'other-aws-logs', detail: `AWSLogs/.../${folder}/, not CloudTrail's log folder` };
  }
  if (name.includes('_CloudTrail-Digest_')) return { reason: 'digest', detail: 'a CloudTrail digest file' };
  if (!LOG_EXTENSION.test(name)) return { reason: 'not-json', detail: 'name does not end in .json.gz or .json' };
  return undefined;
}

export interface ScreenedObjects {
  logs: ObjectRef[];
  skipped: Array<{ ref: ObjectRef; skip: Skip }>;
}

/** Splits a delivery's objects into log files to read and objects skipped (with the reason). */
export function screenObjects(refs: readonly ObjectRef[]): ScreenedObjects {
  const screened: ScreenedObjects = { logs: [], skipped: [] };
  for (const ref of refs) {
    const skip = skipReason(ref);
    if (skip) screened.skipped.push({ ref, skip });
    else screened.logs.push(ref);
  }
  return screened;
}
