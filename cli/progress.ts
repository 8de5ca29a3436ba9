// A progress line on stderr while a scan runs, only when stderr is a terminal: percent and time left when the
// total size is known (files, S3 listings), a running count otherwise (stdin). Rewritten in place, cleared at the end.
import { thousands } from './output.js';

export interface ProgressState {
  input: number;
  inputs: number;
  /** Bytes taken from the inputs so far (compressed, as the sizes are). */
  bytesIn: number;
  records: number;
}

const EVERY_MS = 500;
/** Nothing is shown for scans shorter than this: a flash of a line is noise. */
const FIRST_AFTER_MS = 1000;

export function progressText(state: ProgressState, totalBytes: number | undefined, elapsedMs: number): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const rate = elapsedMs > 0 ? state.bytesIn / (elapsedMs / 1000) : 0;
  const files = `${state.input}/${state.inputs} file${state.inputs === 1 ? '' : 's'}`;
  const records = `${thousands(state.records)} records`;
  if (totalBytes && totalBytes > 0) {
    const done = Math.min(1, state.bytesIn / totalBytes);
    const left = rate > 0 ? (totalBytes - state.bytesIn) / rate : Infinity;
    return `trailwatch: ${(done * 100).toFixed(0).padStart(3)}%  ${files}, ${mb(state.bytesIn)} of ${mb(totalBytes)}, ${records}, ${mb(rate)}/s, ETA ${duration(left)}`;
  }
  return `trailwatch: ${files}, ${mb(state.bytesIn)}, ${records}, ${mb(rate)}/s`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Milliseconds on a monotonic clock. Not `performance.now()`: Node builds `performance` (a dozen internal perf
 * modules, ~3 ms) the first time anything touches it, and a one-file scan should not pay that to time itself.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export class Progress {
  private readonly started = monotonicMs();
  private last = 0;
  private shown = false;
  constructor(
    private readonly write: ((text: string) => void) | undefined,
    private readonly totalBytes: number | undefined,
  ) {}

  update(state: ProgressState): void {
    if (!this.write) return;
    const now = monotonicMs();
    if (now - this.started < FIRST_AFTER_MS || now - this.last < EVERY_MS) return;
    this.last = now;
    this.shown = true;
    this.write(`\r${progressText(state, this.totalBytes, now - this.started)}\x1b[K`);
  }

  clear(): void {
    if (this.shown && this.write) this.write('\r\x1b[K');
    this.shown = false;
  }
}
