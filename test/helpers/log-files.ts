// Building CloudTrail log files, and byte sources that deliver them, for tests.
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { JsonValue } from '../../shared/cloudtrail.js';
import type { CloudTrailLogReader, ParsedRecord, ReaderItem } from '../../shared/reader/types.js';

/** A minimal valid CloudTrail record, with any fields changed or added. */
export function cloudTrailRecord(fields: Record<string, JsonValue> = {}): Record<string, JsonValue> {
  return {
    eventVersion: '1.09',
    eventTime: '2024-08-01T13:29:57Z',
    eventSource: 'rds.amazonaws.com',
    eventName: 'DescribeDBInstances',
    awsRegion: 'us-east-1',
    ...fields,
  };
}

/** The text of a log file `{"Records":[...]}`, as CloudTrail writes it: one line. */
export function logText(records: readonly unknown[]): string {
  return JSON.stringify({ Records: records });
}

export function plainRecords(records: readonly unknown[]): Buffer {
  return Buffer.from(logText(records), 'utf8');
}

export function gzipRecords(records: readonly unknown[]): Buffer {
  return gzipSync(logText(records));
}

export function gzipText(text: string): Buffer {
  return gzipSync(text);
}

/**
 * The bytes as an async iterable of chunks of the given sizes, used in turn and repeated; the last chunk
 * takes what is left. `chunked(bytes, [1])` delivers one byte at a time.
 */
export async function* chunked(
  bytes: Uint8Array,
  sizes: readonly number[] = [bytes.length],
): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? bytes.length);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** A source that delivers `bytes`, then fails the way a reset S3 connection does. */
export async function* failingAfter(bytes: Uint8Array, error: Error): AsyncGenerator<Uint8Array> {
  if (bytes.length > 0) yield bytes;
  throw error;
}

/** A Node Readable over the chunks, like an S3 GetObject body or `fs.createReadStream`. */
export function readableOf(bytes: Uint8Array, sizes?: readonly number[]): Readable {
  return Readable.from(chunked(bytes, sizes), { objectMode: false });
}

export async function readAll(reader: CloudTrailLogReader): Promise<ReaderItem[]> {
  const items: ReaderItem[] = [];
  for await (const item of reader) items.push(item);
  return items;
}

/** Reads until the reader throws; returns what it delivered first and the error (undefined if none). */
export async function readUntilError(reader: CloudTrailLogReader): Promise<{ items: ReaderItem[]; error: unknown }> {
  const items: ReaderItem[] = [];
  try {
    for await (const item of reader) items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

export function parsedRecords(items: readonly ReaderItem[]): ParsedRecord[] {
  return items.filter((item): item is ParsedRecord => item.kind === 'record');
}
