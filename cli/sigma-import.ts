// Converting Sigma rules (https://sigmahq.io/docs/basics/rules.html) for CloudTrail into trailwatch rules.
// Pure: text in, rule definitions and refusals out. Nothing is approximated silently: a construct the event
// pattern language cannot express exactly is refused with the reason, and the two documented liberties
// (below) are printed as notes on the rules they touch.
//
// How Sigma maps onto trailwatch (Sigma specification, "Detection" and "Modifiers"):
// - a search identifier that is a map is an AND of its fields; a list of maps is an OR; a list of values is an OR
//   (an AND with `|all`). Dotted field names (`userIdentity.type`) are nested fields of the record.
// - the condition is brought to `P and not N` with P and N free of `not`: P becomes the rule's `match` (an `$or`
//   of its conjunctions), N the rule's `except.patterns` (any one matching silences the rule, i.e. `not (N1 or
//   N2 ...)`). A `not` anywhere else cannot be expressed and is refused.
// - Sigma compares strings case-insensitively: plain values become `equals-ignore-case`, startswith/endswith
//   `prefix`/`suffix` with `equals-ignore-case`. Liberty 1: eventSource and eventName are compared exactly,
//   since CloudTrail writes them in one fixed case, so the reader can still skip records no rule matches.
//   Liberty 2: the pattern language has no case-insensitive wildcard, so `contains` and values with `*` match
//   case-sensitively; each rule that uses one says so in a note.
import { parseAllDocuments } from 'yaml';
import { RULE_ID_PATTERN } from '../shared/rules/rules-file.js';
import type { JsonValue } from '../shared/cloudtrail.js';
import type { EventPattern, RuleDefinition, Severity } from '../shared/rules/types.js';

export interface SigmaConversion {
  /** Where the rule came from: file name, and the document index when a file holds several. */
  source: string;
  title: string;
  rule?: RuleDefinition;
  /** Why the rule could not be converted (rule is then absent). */
  refused?: string;
  /** Liberties taken that a reader should know about (rule converted). */
  notes: string[];
}

class Refusal extends Error {}

const LEVELS: Record<string, Severity> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};
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

/** Converts every YAML document in `text` (a Sigma rule file). */
export function convertSigmaText(text: string, source: string): SigmaConversion[] {
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  if (!Array.isArray(documents)) return [{ source, title: '(empty file)', refused: 'no YAML document', notes: [] }];
  return documents.map((document, i) => {
    const where = documents.length > 1 ? `${source} (document ${i + 1})` : source;
    const [firstError] = document.errors;
    if (firstError)
      return {
        source: where,
        title: '(unparsed)',
        refused: `not valid YAML: ${firstError.message.split('\n')[0]}`,
        notes: [],
      };
    return convertSigmaRule(document.toJS({ maxAliasCount: 100 }) as unknown, where);
  });
}

