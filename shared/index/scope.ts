// What goes into the index (INDEX_SCOPE), decided here and nowhere else: the configuration reads a scope's name
// (functions/indexer/config.ts), the indexer asks the scope what the reader must parse and whether an event is in
// (functions/indexer/index-log.ts), and the bench asks the same.
//
// Two decisions, one rule. The reader's prefilter skips, unparsed, every record whose eventSource neither a rule nor
// `alsoParse` names; `alsoParse` holds every eventSource of the categories (CATEGORY_EVENT_SOURCES), so a skipped
// record is always `other`, i.e. out of the rds scope, and is counted out of scope from the reader's `skipped`. A
// parsed record is in scope when its category says so (read-only CloudTrail calls are parsed, and `other`).
import { CATEGORY_EVENT_SOURCES } from '../classify/categories.js';
import type { ClassifiedEvent } from '../classify/types.js';

/**
 * - `rds`: RDS, RDS Data API and CloudTrail configuration events (classify's categories other than `other`): what
 *   an RDS watch searches, at a fraction of the ingestion cost; the reader parses only those sources (and the rules');
 * - `all`: every record of every file.
 */
export type IndexScope = 'rds' | 'all';
export const INDEX_SCOPES: readonly IndexScope[] = ['rds', 'all'];
export const DEFAULT_INDEX_SCOPE: IndexScope = 'rds';

/** What each scope indexes, in the words the configuration error and the README use. */
export const INDEX_SCOPE_MEANINGS: Readonly<Record<IndexScope, string>> = {
  rds: 'RDS, Data API and CloudTrail configuration events',
  all: 'every event',
};

export interface ScopePlan {
  readonly scope: IndexScope;
  /** The eventSources the reader must parse besides the rules' own (scanLog's `alsoParse`), or 'all'. */
  readonly alsoParse: 'all' | readonly string[];
  /** Whether a parsed, classified record goes into the index. */
  includes(event: ClassifiedEvent): boolean;
}

const CATEGORY_SOURCES: readonly string[] = Object.values(CATEGORY_EVENT_SOURCES).flat();

const PLANS: Readonly<Record<IndexScope, ScopePlan>> = {
  rds: {
    scope: 'rds',
    alsoParse: CATEGORY_SOURCES,
    includes: (event) => event.facts.category !== 'other',
  },
  all: {
    scope: 'all',
    alsoParse: 'all',
    includes: () => true,
  },
};

export function scopePlan(scope: IndexScope): ScopePlan {
  return PLANS[scope];
}

/** The scope named `value` (case-insensitive), or undefined. */
export function parseIndexScope(value: string): IndexScope | undefined {
  const lower = value.toLowerCase();
  return INDEX_SCOPES.find((s) => s === lower);
}
