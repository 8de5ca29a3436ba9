// Issue 18 (backfill): what each kind of failure of a task's file becomes in the job's completion report.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ObjectBodyError, ObjectReadError, PublishError, TriggerError } from '../functions/lib/errors.js';
import { InvocationDeadlineError } from '../functions/lib/deadline.js';
import { DedupeBusyError, DedupeStoreError } from '../functions/processor/dedupe-errors.js';
import { MAX_RESULT_STRING, oneLine, taskResult } from '../functions/processor/batch-results.js';
import { LogFileError } from '../shared/errors.js';

const FILE = 's3://trail/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/x.json.gz';
const place = { bucket: 'trail', key: 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/x.json.gz', bytesRead: 10 };

function awsError(name: string, status?: number): Error {
  return Object.assign(new Error(`injected ${name}`), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
  });
}

const code = (error: unknown) => taskResult('t1', { kind: 'failed', error }).resultCode;

describe('a file whose bytes are wrong fails permanently, naming the file and the reason', () => {
  it.each(['NOT_GZIP', 'CORRUPT_GZIP', 'TRUNCATED_GZIP', 'NOT_JSON', 'NO_RECORDS_ARRAY', 'TRUNCATED_JSON'] as const)(
    '%s',
    (reason) => {
      const error = new LogFileError(reason, { file: FILE, compressedOffset: 0 }, 'injected detail');
      const result = taskResult('t1', { kind: 'failed', error });
      expect(result.resultCode).toBe('PermanentFailure');
      expect(result.resultString).toContain(`not a readable CloudTrail log file (${reason})`);
      expect(result.resultString).toContain(FILE);
    },
  );
});

describe('what a later attempt can get past is a temporary failure', () => {
  it.each([
    ['a stalled body', new ObjectBodyError('BODY_STALLED', place, 'the body stalled')],
    ['a body corrupted in transit', new ObjectBodyError('CHECKSUM_MISMATCH', place, 'md5')],
    ['the invocation deadline', new ObjectBodyError('DEADLINE_REACHED', place, 'deadline')],
    ['a connection broken mid-read', new LogFileError('READ_FAILED', { file: FILE }, 'reset')],
    ['the dedupe table unavailable', new DedupeStoreError('claim', 'tbl', 'k', awsError('ServiceUnavailable', 503))],
    ['another delivery holding a claim', new DedupeBusyError(FILE, ['a'])],
    [
      'GetObject throttled',
      new ObjectReadError('trail', 'k', 'SlowDown', 'SlowDown', { cause: awsError('SlowDown', 503) }),
    ],
    [
      'GetObject 500',
      new ObjectReadError('trail', 'k', 'InternalError', 'x', { cause: awsError('InternalError', 500) }),
    ],
    ['a network error', new ObjectReadError('trail', 'k', 'ECONNRESET', 'x', { cause: awsError('ECONNRESET') })],
    ['PutObject throttled (report mode)', awsError('SlowDown', 503)],
    [
      'SNS throttled',
      new PublishError('arn:aws:sns:us-east-1:1:t', [{ id: 'm0', code: 'Throttled', senderFault: false }], 0, 'x'),
    ],
  ])('%s', (_what, error) => {
    expect(code(error)).toBe('TemporaryFailure');
  });

  it('says a deadline that recurs means the file is too large for the function timeout', () => {
    const result = taskResult('t1', { kind: 'failed', error: new InvocationDeadlineError(5000) });
    expect(result).toMatchObject({ resultCode: 'TemporaryFailure' });
    expect(result.resultString).toMatch(/too large for FunctionTimeout/);
  });
});

describe('what retrying cannot fix is a permanent failure', () => {
  it.each([
    ['the object gone', new ObjectReadError('trail', 'k', 'NoSuchKey', 'x', { cause: awsError('NoSuchKey', 404) })],
    ['access denied', new ObjectReadError('trail', 'k', 'AccessDenied', 'x', { cause: awsError('AccessDenied', 403) })],
    ['an invalid task', new TriggerError('INVALID_TRIGGER', 'x', 'tasks[0]: s3Key: expected string')],
    [
      'SNS refusing the entries as the sender fault',
      new PublishError(
        'arn:aws:sns:us-east-1:1:t',
        [{ id: 'm0', code: 'InvalidParameter', senderFault: true }],
        0,
        'x',
      ),
    ],
    ['a program error', new TypeError('cannot read properties of undefined')],
  ])('%s', (_what, error) => {
    expect(code(error)).toBe('PermanentFailure');
  });

  it('names the S3 error and status of a GetObject failure', () => {
    const error = new ObjectReadError('trail', 'k', 'AccessDenied', 'GetObject failed: AccessDenied (HTTP 403): no', {
      cause: awsError('AccessDenied', 403),
    });
    expect(taskResult('t1', { kind: 'failed', error }).resultString).toBe(
      'GetObject failed (AccessDenied, HTTP 403): s3://trail/k: GetObject failed: AccessDenied (HTTP 403): no',
    );
  });
});

describe('successes', () => {
  it('carry the summary as the result string', () => {
    expect(taskResult('t1', { kind: 'read', summary: `${FILE}: 500 records, 2 alerts` })).toEqual({
      taskId: 't1',
      resultCode: 'Succeeded',
      resultString: `${FILE}: 500 records, 2 alerts`,
    });
  });

  it('report an object that is no log file as skipped, not failed', () => {
    expect(taskResult('t1', { kind: 'skipped', detail: 's3://b/k: a CloudTrail digest file' })).toEqual({
      taskId: 't1',
      resultCode: 'Succeeded',
      resultString: 'skipped: s3://b/k: a CloudTrail digest file',
    });
  });
});

describe('the result string is one line of bounded length, whatever the error says', () => {
  it('holds for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (text) => {
        const line = oneLine(text);
        expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
        expect(line.length).toBeLessThanOrEqual(MAX_RESULT_STRING);
      }),
    );
  });

  it('keeps the start of a long message, where the reason is', () => {
    const line = oneLine(`reason first\n${'x'.repeat(5000)}`);
    expect(line.startsWith('reason first x')).toBe(true);
    expect(line.endsWith('…')).toBe(true);
  });
});
