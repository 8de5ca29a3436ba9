// Longer than 400 lines because: its three parts (the requests, the command line, --db identities) share one fake
// over the sample day's index events and its mocked client; to split with that fake moved to test/helpers/.
// `trailwatch search` at the SDK command level: the real CloudWatchLogsClient, FilterLogEvents answered through
// aws-sdk-client-mock by a fake over the sample day's index events (filter patterns evaluated by
// test/helpers/filter-pattern-eval.ts, time range, newest-first pages of a few events, empty pages, nextToken).
// What it sends, how it pages, what it prints and in which order, its errors and exit statuses.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import 'aws-sdk-client-mock-vitest/extend';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../cli/trailwatch.js';
import { EARLIEST_START_TIME, parseSearchArgs, parseSince, type SearchOptions } from '../cli/search-args.js';
import { runSearch } from '../cli/search-command.js';
import { textLine } from '../cli/search-output.js';
import { UsageError } from '../cli/args.js';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { logStreamName, toIndexEvent } from '../shared/index/index.js';
import { FakeServiceError } from '../local-aws/cloudwatch-logs-fake.js';
import { matchesFilterPattern } from './helpers/filter-pattern-eval.js';

const GROUP = '/trailwatch/trailwatch/cloudtrail';
const NOW = Date.parse('2026-11-20T19:00:00Z');
const HOUR = 3_600_000;
const PAGE = 4;

// The sample day as the indexer stores it (RDS, Data API and CloudTrail configuration events).
const DAY = new URL('../events/logs/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/', import.meta.url);
const STORED: FilteredLogEvent[] = readdirSync(DAY)
  .flatMap(
    (file) =>
      (JSON.parse(gunzipSync(readFileSync(new URL(file, DAY))).toString('utf8')) as { Records: CloudTrailRecord[] })
        .Records,
  )
  .map((record) => ({ record, event: classify(record) }))
  .filter(({ event }) => event.facts.category !== 'other')
  .map(({ record, event }, i) => {
    const e = toIndexEvent({ raw: JSON.stringify(record), event, alerts: [] });
    return {
      logStreamName: logStreamName(record),
      timestamp: e.timestamp,
      ingestionTime: e.timestamp + 60_000,
      message: e.message,
      eventId: `ev-${i}`,
    };
  })
  .sort((a, b) => a.timestamp - b.timestamp);

const cwl = mockClient(CloudWatchLogsClient);
let emptyPagesFirst = 0;

/** FilterLogEvents over STORED: PAGE matching events a page (fewer if `limit` says), oldest or newest first. */
function filterLogEvents(input: FilterLogEventsCommandInput) {
  if (input.logGroupName !== GROUP)
    throw new FakeServiceError('ResourceNotFoundException', 'The specified log group does not exist.', 400);
  if (input.startFromHead === false && (input.startTime ?? 0) < EARLIEST_START_TIME)
    throw new FakeServiceError('InvalidParameterException', 'startTime before 2024', 400);
  const offset = Number(input.nextToken ?? '0');
  if (emptyPagesFirst > 0) {
    emptyPagesFirst--;
    return { events: [], nextToken: String(offset), searchedLogStreams: [] };
  }
  const matching = STORED.filter(
    (e) =>
      e.timestamp !== undefined && e.timestamp >= (input.startTime ?? 0) && e.timestamp <= (input.endTime ?? Infinity),
  ).filter((e) => matchesFilterPattern(input.filterPattern, e.message ?? ''));
  const ordered = input.startFromHead === false ? [...matching].reverse() : matching;
  const size = Math.min(PAGE, input.limit ?? 10_000);
  const events = ordered.slice(offset, offset + size);
  return { events, ...(offset + size < ordered.length ? { nextToken: String(offset + size) } : {}) };
}

function search(args: string[]) {
  const lines = { out: [] as string[], err: [] as string[] };
  const options: SearchOptions = {
    ...parseSearchArgs(args, {}, NOW),
    out: (l) => lines.out.push(l),
    err: (l) => lines.err.push(l),
    client: new CloudWatchLogsClient({ region: 'us-east-1' }),
  };
  return { options, lines, run: (extra: Partial<SearchOptions> = {}) => runSearch({ ...options, ...extra }) };
}

