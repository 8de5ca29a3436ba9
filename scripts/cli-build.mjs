// The `trailwatch` CLI bundle (dist/cli/trailwatch.mjs and its chunks), built by scripts/build.mjs.
//
// Start-up matters here (README "Performance", Start-up): a one-file `trailwatch scan` should cost little more than
// starting Node. So:
// - The CLI is split at its dynamic imports (cli/commands.ts), so `trailwatch --version` or a scan of files loads
//   neither the AWS SDK nor the report renderer; chunks are rebuilt from scratch so stale hashes do not pile up.
// - esbuild's ESM output needs a `require` for the CommonJS dependencies it bundles (yaml, some of the SDK's), which
//   calls esbuild's `__require` helper; the helper lives in one runtime chunk and finds `require` there. The banner
//   that defines it is kept only in the files that name `require` (that chunk, and any whose text merely mentions
//   it), and there it makes the require function on first use: on every chunk it cost a `createRequire()` call at
//   import, ~0.5 ms each after the first and ~3 ms for the first, 12 ms of CPU in all for the 19 modules a scan
//   loads (measured, README).
// - The modules a scan loads come in few chunks (scanPathHubs below): esbuild makes one chunk per set of entries that
//   reach a module, and with a dozen import()ed commands each reaching part of the scan's modules, a scan loaded 21
//   files, each paying Node's ES loader (resolve, realpath, read, compile cache lookup, link: ~0.5 M instructions).
//   Now 5 (`--version`: 3, not 9): a one-file scan 0.87x the CPU, 204.5 -> 191.1 M instructions on the main thread
//   (docs/performance-notes.md, "Session 7, startup").
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER, NODE_BUNDLE } from './bundle-options.mjs';

/** A free `require` (not `__require`, `require_x`, `x.require`): the file may need the banner. */
const NAMES_REQUIRE = /(?<![\w$.])require(?![\w$])/;

/** The CLI's entry (it awaits main() at its top level, so no other module may import it). */
const ENTRY = 'cli/bin.ts';

/** The command whose start-up matters most (README "Performance", start-up rows): its chunks are compiled eagerly. */
const HINTED_COMMAND = 'cli/scan-main.ts';

/**
 * V8's magic comment that has it compile every function of the file when it compiles the file (V8 12.4, with
 * --compile-hints-magic, which bin/trailwatch.mjs turns on while it loads the CLI's chunks), so Node's compile cache
 * holds them and a run does not compile them again on their first call. Functions nested in functions stay lazy.
 */
const COMPILE_HINTS = '//# experimentalChromiumCompileHints=all';

/** Builds the CLI from `root` into `dist`/cli. */
export async function buildCli(root, dist) {
  const cliDir = path.join(dist, 'cli');
  await rm(path.join(cliDir, 'chunks'), { recursive: true, force: true });
  const options = {
    ...NODE_BUNDLE,
    absWorkingDir: root,
    sourcemap: true,
    entryPoints: { 'cli/trailwatch': path.join(root, ENTRY) },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    // Packages' ES builds first (the AWS SDK's dist-es): a command reaches the SDK by import(), and with splitting
    // esbuild turns an import() of a CommonJS build into a chunk that exports only `default`, so `const { S3Client }
    // = await import('@aws-sdk/client-s3')` was undefined in the bundle (https://github.com/evanw/esbuild/issues/3245).
    mainFields: ['module', 'main'],
    chunkNames: 'cli/chunks/[name]-[hash]',
    metafile: true,
  };
  // A first pass, written nowhere, for the module graph the hubs are chosen from.
  const graph = await build({ ...options, sourcemap: false, write: false });
  const { metafile } = await build({ ...options, plugins: [scanPathHubs(root, graph.metafile)] });
  const files = [
    path.join(cliDir, 'trailwatch.mjs'),
    ...(await readdir(path.join(cliDir, 'chunks')))
      .filter((name) => name.endsWith('.mjs'))
      .map((name) => path.join(cliDir, 'chunks', name)),
  ];
  const hinted = eagerlyCompiled(metafile, root);
  for (const file of files) await finishChunk(file, hinted.has(path.resolve(file)));
}

/** The namespace of the modules scanPathHubs puts in place of an import()ed module of ours. */
const HUB_NAMESPACE = 'trailwatch-hub';

/**
 * Puts the modules a scan loads in two chunks (plus the entry, esbuild's runtime helpers and the scan command's
 * stand-in), where plain splitting made 21 files of them: M, the modules the entry imports (what `--version` loads),
 * and S, the rest of what the scan command imports. esbuild puts two modules in one chunk when the same entries
 * reach them (the CLI's entry and each module it reaches by import()). So each import() of one of our modules is
 * made to load a stand-in that imports, before re-exporting the module, the hubs its module needs: the entry's
 * imports when it reaches any module of M, and the scan command too when it reaches any of S. Every entry that
 * reaches part of M (or S) then reaches all of it. A command may thus load modules it does not run (their top-level
 * code is declarations and tables: `rules` now loads the reader too, and is faster for the fewer files), and the scan
 * command and `--version` load exactly the modules they loaded before. `graph` is the metafile of a build without
 * this plugin (the import() targets' own static imports).
 */
