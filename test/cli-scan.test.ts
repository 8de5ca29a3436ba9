import { describe, expect, it } from 'vitest';
import { cp, mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../cli/trailwatch.js';

const LOGS = path.join(import.meta.dirname, 'fixtures', 'logs');
const fixture = (name: string) => path.join(LOGS, name);

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false });
  return { code, out, err, stderr: err.join('\n') };
}

describe('trailwatch scan', () => {
  it('prints one text line per alert and exits 0 when everything was read', async () => {
    const { code, out } = await run('scan', '--wide', fixture('rds-day.json.gz'));
    expect(code).toBe(0);
    expect(out).toContainEqual(
      expect.stringMatching(
        /^2026-11-20T16:42:10Z {2}HIGH {6}rds-database-deleted {14}DeleteDBInstance oradb by johndoe \(IAMUser\) {2}from 192\.0\.2\.10 {2}in 123456789012\/us-east-1$/,
      ),
    );
    expect(out).toContainEqual(
      expect.stringMatching(
        /rds-failed-call {19}ModifyDBInstance oradb by johndoe .*FAILED InvalidParameterCombination$/,
      ),
    );
  });

  it('prints one JSON object per alert per line with the documented fields', async () => {
    const { out } = await run('scan', '--format', 'json', fixture('rds-day.json.gz'));
    const alerts = out.map((line) => JSON.parse(line) as Record<string, unknown>);
    const deleted = alerts.find((a) => a.rule === 'rds-database-deleted');
    expect(deleted).toMatchObject({
      rule: 'rds-database-deleted',
      severity: 'high',
      eventID: '0f8a1c2e-0000-4000-8000-000000000001',
      eventName: 'DeleteDBInstance',
      eventSource: 'rds.amazonaws.com',
      eventTime: '2026-11-20T16:42:10Z',
      awsRegion: 'us-east-1',
      principal: { type: 'IAMUser', name: 'johndoe', arn: 'arn:aws:iam::123456789012:user/johndoe' },
      resource: { kind: 'db-instance', id: 'oradb' },
      sourceIPAddress: '192.0.2.10',
      errorCode: null,
      file: fixture('rds-day.json.gz'),
    });
    for (const key of ['title', 'eventID', 'principal', 'resource', 'errorCode', 'file'])
      expect(deleted).toHaveProperty(key);
  });

  it('writes a summary with files, records, alerts by rule and MB/s to stderr', async () => {
    const { stderr } = await run('scan', fixture('rds-day.json.gz'), fixture('noise-only.json'));
    expect(stderr).toMatch(
      /Scanned 2 files: 6 records \(\d+ parsed, 0 malformed\), [\d.]+ MB in [\d.]+ s \([\d.]+ MB\/s\)/,
    );
    expect(stderr).toMatch(/rds-database-deleted +1/);
    expect(stderr).toMatch(/rds-failed-call +1/);
  });

  it('finds .json.gz and .json files in folders recursively and skips digest and other files', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'trailwatch-scan-'));
    const logs = path.join(root, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2026', '11', '20');
    const digests = path.join(root, 'AWSLogs', '123456789012', 'CloudTrail-Digest', 'us-east-1', '2026', '11', '20');
    await mkdir(logs, { recursive: true });
    await mkdir(digests, { recursive: true });
    await cp(fixture('rds-day.json.gz'), path.join(logs, 'a.json.gz'));
    await cp(fixture('noise-only.json'), path.join(logs, 'b.json'));
    await writeFile(path.join(digests, 'digest.json.gz'), 'not a log');
    await writeFile(path.join(logs, 'notes.txt'), 'hello');
    const { code, stderr } = await run('scan', root);
    expect(code).toBe(0);
    expect(stderr).toMatch(/Scanned 2 files, skipped 2 other files: 6 records/);
  });

  it('drops alerts below --min-severity', async () => {
    const { out } = await run('scan', '--min-severity', 'high', fixture('rds-day.json.gz'));
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((line) => /\s(HIGH|CRITICAL)\s/.test(line))).toBe(true);
  });

  it('applies a rules file: disables, custom rules, exceptions', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-rules-'));
    const rules = path.join(dir, 'rules.yaml');
    await writeFile(
      rules,
      `rules:
  - id: rds-describe
    severity: medium
    title: Someone listed the databases
    match: { eventSource: [rds.amazonaws.com], eventName: [DescribeDBInstances] }
overrides:
  rds-failed-call: { enabled: false }
  rds-database-deleted: { except: { principals: ["arn:aws:iam::*:user/johndoe"] } }
`,
    );
    const { out } = await run('scan', '--rules', rules, '--format', 'json', fixture('rds-day.json.gz'));
    const ids = out.map((line) => (JSON.parse(line) as { rule: string }).rule);
    expect(ids).toContain('rds-describe');
    expect(ids).not.toContain('rds-failed-call');
    expect(ids).not.toContain('rds-database-deleted');
  });

  it('gives the same alerts with --parse-all as with the prefilter', async () => {
    const fast = await run('scan', '--format', 'json', fixture('rds-day.json.gz'));
    const all = await run('scan', '--format', 'json', '--parse-all', fixture('rds-day.json.gz'));
    expect(all.out).toEqual(fast.out);
  });

  it('reports a malformed record by file and index, still delivers its neighbours, and exits 1', async () => {
    const { code, out, stderr } = await run('scan', fixture('one-malformed-record.json'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/skipped malformed record: .*one-malformed-record\.json, record 1/);
    expect(out).toContainEqual(expect.stringMatching(/rds-database-deleted/));
    expect(stderr).toMatch(/1 malformed/);
  });

  it('names an unreadable file, goes on with the others, and exits 1', async () => {
    const { code, out, stderr } = await run('scan', fixture('truncated.json.gz'), fixture('rds-day.json.gz'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot read .*truncated\.json\.gz/);
    expect(stderr).toMatch(/\(1 unreadable\)/);
    expect(out).toContainEqual(expect.stringMatching(/rds-database-deleted/));
  });

  it('exits 2 with a clear message for a missing path', async () => {
    const { code, stderr } = await run('scan', fixture('no-such-file.json.gz'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/no-such-file\.json\.gz: no such file or folder/);
  });

  it('exits 2 naming the place for an invalid rules file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-rules-'));
    const rules = path.join(dir, 'bad.yaml');
    await writeFile(rules, 'overrides:\n  rds-databse-deleted: { enabled: false }\n');
    const { code, stderr } = await run('scan', '--rules', rules, fixture('rds-day.json.gz'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad\.yaml at overrides\.rds-databse-deleted: no rule has the id/);
  });

  it('exits 2 for an unknown option, format or severity', async () => {
    expect((await run('scan', '--colour', fixture('rds-day.json.gz'))).code).toBe(2);
    expect((await run('scan', '--format', 'xml', fixture('rds-day.json.gz'))).stderr).toMatch(
      /--format must be text or json/,
    );
    expect((await run('scan', '--min-severity', 'urgent', fixture('rds-day.json.gz'))).stderr).toMatch(
      /--min-severity: "urgent" is not a severity/,
    );
    expect((await run('scan')).stderr).toMatch(/scan needs at least one file or folder/);
  });
});

describe('trailwatch rules', () => {
  it('lists the built-in rules with severity and title', async () => {
    const { code, out } = await run('rules');
    expect(code).toBe(0);
    for (const id of [
      'rds-database-deleted',
      'rdsdata-logging-excluded',
      'cloudtrail-logging-stopped',
      'rds-snapshot-public',
      'rds-public-access',
      'rds-master-password-changed',
      'rds-failed-call',
      'root-rds-activity',
    ]) {
      expect(out).toContainEqual(expect.stringContaining(id));
    }
  });
});

describe('trailwatch scan output order', () => {
  it('prints the alerts of a file in time order, although CloudTrail records are not', async () => {
    // The sample file delivered at 17:20 holds three root calls in the order 17:18, 17:16, 17:19.
    const file = path.join(
      import.meta.dirname,
      '..',
      'events',
      'logs',
      'AWSLogs',
      '123456789012',
      'CloudTrail',
      'us-east-1',
      '2026',
      '11',
      '20',
    );
    const { out } = await run('scan', '--format', 'json', file);
    const times = out.map((line) => (JSON.parse(line) as { eventTime: string }).eventTime);
    expect(times.length).toBeGreaterThan(10);
    expect(times).toEqual([...times].sort());
  });
});
