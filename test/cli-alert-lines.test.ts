// Issue 18: `scan` and `report` read the JSON Lines `trailwatch backfill --mode report` writes. The lines are made by
// the processor's own report-mode code (functions/processor/batch-report.ts, reportLines) from a sample log file.
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertLinesToLog } from '../cli/inputs/alert-lines.js';
import { classifyHead } from '../cli/inputs/sniff.js';
import { main } from '../cli/trailwatch.js';
import { REPORT_STORM_THRESHOLD, reportLines } from '../functions/processor/batch-report.js';
import { AlertCollector } from '../shared/alerts/storm.js';
import { loadRuleset } from '../cli/load-ruleset.js';
import { scanLog } from '../shared/scan/scan-log.js';
import { sampleLogKey } from './helpers/handler-invocation.js';
import { cloudTrailRecord } from './helpers/log-files.js';

const SAMPLE = path.join(import.meta.dirname, '..', 'events', 'logs');
/** The sample day's 15:13 file: the snapshot made public, and more. */
const FILE = path.join(SAMPLE, sampleLogKey('1513Z', 'txaXWHzL2pmFONLz'));

/** What the processor writes in report mode for one log file. */
async function alertLinesOf(file: string): Promise<string> {
  // The rules `scan` runs by default, so the two runs below compare like with like.
  const ruleset = await loadRuleset({ rules: [], disable: [] });
  const collector = new AlertCollector({ stormThreshold: REPORT_STORM_THRESHOLD });
  const scan = scanLog(
    (async function* () {
      yield readFileSync(file);
    })(),
    { file: `s3://trail/${path.basename(file)}`, ruleset },
  );
  for await (const item of scan)
    if (item.kind === 'event' && item.alerts.length > 0) collector.addAll(item.alerts, item.raw);
  return `${reportLines(collector.drain()).join('\n')}\n`;
}

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false, env: {} });
  return { code, out, err };
}

describe('alert lines as an input', () => {
  it('are recognised by their first line', () => {
    const line = JSON.stringify({ schemaVersion: 1, kind: 'alert', rule: 'x', record: cloudTrailRecord() });
    expect(classifyHead(line)).toEqual({ kind: 'alert-lines' });
    expect(classifyHead('{"level":"info","msg":"hello"}\n')).toEqual({
      kind: 'foreign',
      what: 'JSON without a Records or Events array',
    });
  });

  it('become a log of their records, each record once, summaries (no record) left out', () => {
    const a = cloudTrailRecord({ eventID: 'a' });
    const b = cloudTrailRecord({ eventID: 'b' });
    const text = [
      { schemaVersion: 1, kind: 'alert', rule: 'r1', record: a },
      { schemaVersion: 1, kind: 'alert', rule: 'r2', record: a },
      { schemaVersion: 1, kind: 'summary', rule: 'r3', record: null },
      { schemaVersion: 1, kind: 'alert', rule: 'r1', record: b },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const converted = alertLinesToLog(Buffer.from(text), 'x.jsonl', new Set());
    expect(JSON.parse(converted.log.toString())).toEqual({ Records: [a, b] });
    expect(converted).toMatchObject({ records: 2, duplicates: 1 });
  });

  it('name the file and the offset of a line that is not JSON', () => {
    const text = `${JSON.stringify({ schemaVersion: 1, rule: 'r', record: cloudTrailRecord() })}\n{not json\n`;
    expect(() => alertLinesToLog(Buffer.from(text), 'alerts/x.jsonl', new Set())).toThrow(
      expect.objectContaining({ code: 'NOT_JSON', location: { file: 'alerts/x.jsonl', offset: text.indexOf('{not') } }),
    );
  });
});

describe('scan and report over a folder of backfill alert lines', () => {
  it('scan raises the same alerts from the lines as from the log file itself', async () => {
    const file = FILE;
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-alert-lines-'));
    await mkdir(path.join(dir, 'job'), { recursive: true });
    await writeFile(path.join(dir, 'job', `${path.basename(file)}.jsonl`), await alertLinesOf(file));
    const fromLog = await run(['scan', '--format', 'json', file]);
    const fromLines = await run(['scan', '--format', 'json', dir]);
    const key = (line: string) => {
      const alert = JSON.parse(line) as { rule: string; eventID: string };
      return `${alert.rule} ${alert.eventID}`;
    };
    expect(fromLog.out.length).toBeGreaterThan(1);
    expect(fromLines.out.map(key).sort()).toEqual(fromLog.out.map(key).sort());
    expect(fromLines.code).toBe(0);
  });

  it('report draws a page from them', async () => {
    const file = FILE;
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-alert-lines-'));
    await writeFile(path.join(dir, 'a.jsonl'), await alertLinesOf(file));
    const output = path.join(dir, 'report.html');
    const result = await run(['report', dir, '-o', output]);
    expect(result.code).toBe(0);
    const page = await readFile(output, 'utf8');
    expect(page).toContain('rds-snapshot-public');
  });
});
