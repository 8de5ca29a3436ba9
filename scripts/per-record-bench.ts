// The per-record core alone, in CPU time: classify -> rules -> alerts over the records the reader hands the
// scan of the 100 MB bench file, and compiling the built-in rules. For A/B comparisons of shared/classify,
// shared/rules and shared/alerts: bundle this file from two checkouts and run them interleaved, each in a fresh
// process (a one-file `trailwatch scan` meets every record once, so the first pass, JIT warm-up included, is the
// figure that matters; later passes show the steady state).
//
//   npx esbuild scripts/per-record-bench.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=dist/scripts/per-record-bench.mjs && node --expose-gc dist/scripts/per-record-bench.mjs [file] [passes]
//
// Run it with the project's Node 22 (npm scripts put node_modules/.bin first on PATH; so does `npx node`).
// Prints one JSON line: main-thread CPU ms of the first compile of the built-in rules, of the first pass and the median of
// the later passes, and the counts (which must not change: 4781 records and 2643 alerts on the 100 MB file).
// With `scan` for [passes]: one scanLog of the file as the bench's trailwatch-scan row runs it, main-thread CPU and
// the whole process's (inflate on libuv's pool and the JIT's threads included).
import { createReadStream } from 'node:fs';
import { classify } from '../shared/classify/classify.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { recordPrefilter } from '../shared/reader/prefilter.js';
import { readCloudTrailLog } from '../shared/reader/read-log.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { buildAlert } from '../shared/alerts/alert.js';
import { scanLog } from '../shared/scan/scan-log.js';

const file = process.argv[2] ?? 'bench/out/cloudtrail-100mb.json.gz';
const scanOnly = process.argv[3] === 'scan';
const passes = scanOnly ? 0 : Number(process.argv[3] ?? 6);

/**
 * CPU ms of the main thread alone (process.threadCpuUsage, Node >= 22.19): not the JIT's background compiles nor
 * inflate on libuv's pool, and unlike a --cpu-prof profile not inflated when other processes take the CPU.
 */
function cpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

/** CPU ms of the whole process, every thread. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const compileStart = cpuMs();
const ruleset = compileRuleset();
const compileMs = cpuMs() - compileStart;

if (scanOnly) {
  const start = cpuMs();
  const processStart = processCpuMs();
  const scan = scanLog(createReadStream(file, { highWaterMark: 256 * 1024 }), { file, ruleset });
  let alerts = 0;
  for await (const item of scan) {
    if (item.kind === 'malformed') throw item.error;
    alerts += item.alerts.length;
  }
  console.log(
    JSON.stringify({
      compileMs: round(compileMs),
      scanMainThreadMs: round(cpuMs() - start),
      scanProcessMs: round(processCpuMs() - processStart),
      delivered: scan.stats.delivered,
      alerts,
    }),
  );
  process.exit(0);
}

// The records scanLog would classify: the reader with the rules' prefilter (nothing timed here).
const records: Array<{ record: CloudTrailRecord; index: number }> = [];
const reader = readCloudTrailLog(createReadStream(file), {
  file,
  ...(ruleset.prefilter ? { prefilter: recordPrefilter(ruleset.prefilter) } : {}),
});
for await (const item of reader) {
  if (item.kind === 'malformed') throw item.error;
  records.push({ record: item.record, index: item.index });
}

function pass(): { ms: number; alerts: number } {
  let alerts = 0;
  const start = cpuMs();
  for (const { record, index } of records) {
    const event = classify(record);
    for (const rule of ruleset.evaluate(event)) {
      buildAlert(rule, event, { file, recordIndex: index });
      alerts++;
    }
  }
  return { ms: cpuMs() - start, alerts };
}

// With --expose-gc: collect the reader's garbage first, so the first pass is not charged for it.
(globalThis as { gc?: () => void }).gc?.();
const runs = Array.from({ length: passes }, pass);
const later = runs
  .slice(1)
  .map((r) => r.ms)
  .sort((a, b) => a - b);
const median = later.length ? (later[Math.floor((later.length - 1) / 2)] ?? 0) : 0;
console.log(
  JSON.stringify({
    compileMs: round(compileMs),
    firstPassMs: round(runs[0]?.ms ?? 0),
    laterPassMedianMs: round(median),
    records: records.length,
    alerts: runs[0]?.alerts ?? 0,
  }),
);

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
