// The indexer Lambda's rows: the real handler (functions/indexer/handler.ts, middy, Powertools logger and metrics)
// invoked with an S3 put notification for the generated file, which it reads with the real S3 client from s3rver on
// loopback and writes with the real CloudWatch Logs client to a CloudWatch Logs fake on loopback (JSON protocol,
// limits checked: a batch over them fails the row). The emulators run in a child process (bench/processor.ts
// startEmulators), as the services run elsewhere.
//
// Measured as deployed: bundled like scripts/build.mjs into bench/out/indexer-handler.mjs, imported at run time; the
// time is the invocation alone (the import is in the detail). Two rows: INDEX_SCOPE=rds (the default) and all.
//
// The generated records are from 2024-05-14 (bench/generate.ts); CloudWatch Logs would refuse events that old, and so
// does the indexer's age policy, which reads Date.now. This worker's Date.now therefore runs 15 minutes after the
// file's first event, as for a live trail. (The AWS SDK signs with that clock too; s3rver answers
// RequestTimeTooSkewed once and the SDK corrects its offset, as it does against AWS.)

import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGunzip } from 'node:zlib';
import type { Context } from 'aws-lambda';
import type { IndexerResult } from '../functions/indexer/handler.js';
import { BUCKET, KEY, startEmulators } from './processor.js';
import type { RowOutput, RowSpec } from './rows.js';
import { LAMBDA_BUNDLE } from '../scripts/bundle-options.mjs';

export const INDEXER_ROW = 'indexer-handler';
const BUNDLE = fileURLToPath(new URL('./indexer-handler.mjs', import.meta.url));
const MIB = 1_048_576;

/** Bundles the indexer handler as scripts/build.mjs does, into bench/out/indexer-handler.mjs. */
export async function buildIndexerBundle(): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    // This module runs bundled into bench/out/, two levels below the repository root.
    entryPoints: [fileURLToPath(new URL('../../functions/indexer/handler.ts', import.meta.url))],
    outfile: BUNDLE,
    ...LAMBDA_BUNDLE,
  });
}

/** The eventTime of the file's first record (read from its first decompressed bytes). */
async function firstEventTime(file: string): Promise<number> {
  const gunzip = createReadStream(file).pipe(createGunzip());
  let text = '';
  try {
    for await (const chunk of gunzip) {
      text += (chunk as Buffer).toString('utf8');
      const match = /"eventTime":"([^"]+)"/.exec(text);
      if (match?.[1]) return Date.parse(match[1]);
      if (text.length > 4 * MIB) break;
    }
  } finally {
    gunzip.destroy();
  }
  throw new Error(`${file}: no eventTime in its first 4 MiB`);
}

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'trailwatch-indexer',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:trailwatch-indexer',
  memoryLimitInMB: '1024',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/trailwatch-indexer',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 900_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

async function indexerHandler(file: string, scope: 'rds' | 'all'): Promise<RowOutput> {
  const emulator = await startEmulators(file);
  try {
    Object.assign(process.env, {
      INDEX_LOG_GROUP: '/trailwatch/bench/cloudtrail',
      INDEX_SCOPE: scope,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: emulator.s3,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: emulator.logs,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    const offset = (await firstEventTime(file)) + 15 * 60_000 - Date.now();
    const realNow = Date.now.bind(Date);
    Date.now = () => realNow() + offset;

    const imported = performance.now();
    const { handler } = (await import(pathToFileURL(BUNDLE).href)) as { handler: (event: unknown, context: Context) => Promise<IndexerResult> };
    const coldStartMs = performance.now() - imported;
    const rssAfterImport = process.memoryUsage().rss;

    const event = {
      Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key: KEY } } }],
    };
    const started = performance.now();
    const result = await handler(event, context);
    const measuredSeconds = (performance.now() - started) / 1000;
    if (!('files' in result)) throw new Error('expected a direct delivery result');
    const [f] = result.files;
    if (!f) throw new Error('the handler read no file');
    const rejected = Object.values(f.rejected).reduce((a, b) => a + b, 0);
    if (rejected > 0) throw new Error(`${rejected} events rejected for their age: the bench clock is wrong`);
    // What the CloudWatch Logs fake took, per stream: the fewest calls the byte and count limits allow, summed.
    const taken = (await (await fetch(`${emulator.logs}/stats`)).json()) as Record<string, { calls: number; events: number; bytes: number }>;
    const streams = Object.values(taken);
    const minimum = streams.reduce((sum, s) => sum + Math.max(Math.ceil(s.bytes / MIB), Math.ceil(s.events / 10_000)), 0);
    const calls = streams.reduce((sum, s) => sum + s.calls, 0);
    if (calls !== f.batches || streams.reduce((n, s) => n + s.events, 0) !== f.indexed) throw new Error(`the fake took ${calls} calls, the handler reports ${f.batches} batches`);
    return {
      records: f.stats.records,
      bytesOut: f.stats.bytesOut,
      measuredSeconds,
      detail:
        `cold start (import) ${coldStartMs.toFixed(0)} ms, RSS after it ${(rssAfterImport / 1e6).toFixed(0)} MB; ` +
        `${f.indexed.toLocaleString('en-US')} events indexed (${(f.indexed / measuredSeconds).toFixed(0)}/s), ${f.outOfScope.toLocaleString('en-US')} out of scope, ${f.trimmed} trimmed; ` +
        `${(f.bytes / 1e6).toFixed(1)} MB sent in ${f.putLogEventsCalls} PutLogEvents calls (minimum ${minimum} over ${streams.length} log streams: ${(f.batches / minimum).toFixed(2)}×)`,
    };
  } finally {
    emulator.child.stdin?.end();
    emulator.child.kill();
    await rm(emulator.directory, { recursive: true, force: true });
  }
}

export const INDEXER_ROWS: readonly RowSpec[] = [
  { id: INDEXER_ROW, label: 'indexer handler, INDEX_SCOPE=rds: S3 emulator -> scanLog -> index events -> CloudWatch Logs fake', kind: 'trailwatch', run: (f) => indexerHandler(f, 'rds') },
  { id: `${INDEXER_ROW}-all`, label: 'indexer handler, INDEX_SCOPE=all: every record indexed', kind: 'trailwatch', run: (f) => indexerHandler(f, 'all') },
];
