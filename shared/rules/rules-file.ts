// Reading a user's rules file: YAML (JSON is valid YAML, so a JSON file works too).
// YAML because it is what the people who write detection rules already use (Sigma, Falco, SAM
// templates) and it allows comments explaining why an exception exists. Validation is strict: an
// unknown key is an error, so a typo never silently disables protection.
import { parseDocument } from 'yaml';
import { RulesError } from '../errors.js';
import { isJsonObject, type JsonValue } from '../cloudtrail.js';
import {
  SEVERITIES,
  type AccountEntry,
  type RuleDefinition,
  type RuleExceptions,
  type RuleOverride,
  type RuleScope,
  type RulesFile,
  type Severity,
} from './types.js';

export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Parses and validates the text of a rules file; `source` (its path) names it in errors. */
export function parseRulesFile(text: string, source: string): RulesFile {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [firstError] = document.errors;
  if (firstError) throw new RulesError(source, '', `not valid YAML/JSON: ${firstError.message.split('\n')[0]}`);
  const content = toJS(document, source);
  if (content === null || content === undefined) return {};
  return validateRulesFile(content, source);
}

/** Aliases a rules file may expand: the yaml library's default, which bounds "billion laughs" documents. */
const MAX_ALIAS_COUNT = 100;

/**
 * The document's value. The yaml library throws a bare ReferenceError when aliases expand beyond
 * `maxAliasCount` (https://eemeli.org/yaml/#options, "maxAliasCount"); that is the file's fault, so it is
 * reported as a rules error naming the file.
 */
function toJS(document: ReturnType<typeof parseDocument>, source: string): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (/alias/i.test(detail)) {
      throw new RulesError(
        source,
        '',
        `its YAML aliases (*name) expand too much (${detail}); write the values out, or use at most ${MAX_ALIAS_COUNT} aliases`,
      );
    }
    throw new RulesError(source, '', `not valid YAML/JSON: ${detail}`);
  }
}

export function validateRulesFile(content: unknown, source: string): RulesFile {
  const top = expectObject(content, source, '', ['rules', 'overrides', 'except', 'accounts', 'scopes']);
  const file: RulesFile = {};
  if (top.rules !== undefined) {
    if (!Array.isArray(top.rules)) throw new RulesError(source, 'rules', 'must be a list of rules');
    file.rules = top.rules.map((rule, i) => validateRule(rule, source, `rules[${i}]`));
  }
  if (top.overrides !== undefined) {
    const overrides = expectObject(top.overrides, source, 'overrides');
    file.overrides = Object.fromEntries(
      Object.entries(overrides).map(([id, override]) => [id, validateOverride(override, source, `overrides.${id}`)]),
    );
  }
  if (top.except !== undefined) file.except = validateExceptions(top.except, source, 'except');
  if (top.accounts !== undefined) file.accounts = validateAccounts(top.accounts, source, 'accounts');
  if (top.scopes !== undefined) {
    if (!Array.isArray(top.scopes))
      throw new RulesError(source, 'scopes', 'must be a list of scopes (each with accounts or ous)');
    file.scopes = top.scopes.map((scope, i) => validateScope(scope, source, `scopes[${i}]`));
  }
  return file;
}

/** An AWS account id: 12 digits (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html). */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** YAML reads an unquoted 012345678901 as the number 12345678901: the hint every account id error gives. */
const QUOTE_HINT = 'quote account ids in YAML, or one that starts with 0 is read as a number';

/** `accounts:` account id -> `name` or `{ name, ou }`. */
function validateAccounts(value: unknown, source: string, path: string): Record<string, AccountEntry> {
  const accounts = expectObject(value, source, path);
  const entries: Array<[string, AccountEntry]> = [];
  for (const [id, entry] of Object.entries(accounts)) {
    if (!ACCOUNT_ID_PATTERN.test(id))
      throw new RulesError(source, `${path}.${id}`, `"${id}" is not an AWS account id (12 digits; ${QUOTE_HINT})`);
    entries.push([id, validateAccount(entry, source, `${path}.${id}`)]);
  }
  return Object.fromEntries(entries);
}

function validateAccount(value: unknown, source: string, path: string): AccountEntry {
  if (typeof value === 'string') return { name: expectString(value, source, path) };
  const entry = expectObject(value, source, path, ['name', 'ou']);
  const account: AccountEntry = {};
  if (entry.name !== undefined) account.name = expectString(entry.name, source, `${path}.name`);
  if (entry.ou !== undefined)
    account.ous =
      typeof entry.ou === 'string'
        ? [expectString(entry.ou, source, `${path}.ou`)]
        : expectStringList(entry.ou, source, `${path}.ou`);
  if (account.name === undefined && account.ous === undefined)
    throw new RulesError(source, path, 'says nothing about the account: give it a name, an ou, or both');
  return account;
}

function validateScope(value: unknown, source: string, path: string): RuleScope {
  const entry = expectObject(value, source, path, ['accounts', 'ous', 'overrides', 'except']);
  if (entry.accounts === undefined && entry.ous === undefined)
    throw new RulesError(source, path, 'names no accounts and no ous: say which accounts the scope is for');
  if (entry.accounts !== undefined && entry.ous !== undefined)
    throw new RulesError(
      source,
      path,
      "names both accounts and ous: write one scope for each (an account's own scope wins over its OU's)",
    );
  if (entry.overrides === undefined && entry.except === undefined)
    throw new RulesError(source, path, 'has no overrides and no except: it would change nothing');
  const scope: RuleScope = {};
  if (entry.accounts !== undefined) scope.accounts = expectAccountIds(entry.accounts, source, `${path}.accounts`);
  if (entry.ous !== undefined) scope.ous = expectNonEmptyList(entry.ous, source, `${path}.ous`);
  if (entry.overrides !== undefined) {
    const overrides = expectObject(entry.overrides, source, `${path}.overrides`);
    scope.overrides = Object.fromEntries(
      Object.entries(overrides).map(([id, override]) => [
        id,
        validateOverride(override, source, `${path}.overrides.${id}`),
      ]),
    );
  }
  if (entry.except !== undefined) scope.except = validateExceptions(entry.except, source, `${path}.except`);
  return scope;
}

