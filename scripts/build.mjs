// Bundles the CLI (and, as they land, the Lambda handlers) with esbuild: one file each, Node 22, sourcemaps.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  // esbuild's ESM output needs a require() for the few CommonJS dependencies it bundles.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};

await build({ ...common, entryPoints: { 'cli/trailwatch': 'cli/bin.ts' }, outdir: 'dist', outExtension: { '.js': '.mjs' } });
