// `npm start`: the whole pipeline on this machine, with no AWS account and no Docker (scripts/local/pipeline.ts):
// the sample trail bucket in an S3 emulator, the bundled processor and indexer handlers invoked with an S3 event
// notification per object, SNS and CloudWatch Logs faked on loopback. Prints the alert emails that would be sent,
// the log events that would be indexed, and a summary; exits 1 if a handler failed or a service limit was broken.
//
//   npm start [-- --out DIR] [--verbose] [--logs DIR] [--env FILE] [--clock replay|real|ISO-TIME]
import { readFile } from 'node:fs/promises';
import { optionValue, parseClock, parseOrShowUsage, runWhenMain, UsageError } from './local/command-line.js';
import { parseEnvFile } from './local/local-aws.js';
import { runLocalPipeline, type ClockOption } from './local/pipeline.js';
import { formatReport, type ReportOptions } from './local/report.js';
import { writeOutDir } from './local/out-dir.js';
import { runFailed } from './local/run-result.js';
import { terminalSafe } from '../cli/terminal-text.js';

export { runLocalPipeline, type ClockOption, type LocalRunOptions } from './local/pipeline.js';
export {
  runFailed,
  type FunctionRun,
  type IndexedEvent,
  type InvocationRecord,
  type LocalRunResult,
} from './local/run-result.js';

// ---------------------------------------------------------------------------------------------------------
// The command line

const USAGE = `usage: npm start [-- [--out DIR] [--verbose] [--logs DIR] [--env FILE] [--clock replay|real|ISO-TIME]]

Runs the bundled processor and indexer Lambda handlers on the sample CloudTrail logs, locally: S3 is an emulator
(s3rver), SNS and CloudWatch Logs are fakes, all on 127.0.0.1. Prints the alert emails that would be sent, the log
events that would be indexed, and a summary.

  --out DIR     write alerts/NNN-<rule>.txt (+ .json) and index/<stream>.jsonl under DIR instead of printing them
  --verbose     print each indexed event's JSON, and every line the functions logged
  --logs DIR    upload DIR/AWSLogs/ instead of events/logs/AWSLogs/
  --env FILE    the functions' settings, KEY=VALUE lines (MIN_SEVERITY=high, DISABLED_RULES=..., ...)
  --clock T     replay (default: the sample's last delivery time, so its events are not too old to index),
                real (today), or an ISO time`;

export interface CliOptions extends ReportOptions {
  out: string | undefined;
  logsDir: string | undefined;
  envFile: string | undefined;
  clock: ClockOption;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    out: undefined,
    logsDir: undefined,
    envFile: undefined,
    clock: 'replay',
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => optionValue(argv, ++i, arg);
    if (arg === '--out') options.out = value();
    else if (arg === '--verbose' || arg === '-v') options.verbose = true;
    else if (arg === '--logs') options.logsDir = value();
    else if (arg === '--env') options.envFile = value();
    else if (arg === '--clock') options.clock = parseClock(value());
    else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else throw new UsageError(`unknown argument ${arg}`);
  }
  return options;
}

/** The report holds record text and object keys from the logs folder: escaped line by line (cli/terminal-text.ts). */
function terminalText(report: string): string {
  return report.split('\n').map(terminalSafe).join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const cli = parseOrShowUsage(parseArgs, argv, USAGE);
  if (!cli) return 2;
  const env = cli.envFile ? parseEnvFile(await readFile(cli.envFile, 'utf8'), cli.envFile) : {};
  const result = await runLocalPipeline({ clock: cli.clock, env, ...(cli.logsDir ? { logsDir: cli.logsDir } : {}) });
  if (cli.out) {
    const written = await writeOutDir(result, cli.out);
    process.stdout.write(terminalText(formatReport(result, { ...cli, omitDetails: true, written })));
  } else {
    process.stdout.write(terminalText(formatReport(result, cli)));
  }
  return runFailed(result) ? 1 : 0;
}

runWhenMain(import.meta.url, main);
