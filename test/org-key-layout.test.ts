// CloudTrail's organisation layout, `[prefix/]AWSLogs/o-xxxx/<account>/CloudTrail[-Digest]/<region>/YYYY/MM/DD/...`
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-find-log-files.html; organisation ids are
// `o-` and 10-32 lower-case letters or digits, https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html),
// recognised alike by every place that classifies keys: the functions (functions/lib/cloudtrail-key.ts), the CLI's
// inputs (cli/inputs/key-layout.ts) and the integrity check (shared/integrity/keys.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliveryTime, folderMayHoldWindow, foreignByName, keyMayHoldWindow } from '../cli/inputs/key-layout.js';
import { classifyCloudTrailKey } from '../functions/lib/cloudtrail-key.js';
import { parseDigestKey, parseLogKey, streamOf, trailObjectKind } from '../shared/integrity/keys.js';

const two = (n: number) => String(n).padStart(2, '0');

const place = fc.record({
  prefix: fc.constantFrom('', 'org-trail/', 'audit logs/central/'),
  org: fc.stringMatching(/^o-[a-z0-9]{10,32}$/),
  account: fc.stringMatching(/^\d{12}$/),
  region: fc.constantFrom('us-east-1', 'eu-west-2', 'ap-southeast-3', 'us-gov-west-1'),
  time: fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:00Z'), noInvalidDate: true }),
});
type Place = typeof place extends fc.Arbitrary<infer T> ? T : never;

function day(t: Date): string {
  return `${t.getUTCFullYear()}/${two(t.getUTCMonth() + 1)}/${two(t.getUTCDate())}`;
}
function stamp(t: Date, seconds: boolean): string {
  const hm = `${two(t.getUTCHours())}${two(t.getUTCMinutes())}${seconds ? two(t.getUTCSeconds()) : ''}`;
  return `${day(t).replaceAll('/', '')}T${hm}Z`;
}
function logKey(p: Place): string {
  return `${p.prefix}AWSLogs/${p.org}/${p.account}/CloudTrail/${p.region}/${day(p.time)}/${p.account}_CloudTrail_${p.region}_${stamp(p.time, false)}_AbCdEfGh12345678.json.gz`;
}
function digestKey(p: Place, backfill: boolean): string {
  return `${p.prefix}AWSLogs/${p.org}/${p.account}/CloudTrail-Digest/${p.region}/${day(p.time)}/${p.account}_CloudTrail-Digest_${p.region}_org-trail_us-east-1_${stamp(p.time, true)}${backfill ? '_backfill' : ''}.json.gz`;
}
const minute = (t: Date) => Math.floor(t.getTime() / 60_000) * 60_000;

describe('organisation trail keys', () => {
  it('are log files to every classifier, with the organisation, account, region and delivery time', () => {
    fc.assert(
      fc.property(place, (p) => {
        const key = logKey(p);
        expect(classifyCloudTrailKey(key)).toEqual({
          kind: 'log',
          account: p.account,
          region: p.region,
          organizationId: p.org,
        });
        expect(parseLogKey(key)).toMatchObject({
          prefix: p.prefix,
          organizationId: p.org,
          account: p.account,
          region: p.region,
          time: new Date(minute(p.time)),
        });
        expect(trailObjectKind(key)).toBe('log');
        expect(foreignByName(key)).toBeUndefined();
        expect(deliveryTime(key)).toBe(minute(p.time));
      }),
    );
  });

  it('are digests to every classifier, backfill digests included', () => {
    fc.assert(
      fc.property(place, fc.boolean(), (p, backfill) => {
        const key = digestKey(p, backfill);
        expect(classifyCloudTrailKey(key)).toMatchObject({ kind: 'digest', account: p.account, organizationId: p.org });
        expect(parseDigestKey(key)).toMatchObject({ organizationId: p.org, account: p.account, backfill });
        expect(trailObjectKind(key)).toBe('digest');
        expect(foreignByName(key)).toBe('CloudTrail digest file');
      }),
    );
  });

  it('keep the accounts of one organisation apart when logs are matched to digests', () => {
    fc.assert(
      fc.property(place, fc.stringMatching(/^\d{12}$/), (p, other) => {
        fc.pre(other !== p.account);
        const mine = parseLogKey(logKey(p));
        const theirs = parseLogKey(logKey({ ...p, account: other }));
        const digest = parseDigestKey(digestKey(p, false));
        if (!mine || !theirs || !digest) throw new Error('not parsed');
        expect(streamOf(mine)).toBe(streamOf(digest));
        expect(streamOf(theirs)).not.toBe(streamOf(digest));
        expect(streamOf(mine)).toContain(`${p.org}/${p.account}/${p.region}`);
      }),
    );
  });

  it('let a time window skip the day folders and files of an organisation trail it cannot hold', () => {
    const p: Place = {
      prefix: '',
      org: 'o-a1b2c3d4e5',
      account: '111122223333',
      region: 'us-east-1',
      time: new Date('2026-11-20T10:05:00Z'),
    };
    const window = { since: Date.parse('2026-11-22T00:00:00Z'), until: Date.parse('2026-11-22T23:59:59Z') };
    const folder = `AWSLogs/${p.org}/${p.account}/CloudTrail/${p.region}/`;
    expect(folderMayHoldWindow(`${folder}2026/11/20/`, window)).toBe(false);
    expect(folderMayHoldWindow(`${folder}2026/11/22/`, window)).toBe(true);
    expect(keyMayHoldWindow(logKey(p), window)).toBe(false);
    expect(keyMayHoldWindow(logKey({ ...p, time: new Date('2026-11-22T10:05:00Z') }), window)).toBe(true);
  });

  it("are not log files when they hold the organisation's other folders (Config, Insights)", () => {
    const root = 'AWSLogs/o-a1b2c3d4e5/111122223333';
    const config = `${root}/Config/us-east-1/2026/11/20/ConfigSnapshot/111122223333_Config_us-east-1_ConfigSnapshot_20261120T100500Z_x.json.gz`;
    const insight = `${root}/CloudTrail-Insight/us-east-1/2026/11/20/111122223333_CloudTrail-Insight_us-east-1_20261120T1005Z_x.json.gz`;
    expect(classifyCloudTrailKey(config)).toMatchObject({ kind: 'other', why: 'other-folder', folder: 'Config' });
    expect(foreignByName(config)).toBe('AWS Config file');
    expect(trailObjectKind(config)).toBe('other');
    expect(classifyCloudTrailKey(insight)).toMatchObject({ kind: 'other', folder: 'CloudTrail-Insight' });
    expect(foreignByName(insight)).toBe('CloudTrail Insights file');
    expect(trailObjectKind(insight)).toBe('other');
  });

  it('are not taken from an organisation id of the wrong form', () => {
    for (const org of ['o-short', 'o-A1B2C3D4E5', 'org-a1b2c3d4e5']) {
      const key = `AWSLogs/${org}/111122223333/CloudTrail/us-east-1/2026/11/20/111122223333_CloudTrail_us-east-1_20261120T1005Z_AbCdEfGh12345678.json.gz`;
      expect(classifyCloudTrailKey(key).kind, org).toBe('other');
      expect(parseLogKey(key), org).toBeUndefined();
    }
  });
});
