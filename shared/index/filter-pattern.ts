// `trailwatch search` flags -> a CloudWatch Logs filter pattern over the index's JSON events, plus what the
// pattern cannot say and the caller must match itself. Pure: no SDK, no clock.
//
// Filter pattern syntax ("Filter pattern syntax for metric filters, subscription filters, filter log events, and
// Live Tail", CloudWatch Logs User Guide, FilterAndPatternSyntax):
//   - JSON patterns: `{ $.field = "value" }`, property selectors `$.a.b`, array elements `$.list[0]`, the wildcard
//     selector `$.list[*]` ("up to one wildcard selector in a property selector, and up to three wildcard selectors
//     in a filter pattern with compound expressions"), `IS TRUE` / `IS NULL`, `&&` and `||` with parentheses
//     (precedence () > && > ||). "Strings that contain types other than alphanumeric characters and the underscore
//     symbol must be placed in double quotation marks"; `*` is a wildcard in a string value. The docs give no
//     escape for a double quote inside a quoted string, so a value containing `"` cannot be expressed: it is
//     refused for the structured flags, and matched here for text terms.
//   - Text patterns: terms, "Filter patterns are case sensitive. Enclose exact phrases and terms that include
//     non-alphanumeric characters in double quotation marks"; several terms must all appear.
//   - The docs show JSON patterns and text terms only apart: nothing says one pattern may hold both. So when
//     structured flags are given, the JSON pattern goes to CloudWatch Logs and the text terms are matched on the
//     events it returns (case-sensitive substrings of the message, as CloudWatch matches terms); with text terms
//     alone, the terms themselves are the pattern.
//   - FilterLogEvents' filterPattern is at most 1,024 characters (API model: FilterPattern max 1024).
import { CATEGORY_EVENT_SOURCES } from '../classify/categories.js';
import { FilterPatternError } from '../errors.js';

/** `--source`: rds, the Data API (both sources), or CloudTrail itself. */
export type SearchSource = 'rds' | 'rdsdata' | 'cloudtrail';

export const SEARCH_SOURCES: Readonly<Record<SearchSource, readonly string[]>> = {
  rds: CATEGORY_EVENT_SOURCES.rds,
  rdsdata: CATEGORY_EVENT_SOURCES['rds-data-api'],
  cloudtrail: CATEGORY_EVENT_SOURCES['cloudtrail-config'],
};

export interface SearchCriteria {
  /** `--event`: eventName, any of them. */
  events?: readonly string[];
  /** `--db`: a DB instance, cluster, snapshot... identifier or ARN, any of them; with --db, the command follows renames (identitySearches). */
  dbs?: readonly string[];
  /** `--user`: the caller's name (user, role, session, service), or an ARN (the caller's or its role's), any of them. */
  users?: readonly string[];
  /** `--source`, any of them. */
  sources?: readonly SearchSource[];
  /** `--failed`: only calls that returned an error. */
  failed?: boolean;
  /** `--text`: terms that must all appear in the event. */
  text?: readonly string[];
}

export interface SearchPlan {
  /** FilterLogEvents' filterPattern; undefined when every event matches. */
  filterPattern: string | undefined;
  /** Terms the pattern does not carry: every one must be in an event's message (case-sensitive). */
  clientTerms: string[];
}

/** FilterLogEvents filterPattern: 0 to 1,024 characters. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;
/** Wildcard selectors a compound filter pattern may hold. */
export const MAX_WILDCARD_SELECTORS = 3;

export function buildSearch(criteria: SearchCriteria): SearchPlan {
  const dbs = values('--db', criteria.dbs);
  if (dbs.length > MAX_WILDCARD_SELECTORS) {
    throw new FilterPatternError(
      `at most ${MAX_WILDCARD_SELECTORS} --db values: each is a wildcard selector ($.trailwatch.resources[*]) and CloudWatch Logs allows ${MAX_WILDCARD_SELECTORS} in a filter pattern`,
    );
  }
  return buildWith(
    criteria,
    dbs.map((d) => `$.trailwatch.resources[*] = ${quote('--db', d)}`),
  );
}

