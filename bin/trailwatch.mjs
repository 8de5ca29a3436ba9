#!/usr/bin/env node
// The installed `trailwatch` command runs the bundled CLI (dist/cli/trailwatch.mjs). There is no `prepare` script
// (it broke `sam build`, whose `npm install --omit=dev` runs it: README "Deploy to AWS"), so the first run builds
// the CLI itself with esbuild, a dependency; `npm run build` rebuilds it after a `git pull`.
// node:child_process is imported only for that build: loading it (and node:net under it) costs every other run
// several milliseconds of start-up (npm run bench, start-up rows).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli/trailwatch.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('trailwatch: building the CLI once (npm run build)...\n');
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url)), 'cli'], {
    stdio: 'inherit',
  });
}
await import(bundle.href);
