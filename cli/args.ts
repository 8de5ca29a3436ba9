// Command-line arguments: a small parser over option tables, so every command gets the same conventions
// (`--name value`, `--name=value`, `-x value`, `--` ends options, `-` is a positional meaning stdin), help text
// generated from the same table, and "did you mean" for mistyped flags. node:util parseArgs has no suggestions
// and its messages are written for programmers ("Unknown option '--colour'. To specify a positional ...").
import { closest } from './suggest.js';

export class UsageError extends Error {
  override name = 'UsageError';
  /** The command whose help the message points to, if any. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

export interface OptionSpec {
  /** The long name without dashes: `format` for `--format`. */
  name: string;
  /** One letter: `o` for `-o`. */
  short?: string;
  kind: 'boolean' | 'string';
  /** The flag may be given more than once; every value is kept. */
  multiple?: boolean;
  /** Placeholder for the value in help: FILE, N, LEVEL. */
  value?: string;
  help: string;
  /** The only values accepted (checked here), also offered by shell completion. */
  choices?: readonly string[];
  /** Values offered by shell completion only (checked elsewhere, with a message of their own). */
  completions?: readonly string[];
  /** What completion should offer for the value: files, folders or nothing. */
  completeWith?: 'file' | 'folder';
}

export interface ParsedArgs {
  positionals: string[];
  /** The arguments after the command name, as given. */
  raw: readonly string[];
  /** `--help` or `-h` was given (anywhere: the rest is then not checked). */
  help: boolean;
  has(name: string): boolean;
  string(name: string): string | undefined;
  strings(name: string): string[];
  flag(name: string): boolean;
}

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', kind: 'boolean', help: 'show this help' };

/**
 * Parses `args` against `options` (HELP_OPTION is always understood). Throws UsageError naming the flag,
 * with a suggestion when a flag is unknown.
 */
export function parseArgs(args: readonly string[], options: readonly OptionSpec[], command?: string): ParsedArgs {
  const specs = [...options, HELP_OPTION];
  const byLong = new Map(specs.map((spec) => [spec.name, spec]));
  const byShort = new Map(specs.filter((spec) => spec.short).map((spec) => [spec.short!, spec]));
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  // --help anywhere wins over everything else, as in git and aws: a half-typed command line still shows help.
  const endOfOptions = args.indexOf('--');
  const optionPart = endOfOptions === -1 ? args : args.slice(0, endOfOptions);
  if (optionPart.includes('--help') || optionPart.includes('-h')) return result(args, values, positionals, true);

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    let written: string;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) inline = arg.slice(eq + 1);
      written = `--${name}`;
      spec = byLong.get(name);
      if (!spec) {
        const suggestion = closest(name, [...byLong.keys()]);
        throw new UsageError(
          `unknown option ${written}${suggestion ? `; did you mean --${suggestion}?` : ''}`,
          command,
        );
      }
    } else {
      written = arg.slice(0, 2);
      spec = byShort.get(arg.slice(1, 2));
      if (arg.length > 2) inline = arg.slice(2);
      if (!spec) throw new UsageError(`unknown option ${written}`, command);
    }
    const flagName = `--${spec.name}`;
    if (spec.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`${flagName} takes no value`, command);
      values.set(spec.name, ['true']);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = args[i + 1];
      if (
        next === undefined ||
        (next.startsWith('--') && next.length > 2) ||
        (next.length === 2 && next.startsWith('-') && byShort.has(next[1]!))
      ) {
        throw new UsageError(`${flagName} needs a value${spec.value ? ` (${spec.value})` : ''}`, command);
      }
      value = next;
      i++;
    }
    if (spec.choices && !spec.choices.includes(value)) {
      const list = spec.choices.length === 2 ? spec.choices.join(' or ') : `one of ${spec.choices.join(', ')}`;
      const suggestion = closest(value, spec.choices);
      throw new UsageError(
        `${flagName} must be ${list}, not "${value}"${suggestion ? `; did you mean ${suggestion}?` : ''}`,
        command,
      );
    }
    if (spec.multiple) values.set(spec.name, [...(values.get(spec.name) ?? []), value]);
    else if (values.has(spec.name) && values.get(spec.name)![0] !== value)
      throw new UsageError(`${flagName} given twice`, command);
    else values.set(spec.name, [value]);
  }
  return result(args, values, positionals, false);
}

/** The arguments of a command that parses them itself (Command.ownParser): only --help is looked for. */
export function unparsedArgs(args: readonly string[]): ParsedArgs {
  const endOfOptions = args.indexOf('--');
  const optionPart = endOfOptions === -1 ? args : args.slice(0, endOfOptions);
  return result(args, new Map(), [...args], optionPart.includes('--help') || optionPart.includes('-h'));
}

function result(
  raw: readonly string[],
  values: Map<string, string[]>,
  positionals: string[],
  help: boolean,
): ParsedArgs {
  return {
    positionals,
    raw,
    help,
    has: (name) => values.has(name),
    string: (name) => values.get(name)?.[0],
    strings: (name) => values.get(name) ?? [],
    flag: (name) => values.has(name),
  };
}

/** The options part of a command's help: one line per flag, descriptions aligned. */
export function optionsHelp(options: readonly OptionSpec[]): string {
  const rows = [...options, HELP_OPTION].map((spec) => {
    const names = `${spec.short ? `-${spec.short}, ` : '    '}--${spec.name}${spec.value ? ` ${spec.value}` : ''}`;
    const repeat = spec.multiple ? ' (repeatable)' : '';
    return [names, `${spec.help}${repeat}`] as const;
  });
  const width = Math.min(30, Math.max(...rows.map(([names]) => names.length)) + 2);
  const indent = ' '.repeat(width + 2);
  return rows
    .map(([names, help]) => {
      const text = wrap(help, HELP_WIDTH - indent.length).join(`\n${indent}`);
      return names.length + 2 > width ? `  ${names}\n${indent}${text}` : `  ${names.padEnd(width)}${text}`;
    })
    .join('\n');
}

/** Help fits the same 120 columns as scan's lines. */
const HELP_WIDTH = 120;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
