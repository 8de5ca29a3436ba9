// esbuild options shared by `npm run build`, the bundle tests and the bench, so all of them run the code the
// template deploys, bundled the same way.

/** esbuild's ESM output needs a require() for the few CommonJS dependencies it bundles. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** One ESM file for Node 22 (the nodejs22.x Lambda runtime). */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  logLevel: 'warning',
  banner: { js: ESM_REQUIRE_BANNER },
};

/** A Lambda handler: ESM builds of dependencies (the AWS SDK) first. */
export const LAMBDA_BUNDLE = { ...NODE_BUNDLE, mainFields: ['module', 'main'] };
