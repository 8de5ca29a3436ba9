// Reading one S3 object as a stream, with its body released on every path.
//
// In Node, GetObject's `Body` is the HTTP response itself (an IncomingMessage, or the SDK's checksum stream
// wrapping it, whose destroy() destroys the response). A body that is neither read to the end nor destroyed
// keeps its socket: with enough of them the client's agent has no free socket and every later request waits
// for one that never comes (aws/aws-sdk-js-v3#6691 "GetObjectCommand leaks sockets if the body is never
// read", #5517). So `readObject` destroys the body in a `finally` unless it was read to the end.
//
// The body is watched while it is read (body-watch.ts): a body that sends nothing for `stallMs`, or the
// invocation's deadline (deadline.ts), fails the read with an ObjectBodyError naming the object and the bytes
// read; the bytes are checked against the object's MD5 ETag when it has one. A zero-byte object is skipped
// (ObjectSkipped), never handed to the core.
import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_STALL_TIMEOUT_MS, etagMd5, watchBody, type BodyWatchState } from './body-watch.js';
import { InvocationDeadlineError } from './deadline.js';
import { LogFileError } from '../../shared/errors.js';
import { ObjectBodyError, ObjectReadError } from './errors.js';
import { ObjectSkipped } from './log-objects.js';
import type { ObjectRef } from './delivery.js';

export interface OpenedObject {
  bucket: string;
  /** The key that was read (one of the ref's alternatives, if S3 had nothing under the first). */
  key: string;
  /** `s3://bucket/key`: how the core names the file in errors and alerts. */
  file: string;
  /** Bytes S3 will send (the compressed size for a .json.gz), when it says. */
  contentLength: number | undefined;
  /** How the bytes are checked (body-watch.ts): `etag-md5`, or `sdk` (only what the SDK validates, when S3 sends a checksum). */
  checksum: 'etag-md5' | 'sdk';
  /** True when the whole body was read and checked before `chunks` gave its first piece (verifyBeforeUpTo). */
  checkedBeforeConsumed: boolean;
  /** The response body itself (released by readObject whatever happens). */
  body: Readable;
  /** The body's bytes in pieces of at least `minChunkBytes` (the last may be smaller): read this, not `body`. */
  chunks: AsyncIterable<Buffer>;
}

export interface ReadObjectOptions {
  /** Aborts the request, and the body's socket with it (the invocation's deadline, deadline.ts). */
  signal?: AbortSignal;
  /** Size of the pieces `chunks` gives. Default 256 KiB. */
  minChunkBytes?: number;
  /** No body byte for this long, while the reader waits for one, fails the read (BODY_STALLED). Default 30 s. */
  stallMs?: number;
  /**
   * Read and check the whole body before `consume` sees any of it, when S3 says it is at most this many bytes
   * (the indexer: nothing is written from bytes that turn out corrupted). Larger bodies stream, checked at the end.
   * Default 0: always stream.
   */
  verifyBeforeUpTo?: number;
}

/**
 * The HTTP body arrives in pieces of 64 KiB at most. The core inflates each piece it is given as one call on
 * libuv's pool; fewer, larger pieces cost less (reading the bench's 100 MB file from disk in 64 KiB pieces
 * was 15-30 % slower than in 1 MiB ones). From the S3 emulator, 256 KiB pieces were ~6 % faster than the raw
 * 64 KiB ones at the same peak RSS; 1 MiB pieces were no faster than 256 KiB but held ~25 MB more at peak
 * (each piece inflates to ~6 MB of text at once).
 */
export const DEFAULT_MIN_CHUNK_BYTES = 256 << 10;

export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * Opens `ref` with GetObject and hands its body to `consume`, which reads it as a stream. Whatever
 * happens (success, a parse error, an exception, an early return), the body is consumed or destroyed
 * before this returns. GetObject's own failures become ObjectReadError (bucket, key, S3 error code);
 * failures while reading the body are `consume`'s to report (the core's LogFileError names the offset).
 */
