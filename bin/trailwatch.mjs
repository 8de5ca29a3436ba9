#!/usr/bin/env node
// The installed `trailwatch` command runs the bundled CLI (dist/cli/trailwatch.mjs). There is no `prepare` script
// (it broke `sam build`, whose `npm install --omit=dev` runs it: README "Deploy to AWS"), so the first run builds
// the CLI itself with esbuild, a dependency; `npm run build` rebuilds it after a `git pull`.
// node:child_process is imported only for that build: loading it (and node:net under it) costs every other run
// several milliseconds of start-up (npm run bench, start-up rows).
//
// Built-ins are taken with process.getBuiltinModule (Node >= 20.16 / 22.3), which hands over the CommonJS module:
// an ES `import ... from 'node:fs'` builds a facade of every export, and fs's lazy ReadStream and promises getters then
// load Node's whole stream library, fs/promises and readline (~5-10 ms of `trailwatch --version`). Older Nodes import.
const builtin = async (id) => process.getBuiltinModule?.(id) ?? (await import(id)).default;
const { existsSync } = await builtin('node:fs');
const module = await builtin('node:module');

// V8's code cache for the CLI's modules, kept on disk by Node (Node >= 22.1; older Nodes lack the function): a run
// after the first skips compiling them (~15-20 ms of CPU on a one-file scan, README "Performance"). Node keeps it in
// $NODE_COMPILE_CACHE or else <os.tmpdir()>/node-compile-cache, in a folder per Node version, architecture and V8
// flags, checks each entry against the module's source (a rebuilt CLI is recompiled, not misread), never throws
// when the folder cannot be written (a read-only install or tmpdir only loses the speed-up), and is turned off by
// NODE_DISABLE_COMPILE_CACHE=1: https://nodejs.org/api/module.html#module-compile-cache
// Not where the cache folder would sit under /proc: procfs answers mkdir with ENOENT and Node's recursive mkdir then
// retries forever (measured: TMPDIR=/proc leaves Node 22.23 spinning at 100 % CPU after the command's output).
const tmp = process.env.TMPDIR || process.env.TMP || process.env.TEMP || '/tmp';
if (process.env.NODE_COMPILE_CACHE || !/^\/proc(\/|$)/.test(tmp)) module.enableCompileCache?.();

const bundle = new URL('../dist/cli/trailwatch.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('trailwatch: building the CLI once (npm run build)...\n');
  const { execFileSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url)), 'cli'], {
    stdio: 'inherit',
  });
}
await import(bundle.href);
