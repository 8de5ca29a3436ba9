// The shared machine: before each measured run the bench waits until other processes leave the CPUs alone, and
// counts how long it waited and how many runs started on a busy machine anyway (printed under the table).
import { readFile } from 'node:fs/promises';
import os from 'node:os';

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
 * two cores free (within half a core), as a run keeps the main thread and an inflate thread busy; for
 * `maxWaitPerRunMs` (30 s) at most per run, and 10 minutes in all (after that, runs start whatever the load).
 */
export class QuietMachine {
  /** Time spent waiting for other processes to leave the CPUs alone. */
  waitedMs = 0;
  /** Runs started on a busy machine after waiting `maxWaitPerRunMs`. */
  busyRuns = 0;

  constructor(
    readonly enabled: boolean,
    readonly maxWaitPerRunMs = 30_000,
  ) {}

  async beforeRun(): Promise<void> {
    if (!this.enabled || this.waitedMs >= 600_000) return;
    const started = performance.now();
    const cores = os.cpus().length;
    for (;;) {
      const busy = await busyFraction(300);
      if (busy === undefined || busy * cores <= Math.max(0.5, cores - 1.5)) break;
      if (performance.now() - started > this.maxWaitPerRunMs) {
        this.busyRuns++;
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    this.waitedMs += performance.now() - started;
  }

  /** The sentence for the footer, or '' when the bench did not wait. */
  describe(): string {
    if (!this.enabled) return '';
    const busy =
      this.busyRuns > 0
        ? ` (${this.busyRuns} runs started on a busy machine after ${this.maxWaitPerRunMs / 1000} s)`
        : '';
    return `waited ${(this.waitedMs / 1000).toFixed(0)} s in all for other processes to leave the CPUs free${busy}; `;
  }
}
