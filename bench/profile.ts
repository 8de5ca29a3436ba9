// --profile / --profile-row ID: one run of a row under `node --cpu-prof`, and the functions with the most self time
// on the main thread (inflate runs on libuv's pool and shows as idle there).
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import type { GeneratedFile } from './generate.js';
import { OUT_DIR } from './paths.js';
import { runWorker } from './run-worker.js';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** One run of a row under --cpu-prof; the functions with the most self time (the main thread's view). */
export async function profile(rowId: string, file: GeneratedFile): Promise<string> {
  const dir = `${OUT_DIR}profile`;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const report = await runWorker(rowId, file.path, 120_000, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  if (!report.ok) return `profile of ${rowId}: ${report.error}`;
  const name = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (!name) return `profile of ${rowId}: no .cpuprofile written`;
  const prof = JSON.parse(await readFile(`${dir}/${name}`, 'utf8')) as CpuProfile;
  const timeById = new Map<number, number>();
  for (const [i, id] of prof.samples.entries()) timeById.set(id, (timeById.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
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
