// The `trailwatch` command line: finds the command in the table (commands.ts), parses its flags, runs it, and
// turns usage and input errors into one line and an exit status.
import packageJson from '../package.json' with { type: 'json' };
import { TrailwatchError } from '../shared/errors.js';
import { optionsHelp, parseArgs, unparsedArgs, UsageError } from './args.js';
import { COMMANDS, RULES_IMPORT_SIGMA, type Command, type Io } from './commands.js';
import { AwsInputError } from './inputs/aws-input-error.js';
import { closest } from './suggest.js';
import { safePrinter, terminalSafe } from './terminal-text.js';

export type { Io } from './commands.js';

export const VERSION: string = packageJson.version;

/** Exit statuses, kept stable for scripts (README, "Exit status"). */
export const EXIT = { ok: 0, failed: 1, usage: 2, alerts: 3 } as const;

export const EXIT_STATUS_HELP = `Exit status:
  0  done: every input and record was read (scan: whatever alerts were raised)
  1  something could not be done: an input or record unreadable (the rest is still read), an AWS call
     refused, or the output could not be written
  2  usage error: unknown command or option, bad value, missing path, invalid rules file
  3  scan --fail-on LEVEL: an alert at or above LEVEL was raised (wins over 1)`;

export function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;
  return `trailwatch ${VERSION}: watch Amazon RDS and the RDS Data API through AWS CloudTrail

Usage: trailwatch COMMAND [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join('\n')}

Options:
  -h, --help     help (also: trailwatch COMMAND --help, trailwatch help COMMAND)
  --version      print the version

${EXIT_STATUS_HELP}`;
}

export function commandHelp(command: Command): string {
  return [
    `Usage: trailwatch ${command.usage}`,
    command.description ?? command.summary,
    `Options:\n${optionsHelp(command.options)}`,
    ...(command.notes ? [command.notes] : []),
    `Exit status: 0 done, 1 something could not be read or done, 2 usage error${command.name === 'scan' ? ', 3 --fail-on reached' : ''} (trailwatch --help).`,
  ].join('\n\n');
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  let command: Command | undefined;
  try {
    if (name === undefined) {
      io.err(usage());
      return EXIT.usage;
    }
    if (name === '--help' || name === '-h') {
      io.out(usage());
      return EXIT.ok;
    }
    if (name === '--version' || name === '-V') {
      io.out(VERSION);
      return EXIT.ok;
    }
    if (name === 'help') {
      const topic = rest[0];
      const wanted = topic === undefined ? undefined : findCommand(topic);
      io.out(wanted ? commandHelp(wanted) : usage());
      return EXIT.ok;
    }
    command = name === 'rules' && rest[0] === 'import-sigma' ? RULES_IMPORT_SIGMA : findCommand(name);
    if (command === RULES_IMPORT_SIGMA) rest.shift();
    const args = command.ownParser ? unparsedArgs(rest) : parseArgs(rest, command.options, command.name);
    if (args.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    // Every stderr line a command prints passes through terminalSafe: file names, S3 keys, AWS error messages and
    // record text are chosen by others (cli/terminal-text.ts). stdout is escaped by each command, which knows its
    // format (text alert lines keep their colour codes; report -o - writes an HTML page).
    return await command.run(args, { ...io, err: safePrinter(io.err) });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(terminalSafe(`trailwatch: ${error.message}`));
      const about = error.command ?? command?.name;
      io.err(`Run 'trailwatch ${about ? `${about} ` : ''}--help' for usage.`);
      return EXIT.usage;
    }
    if (error instanceof TrailwatchError) {
      // Invalid rules files and options: the user's input, named with the place.
      io.err(terminalSafe(`trailwatch: ${error.message}`));
      return EXIT.usage;
    }
    if (error instanceof AwsInputError) {
      io.err(terminalSafe(`trailwatch: ${error.message}`));
      return EXIT.failed;
    }
    throw error;
  }
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command) return command;
  if (name.startsWith('-')) {
    throw new UsageError(
      `${name} is not a command or top-level option; options go after the command (trailwatch scan ${name} ...)`,
    );
  }
  const suggestion = closest(
    name,
    COMMANDS.map((candidate) => candidate.name),
  );
  throw new UsageError(`unknown command "${name}"${suggestion ? `; did you mean ${suggestion}?` : ''}`);
}