export function convertSigmaRule(content: unknown, source: string): SigmaConversion {
  const title = isObject(content) && typeof content.title === 'string' ? content.title : '(untitled)';
  const notes: string[] = [];
  try {
    if (!isObject(content)) throw new Refusal('not a Sigma rule (expected a mapping)');
    if ('correlation' in content)
      throw new Refusal('correlation rules (counting events across records) are not supported');
    const logsource = isObject(content.logsource) ? content.logsource : {};
    if (lower(logsource.product) !== 'aws' || lower(logsource.service) !== 'cloudtrail') {
      throw new Refusal(
        `logsource is not {product: aws, service: cloudtrail} (got product ${JSON.stringify(logsource.product)}, service ${JSON.stringify(logsource.service)})`,
      );
    }
    const detection = content.detection;
    if (!isObject(detection)) throw new Refusal('no detection section');
    const { condition, ...searches } = detection;
    if ('timeframe' in detection) throw new Refusal('timeframe (a time window across events) is not supported');
    const tree = parseCondition(condition, Object.keys(searches));
    const { positive, negative } = splitNegation(tree);
    const compiled = (node: Node) => dnf(node, searches, notes).map((conjunction) => conjunctionPattern(conjunction));
    const alternatives = compiled(positive);
    const exceptions = negative ? compiled(negative) : [];
    const level = lower(content.level);
    const severity = level === undefined ? 'medium' : LEVELS[level];
    if (!severity) throw new Refusal(`level "${String(content.level)}" is not a Sigma level`);
    if (level === undefined) notes.push('no level: severity medium');
    const rule: RuleDefinition = {
      id: ruleId(content, title),
      severity,
      title,
      description: describeRule(content),
      match: alternatives.length === 1 ? (alternatives[0] as EventPattern) : { $or: alternatives },
    };
    if (exceptions.length) rule.except = { patterns: exceptions };
    const nextSteps = [
      ...stringList(content.falsepositives).map((fp) => `Known false positive (Sigma): ${fp}`),
      ...stringList(content.references).map((ref) => `Reference: ${ref}`),
    ];
    if (nextSteps.length) rule.nextSteps = nextSteps;
    return { source, title, rule, notes: [...new Set(notes)] };
  } catch (error) {
    if (error instanceof Refusal) return { source, title, refused: error.message, notes: [] };
    throw error;
  }
}

// ---- condition ------------------------------------------------------------------------------------------

type Node = { kind: 'search'; name: string } | { kind: 'and' | 'or'; children: Node[] } | { kind: 'not'; child: Node };

export function parseCondition(condition: unknown, names: string[]): Node {
  if (Array.isArray(condition)) {
    if (condition.length === 0) throw new Refusal('empty condition list');
    const children = condition.map((c) => parseCondition(c, names));
    return children.length === 1 ? (children[0] as Node) : { kind: 'or', children };
  }
  if (typeof condition !== 'string' || condition.trim() === '') throw new Refusal('no condition');
  if (condition.includes('|'))
    throw new Refusal(
      `aggregation in the condition ("${condition}") is not supported: a rule sees one event at a time`,
    );
  const tokens = condition.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const expression = (): Node => {
    const children = [term()];
    while (peek()?.toLowerCase() === 'or') {
      next();
      children.push(term());
    }
    return children.length === 1 ? (children[0] as Node) : { kind: 'or', children };
  };
  const term = (): Node => {
    const children = [factor()];
    while (peek()?.toLowerCase() === 'and') {
      next();
      children.push(factor());
    }
    return children.length === 1 ? (children[0] as Node) : { kind: 'and', children };
  };
  const factor = (): Node => {
    const token = next();
    if (token === undefined) throw new Refusal(`condition "${condition}" ends early`);
    const word = token.toLowerCase();
    if (word === 'not') return { kind: 'not', child: factor() };
    if (token === '(') {
      const inner = expression();
      if (next() !== ')') throw new Refusal(`condition "${condition}": missing ")"`);
      return inner;
    }
    if (word === '1' || word === 'all' || word === 'any') {
      if (next()?.toLowerCase() !== 'of') throw new Refusal(`condition "${condition}": expected "of" after "${token}"`);
      const target = next();
      if (target === undefined) throw new Refusal(`condition "${condition}": "${token} of" names nothing`);
      const matched = quantified(target, names);
      if (matched.length === 0) throw new Refusal(`condition "${condition}": "${target}" matches no search identifier`);
      const children: Node[] = matched.map((name) => ({ kind: 'search', name }));
      return children.length === 1 ? (children[0] as Node) : { kind: word === 'all' ? 'and' : 'or', children };
    }
    if (['and', 'or', ')', 'near'].includes(word)) throw new Refusal(`condition "${condition}": unexpected "${token}"`);
    if (!names.includes(token)) throw new Refusal(`condition "${condition}": no search identifier "${token}"`);
    return { kind: 'search', name: token };
  };
  const tree = expression();
  if (at !== tokens.length) throw new Refusal(`condition "${condition}": unexpected "${tokens[at]}"`);
  return tree;
}

