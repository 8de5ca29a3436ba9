// Generates the bundled sample CloudTrail logs under events/logs/: one day (2026-11-20) of account
// 123456789012 as CloudTrail delivers it to S3, replaying the story of the RDS CloudTrail walk-through
// (rds-cloudtrail-walkthrough.txt among the design documents) inside realistic background noise, with the signed
// digest files and the README that tells the day; and events/sample-public-keys.json, the test key's public half.
//
// The day is data (scripts/sample-day/story/, side-calls.ts, background/) made into records by the record kit
// (scripts/cloudtrail-synth/). Deterministic: no clock, no Math.random; every id, name and shuffle comes from
// SHA-256 of a label, and gzip output has mtime 0 and a fixed level, so re-running it rewrites byte-identical
// files (test/sample-logs.test.ts checks that they match).
//
// Run from the repository root:
//   npm run make-sample-logs            (writes events/logs/** and events/sample-public-keys.json)
//   npm run make-sample-logs -- DIR     (writes DIR/** and DIR/../sample-public-keys.json)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipFixed } from './cloudtrail-synth/log-file.js';
import { buildSampleDay } from './sample-day/build.js';
import { METADATA_SUFFIX, samplePublicKeysJson } from './sample-day/digests.js';
import { renderReadme, sampleCounts } from './sample-day/readme.js';

/** Every file the generator writes, by path relative to events/logs (POSIX separators). */
export function buildSampleLogs(): Map<string, Buffer> {
  const day = buildSampleDay();
  const out = new Map<string, Buffer>();
  for (const file of day.files) out.set(file.key, gzipFixed(file.json));
  for (const digest of day.digests) {
    out.set(digest.key, gzipFixed(digest.json));
    out.set(`${digest.key}${METADATA_SUFFIX}`, Buffer.from(`${JSON.stringify(digest.metadata, null, 2)}\n`, 'utf8'));
  }
  out.set('README.md', Buffer.from(renderReadme(day), 'utf8'));
  // Keep checkouts byte-identical to the generator's output (no CRLF conversion of the README).
  out.set('.gitattributes', Buffer.from('README.md text eol=lf\n*.gz binary\n', 'utf8'));
  return out;
}

function writeSampleLogs(outDir: string): Map<string, Buffer> {
  const files = buildSampleLogs();
  rmSync(path.join(outDir, 'AWSLogs'), { recursive: true, force: true });
  for (const [relative, bytes] of files) {
    const full = path.join(outDir, ...relative.split('/'));
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, bytes);
  }
  return files;
}

function main(): void {
  const outDir = path.resolve(process.argv[2] ?? path.join('events', 'logs'));
  const files = writeSampleLogs(outDir);
  writeFileSync(path.join(outDir, '..', 'sample-public-keys.json'), samplePublicKeysJson());
  const c = sampleCounts();
  process.stdout.write(
    `wrote ${files.size} files to ${outDir}: ${c.total} records (RDS ${c.RDS}, Data API ${c['Data API']}, CloudTrail ${c.CloudTrail}, noise ${c.noise})\n`,
  );
}

const invokedAs = process.argv[1];
if (invokedAs !== undefined && import.meta.url === pathToFileURL(path.resolve(invokedAs)).href) main();
