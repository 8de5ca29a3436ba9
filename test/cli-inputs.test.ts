// What `trailwatch scan` reads: Event history, files beside CloudTrail logs that are not CloudTrail, a time
// window over eventTime, and --fail-on for CI.
import { describe, expect, it } from 'vitest';
import { cp, mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { main } from '../cli/trailwatch.js';
import { cloudTrailRecord } from './helpers/log-files.js';

const RDS_DAY = path.join(import.meta.dirname, 'fixtures', 'logs', 'rds-day.json.gz');
const SAMPLE = path.join(import.meta.dirname, '..', 'events', 'logs');

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false, env: {} });
  return {
    code,
    out,
    err,
    stderr: err.join('\n'),
    get rules() {
      return out.map((line) => (JSON.parse(line) as { rule: string }).rule);
    },
  };
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'trailwatch-inputs-'));
}

/** The records of rds-day.json.gz as `aws cloudtrail lookup-events` pages print them. */
async function eventHistoryPages(perPage: number): Promise<object[]> {
  const { Records } = JSON.parse(gunzipSync(await readFile(RDS_DAY)).toString()) as {
    Records: Record<string, unknown>[];
  };
  const events = Records.map((record) => ({
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: 'false',
    EventTime: record.eventTime,
    EventSource: record.eventSource,
    Username: 'johndoe',
    Resources: [],
    CloudTrailEvent: JSON.stringify(record),
  }));
  const pages = [];
  for (let i = 0; i < events.length; i += perPage)
    pages.push({
      Events: events.slice(i, i + perPage),
      ...(i + perPage < events.length ? { NextToken: `token-${i}` } : {}),
    });
  return pages;
}

describe('scan: CloudTrail Event history (aws cloudtrail lookup-events output)', () => {
  it('recognises one page by its content and raises the same alerts as the log file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'events.json');
    const [page] = await eventHistoryPages(50);
    await writeFile(file, JSON.stringify(page, null, 4));
    const fromHistory = await run('scan', '--format', 'json', file);
    const fromLog = await run('scan', '--format', 'json', RDS_DAY);
    expect(fromHistory.code).toBe(0);
    expect(fromHistory.rules).toEqual(fromLog.rules);
    expect(fromHistory.stderr).toMatch(/Scanned 1 file \(1 of Event history\)/);
  });

  it('reads many pages: one file each, or written one after another into one file, gzip or not', async () => {
    const dir = await tempDir();
    const pages = await eventHistoryPages(2);
    expect(pages.length).toBe(3);
    for (const [i, page] of pages.entries()) await writeFile(path.join(dir, `page-${i}.json`), JSON.stringify(page));
    const concatenated = path.join(await tempDir(), 'all-pages.json.gz');
    await writeFile(concatenated, gzipSync(pages.map((page) => JSON.stringify(page, null, 2)).join('\n')));
    const expected = (await run('scan', '--format', 'json', RDS_DAY)).rules.sort();
    expect((await run('scan', '--format', 'json', dir)).rules.sort()).toEqual(expected);
    expect((await run('scan', '--format', 'json', concatenated)).rules.sort()).toEqual(expected);
  });

  it('reads an event that appears in two overlapping pages once', async () => {
    const dir = await tempDir();
    const [page] = await eventHistoryPages(50);
    await writeFile(path.join(dir, 'a.json'), JSON.stringify(page));
    await writeFile(path.join(dir, 'b.json'), JSON.stringify(page));
    const { rules, stderr } = await run('scan', '--format', 'json', dir);
    expect(rules.filter((rule) => rule === 'rds-database-deleted')).toHaveLength(1);
    expect(stderr).toMatch(/5 duplicate Event history events/);
  });

  it('reports a CloudTrailEvent that is not a JSON object as a malformed record, by file and index, and exits 1', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'events.json');
    const good = cloudTrailRecord({
      eventName: 'DeleteDBInstance',
      requestParameters: { dBInstanceIdentifier: 'db-1' },
    });
    await writeFile(
      file,
      JSON.stringify({
        Events: [
          { EventId: 'x', CloudTrailEvent: '{"eventName": "Delete' },
          { EventId: 'y', CloudTrailEvent: JSON.stringify(good) },
        ],
      }),
    );
    const { code, rules, stderr } = await run('scan', '--format', 'json', file);
    expect(code).toBe(1);
    expect(rules).toEqual(['rds-database-deleted']);
    expect(stderr).toMatch(/malformed record: .*events\.json, record 0/);
  });

  it('cannot be broken out of by a CloudTrailEvent string that closes the Records array', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'events.json');
    const injected = `${JSON.stringify(cloudTrailRecord({ eventName: 'DescribeDBInstances' }))}]},{"Records":[${JSON.stringify(cloudTrailRecord({ eventName: 'DeleteDBInstance' }))}`;
    await writeFile(file, JSON.stringify({ Events: [{ EventId: 'z', CloudTrailEvent: injected }] }));
    const { rules, stderr } = await run('scan', '--format', 'json', file);
    expect(rules).toEqual([]);
    expect(stderr).toMatch(/1 malformed/);
  });
});

