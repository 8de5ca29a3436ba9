// One run of one row: a fresh Node process running bench/worker.ts (bundled per bench run into bench/out/), so
// its peak RSS is its own; its report is the last line it prints.
import { spawn } from 'node:child_process';
import type { WorkerReport } from './worker.js';
import { WORKER, WORKER_SOURCE } from './paths.js';

export function runWorker(
  rowId: string,
  file: string,
  timeoutMs: number,
  nodeArgs: string[] = [],
): Promise<WorkerReport> {
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

export async function buildWorker(): Promise<void> {
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
