// Typical files: CloudTrail delivers many small files (the README's cost model assumes 1.5 MB of JSON each), so the
// processor's cost per file matters as much as its throughput on a big one. A few hundred generated files of ~1.5 MB
// go through a WARM processor handler, one S3 put notification each, in one process (bench/handler-row.ts: the bundle
// as deployed, s3rver and the SNS fake in a child process), against the floor for the same bytes in the same
// process: GetObject from the same emulator with the AWS SDK + streaming gunzip, nothing else.
//
// The first file warms both up (untimed: the first invocation's cold path is the processor row's business); after
// it, each file is read by both, the order alternating, so a busy moment slows both alike. Reported: the median
// time per file of each and their ratio, and the totals (bench.ts prints them under the main table).
//
// The files come from bench/generate.ts (writeLogFile, one seed per file: DEFAULT_SEED + n), cached in
// bench/out/typical/.
import { mkdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { ProcessedFile as FileOutcome } from '../functions/processor/process-log-file.js';
import { DEFAULT_SEED, readCachedMeta, writeLogFile, type GeneratedFile } from './generate.js';
import { BENCH_ALERT_TOPIC, benchKey, withBundledHandler } from './handler-row.js';
import { MB } from './paths.js';
import { TRAILWATCH_READ_CHUNK, type RowOutput, type RowSpec } from './rows.js';

export const TYPICAL_FILES_ROW = 'typical-files';
/** How many files, and the JSON size of each (the README's cost model). */
export const TYPICAL_FILES = { count: 200, targetBytes: 1_500_000 } as const;

function typicalPath(dir: string, n: number): string {
  return `${dir}/cloudtrail-1500kb-${String(n).padStart(3, '0')}.json.gz`;
}

/** The typical files in `dir` (bench/out/typical), generated first where missing or made by another generator. */
export async function ensureTypicalFiles(dir: string, log: (line: string) => void): Promise<GeneratedFile[]> {
  await mkdir(dir, { recursive: true });
  const files: GeneratedFile[] = [];
  let generated = 0;
  const started = performance.now();
  for (let n = 1; n <= TYPICAL_FILES.count; n++) {
    const path = typicalPath(dir, n);
    const seed = DEFAULT_SEED + n;
    const cached = await readCachedMeta(path, TYPICAL_FILES.targetBytes, seed);
    if (cached) files.push(cached);
    else {
      if (generated === 0) log(`generating ${TYPICAL_FILES.count} files of ~1.5 MB in ${dir} ...`);
      files.push(await writeLogFile(path, TYPICAL_FILES.targetBytes, seed));
      generated++;
    }
  }
  if (generated > 0) log(`  ${generated} generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return files;
}

async function cachedTypicalFiles(dir: string): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  for (let n = 1; n <= TYPICAL_FILES.count; n++) {
    const file = await readCachedMeta(typicalPath(dir, n), TYPICAL_FILES.targetBytes, DEFAULT_SEED + n);
    if (!file) throw new Error(`${typicalPath(dir, n)} is missing: the bench generates it first`);
    files.push(file);
  }
  return files;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** The row, in a worker: `dir` holds the generated files. */
async function typicalFiles(dir: string): Promise<RowOutput> {
  const files = await cachedTypicalFiles(dir);
  const uploads = files.map((f, i) => ({ file: f.path, key: benchKey(i + 1) }));
  // The bench's own client for the floor: the same SDK version as the bundle's, from node_modules.
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  return withBundledHandler<FileOutcome, RowOutput>(
    'processor',
    uploads,
    (emulators) => ({
      ALERT_TOPIC_ARN: BENCH_ALERT_TOPIC,
      AWS_ENDPOINT_URL_SNS: emulators.sns,
    }),
    async (loaded) => {
      const s3 = new S3Client(loaded.aws);
      /** The floor: the object's bytes from the emulator, gunzipped as trailwatch reads them, counted. */
      const floor = async (key: string): Promise<{ seconds: number; bytes: number }> => {
        const started = performance.now();
        const { Body } = await s3.send(new GetObjectCommand({ Bucket: loaded.bucket, Key: key }));
        let bytes = 0;
        await pipeline(
          Body as Readable,
          createGunzip({ chunkSize: TRAILWATCH_READ_CHUNK }),
          new Writable({
            write(chunk: Buffer, _encoding, callback) {
              bytes += chunk.length;
              callback();
            },
          }),
        );
        return { seconds: (performance.now() - started) / 1000, bytes };
      };
      const handler = async (i: number): Promise<{ seconds: number; cpuMs: number; outcome: FileOutcome }> => {
        const { seconds, cpuMs, outcome } = await loaded.invoke(uploads[i]?.key ?? '');
        const file = files[i];
        if (outcome.stats.records !== file?.records || outcome.stats.bytesOut !== file.bytes)
          throw new Error(
            `${file?.path}: the handler read ${outcome.stats.records} records, ${outcome.stats.bytesOut} bytes; expected ${file?.records}, ${file?.bytes}`,
          );
        return { seconds, cpuMs, outcome };
      };
      // Warm-up: the first file, untimed.
      await handler(0);
      await floor(uploads[0]?.key ?? '');

      const handlerSeconds: number[] = [];
      const handlerCpuMs: number[] = [];
      const floorSeconds: number[] = [];
      let alerts = 0;
      let published = 0;
      for (let i = 1; i < files.length; i++) {
        const key = uploads[i]?.key ?? '';
        const measureFloor = async (): Promise<void> => {
          const f = await floor(key);
          if (f.bytes !== files[i]?.bytes) throw new Error(`${key}: the floor read ${f.bytes} bytes`);
          floorSeconds.push(f.seconds);
        };
        if (i % 2 === 0) await measureFloor();
        const { seconds, cpuMs, outcome } = await handler(i);
        handlerSeconds.push(seconds);
        handlerCpuMs.push(cpuMs);
        alerts += sum(Object.values(outcome.alertsByRule));
        published += outcome.published.alertTopic;
        if (i % 2 === 1) await measureFloor();
      }
      const timed = files.slice(1);
      const bytes = sum(timed.map((f) => f.bytes));
      const handlerMs = median(handlerSeconds) * 1000;
      const floorMs = median(floorSeconds) * 1000;
      return {
        records: sum(timed.map((f) => f.records)),
        bytesOut: bytes,
        measuredSeconds: sum(handlerSeconds),
        detail: `${loaded.coldStart}; ${timed.length} files timed after 1 warm-up, ${alerts} alerts raised, ${published} messages published`,
        figures: {
          files: timed.length,
          mbEach: bytes / timed.length / MB,
          handlerMsMedian: handlerMs,
          handlerCpuMsMedian: median(handlerCpuMs),
          floorMsMedian: floorMs,
          handlerSeconds: sum(handlerSeconds),
          floorSeconds: sum(floorSeconds),
          alerts,
          published,
        },
      };
    },
  );
}

export const TYPICAL_FILES_ROW_SPEC: RowSpec = {
  id: TYPICAL_FILES_ROW,
  label: `processor handler, warm: ${TYPICAL_FILES.count} files of ~1.5 MB JSON`,
  kind: 'trailwatch',
  run: typicalFiles,
};

/** The section under the main table, from the successful runs' figures (medians across runs). */
export function typicalFilesLines(runs: Array<Record<string, number>>, peakRssMB: number, note?: string): string[] {
  const title = `Typical files: a warm processor handler on ${TYPICAL_FILES.count} generated files of ~1.5 MB of JSON (one S3 put notification each, the first a warm-up), against the floor for the same bytes in the same process (GetObject from s3rver + gunzip):`;
  if (runs.length === 0) return [title, '', `not measured: ${note ?? 'no run succeeded'}`];
  const m = (key: string): number => median(runs.map((r) => r[key] ?? NaN));
  const files = m('files');
  const mbEach = m('mbEach');
  const handlerMs = m('handlerMsMedian');
  const floorMs = m('floorMsMedian');
  const handlerTotal = m('handlerSeconds');
  const floorTotal = m('floorSeconds');
  const rate = (seconds: number): string => ((files * mbEach) / seconds).toFixed(0);
  return [
    title,
    '',
    '| | ms per file (median) | × floor | MB/s over all files | total s |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| floor: GetObject + gunzip | ${floorMs.toFixed(1)} | 1.00× | ${rate(floorTotal)} | ${floorTotal.toFixed(2)} |`,
    `| processor handler (read, rules, alerts, SNS) | ${handlerMs.toFixed(1)} | ${(handlerMs / floorMs).toFixed(2)}× | ${rate(handlerTotal)} | ${handlerTotal.toFixed(2)} |`,
    '',
    `The handler's CPU time per file (user + system of the worker during the invocation, median): ${m('handlerCpuMsMedian').toFixed(1)} ms.`,
    `${files} files timed, ${mbEach.toFixed(2)} MB of JSON each; median of ${runs.length} runs (each a fresh worker); ` +
      `${m('alerts').toFixed(0)} alerts raised and ${m('published').toFixed(0)} SNS messages published per run; peak RSS ${peakRssMB.toFixed(0)} MB.${note ? ` ${note}` : ''}`,
  ];
}
