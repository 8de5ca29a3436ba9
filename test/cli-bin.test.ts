// The built `trailwatch` command as a separate process, as people run it: pipes, full disks, stdin, terminals.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import path from 'node:path';
import { cloudTrailRecord, logText } from './helpers/log-files.js';
import { EMULATOR_CREDENTIALS, startS3Emulator } from '../local-aws/s3-emulator.js';

const run = promisify(execFile);
const root = path.join(import.meta.dirname, '..');
const BIN = path.join(root, 'bin', 'trailwatch.mjs');
const RDS_DAY = path.join(root, 'test', 'fixtures', 'logs', 'rds-day.json.gz');

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command with `input` on stdin (or none), in a clean environment plus `env`. */
function trailwatch(args: string[], options: { input?: Buffer; env?: Record<string, string> } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? Buffer.alloc(0));
  });
}

/** Runs a bash command line (pipes, redirections) with the built command as $TW. */
async function shell(script: string): Promise<{ stdout: string; stderr: string }> {
  // HOME elsewhere: bash reads ~/.bashrc even non-interactively when it thinks it runs under sshd.
  return run('bash', ['-c', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), TW: `${process.execPath} ${BIN}` },
  });
}

let manyAlerts: string;

describe('the installed trailwatch command', () => {
  beforeAll(async () => {
    // The bundle bin/trailwatch.mjs runs (and builds on first use).
    await run(process.execPath, ['scripts/build.mjs', 'cli'], { cwd: root });
    // The build takes ~3 s alone and over 10 s on a loaded 2-core machine: the default hook timeout is too tight.
    // 3,000 deletions: ~400 KB of alert lines, several times what a pipe buffers, so a reader that stops early
    // leaves the command writing into a closed pipe.
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-bin-'));
    manyAlerts = path.join(dir, 'many-alerts.json');
    const records = Array.from({ length: 3000 }, (_, i) =>
      cloudTrailRecord({
        eventName: 'DeleteDBInstance',
        eventTime: '2026-11-20T10:00:00Z',
        requestParameters: { dBInstanceIdentifier: `db-${i}` },
        userIdentity: { type: 'IAMUser', userName: 'johndoe' },
      }),
    );
    await writeFile(manyAlerts, logText(records));
  }, 120_000);

  it('scans a log file as a separate process, alerts on stdout and the summary on stderr', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      ['bin/trailwatch.mjs', 'scan', '--wide', 'test/fixtures/logs/rds-day.json.gz'],
      { cwd: root },
    );
    expect(stdout).toMatch(/HIGH +rds-database-deleted +DeleteDBInstance oradb by johndoe/);
    expect(stderr).toMatch(/Scanned 1 file: 5 records/);
  });

  it('exits with status 1 when a file is unreadable', async () => {
    const failure = await run(
      process.execPath,
      ['bin/trailwatch.mjs', 'scan', 'test/fixtures/logs/truncated.json.gz'],
      { cwd: root },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/truncated\.json\.gz.*(truncated|unexpected end)/i);
  });

  it('ends quietly with status 0 when the reader of a pipe stops early (scan | head -2)', async () => {
    const { stdout, stderr } = await shell(`$TW scan ${manyAlerts} | head -2; echo "status \${PIPESTATUS[0]}"`);
    const lines = stdout.trim().split('\n');
    expect(lines.slice(0, 2).every((line) => /rds-database-deleted/.test(line))).toBe(true);
    expect(lines[2]).toBe('status 0');
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
  });

  it('ends quietly with status 0 when rules --format json is cut short (| head -c 600)', async () => {
    const { stdout, stderr } = await shell(
      `$TW rules --format json | head -c 600 >/dev/null; echo "status \${PIPESTATUS[0]}"`,
    );
    expect(stdout.trim()).toBe('status 0');
    expect(stderr).toBe('');
  });

  it.skipIf(!existsSync('/dev/full'))('says in one line that the disk is full (> /dev/full) and exits 1', async () => {
    const { stdout } = await shell(`$TW scan ${manyAlerts} >/dev/full 2>/tmp/trailwatch-full.err; echo "status $?"`);
    expect(stdout.trim()).toBe('status 1');
    const stderr = await readFile('/tmp/trailwatch-full.err', 'utf8');
    expect(stderr.trim().split('\n')).toEqual([
      'trailwatch: cannot write the output: no space left on the device (ENOSPC)',
    ]);
  });

  it('reads a gzipped log from stdin (-)', async () => {
    const { code, stdout, stderr } = await trailwatch(['scan', '--format', 'json', '-'], {
      input: await readFile(RDS_DAY),
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/"rule":"rds-database-deleted"/);
    expect(stdout).toMatch(/"file":"-"/);
    expect(stderr).toMatch(/Scanned 1 file: 5 records/);
  });

  it('reads a plain JSON log from stdin (-)', async () => {
    const { code, stdout } = await trailwatch(['scan', '--format', 'json', '-'], { input: await readFile(manyAlerts) });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(3000);
  });

  it('prints --version and --help with status 0, and per-command help', async () => {
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect((await trailwatch(['--version'])).stdout.trim()).toBe(pkg.version);
    const help = await trailwatch(['scan', '-h']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: trailwatch scan \[options\] INPUT\.\.\./);
  });

  it('uses no colour when stdout is not a terminal, and with --color always colours the severity', async () => {
    const plain = await trailwatch(['scan', RDS_DAY]);
    expect(plain.stdout).not.toContain('\x1b[');
    const forced = await trailwatch(['scan', '--color', 'always', RDS_DAY]);
    expect(forced.stdout).toContain('\x1b[1;31mHIGH\x1b[0m');
  });

  // `script` (util-linux) runs the command on a pseudo-terminal, as an interactive shell would.
  const hasScript = existsSync('/usr/bin/script');
  it.skipIf(!hasScript)('colours the severity on a terminal, and not when NO_COLOR is set', async () => {
    const onTerminal = async (env: string) =>
      (
        await run('script', ['-qec', `${env} ${process.execPath} ${BIN} scan ${RDS_DAY}`, '/dev/null'], {
          cwd: root,
          env: { PATH: process.env.PATH ?? '', TERM: 'xterm' },
        })
      ).stdout;
    expect(await onTerminal('')).toContain('\x1b[1;31mHIGH\x1b[0m');
    const noColour = await onTerminal('NO_COLOR=1');
    expect(noColour).toMatch(/HIGH +rds-database-deleted/);
    expect(noColour).not.toContain('\x1b[1;31m');
  });

  it('reads an s3:// input through the bundled AWS SDK (s3rver on loopback)', async () => {
    // The SDK is reached by dynamic import(); a bundle that split its CommonJS build into a chunk exported only
    // `default`, and `new S3Client` failed with "S3Client is not a constructor" (esbuild issue #3245).
    const s3 = await startS3Emulator();
    try {
      await s3.createBucket('trail-bucket');
      await s3.put('trail-bucket', 'logs/rds-day.json.gz', await readFile(RDS_DAY));
      const { code, stdout, stderr } = await trailwatch(
        ['scan', '--endpoint-url', s3.endpoint, 's3://trail-bucket/logs/rds-day.json.gz'],
        {
          env: {
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
            AWS_EC2_METADATA_DISABLED: 'true',
          },
        },
      );
      expect({ code, stderr }).toMatchObject({ code: 0, stderr: expect.stringMatching(/Scanned 1 file: 5 records/) });
      expect(stdout).toMatch(/HIGH +rds-database-deleted/);
    } finally {
      await s3.close();
    }
  });

  describe('when AWS refuses the connection (AWS_ENDPOINT_URL at a closed loopback port)', () => {
    let port: number;
    beforeAll(async () => {
      // A port that was just free: listened on, then closed, so connecting to it is refused (ECONNREFUSED).
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      await new Promise((resolve) => server.close(resolve));
    });

    it.each([
      ['verify', ['verify', 's3://trail-bucket/logs']],
      ['scan s3://', ['scan', 's3://trail-bucket/logs/']],
      ['search', ['search', '--log-group', '/trailwatch/index', '--event', 'DeleteDBInstance']],
      ['backfill', ['backfill', 's3://trail-bucket/logs/', '--stack', 'trailwatch', '--since', '30d']],
      ['test-alert', ['test-alert', '--stack', 'trailwatch']],
    ])('%s says in one line what it could not reach, and exits 1', async (_name, args) => {
      const { code, stdout, stderr } = await trailwatch(args, {
        env: {
          AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      });
      // One line (no stack trace), naming the command's target and the endpoint it tried.
      expect({ code, stdout, lines: stderr.trim().split('\n').length }).toEqual({ code: 1, stdout: '', lines: 1 });
      expect(stderr).toMatch(/^trailwatch[ :].*cannot /);
      expect(stderr).toContain(`127.0.0.1:${port}`);
      expect(stderr).toContain('ECONNREFUSED');
    });
  });

  it('runs from a copy of bin/ and dist/cli/ alone: nothing from node_modules is needed at run time', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-installed-'));
    await cp(path.join(root, 'bin'), path.join(dir, 'bin'), { recursive: true });
    await cp(path.join(root, 'dist', 'cli'), path.join(dir, 'dist', 'cli'), { recursive: true });
    const { stdout, stderr } = await run(process.execPath, [path.join(dir, 'bin', 'trailwatch.mjs'), 'scan', RDS_DAY], {
      cwd: dir,
    });
    expect(stdout).toMatch(/rds-database-deleted/);
    expect(stderr).toMatch(/Scanned 1 file/);
  });
});

