// `trailwatch rules`: the rules that would run with these options, so a rules file can be checked.
import type { Ruleset } from '../shared/rules/engine.js';
import { safePrinter } from './terminal-text.js';

export function printRules(ruleset: Ruleset, format: 'text' | 'json', print: (line: string) => void): void {
  // Titles come from rules files, which may come from anyone: escaped before they reach the terminal.
  const out = safePrinter(print);
  for (const rule of ruleset.rules) {
    if (format === 'json') out(JSON.stringify(rule));
    else
      out(
        `${rule.severity.toUpperCase().padEnd(9)} ${rule.id.padEnd(36)} ${rule.title}${rule.builtin ? '' : '  (custom)'}`,
      );
  }
}