function scanPathHubs(root, graph) {
  const staticImports = (file) =>
    (graph.inputs[file]?.imports ?? []).filter((i) => !i.external && i.kind !== 'dynamic-import').map((i) => i.path);
  const closure = (from) => {
    const seen = new Set();
    const visit = (file) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const next of staticImports(file)) visit(next);
    };
    for (const file of from) visit(file);
    return seen;
  };
  const entryImports = staticImports(ENTRY);
  const mainModules = closure(entryImports);
  const scanModules = closure([HINTED_COMMAND]);
  if (mainModules.has(ENTRY) || !mainModules.size || !scanModules.size) throw new Error('the CLI has no entry hubs');
  const hubsOf = (file) => {
    const reached = closure([file]);
    const hubs = [];
    const reachesScan = [...reached].some((module) => scanModules.has(module) && !mainModules.has(module));
    if (reachesScan || [...reached].some((module) => mainModules.has(module))) hubs.push(...entryImports);
    if (reachesScan) hubs.push(HINTED_COMMAND);
    return hubs;
  };
  const ours = (file) => {
    const relative = path.relative(root, file);
    return !relative.startsWith('..') && !relative.split(path.sep).includes('node_modules');
  };
  return {
    name: 'scan-path-hubs',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.namespace !== 'file') return undefined;
        const { path: file, errors } = await b.resolve(args.path, {
          kind: 'import-statement',
          importer: args.importer,
          resolveDir: args.resolveDir,
        });
        if (errors.length || !ours(file)) return undefined;
        const hubs = hubsOf(path.relative(root, file).split(path.sep).join('/'));
        return hubs.length ? { path: file, namespace: HUB_NAMESPACE, pluginData: hubs } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: HUB_NAMESPACE }, async (args) => {
        // `export *` leaves out a default export: none of the CLI's import()ed modules has one.
        if (/^export\s+default\b/m.test(await readFile(args.path, 'utf8')))
          throw new Error(`${args.path}: an import()ed module of the CLI has a default export`);
        const lines = [...args.pluginData, args.path].map((file, i, all) => {
          const specifier = JSON.stringify(path.resolve(root, file));
          return i === all.length - 1 ? `export * from ${specifier};` : `import ${specifier};`;
        });
        return { contents: lines.join('\n'), loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/**
 * The files a `trailwatch scan` loads before it reads: the entry and the chunks it imports, and the scan command's
 * chunk and those it imports (import statements only: what is reached by import() loads when it is needed, and
 * stays lazily compiled, like the AWS SDK's chunks), as absolute paths.
 */
function eagerlyCompiled(metafile, root) {
  const outputs = Object.entries(metafile.outputs);
  const absolute = (file) => path.resolve(root, file);
  const hintedEntries = new Set([ENTRY, HINTED_COMMAND, `${HUB_NAMESPACE}:${path.join(root, HINTED_COMMAND)}`]);
  const roots = outputs.filter(([, output]) => hintedEntries.has(output.entryPoint)).map(([file]) => file);
  if (roots.length !== 2) throw new Error(`the CLI build has no chunk for ${ENTRY} or ${HINTED_COMMAND}`);
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { path: imported, kind } of metafile.outputs[file]?.imports ?? []) {
      if (kind === 'import-statement' && metafile.outputs[imported]) visit(imported);
    }
  };
  for (const file of roots) visit(file);
  return new Set([...seen].map(absolute));
}

/**
 * The banner where `require` is named: the same function, made on its first call. The runtime chunk is on every
 * command's path, and most never call it (only yaml's CommonJS build does, for `--rules`).
 */
const LAZY_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; let __madeRequire; function require(id) { __madeRequire ??= __createRequire(import.meta.url); return __madeRequire(id); }";

/**
 * Removes the banner from a built file that does not name `require`, and makes it lazy where it does; ends that line
 * with the compile hints where `hinted`. The banner's line stays (empty, lazy or the comment), so the source map's
 * line numbers still hold.
 */
async function finishChunk(file, hinted) {
  const text = await readFile(file, 'utf8');
  if (!text.startsWith(ESM_REQUIRE_BANNER)) throw new Error(`${file}: the require banner is not on its first line`);
  const rest = text.slice(ESM_REQUIRE_BANNER.length);
  const banner = NAMES_REQUIRE.test(rest) ? LAZY_REQUIRE_BANNER : '';
  const hints = hinted ? `${banner ? ' ' : ''}${COMPILE_HINTS}` : '';
  await writeFile(file, `${banner}${hints}${rest}`);
}
