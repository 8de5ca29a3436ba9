// Bundles the CLI (and, as they land, the Lambda handlers) with esbuild: one file each, Node 22, sourcemaps.
import { rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE, NODE_BUNDLE } from './bundle-options.mjs';

const common = { ...NODE_BUNDLE, sourcemap: true };
const lambda = { ...LAMBDA_BUNDLE, sourcemap: true };

// The CLI is split at its dynamic imports (cli/commands.ts), so `trailwatch --version` or a scan of files loads
// neither the AWS SDK nor the report renderer; chunks are rebuilt from scratch so stale hashes do not pile up.
await rm('dist/cli/chunks', { recursive: true, force: true });
await build({ ...common, entryPoints: { 'cli/trailwatch': 'cli/bin.ts' }, outdir: 'dist', outExtension: { '.js': '.mjs' }, splitting: true, chunkNames: 'cli/chunks/[name]-[hash]' });

// The processor Lambda: dist/processor/handler.js exporting `handler`, with a package.json marking the folder
// as ESM so the folder deploys as it is (Lambda's Node.js runtime loads a .js handler as ESM from type: module).
await build({ ...lambda, entryPoints: { 'processor/handler': 'functions/processor/handler.ts' }, outdir: 'dist' });
await writeFile('dist/processor/package.json', JSON.stringify({ type: 'module' }, null, 2) + '\n');

// The indexer Lambda, the same way: dist/indexer/handler.js exporting `handler`.
await build({ ...lambda, entryPoints: { 'indexer/handler': 'functions/indexer/handler.ts' }, outdir: 'dist' });
await writeFile('dist/indexer/package.json', JSON.stringify({ type: 'module' }, null, 2) + '\n');

// Local runs (npm start, npm run invoke): the runners and the sandbox process that hosts a bundled handler. Their
// own dependencies (s3rver, the AWS SDK) stay in node_modules: these run only where the project is installed.
await build({
  ...common,
  entryPoints: { 'local/run': 'scripts/local-run.ts', 'local/invoke': 'scripts/invoke.ts', 'local/lambda-host': 'scripts/local/lambda-host.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  packages: 'external',
});
