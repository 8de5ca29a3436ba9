// CloudTrail's S3 key layout read before downloading: which files are not logs, and which logs a window can skip.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  deliveryTime,
  folderMayHoldWindow,
  foreignByName,
  keyMayHoldWindow,
  LATE_DELIVERY_MS,
} from '../cli/inputs/key-layout.js';
import { prefixesToList } from '../cli/inputs/s3.js';
import { classifyHead } from '../cli/inputs/sniff.js';

const key = (time: string) =>
  `AWSLogs/123456789012/CloudTrail/us-east-1/${time.slice(0, 4)}/${time.slice(4, 6)}/${time.slice(6, 8)}/123456789012_CloudTrail_us-east-1_${time}Z_abcdefghijklmnop.json.gz`;

describe('key layout', () => {
  it('reads the delivery time from a log file name', () => {
    expect(deliveryTime(key('20261120T1005'))).toBe(Date.UTC(2026, 10, 20, 10, 5));
    expect(deliveryTime('logs/day.json.gz')).toBeUndefined();
  });

  it('names digests, Insights and Config files by their folders and names', () => {
    expect(foreignByName('AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/20/x.json.gz')).toBe(
      'CloudTrail digest file',
    );
    expect(foreignByName('AWSLogs/123456789012/CloudTrail-Insight/us-east-1/2026/11/20/x.json.gz')).toBe(
      'CloudTrail Insights file',
    );
    expect(foreignByName('AWSLogs/o-abc123/123456789012/Config/us-east-1/2026/11/20/ConfigHistory/x.json.gz')).toBe(
      'AWS Config file',
    );
    expect(foreignByName('AWSLogs/123456789012/Config/ConfigWritabilityCheckFile')).toBe('AWS Config file');
    expect(foreignByName('notes.txt')).toBe('not a .json, .json.gz or .jsonl file');
    expect(foreignByName(key('20261120T1005'))).toBeUndefined();
    expect(foreignByName('exports/Config/day.json')).toBeUndefined();
  });

  it('keeps a file delivered up to an hour after --until, and one named a few minutes before --since', () => {
    const window = { since: Date.UTC(2026, 10, 20, 10), until: Date.UTC(2026, 10, 20, 12) };
    expect(keyMayHoldWindow(key('20261120T0958'), window)).toBe(true);
    expect(keyMayHoldWindow(key('20261120T0905'), window)).toBe(false);
    expect(keyMayHoldWindow(key('20261120T1300'), window)).toBe(true);
    expect(keyMayHoldWindow(key('20261120T1301'), window)).toBe(false);
    expect(LATE_DELIVERY_MS).toBe(3_600_000);
  });

  it('never skips a day folder that holds a key the window keeps (property)', () => {
    const start = Date.UTC(2024, 0, 1);
    const span = 3 * 365 * 86_400_000;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: span }),
        fc.integer({ min: 0, max: span }),
        fc.integer({ min: 1, max: 20 * 86_400_000 }),
        (at, since, length) => {
          const delivered = new Date(start + at - ((start + at) % 60_000));
          const stamp = delivered.toISOString().replace(/[-:]/g, '').slice(0, 13);
          const file = key(stamp);
          const window = { since: start + since, until: start + since + length };
          if (keyMayHoldWindow(file, window)) {
            const folder = file.slice(0, file.lastIndexOf('/') + 1);
            expect(folderMayHoldWindow(folder, window)).toBe(true);
            expect(folderMayHoldWindow(folder.replace(/\d{2}\/$/, ''), window)).toBe(true);
            expect(folderMayHoldWindow(folder.replace(/\d{2}\/\d{2}\/$/, ''), window)).toBe(true);
          }
        },
      ),
    );
  });

  it('lists the day folders of a window under a region folder, the location itself otherwise', () => {
    const region = 'AWSLogs/123456789012/CloudTrail/us-east-1/';
    const window = { since: Date.UTC(2026, 10, 20, 10), until: Date.UTC(2026, 10, 21, 12) };
    const now = Date.UTC(2026, 11, 1);
    expect(prefixesToList(region, window, now)).toEqual([`${region}2026/11/20/`, `${region}2026/11/21/`]);
    expect(prefixesToList(`${region}2026/11/`, window, now)).toEqual([`${region}2026/11/20/`, `${region}2026/11/21/`]);
    expect(prefixesToList('AWSLogs/', window, now)).toEqual(['AWSLogs/']);
    expect(prefixesToList(region, {}, now)).toEqual([region]);
  });
});

describe('what a file holds, from its first bytes', () => {
  it.each([
    ['{"Records":[{"eventVersion":"1.09"', 'cloudtrail'],
    ['{\n    "Events": [\n        {"EventId": "x"', 'event-history'],
    [
      '{"Records":[{"eventVersion":"1.07","eventTime":"x","awsRegion":"us-east-1","eventType":"AwsCloudTrailInsight"',
      'foreign',
    ],
    ['{"fileVersion":"1.0","configurationItems":[', 'foreign'],
    ['{"awsAccountId":"123456789012","digestStartTime":"x"', 'foreign'],
    ['{"name":"x","version":"1.0.0"}', 'foreign'],
    ['[1,2,3]', 'foreign'],
    [`{"big":"${'x'.repeat(100)}`, 'cloudtrail'],
    ['not json at all', 'cloudtrail'],
    ['', 'cloudtrail'],
  ])('%j is %s', (text, kind) => {
    expect(classifyHead(text).kind).toBe(kind);
  });

  it('finds Records after other keys and values holding braces and quotes', () => {
    expect(classifyHead('{"note":"a } \\" {","n":[1,{"x":[]}],"Records":[').kind).toBe('cloudtrail');
  });
});