function quantified(target: string, names: string[]): string[] {
  if (target === 'them') return names.filter((name) => !name.startsWith('_'));
  if (!target.includes('*')) return names.filter((name) => name === target);
  const re = new RegExp(
    `^${target
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return names.filter((name) => re.test(name));
}

/** `P and not N` with P and N free of `not`; anything else is refused. */
function splitNegation(tree: Node): { positive: Node; negative?: Node } {
  if (!hasNot(tree)) return { positive: tree };
  if (tree.kind === 'and') {
    const positives = tree.children.filter((child) => child.kind !== 'not');
    const negatives = tree.children.flatMap((child) => (child.kind === 'not' ? [child.child] : []));
    if (positives.length > 0 && [...positives, ...negatives].every((node) => !hasNot(node))) {
      const positive = positives.length === 1 ? (positives[0] as Node) : { kind: 'and' as const, children: positives };
      const negative = negatives.length === 1 ? (negatives[0] as Node) : { kind: 'or' as const, children: negatives };
      return { positive, negative };
    }
  }
  throw new Refusal(
    '"not" is only supported as "<selection> and not <filter>" at the top of the condition (it becomes the rule\'s exceptions); this condition negates elsewhere',
  );
}

function hasNot(node: Node): boolean {
  if (node.kind === 'not') return true;
  return node.kind === 'search' ? false : node.children.some(hasNot);
}

// ---- searches to conjunctions of field constraints ---------------------------------------------------------

/** One field constraint: the field path and the pattern leaf (alternatives, OR). */
interface Constraint {
  path: string[];
  leaf: JsonValue[];
}
type Conjunction = Constraint[];

function dnf(node: Node, searches: Record<string, unknown>, notes: string[]): Conjunction[] {
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

// ---- output ---------------------------------------------------------------------------------------------

function conjunctionPattern(conjunction: Conjunction): EventPattern {
  const pattern: Record<string, JsonValue> = {};
  for (const { path, leaf } of conjunction) {
    let node = pattern;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const existing = node[part];
      if (last) {
        if (existing !== undefined)
          throw new Refusal(
            `two conditions on "${path.join('.')}" in one alternative: an event pattern holds one condition per field`,
          );
        node[part] = leaf;
      } else {
        if (existing !== undefined && (Array.isArray(existing) || typeof existing !== 'object' || existing === null)) {
          throw new Refusal(`"${path.join('.')}": "${path.slice(0, i + 1).join('.')}" is both a value and an object`);
        }
        node[part] = existing ?? {};
        node = node[part] as Record<string, JsonValue>;
      }
    });
  }
  return pattern;
}

function ruleId(content: Record<string, unknown>, title: string): string {
  const slug = `sigma-${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')}`
    .slice(0, 63)
    .replace(/-+$/, '');
  if (RULE_ID_PATTERN.test(slug)) return slug;
  const id = typeof content.id === 'string' ? content.id.toLowerCase() : '';
  return `sigma-${id.replace(/[^a-z0-9-]/g, '')}`.slice(0, 63);
}

function describeRule(content: Record<string, unknown>): string {
  const parts = [typeof content.description === 'string' ? content.description.trim() : 'Converted from a Sigma rule.'];
  const origin = [
    typeof content.id === 'string' ? `Sigma rule ${content.id}` : 'Sigma rule',
    typeof content.status === 'string' ? `status ${content.status}` : null,
    typeof content.author === 'string' ? `by ${content.author}` : null,
  ];
  parts.push(`(${origin.filter(Boolean).join(', ')}.)`);
  return parts.join(' ');
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lower(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/** Makes rule ids unique across a batch (two Sigma rules can share a title). */
export function uniqueIds(conversions: SigmaConversion[]): void {
  const seen = new Set<string>();
  for (const conversion of conversions) {
    if (!conversion.rule) continue;
    let id = conversion.rule.id;
    for (let n = 2; seen.has(id); n++) id = `${conversion.rule.id.slice(0, 60)}-${n}`;
    seen.add(id);
    conversion.rule.id = id;
  }
}
