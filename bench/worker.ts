// One measurement in a fresh process, so that peak RSS belongs to it alone:
//   node bench/out/worker.mjs <row-id> <file.json.gz>
// Prints one JSON line (WorkerReport) on stdout. Time covers the row's work only, not Node's start-up.

import { BASELINE_ROW, GUNZIP_ROWS, LIBRARY_ROWS, type RowOutput, type RowSpec } from './rows.js';
import { TRAILWATCH_ROWS } from './trailwatch.js';

export type WorkerReport =
  | ({ ok: true; row: string; seconds: number; maxRssBytes: number } & RowOutput)
  | { ok: false; row: string; error: string };

export const ALL_ROWS: readonly RowSpec[] = [...GUNZIP_ROWS, ...LIBRARY_ROWS, ...TRAILWATCH_ROWS, BASELINE_ROW];

async function main(): Promise<void> {
  const [rowId, file] = process.argv.slice(2);
  const row = ALL_ROWS.find((r) => r.id === rowId);
  if (!row || file === undefined) {
    throw new Error(`usage: worker.mjs <${ALL_ROWS.map((r) => r.id).join('|')}> <file.json.gz>`);
  }
  const started = performance.now();
  const output = await row.run(file);
  const seconds = (performance.now() - started) / 1000;
  // maxRSS is in KiB: the process's peak resident set, start-up included.
  const report: WorkerReport = { ok: true, row: row.id, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024, ...output };
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((err: unknown) => {
  const report: WorkerReport = { ok: false, row: process.argv[2] ?? '?', error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exitCode = 1;
});
