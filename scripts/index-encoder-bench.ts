// The index encoder's two byte loops alone, in CPU time, each against the path it replaced, interleaved in one
// process (9 rounds, medians): the unparsed records' escape loop (WebAssembly, shared/index/wasm/record-escape.as.ts,
// against its TypeScript reference, record-escape-typescript.ts) over the bench generator's non-RDS records, and the
// parsed records' encoding (scanned-event-encoder.ts against encodeIndexEvent(toIndexEvent(...))) over its RDS
// records, ~30 and ~20 MB of record JSON.
//
//   npx esbuild scripts/index-encoder-bench.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=dist/scripts/index-encoder-bench.mjs && node dist/scripts/index-encoder-bench.mjs
//
// Run it with the project's Node 22 (npm scripts put node_modules/.bin first on PATH; so does `npx node`). Prints one
// line per comparison: CPU ms of each side, MB/s, and new / old.
import { generateRecords } from '../bench/generate.js';
import { classify } from '../shared/classify/classify.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { ByteSlab, encodeIndexEvent, releaseEvents } from '../shared/index/encoded-event.js';
import { type IndexSource, toIndexEvent } from '../shared/index/index-event.js';
import { FAST_PATH_MEMBERS } from '../shared/index/record-encoder.js';
import { typescriptRecordEscaper } from '../shared/index/record-escape-typescript.js';
import { encodeScannedEvent } from '../shared/index/scanned-event-encoder.js';
import { wasmRecordEscaper } from '../shared/index/wasm/record-escape.js';

const MB = 1e6;
const RDS = '"eventSource":"rds.amazonaws.com"';

/** Medians of CPU ms of `old` and `next`, run alternately, the first one first in even rounds. */
function interleaved(old: () => void, next: () => void, rounds = 9): { old: number; next: number } {
  const times = { old: [] as number[], next: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const order: ['old' | 'next', () => void][] = [
      ['old', old],
      ['next', next],
    ];
    if (r % 2 === 1) order.reverse();
    for (const [name, run] of order) {
      const start = process.cpuUsage();
      run();
      const used = process.cpuUsage(start);
      times[name].push((used.user + used.system) / 1000);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  return { old: median(times.old), next: median(times.next) };
}

function report(what: string, bytes: number, ms: { old: number; next: number }): void {
  const rate = (t: number) => (bytes / MB / (t / 1000)).toFixed(0);
  console.log(
    `${what}: old ${ms.old.toFixed(0)} ms (${rate(ms.old)} MB/s), new ${ms.next.toFixed(0)} ms (${rate(ms.next)} MB/s), new / old ${(ms.next / ms.old).toFixed(2)}`,
  );
}

// The unparsed records' escape loop: the records as one buffer, as the reader's chunks hold them.
const names = FAST_PATH_MEMBERS.map((n) => Buffer.from(n, 'latin1'));
const texts: Buffer[] = [];
const spans: [number, number][] = [];
let at = 0;
for (const generated of generateRecords()) {
  if (generated.json.includes(RDS)) continue;
  const bytes = Buffer.from(generated.json, 'utf8');
  texts.push(bytes);
  spans.push([at, at + bytes.length]);
  at += bytes.length;
  if (at > 30 * MB) break;
}
const all = Buffer.concat(texts);
const reference = typescriptRecordEscaper(names, names.length - 1);
const wasm = wasmRecordEscaper(names, names.length - 1);
if (!wasm) throw new Error('no WebAssembly SIMD in this runtime');
report(
  `escape loop, ${spans.length} records`,
  at,
  interleaved(
    () => {
      for (const [start, end] of spans) reference.escape(all, start, end);
    },
    () => {
      for (const [start, end] of spans) wasm.escape(all, start, end);
    },
  ),
);

// The parsed records' encoding: RDS records, classified, as the index scan holds them.
const sources: IndexSource[] = [];
let rdsBytes = 0;
for (const generated of generateRecords()) {
  if (!generated.json.includes(RDS)) continue;
  sources.push({ raw: generated.json, event: classify(JSON.parse(generated.json) as CloudTrailRecord), alerts: [] });
  rdsBytes += Buffer.byteLength(generated.json, 'utf8');
  if (rdsBytes > 20 * MB) break;
}
const slab = new ByteSlab(256 * 1024);
report(
  `parsed records' encoding, ${sources.length} RDS records`,
  rdsBytes,
  interleaved(
    () => {
      for (const source of sources) releaseEvents([encodeIndexEvent(toIndexEvent(source), slab)]);
    },
    () => {
      for (const source of sources) releaseEvents([encodeScannedEvent(source, slab)]);
    },
  ),
);
