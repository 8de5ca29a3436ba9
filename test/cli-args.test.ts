// The command line's conventions: help for every command, --version, "did you mean", and the parser's rules.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseArgs, UsageError, type OptionSpec } from '../cli/args.js';
import { COMMANDS } from '../cli/commands.js';
import { closest, editDistance } from '../cli/suggest.js';
import { main, VERSION } from '../cli/trailwatch.js';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false, env: {} });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('help and version', () => {
  it.each(COMMANDS.map((command) => command.name))(
    '%s --help and -h print its usage and every flag, with status 0',
    async (name) => {
      for (const flag of ['--help', '-h']) {
        const { code, stdout } = await run(name, flag);
        expect(code).toBe(0);
        expect(stdout).toMatch(new RegExp(`^Usage: trailwatch ${name}`));
        for (const option of COMMANDS.find((c) => c.name === name)!.options)
          expect(stdout).toContain(`--${option.name}`);
      }
    },
  );

  it('help COMMAND is the same as COMMAND --help', async () => {
    expect((await run('help', 'scan')).stdout).toBe((await run('scan', '--help')).stdout);
  });

  it('--help wins over the rest of a half-typed command line', async () => {
    const { code, stdout } = await run('scan', '--format', 'xml', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: trailwatch scan/);
  });

  it('lists every command and the exit statuses at the top level', async () => {
    const { stdout } = await run('--help');
    const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const command of COMMANDS)
      expect(stdout).toMatch(new RegExp(`^  ${command.name} +${escapeRegExp(command.summary)}$`, 'm'));
    expect(stdout).toMatch(/^ {2}3 {2}scan --fail-on LEVEL/m);
  });

  it('keeps help within 120 columns', async () => {
    for (const command of COMMANDS)
      for (const line of (await run(command.name, '--help')).stdout.split('\n'))
        expect(line.length).toBeLessThanOrEqual(120);
  });

  it('prints the version', async () => {
    const { code, stdout } = await run('--version');
    expect(code).toBe(0);
    expect(stdout).toBe(VERSION);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints the usage to stderr with status 2 when no command is given', async () => {
    const { code, stderr } = await run();
    expect(code).toBe(2);
    expect(stderr).toMatch(/^trailwatch .*\n\nUsage: trailwatch COMMAND/);
  });
});

describe('did you mean', () => {
  it.each([
    [['sacn', 'x'], /unknown command "sacn"; did you mean scan\?/],
    [['serach'], /unknown command "serach"; did you mean search\?/],
    [['rule'], /did you mean rules\?/],
    [['docter', '--stack', 'x'], /unknown command "docter"; did you mean doctor\?/],
    [['test-alrt'], /did you mean test-alert\?/],
    [['scan', '--formt', 'json', 'x'], /unknown option --formt; did you mean --format\?/],
    [['scan', '--colour', 'never', 'x'], /unknown option --colour; did you mean --color\?/],
    [['scan', '--sinse', '2h', 'x'], /unknown option --sinse; did you mean --since\?/],
    [['scan', '--format', 'jsno', 'x'], /--format must be text or json, not "jsno"; did you mean json\?/],
    [
      ['scan', '--color', 'allways', 'x'],
      /--color must be one of auto, always, never, not "allways"; did you mean always\?/,
    ],
  ])('%j', async (argv, message) => {
    const { code, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/Run 'trailwatch (\w+ )?--help' for usage\./);
  });

  it("sends a usage error of doctor or test-alert (their own parser) to that command's help", async () => {
    for (const name of ['doctor', 'test-alert']) {
      const { code, stderr } = await run(name, '--region', 'us-east-1');
      expect(code).toBe(2);
      expect(stderr).toContain(`${name} needs --stack NAME`);
      expect(stderr).toContain(`Run 'trailwatch ${name} --help' for usage.`);
    }
  });

  it('suggests nothing for a word far from every command', async () => {
    expect((await run('deploy')).stderr).toMatch(/unknown command "deploy"\n/);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('sacn', 'scan')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closest('xyz', ['scan', 'rules'])).toBeUndefined();
  });

  it('never suggests a word further than a third of its length away (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }),
        (typed, words) => {
          const suggestion = closest(typed, words);
          if (suggestion === undefined || suggestion.startsWith(typed.toLowerCase())) return;
          expect(editDistance(typed.toLowerCase(), suggestion)).toBeLessThanOrEqual(
            Math.min(3, Math.max(1, Math.floor(Math.max(typed.length, suggestion.length) / 3))),
          );
        },
      ),
    );
  });
});

describe('the argument parser', () => {
  const options: OptionSpec[] = [
    { name: 'format', kind: 'string', help: '' },
    { name: 'rules', kind: 'string', multiple: true, help: '' },
    { name: 'output', short: 'o', kind: 'string', help: '' },
    { name: 'wide', short: 'w', kind: 'boolean', help: '' },
  ];

  it('takes --name value, --name=value, -x value and -xvalue', () => {
    const args = parseArgs(
      ['--format', 'json', '--rules=a.yaml', '--rules', 'b.yaml', '-o', 'out.html', 'p1', '-w', 'p2'],
      options,
    );
    expect(args.string('format')).toBe('json');
    expect(args.strings('rules')).toEqual(['a.yaml', 'b.yaml']);
    expect(args.string('output')).toBe('out.html');
    expect(args.flag('wide')).toBe(true);
    expect(args.positionals).toEqual(['p1', 'p2']);
    expect(parseArgs(['-oreport.html'], options).string('output')).toBe('report.html');
  });

  it('reads - as a positional (stdin) and everything after -- as positionals', () => {
    expect(parseArgs(['-', '--', '--format', '-h'], options).positionals).toEqual(['-', '--format', '-h']);
  });

  it.each([
    [['--format'], /--format needs a value/],
    [['--format', '--wide'], /--format needs a value/],
    [['--wide=yes'], /--wide takes no value/],
    [['--format', 'a', '--format', 'b'], /--format given twice/],
    [['-x'], /unknown option -x/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv, options)).toThrow(UsageError);
    expect(() => parseArgs(argv, options)).toThrow(message);
  });
});

describe('the command table', () => {
  it('runs a command that parses its own arguments with them as given, and still answers --help', async () => {
    const seen: (readonly string[])[] = [];
    COMMANDS.push({
      name: 'own-parser-example',
      summary: 'an example',
      usage: 'own-parser-example [--x N]',
      options: [{ name: 'x', kind: 'string', help: 'x' }],
      ownParser: true,
      run: async (args) => {
        seen.push(args.raw);
        return 0;
      },
    });
    try {
      expect((await run('own-parser-example', '--x=1', '--unknown', 'p')).code).toBe(0);
      expect(seen).toEqual([['--x=1', '--unknown', 'p']]);
      expect((await run('own-parser-example', '--help')).stdout).toMatch(/^Usage: trailwatch own-parser-example/);
      expect(seen).toHaveLength(1);
    } finally {
      COMMANDS.pop();
    }
  });

  it('gives every command a summary that fits the command list, and unique names and flags', () => {
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
    for (const command of COMMANDS) {
      expect(command.summary.length).toBeLessThanOrEqual(80);
      const flags = command.options.map((o) => o.name);
      expect(new Set(flags).size).toBe(flags.length);
    }
  });
});