/** The pattern with `dbConditions` (any of them) standing for --db. */
function buildWith(criteria: SearchCriteria, dbConditions: readonly string[]): SearchPlan {
  const groups: string[][] = [];
  const events = values('--event', criteria.events);
  if (events.length > 0) groups.push(events.map((e) => `$.eventName = ${quote('--event', e)}`));
  if (dbConditions.length > 0) groups.push([...dbConditions]);
  const users = values('--user', criteria.users);
  if (users.length > 0) groups.push(users.flatMap(userConditions));
  const sources = [...new Set(criteria.sources ?? [])];
  if (sources.length > 0)
    groups.push(
      sources.flatMap((s) => SEARCH_SOURCES[s].map((source) => `$.eventSource = ${quote('--source', source)}`)),
    );
  if (criteria.failed) groups.push(['$.trailwatch.failed IS TRUE']);

  const text = values('--text', criteria.text);
  if (groups.length === 0) {
    // Text alone: the terms are the pattern; a term with a double quote cannot be quoted, so it is matched here.
    const quotable = text.filter((t) => !t.includes('"'));
    const pattern = quotable.length > 0 ? quotable.map((t) => `"${t}"`).join(' ') : undefined;
    return checked({ filterPattern: pattern, clientTerms: text.filter((t) => t.includes('"')) });
  }
  const conditions = groups.map((group) => (group.length === 1 ? (group[0] as string) : `(${group.join(' || ')})`));
  return checked({ filterPattern: `{ ${conditions.join(' && ')} }`, clientTerms: text });
}

/** True when every term is in the message (case-sensitive, as CloudWatch Logs matches terms). */
export function matchesTerms(message: string, terms: readonly string[]): boolean {
  return terms.every((term) => message.includes(term));
}

/** A name, or an ARN: the caller's own (`arn:aws:sts::...:assumed-role/Role/session`, a user's) or its role's. */
function userConditions(user: string): string[] {
  const value = quote('--user', user);
  if (user.startsWith('arn:'))
    return [`$.trailwatch.principal.arn = ${value}`, `$.trailwatch.principal.roleArn = ${value}`];
  return [`$.trailwatch.principal.name = ${value}`];
}

function values(flag: string, list: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const value of list ?? []) {
    if (value.length === 0) throw new FilterPatternError(`${flag} needs a value`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value))
      throw new FilterPatternError(`${flag} ${JSON.stringify(value)}: control characters cannot be searched`);
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

/** A string value in double quotes; `*` stays a wildcard, as in CloudWatch's syntax. */
function quote(flag: string, value: string): string {
  if (value.includes('"'))
    throw new FilterPatternError(
      `${flag} ${JSON.stringify(value)}: a double quote cannot be written in a CloudWatch Logs filter pattern`,
    );
  return `"${value}"`;
}

