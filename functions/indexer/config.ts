// The indexer's environment, read and checked once at cold start (see functions/indexer/README.md).
import type { Ruleset } from '../../shared/rules/engine.js';
import {
  DEFAULT_INDEX_SCOPE,
  LOG_GROUP_NAME_PATTERN,
  INDEX_SCOPE_MEANINGS,
  INDEX_SCOPES,
  parseIndexScope,
  type IndexScope,
} from '../../shared/index/index.js';
import {
  EnvReader,
  integer,
  InvalidValue,
  readAwsClientSettings,
  type AwsClientSettings,
  type Env,
  type ValueParser,
} from '../lib/config.js';
import { compileRulesFromEnv, readRuleOptions, type RulesLoadOptions } from '../lib/rules-config.js';

/** Retention values are days; CloudWatch Logs' longest is 3,653 (10 years; PutRetentionPolicy, retentionInDays). */
export const MAX_RETENTION_DAYS = 3653;

export interface IndexerConfig {
  /** INDEX_LOG_GROUP: the log group every event is written to (it must exist: the template creates it). */
  logGroupName: string;
  /** INDEX_SCOPE: rds (default) or all (shared/index/scope.ts). */
  scope: IndexScope;
  /**
   * INDEX_RETENTION_DAYS: the group's retention, when set. Events older than it are rejected by CloudWatch Logs
   * ("preceding the log group's retention period"), so the age policy leaves them out before sending; unset,
   * only the service's own 14-day / 2-hour window is applied here, and anything the retention refuses comes back
   * in rejectedLogEventsInfo (reported the same way).
   */
  retentionDays: number | null;
  /**
   * The processor's rules (built-ins, RULES_FILE / RULES_YAML, DISABLED_RULES, SEVERITY_OVERRIDES), at every
   * severity: each index event lists the ids of the rules it raised (`trailwatch.alerts`), whatever the
   * processor's MIN_SEVERITY publishes.
   */
  ruleset: Ruleset;
  /** Where custom rules came from, for the cold-start log line. */
  rulesSources: string[];
  aws: AwsClientSettings;
}

export type LoadOptions = RulesLoadOptions;

export const logGroupName: ValueParser<string> = (value) => {
  if (!LOG_GROUP_NAME_PATTERN.test(value)) {
    throw new InvalidValue('must be a CloudWatch Logs log group name: 1-512 characters of letters, digits, . - _ / #');
  }
  return value;
};

export const indexScope: ValueParser<IndexScope> = (value) => {
  const scope = parseIndexScope(value);
  if (scope === undefined)
    throw new InvalidValue(`must be ${INDEX_SCOPES.map((s) => `${s} (${INDEX_SCOPE_MEANINGS[s]})`).join(' or ')}`);
  return scope;
};

export function loadIndexerConfig(env: Env, options: LoadOptions = {}): IndexerConfig {
  const reader = new EnvReader(env, 'trailwatch indexer');
  const group = reader.required('INDEX_LOG_GROUP', logGroupName, 'the CloudWatch Logs group the index is written to');
  const scope = reader.optional('INDEX_SCOPE', indexScope, DEFAULT_INDEX_SCOPE);
  const retentionDays = reader.optional('INDEX_RETENTION_DAYS', integer(1, MAX_RETENTION_DAYS), null);
  const ruleOptions = readRuleOptions(reader);
  const aws = readAwsClientSettings(reader);
  // Every rule, info included: the index records what each event raised, not what was published.
  const { ruleset, sources } = compileRulesFromEnv(reader, env, ruleOptions, { ...options, minSeverity: 'info' });
  reader.finish();
  // finish() threw if anything above was missing.
  return {
    logGroupName: group as string,
    scope,
    retentionDays,
    ruleset: ruleset as Ruleset,
    rulesSources: sources,
    aws,
  };
}