const inputs = () => cwl.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
const messageOf = (line: string) => JSON.parse(line) as CloudTrailRecord & { trailwatch: { resource: string | null } };

beforeEach(() => {
  emptyPagesFirst = 0;
  cwl.reset();
  cwl.on(FilterLogEventsCommand).callsFake(filterLogEvents);
});

afterAll(() => cwl.restore());

describe('search: what it asks CloudWatch Logs', () => {
  it('sends the filter pattern, the time range from --since, newest first, and pages until it has --limit events', async () => {
    const { run, lines } = search([
      '--log-group',
      GROUP,
      '--event',
      'DescribeDBInstances',
      '--since',
      '12h',
      '--limit',
      '6',
    ]);
    expect(await run()).toBe(0);
    expect(inputs()[0]).toEqual({
      logGroupName: GROUP,
      filterPattern: '{ $.eventName = "DescribeDBInstances" }',
      startTime: NOW - 12 * HOUR,
      endTime: NOW,
      startFromHead: false,
      limit: 6,
    });
    // 4 a page: the second page asks for the 2 still wanted, with the first page's token.
    expect(inputs().map((i) => [i.nextToken, i.limit])).toEqual([
      [undefined, 6],
      ['4', 2],
    ]);
    expect(lines.out).toHaveLength(6);
    expect(lines.err[0]).toBe(
      '6 events in /trailwatch/trailwatch/cloudtrail since 2026-11-20T07:00:00Z (filter pattern: { $.eventName = "DescribeDBInstances" }; 2 pages)',
    );
    expect(lines.err[1]).toBe('trailwatch: showing the newest 6; raise --limit or narrow the search for more');
  });

  it('prints the newest events first, all of them when fewer than --limit, one compact line each', async () => {
    const { run, lines } = search(['--log-group', GROUP, '--db', 'oradb', '--since', '12h']);
    expect(await run()).toBe(0);
    const oradb = STORED.filter((e) =>
      matchesFilterPattern('{ $.trailwatch.resources[*] = "oradb" }', e.message ?? ''),
    );
    expect(lines.out).toEqual([...oradb].reverse().map(textLine));
    expect(lines.out).toHaveLength(8);
    expect(lines.out[0]).toBe(
      '2026-11-20T11:02:30Z  DeleteDBInstance              oradb                 by johndoe  from 203.0.113.25',
    );
    expect(lines.out.find((l) => l.includes('FAILED'))).toMatch(
      /^2026-11-20T\S+Z {2}ModifyDBInstance +oradb +by johndoe {2}from \S+ {2}FAILED InvalidParameterCombination$/,
    );
  });

  it('prints JSON Lines: each event as it was indexed, the trailwatch object included', async () => {
    const { run, lines } = search([
      '--log-group',
      GROUP,
      '--event',
      'DeleteDBInstance',
      '--format',
      'json',
      '--since',
      '1d',
    ]);
    await run();
    expect(lines.out).toHaveLength(1);
    expect(messageOf(lines.out[0] ?? '')).toMatchObject({
      eventName: 'DeleteDBInstance',
      trailwatch: { resource: 'oradb' },
    });
  });

  it('matches --text terms itself when structured flags are given: full pages, JSON pattern only', async () => {
    const { run, lines } = search([
      '--log-group',
      GROUP,
      '--source',
      'rds',
      '--text',
      'InvalidParameter',
      '--since',
      '12h',
    ]);
    await run();
    expect(
      inputs().every((i) => i.filterPattern === '{ $.eventSource = "rds.amazonaws.com" }' && i.limit === 10_000),
    ).toBe(true);
    expect(lines.out.map((l) => /(\S+) +\S+ +by/.exec(l.slice(22))?.[1])).toEqual([
      'CreateDBInstance',
      'ModifyDBInstance',
    ]);
    expect(lines.out.every((l) => l.includes('FAILED InvalidParameter'))).toBe(true);
    expect(lines.err[0]).toContain('terms matched here: "InvalidParameter"');
  });

  it('sends text terms alone as the pattern', async () => {
    const { run, lines } = search([
      '--log-group',
      GROUP,
      '--text',
      'oradb',
      '--text',
      'RebootDBInstance',
      '--since',
      '12h',
    ]);
    await run();
    expect(inputs()[0]?.filterPattern).toBe('"oradb" "RebootDBInstance"');
    expect(lines.out).toHaveLength(1);
  });

  it('sends no pattern without flags, and starts no earlier than 2024 (startFromHead=false needs it)', async () => {
    const { run } = search(['--log-group', GROUP, '--since', '2023-06-01T00:00:00Z', '--limit', '1']);
    await run();
    expect(inputs()[0]).not.toHaveProperty('filterPattern');
    expect(inputs()[0]?.startTime).toBe(Date.UTC(2024, 0, 1));
  });

  it('reads through empty pages, and stops after maxPages with a warning when the search goes on', async () => {
    emptyPagesFirst = 3;
    const first = search(['--log-group', GROUP, '--event', 'DeleteTrail', '--since', '12h']);
    await first.run();
    expect(first.lines.out).toHaveLength(1);
    expect(inputs()).toHaveLength(4);

    cwl.resetHistory();
    emptyPagesFirst = 1000;
    const second = search(['--log-group', GROUP, '--event', 'DeleteTrail', '--since', '12h']);
    expect(await second.run({ maxPages: 5 })).toBe(0);
    expect(inputs()).toHaveLength(5);
    expect(second.lines.out).toEqual([]);
    expect(second.lines.err.at(-1)).toBe(
      'trailwatch: stopped after 5 pages with more to search: narrow --since or add flags',
    );
  });

  it('shows an event indexed twice (a retried delivery) once', async () => {
    const deletion = STORED.find((e) => e.message?.includes('"DeleteDBInstance"'));
    cwl
      .on(FilterLogEventsCommand)
      .callsFake(() => ({ events: [deletion, { ...deletion, eventId: 'again', ingestionTime: NOW }] }));
    const { run, lines } = search(['--log-group', GROUP, '--event', 'DeleteDBInstance']);
    await run();
    expect(lines.out).toHaveLength(1);
    expect(lines.err).toContain(
      'trailwatch: 1 duplicate (the same eventID indexed again by a retried delivery) not shown',
    );
  });

  it('exits 1 and says why when CloudWatch Logs refuses the search', async () => {
    const { run, lines } = search(['--log-group', '/no/such/group']);
    expect(await run()).toBe(1);
    expect(lines.err).toEqual(['trailwatch: cannot search /no/such/group: The specified log group does not exist.']);
  });
});

