// One bench at a time in this checkout (bench/out/bench.lock holds the running one's pid).
import { rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { LOCK, progress, WORKER } from './paths.js';

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
export async function acquireLock(): Promise<void> {
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
