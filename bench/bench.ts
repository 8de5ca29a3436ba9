// `npm run bench`: trailwatch against the floor (raw streaming gunzip), JSON.parse of the whole file and the
// streaming JSON libraries a TypeScript user would pick, on generated CloudTrail files, all in one run.
//
//   npm run bench                         5 MB, 100 MB and 1 GB files; 5, 5 and 3 runs per row
//   npm run bench -- --quick              5 MB and 100 MB, 3 runs per row
//   npm run bench -- --sizes 100mb --runs 7 --rows gunzip-256k,trailwatch
//   npm run bench -- --include-slow       also run stream-json and @streamparser/json on the 1 GB file
//   npm run bench -- --generate-only      just (re)generate the files in bench/out/
//   npm run bench -- --quick --profile    then CPU-profile one run of the target row: where its time goes
//
// Every run of every row is a fresh child process (bench/worker.ts), so peak RSS is that measurement's own.
// Runs of the rows are interleaved (run 1 of every row, then run 2, ...) so that a noisy neighbour on this
// machine slows all rows alike instead of one; the median run is reported.

import { spawn } from 'node:child_process';
import { constants as bufferConstants } from 'node:buffer';
import { createReadStream, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { describeFile, ensureLogFile, isSizeName, SIZES, type GeneratedFile, type SizeName } from './generate.js';
import { BASELINE_ROW, GUNZIP_ROWS, LIBRARY_ROWS, LIBRARY_GUNZIP_CHUNK, type RowSpec } from './rows.js';
import { PRIMARY_TRAILWATCH_ROW, TRAILWATCH_PENDING, TRAILWATCH_ROWS } from './trailwatch.js';
import { buildProcessorBundle, PROCESSOR_ROW, PROCESSOR_ROWS, processorTargetChecks } from './processor.js';
import { buildIndexerBundle, INDEXER_ROW, INDEXER_ROWS } from './indexer.js';
import type { WorkerReport } from './worker.js';
import { startupLines } from './startup.js';

const OUT_DIR = fileURLToPath(new URL('.', import.meta.url));
// Each bench run bundles its own worker beside this bundle (same folder, so paths relative to the bundle hold):
// another run started meanwhile in this checkout cannot swap the code under it.
const WORKER = `${OUT_DIR}worker-${process.pid}.mjs`;
const WORKER_SOURCE = fileURLToPath(new URL('../worker.ts', import.meta.url));
const LOCK = `${OUT_DIR}bench.lock`;
const MB = 1e6;

/** Targets from the issue, checked on these files. */
const TARGETS = { ratioToGunzip: 0.4, timesFastestStreamingLibrary: 5, maxRssMB: 150 } as const;

interface Options {
  sizes: SizeName[];
  runs: Partial<Record<SizeName, number>>;
  rows: string[] | undefined;
  includeSlow: boolean;
  waitForQuiet: boolean;
  generateOnly: boolean;
  timeoutSeconds: number | undefined;
  strict: boolean;
  /** The row to CPU-profile after the table, if any (--profile: the target row; --profile-row ID: that one). */
  profile: string | undefined;
}

const ALL_ROW_IDS = [...GUNZIP_ROWS, ...LIBRARY_ROWS, ...TRAILWATCH_ROWS, ...PROCESSOR_ROWS, ...INDEXER_ROWS].map(
  (r) => r.id,
);

const USAGE = `usage: npm run bench -- [--quick] [--sizes 5mb,100mb,1gb] [--runs N] [--rows id,...] [--include-slow]
                        [--timeout SECONDS] [--no-wait] [--generate-only] [--strict] [--profile] [--profile-row ID]
rows: ${ALL_ROW_IDS.join(', ')} (or a prefix: gunzip, trailwatch, processor, indexer)`;

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    sizes: ['5mb', '100mb', '1gb'],
    runs: { '5mb': 5, '100mb': 7, '1gb': 3 },
    rows: undefined,
    includeSlow: false,
    waitForQuiet: true,
    generateOnly: false,
    timeoutSeconds: undefined,
    strict: false,
    profile: undefined,
  };
  let runsOverride: number | undefined;
  let sizesGiven = false;
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--quick':
        if (!sizesGiven) opts.sizes = ['5mb', '100mb'];
        opts.runs = { '5mb': 3, '100mb': 3, '1gb': 1 };
        break;
      case '--sizes': {
        const sizes = value(i++, arg)
          .split(',')
          .map((s) => s.trim().toLowerCase());
        const bad = sizes.filter((s) => !isSizeName(s));
        if (bad.length > 0 || sizes.length === 0)
          throw new Error(`unknown size ${bad.join(', ')}: use ${Object.keys(SIZES).join(', ')}\n${USAGE}`);
        opts.sizes = sizes.filter(isSizeName);
        sizesGiven = true;
        break;
      }
      case '--runs': {
        const n = Number(value(i++, arg));
        if (!Number.isInteger(n) || n < 1 || n > 50)
          throw new Error(`--runs must be an integer from 1 to 50\n${USAGE}`);
        runsOverride = n;
        break;
      }
      case '--rows':
        opts.rows = value(i++, arg)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--timeout': {
        const n = Number(value(i++, arg));
        if (!(n > 0)) throw new Error(`--timeout must be a number of seconds\n${USAGE}`);
        opts.timeoutSeconds = n;
        break;
      }
      case '--include-slow':
        opts.includeSlow = true;
        break;
      case '--no-wait':
        opts.waitForQuiet = false;
        break;
      case '--generate-only':
        opts.generateOnly = true;
        break;
      case '--strict':
        opts.strict = true;
        break;
      case '--profile':
        opts.profile = PRIMARY_TRAILWATCH_ROW;
        break;
      case '--profile-row': {
        const id = value(i++, arg);
        if (!ALL_ROW_IDS.includes(id)) throw new Error(`unknown row ${id}\n${USAGE}`);
        opts.profile = id;
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  if (runsOverride !== undefined) opts.runs = { '5mb': runsOverride, '100mb': runsOverride, '1gb': runsOverride };
  opts.sizes = (Object.keys(SIZES) as SizeName[]).filter((s) => opts.sizes.includes(s));
  return opts;
}

