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
const cache = process.env.NODE_COMPILE_CACHE || !/^\/proc(\/|$)/.test(tmp) ? module.enableCompileCache?.() : undefined;

// The compile cache holds what V8 compiled when it compiled a module: its top-level code. V8 compiles a function when
// it is first called, so a scan still compiled the ~300 functions of ours it runs, every time (~50 M instructions,
// README "Performance"). The chunks a one-file scan loads begin with V8's magic comment
// `//# experimentalChromiumCompileHints=all` (scripts/cli-build.mjs): with --compile-hints-magic on when a chunk is
// compiled, V8 compiles its functions at once, and the cache then holds them too
// (https://github.com/WICG/explicit-javascript-compile-hints-file-based; newer V8s spell it
// `//# allFunctionsCalledOnLoad`, which Node 22's V8 12.4 ignores: tested with --log-function-events).
// A V8 flag is part of the hash V8 checks a code cache against, Node's own built-ins' included: a built-in loaded
// with the flag on would be compiled from its source (~9 ms for zlib, net and fs/promises, measured). So the flag is
// on only while one of our chunks is loaded: the load hook below runs right before Node compiles the module it
// loads (module.registerHooks, https://nodejs.org/api/module.html#customization-hooks), and is off again once that
// compile is done (a microtask runs after it) and for every other module. Each chunk is thus always compiled and
// cached with the flag on, whichever command loads it. Only with the cache on: without it, compiling every function
// of a chunk each run costs more than compiling those a run calls. Only on V8 12 (Node 22), where the flag and the
// comment were tested: setFlagsFromString prints an error for a flag a V8 does not know.
if (
  process.versions.v8.startsWith('12.') &&
  (cache?.status === module.constants?.compileCacheStatus?.ENABLED ||
    cache?.status === module.constants?.compileCacheStatus?.ALREADY_ENABLED) &&
  module.registerHooks
) {
  const v8 = await builtin('node:v8');
  const cli = new URL('../dist/cli/', import.meta.url).href;
  let hints = false;
  const setHints = (on) => {
    if (on === hints) return;
    hints = on;
    v8.setFlagsFromString(on ? '--compile-hints-magic' : '--no-compile-hints-magic');
  };
  module.registerHooks({
    load(url, context, nextLoad) {
      const ours = url.startsWith(cli);
      setHints(ours);
      if (ours) queueMicrotask(() => setHints(false));
      return nextLoad(url, context);
    },
  });
}

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
