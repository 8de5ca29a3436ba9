// Building the rule set from command-line options: built-ins, rules files, disables, minimum severity.
import { readFile } from 'node:fs/promises';
import { compileRuleset, type Ruleset } from '../shared/rules/engine.js';
import { parseRulesFile, parseSeverity } from '../shared/rules/rules-file.js';
import { DEFAULT_MIN_SEVERITY } from './defaults.js';
import { UsageError } from './args.js';

export interface RuleOptions {
  rules?: string[];
  disable?: string[];
  'min-severity'?: string;
}

export { DEFAULT_MIN_SEVERITY };

export async function loadRuleset(options: RuleOptions): Promise<Ruleset> {
  const files = [];
  for (const source of options.rules ?? []) {
    const text = await readFile(source, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--rules ${source}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    files.push({ source, content: parseRulesFile(text, source) });
  }
  const disabled = (options.disable ?? []).flatMap((list) => list.split(',')).map((id) => id.trim()).filter(Boolean);
  const minSeverity = parseSeverity(options['min-severity'] ?? DEFAULT_MIN_SEVERITY, '--min-severity', '');
  return compileRuleset({ files, disabled, minSeverity });
}