// ---------------------------------------------------------------------------------------------------------

type Success = Extract<WorkerReport, { ok: true }>;

interface RowResult {
  size: SizeName;
  file: GeneratedFile;
  row: RowSpec;
  runs: Success[];
  /** Why the row has no (or fewer) numbers: skipped, failed, timed out. */
  note?: string;
  /** A record-count mismatch, or other sign that the row did not read the whole file. */
  warning?: string;
}

interface Summary {
  seconds: number;
  mbPerSecond: number;
  recordsPerSecond: number | undefined;
  peakRssMB: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  if (s.length === 0) return NaN;
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

function summarize(r: RowResult): Summary | undefined {
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

function runWorker(rowId: string, file: string, timeoutMs: number, nodeArgs: string[] = []): Promise<WorkerReport> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, WORKER, rowId, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, row: rowId, error: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut)
        return resolve({ ok: false, row: rowId, error: `timed out after ${Math.round(timeoutMs / 1000)} s` });
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as WorkerReport);
      } catch {
        const last = stderr.trim().split('\n').slice(-3).join(' | ');
        resolve({
          ok: false,
          row: rowId,
          error: `worker exited (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}`,
        });
      }
    });
  });
}

/** Time spent waiting for other processes to leave the CPUs alone (reported under the table). */
let quietWaitMs = 0;
let busyRuns = 0;

