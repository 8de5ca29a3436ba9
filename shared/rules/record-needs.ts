// What a rule's pattern says about the raw bytes of the records it can match, so the reader parses only
// those (shared/reader/prefilter.ts). Derived conservatively: a constraint the derivation does not
// understand adds nothing, so the result may let through records the rule cannot match, never the reverse.
import { isJsonObject, type JsonValue } from '../cloudtrail.js';
import { factTokens } from '../classify/fact-tokens.js';

/**
 * One combination of facts about a record's bytes that makes it worth parsing: what a rule needs of a record
 * before it can match. The reader's prefilter (shared/reader/prefilter.ts) takes a list of them.
 */
export interface PrefilterAlternative {
  eventSources: ReadonlySet<string>;
  /** When given, the record's eventName must be one of these. */
  eventNames?: ReadonlySet<string>;
  /** JSON tokens (with their quotes, e.g. `"errorCode"`) that must all appear somewhere in the record. */
  mustContain?: readonly string[];
}

interface Needs {
  eventSources?: Set<string>;
  eventNames?: Set<string>;
  mustContain: string[];
}

/** The alternatives a record must satisfy one of to match `pattern`, or null when any eventSource can match. */
export function recordNeeds(pattern: Record<string, JsonValue>): PrefilterAlternative[] | null {
  const alternatives: PrefilterAlternative[] = [];
  for (const needs of needsOf(pattern)) {
    if (!needs.eventSources) return null;
    alternatives.push({
      eventSources: needs.eventSources,
      ...(needs.eventNames ? { eventNames: needs.eventNames } : {}),
      ...(needs.mustContain.length ? { mustContain: [...new Set(needs.mustContain)] } : {}),
    });
  }
  return alternatives;
}

function needsOf(pattern: Record<string, JsonValue>): Needs[] {
  const own: Needs = { mustContain: tokensOf(pattern, []) };
  const sources = exactStrings(pattern.eventSource);
  const names = exactStrings(pattern.eventName);
  if (sources) own.eventSources = sources;
  if (names) own.eventNames = names;
  const branches = pattern.$or;
  if (!Array.isArray(branches)) return [own];
  return branches.flatMap((branch) =>
    isJsonObject(branch) ? needsOf(branch).map((needs) => both(own, needs)) : [own],
  );
}

function both(a: Needs, b: Needs): Needs {
  const needs: Needs = { mustContain: [...a.mustContain, ...b.mustContain] };
  const sources = intersect(a.eventSources, b.eventSources);
  const names = intersect(a.eventNames, b.eventNames);
  if (sources) needs.eventSources = sources;
  if (names) needs.eventNames = names;
  return needs;
}

function intersect(a: Set<string> | undefined, b: Set<string> | undefined): Set<string> | undefined {
  if (a && b) return new Set([...a].filter((v) => b.has(v)));
  return a ?? b;
}

/**
 * Tokens every matching record contains: the key of each field the pattern requires to exist
 * (`{"exists": true}` as the only alternative), and what facts under `trailwatch` imply. A nested `$or`
 * is not looked into.
 */
function tokensOf(pattern: Record<string, JsonValue>, path: string[]): string[] {
  const tokens: string[] = [];
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or' || (path.length === 0 && (key === 'eventSource' || key === 'eventName'))) continue;
    if (path[0] === 'trailwatch' || (path.length === 0 && key === 'trailwatch')) {
      if (Array.isArray(expected)) tokens.push(...factTokens([...path.slice(1), key].join('.'), expected));
      else if (isJsonObject(expected)) tokens.push(...tokensOf(expected, [...path, key]));
      continue;
    }
    if (Array.isArray(expected)) {
      // Only keys with no character JSON could also write as an escape other than \u (e.g. `\/` for `/`).
      if (expected.length === 1 && isJsonObject(expected[0]) && expected[0].exists === true && PLAIN_KEY.test(key))
        tokens.push(`"${key}"`);
    } else if (isJsonObject(expected)) {
      tokens.push(...tokensOf(expected, [...path, key]));
    }
  }
  return tokens;
}

const PLAIN_KEY = /^[A-Za-z0-9_.-]+$/;

function exactStrings(leaf: JsonValue | undefined): Set<string> | undefined {
  if (!Array.isArray(leaf) || leaf.length === 0 || !leaf.every((v) => typeof v === 'string')) return undefined;
  return new Set(leaf as string[]);
}

/**
 * The same alternatives in fewer entries, so the reader's prefilter, which tries them in turn for each record of a
 * wanted source, tries ~15 rather than one per rule (63 for the built-in rules). A record satisfies the result
 * exactly when it satisfies one of `alternatives`: alternatives with the same sources and tokens become one naming
 * the union of their eventNames (or none, when one of them names none); then those with the same eventNames and
 * tokens, one with the union of their sources. Linear in the alternatives' size: sets grow in place.
 */
export function compactAlternatives(alternatives: readonly PrefilterAlternative[]): PrefilterAlternative[] {
  const byKey = new Map<
    string,
    { eventSources: ReadonlySet<string>; eventNames: Set<string> | null; mustContain?: readonly string[] }
  >();
  for (const { eventSources, eventNames, mustContain } of alternatives) {
    const key = `${keyOf(eventSources)} ${keyOf(mustContain ?? [])}`;
    const into = byKey.get(key);
    if (!into)
      byKey.set(key, {
        eventSources,
        eventNames: eventNames ? new Set(eventNames) : null,
        ...(mustContain ? { mustContain } : {}),
      });
    else if (!eventNames) into.eventNames = null;
    else if (into.eventNames) for (const name of eventNames) into.eventNames.add(name);
  }
  const byNames = new Map<
    string,
    { eventSources: Set<string>; eventNames: Set<string> | null; mustContain?: readonly string[] }
  >();
  for (const { eventSources, eventNames, mustContain } of byKey.values()) {
    const key = `${eventNames ? keyOf(eventNames) : '*'} ${keyOf(mustContain ?? [])}`;
    const into = byNames.get(key);
    if (!into)
      byNames.set(key, { eventSources: new Set(eventSources), eventNames, ...(mustContain ? { mustContain } : {}) });
    else for (const source of eventSources) into.eventSources.add(source);
  }
  return [...byNames.values()].map(({ eventSources, eventNames, mustContain }) => ({
    eventSources,
    ...(eventNames ? { eventNames } : {}),
    ...(mustContain ? { mustContain } : {}),
  }));
}

/** A set of strings as a key: its members sorted, as a JSON array (which no member can spell ambiguously). */
function keyOf(values: Iterable<string>): string {
  return JSON.stringify([...new Set(values)].sort());
}
