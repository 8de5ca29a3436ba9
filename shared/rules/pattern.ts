// Amazon EventBridge event patterns, compiled to predicates.
// Rules are written in the syntax AWS users already know from EventBridge rules and the CloudTrail
// console, so a rule can be tried in EventBridge's sandbox and pasted here (minus the `detail` wrapper).
// Semantics follow the EventBridge user guide, "Content filtering in Amazon EventBridge event patterns":
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
// - a leaf is an array of alternatives; fields in one object must all match (AND), `$or` lists alternatives;
// - when the event's value is an array, the leaf matches if any element matches;
// - a missing field matches only `{"exists": false}` (anything-but does not match a missing field).
// One deliberate extension: `exists` also works on objects, not only on leaves.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { RulesError } from '../errors.js';
import { isJsonObject, type JsonValue } from '../cloudtrail.js';
import { compileWildcard } from './wildcard.js';

export type Predicate = (value: unknown) => boolean;

/** A compiled pattern: `matches(event)`. What it needs of a record's bytes is record-needs.ts's. */
export interface CompiledPattern {
  matches: Predicate;
}

/** Where a pattern came from, for error messages: the file (or env var) and the path inside it. */
interface Site {
  source: string;
  path: string;
}

const MISSING = Symbol('missing');
type Leaf = (value: unknown) => boolean;

export function compilePattern(pattern: unknown, source: string, path: string): CompiledPattern {
  const site = { source, path };
  if (!isJsonObject(pattern) || Object.keys(pattern).length === 0) {
    throw new RulesError(source, path, 'an event pattern must be a non-empty object');
  }
  return { matches: compileObject(pattern, site, true) };
}

/** `root`: the pattern applies to the event itself (its top level, or a top-level `$or`'s branch), maybe an EventView. */
function compileObject(pattern: Record<string, JsonValue>, site: Site, root = false): Predicate {
  const member = root ? topLevelField : field;
  const checks: Predicate[] = [];
  for (const [key, expected] of Object.entries(pattern)) {
    const path = `${site.path}.${key}`;
    if (key === '$or') {
      checks.push(compileOr(expected, { ...site, path }, root));
    } else if (Array.isArray(expected)) {
      const leaf = compileLeaf(expected, { ...site, path });
      checks.push((event) => leaf(member(event, key)));
    } else if (isJsonObject(expected)) {
      const nested = compileObject(expected, { ...site, path });
      const matchesNested = (v: unknown) => isJsonObject(v) && nested(v);
      checks.push((event) => anyElement(member(event, key), matchesNested));
    } else {
      throw new RulesError(
        site.source,
        path,
        `expected an array of values or a nested object, got ${describeValue(expected)} (write [${JSON.stringify(expected)}])`,
      );
    }
  }
  if (checks.length === 1) return checks[0]!;
  return (event) => {
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(event)) return false;
    return true;
  };
}

function compileOr(alternatives: JsonValue, site: Site, root: boolean): Predicate {
  if (!Array.isArray(alternatives) || alternatives.length < 2) {
    throw new RulesError(site.source, site.path, '$or takes an array of at least two patterns');
  }
  const branches = alternatives.map((alternative, i) => {
    if (!isJsonObject(alternative) || Object.keys(alternative).length === 0) {
      throw new RulesError(site.source, `${site.path}[${i}]`, 'each $or alternative must be a non-empty object');
    }
    return compileObject(alternative, { ...site, path: `${site.path}[${i}]` }, root);
  });
  return (event) => {
    for (let i = 0; i < branches.length; i++) if (branches[i]!(event)) return true;
    return false;
  };
}

/**
 * A CloudTrail record with trailwatch's facts under `trailwatch`, as rules see it: what `{ ...record, trailwatch:
 * facts }` holds, without copying the record's members for every record (that copy was most of evaluating the
 * rules once they were dispatched by eventSource and eventName).
 */
export class EventView {
  constructor(
    readonly record: object,
    readonly facts: unknown,
  ) {}
}

/** field() of the event, which may be an EventView: its member `key` as the copy would hold it. */
function topLevelField(event: unknown, key: string): unknown {
  if (!(event instanceof EventView)) return field(event, key);
  if (key === 'trailwatch') return event.facts === undefined ? MISSING : event.facts;
  // The copy holds the record's own enumerable members (object spread), as JSON.parse makes them all.
  const { record } = event;
  if (!Object.prototype.propertyIsEnumerable.call(record, key)) return MISSING;
  const value = (record as Record<string, unknown>)[key];
  return value === undefined ? MISSING : value;
}

function field(event: unknown, key: string): unknown {
  if (!isJsonObject(event) || !Object.hasOwn(event, key)) return MISSING;
  const value = event[key];
  return value === undefined ? MISSING : value;
}

