// Building the rule set from command-line options: built-ins, rules files, disables, minimum severity.
import { compileRuleset, type Ruleset } from '../shared/rules/engine.js';
import { DEFAULT_MIN_SEVERITY } from '../shared/rules/types.js';
import { UsageError } from './args.js';
import { readTextFile } from './node-fs.js';

export interface RuleOptions {
  rules?: string[];
  disable?: string[];
  'min-severity'?: string;
}

/**
 * The YAML parser (~300 KB of the bundle) is loaded only when a rules file or a severity has to be read: a plain
 * `trailwatch scan` starts without it.
 */
export async function loadRuleset(options: RuleOptions): Promise<Ruleset> {
  const disabledIds = (options.disable ?? [])
    .flatMap((list) => list.split(','))
    .map((id) => id.trim())
    .filter(Boolean);
  if ((options.rules ?? []).length === 0 && options['min-severity'] === undefined) {
    return compileRuleset({ files: [], disabled: disabledIds, minSeverity: DEFAULT_MIN_SEVERITY });
  }
  const { parseRulesFile, parseSeverity } = await import('../shared/rules/rules-file.js');
  const files = [];
  for (const source of options.rules ?? []) {
    const text = await readTextFile(source).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--rules ${source}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    files.push({ source, content: parseRulesFile(text, source) });
  }
  const disabled = disabledIds;
  const minSeverity = parseSeverity(options['min-severity'] ?? DEFAULT_MIN_SEVERITY, '--min-severity', '');
  return compileRuleset({ files, disabled, minSeverity });
}
