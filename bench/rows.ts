// What each row of the benchmark measures. Each row runs in a fresh child process (bench/worker.ts), so its
// peak RSS is its own. A row reads the gzipped file from disk and counts records; every row but the raw
// gunzip ones checks its record count against the generator's.

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';

export const READ_HIGH_WATER_MARK = 1 << 20;
/**
 * What trailwatch itself reads files with (the CLI, and the processor joins S3 body pieces to this size):
 * 1 MiB source chunks live long enough to be promoted to V8's old space and cost ~55 MB of peak RSS on the
 * 1 GB file for no speed (measured by the reader's author), so trailwatch's rows read as trailwatch does.
 */
export const TRAILWATCH_READ_CHUNK = 256 * 1024;
/** The gunzip chunk size the comparison rows use (the fastest one measured here); see the gunzip rows. */
export const LIBRARY_GUNZIP_CHUNK = 256 << 10;

export interface RowOutput {
  /** Records seen (for trailwatch: every record in the array, parsed or skipped by the prefilter). */
  records?: number;
  /** Records with eventSource rds.amazonaws.com among those parsed, to check the parse. */
  rdsRecords?: number;
  /** Decompressed bytes, when the row counts them itself. */
  bytesOut?: number;
  /** One line of extra facts (e.g. delivered vs skipped). */
  detail?: string;
  /** Seconds of the measured work, when the row has set-up that must not count (bench/processor.ts). */
  measuredSeconds?: number;
  /** Named figures of a row reported in a section of its own (bench/typical-files.ts). */
  figures?: Record<string, number>;
}

export type RowKind = 'gunzip' | 'json-parse' | 'streaming-library' | 'trailwatch' | 'baseline';

export interface RowSpec {
  id: string;
  label: string;
  kind: RowKind;
  run(file: string): Promise<RowOutput>;
}

async function gunzipOnly(file: string, chunkSize: number): Promise<RowOutput> {
  let bytesOut = 0;
  await pipeline(
    createReadStream(file, { highWaterMark: READ_HIGH_WATER_MARK }),
    createGunzip({ chunkSize }),
    new Writable({
      highWaterMark: chunkSize,
      write(chunk: Buffer, _encoding, callback) {
        bytesOut += chunk.length;
        callback();
      },
    }),
  );
  return { bytesOut };
}

function countRds(records: readonly unknown[]): number {
  let n = 0;
  for (const r of records) if (isRds(r)) n++;
  return n;
}

function isRds(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { eventSource?: unknown }).eventSource === 'rds.amazonaws.com'
  );
}

/** What most code does with a log file: gunzip it whole, then one JSON.parse. */
async function jsonParseWhole(file: string): Promise<RowOutput> {
  const text = (await promisify(gunzip)(await readFile(file))).toString('utf8');
  const doc = JSON.parse(text) as { Records: unknown[] };
  return { records: doc.Records.length, rdsRecords: countRds(doc.Records), bytesOut: Buffer.byteLength(text) };
}

/** stream-json as its README shows it: parser -> pick('Records') -> streamArray, one record at a time. */
async function streamJson(file: string): Promise<RowOutput> {
  const { chain } = await import('stream-chain');
  const { parser } = await import('stream-json');
  const { pick } = await import('stream-json/filters/pick.js');
  const { streamArray } = await import('stream-json/streamers/stream-array.js');
  let records = 0;
  let rdsRecords = 0;
  const items = chain([
    createReadStream(file, { highWaterMark: READ_HIGH_WATER_MARK }),
    createGunzip({ chunkSize: LIBRARY_GUNZIP_CHUNK }),
    parser(),
    pick({ filter: 'Records' }),
    streamArray(),
  ]);
  await pipeline(
    items,
    new Writable({
      objectMode: true,
      write(item: { value: unknown }, _encoding, callback) {
        records++;
        if (isRds(item.value)) rdsRecords++;
        callback();
      },
    }),
  );
  return { records, rdsRecords };
}

/** @streamparser/json with a JSONPath selecting each element of Records, keepStack off (flat memory). */
async function streamParserJson(file: string): Promise<RowOutput> {
  const { JSONParser } = await import('@streamparser/json');
  let records = 0;
  let rdsRecords = 0;
  const parser = new JSONParser({ paths: ['$.Records.*'], keepStack: false });
  parser.onValue = ({ value }) => {
    records++;
    if (isRds(value)) rdsRecords++;
  };
  await pipeline(
    createReadStream(file, { highWaterMark: READ_HIGH_WATER_MARK }),
    createGunzip({ chunkSize: LIBRARY_GUNZIP_CHUNK }),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        try {
          parser.write(chunk);
          callback();
        } catch (err) {
          callback(err as Error);
        }
      },
    }),
  );
  // The parser ends by itself when the top-level object closes; end() is for a file cut short.
  if (!parser.isEnded) parser.end();
  return { records, rdsRecords };
}

export const GUNZIP_ROWS: readonly RowSpec[] = [
  {
    id: 'gunzip-16k',
    label: 'raw gunzip, chunkSize 16 KiB (default)',
    kind: 'gunzip',
    run: (f) => gunzipOnly(f, 16 << 10),
  },
  { id: 'gunzip-256k', label: 'raw gunzip, chunkSize 256 KiB', kind: 'gunzip', run: (f) => gunzipOnly(f, 256 << 10) },
  { id: 'gunzip-1m', label: 'raw gunzip, chunkSize 1 MiB', kind: 'gunzip', run: (f) => gunzipOnly(f, 1 << 20) },
];

export const LIBRARY_ROWS: readonly RowSpec[] = [
  {
    id: 'json-parse',
    label: 'JSON.parse, whole file (zlib.gunzip + JSON.parse)',
    kind: 'json-parse',
    run: jsonParseWhole,
  },
  {
    id: 'stream-json',
    label: 'stream-json (parser, pick Records, streamArray)',
    kind: 'streaming-library',
    run: streamJson,
  },
  {
    id: 'streamparser',
    label: "@streamparser/json (paths ['$.Records.*'])",
    kind: 'streaming-library',
    run: streamParserJson,
  },
];

/** An idle worker: what a Node process costs before it reads anything. */
export const BASELINE_ROW: RowSpec = {
  id: 'baseline',
  label: 'idle worker process',
  kind: 'baseline',
  run: () => Promise.resolve({}),
};
