// The rule options every function reads from its environment, the same way: DISABLED_RULES, SEVERITY_OVERRIDES,
// RULES_FILE (a YAML/JSON file bundled with the function) and RULES_YAML (inline), compiled into one Ruleset.
// The processor alerts with it; the indexer records in each index event which rules it raised. Reading them in
// one place keeps both functions raising the same rule ids from the same deploy parameters.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RulesError } from '../../shared/errors.js';
import { compileRuleset, type Ruleset } from '../../shared/rules/engine.js';
import { parseRulesFile } from '../../shared/rules/rules-file.js';
import type { RulesFile, Severity } from '../../shared/rules/types.js';
import type { TrailwatchResources } from '../../shared/rules/builtin/self-protection.js';
import { commaList, keyValueList, severity, type EnvReader, type Env } from './config.js';

export interface RuleOptions {
  /** DISABLED_RULES: rule ids turned off. */
  disabled: string[];
  /** SEVERITY_OVERRIDES: `rule-id=severity,...`. */
  severities: Record<string, Severity>;
}

export interface RulesLoadOptions {
  /** Where RULES_FILE is looked up: the function's code (LAMBDA_TASK_ROOT), else the working directory. */
  taskRoot?: string;
  readFile?: (file: string) => string;
}

export interface CompileRulesOptions extends RulesLoadOptions {
  /** Rules below this severity are not evaluated at all. */
  minSeverity: Severity;
  /** Other variables whose problems make compiling pointless (e.g. MIN_SEVERITY); their problems are already filed. */
  blockedBy?: readonly string[];
  /** The stack's own resources, for trailwatch-tampered (the processor's; other functions leave it inert). */
  trailwatchResources?: TrailwatchResources;
}

export interface RulesFromEnv {
  /** Undefined when a problem was filed (the reader's finish() throws then). */
  ruleset: Ruleset | undefined;
  /** Where custom rules came from, for the cold-start log line: `RULES_FILE rules.yaml`, `RULES_YAML`. */
  sources: string[];
}

/** DISABLED_RULES and SEVERITY_OVERRIDES. */
export function readRuleOptions(reader: EnvReader): RuleOptions {
  return {
    disabled: reader.optional('DISABLED_RULES', commaList, []),
    severities: reader.optional('SEVERITY_OVERRIDES', keyValueList(severity), {}),
  };
}

/** RULES_FILE then RULES_YAML, then the ruleset compiled with `ruleOptions`; every problem filed on `reader`. */
export function compileRulesFromEnv(
  reader: EnvReader,
  env: Env,
  ruleOptions: RuleOptions,
  options: CompileRulesOptions,
): RulesFromEnv {
  const files = readRulesFiles(reader, env, options);
  const sources = files.map((f) => f.source);
  const blockers = ['RULES_FILE', 'RULES_YAML', 'DISABLED_RULES', 'SEVERITY_OVERRIDES', ...(options.blockedBy ?? [])];
  if (blockers.some((v) => reader.hasProblem(v))) return { ruleset: undefined, sources };
  try {
    return {
      ruleset: compileRuleset({
        files,
        disabled: ruleOptions.disabled,
        severities: ruleOptions.severities,
        minSeverity: options.minSeverity,
        ...(options.trailwatchResources ? { trailwatchResources: options.trailwatchResources } : {}),
      }),
      sources,
    };
  } catch (error) {
    if (!(error instanceof RulesError)) throw error;
    reader.problem(variableOf(error.source), error.message);
    return { ruleset: undefined, sources };
  }
}

/** RULES_FILE (a YAML/JSON file bundled with the function) then RULES_YAML (inline), in that order. */
function readRulesFiles(
  reader: EnvReader,
  env: Env,
  options: RulesLoadOptions,
): Array<{ source: string; content: RulesFile }> {
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
      reader.problem(
        'RULES_FILE',
        `cannot read ${full}: ${code === 'ENOENT' ? 'no such file (paths are relative to the function code, LAMBDA_TASK_ROOT)' : (error as Error).message}`,
      );
    }
    if (text !== undefined) parseInto(reader, files, 'RULES_FILE', text, `RULES_FILE ${file}`);
  }
  const inline = reader.value('RULES_YAML');
  if (inline !== undefined) parseInto(reader, files, 'RULES_YAML', inline, 'RULES_YAML');
  return files;
}

function parseInto(
  reader: EnvReader,
  files: Array<{ source: string; content: RulesFile }>,
  variable: string,
  text: string,
  source: string,
): void {
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