/** The chunks a built file imports statically (import ... from "./x.mjs"), transitively: what Node loads with it. */
async function staticGraph(entries: string[]): Promise<Map<string, string>> {
  const graph = new Map<string, string>();
  const visit = async (file: string): Promise<void> => {
    if (graph.has(file)) return;
    const text = await readFile(file, 'utf8');
    graph.set(file, text);
    for (const match of text.matchAll(/^import\s[^;]*?from\s*"(\.[^"]+)"|^import\s*"(\.[^"]+)"/gm))
      await visit(path.resolve(path.dirname(file), (match[1] ?? match[2])!));
  };
  for (const entry of entries) await visit(entry);
  return graph;
}

describe('start-up: a command loads what it needs', () => {
  const DIST = path.join(root, 'dist', 'cli');
  const chunk = async (prefix: string) =>
    path.join(
      DIST,
      'chunks',
      (await readdir(path.join(DIST, 'chunks'))).find(
        (name) => name.startsWith(`${prefix}-`) && name.endsWith('.mjs'),
      )!,
    );
  const aws = (graph: Map<string, string>) =>
    [...graph].filter(([, text]) => text.includes('node_modules/@aws-sdk/')).map(([file]) => path.basename(file));

  beforeAll(async () => {
    if (!existsSync(path.join(DIST, 'chunks'))) await run(process.execPath, ['scripts/build.mjs'], { cwd: root });
  }, 120_000);

  it('bin/trailwatch.mjs imports node:child_process only to build a missing CLI, not on every run', async () => {
    const bin = await readFile(BIN, 'utf8');
    expect(bin).not.toMatch(/^import\s[^;]*from\s*'node:child_process'/m);
    expect(bin).toMatch(/await import\('node:child_process'\)/);
  });

  it('no built module makes a require function when it is imported: each one cost a createRequire() call at start-up', async () => {
    const files = [
      path.join(DIST, 'trailwatch.mjs'),
      ...(await readdir(path.join(DIST, 'chunks')))
        .filter((name) => name.endsWith('.mjs'))
        .map((name) => path.join(DIST, 'chunks', name)),
    ];
    const eager = [];
    for (const file of files)
      if (/^[^\n]*const require = __createRequire\(/.test(await readFile(file, 'utf8')))
        eager.push(path.basename(file));
    expect(eager).toEqual([]);
  });

  it('--version and --help load the command table only: no AWS SDK, no rules, no YAML parser, under 100 KB', async () => {
    const graph = await staticGraph([path.join(DIST, 'trailwatch.mjs')]);
    expect(aws(graph)).toEqual([]);
    expect([...graph.values()].some((text) => text.includes('node_modules/yaml/'))).toBe(false);
    expect([...graph.values()].reduce((sum, text) => sum + text.length, 0)).toBeLessThan(100_000);
  });

  it('scan of files loads no AWS SDK (only s3:// inputs import it), no report renderer, no YAML parser (only for --rules)', async () => {
    const graph = await staticGraph([path.join(DIST, 'trailwatch.mjs'), await chunk('scan-main')]);
    expect(aws(graph)).toEqual([]);
    expect([...graph.values()].some((text) => text.includes('node_modules/yaml/'))).toBe(false);
    expect([...graph.keys()].some((file) => path.basename(file).startsWith('report-command'))).toBe(false);
    // The SDK is behind the s3 module's own dynamic import.
    expect(await readFile(await chunk('s3'), 'utf8')).toMatch(/await import\("\.\/[^"]+\.mjs"\)/);
  });

  it('a scan loads its modules from few files, --version from three (plain splitting made 21 and 9: each file costs Node its ES loader steps)', async () => {
    const entry = path.join(DIST, 'trailwatch.mjs');
    const version = await staticGraph([entry]);
    const scan = await staticGraph([entry, await chunk('scan-main')]);
    expect(version.size).toBeLessThanOrEqual(3);
    expect(scan.size).toBeLessThanOrEqual(5);
    // Each source module is in one built file only: its top-level code (the error classes commands tell apart with
    // instanceof, module state) runs once however many commands reach it.
    const all = await staticGraph([
      entry,
      ...(await readdir(path.join(DIST, 'chunks')))
        .filter((name) => name.endsWith('.mjs'))
        .map((name) => path.join(DIST, 'chunks', name)),
    ]);
    // esbuild names each module's code with a `// path` comment (twice where it hoisted the module's imports).
    const modules = [...all.values()].flatMap((text) => [
      ...new Set([...text.matchAll(/^\/\/ ((?:cli|shared)\/\S+\.ts)$/gm)].map((match) => match[1])),
    ]);
    expect(modules).toContain('shared/errors.ts');
    expect(modules.length).toBeGreaterThan(100);
    expect(new Set(modules).size).toBe(modules.length);
  });

  it("the modules a scan loads ask V8 to compile all their functions at once (so the compile cache holds them); the AWS SDK's do not", async () => {
    const firstLine = (text: string) => text.slice(0, text.indexOf('\n'));
    const HINTS = /(^| )\/\/# experimentalChromiumCompileHints=all$/;
    const scan = await staticGraph([path.join(DIST, 'trailwatch.mjs'), await chunk('scan-main')]);
    expect([...scan].filter(([, text]) => !HINTS.test(firstLine(text))).map(([file]) => path.basename(file))).toEqual(
      [],
    );
    const sdk = [];
    for (const name of await readdir(path.join(DIST, 'chunks'))) {
      const text = name.endsWith('.mjs') ? await readFile(path.join(DIST, 'chunks', name), 'utf8') : '';
      if (text.includes('node_modules/@aws-sdk/')) sdk.push(firstLine(text));
    }
    expect(sdk.length).toBeGreaterThan(0);
    expect(sdk.filter((line) => HINTS.test(line))).toEqual([]);
  });

  it('a command run after another reuses the compile cache of every module it loads (the hints flag never changes it)', async () => {
    const cache = await mkdtemp(path.join(tmpdir(), 'trailwatch-compile-cache-'));
    const env = { NODE_COMPILE_CACHE: cache, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' };
    const commands = [['scan', RDS_DAY], ['--version'], ['report', RDS_DAY, '-o', '/dev/null']];
    for (const args of commands) expect((await trailwatch(args, { env })).code).toBe(0);
    for (const args of [...commands, ...commands]) {
      const { code, stderr } = await trailwatch(args, { env });
      expect(code).toBe(0);
      expect(stderr).toMatch(/was accepted/);
      expect(stderr.split('\n').filter((line) => /was rejected|not initialized/.test(line))).toEqual([]);
    }
  }, 60_000);
});
