// Start-up of the `trailwatch` command against bare Node: `node -e 0`, `trailwatch --version`, and a scan of one
// small file (test/fixtures/logs/rds-day.json.gz). Each is a fresh process, run several times, the median shown.
// The command is the built one (npm run build), run through bin/trailwatch.mjs as an installed command is.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 15;

interface StartupRow {
  label: string;
  args: string[];
}

const ROWS: StartupRow[] = [
  { label: '`node -e 0` (bare Node)', args: ['-e', '0'] },
  { label: '`trailwatch --version`', args: ['bin/trailwatch.mjs', '--version'] },
  {
    label: '`trailwatch scan` of one 2 KB file',
    args: ['bin/trailwatch.mjs', 'scan', 'test/fixtures/logs/rds-day.json.gz'],
  },
  {
    label: '`trailwatch report` of the same file',
    args: ['bin/trailwatch.mjs', 'report', 'test/fixtures/logs/rds-day.json.gz', '-o', '/dev/null'],
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function startupLines(): string[] {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) return [`Start-up: not measured, the build failed: ${build.stderr}`];
  const times = ROWS.map(() => [] as number[]);
  // Interleaved, like the other rows, so a busy moment slows every row alike.
  for (let run = 0; run < RUNS; run++) {
    ROWS.forEach((row, i) => {
      const started = performance.now();
      const result = spawnSync(process.execPath, row.args, { cwd: ROOT, stdio: 'ignore' });
      if (result.status === 0) times[i]!.push(performance.now() - started);
    });
  }
  const bare = median(times[0]!);
  return [
    `Start-up (median of ${RUNS} fresh processes, wall time):`,
    '',
    '| command | ms | over bare Node |',
    '| --- | ---: | ---: |',
    ...ROWS.map((row, i) => {
      if (times[i]!.length === 0) return `| ${row.label} | failed | |`;
      const ms = median(times[i]!);
      return `| ${row.label} | ${ms.toFixed(0)} | ${i === 0 ? '' : `+${(ms - bare).toFixed(0)}`} |`;
    }),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(startupLines().join('\n'));
