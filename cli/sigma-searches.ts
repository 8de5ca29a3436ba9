// Sigma searches (maps of fields, lists of values, modifiers such as `|contains`, `|startswith`, `|re`) turned into
// conjunctions of field constraints, each constraint an event-pattern leaf; a construct with no exact pattern is
// refused. cli/sigma-import.ts builds the rule's patterns from them.
import type { JsonValue } from '../shared/cloudtrail.js';
import type { Node } from './sigma-condition.js';
import { isObject, Refusal } from './sigma-refusal.js';

const EXACT_FIELDS = new Set(['eventSource', 'eventName']);
const MAX_CONJUNCTIONS = 64;
/**
 * Fields that are JSON objects in a CloudTrail record (CloudTrail record contents reference). Sigma rules written
 * for backends that hold them as text (`requestParameters|contains: ...`) search the serialised object; an event
 * pattern matches values, never an object's text, so such a search would silently never match: refused.
 */
const OBJECT_FIELDS = new Set([
  'userIdentity',
  'userIdentity.sessionContext',
  'userIdentity.sessionContext.sessionIssuer',
  'userIdentity.sessionContext.attributes',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'resources',
  'tlsDetails',
  'serviceEventDetails',
  'edgeDeviceDetails',
  'insightDetails',
]);

/** One field constraint: the field path and the pattern leaf (alternatives, OR). */
export interface Constraint {
  path: string[];
  leaf: JsonValue[];
}
export type Conjunction = Constraint[];

export function dnf(node: Node, searches: Record<string, unknown>, notes: string[]): Conjunction[] {
  let result: Conjunction[];
  if (node.kind === 'search') result = searchDnf(node.name, searches[node.name], notes);
  else if (node.kind === 'or') result = node.children.flatMap((child) => dnf(child, searches, notes));
  else if (node.kind === 'and')
    result = node.children
      .map((child) => dnf(child, searches, notes))
      .reduce((a, b) => a.flatMap((x) => b.map((y) => [...x, ...y])));
  else throw new Refusal('"not" inside a selection is not supported');
  if (result.length > MAX_CONJUNCTIONS)
    throw new Refusal(`the condition expands to ${result.length} alternatives (more than ${MAX_CONJUNCTIONS})`);
  return result;
}

function searchDnf(name: string, search: unknown, notes: string[]): Conjunction[] {
  if (Array.isArray(search)) {
    if (search.every((item) => isObject(item))) return search.flatMap((item) => searchDnf(name, item, notes));
    throw new Refusal(
      `search identifier "${name}" is a keyword list: full-text keywords are not supported, name the field`,
    );
  }
  if (!isObject(search)) throw new Refusal(`search identifier "${name}" is neither a map of fields nor a list of maps`);
  let conjunctions: Conjunction[] = [[]];
  for (const [key, value] of Object.entries(search)) {
    const options = fieldConstraints(key, value, notes);
    conjunctions = conjunctions.flatMap((c) => options.map((o) => [...c, ...o]));
  }
  return conjunctions;
}

/** A field with its modifiers: the alternatives, each a list of constraints that must all hold. */
function fieldConstraints(key: string, value: unknown, notes: string[]): Constraint[][] {
  const [field = '', ...modifiers] = key.split('|');
  if (field === '') throw new Refusal(`"${key}": a field name is needed (keyword searches are not supported)`);
  const path = field.split('.');
  if (OBJECT_FIELDS.has(field) && !modifiers.includes('exists')) {
    throw new Refusal(
      `"${key}": ${field} is an object in CloudTrail records, not text; name the field inside it (e.g. ${field}.<name>)`,
    );
  }
  const all = modifiers.includes('all');
  const cased = modifiers.includes('cased');
  const operators = modifiers.filter((m) => m !== 'all' && m !== 'cased');
  const supported = ['contains', 'startswith', 'endswith', 're', 'cidr', 'exists', 'lt', 'lte', 'gt', 'gte'];
  const unsupported = operators.filter((m) => !supported.includes(m) && !(m === 'i' && operators.includes('re')));
  if (unsupported.length)
    throw new Refusal(
      `modifier${unsupported.length > 1 ? 's' : ''} ${unsupported.map((m) => `"${m}"`).join(', ')} on "${field}" cannot be expressed as an event pattern${unsupported.includes('fieldref') ? ' (it compares two fields)' : ''}`,
    );
  const operator = operators.filter((m) => m !== 'i');
  if (operator.length > 1) throw new Refusal(`"${key}": more than one value modifier`);
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) throw new Refusal(`"${key}": an empty list matches nothing`);
  const leaves = values.map((v) =>
    valueMatcher(field, operator[0], v, { cased, ignoreCaseRe: operators.includes('i') }, notes),
  );
  if (all) {
    if (values.length > 1)
      throw new Refusal(
        `"${key}": |all needs every value to hold on one field, and an event pattern cannot put two conditions on the same field`,
      );
    return [[{ path, leaf: leaves[0] ?? [] }]];
  }
  return [[{ path, leaf: leaves.flat() }]];
}