describe('scan: files that are not CloudTrail logs', () => {
  async function sharedBucket(): Promise<string> {
    const root = await tempDir();
    const account = path.join(root, 'AWSLogs', '123456789012');
    const trail = path.join(account, 'CloudTrail', 'us-east-1', '2026', '11', '20');
    const config = path.join(account, 'Config', 'us-east-1', '2026', '11', '20', 'ConfigHistory');
    const insight = path.join(account, 'CloudTrail-Insight', 'us-east-1', '2026', '11', '20');
    const elsewhere = path.join(root, 'exports');
    for (const dir of [trail, config, insight, elsewhere]) await mkdir(dir, { recursive: true });
    await cp(RDS_DAY, path.join(trail, '123456789012_CloudTrail_us-east-1_20261120T1700Z_abcdefghijklmnop.json.gz'));
    await writeFile(
      path.join(
        config,
        '123456789012_Config_us-east-1_ConfigHistory_AWS::RDS::DBInstance_20261120T170000Z_20261120T180000Z_1.json.gz',
      ),
      gzipSync(JSON.stringify({ fileVersion: '1.0', configurationItems: [{ resourceType: 'AWS::RDS::DBInstance' }] })),
    );
    await writeFile(
      path.join(insight, 'insights.json.gz'),
      gzipSync(
        JSON.stringify({
          Records: [
            {
              eventVersion: '1.07',
              eventType: 'AwsCloudTrailInsight',
              eventSource: 'rds.amazonaws.com',
              eventName: 'DeleteDBInstance',
            },
          ],
        }),
      ),
    );
    // The same, by content alone: names and folders that say nothing.
    await writeFile(
      path.join(elsewhere, 'config-copy.json'),
      JSON.stringify({ fileVersion: '1.0', configSnapshotId: 'abc', configurationItems: [] }),
    );
    await writeFile(
      path.join(elsewhere, 'insights-copy.json'),
      JSON.stringify({
        Records: [{ eventVersion: '1.07', eventType: 'AwsCloudTrailInsight', eventSource: 'rds.amazonaws.com' }],
      }),
    );
    await writeFile(path.join(elsewhere, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
    await writeFile(path.join(elsewhere, 'list.json'), JSON.stringify([1, 2, 3]));
    return root;
  }

  it('skips AWS Config, Insights and other JSON files in folders, counts them, and exits 0', async () => {
    const { code, stderr, out } = await run('scan', await sharedBucket());
    expect(code).toBe(0);
    expect(out.filter((line) => /rds-database-deleted/.test(line))).toHaveLength(1);
    expect(stderr).toMatch(/Scanned 1 file, skipped 6 other files: 5 records/);
    expect(stderr).not.toMatch(/skipped .*config-copy/);
  });

  it('names each skipped file and why with --verbose', async () => {
    const { stderr } = await run('scan', '--verbose', await sharedBucket());
    expect(stderr).toMatch(/skipped .*ConfigHistory.*\(AWS Config file\)/);
    expect(stderr).toMatch(/skipped .*CloudTrail-Insight.*insights\.json\.gz \(CloudTrail Insights file\)/);
    expect(stderr).toMatch(/skipped .*config-copy\.json \(AWS Config file\)/);
    expect(stderr).toMatch(/skipped .*insights-copy\.json \(CloudTrail Insights file\)/);
    expect(stderr).toMatch(/skipped .*package\.json \(JSON without a Records or Events array\)/);
    expect(stderr).toMatch(/skipped .*list\.json \(JSON that is not an object\)/);
  });

  it('still reports a broken CloudTrail log in a folder as unreadable (exit 1), not as a foreign file', async () => {
    const dir = await tempDir();
    await cp(path.join(import.meta.dirname, 'fixtures', 'logs', 'truncated.json.gz'), path.join(dir, 'x.json.gz'));
    const { code, stderr } = await run('scan', dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot read .*x\.json\.gz/);
  });
});

describe('scan --since / --until', () => {
  it('keeps only records whose eventTime is inside the window, for every input', async () => {
    const { out, stderr } = await run(
      'scan',
      '--format',
      'json',
      '--since',
      '2026-11-20T16:00:00Z',
      '--until',
      '2026-11-20T17:00:00Z',
      SAMPLE,
    );
    const times = out.map((line) => (JSON.parse(line) as { eventTime: string }).eventTime);
    expect(times).toEqual(['2026-11-20T16:41:16Z', '2026-11-20T16:45:37Z']);
    // 24 records parsed (those a rule can match: the RDS operation rules of issue 15 want reboots and snapshots
    // too), 2 inside the window.
    expect(stderr).toMatch(/22 outside the time window/);
  });

  it('reads a date alone as the whole day, and rejects an empty or reversed window', async () => {
    // The sample day's 20 alerts (test/helpers/sample-day.ts).
    expect((await run('scan', '--since', '2026-11-20', '--until', '2026-11-20', SAMPLE)).out).toHaveLength(20);
    expect((await run('scan', '--since', '2026-11-21', SAMPLE)).out).toHaveLength(0);
    const reversed = await run('scan', '--since', '2026-11-21', '--until', '2026-11-20', SAMPLE);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/--since \(2026-11-21T00:00:00Z\) must be before --until \(2026-11-21T00:00:00Z\)/);
    expect((await run('scan', '--since', 'yesterday', SAMPLE)).stderr).toMatch(
      /--since must be a duration \(30m, 2h, 7d, 2w\), a date/,
    );
  });

  it('reads dates and times strictly (shared/iso-time.ts): a day the month lacks or hour 24 is a usage error', async () => {
    for (const [flag, value] of [
      ['--since', '2026-02-31'],
      ['--until', '2026-02-30T10:00:00Z'],
      ['--since', '2026-11-20T24:00'],
      ['--until', '2026-13-01'],
    ]) {
      const { code, stderr } = await run('scan', flag!, value!, SAMPLE);
      expect(code).toBe(2);
      expect(stderr).toContain(`${flag} must be a duration`);
    }
    expect((await run('scan', '--since', '2028-02-29', '--until', '2028-03-01', SAMPLE)).code).toBe(0);
    expect(
      (
        await run(
          'scan',
          '--format',
          'json',
          '--since',
          '2026-11-20T17:00:00+0100',
          '--until',
          '2026-11-20T17:00:00z',
          SAMPLE,
        )
      ).out,
    ).toHaveLength(2);
  });
});

describe('scan --fail-on', () => {
  it('exits 3 when an alert at or above the level was raised, and says so', async () => {
    const { code, stderr } = await run('scan', '--fail-on', 'critical', SAMPLE);
    expect(code).toBe(3);
    expect(stderr).toMatch(/3 alerts at critical or above \(--fail-on critical\): exit status 3/);
  });

  it('exits 0 when every alert is below the level', async () => {
    expect((await run('scan', '--fail-on', 'critical', RDS_DAY)).code).toBe(0);
  });

  it('exits 3 rather than 1 when a file was also unreadable', async () => {
    expect(
      (
        await run(
          'scan',
          '--fail-on',
          'high',
          RDS_DAY,
          path.join(import.meta.dirname, 'fixtures', 'logs', 'truncated.json.gz'),
        )
      ).code,
    ).toBe(3);
  });

  it('rejects a level that is not a severity (exit 2)', async () => {
    const { code, stderr } = await run('scan', '--fail-on', 'severe', RDS_DAY);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--fail-on: "severe" is not a severity/);
  });
});
