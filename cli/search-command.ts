// `trailwatch search`: the index log group searched with FilterLogEvents, the filter pattern built from the flags
// (shared/index/filter-pattern.ts), matching events printed newest first: one compact line each, or JSON Lines.
//
// FilterLogEvents (API reference; @aws-sdk/client-cloudwatch-logs 3.1169 doc comments): pages of at most 1 MB or
// 10,000 events, "might only be partially full, or even empty"; "If the results don't include a nextToken, then
// pagination is finished". `startFromHead: false` returns the latest events first, "supported only when startTime
// is on or after Jan 1, 2024": the search always sends a startTime (from --since) no earlier than that. The index
// cannot hold older events anyway: CloudWatch Logs takes none more than 14 days old.
// Paging stops at --limit matches or after maxPages pages (a search over a large group can return many empty
// pages); when it stops early, stderr says so. Region and credentials are the SDK's own (AWS_REGION,
// AWS_PROFILE, ...).
import type {
  CloudWatchLogsClient,
  FilterLogEventsCommandOutput,
  FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { LOG_GROUP_NAME_PATTERN } from '../shared/index/limits.js';
import { safePrinter } from './terminal-text.js';
import { parseIsoTime } from '../shared/iso-time.js';
import { FilterPatternError } from '../shared/errors.js';
import {
  buildSearch,
  discoveryPatterns,
  identitySearches,
  learnIdentity,
  matchesTerms,
  SEARCH_SOURCES,
  type DbIdentity,
  type SearchCriteria,
  type SearchPlan,
  type SearchSource,
} from '../shared/index/filter-pattern.js';
import { parseArgs as parseCommandArgs, UsageError, type OptionSpec, type ParsedArgs } from './args.js';
import { describeAwsError } from './aws-errors.js';

export const DEFAULT_SINCE = '24h';
export const DEFAULT_LIMIT = 50;
/** FilterLogEvents' limit: 1 to 10,000 events a page. */
export const MAX_LIMIT = 10_000;
export const DEFAULT_MAX_PAGES = 100;
/** startFromHead=false needs a startTime on or after this (FilterLogEventsRequest.startFromHead). */
export const EARLIEST_START_TIME = Date.UTC(2024, 0, 1);

export interface SearchOptions {
  logGroup: string;
  criteria: SearchCriteria;
  /** Search events from this time (ms since the epoch) to `now`. */
  startTime: number;
  format: 'text' | 'json';
  limit: number;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Default: a CloudWatchLogsClient configured from the SDK's environment. */
  client?: Pick<CloudWatchLogsClient, 'send'>;
  /** Default Date.now. */
  now?: number;
  /** Pages read at most. Default 100. */
  maxPages?: number;
  /** --region and --profile; otherwise the SDK's own (AWS_REGION, AWS_PROFILE, ...). */
  region?: string;
  profile?: string;
}

/** Said after the options in `trailwatch search --help`. */
export const SEARCH_NOTES = `Flags of different kinds must all match. With other flags, --text terms are matched on the events CloudWatch
Logs returns (its filter patterns do not mix JSON conditions and text terms).`;

export type Env = Readonly<Record<string, string | undefined>>;

/** The search flags (cli/args.ts), for parsing, help and shell completion. */
export const SEARCH_OPTION_SPECS: OptionSpec[] = [
  {
    name: 'log-group',
    kind: 'string',
    value: 'NAME',
    help: 'the index log group (default: $TRAILWATCH_LOG_GROUP, the stack output IndexLogGroupName)',
  },
  {
    name: 'event',
    kind: 'string',
    multiple: true,
    value: 'NAME',
    help: 'eventName, e.g. DeleteDBInstance (any of them)',
  },
  {
    name: 'db',
    kind: 'string',
    multiple: true,
    value: 'ID',
    help: 'a DB instance, cluster or snapshot identifier or ARN, any name it has had: renames are followed (3 at most)',
  },
  {
    name: 'user',
    kind: 'string',
    multiple: true,
    value: 'NAME|ARN',
    help: 'the caller: user, role or session name, or an ARN (any of them)',
  },
  {
    name: 'source',
    kind: 'string',
    multiple: true,
    value: 'SOURCE',
    help: 'rds, rdsdata (both Data API sources) or cloudtrail (any of them)',
    completions: Object.keys(SEARCH_SOURCES),
  },
  { name: 'failed', kind: 'boolean', help: 'only calls that returned an error' },
  {
    name: 'since',
    kind: 'string',
    value: 'WHEN',
    help: `how far back: 30m, 2h, 7d, 2w, or an ISO time (default: ${DEFAULT_SINCE})`,
  },
  {
    name: 'text',
    kind: 'string',
    multiple: true,
    value: 'TERM',
    help: 'a term the event must contain, case-sensitive (all of them)',
  },
  {
    name: 'format',
    kind: 'string',
    value: 'text|json',
    help: 'text: one line per event (default); json: the indexed events, one per line',
    completions: ['text', 'json'],
  },
  {
    name: 'limit',
    kind: 'string',
    value: 'N',
    help: `print at most N events (default: ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`,
  },
  {
    name: 'region',
    kind: 'string',
    value: 'REGION',
    help: "the stack's region (default: AWS_REGION, or the profile's region)",
  },
  { name: 'profile', kind: 'string', value: 'NAME', help: 'a profile from ~/.aws/config (default: AWS_PROFILE)' },
];

/** The search flags as runSearch takes them; UsageError for anything wrong. */
export function parseSearchArgs(
  args: string[] | ParsedArgs,
  env: Env,
  now = Date.now(),
): Omit<SearchOptions, 'out' | 'err'> {
  const parsed = Array.isArray(args) ? parseCommandArgs(args, SEARCH_OPTION_SPECS, 'search') : args;
  if (parsed.positionals.length > 0) {
    throw new UsageError(
      `search takes no arguments, only options: "${parsed.positionals[0]}" (for an event name, write --event ${parsed.positionals[0]})`,
      'search',
    );
  }
  const values = {
    'log-group': parsed.string('log-group'),
    event: parsed.strings('event'),
    db: parsed.strings('db'),
    user: parsed.strings('user'),
    source: parsed.strings('source'),
    failed: parsed.flag('failed'),
    since: parsed.string('since') ?? DEFAULT_SINCE,
    text: parsed.strings('text'),
    format: parsed.string('format') ?? 'text',
    limit: parsed.string('limit'),
  };
  const region = parsed.string('region');
  const profile = parsed.string('profile');
  const logGroup = values['log-group'] ?? env.TRAILWATCH_LOG_GROUP?.trim();
  if (!logGroup)
    throw new UsageError(
      'search needs the index log group: --log-group NAME or TRAILWATCH_LOG_GROUP (the stack output IndexLogGroupName)',
    );
  if (!LOG_GROUP_NAME_PATTERN.test(logGroup))
    throw new UsageError(`"${logGroup}" is not a log group name (1-512 of letters, digits, . - _ / #)`);
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const sources = values.source.map((s): SearchSource => {
    if (Object.hasOwn(SEARCH_SOURCES, s)) return s as SearchSource;
    throw new UsageError(`--source must be ${Object.keys(SEARCH_SOURCES).join(', ')}, not "${s}"`);
  });
  const criteria: SearchCriteria = {
    events: values.event,
    dbs: values.db,
    users: values.user,
    sources,
    failed: values.failed,
    text: values.text,
  };
  // Checked here so that a bad value is a usage error, before any AWS call.
  try {
    buildSearch(criteria);
  } catch (error) {
    if (error instanceof FilterPatternError) throw new UsageError(error.message);
    throw error;
  }
  return {
    logGroup,
    criteria,
    startTime: parseSince(values.since, now),
    format,
    limit: parseLimit(values.limit),
    now,
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
  };
}

/** `30m`, `2h`, `7d`, `2w` (also `s`) before `now`, or an ISO 8601 time. */
export function parseSince(value: string, now: number): number {
  const duration = /^(\d+)\s*([smhdw])$/.exec(value.trim());
  if (duration) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
      duration[2] as 's' | 'm' | 'h' | 'd' | 'w'
    ];
    return now - Number(duration[1]) * unit;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    // Strict: Date.parse reads 2026-02-31 as 3 March (shared/iso-time.ts).
    const time = parseIsoTime(value);
    if (time === null)
      throw new UsageError(
        `--since ${value} is not a valid ISO time (e.g. 2026-11-20T09:00:00Z; check the day exists in that month)`,
      );
    if (time > now) throw new UsageError(`--since ${value} is in the future`);
    return time;
  }
  throw new UsageError(
    `--since must be a duration (30m, 2h, 7d, 2w) or an ISO time (2026-11-20T09:00:00Z), not "${value}"`,
  );
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_LIMIT)
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}, not "${value}"`);
  return n;
}

export interface SearchResult {
  /** The first of `plans`. */
  plan: SearchPlan;
  /** Every search sent: one, or with --db, one per group of names the database has had (filter-pattern.ts). */
  plans: SearchPlan[];
  /** With --db: the names and resource ids searched for, learnt from the index. */
  identity?: DbIdentity;
  /** Newest first. */
  events: FilteredLogEvent[];
  pages: number;
  /** Events left out because an event with the same eventID was shown (indexed twice by a retried delivery). */
  duplicates: number;
  /** True when paging stopped at maxPages with more to read. */
  truncated: boolean;
}

/** At most this many rounds of learning a database's other names and resource ids. */
export const MAX_IDENTITY_ROUNDS = 5;

type Client = Pick<CloudWatchLogsClient, 'send'>;

/**
 * Pages through FilterLogEvents, newest first, until `limit` matches or the last page. With --db, first learns
 * from the index every name and resource id of the database (renames), then searches for any of them.
 */
export async function searchIndex(options: Omit<SearchOptions, 'out' | 'err' | 'format'>): Promise<SearchResult> {
  const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
  const client =
    options.client ??
    new CloudWatchLogsClient({
      ...(options.region ? { region: options.region } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
    });
  const plan = buildSearch(options.criteria);
  const now = options.now ?? Date.now();
  const window = { startTime: Math.max(options.startTime, EARLIEST_START_TIME), endTime: now };
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  let pages = 0;
  let truncated = false;
  let plans = [plan];
  let identity: DbIdentity | undefined;
  const dbs = [...new Set(options.criteria.dbs ?? [])];
  if (dbs.length > 0) {
    identity = { names: dbs, resourceIds: [] };
    const asked = new Set<string>();
    const seen: string[] = [];
    for (let round = 0; round < MAX_IDENTITY_ROUNDS; round++) {
      const fresh: DbIdentity = {
        names: identity.names.filter((n) => !asked.has(`n:${n}`)),
        resourceIds: identity.resourceIds.filter((id) => !asked.has(`i:${id}`)),
      };
      if (fresh.names.length === 0 && fresh.resourceIds.length === 0) break;
      for (const n of fresh.names) asked.add(`n:${n}`);
      for (const id of fresh.resourceIds) asked.add(`i:${id}`);
      for (const pattern of discoveryPatterns(fresh)) {
        const found = await filterPages(
          client,
          options.logGroup,
          pattern,
          window,
          [],
          Number.POSITIVE_INFINITY,
          maxPages,
        );
        pages += found.pages;
        truncated ||= found.truncated;
        for (const event of found.events) if (typeof event.message === 'string') seen.push(event.message);
      }
      identity = learnIdentity(identity, seen);
    }
    plans = identitySearches(options.criteria, identity);
  }
  const events: FilteredLogEvent[] = [];
  const byKey = new Set<string>();
  let duplicates = 0;
  for (const p of plans) {
    const found = await filterPages(
      client,
      options.logGroup,
      p.filterPattern,
      window,
      p.clientTerms,
      options.limit,
      maxPages,
    );
    pages += found.pages;
    duplicates += found.duplicates;
    truncated ||= found.truncated;
    for (const event of found.events) {
      // An event found by two of the plans is the same event: shown once, not counted as a duplicate.
      const key = eventIdOf(event.message as string) ?? (event.message as string);
      if (byKey.has(key)) continue;
      byKey.add(key);
      events.push(event);
    }
  }
  // Newest first whatever order the pages came in (stable: equal times keep the service's order).
  events.sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0));
  const shown = events.slice(0, options.limit);
  return {
    plan: plans[0] ?? plan,
    plans,
    ...(identity ? { identity } : {}),
    events: shown,
    pages,
    duplicates,
    truncated: truncated && shown.length < options.limit,
  };
}

/** One FilterLogEvents search, newest first: up to `limit` events with every term, at most `maxPages` pages. */
async function filterPages(
  client: Client,
  logGroup: string,
  filterPattern: string | undefined,
  window: { startTime: number; endTime: number },
  terms: readonly string[],
  limit: number,
  maxPages: number,
): Promise<{ events: FilteredLogEvent[]; pages: number; duplicates: number; truncated: boolean }> {
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const events: FilteredLogEvent[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const wanted = limit - events.length;
    const page: FilterLogEventsCommandOutput = await client.send(
      new FilterLogEventsCommand({
        logGroupName: logGroup,
        ...(filterPattern !== undefined ? { filterPattern } : {}),
        ...window,
        startFromHead: false,
        // Terms matched here thin the pages out: ask for full pages then.
        limit: terms.length > 0 ? MAX_LIMIT : Math.min(MAX_LIMIT, wanted),
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    pages++;
    for (const event of page.events ?? []) {
      if (events.length >= limit) break;
      if (typeof event.message !== 'string' || !matchesTerms(event.message, terms)) continue;
      // A retried delivery may have indexed an event twice (functions/indexer/README.md): show it once.
      const key = eventIdOf(event.message) ?? event.message;
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      events.push(event);
    }
    nextToken = page.nextToken;
  } while (nextToken && events.length < limit && pages < maxPages);
  return { events, pages, duplicates, truncated: Boolean(nextToken) && events.length < limit };
}

/** The CloudTrail eventID of an index event's message, if it is one. */
function eventIdOf(message: string): string | undefined {
  const id = parseObject(message)?.eventID;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** Runs a search and prints it; returns the exit status (1 when CloudWatch Logs refused the search). */
export async function runSearch(options: SearchOptions): Promise<number> {
  // Indexed records hold text callers chose: escaped before it reaches the terminal (cli/terminal-text.ts).
  const out = safePrinter(options.out);
  const err = safePrinter(options.err);
  let result: SearchResult;
  try {
    result = await searchIndex(options);
  } catch (error) {
    err(
      `trailwatch: ${describeAwsError(error, {
        action: `search ${options.logGroup}`,
        permission: 'logs:FilterLogEvents',
        ...(options.region ? { region: options.region } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
      })}`,
    );
    return 1;
  }
  for (const event of result.events) out(options.format === 'json' ? jsonLine(event) : textLine(event));
  const { plan } = result;
  const since = new Date(Math.max(options.startTime, EARLIEST_START_TIME)).toISOString().replace(/\.000Z$/, 'Z');
  err(
    `${result.events.length} event${result.events.length === 1 ? '' : 's'} in ${options.logGroup} since ${since}` +
      ` (filter pattern${result.plans.length > 1 ? 's' : ''}: ${result.plans.map((p) => p.filterPattern ?? 'none').join(' ; ')}${plan.clientTerms.length > 0 ? `; terms matched here: ${plan.clientTerms.map((t) => JSON.stringify(t)).join(' ')}` : ''}; ${result.pages} page${result.pages === 1 ? '' : 's'})`,
  );
  if (
    result.identity &&
    result.identity.names.length + result.identity.resourceIds.length > (options.criteria.dbs ?? []).length
  ) {
    err(
      `trailwatch: --db followed across renames: names ${result.identity.names.join(', ')}${result.identity.resourceIds.length > 0 ? `; resource ids ${result.identity.resourceIds.join(', ')}` : ''}`,
    );
  }
  if (result.duplicates > 0)
    err(
      `trailwatch: ${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'} (the same eventID indexed again by a retried delivery) not shown`,
    );
  if (result.events.length >= options.limit)
    err(`trailwatch: showing the newest ${options.limit}; raise --limit or narrow the search for more`);
  if (result.truncated)
    err(`trailwatch: stopped after ${result.pages} pages with more to search: narrow --since or add flags`);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Output

interface IndexedView {
  eventTime?: unknown;
  eventName?: unknown;
  sourceIPAddress?: unknown;
  errorCode?: unknown;
  trailwatch?: { resource?: unknown; failed?: unknown; principal?: { name?: unknown; arn?: unknown; type?: unknown } };
}

/** The event's message as it was indexed, one line (it is JSON already); anything else wrapped as { message }. */
export function jsonLine(event: FilteredLogEvent): string {
  const message = event.message ?? '';
  // Raw tab, CR and LF can only be whitespace between tokens of valid JSON: a space means the same.
  return parseObject(message)
    ? message.replace(/[\t\n\r]/g, ' ')
    : JSON.stringify({ message, timestamp: event.timestamp ?? null, logStreamName: event.logStreamName ?? null });
}

/** time  eventName  resource  by caller  from IP  FAILED code */
export function textLine(event: FilteredLogEvent): string {
  const record = parseObject(event.message ?? '') as IndexedView | undefined;
  const time = typeof record?.eventTime === 'string' ? record.eventTime : new Date(event.timestamp ?? 0).toISOString();
  if (!record) return `${time}  ${oneLine(event.message ?? '', 200)}`;
  const tw = record.trailwatch;
  const who = text(tw?.principal?.name) ?? text(tw?.principal?.arn) ?? text(tw?.principal?.type);
  const parts = [time, (text(record.eventName) ?? '?').padEnd(28), (text(tw?.resource) ?? '-').padEnd(20)];
  if (who) parts.push(`by ${who}`);
  const ip = text(record.sourceIPAddress);
  if (ip) parts.push(`from ${ip}`);
  if (tw?.failed === true || text(record.errorCode)) parts.push(`FAILED ${text(record.errorCode) ?? ''}`.trimEnd());
  return parts.join('  ').trimEnd();
}

function parseObject(message: string): Record<string, unknown> | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(message) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? oneLine(value, 120) : undefined;
}

function oneLine(value: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