export async function readObject<T>(
  s3: S3Client,
  ref: ObjectRef,
  consume: (object: OpenedObject) => Promise<T>,
  options: ReadObjectOptions = {},
): Promise<T> {
  const { signal } = options;
  const { key, response } = await getObject(s3, ref, signal);
  const body = response.Body;
  if (!(body instanceof Readable)) {
    destroyUnknownBody(body);
    throw new ObjectReadError(
      ref.bucket,
      key,
      'NoBody',
      `GetObject returned ${body === undefined ? 'no body' : 'a body that is not a Node stream'}`,
    );
  }
  const contentLength = response.ContentLength;
  if (contentLength === 0) {
    // CloudTrail's SNS notification gives no size, so an empty object is only seen here.
    release(body);
    throw new ObjectSkipped(ref.bucket, key, {
      reason: 'empty',
      detail: 'zero bytes (Content-Length 0; the trigger gave no size)',
    });
  }
  const state: BodyWatchState = { bytesRead: 0 };
  const place = {
    bucket: ref.bucket,
    key,
    ...(ref.versionId ? { versionId: ref.versionId } : {}),
    ...(contentLength !== undefined ? { contentLength } : {}),
  };
  const expectedMd5 = etagMd5(response);
  const watched = watchBody(body, state, {
    place,
    stallMs: options.stallMs ?? DEFAULT_STALL_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
    ...(expectedMd5 ? { expectedMd5 } : {}),
  });
  const minChunkBytes = options.minChunkBytes ?? DEFAULT_MIN_CHUNK_BYTES;
  try {
    let source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = watched;
    const checkedBeforeConsumed = contentLength !== undefined && contentLength <= (options.verifyBeforeUpTo ?? 0);
    if (checkedBeforeConsumed) {
      // Every byte arrives and is checked before the consumer sees the first (see the option).
      const pieces: Array<Uint8Array | undefined> = [];
      try {
        for await (const piece of watched) pieces.push(piece);
      } catch (error) {
        // As the core reports a broken stream (READ_FAILED at the compressed offset reached); the watch's own
        // errors (stall, deadline, checksum) are already typed.
        if (error instanceof ObjectBodyError) throw error;
        const location = { file: s3Url(ref.bucket, key), compressedOffset: state.bytesRead };
        throw new LogFileError(
          'READ_FAILED',
          location,
          `reading failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      source = handOver(pieces);
    }
    const chunks = coalesce(source, minChunkBytes);
    const checksum = expectedMd5 ? 'etag-md5' : 'sdk';
    return await consume({
      bucket: ref.bucket,
      key,
      file: s3Url(ref.bucket, key),
      contentLength,
      checksum,
      checkedBeforeConsumed,
      body,
      chunks,
    });
  } catch (error) {
    // The core wraps a broken body as READ_FAILED at its offset; the watch knows why it broke.
    const failure = state.failure;
    if (failure && failure.error !== error)
      throw new ObjectBodyError(failure.code, { ...place, bytesRead: failure.bytesRead }, failure.detail, {
        cause: error,
      });
    if (!failure && signal?.aborted && signal.reason instanceof InvocationDeadlineError) {
      // The body was read; the consumer's own work (the indexer's writes) was stopped by the deadline.
      throw new ObjectBodyError(
        'DEADLINE_REACHED',
        { ...place, bytesRead: state.bytesRead },
        `stopped at the invocation's deadline (${signal.reason.marginMs} ms of the function's timeout left)`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    release(body);
  }
}

/**
 * Pieces of `source` joined to at least `minBytes`. When the source fails, what arrived before the failure is
 * still given first, so the consumer's byte count (the offset in its error) is where the connection broke.
 */
export async function* coalesce(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  minBytes: number,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let size = 0;
  const take = (): Buffer => {
    const joined = pending.length === 1 && pending[0] ? pending[0] : Buffer.concat(pending, size);
    pending = [];
    size = 0;
    return joined;
  };
  try {
    for await (const chunk of source) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      pending.push(buffer);
      size += buffer.length;
      if (size >= minBytes) yield take();
    }
  } catch (error) {
    if (size > 0) yield take();
    throw error;
  }
  if (size > 0) yield take();
}

/** The pieces in order, each dropped from the array as it is handed over, so what was consumed can be collected. */
function* handOver(pieces: Array<Uint8Array | undefined>): Generator<Uint8Array> {
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    pieces[i] = undefined;
    if (piece) yield piece;
  }
}

/** Frees the body's socket: a body read to the end already has; any other is destroyed. */
export function release(body: Readable): void {
  if (!body.readableEnded && !body.destroyed) body.destroy();
}

async function getObject(
  s3: S3Client,
  ref: ObjectRef,
  signal: AbortSignal | undefined,
): Promise<{ key: string; response: GetObjectCommandOutput }> {
  const keys = [ref.key, ...(ref.alternativeKeys ?? [])];
  for (const [i, key] of keys.entries()) {
    try {
      const command = new GetObjectCommand({
        Bucket: ref.bucket,
        Key: key,
        ...(ref.versionId ? { VersionId: ref.versionId } : {}),
      });
      const response = await s3.send(command, signal ? { abortSignal: signal } : {});
      return { key, response };
    } catch (error) {
      // The key's other reading (EventBridge keys, see object-keys.ts) may be the one S3 has.
      if (error instanceof NoSuchKey && i < keys.length - 1) continue;
      if (signal?.aborted && signal.reason instanceof InvocationDeadlineError) {
        const place = { bucket: ref.bucket, key, ...(ref.versionId ? { versionId: ref.versionId } : {}), bytesRead: 0 };
        throw new ObjectBodyError(
          'DEADLINE_REACHED',
          place,
          `GetObject not answered before the invocation's deadline (${signal.reason.message})`,
          { cause: error },
        );
      }
      throw objectReadError(
        ref.bucket,
        key,
        error,
        keys.length > 1
          ? ` (also tried ${keys
              .filter((k) => k !== key)
              .map((k) => JSON.stringify(k))
              .join(', ')})`
          : '',
      );
    }
  }
  /* c8 ignore next */
  throw new Error('unreachable: keys is never empty');
}

function objectReadError(bucket: string, key: string, error: unknown, tried: string): ObjectReadError {
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return new ObjectReadError(
    bucket,
    key,
    name,
    `GetObject failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${message}${tried}`,
    { cause: error },
  );
}

/** A body of another kind (a web ReadableStream or Blob outside Node): cancel what can be cancelled. */
function destroyUnknownBody(body: unknown): void {
  const cancel = (body as { cancel?: () => Promise<void> } | undefined)?.cancel;
  if (typeof cancel === 'function') void cancel.call(body).catch(() => undefined);
}
