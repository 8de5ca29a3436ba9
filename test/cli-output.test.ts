// Alert lines for terminals: fitted to a width, colour where asked, control characters from records escaped.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../shared/alerts/alert.js';
import { alertLine, printable, useColour } from '../cli/output.js';
import { describeAwsError } from '../cli/aws-errors.js';
import { profileNames } from '../cli/aws-profile.js';
import { duration, progressText } from '../cli/progress.js';

function alert(fields: Partial<Alert> = {}): Alert {
  return {
    rule: 'rds-database-deleted',
    severity: 'high',
    title: 'RDS database deleted',
    description: null,
    eventID: 'e',
    eventName: 'DeleteDBInstance',
    eventSource: 'rds.amazonaws.com',
    eventTime: '2026-11-20T16:42:10Z',
    awsRegion: 'us-east-1',
    account: '123456789012',
    accountName: null,
    category: 'rds',
    principal: { type: 'IAMUser', name: 'johndoe', isRoot: false, isAwsService: false },
    resource: { kind: 'db-instance', id: 'oradb' },
    resources: [],
    sourceIPAddress: '192.0.2.10',
    userAgent: null,
    failed: false,
    errorCode: null,
    errorMessage: null,
    details: [],
    nextSteps: [],
    file: null,
    recordIndex: null,
    ...fields,
  };
}

describe('alert lines', () => {
  it('prints the whole line with --wide', () => {
    expect(alertLine(alert(), { colour: false, width: undefined })).toBe(
      '2026-11-20T16:42:10Z  HIGH      rds-database-deleted              DeleteDBInstance oradb by johndoe (IAMUser)  from 192.0.2.10  in 123456789012/us-east-1',
    );
  });

  it('fits 120 columns by leaving out the principal type, then account and region, keeping FAILED and its code', () => {
    const line = alertLine(alert({ failed: true, errorCode: 'InvalidParameterCombination' }), {
      colour: false,
      width: 120,
    });
    expect(line.length).toBeLessThanOrEqual(120);
    expect(line).toMatch(/DeleteDBInstance oradb by johndoe .*FAILED InvalidParameterCombination$/);
  });

  it('cuts a long headline with an ellipsis, never past the width (any width from 80)', () => {
    for (let width = 80; width <= 130; width++) {
      const line = alertLine(
        alert({
          principal: { type: 'AssumedRole', name: 'r'.repeat(150), isRoot: false, isAwsService: false },
          failed: true,
          errorCode: 'AccessDenied',
        }),
        { colour: false, width },
      );
      expect(line.length).toBeLessThanOrEqual(width);
      expect(line).toMatch(/…/);
      expect(line).toMatch(/FAILED AccessDenied$/);
    }
  });

  it('colours the severity word only, and only when asked', () => {
    expect(alertLine(alert({ severity: 'critical' }), { colour: true, width: 120 })).toContain(
      '\x1b[1;97;41mCRITICAL\x1b[0m',
    );
    expect(alertLine(alert(), { colour: false, width: 120 })).not.toContain('\x1b');
  });

  it('shows control and bidirectional characters from records escaped, so a record cannot drive the terminal', () => {
    const line = alertLine(alert({ resource: { kind: 'db-instance', id: 'db\x1b[2J\u202eevil' } }), {
      colour: false,
      width: undefined,
    });
    expect(line).toContain('db\\u001b[2J\\u202eevil');
    expect(printable('a\nb\tc\x7f')).toBe('a\\u000ab\\u0009c\\u007f');
  });

  it('uses colour on a terminal unless NO_COLOR is set (to anything) or TERM is dumb; --color wins', () => {
    expect(useColour('auto', true, {})).toBe(true);
    expect(useColour('auto', false, {})).toBe(false);
    expect(useColour('auto', true, { NO_COLOR: '1' })).toBe(false);
    expect(useColour('auto', true, { NO_COLOR: '' })).toBe(true);
    expect(useColour('auto', true, { TERM: 'dumb' })).toBe(false);
    expect(useColour('always', false, { NO_COLOR: '1' })).toBe(true);
    expect(useColour('never', true, {})).toBe(false);
  });
});

describe('progress', () => {
  it('shows percent and time left when the size is known, a running count otherwise', () => {
    expect(progressText({ input: 3, inputs: 10, bytesIn: 25e6, records: 12345 }, 100e6, 5000)).toBe(
      'trailwatch:  25%  3/10 files, 25.0 MB of 100.0 MB, 12,345 records, 5.0 MB/s, ETA 15s',
    );
    expect(progressText({ input: 1, inputs: 1, bytesIn: 2e6, records: 10 }, undefined, 1000)).toBe(
      'trailwatch: 1/1 file, 2.0 MB, 10 records, 2.0 MB/s',
    );
    expect(duration(3725)).toBe('1h02m');
    expect(duration(75)).toBe('1m15s');
  });
});

describe("AWS errors in the user's words", () => {
  const context = { action: 'list s3://b/', permission: 's3:ListBucket' };
  it.each([
    [{ name: 'Error', message: 'Region is missing' }, /no AWS region is set; pass --region REGION/],
    [
      { name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' },
      /no AWS credentials found; sign in/,
    ],
    [
      { name: 'ExpiredToken', message: 'The provided token has expired.', $metadata: { httpStatusCode: 400 } },
      /credentials have expired/,
    ],
    [
      {
        name: 'AccessDenied',
        message: 'User: x is not authorized to perform: s3:ListBucket',
        $metadata: { httpStatusCode: 403 },
      },
      /access denied \(needs s3:ListBucket\): User: x is not authorized/,
    ],
    [{ name: 'NoSuchBucket', message: 'The specified bucket does not exist' }, /the bucket does not exist/],
    [
      { name: 'PermanentRedirect', message: 'x', $metadata: { httpStatusCode: 301 } },
      /the bucket is in another region; pass --region/,
    ],
    [
      {
        name: 'Error',
        code: 'ENOTFOUND',
        message: 'getaddrinfo ENOTFOUND s3.amazonaws.com',
        hostname: 's3.amazonaws.com',
      },
      /cannot reach AWS at s3\.amazonaws\.com \(ENOTFOUND\)/,
    ],
    [
      { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED ::1:4566', address: '::1', port: 4566 },
      /cannot reach AWS at \[::1\]:4566 \(ECONNREFUSED\)/,
    ],
  ])('%j', (error, message) => {
    const text = describeAwsError(error, context);
    expect(text).toMatch(/^cannot list s3:\/\/b\/: /);
    expect(text).toMatch(message);
    expect(text).not.toMatch(/CredentialsProviderError|ServiceException|Error:/);
  });

  it('finds profiles in the config and credentials files', () => {
    expect(profileNames('[default]\nregion=x\n[profile prod]\n[sso-session corp]\n', 'config')).toEqual([
      'default',
      'prod',
    ]);
    expect(profileNames('[default]\n[audit]\n', 'credentials')).toEqual(['default', 'audit']);
  });
});

describe('numbers', () => {
  it('groups thousands with commas, as en-US does', async () => {
    const { thousands } = await import('../cli/output.js');
    for (const n of [0, 7, 999, 1000, 12345, 1234567, 1000000000]) expect(thousands(n)).toBe(n.toLocaleString('en-US'));
  });
});
