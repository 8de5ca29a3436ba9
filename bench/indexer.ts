// The indexer Lambda's rows: the real handler (functions/indexer/handler.ts, middy, Powertools logger and metrics)
// invoked with an S3 put notification for the generated file, which it reads with the real S3 client from s3rver on
// loopback and writes with the real CloudWatch Logs client to a CloudWatch Logs fake on loopback (JSON protocol,
// limits checked: a batch over them fails the row). The emulators run in a child process, as the services run
// elsewhere (bench/handler-row.ts, shared with the processor row).
//
// Measured as deployed: bundled like scripts/build.mjs into bench/out/indexer-handler/ (handler.mjs, its chunks beside
// it), imported at run time; the time is the invocation alone (the import is in the detail). Two rows: INDEX_SCOPE=rds (the default) and all.
//
// The generated records are from 2024-05-14 (bench/generate.ts); CloudWatch Logs would refuse events that old, and so
// does the indexer's age policy, which reads Date.now. This worker's Date.now therefore runs 15 minutes after the
// file's first event, as for a live trail. (The AWS SDK signs with that clock too; s3rver answers
// RequestTimeTooSkewed once and the SDK corrects its offset, as it does against AWS.)

import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { FileOutcome } from '../functions/indexer/index-log.js';
import { buildHandlerBundle, invokeBundledHandler } from './handler-row.js';
import type { RowOutput, RowSpec } from './rows.js';

export const INDEXER_ROW = 'indexer-handler';
const MIB = 1_048_576;

/** Bundles the indexer handler as scripts/build.mjs does, into bench/out/indexer-handler/ (bench/handler-row.ts). */
export function buildIndexerBundle(): Promise<void> {
  return buildHandlerBundle('indexer');
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

async function indexerHandler(file: string, scope: 'rds' | 'all'): Promise<RowOutput> {
  // Set before the handler is imported and the SDK signs anything.
  const offset = (await firstEventTime(file)) + 15 * 60_000 - Date.now();
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + offset;

  return invokeBundledHandler<FileOutcome>(
    'indexer',
    file,
    (emulators) => ({
      INDEX_LOG_GROUP: '/trailwatch/bench/cloudtrail',
      INDEX_SCOPE: scope,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: emulators.logs,
    }),
    async ({ outcome: f, measuredSeconds, cpuMs, coldStart, emulators }) => {
      const rejected = Object.values(f.rejected).reduce((a, b) => a + b, 0);
      if (rejected > 0) throw new Error(`${rejected} events rejected for their age: the bench clock is wrong`);
      // What the CloudWatch Logs fake took, per stream: the fewest calls the byte and count limits allow, summed.
      const taken = (await (await fetch(`${emulators.logs}/stats`)).json()) as Record<
        string,
        { calls: number; events: number; bytes: number }
      >;
      const streams = Object.values(taken);
      const minimum = streams.reduce(
        (sum, s) => sum + Math.max(Math.ceil(s.bytes / MIB), Math.ceil(s.events / 10_000)),
        0,
      );
      const calls = streams.reduce((sum, s) => sum + s.calls, 0);
      if (calls !== f.batches || streams.reduce((n, s) => n + s.events, 0) !== f.indexed)
        throw new Error(`the fake took ${calls} calls, the handler reports ${f.batches} batches`);
      return {
        records: f.stats.records,
        bytesOut: f.stats.bytesOut,
        measuredSeconds,
        // What was sent, as CloudWatch Logs counts it: the lower bounds' SigV4 and TLS bytes (bench/lower-bounds.ts).
        figures: { bytesSent: f.bytes },
        detail:
          `${coldStart}; invocation CPU ${cpuMs.toFixed(0)} ms; ` +
          `${f.indexed.toLocaleString('en-US')} events indexed (${(f.indexed / measuredSeconds).toFixed(0)}/s), ${f.outOfScope.toLocaleString('en-US')} out of scope, ${f.trimmed} trimmed; ` +
          `${(f.bytes / 1e6).toFixed(1)} MB sent in ${f.putLogEventsCalls} PutLogEvents calls (minimum ${minimum} over ${streams.length} log streams: ${(f.batches / minimum).toFixed(2)}×)`,
      };
    },
  );
}

export const INDEXER_ROWS: readonly RowSpec[] = [
  {
    id: INDEXER_ROW,
    label: 'indexer handler, INDEX_SCOPE=rds: S3 emulator -> scanLog -> index events -> CloudWatch Logs fake',
    kind: 'trailwatch',
    run: (f) => indexerHandler(f, 'rds'),
  },
  {
    id: `${INDEXER_ROW}-all`,
    label: 'indexer handler, INDEX_SCOPE=all: every record indexed',
    kind: 'trailwatch',
    run: (f) => indexerHandler(f, 'all'),
  },
];
