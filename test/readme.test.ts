import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_RULES } from '../shared/rules/builtin-rules.js';

const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  it('documents every built-in rule id with its severity', () => {
    for (const rule of BUILTIN_RULES) expect(readme).toContain(`| \`${rule.id}\` | ${rule.severity} |`);
  });

  it('gives the two commands that must work on a fresh machine', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
