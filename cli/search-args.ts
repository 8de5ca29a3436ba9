// `trailwatch search`'s flags: their specs (for parsing, help and completion), their defaults, and the options
// runSearch takes, checked (UsageError names the flag). The search itself is cli/search-command.ts.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LOG_GROUP_NAME_PATTERN } from '../shared/index/limits.js';
import { parseIsoTime } from '../shared/iso-time.js';
import { FilterPatternError } from '../shared/errors.js';
import { buildSearch, SEARCH_SOURCES, type SearchCriteria, type SearchSource } from '../shared/index/filter-pattern.js';
import { parseArgs as parseCommandArgs, UsageError, type OptionSpec, type ParsedArgs } from './args.js';

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
