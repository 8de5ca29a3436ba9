// Integrity findings and S3 deletions as trailwatch events, and the built-in rules they raise.
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { FileResult } from '../shared/integrity/check.js';
import {
  deletionRecord,
  eventNameFor,
  integrityRecord,
  isLifecycleExpiration,
  type ObjectDeletion,
} from '../shared/integrity/events.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { buildAlert } from '../shared/alerts/alert.js';
import { loadRecord } from './record-fixtures.js';

const ruleset = compileRuleset();
const raised = (record: ReturnType<typeof loadRecord>): string[] => ruleset.evaluate(classify(record)).map((r) => r.id);

const bucket = 'rds.s3';
const digest =
  'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/20/123456789012_CloudTrail-Digest_us-east-1_RDS-CloudTrail_us-east-1_20261120T104631Z.json.gz';
const log =
  'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1005Z_QhJO9Acyz0snKu0m.json.gz';
const hour = { start: '2026-11-20T09:46:31Z', end: '2026-11-20T10:46:31Z' };
const deletion: ObjectDeletion = {
  bucket,
  key: log,
  time: '2026-11-20T12:03:44Z',
  region: 'us-east-1',
  account: '123456789012',
  reason: 'DeleteObject',
  deletionType: 'Permanently Deleted',
  requester: '123456789012',
  sourceIp: '203.0.113.25',
  versionId: undefined,
};

describe('integrityRecord', () => {
  it('writes exactly the committed fixture records (they are what the rule tests and golden emails use)', () => {
    const modified: FileResult = {
      kind: 'log',
      bucket,
      key: log,
      status: 'modified',
      reason: `SHA-256 of its content is ${'1f'.repeat(32)}, the digest lists ${'9b'.repeat(32)}`,
      hour,
      digest,
    };
    expect(integrityRecord(modified, '2026-11-20T11:47:02Z')).toEqual(loadRecord('integrity-log-file-modified'));
    expect(deletionRecord(deletion)).toEqual(loadRecord('integrity-log-file-deleted'));
  });

  it.each([
    [{ kind: 'log', status: 'valid' }, undefined],
    [{ kind: 'log', status: 'unlisted' }, undefined],
    [{ kind: 'log', status: 'modified' }, 'LogFileModified'],
    [{ kind: 'log', status: 'missing' }, 'LogFileMissing'],
    [{ kind: 'digest', status: 'valid' }, undefined],
    [{ kind: 'digest', status: 'invalid-signature' }, 'DigestInvalid'],
    [{ kind: 'digest', status: 'moved' }, 'DigestInvalid'],
    [{ kind: 'digest', status: 'unverifiable' }, 'DigestInvalid'],
    [{ kind: 'digest', status: 'missing' }, 'DigestChainBroken'],
  ] as const)('%j becomes %s', (finding, name) => {
    expect(eventNameFor({ ...finding, bucket, key: log, reason: 'r' } as FileResult)).toBe(name);
  });

  it('gives the same finding the same eventID (a retried check raises the same alert), another finding another', () => {
    const a = integrityRecord(
      { kind: 'log', bucket, key: log, status: 'missing', reason: 'gone', hour, digest },
      '2026-11-20T11:00:00Z',
    );
    const b = integrityRecord(
      { kind: 'log', bucket, key: log, status: 'missing', reason: 'gone', hour, digest },
      '2026-11-20T12:00:00Z',
    );
    const c = integrityRecord(
      { kind: 'log', bucket, key: `${log}x`, status: 'missing', reason: 'gone', hour, digest },
      '2026-11-20T12:00:00Z',
    );
    expect(a?.eventID).toBe(b?.eventID);
    expect(a?.eventID).not.toBe(c?.eventID);
  });

  it('takes account and region from the key, and the hour end as the event time', () => {
    const r = integrityRecord(
      { kind: 'log', bucket, key: log, status: 'missing', reason: 'gone', hour, digest },
      'ignored',
    );
    expect(r).toMatchObject({
      recipientAccountId: '123456789012',
      awsRegion: 'us-east-1',
      eventTime: hour.end,
      eventSource: 'trailwatch.integrity',
    });
  });
});

describe('deletions', () => {
  it('a DeleteObject deletion raises cloudtrail-log-file-deleted, with who and from where in the details', () => {
    const record = deletionRecord(deletion);
    expect(raised(record)).toEqual(['cloudtrail-log-file-deleted']);
    const rule = ruleset.rules.find((r) => r.id === 'cloudtrail-log-file-deleted');
    if (!rule) throw new Error('rule');
    expect(buildAlert(rule, classify(record)).details.join('\n')).toMatch(
      /by 123456789012 from 203\.0\.113\.25 \(DeleteObject, Permanently Deleted\)/,
    );
  });

  it('a lifecycle expiration is recognised and raises nothing', () => {
    const expired = { ...deletion, reason: 'Lifecycle Expiration', requester: 's3.amazonaws.com' };
    expect(isLifecycleExpiration(expired)).toBe(true);
    expect(isLifecycleExpiration(deletion)).toBe(false);
    expect(raised(deletionRecord(expired))).toEqual([]);
  });
});
