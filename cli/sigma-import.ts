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
import { parseCondition, splitNegation, type Node } from './sigma-condition.js';
import { dnf, type Conjunction } from './sigma-searches.js';
import { isObject, lower, Refusal } from './sigma-refusal.js';

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

const LEVELS: Record<string, Severity> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};
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
