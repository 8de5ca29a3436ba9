// The command table: every `trailwatch` command is one entry here (add one: name, summary, usage, options and
// `run: async (args, io) => (await import('./x-command.js')).run(args, io)`): its name, a one-line summary, usage, options
// and a run function. Help, "did you mean", shell completion and the README's list all come from this table.
// Run functions import their implementation when they run, so `trailwatch --version` or `scan` of a file
// loads neither the AWS SDK nor the report renderer (esbuild splits each dynamic import into its own chunk).
import type { Readable } from 'node:stream';
import { DEFAULT_MIN_SEVERITY, SEVERITIES } from '../shared/rules/types.js';
import { UsageError, type OptionSpec, type ParsedArgs } from './args.js';
import { SEARCH_NOTES, SEARCH_OPTION_SPECS } from './search-args.js';
import { safePrinter } from './terminal-text.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** What a command may touch of the outside world; tests pass their own. */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** True when stderr is a terminal: progress lines are shown then. */
  interactive: boolean;
  /** Default process.env. */
  env?: Env;
  /** Default process.stdin. */
  stdin?: Readable;
  /** True when stdout is a terminal: colour is used then (unless NO_COLOR). */
  stdoutIsTTY?: boolean;
  /** The terminal's width, when stdout is one. */
  columns?: number;
  /** Raw text to stderr, without a newline (the progress line); default process.stderr.write. */
  errRaw?: (text: string) => void;
}

