#!/usr/bin/env node
// The installed `trailwatch` command runs the bundled CLI that `npm ci` builds (the `prepare` script).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/trailwatch.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('trailwatch: the CLI is not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(2);
}
await import(bundle.href);
