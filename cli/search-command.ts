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
import { safePrinter } from './terminal-text.js';
import {
  buildSearch,
  discoveryPatterns,
  identitySearches,
  learnIdentity,
  matchesTerms,
  type DbIdentity,
  type SearchPlan,
} from '../shared/index/filter-pattern.js';
import { describeAwsError } from './aws-errors.js';

import { DEFAULT_MAX_PAGES, EARLIEST_START_TIME, MAX_LIMIT, type SearchOptions } from './search-args.js';
import { jsonLine, parseObject, textLine } from './search-output.js';

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