export interface Command {
  name: string;
  /** One line, for the command list. */
  summary: string;
  /** The usage line(s) after `trailwatch NAME`. */
  usage: string;
  /** Paragraphs after the usage line. */
  description?: string;
  options: OptionSpec[];
  /** What the positional arguments complete to. */
  positionals?: { completeWith?: 'file' | 'folder'; choices?: readonly string[] };
  /** Said after the options. */
  notes?: string;
  /**
   * The command parses its own arguments (args.raw; `options` then only feed help and completion): for a module
   * written with node:util parseArgs, wired in without rewriting it. --help is still answered here.
   */
  ownParser?: boolean;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

export const RULE_OPTIONS: OptionSpec[] = [
  {
    name: 'rules',
    kind: 'string',
    multiple: true,
    value: 'FILE',
    help: 'a YAML or JSON rules file: custom rules, overrides, exceptions',
    completeWith: 'file',
  },
  {
    name: 'min-severity',
    kind: 'string',
    value: 'LEVEL',
    help: `${SEVERITIES.join(', ')} (default: ${DEFAULT_MIN_SEVERITY})`,
    completions: SEVERITIES,
  },
  { name: 'disable', kind: 'string', multiple: true, value: 'RULE,...', help: 'turn rules off by id' },
];

export const INPUT_OPTIONS: OptionSpec[] = [
  {
    name: 'since',
    kind: 'string',
    value: 'WHEN',
    help: 'only records from then: 30m, 2h, 7d, 2w before now, a date (2026-11-20) or a UTC time',
  },
  {
    name: 'until',
    kind: 'string',
    value: 'WHEN',
    help: 'only records before then (a date alone: the end of that day)',
  },
  {
    name: 'region',
    kind: 'string',
    value: 'REGION',
    help: "for s3:// inputs: the client's region (default: AWS_REGION or the profile's; other regions are followed)",
  },
  {
    name: 'profile',
    kind: 'string',
    value: 'NAME',
    help: 'for s3:// inputs: a profile from ~/.aws/config (default: AWS_PROFILE)',
  },
  {
    name: 'endpoint-url',
    kind: 'string',
    value: 'URL',
    help: 'for s3:// inputs: an S3-compatible endpoint (path-style), e.g. an emulator',
  },
  {
    name: 'concurrency',
    kind: 'string',
    value: 'N',
    help: 'for s3:// inputs: objects downloading at once, 1-32 (default: 4)',
  },
  { name: 'verbose', short: 'v', kind: 'boolean', help: 'name every file skipped as not CloudTrail, and why' },
];

const INPUTS_DESCRIPTION = `INPUT is a CloudTrail log file (.json.gz as CloudTrail delivers it, or .json), a folder (searched recursively),
- for stdin (gzip or not), or s3://BUCKET/PREFIX (read straight from S3 with the standard AWS credential chain).
CloudTrail Event history (what \`aws cloudtrail lookup-events\` prints) is recognised by its content. Files that
are not CloudTrail logs (AWS Config files, digests, Insights, other JSON) are skipped and counted.
With --since/--until, S3 keys are chosen by the delivery date in CloudTrail's key layout before anything is
downloaded, and every input's records are filtered by eventTime.`;

/** doctor and test-alert parse these themselves (cli/stack-args.ts); listed here for help and completion. */
const STACK_OPTIONS: OptionSpec[] = [
  { name: 'stack', kind: 'string', value: 'NAME', help: 'the stack name you gave sam deploy (required)' },
  {
    name: 'region',
    kind: 'string',
    value: 'REGION',
    help: "the stack's region (default: AWS_REGION or the profile's)",
  },
  { name: 'profile', kind: 'string', value: 'PROFILE', help: 'a profile from ~/.aws/config (default: AWS_PROFILE)' },
];

export const COMMANDS: Command[] = [
  {
    name: 'scan',
    summary: 'print the alerts CloudTrail records raise',
    usage: 'scan [options] INPUT...',
    description: `Classify CloudTrail records and print the alerts they raise: one line each on stdout, the summary on stderr.\n\n${INPUTS_DESCRIPTION}`,
    options: [
      {
        name: 'format',
        kind: 'string',
        value: 'text|json',
        help: 'text: one line per alert (default); json: one JSON object per alert per line',
        choices: ['text', 'json'],
      },
      ...RULE_OPTIONS,
      ...INPUT_OPTIONS,
      {
        name: 'fail-on',
        kind: 'string',
        value: 'LEVEL',
        help: 'exit with status 3 when an alert at or above LEVEL was raised (for CI and cron)',
        completions: SEVERITIES,
      },
      {
        name: 'wide',
        short: 'w',
        kind: 'boolean',
        help: 'print whole lines (default: fit 120 columns, or the terminal)',
      },
      {
        name: 'color',
        kind: 'string',
        value: 'WHEN',
        help: 'auto (default: on a terminal, unless NO_COLOR is set), always or never',
        choices: ['auto', 'always', 'never'],
      },
      {
        name: 'parse-all',
        kind: 'boolean',
        help: 'parse every record, not only those a rule can match (same alerts, slower)',
      },
    ],
    positionals: { completeWith: 'file' },
    run: async (args, io) => (await import('./scan-main.js')).scanMain(args, io),
  },
  {
    name: 'report',
    summary: 'write one self-contained HTML page of what happened',
    usage: 'report [options] INPUT... -o FILE.html',
    description: `Read the same inputs as scan and write one HTML file (no scripts, nothing fetched when it is opened): alerts
over time by severity, a timeline per database, who and where RDS changes came from, failed-call bursts,
Data API activity per cluster, and every alert with its record.\n\n${INPUTS_DESCRIPTION}`,
    options: [
      {
        name: 'output',
        short: 'o',
        kind: 'string',
        value: 'FILE',
        help: 'the HTML file to write (required; - for stdout)',
        completeWith: 'file',
      },
      { name: 'title', kind: 'string', value: 'TEXT', help: 'the page title (default: "trailwatch report")' },
      ...RULE_OPTIONS,
      ...INPUT_OPTIONS,
    ],
    positionals: { completeWith: 'file' },
    run: async (args, io) => (await import('./report/report-command.js')).reportMain(args, io),
  },
  {
    name: 'rules',
    summary: 'list the rules that would run',
    usage: 'rules [options]',
    description: 'List the active rules with these options, so a rules file can be checked.',
    notes:
      'trailwatch rules import-sigma FILE|DIR... [--out FILE] converts Sigma rules into a rules file\n(trailwatch rules import-sigma --help).',
    options: [
      {
        name: 'format',
        kind: 'string',
        value: 'text|json',
        help: 'text (default) or json, one rule per line',
        choices: ['text', 'json'],
      },
      ...RULE_OPTIONS,
    ],
    run: async (args, io) => {
      noPositionals(args, 'rules');
      const [{ loadRuleset }, { printRules }] = await Promise.all([
        import('./load-ruleset.js'),
        import('./rules-command.js'),
      ]);
      printRules(await loadRuleset(ruleOptions(args)), args.string('format') === 'json' ? 'json' : 'text', io.out);
      return 0;
    },
  },
  {
    name: 'search',
    summary: 'search the deployed index (CloudWatch Logs), newest first',
    usage: 'search [options]',
    description: 'Search the trailwatch index (CloudWatch Logs) and print matching events, newest first.',
    options: SEARCH_OPTION_SPECS,
    notes: SEARCH_NOTES,
    run: async (args, io) => (await import('./search-main.js')).searchMain(args, io),
  },
  {
    name: 'doctor',
    summary: 'check a deployed stack and say how to fix what is wrong',
    usage: 'doctor --stack NAME [--region REGION] [--profile PROFILE]',
    description: 'Check a deployed stack and say how to fix what is wrong (README, "Checking a deployed stack").',
    options: STACK_OPTIONS,
    notes: 'Exit status 1 when a check fails.',
    ownParser: true,
    // Loaded only when it runs: its AWS SDK clients stay out of scan, rules and search.
    run: async (args, io) =>
      (await import('./doctor-command.js')).runDoctorCommand([...args.raw], { ...io, out: safePrinter(io.out) }),
  },
  {
    name: 'test-alert',
    summary: "send a test alert through the stack's alert topic",
    usage: 'test-alert --stack NAME [--region REGION] [--profile PROFILE]',
    description: 'Send a test alert ("[trailwatch TEST] ...") through the deployed stack\'s alert topic.',
    options: STACK_OPTIONS,
    ownParser: true,
    run: async (args, io) =>
      (await import('./test-alert-command.js')).runTestAlertCommand([...args.raw], { ...io, out: safePrinter(io.out) }),
  },
  {
    name: 'verify',
    summary: "check the trail's files against CloudTrail's signed digests",
    usage: 'verify s3://BUCKET[/PREFIX] [--start ISO] [--end ISO] [--public-keys FILE] [--format text|json]',
    description: `Check the trail's files with CloudTrail's signed digests: every digest's signature, location and chain,
every listed log file's SHA-256, and log files no digest lists (README, "Log integrity"). One line per file
checked on stdout (JSON Lines with --format json), a summary on stderr.`,
    options: [
      { name: 'start', kind: 'string', value: 'ISO', help: 'the first hour to check (default: the oldest digest)' },
      { name: 'end', kind: 'string', value: 'ISO', help: 'the end of the range (default: now)' },
      {
        name: 'public-keys',
        kind: 'string',
        value: 'FILE',
        help: 'the JSON `aws cloudtrail list-public-keys` prints (default: ListPublicKeys)',
        completeWith: 'file',
      },
      {
        name: 'format',
        kind: 'string',
        value: 'text|json',
        help: 'text (default) or json, one object per file',
        choices: ['text', 'json'],
      },
      { name: 'concurrency', kind: 'string', value: 'N', help: 'objects read at once, 1-64 (default: 8)' },
      { name: 'region', kind: 'string', value: 'REGION', help: "S3's region (ListPublicKeys: each digest's own)" },
      { name: 'profile', kind: 'string', value: 'NAME', help: 'for S3 and ListPublicKeys (default: AWS_PROFILE)' },
      { name: 'endpoint-url', kind: 'string', value: 'URL', help: 'an S3-compatible endpoint (path-style); S3 only' },
    ],
    notes: 'Exit status 1 when any file or digest is not valid, or no digest was found.',
    ownParser: true,
    // Loaded only when it runs: its AWS SDK clients stay out of scan, rules and search.
    run: async (args, io) =>
      (await import('./verify-command.js')).verify([...args.raw], { ...io, out: safePrinter(io.out) }),
  },
  {
    // issue 18: cli/backfill-command.ts (README "Scale", "Backfill").
    name: 'backfill',
    summary: 'run the deployed processor over past log files (S3 Batch Operations)',
    usage: 'backfill s3://BUCKET/PREFIX --since WHEN [--until WHEN] --stack NAME [--mode alert|report] [--wait]',
    description: `Create an S3 Batch Operations job that runs the stack's processor on every CloudTrail log file under the
prefix delivered between --since and --until (a manifest the command writes), print its id and progress, and with
--wait follow it to the end and list the files that failed, with why. --mode report emails nothing and writes the
alerts as JSON Lines to the stack's backfill bucket; with the stack's dedupe table, alerts already sent are not sent
again. The index is not backfilled.`,
    options: [
      {
        name: 'since',
        kind: 'string',
        value: 'WHEN',
        help: 'the first delivery to read: a date, a UTC time, or 30d (required)',
      },
      { name: 'until', kind: 'string', value: 'WHEN', help: 'the end of the window (default: now)' },
      { name: 'stack', kind: 'string', value: 'NAME', help: 'the stack name you gave sam deploy (required)' },
      {
        name: 'mode',
        kind: 'string',
        value: 'alert|report',
        help: 'alert: publish as the live pipeline does (default); report: write JSON Lines, email nothing',
        choices: ['alert', 'report'],
      },
      { name: 'wait', kind: 'boolean', help: 'follow the job until it ends; exit 1 if any file failed' },
      {
        name: 'region',
        kind: 'string',
        value: 'REGION',
        help: "the stack's region (default: AWS_REGION or the profile's)",
      },
      { name: 'profile', kind: 'string', value: 'NAME', help: 'a profile from ~/.aws/config (default: AWS_PROFILE)' },
      {
        name: 'endpoint-url',
        kind: 'string',
        value: 'URL',
        help: 'an S3-compatible endpoint for the listing (path-style)',
      },
      {
        name: 'poll-seconds',
        kind: 'string',
        value: 'N',
        help: 'with --wait: seconds between progress checks (default 15)',
      },
    ],
    notes: 'Exit status 1 when the job could not be created, or (with --wait) failed or had failed files.',
    ownParser: true,
    run: async (args, io) =>
      (await import('./backfill-command.js')).runBackfill([...args.raw], { ...io, out: safePrinter(io.out) }),
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash or zsh)',
    usage: 'completion bash|zsh',
    description: `Print a completion script for bash or zsh. Load it from your shell's start-up file:
  bash (~/.bashrc):  source <(trailwatch completion bash)
  zsh (~/.zshrc):    source <(trailwatch completion zsh)`,
    options: [],
    positionals: { choices: ['bash', 'zsh'] },
    run: async (args, io) => {
      const shell = args.positionals[0];
      if (args.positionals.length !== 1 || (shell !== 'bash' && shell !== 'zsh'))
        throw new UsageError('completion needs one shell: bash or zsh', 'completion');
      const { completionScript } = await import('./completion.js');
      io.out(completionScript(shell, COMMANDS));
      return 0;
    },
  },
];

