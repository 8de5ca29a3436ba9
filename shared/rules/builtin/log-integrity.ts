// Built-in rules for the trail's own evidence (issue 14): its files changed or gone, its digests forged or
// missing, and changes to the bucket that holds them. The first five match trailwatch events
// (shared/integrity/events.ts: eventSource "trailwatch.integrity", made by the processor's digest check and from
// S3 "Object Deleted" events); the last matches CloudTrail's own S3 management events.
import { INTEGRITY_EVENT_SOURCE } from '../../integrity/events.js';
import type { RuleDefinition } from '../types.js';

const INTEGRITY = INTEGRITY_EVENT_SOURCE;
const VERIFY =
  'Run `trailwatch verify s3://<bucket>[/<prefix>] --start <the hour> --end <an hour later>` to see every file of that hour and whether it is intact.';

export const LOG_INTEGRITY_RULES: readonly RuleDefinition[] = [
  {
    id: 'cloudtrail-log-file-modified',
    severity: 'critical',
    title: 'CloudTrail log file modified',
    description:
      'A log file no longer has the SHA-256 its signed digest lists: someone changed (or replaced) the record of what happened in that hour, after CloudTrail delivered it.',
    match: { eventSource: [INTEGRITY], eventName: ['LogFileModified'] },
    nextSteps: [
      'The details name the file, the hour and the digest that lists it. Treat the events of that hour as untrusted.',
      'Find who wrote to the object: S3 data events (PutObject on the trail bucket) or S3 server access logs, if recorded.',
      VERIFY,
      'Restrict write access to the trail bucket (bucket policy) and consider S3 Object Lock in compliance mode.',
    ],
  },
  {
    id: 'cloudtrail-log-file-missing',
    severity: 'critical',
    title: 'CloudTrail log file missing',
    description:
      'A log file that a signed digest lists is not in the bucket: the record of part of that hour was deleted (or moved).',
    match: { eventSource: [INTEGRITY], eventName: ['LogFileMissing'] },
    nextSteps: [
      'The details name the file, the hour and the digest that lists it.',
      'If the bucket is versioned, the deleted version may still be there: aws s3api list-object-versions --bucket <bucket> --prefix <key>.',
      'Look for a cloudtrail-log-file-deleted alert naming who deleted it, and for cloudtrail-bucket-protection-changed shortly before.',
      VERIFY,
    ],
  },
  {
    id: 'cloudtrail-digest-invalid',
    severity: 'high',
    title: 'CloudTrail digest file invalid',
    description:
      "A digest file's signature does not verify with CloudTrail's public key, it is not where it says it belongs, or it is signed by a key CloudTrail does not list: the digest cannot vouch for the log files of its hour.",
    match: { eventSource: [INTEGRITY], eventName: ['DigestInvalid'] },
    nextSteps: [
      'The details say which check failed (signature, location, unknown public key) for which digest and hour.',
      'An edited or forged digest is tampering with the evidence itself: check who wrote to CloudTrail-Digest/ in the bucket.',
      VERIFY,
    ],
  },
  {
    id: 'cloudtrail-digest-chain-broken',
    severity: 'high',
    title: 'CloudTrail digest chain broken',
    description:
      'A digest names a previous digest that is not in the bucket (or that carries another signature): a digest was deleted or replaced, and with it the proof for the log files of its hour.',
    match: { eventSource: [INTEGRITY], eventName: ['DigestChainBroken'] },
    nextSteps: [
      'The details name the missing digest and the digest that points to it.',
      'If the bucket is versioned, restore the deleted version; otherwise treat the log files of that hour as unproven.',
      VERIFY,
    ],
  },
  {
    id: 'cloudtrail-log-file-deleted',
    severity: 'critical',
    title: 'CloudTrail log file deleted',
    description:
      "An object under the trail's AWSLogs/ prefix was deleted by a request, not expired by the bucket's lifecycle rule: log or digest files are evidence, and deleting them hides what they recorded.",
    match: { eventSource: [INTEGRITY], eventName: ['LogFileDeleted'] },
    nextSteps: [
      'The details name the object, the requester and the source IP address S3 reported.',
      'If the bucket is versioned and a delete marker was created, remove the marker to restore the file.',
      "Revoke or investigate the requester's credentials, and restrict s3:DeleteObject on the trail bucket.",
    ],
  },
  {
    id: 'cloudtrail-bucket-protection-changed',
    severity: 'high',
    title: "Trail bucket's protection changed",
    description:
      "A call changed what protects the trail's log files: the bucket's lifecycle rules (which can expire them), its policy (who can write or delete), versioning suspended (deleted files are gone for good), Object Lock, or its public access block. The processor reports it only for the bucket whose log files it reads; `trailwatch scan` reports it for any bucket.",
    match: {
      eventSource: ['s3.amazonaws.com'],
      $or: [
        {
          eventName: [
            'PutBucketLifecycle',
            'PutBucketLifecycleConfiguration',
            'DeleteBucketLifecycle',
            'PutBucketPolicy',
            'DeleteBucketPolicy',
            'PutObjectLockConfiguration',
            'PutBucketPublicAccessBlock',
            'DeleteBucketPublicAccessBlock',
          ],
        },
        {
          eventName: ['PutBucketVersioning'],
          requestParameters: { VersioningConfiguration: { Status: ['Suspended'] } },
        },
      ],
    },
    nextSteps: [
      'Check that the change to the trail bucket was planned, and read requestParameters for the new configuration.',
      'A lifecycle rule that expires AWSLogs/ objects early, a policy that lets more principals delete, or versioning suspended all make the log files easier to destroy.',
      'Restore the previous configuration if it was not planned, and run trailwatch verify over the last days.',
    ],
  },
];

/** The rule that the processor reports only for the bucket it reads log files from. */
export const TRAIL_BUCKET_RULE = 'cloudtrail-bucket-protection-changed';
