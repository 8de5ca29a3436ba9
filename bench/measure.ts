// Measuring the rows on one generated file: which rows run (and why others are skipped), their runs interleaved
// (run 1 of every row, then run 2, ...) so that a noisy neighbour slows all rows alike, each run a fresh worker;
// record counts checked against the generator's; the median run summarised.
import { constants as bufferConstants } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MEASURED_ROWS } from './all-rows.js';
import type { GeneratedFile, SizeName } from './generate.js';
import type { QuietMachine } from './machine.js';
import type { Options } from './options.js';
import { MB, progress } from './paths.js';
import type { RowSpec } from './rows.js';
import { runWorker } from './run-worker.js';
import type { WorkerReport } from './worker.js';

export type Success = Extract<WorkerReport, { ok: true }>;

export interface RowResult {
  size: SizeName;
  file: GeneratedFile;
  row: RowSpec;
  runs: Success[];
  /** Why the row has no (or fewer) numbers: skipped, failed, timed out. */
  note?: string;
  /** A record-count mismatch, or other sign that the row did not read the whole file. */
  warning?: string;
}

export interface Summary {
  seconds: number;
  mbPerSecond: number;
  recordsPerSecond: number | undefined;
  peakRssMB: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  if (s.length === 0) return NaN;
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

export function summarize(r: RowResult): Summary | undefined {
  if (r.runs.length === 0) return undefined;
  const seconds = median(r.runs.map((x) => x.seconds));
  const records = r.runs[0]?.records;
  return {
    seconds,
    mbPerSecond: r.file.bytes / MB / seconds,
    recordsPerSecond: records === undefined ? undefined : records / seconds,
    // The worst run: a peak is a peak.
    peakRssMB: Math.max(...r.runs.map((x) => x.maxRssBytes)) / MB,
  };
}

/** The rows for one file, with the reason for any that are skipped. */
export function plannedRows(
  opts: Options,
  size: SizeName,
  file: GeneratedFile,
  previous: RowResult[],
): { row: RowSpec; skip?: string }[] {
  const all = MEASURED_ROWS;
  // A row id selects that row; anything else selects the rows it is a prefix of ("gunzip", "trailwatch").
  const wanted = (row: RowSpec): boolean =>
    !opts.rows || opts.rows.some((w) => (all.some((r) => r.id === w) ? row.id === w : row.id.startsWith(w)));
  const rows: { row: RowSpec; skip?: string }[] = [];
  for (const row of all) {
    if (!wanted(row)) continue;
    if (row.kind === 'json-parse' && file.bytes > bufferConstants.MAX_STRING_LENGTH) {
      rows.push({
        row,
        skip: `n/a: ${(file.bytes / MB).toFixed(0)} MB of text is over V8's string limit (${bufferConstants.MAX_STRING_LENGTH.toLocaleString('en-US')} chars)`,
      });
    } else if (row.kind === 'streaming-library' && size === '1gb' && !opts.includeSlow) {
      const earlier = previous.find((p) => p.row.id === row.id && p.runs.length > 0);
      const rate = earlier ? summarize(earlier)?.mbPerSecond : undefined;
      const estimate = rate
        ? ` (~${rate.toFixed(0)} MB/s on ${earlier?.size}: ~${Math.round(file.bytes / MB / rate)} s a run)`
        : '';
      rows.push({ row, skip: `skipped: too slow for 1 GB${estimate}; --include-slow runs it` });
    } else rows.push({ row });
  }
  return rows;
}

export async function measureFile(
  opts: Options,
  quiet: QuietMachine,
  size: SizeName,
  file: GeneratedFile,
  previous: RowResult[],
): Promise<RowResult[]> {
  // Bring the compressed file into the page cache so the first run does not pay for the disk. Streamed, not
  // read whole: this process stays small, as a forked child starts out with its parent's pages.
  await pipeline(
    createReadStream(file.path, { highWaterMark: 1 << 20 }),
    new Writable({ write: (_chunk, _enc, cb) => cb() }),
  );
  const runs = opts.runs[size] ?? 3;
  const timeoutMs = (opts.timeoutSeconds ?? 30 + file.bytes / (2 * MB)) * 1000;
  const plan = plannedRows(opts, size, file, previous);
  const results: RowResult[] = plan.map(({ row, skip }) => ({
    size,
    file,
    row,
    runs: [],
    ...(skip ? { note: skip } : {}),
  }));
  const active = new Set(results.filter((r) => r.note === undefined));
  for (let run = 1; run <= runs && active.size > 0; run++) {
    for (const result of results) {
      if (!active.has(result)) continue;
      await quiet.beforeRun();
      const report = await runWorker(result.row.id, file.path, timeoutMs);
      if (!report.ok) {
        result.note = `failed: ${report.error.split('\n')[0] ?? ''}`;
        active.delete(result);
        progress(`  ${size} ${result.row.id} run ${run}: ${report.error}`);
        continue;
      }
      result.runs.push(report);
      progress(
        `  ${size} ${result.row.id} run ${run}/${runs}: ${(file.bytes / MB / report.seconds).toFixed(1)} MB/s, ${(report.maxRssBytes / MB).toFixed(0)} MB RSS`,
      );
      const warning = checkCounts(result.row, report, file);
      if (warning) result.warning = warning;
      // A row this slow says what it has to say in one run; do not spend minutes repeating it.
      if (run === 1 && runs > 1 && report.seconds > 60) {
        result.note = `1 run (${report.seconds.toFixed(0)} s)`;
        active.delete(result);
      }
    }
  }
  return results;
}

export function checkCounts(row: RowSpec, report: Success, file: GeneratedFile): string | undefined {
  const problems: string[] = [];
  if (report.bytesOut !== undefined && report.bytesOut !== file.bytes)
    problems.push(`${report.bytesOut} bytes, expected ${file.bytes}`);
  if (row.kind !== 'gunzip' && row.kind !== 'baseline' && report.records !== file.records)
    problems.push(`${report.records ?? 'no'} records, expected ${file.records}`);
  if (report.rdsRecords !== undefined && report.rdsRecords !== file.rdsRecords)
    problems.push(`${report.rdsRecords} RDS records, expected ${file.rdsRecords}`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}
