// The command-line plumbing `npm start` (scripts/local-run.ts) and `npm run invoke` (scripts/invoke.ts) share: the
// usage error and how main reports it, option values, the --clock option, and running as the program node started.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClockOption } from './pipeline.js';

/** A command line the script does not take; an empty message (from --help) prints the usage alone. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The value of `option`, argv[index]: missing, or another option in its place, is a usage error. */
export function optionValue(argv: readonly string[], index: number, option: string): string {
  const value = argv[index];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${option} needs a value`);
  return value;
}

/** --clock's value: replay, real or an ISO time (as milliseconds). */
export function parseClock(value: string): ClockOption {
  if (value === 'replay' || value === 'real') return value;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new UsageError(`--clock ${value}: not replay, real or an ISO time`);
  return time;
}

/**
 * `parse(argv)`, or undefined once a UsageError's message and `usage` are on stderr: main then exits 2.
 * Other errors propagate.
 */
export function parseOrShowUsage<T>(
  parse: (argv: readonly string[]) => T,
  argv: readonly string[],
  usage: string,
): T | undefined {
  try {
    return parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) process.stderr.write(`${error.message}\n`);
    process.stderr.write(`${usage}\n`);
    return undefined;
  }
}

/**
 * Runs `main` with the command's arguments and sets the exit code, when `moduleUrl` (the caller's import.meta.url) is
 * the script node was started with; a module imported by tests does nothing.
 */
export function runWhenMain(moduleUrl: string, main: (argv: readonly string[]) => Promise<number>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(path.resolve(process.argv[1])).href) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