/** Account ids as strings; a 12-digit number is taken too (`accounts: [111122223333]` is how YAML is written). */
function expectAccountIds(value: unknown, source: string, path: string): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new RulesError(source, path, 'must be a non-empty list of 12-digit account ids');
  return value.map((item, i) => {
    const id = typeof item === 'number' && Number.isSafeInteger(item) ? String(item) : item;
    if (typeof id !== 'string' || !ACCOUNT_ID_PATTERN.test(id))
      throw new RulesError(
        source,
        `${path}[${i}]`,
        `${JSON.stringify(item)} is not an AWS account id (12 digits; ${QUOTE_HINT})`,
      );
    return id;
  });
}

function expectNonEmptyList(value: unknown, source: string, path: string): string[] {
  const list = expectStringList(value, source, path);
  if (list.length === 0) throw new RulesError(source, path, 'must name at least one');
  return list;
}

function validateRule(value: unknown, source: string, path: string): RuleDefinition {
  const rule = expectObject(value, source, path, [
    'id',
    'severity',
    'title',
    'description',
    'match',
    'except',
    'nextSteps',
  ]);
  const id = expectString(rule.id, source, `${path}.id`);
  if (!RULE_ID_PATTERN.test(id))
    throw new RulesError(
      source,
      `${path}.id`,
      `"${id}" is not a valid rule id (lower-case letters, digits and dashes)`,
    );
  const definition: RuleDefinition = {
    id,
    severity: parseSeverity(rule.severity, source, `${path}.severity`),
    title: expectString(rule.title, source, `${path}.title`),
    match: expectObject(rule.match, source, `${path}.match`) as RuleDefinition['match'],
  };
  if (rule.description !== undefined)
    definition.description = expectString(rule.description, source, `${path}.description`);
  if (rule.except !== undefined) definition.except = validateExceptions(rule.except, source, `${path}.except`);
  if (rule.nextSteps !== undefined)
    definition.nextSteps = expectStringList(rule.nextSteps, source, `${path}.nextSteps`);
  return definition;
}

function validateOverride(value: unknown, source: string, path: string): RuleOverride {
  const entry = expectObject(value, source, path, ['enabled', 'severity', 'except']);
  const override: RuleOverride = {};
  if (entry.enabled !== undefined) {
    if (typeof entry.enabled !== 'boolean') throw new RulesError(source, `${path}.enabled`, 'must be true or false');
    override.enabled = entry.enabled;
  }
  if (entry.severity !== undefined) override.severity = parseSeverity(entry.severity, source, `${path}.severity`);
  if (entry.except !== undefined) override.except = validateExceptions(entry.except, source, `${path}.except`);
  return override;
}

export function validateExceptions(value: unknown, source: string, path: string): RuleExceptions {
  const entry = expectObject(value, source, path, ['principals', 'invokedBy', 'awsServices', 'resources', 'patterns']);
  const exceptions: RuleExceptions = {};
  if (entry.principals !== undefined)
    exceptions.principals = expectStringList(entry.principals, source, `${path}.principals`);
  if (entry.invokedBy !== undefined)
    exceptions.invokedBy = expectStringList(entry.invokedBy, source, `${path}.invokedBy`);
  if (entry.resources !== undefined)
    exceptions.resources = expectStringList(entry.resources, source, `${path}.resources`);
  if (entry.awsServices !== undefined) {
    if (typeof entry.awsServices !== 'boolean')
      throw new RulesError(source, `${path}.awsServices`, 'must be true or false');
    exceptions.awsServices = entry.awsServices;
  }
  if (entry.patterns !== undefined) {
    if (!Array.isArray(entry.patterns))
      throw new RulesError(source, `${path}.patterns`, 'must be a list of event patterns');
    exceptions.patterns = entry.patterns.map((p, i) =>
      expectObject(p, source, `${path}.patterns[${i}]`),
    ) as RuleExceptions['patterns'];
  }
  return exceptions;
}

export function parseSeverity(value: unknown, source: string, path: string): Severity {
  if (typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value.toLowerCase())) {
    return value.toLowerCase() as Severity;
  }
  throw new RulesError(source, path, `${JSON.stringify(value)} is not a severity (one of ${SEVERITIES.join(', ')})`);
}

function expectObject(value: unknown, source: string, path: string, allowedKeys?: string[]): Record<string, JsonValue> {
  if (!isJsonObject(value))
    throw new RulesError(
      source,
      path,
      `expected a mapping (key: value), got ${value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value}`,
    );
  if (allowedKeys) {
    const unknown = Object.keys(value).filter((key) => !allowedKeys.includes(key));
    if (unknown.length > 0) {
      throw new RulesError(
        source,
        path,
        `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (allowed: ${allowedKeys.join(', ')})`,
      );
    }
  }
  return value;
}

function expectString(value: unknown, source: string, path: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new RulesError(source, path, 'must be a non-empty string');
  return value;
}

function expectStringList(value: unknown, source: string, path: string): string[] {
  if (!Array.isArray(value)) throw new RulesError(source, path, 'must be a list of strings');
  return value.map((item, i) => expectString(item, source, `${path}[${i}]`));
}
