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
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER, NODE_BUNDLE } from './bundle-options.mjs';

/** A free `require` (not `__require`, `require_x`, `x.require`): the file may need the banner. */
const NAMES_REQUIRE = /(?<![\w$.])require(?![\w$])/;

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
  const { metafile } = await build({
    ...NODE_BUNDLE,
    sourcemap: true,
    entryPoints: { 'cli/trailwatch': path.join(root, 'cli/bin.ts') },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    // Packages' ES builds first (the AWS SDK's dist-es): a command reaches the SDK by import(), and with splitting
    // esbuild turns an import() of a CommonJS build into a chunk that exports only `default`, so `const { S3Client }
    // = await import('@aws-sdk/client-s3')` was undefined in the bundle (https://github.com/evanw/esbuild/issues/3245).
    mainFields: ['module', 'main'],
    chunkNames: 'cli/chunks/[name]-[hash]',
    metafile: true,
  });
  const files = [
    path.join(cliDir, 'trailwatch.mjs'),
    ...(await readdir(path.join(cliDir, 'chunks')))
      .filter((name) => name.endsWith('.mjs'))
      .map((name) => path.join(cliDir, 'chunks', name)),
  ];
  const hinted = eagerlyCompiled(metafile, root);
  for (const file of files) await finishChunk(file, hinted.has(path.resolve(file)));
}

/**
 * The files a `trailwatch scan` loads before it reads: the entry and the chunks it imports, and the scan command's
 * chunk and those it imports (import statements only: what is reached by import() loads when it is needed, and
 * stays lazily compiled, like the AWS SDK's chunks), as absolute paths.
 */
function eagerlyCompiled(metafile, root) {
  const outputs = Object.entries(metafile.outputs);
  const absolute = (file) => path.resolve(root, file);
  const roots = outputs
    .filter(([, output]) => output.entryPoint === 'cli/bin.ts' || output.entryPoint === HINTED_COMMAND)
    .map(([file]) => file);
  if (roots.length !== 2) throw new Error(`the CLI build has no chunk for cli/bin.ts or ${HINTED_COMMAND}`);
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
