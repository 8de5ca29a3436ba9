// Issue 13: the EventBridge event pattern of the fast path, derived from the active rules, so that EventBridge
// delivers only the `AWS API Call via CloudTrail` events some rule can match
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
//
// From each rule's needs (record-needs.ts, the same derivation the reader's prefilter uses, conservative: it may
// let through records a rule cannot match, never the reverse): the event sources, and per source the event names
// when every rule alternative for that source lists them; a source some alternative leaves open is matched whole.
// Sources with the same names share one `$or` branch. A rule that leaves eventSource open makes the pattern match
// every API call (`everySource`): correct, but every call then invokes the processor.
//
// EventBridge limits a rule's pattern to 2,048 characters by default (adjustable to 4,096):
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html ("Event pattern size").
import type { JsonValue } from '../cloudtrail.js';
import type { Ruleset } from './engine.js';
import type { EventPattern } from './types.js';

export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
/** EventBridge's default quota for one rule's event pattern, in characters. */
export const EVENT_PATTERN_MAX_CHARS = 2048;

export interface FastPathPattern {
  pattern: EventPattern;
  /** True when some rule can match any event source: the pattern then filters on detail-type only. */
  everySource: boolean;
}

/**
 * trailwatch's own events (trailwatch.integrity, trailwatch.reader): made by the pipeline from digests, S3 events
 * and oversized records, never sent by CloudTrail to EventBridge, so they take no room in the pattern.
 */
export function isTrailwatchEventSource(source: string): boolean {
  return source.startsWith('trailwatch.');
}

export function fastPathPattern(ruleset: Pick<Ruleset, 'prefilter'>): FastPathPattern {
  const base: EventPattern = { 'detail-type': [API_CALL_DETAIL_TYPE] };
  if (ruleset.prefilter === null) return { pattern: base, everySource: true };

  // source -> event names, or null when some alternative for the source names none.
  const names = new Map<string, Set<string> | null>();
  for (const alternative of ruleset.prefilter) {
    for (const source of alternative.eventSources) {
      if (isTrailwatchEventSource(source)) continue;
      const known = names.get(source);
      if (known === null) continue;
      if (!alternative.eventNames) names.set(source, null);
      else names.set(source, new Set([...(known ?? []), ...alternative.eventNames]));
    }
  }
  // Group sources by their (sorted) names, so sources alike share a branch.
  const groups = new Map<string, { sources: string[]; names: string[] | null }>();
  for (const [source, set] of [...names].sort(([a], [b]) => compare(a, b))) {
    const sorted = set ? [...set].sort(compare) : null;
    const id = JSON.stringify(sorted);
    const group = groups.get(id) ?? { sources: [], names: sorted };
    group.sources.push(source);
    groups.set(id, group);
  }
  const branches: Array<Record<string, JsonValue>> = [...groups.values()]
    .sort((a, b) => compare(a.sources[0] ?? '', b.sources[0] ?? ''))
    .map((group) => ({ detail: { eventSource: group.sources, ...(group.names ? { eventName: group.names } : {}) } }));
  if (branches.length === 0) {
    // No rule is active: a pattern no CloudTrail event matches (an eventSource no service has).
    return {
      pattern: { ...base, detail: { eventSource: ['trailwatch-no-active-rules.invalid'] } },
      everySource: false,
    };
  }
  if (branches.length === 1) return { pattern: { ...base, ...(branches[0] as EventPattern) }, everySource: false };
  return { pattern: { ...base, $or: branches }, everySource: false };
}

/** The pattern's size as EventBridge counts it: the characters of its JSON text (compact, as CloudFormation sends it). */
export function eventPatternChars(pattern: EventPattern): number {
  return JSON.stringify(pattern).length;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