describe('search: the command line', () => {
  function io(env: Record<string, string> = {}) {
    const lines = { out: [] as string[], err: [] as string[] };
    return {
      lines,
      io: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l), interactive: false, env },
    };
  }

  it('runs from main() with the group from TRAILWATCH_LOG_GROUP', async () => {
    const { lines, io: terminal } = io({ TRAILWATCH_LOG_GROUP: GROUP });
    const since = new Date(NOW - 12 * HOUR).toISOString();
    expect(await main(['search', '--event', 'StopLogging', '--since', since], terminal)).toBe(0);
    expect(lines.out).toEqual([
      expect.stringMatching(/^2026-11-20T\S+Z {2}StopLogging +RDS-CloudTrail +by DBAdminRole/) as string,
    ]);
    expect(inputs()[0]?.logGroupName).toBe(GROUP);
  });

  it('sends the search to the region and profile given with --region and --profile', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-profile-'));
    await writeFile(path.join(dir, 'config'), '[profile audit]\nregion = us-west-2\n');
    await writeFile(
      path.join(dir, 'credentials'),
      '[audit]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n',
    );
    const { io: terminal } = io({
      TRAILWATCH_LOG_GROUP: GROUP,
      AWS_CONFIG_FILE: path.join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
    });
    expect(
      await main(['search', '--event', 'StopLogging', '--region', 'eu-west-1', '--profile', 'audit'], terminal),
    ).toBe(0);
    const client = cwl.call(0).thisValue as CloudWatchLogsClient;
    expect(await client.config.region()).toBe('eu-west-1');
    expect(client.config.profile).toBe('audit');
  });

  it('lists search in --help, and its flags in search --help', async () => {
    const { lines, io: terminal } = io();
    await main(['--help'], terminal);
    expect(lines.out.join('\n')).toMatch(/^ {2}search +search the deployed index/m);
    await main(['search', '--help'], terminal);
    expect(lines.out.join('\n')).toMatch(/^ {6}--failed +only calls that returned an error$/m);
    expect(lines.out.join('\n')).toMatch(/^ {6}--region REGION +/m);
    expect(lines.out.join('\n')).toMatch(/^ {6}--profile NAME +/m);
  });

  it.each([
    [[], /needs the index log group: --log-group NAME or TRAILWATCH_LOG_GROUP/],
    [['--log-group', 'bad group'], /"bad group" is not a log group name/],
    [['--log-group', GROUP, '--source', 'ec2'], /--source must be rds, rdsdata, cloudtrail, not "ec2"/],
    [['--log-group', GROUP, '--limit', '0'], /--limit must be a whole number from 1 to 10000/],
    [['--log-group', GROUP, '--format', 'csv'], /--format must be text or json/],
    [['--log-group', GROUP, '--since', 'last week'], /--since must be a duration/],
    [['--log-group', GROUP, '--db', 'a', '--db', 'b', '--db', 'c', '--db', 'd'], /at most 3 --db values/],
    [['--log-group', GROUP, '--event', 'a"b'], /double quote/],
    [
      ['--log-group', GROUP, 'DeleteDBInstance'],
      /search takes no arguments, only options: "DeleteDBInstance" \(for an event name, write --event DeleteDBInstance\)/,
    ],
    [['--log-group', GROUP, '--evnt', 'DeleteDBInstance'], /unknown option --evnt; did you mean --event\?/],
  ])('usage error %j', async (args, message) => {
    const { lines, io: terminal } = io();
    expect(await main(['search', ...args], terminal)).toBe(2);
    expect(lines.err[0]).toMatch(message);
    expect(cwl).not.toHaveReceivedCommand(FilterLogEventsCommand);
  });

  it('reads --since as a duration or an ISO time', () => {
    expect(parseSince('30m', NOW)).toBe(NOW - 30 * 60_000);
    expect(parseSince('2h', NOW)).toBe(NOW - 2 * HOUR);
    expect(parseSince('7d', NOW)).toBe(NOW - 7 * 24 * HOUR);
    expect(parseSince('2w', NOW)).toBe(NOW - 14 * 24 * HOUR);
    expect(parseSince('90s', NOW)).toBe(NOW - 90_000);
    expect(parseSince('2026-11-20T09:00:00Z', NOW)).toBe(Date.parse('2026-11-20T09:00:00Z'));
    expect(parseSince('2026-11-20', NOW)).toBe(Date.parse('2026-11-20'));
    expect(() => parseSince('2026-11-21T00:00:00Z', NOW)).toThrow(UsageError);
    expect(() => parseSince('-2h', NOW)).toThrow(UsageError);
  });

  it('prints a line for an event that is not an index event', () => {
    expect(textLine({ timestamp: NOW, message: 'plain text\nline' })).toBe('2026-11-20T19:00:00.000Z  plain text line');
  });
});

