// The processor's environment, read and checked once at cold start (see functions/processor/README.md).
import { severityRank, type Ruleset } from '../../shared/rules/engine.js';
import { DEFAULT_MIN_SEVERITY, type Severity } from '../../shared/rules/types.js';
import { DEFAULT_STORM_THRESHOLD } from '../../shared/alerts/index.js';
import type { TrailwatchResources } from '../../shared/rules/builtin/self-protection.js';
import {
  EnvReader,
  integer,
  InvalidValue,
  readAwsClientSettings,
  severity,
  snsTopicArn,
  type AwsClientSettings,
  type Env,
  type ValueParser,
} from '../lib/config.js';
import { compileRulesFromEnv, readRuleOptions, type RulesLoadOptions } from '../lib/rules-config.js';
import { readTrailwatchResources } from './self-resources.js';

export interface ProcessorConfig {
  /** ALERT_TOPIC_ARN: people's topic, messages with MessageStructure json (email text + JSON default). */
  alertTopicArn: string;
  /** MIN_SEVERITY: the least severe alert published to the alert topic. */
  minSeverity: Severity;
  /** ALERT_EVENTS_TOPIC_ARN: machine subscribers' topic, one String message (the alert JSON) per alert. */
  eventsTopicArn: string | undefined;
  /** ALERT_EVENTS_MIN_SEVERITY: the least severe alert published to the events topic (default MIN_SEVERITY). */
  eventsMinSeverity: Severity;
  /** ALERT_STORM_THRESHOLD: more alerts of one rule in one file than this become one summary alert. */
  stormThreshold: number;
  /** Built-in rules, RULES_FILE and RULES_YAML, DISABLED_RULES and SEVERITY_OVERRIDES applied. */
  ruleset: Ruleset;
  /** Where custom rules came from, for the cold-start log line. */
  rulesSources: string[];
  /**
   * ALERT_DEDUPE_TABLE: the DynamoDB table that remembers which alerts were published (README.md, "Exactly-once
   * alerts and the fast path"). Unset: no dedupe; every delivery of a record publishes its alerts, as before.
   */
  dedupeTable: string | undefined;
  /**
   * CLOUDTRAIL_PUBLIC_KEYS_FILE (optional, local runs): digests are checked with the keys in this `aws cloudtrail
   * list-public-keys` JSON file instead of ListPublicKeys (`npm start` over the sample day, signed with a TEST key).
   */
  publicKeysFile: string | undefined;
  /** The stack's own resources trailwatch-tampered watches (TRAILWATCH_* variables, the topics, this function). */
  trailwatchResources: TrailwatchResources;
  aws: AwsClientSettings;
}

/**
 * A DynamoDB table name: 3-255 letters, digits, `_`, `-` and `.`
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html).
 */
export const dynamoDbTableName: ValueParser<string> = (value) => {
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(value))
    throw new InvalidValue('must be a DynamoDB table name (3-255 letters, digits, _ - .), not an ARN');
  return value;
};

/** Where RULES_FILE is looked up (the function's code, LAMBDA_TASK_ROOT, by default) and how it is read. */
export type LoadOptions = RulesLoadOptions;

export function loadProcessorConfig(env: Env, options: LoadOptions = {}): ProcessorConfig {
  const reader = new EnvReader(env, 'trailwatch processor');
  const alertTopicArn = reader.required('ALERT_TOPIC_ARN', snsTopicArn, 'the SNS topic alerts are published to');
  const minSeverity = reader.optional('MIN_SEVERITY', severity, DEFAULT_MIN_SEVERITY);
  const eventsTopicArn = reader.optional('ALERT_EVENTS_TOPIC_ARN', snsTopicArn, undefined);
  const eventsMinSeverity = reader.optional('ALERT_EVENTS_MIN_SEVERITY', severity, minSeverity);
  if (
    reader.value('ALERT_EVENTS_MIN_SEVERITY') !== undefined &&
    !eventsTopicArn &&
    !reader.hasProblem('ALERT_EVENTS_TOPIC_ARN')
  ) {
    reader.problem(
      'ALERT_EVENTS_MIN_SEVERITY',
      'set, but ALERT_EVENTS_TOPIC_ARN is not: there is no events topic to apply it to',
    );
  }
  const stormThreshold = reader.optional('ALERT_STORM_THRESHOLD', integer(1, 10_000), DEFAULT_STORM_THRESHOLD);
  const dedupeTable = reader.optional('ALERT_DEDUPE_TABLE', dynamoDbTableName, undefined);
  const publicKeysFile = reader.optional('CLOUDTRAIL_PUBLIC_KEYS_FILE', (value) => value, undefined);
  const ruleOptions = readRuleOptions(reader);
  const trailwatchResources = readTrailwatchResources(reader, [alertTopicArn, eventsTopicArn]);
  const aws = readAwsClientSettings(reader);

  // Rules below both floors cannot reach either topic: they are not evaluated at all.
  const floor =
    severityRank(eventsTopicArn ? eventsMinSeverity : minSeverity) < severityRank(minSeverity)
      ? eventsMinSeverity
      : minSeverity;
  const { ruleset, sources } = compileRulesFromEnv(reader, env, ruleOptions, {
    ...options,
    minSeverity: floor,
    blockedBy: ['MIN_SEVERITY', 'ALERT_EVENTS_MIN_SEVERITY'],
    trailwatchResources,
  });
  reader.finish();
  // finish() threw if anything above was missing.
  return {
    alertTopicArn: alertTopicArn as string,
    minSeverity,
    eventsTopicArn,
    eventsMinSeverity: eventsTopicArn ? eventsMinSeverity : minSeverity,
    stormThreshold,
    publicKeysFile,
    ruleset: ruleset as Ruleset,
    rulesSources: sources,
    dedupeTable,
    trailwatchResources,
    aws,
  };
}
