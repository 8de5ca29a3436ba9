// The input options shared by `scan` and `report` (commands.ts INPUT_OPTIONS), turned into a plan of inputs.
import { UsageError, type ParsedArgs } from './args.js';
import { endpointUrlOption } from './aws-options.js';
import type { Io } from './commands.js';
import { planInputs, type InputPlan } from './inputs/plan.js';
import { DEFAULT_CONCURRENCY } from './scan-inputs.js';
import { parseWindow, type TimeWindow } from './time-window.js';

export const MAX_CONCURRENCY = 32;

export interface InputSettings {
  plan: InputPlan;
  window: TimeWindow;
  concurrency: number;
  verbose: boolean;
}

export async function inputSettings(args: ParsedArgs, io: Io, command: string): Promise<InputSettings> {
  if (args.positionals.length === 0)
    throw new UsageError(`${command} needs at least one file or folder, - for stdin, or s3://BUCKET/PREFIX`, command);
  const window = parseWindow(args.string('since'), args.string('until'));
  const concurrency = parseConcurrency(args.string('concurrency'));
  const region = args.string('region');
  const profile = args.string('profile');
  const endpointUrl = endpointUrlOption(args.string('endpoint-url'), command);
  const plan = await planInputs(args.positionals, {
    window,
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    env: io.env ?? process.env,
    stdin: () => io.stdin ?? process.stdin,
  });
  return { plan, window, concurrency, verbose: args.flag('verbose') };
}

function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_CONCURRENCY)
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, not "${value}"`);
  return n;
}
