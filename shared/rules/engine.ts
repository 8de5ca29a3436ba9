// The active rule set: built-in rules plus a user's rules file, overrides applied, compiled once.
import { RulesError } from '../errors.js';
import type { ClassifiedEvent, Principal, RdsResource } from '../classify/types.js';
import { compilePattern, EventView, type Predicate } from './pattern.js';
import { compileWildcard } from './wildcard.js';
import { BUILTIN_RULES } from './builtin-rules.js';
import { withTrailwatchResources, type TrailwatchResources } from './builtin/self-protection.js';
import { recordNeeds } from './record-needs.js';
import { RuleDispatch } from './dispatch.js';
import { profiledAccounts, readAccountScopes, recordAccount, scopesFor, type PlacedScope } from './account-scopes.js';
import type { PrefilterAlternative } from './record-needs.js';
import { SEVERITIES, type RuleDefinition, type RuleExceptions, type RulesFile, type Severity } from './types.js';

export interface ActiveRule {
  id: string;
  severity: Severity;
  title: string;
  description?: string;
  nextSteps: string[];
  builtin: boolean;
  /** The name the rules files give the event's account (accounts section), when evaluate() found one. */
  accountName?: string;
}

export interface RulesetOptions {
  /** Built-in rules on (default) or off. */
  builtins?: boolean;
  /** Rules files in the order given; later files can override rules of earlier ones. */
  files?: Array<{ source: string; content: RulesFile }>;
  /** Rule ids to turn off (DISABLED_RULES / --disable). Unknown ids are an error. */
  disabled?: string[];
  /** Severity per rule id (SEVERITY_OVERRIDES / --severity). Unknown ids are an error. */
  severities?: Record<string, Severity>;
  /** Rules below this severity are not evaluated at all (default: info, i.e. all rules). */
  minSeverity?: Severity;
  /** The deployed stack's resources, for trailwatch-tampered; without them that rule matches nothing. */
  trailwatchResources?: TrailwatchResources;
}

/** Does an exception silence this event? */
type ExceptionCheck = (event: ClassifiedEvent, view: unknown) => boolean;

/** A rule as it applies in one account: its severity there (and the account's name), and its exceptions there. */
interface ProfileEntry {
  rule: ActiveRule;
  excepted: ExceptionCheck;
}

/** Per compiled rule (same order), how it applies in one account; null where it is off (or below the minimum). */
type Profile = ReadonlyArray<ProfileEntry | null>;

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export class Ruleset {
  /** The active rules for accounts no scope names (all of them in a single-account deployment). */
  readonly rules: readonly ActiveRule[];
  /**
   * The eventSource values any active rule can match, or null when some rule matches any source.
   * Records from other sources cannot raise an alert, so the reader need not parse them.
   */
  readonly eventSources: ReadonlySet<string> | null;
  /**
   * Finer than eventSources: per rule, the eventSource, eventName and tokens a record needs to match it.
   * The reader parses a record only when it satisfies one of these (null: parse every record).
   */
  readonly prefilter: readonly PrefilterAlternative[] | null;
  private readonly matchers: readonly Predicate[];
  private readonly base: Profile;
  private readonly profiles: ReadonlyMap<string, Profile>;
  private readonly dispatch: RuleDispatch;

  constructor(
    matchers: Predicate[],
    base: Profile,
    profiles: ReadonlyMap<string, Profile>,
    prefilter: PrefilterAlternative[] | null,
    /** Per rule (same order as matchers), what it needs of a record (recordNeeds): which records to ask it about. */
    needs: ReadonlyArray<readonly PrefilterAlternative[] | null>,
  ) {
    this.matchers = matchers;
    this.base = base;
    this.profiles = profiles;
    this.dispatch = new RuleDispatch(needs);
    this.rules = base.flatMap((entry) => (entry ? [entry.rule] : []));
    this.prefilter = prefilter;
    this.eventSources = prefilter ? new Set(prefilter.flatMap((alternative) => [...alternative.eventSources])) : null;
  }

  /**
   * The active rules this event raises, in rule order, exceptions applied, each as it applies in the event's
   * account (recordAccount): that account's and its OUs' overrides, and its name from the accounts section.
   */
  evaluate(event: ClassifiedEvent): ActiveRule[] {
    const { record } = event;
    const profile = this.profileOf(record);
    const hits: ActiveRule[] = [];
    // Only the rules that can match the record's eventSource and eventName are asked (dispatch.ts), in rule order:
    // the candidates come as up to three ascending lists, merged here without building a list.
    const [a, b, c] = this.dispatch.candidates(record.eventSource, record.eventName);
    if (a.length + b.length + c.length === 0) return hits;
    let view: EventView | undefined;
    let i = 0;
    let j = 0;
    let k = 0;
    for (;;) {
      const x = i < a.length ? a[i]! : Number.POSITIVE_INFINITY;
      const y = j < b.length ? b[j]! : Number.POSITIVE_INFINITY;
      const z = k < c.length ? c[k]! : Number.POSITIVE_INFINITY;
      const rule = Math.min(x, y, z);
      if (rule === Number.POSITIVE_INFINITY) return hits;
      if (x === rule) i++;
      if (y === rule) j++;
      if (z === rule) k++;
      const entry = profile[rule];
      if (!entry) continue;
      // The record as patterns see it, derived facts under `trailwatch`: made once, for the first rule asked.
      view ??= new EventView(record, event.facts);
      if (this.matchers[rule]!(view) && !entry.excepted(event, view)) hits.push(entry.rule);
    }
  }

  /** The rules as they apply in the record's account (recordAccount), or as they apply where no scope says. */
  private profileOf(record: ClassifiedEvent['record']): Profile {
    if (this.profiles.size === 0) return this.base;
    const account = recordAccount(record);
    return (account !== undefined && this.profiles.get(account)) || this.base;
  }
}

