// `npm run bench` flags: what to measure (files, rows, runs) and how (waiting for a quiet machine, timeouts,
// profiling, --strict).
import { MEASURED_ROWS } from './all-rows.js';
import { isSizeName, SIZES, type SizeName } from './generate.js';
import { PRIMARY_TRAILWATCH_ROW } from './trailwatch.js';

export interface Options {
  sizes: SizeName[];
  runs: Partial<Record<SizeName, number>>;
  rows: string[] | undefined;
  includeSlow: boolean;
  waitForQuiet: boolean;
  generateOnly: boolean;
  timeoutSeconds: number | undefined;
  strict: boolean;
  /** The row to CPU-profile after the table, if any (--profile: the target row; --profile-row ID: that one). */
  profile: string | undefined;
}

export const ALL_ROW_IDS = MEASURED_ROWS.map((r) => r.id);
/** The sections after the table, selected with --rows like a row (all of them run without --rows). */
export const STARTUP_ROW = 'startup';
export { TYPICAL_FILES_ROW } from './typical-files.js';
export { LOWER_BOUNDS_SECTION } from './lower-bounds.js';

/** Whether a section after the table runs: always without --rows, else when --rows names it. */
export function wants(opts: Options, section: string): boolean {
  return !opts.rows || opts.rows.includes(section);
}

export const USAGE = `usage: npm run bench -- [--quick] [--sizes 5mb,100mb,1gb] [--runs N] [--rows id,...] [--include-slow]
                        [--timeout SECONDS] [--no-wait] [--generate-only] [--strict] [--profile] [--profile-row ID]
rows: ${ALL_ROW_IDS.join(', ')} (or a prefix: gunzip, trailwatch, processor, indexer);
      and after the table: startup, typical-files, lower-bounds (without --rows every row and section runs)`;

export function parseArgs(argv: string[]): Options {
  const opts: Options = {
    sizes: ['5mb', '100mb', '1gb'],
    runs: { '5mb': 5, '100mb': 7, '1gb': 3 },
    rows: undefined,
    includeSlow: false,
    waitForQuiet: true,
    generateOnly: false,
    timeoutSeconds: undefined,
    strict: false,
    profile: undefined,
  };
  let runsOverride: number | undefined;
  let sizesGiven = false;
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--quick':
        if (!sizesGiven) opts.sizes = ['5mb', '100mb'];
        opts.runs = { '5mb': 3, '100mb': 3, '1gb': 1 };
        break;
      case '--sizes': {
        const sizes = value(i++, arg)
          .split(',')
          .map((s) => s.trim().toLowerCase());
        const bad = sizes.filter((s) => !isSizeName(s));
        if (bad.length > 0 || sizes.length === 0)
          throw new Error(`unknown size ${bad.join(', ')}: use ${Object.keys(SIZES).join(', ')}\n${USAGE}`);
        opts.sizes = sizes.filter(isSizeName);
        sizesGiven = true;
        break;
      }
      case '--runs': {
        const n = Number(value(i++, arg));
        if (!Number.isInteger(n) || n < 1 || n > 50)
          throw new Error(`--runs must be an integer from 1 to 50\n${USAGE}`);
        runsOverride = n;
        break;
      }
      case '--rows':
        opts.rows = value(i++, arg)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--timeout': {
        const n = Number(value(i++, arg));
        if (!(n > 0)) throw new Error(`--timeout must be a number of seconds\n${USAGE}`);
        opts.timeoutSeconds = n;
        break;
      }
      case '--include-slow':
        opts.includeSlow = true;
        break;
      case '--no-wait':
        opts.waitForQuiet = false;
        break;
      case '--generate-only':
        opts.generateOnly = true;
        break;
      case '--strict':
        opts.strict = true;
        break;
      case '--profile':
        opts.profile = PRIMARY_TRAILWATCH_ROW;
        break;
      case '--profile-row': {
        const id = value(i++, arg);
        if (!ALL_ROW_IDS.includes(id)) throw new Error(`unknown row ${id}\n${USAGE}`);
        opts.profile = id;
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  if (runsOverride !== undefined) opts.runs = { '5mb': runsOverride, '100mb': runsOverride, '1gb': runsOverride };
  opts.sizes = (Object.keys(SIZES) as SizeName[]).filter((s) => opts.sizes.includes(s));
  return opts;
}
