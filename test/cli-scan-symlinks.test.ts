// Symbolic links in scanned folders (issue 11, item 9): a linked log file is scanned like any other, a linked
// folder is walked once however the links loop, and a broken link is counted as skipped, never ignored silently.
import { cp, mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/trailwatch.js';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', 'logs', name);

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false });
  return { code, out, stderr: err.join('\n') };
}

describe('trailwatch scan of a folder with symbolic links', () => {
  it('scans a log file linked into the folder', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'trailwatch-links-'));
    await mkdir(path.join(root, 'elsewhere'));
    await mkdir(path.join(root, 'scanned'));
    await cp(fixture('rds-day.json.gz'), path.join(root, 'elsewhere', 'day.json.gz'));
    await symlink(path.join(root, 'elsewhere', 'day.json.gz'), path.join(root, 'scanned', 'linked.json.gz'));
    const { code, out, stderr } = await run('scan', path.join(root, 'scanned'));
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Scanned 1 file: 5 records/m);
    expect(out.some((line) => line.includes('rds-database-deleted'))).toBe(true);
  });

  it('walks a linked folder once, even when a link points back up the tree', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'trailwatch-links-'));
    await mkdir(path.join(root, 'logs', 'day'), { recursive: true });
    await cp(fixture('rds-day.json.gz'), path.join(root, 'logs', 'day', 'a.json.gz'));
    await symlink(path.join(root, 'logs'), path.join(root, 'logs', 'day', 'loop'));
    const { code, stderr } = await run('scan', path.join(root, 'logs'));
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Scanned 1 file: 5 records/m);
  });

  it('counts a broken link as a skipped file', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'trailwatch-links-'));
    await cp(fixture('rds-day.json.gz'), path.join(root, 'a.json.gz'));
    await symlink(path.join(root, 'gone.json.gz'), path.join(root, 'broken.json.gz'));
    const { stderr } = await run('scan', root);
    expect(stderr).toMatch(/^Scanned 1 file, skipped 1 other file: 5 records/m);
  });
});