/** How a rule is set up at one level (the files' top level, then per account): on or off, severity, exceptions. */
interface RuleState {
  enabled: boolean;
  severity: Severity;
  exceptions: ExceptionCheck[];
}

export function compileRuleset(options: RulesetOptions = {}): Ruleset {
  const definitions = new Map<string, { definition: RuleDefinition; source: string; path: string; builtin: boolean }>();
  if (options.builtins !== false) {
    const builtins = options.trailwatchResources
      ? withTrailwatchResources(BUILTIN_RULES, options.trailwatchResources)
      : BUILTIN_RULES;
    builtins.forEach((definition, i) => {
      definitions.set(definition.id, { definition, source: 'built-in rules', path: `[${i}]`, builtin: true });
    });
  }
  const files = options.files ?? [];
  for (const { source, content } of files) {
    content.rules?.forEach((definition, i) => {
      const existing = definitions.get(definition.id);
      if (existing) {
        throw new RulesError(
          source,
          `rules[${i}].id`,
          `rule "${definition.id}" is already defined in ${existing.source}; to change it, use overrides.${definition.id}`,
        );
      }
      definitions.set(definition.id, { definition, source, path: `rules[${i}]`, builtin: false });
    });
  }

  const severities = new Map<string, Severity>();
  const enabled = new Map<string, boolean>();
  const extraExceptions = new Map<string, Array<{ exceptions: RuleExceptions; source: string; path: string }>>();
  const globalExceptions: Array<{ exceptions: RuleExceptions; source: string; path: string }> = [];
  const requireKnown = (id: string, source: string, path: string) => {
    if (!definitions.has(id))
      throw new RulesError(source, path, `no rule has the id "${id}" (known: ${[...definitions.keys()].join(', ')})`);
  };
  for (const { source, content } of files) {
    for (const [id, override] of Object.entries(content.overrides ?? {})) {
      requireKnown(id, source, `overrides.${id}`);
      if (override.enabled !== undefined) enabled.set(id, override.enabled);
      if (override.severity) severities.set(id, override.severity);
      if (override.except) {
        const list = extraExceptions.get(id) ?? [];
        list.push({ exceptions: override.except, source, path: `overrides.${id}.except` });
        extraExceptions.set(id, list);
      }
    }
    if (content.except) globalExceptions.push({ exceptions: content.except, source, path: 'except' });
  }
  // DISABLED_RULES / --disable turn a rule off in every account (the operator's switch); SEVERITY_OVERRIDES /
  // --severity set the default severity, which account and OU scopes can still change.
  const switchedOff = new Set<string>();
  for (const id of options.disabled ?? []) {
    requireKnown(id, 'disabled rules', id);
    switchedOff.add(id);
  }
  for (const [id, severity] of Object.entries(options.severities ?? {})) {
    requireKnown(id, 'severity overrides', id);
    severities.set(id, severity);
  }
  const accountScopes = readAccountScopes(files);
  for (const scope of accountScopes.scopes) {
    for (const id of Object.keys(scope.overrides)) requireKnown(id, scope.source, `${scope.path}.overrides.${id}`);
  }

  // The file-wide `except` blocks apply to every rule: compiled once, not once per rule.
  const global = globalExceptions.map(({ exceptions, source: s, path: p }) => compileExceptions(exceptions, s, p));
  const ids: string[] = [];
  const matchers: Predicate[] = [];
  const baseStates: RuleState[] = [];
  const metadata: Array<Omit<ActiveRule, 'severity'>> = [];
  const needs: Array<PrefilterAlternative[] | null> = [];
  for (const { definition, source, path, builtin } of definitions.values()) {
    // A built-in rule as shipped is compiled when a record first reaches it (test/rules-builtin.test.ts compiles
    // every one, so none can fail later): a one-file scan meets few of them, and compiling all 46 was ~11 ms of
    // its start-up. Rules from files, and the self-protection rule filled in from the environment, are compiled
    // here, so their errors stop the start.
    const shipped = builtin && SHIPPED_RULES.has(definition);
    const matches = shipped
      ? predicateOnFirstUse(() => compilePattern(definition.match, source, `${path}.match`).matches)
      : inRule(definition.id, () => compilePattern(definition.match, source, `${path}.match`)).matches;
    const own = definition.except;
    const exceptions = inRule(definition.id, () => [
      ...(own
        ? [
            shipped
              ? checkOnFirstUse(() => compileExceptions(own, source, `${path}.except`))
              : compileExceptions(own, source, `${path}.except`),
          ]
        : []),
      ...(extraExceptions.get(definition.id) ?? []).map(({ exceptions, source: s, path: p }) =>
        compileExceptions(exceptions, s, p),
      ),
      ...global,
    ]);
    if (switchedOff.has(definition.id)) continue;
    ids.push(definition.id);
    matchers.push(matches);
    baseStates.push({
      enabled: enabled.get(definition.id) !== false,
      severity: severities.get(definition.id) ?? definition.severity,
      exceptions,
    });
    metadata.push({
      id: definition.id,
      title: definition.title,
      nextSteps: definition.nextSteps ?? [],
      builtin,
      ...(definition.description ? { description: definition.description } : {}),
    });
    needs.push(recordNeeds(definition.match));
  }

  const minRank = severityRank(options.minSeverity ?? 'info');
  const profileOf = (states: readonly RuleState[], accountName?: string): Profile =>
    states.map((state, i) =>
      state.enabled && severityRank(state.severity) >= minRank
        ? {
            rule: { ...metadata[i]!, severity: state.severity, ...(accountName ? { accountName } : {}) },
            excepted: anyOf(state.exceptions),
          }
        : null,
    );
  const base = profileOf(baseStates);
  const profiles = new Map<string, Profile>();
  // Each scope's exceptions compiled once, however many accounts it covers.
  const compiledScopes = new Map(accountScopes.scopes.map((scope) => [scope, compileScope(scope, ids)] as const));
  for (const account of profiledAccounts(accountScopes)) {
    const states = baseStates.map((state) => ({ ...state, exceptions: [...state.exceptions] }));
    for (const scope of scopesFor(account, accountScopes)) {
      const compiledScope = compiledScopes.get(scope)!;
      states.forEach((state, i) => {
        const override = scope.overrides[ids[i]!];
        if (override?.enabled !== undefined) state.enabled = override.enabled;
        if (override?.severity) state.severity = override.severity;
        const ruleExceptions = compiledScope.perRule.get(ids[i]!);
        if (ruleExceptions) state.exceptions.push(ruleExceptions);
        if (compiledScope.all) state.exceptions.push(compiledScope.all);
      });
    }
    profiles.set(account, profileOf(states, accountScopes.directory.get(account)?.name));
  }

  // The reader parses what any rule in any account can match: built by pushing, once per rule, so compiling stays
  // linear in the number of rules (a copy per rule made 40,000 rules take 22 s).
  let prefilter: PrefilterAlternative[] | null = [];
  const allProfiles = [base, ...profiles.values()];
  needs.forEach((need, i) => {
    if (!prefilter || !allProfiles.some((profile) => profile[i])) return;
    if (need) prefilter.push(...need);
    else prefilter = null;
  });
  // Rules off in every account are left out altogether, as they always were.
  const live = ids.map((_, i) => allProfiles.some((profile) => profile[i]));
  const keep = <T>(list: readonly T[]): T[] => list.filter((_, i) => live[i]);
  return new Ruleset(
    keep(matchers),
    keep(base),
    new Map([...profiles].map(([account, profile]) => [account, keep(profile)])),
    prefilter,
    keep(needs),
  );
}