/**
 * `trailwatch rules import-sigma`: a subcommand of `rules` (issue 15), dispatched by main() before the table, with
 * its own help. Not in COMMANDS: its name has a space, which the command list and completion do not take.
 */
export const RULES_IMPORT_SIGMA: Command = {
  name: 'rules import-sigma',
  summary: 'convert Sigma rules for CloudTrail into a trailwatch rules file',
  usage: 'rules import-sigma FILE|DIR... [--out FILE]',
  description: `Convert Sigma rules (logsource product aws, service cloudtrail) into a trailwatch rules file for --rules.
Rules that cannot be converted exactly are listed on stderr with the reason, never approximated.`,
  options: [
    {
      name: 'out',
      kind: 'string',
      value: 'FILE',
      help: 'write the rules file here (default: stdout)',
      completeWith: 'file',
    },
  ],
  notes: 'Exit status 1 when some rules could not be converted (the others are still written).',
  ownParser: true,
  run: async (args, io) => (await import('./import-sigma-command.js')).runImportSigma([...args.raw], io),
};

export function ruleOptions(args: ParsedArgs): { rules: string[]; disable: string[]; 'min-severity'?: string } {
  const min = args.string('min-severity');
  return { rules: args.strings('rules'), disable: args.strings('disable'), ...(min ? { 'min-severity': min } : {}) };
}

export function noPositionals(args: ParsedArgs, command: string): void {
  if (args.positionals.length > 0)
    throw new UsageError(`${command} takes no arguments: "${args.positionals[0]}"`, command);
}
