// `trailwatch scan`: its flags (commands.ts) turned into a run of scan-command.ts.
import type { ParsedArgs } from './args.js';
import { ruleOptions, type Io } from './commands.js';
import { inputSettings } from './input-options.js';
import { loadRuleset } from './load-ruleset.js';
import { DEFAULT_WIDTH, MIN_WIDTH, useColour, type ColourMode } from './output.js';
import { runScan } from './scan-command.js';

export async function scanMain(args: ParsedArgs, io: Io): Promise<number> {
  const env = io.env ?? process.env;
  const failOnText = args.string('fail-on');
  const failOn =
    failOnText === undefined
      ? undefined
      : (await import('../shared/rules/rules-file.js')).parseSeverity(failOnText, '--fail-on', '');
  const ruleset = await loadRuleset(ruleOptions(args));
  const inputs = await inputSettings(args, io, 'scan');
  const colour = useColour((args.string('color') ?? 'auto') as ColourMode, io.stdoutIsTTY ?? false, env);
  // The terminal's width when it is narrower than 120, but at least 80: below that a line has no room for the headline.
  const width = args.flag('wide')
    ? undefined
    : Math.max(MIN_WIDTH, Math.min(DEFAULT_WIDTH, io.stdoutIsTTY && io.columns ? io.columns : DEFAULT_WIDTH));
  return runScan({
    plan: inputs.plan,
    window: inputs.window,
    concurrency: inputs.concurrency,
    verbose: inputs.verbose,
    format: args.string('format') === 'json' ? 'json' : 'text',
    ruleset,
    parseAll: args.flag('parse-all'),
    style: { colour, width },
    ...(failOn ? { failOn } : {}),
    out: io.out,
    err: io.err,
    ...(io.interactive ? { progress: io.errRaw ?? ((text: string) => process.stderr.write(text)) } : {}),
  });
}
