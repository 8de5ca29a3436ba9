// What a key of a trail's bucket is (functions/lib/cloudtrail-key.ts): CloudTrail's documented layout, the
// organisation form, and everything else a shared bucket holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyCloudTrailKey } from '../functions/lib/cloudtrail-key.js';
import { streamFallback } from '../functions/indexer/index-log.js';

const LOG =
  'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1110Z_OFgXCp32aVxXbA7d.json.gz';
const DIGEST =
  'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/20/123456789012_CloudTrail-Digest_us-east-1_RDS-CloudTrail_us-east-1_20261120T094631Z.json.gz';

describe('classifyCloudTrailKey', () => {
  it('reads a log key: account and region', () => {
    expect(classifyCloudTrailKey(LOG)).toEqual({ kind: 'log', account: '123456789012', region: 'us-east-1' });
  });

  it("reads an organisation trail's log key below a user's prefix", () => {
    const key = 'audit logs/AWSLogs/o-a1b2c3d4e5/210987654321/CloudTrail/ap-south-1/2026/11/20/f.json';
    expect(classifyCloudTrailKey(key)).toEqual({
      kind: 'log',
      account: '210987654321',
      region: 'ap-south-1',
      organizationId: 'o-a1b2c3d4e5',
    });
  });

  it('reads a digest key as a digest, with its place', () => {
    expect(classifyCloudTrailKey(DIGEST)).toEqual({ kind: 'digest', account: '123456789012', region: 'us-east-1' });
    expect(classifyCloudTrailKey(`p/${DIGEST.replace('AWSLogs/', 'AWSLogs/o-a1b2c3d4e5/')}`)).toMatchObject({
      kind: 'digest',
      organizationId: 'o-a1b2c3d4e5',
    });
  });

  it('says why anything else is not a log file', () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['reports/summary.json', 'outside-layout', undefined],
      ['AWSLogs/123456789012/Config/us-east-1/2026/11/20/ConfigSnapshot/f.json.gz', 'other-folder', 'Config'],
      ['AWSLogs/123456789012/CloudTrail-Insight/us-east-1/2026/11/20/f.json.gz', 'other-folder', 'CloudTrail-Insight'],
      ['AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/notes.txt', 'not-json', 'CloudTrail'],
      ['AWSLogs/123456789012/CloudTrail/us-east-1/f.json.gz', 'outside-layout', 'CloudTrail'],
      ['AWSLogs/1234/CloudTrail/us-east-1/2026/11/20/f.json.gz', 'outside-layout', undefined],
      ['AWSLogs/o-XY/123456789012/CloudTrail/us-east-1/2026/11/20/f.json.gz', 'outside-layout', undefined],
      ['myAWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/f.json.gz', 'outside-layout', undefined],
    ];
    for (const [key, why, folder] of cases) {
      expect(classifyCloudTrailKey(key), key).toMatchObject({ kind: 'other', why, ...(folder ? { folder } : {}) });
    }
  });

  it('takes a key for a log file exactly when every part of the layout is right', () => {
    // Each part right or wrong; the key is a log key only when all are right.
    const part = (good: fc.Arbitrary<string>, bad: fc.Arbitrary<string>) =>
      fc.oneof(
        good.map((v) => ({ v, ok: true })),
        bad.map((v) => ({ v, ok: false })),
      );
    const parts = fc.record({
      prefix: fc.constantFrom('', 'audit logs/', 'a/b/'),
      root: part(fc.constant('AWSLogs/'), fc.constantFrom('AWSLog/', 'awslogs/', 'xAWSLogs/')),
      org: part(fc.constantFrom('', 'o-a1b2c3d4e5/', 'o-0123456789abcdef/'), fc.constantFrom('o-ab/', 'o-A1B2C3D4E5/')),
      account: part(fc.stringMatching(/^\d{12}$/), fc.constantFrom('1234/', '1234567890123', 'abcdefghijkl')),
      folder: part(
        fc.constant('/CloudTrail/'),
        fc.constantFrom('/Config/', '/CloudTrail-Insight/', '/cloudtrail/', '/'),
      ),
      day: part(
        fc.constantFrom('us-east-1/2026/11/20/', 'eu-west-1/2024/01/31/'),
        fc.constantFrom('us-east-1/2026/11/', '2026/11/20/', 'us-east-1/2026/11/20/x/'),
      ),
      name: part(
        fc.constantFrom(
          'f.json.gz',
          'f.json',
          '123456789012_CloudTrail_us-east-1_20261120T1110Z_OFgXCp32aVxXbA7d.json.gz',
        ),
        fc.constantFrom('f.txt', 'f.json.gz.tmp', 'f.gz'),
      ),
    });
    fc.assert(
      fc.property(parts, ({ prefix, root, org, account, folder, day, name }) => {
        const key = `${prefix}${root.v}${org.v}${account.v}${folder.v}${day.v}${name.v}`;
        const allRight = [root, org, account, folder, day, name].every((p) => p.ok);
        expect(classifyCloudTrailKey(key).kind === 'log', key).toBe(allRight);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the indexer its stream-name fallback from the same reading', () => {
    expect(streamFallback(LOG)).toEqual({ account: '123456789012', region: 'us-east-1' });
    expect(streamFallback('reports/summary.json')).toEqual({});
  });
});
