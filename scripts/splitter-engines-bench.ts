// The record splitter alone, with each of its two scan engines (the WebAssembly kernel and the TypeScript
// reference): main-thread CPU ms to split a log's decompressed text, held in memory, into record spans, fed in
// 256 KiB chunks as gunzip hands them to the reader. No inflate, no prefilter, no JSON.parse: what the engines
// differ in, for the claim in shared/reader/record-splitter.ts and README "Design".
//
//   npx esbuild scripts/splitter-engines-bench.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=dist/scripts/splitter-engines-bench.mjs && node --expose-gc dist/scripts/splitter-engines-bench.mjs [file] [runs]
//
// Run it with the project's Node 22 (npm scripts put node_modules/.bin first on PATH; so does `npx node`). Two
// set-ups: `rules`, the wanted sources, tokens and sure-record rules the built-in rules give the splitter (as the
// bench's trailwatch-scan row runs it: most records skipped inside the engine), and `all`, none (every record
// becomes a span). After one untimed warm-up of each, `runs` rounds (default 7), each engine in turn within a
// round, the order alternating; prints one JSON line per set-up: the median and range of each engine's CPU ms
// and the ratio of the medians. The span and skip counts of the two engines must agree (it exits 1 if not).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { recordPrefilter } from '../shared/reader/prefilter.js';
import { RecordSplitter, type RecordSplitterOptions } from '../shared/reader/record-splitter.js';
import { compileRuleset } from '../shared/rules/engine.js';

const file = process.argv[2] ?? 'bench/out/cloudtrail-100mb.json.gz';
const runs = Number(process.argv[3] ?? 7);
const CHUNK = 256 * 1024;
const text = gunzipSync(readFileSync(file));

/** Main-thread CPU ms (process.threadCpuUsage, Node >= 22.19): not the JIT's background threads. */
function cpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

function split(options: RecordSplitterOptions): { ms: number; spans: number; skipped: number } {
  globalThis.gc?.();
  const start = cpuMs();
  const splitter = new RecordSplitter(file, options);
  let spans = 0;
  for (let at = 0; at < text.length; at += CHUNK) {
    splitter.push(text.subarray(at, at + CHUNK));
    while (splitter.next() !== undefined) spans++;
  }
  splitter.finish();
  return { ms: cpuMs() - start, spans, skipped: splitter.skipped };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const round = (ms: number): number => Math.round(ms * 10) / 10;

const prefilter = recordPrefilter(compileRuleset().prefilter ?? []);
const setups: Record<string, RecordSplitterOptions> = {
  rules: {
    wantedSources: prefilter.eventSources,
    tokens: prefilter.tokens,
    ...(prefilter.sureRecords ? { sureRecords: prefilter.sureRecords } : {}),
  },
  all: {},
};

for (const [setup, options] of Object.entries(setups)) {
  const engines = ['wasm', 'typescript'] as const;
  const counts = engines.map((engine) => split({ ...options, engine })); // warm-up, untimed
  if (counts[0]?.spans !== counts[1]?.spans || counts[0]?.skipped !== counts[1]?.skipped) {
    console.error(`${setup}: the engines disagree: ${JSON.stringify(counts)}`);
    process.exit(1);
  }
  const ms: Record<(typeof engines)[number], number[]> = { wasm: [], typescript: [] };
  for (let r = 0; r < runs; r++) {
    const order = r % 2 ? [...engines].reverse() : engines;
    for (const engine of order) ms[engine].push(split({ ...options, engine }).ms);
  }
  const summary = (values: number[]) => ({
    medianMs: round(median(values)),
    minMs: round(Math.min(...values)),
    maxMs: round(Math.max(...values)),
  });
  console.log(
    JSON.stringify({
      setup,
      textMB: round(text.length / 1e6),
      runs,
      spans: counts[0]?.spans,
      skipped: counts[0]?.skipped,
      wasm: summary(ms.wasm),
      typescript: summary(ms.typescript),
      typescriptOverWasm: Math.round((median(ms.typescript) / median(ms.wasm)) * 100) / 100,
    }),
  );
}
