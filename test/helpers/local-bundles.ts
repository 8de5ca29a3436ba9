// The bundles the local pipeline (scripts/local/pipeline.ts) runs, built into a folder of the test's own so tests
// neither depend on nor rewrite dist/: each handler bundled with the options `sam build` uses (template.yaml's
// BuildProperties, through scripts/bundle-options.mjs) as `<dir>/<name>/handler.mjs`, and the sandbox host
// `<dir>/local/lambda-host.mjs`, both as scripts/build.mjs builds them.
import path from 'node:path';
import { build } from 'esbuild';
import { lambdaBundleInto, NODE_BUNDLE, ROOT, type LambdaName } from '../../scripts/bundle-options.mjs';

/** `<dir>/local/lambda-host.mjs`: the process a bundled handler runs in. */
export async function buildLambdaHost(dir: string): Promise<string> {
  await build({
    ...NODE_BUNDLE,
    entryPoints: { 'local/lambda-host': path.join(ROOT, 'scripts/local/lambda-host.ts') },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    packages: 'external',
  });
  return path.join(dir, 'local', 'lambda-host.mjs');
}

/** `<dir>/<name>/handler.mjs` for each name, then the host: a distDir for runLocalPipeline. */
export async function buildLocalBundles(dir: string, names: readonly LambdaName[]): Promise<void> {
  for (const name of names) {
    await build(lambdaBundleInto(name, dir));
  }
  await buildLambdaHost(dir);
}