/** A scope's exceptions: those of its `overrides.<id>.except` by rule id, and its `except` for every rule. */
function compileScope(
  scope: PlacedScope,
  ids: readonly string[],
): { perRule: Map<string, ExceptionCheck>; all: ExceptionCheck | undefined } {
  const perRule = new Map<string, ExceptionCheck>();
  for (const [id, override] of Object.entries(scope.overrides)) {
    if (override.except && ids.includes(id))
      perRule.set(id, compileExceptions(override.except, scope.source, `${scope.path}.overrides.${id}.except`));
  }
  const all = scope.except ? compileExceptions(scope.except, scope.source, `${scope.path}.except`) : undefined;
  return { perRule, all };
}

/** The built-in rule definitions as shipped (withTrailwatchResources replaces the self-protection one). */
const SHIPPED_RULES: ReadonlySet<RuleDefinition> = new Set(BUILTIN_RULES);

function predicateOnFirstUse(compile: () => Predicate): Predicate {
  let compiled: Predicate | undefined;
  return (value) => {
    compiled ??= compile();
    return compiled(value);
  };
}

function checkOnFirstUse(compile: () => ExceptionCheck): ExceptionCheck {
  let compiled: ExceptionCheck | undefined;
  return (event, view) => {
    compiled ??= compile();
    return compiled(event, view);
  };
}

