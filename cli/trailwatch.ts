// The `trailwatch` command line: `trailwatch scan PATH...`, `trailwatch rules` and `trailwatch search`.
import { parseArgs } from 'node:util';
import { TrailwatchError } from '../shared/errors.js';
import { SEVERITIES } from '../shared/rules/types.js';
import { UsageError } from './find-log-files.js';
import { DEFAULT_MIN_SEVERITY, loadRuleset } from './load-ruleset.js';
import { runScan } from './scan-command.js';
import { printRules } from './rules-command.js';
import { terminalSafe } from './terminal-text.js';
import { IMPORT_SIGMA_USAGE, runImportSigma } from './import-sigma-command.js';
import { parseSearchArgs, runSearch, SEARCH_OPTIONS_HELP, SEARCH_USAGE } from './search-command.js';
import { VERIFY_USAGE } from './verify-usage.js';

export const USAGE = `Usage:
  trailwatch scan PATH... [--format text|json] [--rules FILE]... [--min-severity LEVEL] [--disable RULE,...]
      Classify CloudTrail log files (.json.gz or .json; folders are searched recursively)
      and print the alerts they raise. Summary and progress go to stderr.
  trailwatch rules [--rules FILE]... [--min-severity LEVEL] [--disable RULE,...] [--format text|json]
      List the active rules.
${IMPORT_SIGMA_USAGE}
${SEARCH_USAGE}
${VERIFY_USAGE}
  trailwatch doctor --stack NAME [--region REGION] [--profile PROFILE]
      Check a deployed stack and say how to fix what is wrong (exit 1 when a check fails).
  trailwatch test-alert --stack NAME [--region REGION] [--profile PROFILE]
      Send a test alert ("[trailwatch TEST] ...") through the stack's alert topic.

Options:
  --format text|json     text: one line per alert (default); json: one JSON object per alert per line
  --rules FILE           a YAML or JSON rules file: custom rules, overrides, exceptions (repeatable)
  --min-severity LEVEL   ${SEVERITIES.join(', ')} (default: ${DEFAULT_MIN_SEVERITY})
  --disable RULE,...     turn rules off by id (repeatable)
  --parse-all            parse every record, not only those a rule can match (same alerts, slower)

${SEARCH_OPTIONS_HELP}

Exit status: 0 when every file and record was read, 1 when some input was unreadable or malformed,
2 for a usage error (bad option, missing path, invalid rules file). search: 0 when the search ran (whatever
it found), 1 when CloudWatch Logs refused it (no such group, no credentials, ...), 2 for a usage error.`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  interactive: boolean;
  /** The environment (TRAILWATCH_LOG_GROUP); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'scan') return await scan(rest, io);
    if (command === 'rules' && rest[0] === 'import-sigma') return runImportSigma(rest.slice(1), io);
    if (command === 'rules') return await rules(rest, io);
    if (command === 'search') return await search(rest, io);
    if (command === 'verify') return await (await import('./verify-command.js')).verify(rest, io);
    // Loaded on demand: their AWS SDK clients stay out of scan, rules and search.
    if (command === 'doctor') return await (await import('./doctor-command.js')).runDoctorCommand(rest, io);
    if (command === 'test-alert') return await (await import('./test-alert-command.js')).runTestAlertCommand(rest, io);
    if (command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  } catch (error) {
    if (error instanceof UsageError || error instanceof TrailwatchError) {
      io.err(terminalSafe(`trailwatch: ${error.message}`));
      if (error instanceof UsageError) io.err(`Run 'trailwatch --help' for usage.`);
      return 2;
    }
    throw error;
  }
}

function parse(args: string[], allowPositionals: boolean) {
  try {
    return parseArgs({
      args,
      allowPositionals,
      options: {
        format: { type: 'string', default: 'text' },
        rules: { type: 'string', multiple: true },
        'min-severity': { type: 'string' },
        disable: { type: 'string', multiple: true },
        'parse-all': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function format(value: string | undefined): 'text' | 'json' {
  if (value === 'text' || value === 'json') return value;
  throw new UsageError(`--format must be text or json, not "${value}"`);
}

async function scan(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, true);
  if (positionals.length === 0) throw new UsageError('scan needs at least one file or folder');
  const outputFormat = format(values.format);
  const ruleset = await loadRuleset(values);
  return runScan({ paths: positionals, format: outputFormat, ruleset, parseAll: values['parse-all'], ...io });
}

async function rules(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, false);
  printRules(await loadRuleset(values), format(values.format), io.out);
  return 0;
}

async function search(args: string[], io: Io): Promise<number> {
  return runSearch({ ...parseSearchArgs(args, io.env ?? process.env), out: io.out, err: io.err });
}