/** Fraction of all CPUs busy over `ms`, from /proc/stat; undefined where there is none. */
async function busyFraction(ms: number): Promise<number | undefined> {
  const sample = async (): Promise<number[] | undefined> => {
    try {
      const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0] ?? '';
      return line.trim().split(/\s+/).slice(1).map(Number);
    } catch {
      return undefined;
    }
  };
  const a = await sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = await sample();
  if (!a || !b) return undefined;
  const delta = b.map((v, i) => v - (a[i] ?? 0));
  const total = delta.reduce((x, y) => x + y, 0);
  const idle = (delta[3] ?? 0) + (delta[4] ?? 0); // idle + iowait
  return total > 0 ? 1 - idle / total : undefined;
}

/**
 * This machine is shared (2 cores, other people's test suites): before a run, wait until other processes leave
 * two cores free (within half a core), as a run keeps the main thread and an inflate thread busy; for 30 s at
 * most. Returns the time waited.
 */
async function waitForQuietMachine(): Promise<number> {
  const started = performance.now();
  const cores = os.cpus().length;
  for (;;) {
    const busy = await busyFraction(300);
    if (busy === undefined || busy * cores <= Math.max(0.5, cores - 1.5)) return performance.now() - started;
    if (performance.now() - started > 30_000) {
      busyRuns++;
      return performance.now() - started;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One bench at a time in this checkout: two at once would measure each other (2 cores) and share bench/out.
 * Waits for a running one (30 minutes at most); a lock left by a dead process is taken over.
 */
async function acquireLock(): Promise<void> {
  const started = performance.now();
  let announced = false;
  for (;;) {
    try {
      await writeFile(LOCK, `${process.pid}\n`, { flag: 'wx' });
      process.on('exit', () => {
        rmSync(LOCK, { force: true });
        rmSync(WORKER, { force: true });
      });
      for (const [signal, code] of [
        ['SIGINT', 130],
        ['SIGTERM', 143],
      ] as const)
        process.once(signal, () => process.exit(code));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number((await readFile(LOCK, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
      await rm(LOCK, { force: true });
      continue;
    }
    if (performance.now() - started > 30 * 60_000)
      throw new Error(`another bench run (pid ${holder}) has held ${LOCK} for 30 minutes`);
    if (!announced)
      progress(`waiting for another bench run (pid ${holder}) to finish: two at once would measure each other`);
    announced = true;
    await new Promise((r) => setTimeout(r, 5000));
  }
}

async function buildWorker(): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [WORKER_SOURCE],
    outfile: WORKER,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The rows for one file, with the reason for any that are skipped. */
function plannedRows(
  opts: Options,
  size: SizeName,
  file: GeneratedFile,
  previous: RowResult[],
): { row: RowSpec; skip?: string }[] {
  const all = [...GUNZIP_ROWS, ...LIBRARY_ROWS, ...TRAILWATCH_ROWS, ...PROCESSOR_ROWS, ...INDEXER_ROWS];
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

async function measureFile(
  opts: Options,
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
      // At most 10 minutes of waiting in a whole bench run; after that, runs start whatever the load.
      if (opts.waitForQuiet && quietWaitMs < 600_000) quietWaitMs += await waitForQuietMachine();
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

function checkCounts(row: RowSpec, report: Success, file: GeneratedFile): string | undefined {
  const problems: string[] = [];
  if (report.bytesOut !== undefined && report.bytesOut !== file.bytes)
    problems.push(`${report.bytesOut} bytes, expected ${file.bytes}`);
  if (row.kind !== 'gunzip' && row.kind !== 'baseline' && report.records !== file.records)
    problems.push(`${report.records ?? 'no'} records, expected ${file.records}`);
  if (report.rdsRecords !== undefined && report.rdsRecords !== file.rdsRecords)
    problems.push(`${report.rdsRecords} RDS records, expected ${file.rdsRecords}`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Report

function fmtRate(mbps: number): string {
  return mbps >= 100 ? mbps.toFixed(0) : mbps >= 10 ? mbps.toFixed(1) : mbps.toFixed(2);
}

function fmtCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} k`;
  return n.toFixed(0);
}

function floorOf(results: RowResult[], size: SizeName): { row: RowResult; summary: Summary } | undefined {
  let best: { row: RowResult; summary: Summary } | undefined;
  for (const r of results) {
    if (r.size !== size || r.row.kind !== 'gunzip') continue;
    const s = summarize(r);
    if (s && (!best || s.mbPerSecond > best.summary.mbPerSecond)) best = { row: r, summary: s };
  }
  return best;
}

function table(results: RowResult[]): string {
  const lines = [
    '| file | row | MB/s | records/s | × raw gunzip | peak RSS MB | runs (MB/s range) |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of results) {
    const s = summarize(r);
    const floor = floorOf(results, r.size);
    const isFloor = floor?.row === r;
    const label = `${r.row.label}${isFloor ? ' **(floor)**' : ''}${r.row.id === PRIMARY_TRAILWATCH_ROW ? ' **(target row)**' : ''}`;
    const notes = [r.runs[0]?.detail, r.note, r.warning ? `⚠ ${r.warning}` : undefined].filter(Boolean).join('; ');
    if (!s) {
      lines.push(`| ${r.size} | ${label} | ${notes} | | | | |`);
      continue;
    }
    const ratio = floor ? `${(s.mbPerSecond / floor.summary.mbPerSecond).toFixed(2)}×` : '–';
    const rates = r.runs.map((x) => r.file.bytes / MB / x.seconds);
    const spread = r.runs.length > 1 ? ` (${fmtRate(Math.min(...rates))}–${fmtRate(Math.max(...rates))})` : '';
    const runs = `${r.runs.length}${spread}${notes ? `; ${notes}` : ''}`;
    lines.push(
      `| ${r.size} | ${label} | ${fmtRate(s.mbPerSecond)} | ${s.recordsPerSecond === undefined ? '–' : fmtCount(s.recordsPerSecond)} | ${ratio} | ${s.peakRssMB.toFixed(0)} | ${runs} |`,
    );
  }
  return lines.join('\n');
}

function targetChecks(results: RowResult[]): { lines: string[]; failed: boolean } {
  const lines: string[] = [];
  let failed = false;
  const line = (ok: boolean | undefined, text: string): void => {
    if (ok === false) failed = true;
    lines.push(`${ok === undefined ? 'N/A ' : ok ? 'PASS' : 'FAIL'} ${text}`);
  };
  const primary = (size: SizeName): RowResult | undefined =>
    results.find((r) => r.size === size && r.row.id === PRIMARY_TRAILWATCH_ROW);
  const has100 = results.some((r) => r.size === '100mb');
  const has1g = results.some((r) => r.size === '1gb');
  const missing = TRAILWATCH_PENDING ?? 'no trailwatch result';

  if (has100) {
    const tw = primary('100mb');
    const s = tw && summarize(tw);
    const floor = floorOf(results, '100mb');
    if (!s || !floor)
      line(
        undefined,
        `100mb: trailwatch ≥ ${TARGETS.ratioToGunzip} × raw streaming gunzip: ${!s ? (tw?.note ?? missing) : 'no gunzip floor measured'}`,
      );
    else {
      const ratio = s.mbPerSecond / floor.summary.mbPerSecond;
      line(
        ratio >= TARGETS.ratioToGunzip,
        `100mb: trailwatch ≥ ${TARGETS.ratioToGunzip} × raw streaming gunzip: ${fmtRate(s.mbPerSecond)} MB/s vs floor ${fmtRate(floor.summary.mbPerSecond)} MB/s (${floor.row.row.label}) = ${ratio.toFixed(2)}×`,
      );
    }
    const libs = results
      .filter((r) => r.size === '100mb' && r.row.kind === 'streaming-library')
      .map((r) => ({ r, s: summarize(r) }));
    const fastest = libs.reduce<{ r: RowResult; s: Summary } | undefined>(
      (best, x) => (x.s && (!best || x.s.mbPerSecond > best.s.mbPerSecond) ? { r: x.r, s: x.s } : best),
      undefined,
    );
    if (!s || !fastest)
      line(
        undefined,
        `100mb: trailwatch ≥ ${TARGETS.timesFastestStreamingLibrary} × the faster streaming JSON library: ${!s ? (tw?.note ?? missing) : 'no streaming library measured'}`,
      );
    else {
      const times = s.mbPerSecond / fastest.s.mbPerSecond;
      line(
        times >= TARGETS.timesFastestStreamingLibrary,
        `100mb: trailwatch ≥ ${TARGETS.timesFastestStreamingLibrary} × the faster streaming JSON library: ${fmtRate(s.mbPerSecond)} MB/s vs ${fastest.r.row.label} ${fmtRate(fastest.s.mbPerSecond)} MB/s = ${times.toFixed(1)}×`,
      );
    }
    // The processor Lambda's row beside the core's (bench/processor.ts).
    const handlerRow = results.find((r) => r.size === '100mb' && r.row.id === PROCESSOR_ROW);
    for (const check of processorTargetChecks(
      '100mb',
      handlerRow && summarize(handlerRow),
      tw && summarize(tw),
      handlerRow?.note,
    ))
      line(check.ok, check.text);
  } else lines.push('N/A  100mb targets: the 100mb file was not measured (--sizes)');

  if (has1g) {
    const tw = primary('1gb');
    const s = tw && summarize(tw);
    if (!s) line(undefined, `1gb: trailwatch peak RSS < ${TARGETS.maxRssMB} MB: ${tw?.note ?? missing}`);
    else
      line(
        s.peakRssMB < TARGETS.maxRssMB,
        `1gb: trailwatch peak RSS < ${TARGETS.maxRssMB} MB: ${s.peakRssMB.toFixed(0)} MB (max of ${tw.runs.length} runs)`,
      );
  } else
    lines.push(
      `N/A  1gb target (peak RSS < ${TARGETS.maxRssMB} MB): the 1gb file was not measured (--sizes / --quick)`,
    );
  return { lines, failed };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 22)
    progress(
      `warning: running on Node ${process.versions.node}; trailwatch targets Node 22 (npm run bench puts node_modules/.bin/node first on PATH)`,
    );

  await acquireLock();
  const files: GeneratedFile[] = [];
  for (const size of opts.sizes) files.push(await ensureLogFile(OUT_DIR.replace(/\/$/, ''), size, progress));
  if (opts.generateOnly) {
    for (const f of files) console.log(`${f.path}: ${describeFile(f)}`);
    return;
  }
  // The processor row imports the handler bundle at run time (bench/processor.ts).
  if (!opts.rows || opts.rows.some((w) => PROCESSOR_ROW.startsWith(w))) await buildProcessorBundle();
  // The indexer rows likewise (bench/indexer.ts).
  if (!opts.rows || opts.rows.some((w) => INDEXER_ROW.startsWith(w) || w.startsWith(INDEXER_ROW)))
    await buildIndexerBundle();

  await buildWorker();
  const loadBefore = os.loadavg()[0] ?? 0;
  const started = performance.now();
  const baseline = await runWorker(BASELINE_ROW.id, files[0]?.path ?? '', 30_000);
  const results: RowResult[] = [];
  for (const [i, size] of opts.sizes.entries()) {
    const file = files[i];
    if (!file) continue;
    progress(`${size}: ${describeFile(file)}`);
    results.push(...(await measureFile(opts, size, file, results)));
  }
  const loadAfter = os.loadavg()[0] ?? 0;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';

  const out: string[] = [];
  out.push(
    `## trailwatch benchmark (Node ${process.versions.node}, ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB)`,
  );
  out.push('');
  out.push('Files (generated by bench/generate.ts, cached in bench/out/):');
  for (const f of files) out.push(`- ${f.path.split('/').pop()}: ${describeFile(f)}`);
  out.push('');
  out.push(table(results));
  out.push('');
  out.push(
    `MB = 10^6 bytes of uncompressed JSON; MB/s and records/s from the median run; peak RSS is the largest of the runs (${baseline.ok ? baseline.rssSource : 'VmHWM'} of the worker), ` +
      `each run a fresh Node process (an idle one: ${baseline.ok ? (baseline.maxRssBytes / MB).toFixed(0) : '?'} MB). ` +
      `The floor is the fastest raw gunzip row of the same file; the comparison libraries read through gunzip with chunkSize ${LIBRARY_GUNZIP_CHUNK >> 10} KiB. ` +
      `Load average (1 min) before/after: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)}; ` +
      (opts.waitForQuiet
        ? `waited ${(quietWaitMs / 1000).toFixed(0)} s in all for other processes to leave the CPUs free${busyRuns > 0 ? ` (${busyRuns} runs started on a busy machine after 30 s)` : ''}; `
        : '') +
      `${((performance.now() - started) / 1000).toFixed(0)} s in all.`,
  );
  if (TRAILWATCH_PENDING) out.push(`trailwatch rows: ${TRAILWATCH_PENDING}`);
  out.push('');
  const checks = targetChecks(results);
  out.push(...checks.lines);
  out.push('', ...startupLines());
  const text = out.join('\n');
  console.log(text);

  const json = {
    node: process.versions.node,
    cpu,
    cores: os.cpus().length,
    loadAverage: { before: loadBefore, after: loadAfter },
    baselineRssBytes: baseline.ok ? baseline.maxRssBytes : undefined,
    files,
    rows: results.map((r) => ({
      size: r.size,
      row: r.row.id,
      label: r.row.label,
      note: r.note,
      warning: r.warning,
      summary: summarize(r),
      runs: r.runs,
    })),
    targets: checks.lines,
  };
  await writeFile(`${OUT_DIR}results.json`, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(`${OUT_DIR}results.md`, `${text}\n`);
  if (opts.profile) {
    const file = [...files].reverse().find((f) => f.targetBytes <= SIZES['100mb']) ?? files[0];
    if (file) console.log(`\n${await profile(opts.profile, file)}`);
  }
  if (opts.strict && checks.failed) process.exitCode = 1;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** One run of a row under --cpu-prof; the functions with the most self time (the main thread's view). */
async function profile(rowId: string, file: GeneratedFile): Promise<string> {
  const dir = `${OUT_DIR}profile`;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const report = await runWorker(rowId, file.path, 120_000, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  if (!report.ok) return `profile of ${rowId}: ${report.error}`;
  const name = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (!name) return `profile of ${rowId}: no .cpuprofile written`;
  const prof = JSON.parse(await readFile(`${dir}/${name}`, 'utf8')) as CpuProfile;
  const timeById = new Map<number, number>();
  prof.samples.forEach((id, i) => timeById.set(id, (timeById.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const bySelf = new Map<string, number>();
  let total = 0;
  for (const node of prof.nodes) {
    const t = timeById.get(node.id) ?? 0;
    total += t;
    const where = node.callFrame.url
      ? ` (${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1})`
      : '';
    const key = `${node.callFrame.functionName || '(anonymous)'}${where}`;
    bySelf.set(key, (bySelf.get(key) ?? 0) + t);
  }
  const top = [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, 15);
  const lines = [
    `CPU profile, one run of ${rowId} on ${file.path.split('/').pop()} (${(report.seconds * 1000).toFixed(0)} ms under the profiler; ` +
      `self time on the main thread; inflate runs on libuv's pool and shows as idle; bench/out/profile/${name}):`,
    '',
    '| self ms | % | function |',
    '| ---: | ---: | --- |',
    ...top.map(
      ([key, t]) => `| ${(t / 1000).toFixed(0)} | ${((100 * t) / total).toFixed(1)} | ${key.replace(/\|/g, '\\|')} |`,
    ),
  ];
  return lines.join('\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
