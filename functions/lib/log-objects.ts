// Which objects are CloudTrail log files, decided from the key (and the size, when the event gives it)
// before any GetObject: a trail's bucket also holds digest files, and a shared bucket AWS Config's files and
// whatever else its owner keeps there. What a key is comes from cloudtrail-key.ts (CloudTrail's layout).
import { classifyCloudTrailKey } from './cloudtrail-key.js';
import type { ObjectRef } from './delivery.js';

export type SkipReason =
  | 'not-created'
  | 'folder'
  | 'empty'
  | 'config-writability-check'
  | 'digest'
  | 'aws-config'
  | 'other-aws-logs'
  | 'not-json'
  | 'not-cloudtrail-log';

export interface Skip {
  reason: SkipReason;
  /** The reason in words, for the log line. */
  detail: string;
}

/** AWSLogs/<account>/<folder>/ folders with a detail of their own. */
const FOLDER_SKIPS: Readonly<Record<string, Skip>> = {
  Config: { reason: 'aws-config', detail: 'an AWS Config file' },
  'CloudTrail-Insight': {
    reason: 'other-aws-logs',
    detail: 'a CloudTrail Insights file (Insights events, not API calls)',
  },
};

/** Why `ref` is not a CloudTrail log file to read, or undefined when it is one. */
export function skipReason(ref: ObjectRef): Skip | undefined {
  const { key } = ref;
  if (!ref.created) return { reason: 'not-created', detail: `${ref.eventName} event, not a new object` };
  if (key.endsWith('/')) return { reason: 'folder', detail: 'a folder marker (key ends with /)' };
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (name === 'ConfigWritabilityCheckFile')
    return { reason: 'config-writability-check', detail: "AWS Config's bucket write check" };
  if (ref.size === 0) return { reason: 'empty', detail: 'zero bytes' };
  const kind = classifyCloudTrailKey(key);
  if (kind.kind !== 'other')
    return kind.kind === 'log' ? undefined : { reason: 'digest', detail: 'a CloudTrail digest file' };
  if (kind.why === 'not-json') return { reason: 'not-json', detail: kind.detail };
  if (kind.why === 'other-folder') {
    const known =
      kind.folder !== undefined && Object.hasOwn(FOLDER_SKIPS, kind.folder) ? FOLDER_SKIPS[kind.folder] : undefined;
    return known ?? { reason: 'other-aws-logs', detail: kind.detail };
  }
  return { reason: 'not-cloudtrail-log', detail: kind.detail };
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

/**
 * Thrown by readObject when what S3 answered shows the object is no log file to read (zero bytes, when the trigger
 * gave no size: CloudTrail's own notification never does). Not a failure: notRead (log-files.ts) counts and logs it as
 * skipped, like the objects screened out before any GetObject.
 */
export class ObjectSkipped extends Error {
  override name = 'ObjectSkipped';

  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly skip: Skip,
  ) {
    super(`s3://${bucket}/${key}: skipped: ${skip.detail}`);
  }
}