function anyElement(value: unknown, test: (v: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return test(value);
  for (let i = 0; i < value.length; i++) if (test(value[i])) return true;
  return false;
}

function compileLeaf(alternatives: JsonValue[], site: Site): Leaf {
  if (alternatives.length === 0)
    throw new RulesError(site.source, site.path, 'an empty array matches nothing; list at least one value');
  const matchers = alternatives.map((alternative, i) =>
    compileMatcher(alternative, { ...site, path: `${site.path}[${i}]` }),
  );
  const onMissing = matchers.filter((m) => m.matchesMissing).length > 0;
  const present = matchers.filter((m) => !m.matchesMissing).map((m) => m.test);
  const existsTrue = matchers.some((m) => m.existsTrue);
  if (existsTrue) return (value) => value !== MISSING || onMissing;
  // Only exact values (the common leaf: `eventName: ["DeleteDBInstance", ...]`): one Set lookup. Set.has compares
  // as === does for these (SameValueZero differs only for NaN, which compileMatcher refuses).
  const exact = alternatives.every((alternative) => !isJsonObject(alternative));
  const values = exact ? new Set<unknown>(alternatives) : null;
  const test: (v: unknown) => boolean = values
    ? (v) => values.has(v)
    : (v) => {
        for (let i = 0; i < present.length; i++) if (present[i]!(v)) return true;
        return false;
      };
  return (value) => {
    if (value === MISSING) return onMissing;
    return anyElement(value, test);
  };
}

interface Matcher {
  test: (value: unknown) => boolean;
  matchesMissing?: boolean;
  existsTrue?: boolean;
}

function compileMatcher(spec: JsonValue, site: Site): Matcher {
  if (!isJsonObject(spec)) {
    if (Array.isArray(spec))
      throw new RulesError(site.source, site.path, 'nested arrays are not a pattern; list the values directly');
    if (typeof spec === 'number' && !Number.isFinite(spec)) {
      throw new RulesError(
        site.source,
        site.path,
        `${String(spec)} is not a finite number; no record value can equal it`,
      );
    }
    return { test: (v) => v === spec };
  }
  const keys = Object.keys(spec);
  const [operator] = keys;
  if (keys.length !== 1 || operator === undefined) {
    throw new RulesError(
      site.source,
      site.path,
      `a filter object takes exactly one operator, got ${keys.length ? keys.join(', ') : 'none'}`,
    );
  }
  const argument = spec[operator] as JsonValue;
  const at = { ...site, path: `${site.path}.${operator}` };
  switch (operator) {
    case 'exists':
      if (typeof argument !== 'boolean') throw new RulesError(at.source, at.path, 'exists takes true or false');
      return argument ? { test: () => true, existsTrue: true } : { test: () => false, matchesMissing: true };
    case 'prefix':
    case 'suffix':
      return { test: stringTest(operator, argument, at) };
    case 'equals-ignore-case':
      return { test: ignoreCaseTest(argument, at) };
    case 'wildcard':
      return { test: wildcardTest(argument, at) };
    case 'numeric':
      return { test: numericTest(argument, at) };
    case 'cidr':
      return { test: cidrTest(argument, at) };
    case 'anything-but': {
      const excluded = anythingButTest(argument, at);
      return { test: (v) => (typeof v === 'string' || typeof v === 'number') && !excluded(v) };
    }
    default:
      throw new RulesError(
        site.source,
        site.path,
        `unknown operator "${operator}" (known: prefix, suffix, anything-but, numeric, exists, equals-ignore-case, wildcard, cidr)`,
      );
  }
}

function requireString(argument: JsonValue, site: Site, operator: string): string {
  if (typeof argument !== 'string')
    throw new RulesError(site.source, site.path, `${operator} takes a string, got ${describeValue(argument)}`);
  return argument;
}

function stringTest(operator: 'prefix' | 'suffix', argument: JsonValue, site: Site): Leaf {
  const ignoreCase = isJsonObject(argument);
  const text = ignoreCase
    ? requireString(
        singleOperand(argument, 'equals-ignore-case', site),
        site,
        `${operator} equals-ignore-case`,
      ).toLowerCase()
    : requireString(argument, site, operator);
  return (v) => {
    if (typeof v !== 'string') return false;
    const s = ignoreCase ? v.toLowerCase() : v;
    return operator === 'prefix' ? s.startsWith(text) : s.endsWith(text);
  };
}

function singleOperand(argument: Record<string, JsonValue>, operator: string, site: Site): JsonValue {
  const keys = Object.keys(argument);
  if (keys.length !== 1 || keys[0] !== operator)
    throw new RulesError(site.source, site.path, `expected {"${operator}": ...}`);
  return argument[operator] as JsonValue;
}

function ignoreCaseTest(argument: JsonValue, site: Site): Leaf {
  const values = new Set(stringList(argument, site, 'equals-ignore-case').map((s) => s.toLowerCase()));
  return (v) => typeof v === 'string' && values.has(v.toLowerCase());
}

function stringList(argument: JsonValue, site: Site, operator: string): string[] {
  const list = Array.isArray(argument) ? argument : [argument];
  if (list.length === 0) throw new RulesError(site.source, site.path, `${operator} needs at least one value`);
  return list.map((item) => requireString(item, site, operator));
}

function wildcardTest(argument: JsonValue, site: Site): Leaf {
  const globs = stringList(argument, site, 'wildcard').map((glob) => compileWildcard(glob));
  return (v) => typeof v === 'string' && globs.some((matches) => matches(v));
}

/**
 * `{ test }` for a wildcard pattern, as the RegExp this once returned offered (kept for callers written against
 * it); no regular expression is built: see wildcard.ts.
 */
export function wildcardRegExp(glob: string): { test: (value: string) => boolean } {
  return { test: compileWildcard(glob) };
}

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

function numericTest(argument: JsonValue, site: Site): Leaf {
  if (!Array.isArray(argument) || argument.length === 0 || argument.length % 2 !== 0) {
    throw new RulesError(site.source, site.path, 'numeric takes pairs of operator and number, e.g. [">", 0, "<=", 5]');
  }
  const comparisons: Array<[string, number]> = [];
  for (let i = 0; i < argument.length; i += 2) {
    const op = argument[i];
    const n = argument[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.has(op) || typeof n !== 'number') {
      throw new RulesError(
        site.source,
        `${site.path}[${i}]`,
        `expected an operator (=, <, <=, >, >=) followed by a number, got ${JSON.stringify(op)}, ${JSON.stringify(n)}`,
      );
    }
    // YAML's .nan and .inf, and 1e400 (read as Infinity), are numbers no record holds: a rule comparing with
    // them could never be meant as written.
    if (!Number.isFinite(n))
      throw new RulesError(
        site.source,
        `${site.path}[${i + 1}]`,
        `${String(n)} is not a finite number (write a number like 5 or 1.5e3)`,
      );
    comparisons.push([op, n]);
  }
  return (v) => typeof v === 'number' && comparisons.every(([op, n]) => compare(v, op, n));
}

function compare(v: number, op: string, n: number): boolean {
  switch (op) {
    case '=':
      return v === n;
    case '<':
      return v < n;
    case '<=':
      return v <= n;
    case '>':
      return v > n;
    default:
      return v >= n;
  }
}

function cidrTest(argument: JsonValue, site: Site): Leaf {
  const cidr = requireString(argument, site, 'cidr');
  const [address, bits] = cidr.split('/');
  const family = address && isIPv4(address) ? 'ipv4' : address && isIPv6(address) ? 'ipv6' : null;
  const prefix = Number(bits);
  if (!family || !address || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128)) {
    throw new RulesError(site.source, site.path, `"${cidr}" is not a CIDR block like 10.0.0.0/24 or 2001:db8::/32`);
  }
  const block = new BlockList();
  block.addSubnet(address, prefix, family);
  return (v) => {
    if (typeof v !== 'string') return false;
    if (isIPv4(v)) return block.check(v, 'ipv4');
    if (isIPv6(v)) return block.check(v, 'ipv6');
    return false;
  };
}

