// `npm run build`: bundles the CLI, the Lambda handlers and the local runners with esbuild into dist/.
//   node scripts/build.mjs          everything
//   node scripts/build.mjs cli      only the CLI (what bin/trailwatch.mjs needs)
// The handlers are bundled with template.yaml's BuildProperties (scripts/bundle-options.mjs), exactly as `sam build`
// bundles them: dist/<function>/handler.mjs is what .aws-sam/build/<Function>/handler.mjs would be.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { lambdaBundleInto, NODE_BUNDLE, ROOT } from './bundle-options.mjs';
import { buildCli } from './cli-build.mjs';

const only = process.argv[2];
if (only !== undefined && only !== 'cli') {
  process.stderr.write(`usage: node scripts/build.mjs [cli]\n`);
  process.exit(2);
}
const dist = path.join(ROOT, 'dist');
const from = (file) => path.join(ROOT, file);
const common = { ...NODE_BUNDLE, sourcemap: true };

// The CLI: dist/cli/trailwatch.mjs and its chunks (scripts/cli-build.mjs says how it is split and trimmed).
await buildCli(ROOT, dist);
if (only === 'cli') process.exit(0);

// The processor and indexer Lambdas: dist/<name>/handler.mjs exporting `handler`, and its chunks/.
// Each in a folder of its own, as sam build writes it (the chunks of Splitting beside the handler).
for (const name of ['processor', 'indexer']) {
  await rm(path.join(dist, name), { recursive: true, force: true });
  await build(lambdaBundleInto(name, dist));
}

// Local runs (npm start, npm run invoke): the runners and the sandbox process that hosts a bundled handler. Their
// own dependencies (s3rver, the AWS SDK) stay in node_modules: these run only where the project is installed.
await build({
  ...common,
  entryPoints: {
    'local/run': from('scripts/local-run.ts'),
    'local/invoke': from('scripts/invoke.ts'),
    'local/lambda-host': from('scripts/local/lambda-host.ts'),
  },
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  packages: 'external',
});
