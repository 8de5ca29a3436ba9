// The reader skips parsing records whose eventSource no active rule can match. These tests prove that
// this changes nothing: the alerts are exactly those of classifying every fully parsed record.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { scanLog, type ScanLogOptions } from '../shared/scan/scan-log.js';
import { compileRuleset, type Ruleset } from '../shared/rules/engine.js';
import { parseRulesFile } from '../shared/rules/rules-file.js';
import type { Alert } from '../shared/alerts/alert.js';
import { generateLogText } from '../bench/generate.js';
import { chunked, gzipRecords, gzipText } from './helpers/log-files.js';
import { loadRecord, recordFixtureNames } from './record-fixtures.js';

async function alertsOf(
  bytes: Uint8Array,
  ruleset: Ruleset,
  alsoParse?: ScanLogOptions['alsoParse'],
  chunkSizes?: number[],
) {
  const alerts: Alert[] = [];
  const scan = scanLog(chunked(bytes, chunkSizes), {
    file: 'test.json.gz',
    ruleset,
    ...(alsoParse ? { alsoParse } : {}),
  });
  for await (const item of scan) if (item.kind === 'event') alerts.push(...item.alerts);
  return { alerts, stats: scan.stats };
}

async function expectSameAlerts(bytes: Uint8Array, ruleset: Ruleset, chunkSizes?: number[]) {
  const prefiltered = await alertsOf(bytes, ruleset, undefined, chunkSizes);
  const everything = await alertsOf(bytes, ruleset, 'all', chunkSizes);
  expect(everything.stats.skipped).toBe(0);
  expect(prefiltered.alerts).toEqual(everything.alerts);
  return prefiltered;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json.gz') && !e.parentPath.includes('CloudTrail-Digest'))
    .map((e) => path.join(e.parentPath, e.name));
}

const builtins = compileRuleset();
const fixtureRecords = recordFixtureNames().map((name) => loadRecord(name));
const corpusDir = path.join(import.meta.dirname, 'fixtures', 'corpus', 'stratus-red-team');
const corpusRecords = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => JSON.parse(readFileSync(path.join(corpusDir, f), 'utf8')) as unknown[]);

describe('prefiltered scanning raises exactly the alerts of a full parse', () => {
  it('on the bundled sample day, skipping most records', async () => {
    let skipped = 0;
    let alerts = 0;
    for (const file of filesUnder(path.join(import.meta.dirname, '..', 'events', 'logs'))) {
      const result = await expectSameAlerts(readFileSync(file), builtins);
      skipped += result.stats.skipped;
      alerts += result.alerts.length;
    }
    expect(alerts).toBeGreaterThan(10);
    expect(skipped).toBeGreaterThan(300);
  });

  it('on every record fixture and the real Stratus Red Team corpus together', async () => {
    const result = await expectSameAlerts(gzipRecords([...fixtureRecords, ...corpusRecords]), builtins);
    expect(result.alerts.length).toBeGreaterThan(20);
  });

  it('on a generated benchmark-style file with large RDS responses and escaped strings', async () => {
    const { text } = generateLogText(2_000_000, 7);
    const result = await expectSameAlerts(gzipText(text), builtins);
    expect(result.stats.skipped).toBeGreaterThan(result.stats.delivered);
  });

  it('with a custom rule on another service, which widens what is parsed', async () => {
    const custom = parseRulesFile(
      'rules:\n  - { id: console-login, severity: medium, title: Console login, match: { eventSource: [signin.amazonaws.com], eventName: [ConsoleLogin] } }\n',
      'custom.yaml',
    );
    const ruleset = compileRuleset({ files: [{ source: 'custom.yaml', content: custom }] });
    const result = await expectSameAlerts(gzipRecords(corpusRecords), ruleset);
    expect(result.alerts.some((a) => a.rule === 'console-login')).toBe(true);
  });

  it('with a custom rule that leaves eventSource open, which turns the prefilter off', async () => {
    const custom = parseRulesFile(
      'rules:\n  - { id: any-failure, severity: low, title: Any failure, match: { errorCode: [{ exists: true }] } }\n',
      'open.yaml',
    );
    const ruleset = compileRuleset({ files: [{ source: 'open.yaml', content: custom }] });
    expect(ruleset.eventSources).toBeNull();
    const result = await expectSameAlerts(gzipRecords(corpusRecords), ruleset);
    expect(result.stats.skipped).toBe(0);
  });

  it('for random mixes of records, formatting and chunk sizes', async () => {
    const pool = [...fixtureRecords, ...corpusRecords];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(pool.length - 1), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 8 }),
        async (picks, pretty, chunkSizes) => {
          const text = JSON.stringify({ Records: picks.map((i) => pool[i]) }, null, pretty ? 2 : undefined);
          await expectSameAlerts(gzipText(text), builtins, chunkSizes);
        },
      ),
      { numRuns: 60 },
    );
  });
});