/** Returns a test for the values anything-but excludes. */
function anythingButTest(argument: JsonValue, site: Site): (v: string | number) => boolean {
  if (isJsonObject(argument)) {
    const keys = Object.keys(argument);
    const [operator] = keys;
    if (keys.length !== 1 || operator === undefined)
      throw new RulesError(site.source, site.path, 'anything-but takes one nested operator');
    const inner = argument[operator] as JsonValue;
    const at = { ...site, path: `${site.path}.${operator}` };
    switch (operator) {
      case 'prefix':
      case 'suffix':
        return stringTest(operator, inner, at);
      case 'equals-ignore-case':
        return ignoreCaseTest(inner, at);
      case 'wildcard':
        return wildcardTest(inner, at);
      default:
        throw new RulesError(
          site.source,
          site.path,
          `anything-but cannot nest "${operator}" (allowed: prefix, suffix, equals-ignore-case, wildcard)`,
        );
    }
  }
  const list = Array.isArray(argument) ? argument : [argument];
  if (
    list.length === 0 ||
    !list.every((item) => typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item)))
  ) {
    throw new RulesError(site.source, site.path, 'anything-but takes a string, a finite number, or a list of them');
  }
  const excluded = new Set<JsonValue>(list);
  return (v) => excluded.has(v);
}

/**
 * The exact eventSource values a pattern requires, or null when it accepts events from any source.
 * This is what lets the reader skip parsing records no rule can match (see shared/reader/prefilter.ts).
 */

function describeValue(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
