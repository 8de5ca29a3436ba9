// `trailwatch rules import-sigma FILE|DIR...`: Sigma rules for CloudTrail in, a trailwatch rules file out
// (stdout, or --out FILE), and on stderr one line per rule that could not be converted, with the reason, and
// the notes on those that were. The output is checked by loading it as `--rules` would before it is written.
import { readFileSync, readdirSync, type Stats, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { compileRuleset } from '../shared/rules/engine.js';
import { parseRulesFile } from '../shared/rules/rules-file.js';
import { UsageError } from './find-log-files.js';
import { convertSigmaText, uniqueIds, type SigmaConversion } from './sigma-import.js';

export const IMPORT_SIGMA_USAGE = `  trailwatch rules import-sigma FILE|DIR... [--out FILE]
      Convert Sigma rules (logsource product aws, service cloudtrail) into a trailwatch rules file for --rules.
      Rules that cannot be converted exactly are listed on stderr with the reason.`;

export interface ImportIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Exit status: 0 every rule converted, 1 some refused (the others are still written), 2 usage error. */
export function runImportSigma(args: string[], io: ImportIo): number {
  const parsed = parseImportFlags(args);
  if (parsed.positionals.length === 0) throw new UsageError('import-sigma needs a Sigma rule file or folder');
  const files = parsed.positionals.flatMap((p) => sigmaFiles(p));
  const conversions = files.flatMap((file) => convertSigmaText(readFileSync(file, 'utf8'), file));
  uniqueIds(conversions);
  const text = renderRulesFile(conversions);
  // The output must load exactly as `--rules` loads it; a failure here is a converter bug, not the user's.
  compileRuleset({
    builtins: false,
    files: [{ source: 'converted Sigma rules', content: parseRulesFile(text, 'converted Sigma rules') }],
  });
  if (parsed.values.out) writeFileSync(parsed.values.out, text);
  else io.out(text.trimEnd());
  for (const c of conversions) {
    if (c.refused) io.err(`not converted: ${c.source}: ${c.title}: ${c.refused}`);
    for (const note of c.notes) io.err(`note: ${c.source}: ${c.rule?.id ?? c.title}: ${note}`);
  }
  const converted = conversions.filter((c) => c.rule).length;
  io.err(
    `${converted} of ${conversions.length} Sigma rules converted${parsed.values.out ? ` into ${parsed.values.out}` : ''}.`,
  );
  return converted === conversions.length ? 0 : 1;
}

export function renderRulesFile(conversions: SigmaConversion[]): string {
  const header = [
    '# trailwatch rules converted from Sigma rules by `trailwatch rules import-sigma`.',
    '# Sigma matches strings case-insensitively; so do these, except eventSource and eventName (exact: CloudTrail',
    '# writes them in one case) and contains/wildcard matches (case-sensitive; the converter printed a note for each).',
    ...conversions.filter((c) => c.rule).map((c) => `#   ${c.rule?.id}  <-  ${c.source}`),
  ];
  const rules = conversions.flatMap((c) => (c.rule ? [c.rule] : []));
  return `${header.join('\n')}\n${stringify({ rules }, { lineWidth: 0 })}`;
}

function parseImportFlags(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function sigmaFiles(target: string): string[] {
  let stat: Stats;
  try {
    stat = statSync(target);
  } catch {
    throw new UsageError(`${target}: no such file or folder`);
  }
  if (!stat.isDirectory()) return [target];
  return readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(target, entry.name);
      if (entry.isDirectory()) return sigmaFiles(full);
      return /\.ya?ml$/i.test(entry.name) ? [full] : [];
    });
}