describe('search --db: one identity per database, across renames', () => {
  // scripts/make-sample-logs.ts: mysql-db is created from the CLI, renamed to mysqldb at 12:04:19 (ModifyDBInstance
  // with newDBInstanceIdentifier), then gets a new master password and two snapshots under its new name.
  const MYSQL_RESOURCE_ID = 'db-ETDZIIXHEWY5N7GXVC4SH7H5IA';
  type Indexed = CloudTrailRecord & {
    trailwatch: { resources: string[]; resourceId?: string; renamed?: { from: string; to: string } };
  };
  const stored = STORED.map((e) => JSON.parse(e.message as string) as Indexed);
  const history = stored
    .filter(
      (r) =>
        r.trailwatch.resources.includes('mysql-db') ||
        r.trailwatch.resources.includes('mysqldb') ||
        r.trailwatch.resourceId === MYSQL_RESOURCE_ID,
    )
    .map((r) => r.eventID)
    .sort();

  it('the sample day indexes the rename with both names and the resource id', () => {
    const rename = stored.filter((r) => r.trailwatch.renamed);
    expect(rename).toHaveLength(1);
    expect(rename[0]?.eventName).toBe('ModifyDBInstance');
    expect(rename[0]?.trailwatch).toMatchObject({
      resource: 'mysql-db',
      resourceId: MYSQL_RESOURCE_ID,
      renamed: { from: 'mysql-db', to: 'mysqldb' },
    });
    expect(rename[0]?.trailwatch.resources).toEqual(expect.arrayContaining(['mysql-db', 'mysqldb']));
    // Calls whose records carry no resource id (a Describe, the failed create) have no resourceId member.
    const describe = stored.find(
      (r) => r.eventName === 'DescribeDBInstances' && JSON.stringify(r.requestParameters).includes('"mysql-db"'),
    );
    expect(describe?.trailwatch).not.toHaveProperty('resourceId');
  });

  for (const name of ['mysqldb', 'mysql-db']) {
    it(`--db ${name} finds the whole history of the renamed MySQL instance, under both names`, async () => {
      const { run, lines } = search([
        '--log-group',
        GROUP,
        '--db',
        name,
        '--since',
        '1d',
        '--limit',
        '500',
        '--format',
        'json',
      ]);
      expect(await run()).toBe(0);
      const found = lines.out.map((l) => messageOf(l));
      expect(found.map((r) => r.eventID).sort()).toEqual(history);
      // Before the rename, under the old name: the failed and the successful CreateDBInstance, the Describe.
      const oldName = found
        .filter((r) => JSON.stringify(r.requestParameters ?? {}).includes('"dBInstanceIdentifier":"mysql-db"'))
        .map((r) => r.eventName);
      expect(oldName).toEqual(
        expect.arrayContaining(['CreateDBInstance', 'CreateDBInstance', 'DescribeDBInstances', 'ModifyDBInstance']),
      );
      expect(found.map((r) => r.eventName)).toEqual(expect.arrayContaining(['CreateDBSnapshot']));
      // Newest first.
      const times = found.map((r) => r.eventTime as string);
      expect([...times].sort().reverse()).toEqual(times);
      expect(lines.err.join('\n')).toContain(
        `names ${name === 'mysqldb' ? 'mysqldb, mysql-db' : 'mysql-db, mysqldb'}; resource ids ${MYSQL_RESOURCE_ID}`,
      );
      // Every pattern within CloudWatch's limits: 3 wildcard selectors, 1,024 characters.
      for (const input of inputs()) {
        expect((input.filterPattern ?? '').split('[*]').length - 1).toBeLessThanOrEqual(3);
        expect((input.filterPattern ?? '').length).toBeLessThanOrEqual(1024);
      }
      const last = inputs().at(-1);
      expect(last?.filterPattern).toBe(
        `{ ($.trailwatch.resources[*] = "${name}" || $.trailwatch.resources[*] = "${name === 'mysqldb' ? 'mysql-db' : 'mysqldb'}" || $.trailwatch.resourceId = "${MYSQL_RESOURCE_ID}") }`,
      );
    });
  }

  it('keeps the other flags: --db mysqldb --event CreateDBInstance finds the creates under the old name', async () => {
    const { run, lines } = search([
      '--log-group',
      GROUP,
      '--db',
      'mysqldb',
      '--event',
      'CreateDBInstance',
      '--since',
      '1d',
      '--format',
      'json',
    ]);
    expect(await run()).toBe(0);
    const found = lines.out.map((l) => messageOf(l));
    expect(found.map((r) => [r.eventName, r.trailwatch.resource, r.errorCode ?? null])).toEqual([
      ['CreateDBInstance', 'mysql-db', null],
      ['CreateDBInstance', 'mysql-db', 'InvalidParameterValue'],
    ]);
  });

  it('a database never renamed is searched by its name and resource id only', async () => {
    const { run, lines } = search([
      '--log-group',
      GROUP,
      '--db',
      'oradb',
      '--since',
      '1d',
      '--limit',
      '500',
      '--format',
      'json',
    ]);
    expect(await run()).toBe(0);
    const names = new Set(lines.out.flatMap((l) => messageOf(l).trailwatch.resource ?? []));
    expect(names.has('mysqldb')).toBe(false);
    expect(lines.out.length).toBeGreaterThan(0);
  });
});
