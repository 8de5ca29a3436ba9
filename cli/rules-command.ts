// `trailwatch rules`: the rules that would run with these options, so a rules file can be checked.
import type { Ruleset } from '../shared/rules/engine.js';

export function printRules(ruleset: Ruleset, format: 'text' | 'json', out: (line: string) => void): void {
  for (const rule of ruleset.rules) {
    if (format === 'json') out(JSON.stringify(rule));
    else out(`${rule.severity.toUpperCase().padEnd(9)} ${rule.id.padEnd(36)} ${rule.title}${rule.builtin ? '' : '  (custom)'}`);
  }
}
