// Where the bench keeps its files: everything runs bundled into bench/out/ (npm run bench), so paths are relative
// to the bundle.
import { fileURLToPath } from 'node:url';

export const OUT_DIR = fileURLToPath(new URL('.', import.meta.url));
// Each bench run bundles its own worker beside this bundle (same folder, so paths relative to the bundle hold):
// another run started meanwhile in this checkout cannot swap the code under it.
export const WORKER = `${OUT_DIR}worker-${process.pid}.mjs`;
export const WORKER_SOURCE = fileURLToPath(new URL('../worker.ts', import.meta.url));
export const LOCK = `${OUT_DIR}bench.lock`;
/** MB = 10^6 bytes throughout. */
export const MB = 1e6;

/** A progress line on stderr (the table goes to stdout). */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