function valueMatcher(
  field: string,
  operator: string | undefined,
  value: unknown,
  flags: { cased: boolean; ignoreCaseRe: boolean },
  notes: string[],
): JsonValue[] {
  const exact = flags.cased || EXACT_FIELDS.has(field);
  if (operator === 'exists') {
    if (typeof value !== 'boolean') throw new Refusal(`"${field}|exists" takes true or false`);
    return [{ exists: value }];
  }
  if (operator === 'cidr') {
    if (typeof value !== 'string') throw new Refusal(`"${field}|cidr" takes a CIDR string`);
    return [{ cidr: value }];
  }
  if (operator === 'lt' || operator === 'lte' || operator === 'gt' || operator === 'gte') {
    if (typeof value !== 'number') throw new Refusal(`"${field}|${operator}" takes a number`);
    return [{ numeric: [{ lt: '<', lte: '<=', gt: '>', gte: '>=' }[operator], value] }];
  }
  if (value === null) return operator ? refuse(`"${field}|${operator}: null"`) : [null, { exists: false }];
  if (typeof value === 'number' || typeof value === 'boolean') {
    if (operator) throw new Refusal(`"${field}|${operator}" with a ${typeof value} value`);
    return [value];
  }
  if (typeof value !== 'string') throw new Refusal(`"${field}": values must be strings, numbers, booleans or null`);
  if (operator === 're') return regexMatcher(field, value, flags.ignoreCaseRe);
  const text = sigmaWildcards(field, value);
  if (operator === 'contains' || text.wild) {
    const glob =
      operator === 'contains'
        ? `*${text.glob}*`
        : operator === 'startswith'
          ? `${text.glob}*`
          : operator === 'endswith'
            ? `*${text.glob}`
            : text.glob;
    if (/[a-z]/i.test(text.literal) && !flags.cased)
      notes.push(
        `"${field}" ${operator ?? 'wildcard'} match on "${value}" is case-sensitive (Sigma's is not; event patterns have no case-insensitive wildcard)`,
      );
    return [{ wildcard: glob }];
  }
  if (operator === 'startswith')
    return [exact ? { prefix: text.literal } : { prefix: { 'equals-ignore-case': text.literal } }];
  if (operator === 'endswith')
    return [exact ? { suffix: text.literal } : { suffix: { 'equals-ignore-case': text.literal } }];
  return [exact ? text.literal : { 'equals-ignore-case': text.literal }];
}

function refuse(what: string): never {
  throw new Refusal(`${what} is not supported`);
}

/** Sigma value wildcards: `*` any run, `?` one character (refused), `\*` `\?` `\\` literals. */
function sigmaWildcards(field: string, value: string): { literal: string; glob: string; wild: boolean } {
  let literal = '';
  let glob = '';
  let wild = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const n = value[i + 1];
    if (c === '\\' && (n === '*' || n === '?' || n === '\\')) {
      literal += n;
      glob += n === '*' ? '\\*' : n;
      i++;
    } else if (c === '*') {
      wild = true;
      glob += '*';
    } else if (c === '?') {
      throw new Refusal(`"${field}": the single-character wildcard "?" in "${value}" has no event pattern equivalent`);
    } else {
      literal += c;
      glob += c;
    }
  }
  return { literal, glob, wild };
}

/**
 * A regular expression the pattern language can express: literals, `.*`, anchors, and a top-level alternation
 * of such; case-sensitive (Sigma's `re` is, unless `|i`). Anything else is refused.
 */
function regexMatcher(field: string, source: string, ignoreCase: boolean): JsonValue[] {
  const whole = /^\^?\((?:\?:)?([^()]*)\)\$?$/.exec(source);
  const branches = whole
    ? (whole[1] as string)
        .split('|')
        .map((b) => `${source.startsWith('^') ? '^' : ''}${b}${source.endsWith('$') ? '$' : ''}`)
    : source.split('|');
  return branches.map((branch): JsonValue => {
    const start = branch.startsWith('^');
    const end = branch.endsWith('$') && !branch.endsWith('\\$');
    const body = branch.slice(start ? 1 : 0, end ? -1 : undefined);
    let glob = '';
    let literal = '';
    let wild = false;
    for (let i = 0; i < body.length; i++) {
      const c = body[i] as string;
      if (c === '\\' && i + 1 < body.length && /[\\.^$|?*+()[\]{}/-]/.test(body[i + 1] as string)) {
        const n = body[++i] as string;
        literal += n;
        glob += n === '*' ? '\\*' : n;
      } else if (c === '.' && body[i + 1] === '*') {
        wild = true;
        glob += '*';
        i++;
      } else if (/[.^$|?*+()[\]{}\\]/.test(c)) {
        throw new Refusal(
          `"${field}|re": "${source}" uses "${c}", which an event pattern cannot express (only literals, ".*", anchors and a top-level alternation are converted)`,
        );
      } else {
        literal += c;
        glob += c;
      }
    }
    if (ignoreCase && /[a-z]/i.test(literal)) {
      if (wild || !start || !end)
        throw new Refusal(`"${field}|re|i": a case-insensitive partial match of "${source}" cannot be expressed`);
      return { 'equals-ignore-case': literal };
    }
    if (!wild && start && end) return literal;
    if (!wild && start) return { prefix: literal };
    if (!wild && end) return { suffix: literal };
    return { wildcard: `${start ? '' : '*'}${glob}${end ? '' : '*'}` };
  });
}
