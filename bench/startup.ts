// Start-up, each a fresh process, several rounds, rows interleaved, the median shown:
// - the `trailwatch` command against bare Node (`node -e 0`): `--version`, a scan of one small file
//   (test/fixtures/logs/rds-day.json.gz) and `report` of it, run through bin/trailwatch.mjs as an installed command is,
//   built first (npm run build). Wall time from spawn to exit, and the CPU time the process used (user + system, from
//   bash's `times`), which a busy neighbour on this shared machine disturbs far less than the wall time.
// - the Lambda cold start that is ours: importing each bundled handler (dist/processor/handler.mjs,
//   dist/indexer/handler.mjs, bundled as `sam build` bundles them: scripts/build.mjs) with the template's default
//   environment, timed inside the process around `await import(...)`: what Lambda's init phase runs of our code
//   (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-ib).
//
// STARTUP_BASELINE=DIR adds rows for an older build's bin/ and dist/cli/ in DIR, for A/B runs (baselineRows).
//
// Target (issue 17): a one-file `trailwatch scan` within 50 ms of bare Node (wall medians).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QuietMachine } from './machine.js';
import { progress } from './paths.js';

/** This module runs bundled into bench/out/, two levels below the repository root. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROUNDS = 15;
export const STARTUP_TARGET_MS = 50;
const FIXTURE = 'test/fixtures/logs/rds-day.json.gz';

interface Sample {
  wallMs: number;
  /** User + system CPU of the process (command rows, where bash is there to measure it) or of the import. */
  cpuMs: number | undefined;
  rssMB?: number;
}

interface CommandRow {
  kind: 'command';
  label: string;
  args: string[];
}

interface ImportRow {
  kind: 'import';
  label: string;
  bundle: string;
  env: Record<string, string>;
}

type StartupRow = CommandRow | ImportRow;

// What Lambda puts in every function's environment (credentials from the execution role), and the template's own
// Globals (NODE_OPTIONS, TRAILWATCH_STACK) with its default parameters: no custom rules, the dedupe table on.
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  TRAILWATCH_STACK: 'trailwatch',
  DISABLED_RULES: '',
  SEVERITY_OVERRIDES: '',
  RULES_YAML: '',
};

const ROWS: StartupRow[] = [
  { kind: 'command', label: '`node -e 0` (bare Node)', args: ['-e', '0'] },
  { kind: 'command', label: '`trailwatch --version`', args: ['bin/trailwatch.mjs', '--version'] },
  { kind: 'command', label: '`trailwatch scan` of one 2 KB file', args: ['bin/trailwatch.mjs', 'scan', FIXTURE] },
  {
    kind: 'command',
    label: '`trailwatch report` of the same file',
    args: ['bin/trailwatch.mjs', 'report', FIXTURE, '-o', '/dev/null'],
  },
  {
    kind: 'import',
    label: 'processor Lambda cold start: import dist/processor/handler.mjs',
    bundle: 'dist/processor/handler.mjs',
    env: {
      ...LAMBDA_ENV,
      AWS_LAMBDA_FUNCTION_NAME: 'trailwatch-ProcessorFunction-bench',
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:trailwatch-AlertTopic-bench',
      MIN_SEVERITY: 'medium',
      ALERT_STORM_THRESHOLD: '20',
      ALERT_DEDUPE_TABLE: 'trailwatch-AlertDedupeTable-bench',
    },
  },
  {
    kind: 'import',
    label: 'indexer Lambda cold start: import dist/indexer/handler.mjs',
    bundle: 'dist/indexer/handler.mjs',
    env: {
      ...LAMBDA_ENV,
      AWS_LAMBDA_FUNCTION_NAME: 'trailwatch-IndexerFunction-bench',
      INDEX_LOG_GROUP: '/trailwatch/bench/cloudtrail',
      INDEX_SCOPE: 'rds',
      INDEX_RETENTION_DAYS: '30',
    },
  },
];

/**
 * A/B against an older build (STARTUP_BASELINE=DIR, DIR holding that build's bin/ and dist/cli/, e.g. a copy made
 * before a change): its `--version` and one-file scan run as rows of their own, interleaved with the others, so a
 * busy machine disturbs both alike.
 */
function baselineRows(dir: string | undefined): CommandRow[] {
  if (!dir) return [];
  const bin = path.resolve(dir, 'bin', 'trailwatch.mjs');
  return [
    { kind: 'command', label: `baseline (${dir}): \`trailwatch --version\``, args: [bin, '--version'] },
    { kind: 'command', label: `baseline (${dir}): \`trailwatch scan\` of one 2 KB file`, args: [bin, 'scan', FIXTURE] },
  ];
}

/** Runs `command args` to the end; resolves with its exit status and output. */
function run(
  command: string,
  args: string[],
  env?: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(env ? { env: { ...process.env, ...env } } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, wallMs: performance.now() - started }));
  });
}

/** `1m2.345s` -> 62345 (ms). */
function bashDuration(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text);
  if (!m) throw new Error(`unexpected \`times\` output: ${text}`);
  return Number(m[1]) * 60_000 + Number(m[2]) * 1000;
}

let bashMissing = false;

/**
 * One fresh `node args` process. Through bash where there is one: `times` then prints the CPU time of the shell's
 * finished children (getrusage RUSAGE_CHILDREN, to the millisecond) on its second line; bash's own start-up is in
 * every row's wall time alike.
 */
