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

/** Builds the CLI from `root` into `dist`/cli. */
export async function buildCli(root, dist) {
  const cliDir = path.join(dist, 'cli');
  await rm(path.join(cliDir, 'chunks'), { recursive: true, force: true });
  await build({
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
  });
  const files = [
    path.join(cliDir, 'trailwatch.mjs'),
    ...(await readdir(path.join(cliDir, 'chunks')))
      .filter((name) => name.endsWith('.mjs'))
      .map((name) => path.join(cliDir, 'chunks', name)),
  ];
  for (const file of files) await dropUnusedRequireBanner(file);
}

/**
 * The banner where `require` is named: the same function, made on its first call. The runtime chunk is on every
 * command's path, and most never call it (only yaml's CommonJS build does, for `--rules`).
 */
const LAZY_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; let __madeRequire; function require(id) { __madeRequire ??= __createRequire(import.meta.url); return __madeRequire(id); }";

/**
 * Removes the banner from a built file that does not name `require`, and makes it lazy where it does. The banner's
 * line stays (empty or lazy), so the source map's line numbers still hold.
 */
async function dropUnusedRequireBanner(file) {
  const text = await readFile(file, 'utf8');
  if (!text.startsWith(ESM_REQUIRE_BANNER)) throw new Error(`${file}: the require banner is not on its first line`);
  const rest = text.slice(ESM_REQUIRE_BANNER.length);
  await writeFile(file, NAMES_REQUIRE.test(rest) ? `${LAZY_REQUIRE_BANNER}${rest}` : rest);
}
