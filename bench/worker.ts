// One measurement in a fresh process, so that peak RSS belongs to it alone:
//   node bench/out/worker.mjs <row-id> <file.json.gz>
// Prints one JSON line (WorkerReport) on stdout. Time covers the row's work only, not Node's start-up.

import { readFileSync } from 'node:fs';
import { ALL_ROWS } from './all-rows.js';
import type { RowOutput } from './rows.js';

export type WorkerReport =
  | ({ ok: true; row: string; seconds: number; maxRssBytes: number; rssSource: 'VmHWM' | 'maxRSS' } & RowOutput)
  | { ok: false; row: string; error: string };

/**
 * This process's peak resident set. On Linux, VmHWM of /proc/self/status: the high-water mark of the memory
 * this program mapped since exec. Not `process.resourceUsage().maxRSS` there: getrusage's ru_maxrss starts at
 * the *parent's* RSS when the child is forked (measured: a parent holding 400 MiB gives an idle child a
 * maxRSS of 403 MiB and a VmHWM of 42 MiB), so it would charge the bench's own memory to every row.
 */
function peakRss(): { bytes: number; source: 'VmHWM' | 'maxRSS' } {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return { bytes: Number(match[1]) * 1024, source: 'VmHWM' };
  } catch {
    // not Linux
  }
  return { bytes: process.resourceUsage().maxRSS * 1024, source: 'maxRSS' };
}

async function main(): Promise<void> {
  const [rowId, file] = process.argv.slice(2);
  const row = ALL_ROWS.find((r) => r.id === rowId);
  if (!row || file === undefined) {
    throw new Error(`usage: worker.mjs <${ALL_ROWS.map((r) => r.id).join('|')}> <file.json.gz>`);
  }
  const started = performance.now();
  const output = await row.run(file);
  const seconds = output.measuredSeconds ?? (performance.now() - started) / 1000;
  const rss = peakRss();
  const report: WorkerReport = {
    ok: true,
    row: row.id,
    seconds,
    maxRssBytes: rss.bytes,
    rssSource: rss.source,
    ...output,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((err: unknown) => {
  const report: WorkerReport = {
    ok: false,
    row: process.argv[2] ?? '?',
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exitCode = 1;
});