function anyOf(checks: readonly ExceptionCheck[]): ExceptionCheck {
  // Most rules have no exception or one: asked for every match, so no list is walked for them.
  if (checks.length === 0) return NO_EXCEPTION;
  if (checks.length === 1) return checks[0]!;
  return (event, view) => {
    for (let i = 0; i < checks.length; i++) if (checks[i]!(event, view)) return true;
    return false;
  };
}

const NO_EXCEPTION: ExceptionCheck = () => false;

/** `compile()`, its rules error naming the rule by id as well as by place (`rules[3]` alone is hard to find in a long file). */
function inRule<T>(id: string, compile: () => T): T {
  try {
    return compile();
  } catch (error) {
    if (!(error instanceof RulesError)) throw error;
    const prefix = `${error.source}${error.path ? ` at ${error.path}` : ''}: `;
    const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    throw new RulesError(error.source, error.path, `${detail} (rule ${id})`);
  }
}

/** Compiles one `except` block into "does this exception silence the event?". */
function compileExceptions(exceptions: RuleExceptions, source: string, path: string): ExceptionCheck {
  const principals = (exceptions.principals ?? []).map((p) => compileWildcard(p));
  const invokedBy = (exceptions.invokedBy ?? []).map((p) => compileWildcard(p));
  const resources = (exceptions.resources ?? []).map((p) => compileWildcard(p));
  const patterns = (exceptions.patterns ?? []).map(
    (p, i) => compilePattern(p, source, `${path}.patterns[${i}]`).matches,
  );
  return (event, view) => {
    const { principal, resources: named } = event.facts;
    if (exceptions.awsServices && principal.isAwsService) return true;
    if (principals.length && principalArns(principal).some((arn) => principals.some((matches) => matches(arn))))
      return true;
    if (invokedBy.length && principal.invokedBy && invokedBy.some((matches) => matches(principal.invokedBy as string)))
      return true;
    if (
      resources.length &&
      named.length > 0 &&
      named.every((r) => resourceNames(r).some((name) => resources.some((matches) => matches(name))))
    )
      return true;
    return patterns.some((matches) => matches(view));
  };
}

function principalArns(principal: Principal): string[] {
  return [principal.arn, principal.roleArn].filter((arn): arn is string => typeof arn === 'string');
}

function resourceNames(resource: RdsResource): string[] {
  return resource.arn ? [resource.id, resource.arn] : [resource.id];
}
