// The processor's environment, read and checked once at cold start (see functions/processor/README.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RulesError } from '../../shared/errors.js';
import { compileRuleset, severityRank, type Ruleset } from '../../shared/rules/engine.js';
import { parseRulesFile } from '../../shared/rules/rules-file.js';
import type { RulesFile, Severity } from '../../shared/rules/types.js';
import {
  commaList,
  EnvReader,
  integer,
  keyValueList,
  readAwsClientSettings,
  severity,
  snsTopicArn,
  type AwsClientSettings,
  type Env,
} from '../lib/config.js';

/** As `trailwatch scan`: info-level rules stay quiet unless asked for. */
export const DEFAULT_MIN_SEVERITY: Severity = 'low';
export const DEFAULT_STORM_THRESHOLD = 20;

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
  aws: AwsClientSettings;
}

export interface LoadOptions {
  /** Where RULES_FILE is looked up: the function's code (LAMBDA_TASK_ROOT), else the working directory. */
  taskRoot?: string;
  readFile?: (file: string) => string;
}

export function loadProcessorConfig(env: Env, options: LoadOptions = {}): ProcessorConfig {
  const reader = new EnvReader(env, 'trailwatch processor');
  const alertTopicArn = reader.required('ALERT_TOPIC_ARN', snsTopicArn, 'the SNS topic alerts are published to');
  const minSeverity = reader.optional('MIN_SEVERITY', severity, DEFAULT_MIN_SEVERITY);
  const eventsTopicArn = reader.optional('ALERT_EVENTS_TOPIC_ARN', snsTopicArn, undefined);
  const eventsMinSeverity = reader.optional('ALERT_EVENTS_MIN_SEVERITY', severity, minSeverity);
  if (reader.value('ALERT_EVENTS_MIN_SEVERITY') !== undefined && !eventsTopicArn && !reader.hasProblem('ALERT_EVENTS_TOPIC_ARN')) {
    reader.problem('ALERT_EVENTS_MIN_SEVERITY', 'set, but ALERT_EVENTS_TOPIC_ARN is not: there is no events topic to apply it to');
  }
  const stormThreshold = reader.optional('ALERT_STORM_THRESHOLD', integer(1, 10_000), DEFAULT_STORM_THRESHOLD);
  const disabled = reader.optional('DISABLED_RULES', commaList, []);
  const severities = reader.optional('SEVERITY_OVERRIDES', keyValueList(severity), {});
  const aws = readAwsClientSettings(reader);

  const files = readRulesFiles(reader, env, options);
  let ruleset: Ruleset | undefined;
  const rulesProblem = ['RULES_FILE', 'RULES_YAML', 'DISABLED_RULES', 'SEVERITY_OVERRIDES', 'MIN_SEVERITY', 'ALERT_EVENTS_MIN_SEVERITY'].some((v) => reader.hasProblem(v));
  if (!rulesProblem) {
    // Rules below both floors cannot reach either topic: they are not evaluated at all.
    const floor = severityRank(eventsTopicArn ? eventsMinSeverity : minSeverity) < severityRank(minSeverity) ? eventsMinSeverity : minSeverity;
    try {
      ruleset = compileRuleset({ files, disabled, severities, minSeverity: floor });
    } catch (error) {
      if (!(error instanceof RulesError)) throw error;
      reader.problem(variableOf(error.source), error.message);
    }
  }
  reader.finish();
  // finish() threw if anything above was missing.
  return {
    alertTopicArn: alertTopicArn as string,
    minSeverity,
    eventsTopicArn,
    eventsMinSeverity: eventsTopicArn ? eventsMinSeverity : minSeverity,
    stormThreshold,
    ruleset: ruleset as Ruleset,
    rulesSources: files.map((f) => f.source),
    aws,
  };
}

/** RULES_FILE (a YAML/JSON file bundled with the function) then RULES_YAML (inline), in that order. */
function readRulesFiles(reader: EnvReader, env: Env, options: LoadOptions): Array<{ source: string; content: RulesFile }> {
  const files: Array<{ source: string; content: RulesFile }> = [];
  const file = reader.value('RULES_FILE');
  if (file !== undefined) {
    const root = options.taskRoot ?? env.LAMBDA_TASK_ROOT ?? process.cwd();
    const full = path.resolve(root, file);
    let text: string | undefined;
    try {
      text = (options.readFile ?? ((f: string) => readFileSync(f, 'utf8')))(full);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      reader.problem('RULES_FILE', `cannot read ${full}: ${code === 'ENOENT' ? 'no such file (paths are relative to the function code, LAMBDA_TASK_ROOT)' : (error as Error).message}`);
    }
    if (text !== undefined) parseInto(reader, files, 'RULES_FILE', text, `RULES_FILE ${file}`);
  }
  const inline = reader.value('RULES_YAML');
  if (inline !== undefined) parseInto(reader, files, 'RULES_YAML', inline, 'RULES_YAML');
  return files;
}

function parseInto(reader: EnvReader, files: Array<{ source: string; content: RulesFile }>, variable: string, text: string, source: string): void {
  try {
    files.push({ source, content: parseRulesFile(text, source) });
  } catch (error) {
    if (!(error instanceof RulesError)) throw error;
    reader.problem(variable, error.message);
  }
}

/** The variable a RulesError from compileRuleset points at (its `source`). */
function variableOf(source: string): string {
  if (source === 'disabled rules') return 'DISABLED_RULES';
  if (source === 'severity overrides') return 'SEVERITY_OVERRIDES';
  if (source.startsWith('RULES_FILE')) return 'RULES_FILE';
  if (source.startsWith('RULES_YAML')) return 'RULES_YAML';
  return 'RULES';
}
