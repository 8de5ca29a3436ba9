import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';

const run = promisify(execFile);
const root = path.join(import.meta.dirname, '..');

describe('the installed trailwatch command', () => {
  beforeAll(async () => {
    // The bundle bin/trailwatch.mjs runs (and builds on first use).
    await run(process.execPath, ['scripts/build.mjs', 'cli'], { cwd: root });
    // The build takes ~3 s alone and over 10 s on a loaded 2-core machine: the default hook timeout is too tight.
  }, 120_000);

  it('scans a log file as a separate process, alerts on stdout and the summary on stderr', async () => {
    const { stdout, stderr } = await run(process.execPath, ['bin/trailwatch.mjs', 'scan', 'test/fixtures/logs/rds-day.json.gz'], { cwd: root });
    expect(stdout).toMatch(/HIGH +rds-database-deleted +DeleteDBInstance oradb by johndoe/);
    expect(stderr).toMatch(/Scanned 1 file: 5 records/);
  });

  it('exits with status 1 when a file is unreadable', async () => {
    const failure = await run(process.execPath, ['bin/trailwatch.mjs', 'scan', 'test/fixtures/logs/truncated.json.gz'], { cwd: root }).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/truncated\.json\.gz.*(truncated|unexpected end)/i);
  });
});