async function runCommand(row: CommandRow): Promise<Sample> {
  if (!bashMissing) {
    try {
      const script = '"$@" >/dev/null 2>&1; status=$?; times; exit $status';
      const r = await run('bash', ['-c', script, 'bash', process.execPath, ...row.args]);
      if (r.code !== 0) throw new Error(`${row.label} exited with ${r.code}`);
      const children = r.stdout.trim().split('\n')[1]?.trim().split(/\s+/) ?? [];
      const [user, system] = children.map(bashDuration);
      return { wallMs: r.wallMs, cpuMs: user !== undefined && system !== undefined ? user + system : undefined };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      bashMissing = true;
    }
  }
  const r = await run(process.execPath, row.args);
  if (r.code !== 0) throw new Error(`${row.label} exited with ${r.code}: ${r.stderr}`);
  return { wallMs: r.wallMs, cpuMs: undefined };
}

/** A fresh Node imports the handler bundle, as Lambda's init does (NODE_OPTIONS as the template sets it). */
async function runImport(row: ImportRow): Promise<Sample> {
  const code = `
    const cpu = process.cpuUsage();
    const started = performance.now();
    await import(${JSON.stringify(pathToFileURL(`${ROOT}${row.bundle}`).href)});
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    process.stdout.write('\\n' + JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000, rssMB: process.memoryUsage().rss / 1e6 }) + '\\n', () => process.exit(0));
  `;
  const r = await run(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', code], row.env);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !last.startsWith('{')) throw new Error(`${row.label} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(last) as Sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export interface StartupReport {
  lines: string[];
  /** The target check failed (for --strict); undefined when it could not be checked. */
  failed: boolean | undefined;
}

/** Builds the CLI and the handlers (npm run build), measures every row ROUNDS times, and reports. */
export async function measureStartup(waitForQuiet: boolean): Promise<StartupReport> {
  progress('start-up: npm run build, then the start-up rows');
  const build = await run(process.execPath, ['scripts/build.mjs']);
  if (build.code !== 0)
    return { lines: [`Start-up: not measured, the build failed: ${build.stderr}`], failed: undefined };
  // A short wait per round: a round is ~1 s of work, and 15 of them must not take minutes.
  const quiet = new QuietMachine(waitForQuiet, 5_000);
  const rows: StartupRow[] = [...ROWS, ...baselineRows(process.env.STARTUP_BASELINE)];
  const samples = rows.map(() => [] as Sample[]);
  const errors = rows.map(() => undefined as string | undefined);
  for (let round = 0; round < ROUNDS; round++) {
    await quiet.beforeRun();
    for (const [i, row] of rows.entries()) {
      if (errors[i]) continue;
      try {
        samples[i]?.push(row.kind === 'command' ? await runCommand(row) : await runImport(row));
      } catch (err) {
        errors[i] = err instanceof Error ? err.message.split('\n')[0] : String(err);
      }
    }
  }
  const wall = samples.map((s) => median(s.map((x) => x.wallMs)));
  const cpu = samples.map((s) => {
    const known = s.flatMap((x) => (x.cpuMs === undefined ? [] : [x.cpuMs]));
    return known.length > 0 ? median(known) : undefined;
  });
  const bareWall = wall[0] ?? NaN;
  const bareCpu = cpu[0];
  const fmt = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? '–' : ms.toFixed(0));
  const over = (ms: number | undefined, bare: number | undefined): string =>
    ms === undefined || bare === undefined || Number.isNaN(ms) ? '' : `+${(ms - bare).toFixed(0)}`;
  const lines = [
    `Start-up (median of ${ROUNDS} fresh processes per row, rows interleaved; wall time, and CPU time user + system):`,
    '',
    '| command | wall ms | over bare Node | CPU ms | over bare Node | RSS after MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [i, row] of rows.entries()) {
    if (errors[i] && (samples[i]?.length ?? 0) === 0) {
      lines.push(`| ${row.label} | failed: ${errors[i]} | | | | |`);
      continue;
    }
    const rss = samples[i]?.flatMap((x) => (x.rssMB === undefined ? [] : [x.rssMB])) ?? [];
    const isImport = row.kind === 'import';
    lines.push(
      `| ${row.label} | ${fmt(wall[i])} | ${i === 0 || isImport ? '' : over(wall[i], bareWall)} | ${fmt(cpu[i])} | ${i === 0 || isImport ? '' : over(cpu[i], bareCpu)} | ${rss.length > 0 ? median(rss).toFixed(0) : ''} |`,
    );
  }
  lines.push(
    '',
    'The cold-start rows time the import alone (inside the process; Lambda adds its runtime start-up), with the ' +
      `template's default environment. The command rows after the first round run with Node's compile cache warm ` +
      `(bin/trailwatch.mjs enables it; the first round fills it). ${quiet.describe()}`,
  );
  const scanWall = wall[2];
  let failed: boolean | undefined;
  if (scanWall === undefined || Number.isNaN(scanWall) || Number.isNaN(bareWall)) {
    lines.push('', `N/A  one-file trailwatch scan within ${STARTUP_TARGET_MS} ms of bare Node: not measured`);
  } else {
    const extra = scanWall - bareWall;
    failed = extra > STARTUP_TARGET_MS;
    lines.push(
      '',
      `${failed ? 'FAIL' : 'PASS'} one-file trailwatch scan within ${STARTUP_TARGET_MS} ms of bare Node (wall medians): ${fmt(scanWall)} ms vs ${fmt(bareWall)} ms = +${extra.toFixed(0)} ms (CPU +${over(cpu[2], bareCpu).slice(1) || '?'} ms)`,
    );
  }
  return { lines, failed };
}
