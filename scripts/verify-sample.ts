// `npm run verify-sample`: `trailwatch verify` on the sample day, with no AWS account. The sample trail bucket
// (events/logs/AWSLogs/, digest signatures from their .s3-metadata.json files) is uploaded to an S3 emulator on
// loopback, as `npm start` does, and checked with the sample's TEST public key (events/sample-public-keys.json).
// Extra arguments go to verify (e.g. `-- --format json`). To see a tampered file reported, edit one in a copy:
//   npm run verify-sample -- --logs /tmp/copy-of-events-logs
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { main } from '../cli/trailwatch.js';
import { startS3Emulator } from '../local-aws/s3-emulator.js';
import { METADATA_SIDECAR, sampleFiles, SAMPLE_BUCKET } from './local/local-aws.js';

async function run(argv: string[]): Promise<number> {
  const at = argv.indexOf('--logs');
  const logsDir = path.resolve(at >= 0 ? (argv[at + 1] ?? 'events/logs') : 'events/logs');
  const extra = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
  const s3 = await startS3Emulator();
  try {
    await s3.createBucket(SAMPLE_BUCKET);
    for (const { file, key } of await sampleFiles(logsDir)) {
      const sidecar = `${file}${METADATA_SIDECAR}`;
      const metadata = existsSync(sidecar)
        ? (JSON.parse(await readFile(sidecar, 'utf8')) as Record<string, string>)
        : undefined;
      await s3.put(SAMPLE_BUCKET, key, await readFile(file), metadata);
    }
    // The CLI builds its S3 client from the SDK's environment, as against AWS.
    Object.assign(process.env, s3.environment);
    const args = [
      'verify',
      `s3://${SAMPLE_BUCKET}`,
      '--public-keys',
      path.join(logsDir, '..', 'sample-public-keys.json'),
      ...extra,
    ];
    process.stderr.write(`$ trailwatch ${args.join(' ')}   (S3: ${s3.endpoint})\n`);
    return await main(args, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      interactive: process.stderr.isTTY === true,
      env: process.env,
    });
  } finally {
    await s3.close();
  }
}

process.exitCode = await run(process.argv.slice(2));