function checked(plan: SearchPlan): SearchPlan {
  const length = plan.filterPattern?.length ?? 0;
  if (length > MAX_FILTER_PATTERN_LENGTH) {
    throw new FilterPatternError(
      `the filter pattern is ${length} characters, over the ${MAX_FILTER_PATTERN_LENGTH} FilterLogEvents allows: search for fewer values at once`,
    );
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------------------
// One identity per database: `--db NAME` follows the database across renames.
//
// The index gives every RDS event that carries one the instance's or cluster's immutable resource id
// (`trailwatch.resourceId`) and every successful rename its old and new name (`trailwatch.renamed`). A search
// with --db first asks for the events naming the given names (discoveryPatterns), learns from them the
// database's resource ids and the names a rename gave it or took from it (learnIdentity), asks again for what
// is new until nothing is, and then searches for any of the names or ids (identitySearches). Pure: the SDK
// calls are in cli/search-command.ts.

/** The names and resource ids one database (or several, with several --db) has had. */
export interface DbIdentity {
  names: string[];
  resourceIds: string[];
}

/**
 * Patterns for the events that can tell more about `names` and `resourceIds`: those naming them (in
 * `resources`, or by `resourceId`) that carry a resource id or a rename. Several patterns when there are more
 * names than the wildcard selectors one pattern may hold; none when both lists are empty.
 */
export function discoveryPatterns(identity: DbIdentity): string[] {
  const informative = '($.trailwatch.resourceId = "*" || $.trailwatch.renamed.from = "*")';
  return identityConditionChunks(identity).map((conditions) =>
    checkedPattern(`{ (${conditions.join(' || ')}) && ${informative} }`),
  );
}

/** The index event's `trailwatch` object, as far as learnIdentity reads it. */
interface IdentityView {
  resource?: unknown;
  resourceId?: unknown;
  renamed?: { from?: unknown; to?: unknown };
}

/**
 * `identity` grown by what the index events say: a rename from or to a known name (or of a known resource id)
 * adds the other name; an event whose subject (`trailwatch.resource`) is a known name adds its resource id.
 * Only the subject's: a read replica's or a restored instance's record names its source too, with the new
 * instance's resource id. Names are never learnt from a resource id alone (a snapshot's record carries the
 * instance's id but is about the snapshot). Repeated until nothing new, so a chain of renames is followed.
 */
export function learnIdentity(identity: DbIdentity, messages: readonly string[]): DbIdentity {
  const names = new Set(identity.names);
  const ids = new Set(identity.resourceIds);
  const views: IdentityView[] = [];
  for (const message of messages) {
    const tw = trailwatchOf(message);
    if (tw) views.push(tw);
  }
  for (let grew = true; grew; ) {
    grew = false;
    const add = (set: Set<string>, value: unknown) => {
      // eslint-disable-next-line no-control-regex
      if (typeof value === 'string' && value !== '' && !/["\u0000-\u001f\u007f]/.test(value) && !set.has(value)) {
        set.add(value);
        grew = true;
      }
    };
    for (const tw of views) {
      const id = typeof tw.resourceId === 'string' ? tw.resourceId : undefined;
      const from = tw.renamed?.from;
      const to = tw.renamed?.to;
      const renameKnown =
        (typeof from === 'string' && names.has(from)) ||
        (typeof to === 'string' && names.has(to)) ||
        (id !== undefined && ids.has(id) && typeof from === 'string');
      if (renameKnown) {
        add(names, from);
        add(names, to);
      }
      if (id !== undefined && typeof tw.resource === 'string' && names.has(tw.resource)) add(ids, id);
    }
  }
  return { names: [...names], resourceIds: [...ids] };
}

/**
 * The search for `criteria` with its --db values replaced by every name and resource id of `identity`: one
 * plan per group of at most MAX_WILDCARD_SELECTORS names (each a `resources[*]` selector), the resource ids
 * (plain `resourceId` selectors) in the first. The caller merges the plans' events.
 */
export function identitySearches(criteria: SearchCriteria, identity: DbIdentity): SearchPlan[] {
  buildSearch(criteria);
  return identityConditionChunks(identity).map((conditions) => checked(buildWith(criteria, conditions)));
}

function identityConditionChunks(identity: DbIdentity): string[][] {
  const names = values('--db', identity.names);
  const ids = values('--db', identity.resourceIds);
  const chunks: string[][] = [];
  for (let i = 0; i < names.length; i += MAX_WILDCARD_SELECTORS) {
    chunks.push(
      names.slice(i, i + MAX_WILDCARD_SELECTORS).map((n) => `$.trailwatch.resources[*] = ${quote('--db', n)}`),
    );
  }
  const idConditions = ids.map((id) => `$.trailwatch.resourceId = ${quote('--db', id)}`);
  if (chunks.length === 0) {
    if (idConditions.length > 0) chunks.push(idConditions);
  } else chunks[0]?.push(...idConditions);
  return chunks;
}

function trailwatchOf(message: string): IdentityView | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(message) as { trailwatch?: unknown };
    const tw = value?.trailwatch;
    return typeof tw === 'object' && tw !== null && !Array.isArray(tw) ? (tw as IdentityView) : undefined;
  } catch {
    return undefined;
  }
}

function checkedPattern(pattern: string): string {
  return checked({ filterPattern: pattern, clientTerms: [] }).filterPattern as string;
}
