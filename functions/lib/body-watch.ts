// Watching an S3 body while it is read: bytes counted, a stall timer, the invocation's deadline, and the bytes
// checked against the object's MD5 ETag when it has one.
//
// Stall: the AWS SDK for JavaScript sets no read timeout of its own (requestTimeout defaults to 0), so a body that
// stops sending holds the invocation until Lambda's timeout (issue 11: `TimeoutError: [AbortError]` after 300 s).
// A socket inactivity timeout (the SDK's `requestTimeout`/`socketTimeout`) would not do either: it also fires while
// the *reader* is busy (the indexer waiting on PutLogEvents pauses the stream, and a paused socket is inactive).
// So the timer here runs only while the reader waits for the next piece of the body, and counts nothing of its own
// work. DEFAULT_STALL_TIMEOUT_MS says why 30 s.
//
// Checksum: an ETag is the MD5 of the object's bytes only for a single-part upload stored in plain text or with
// SSE-S3; with SSE-KMS, DSSE-KMS or SSE-C, or from a multipart upload, it is not
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html, "ETag"). When it is, the MD5 of what was read
// is compared at the end, before the reader is told the body ended: a byte corrupted in transit fails the read
// (CHECKSUM_MISMATCH) instead of reaching the index or an alert. Beside this, the SDK validates S3's own
// checksums (CRC64NVME and the like) by default (AWS_RESPONSE_CHECKSUM_VALIDATION=WHEN_SUPPORTED,
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-dataintegrity.html), also at the end of the body.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { InvocationDeadlineError } from './deadline.js';
import { ObjectBodyError, type BodyPlace } from './errors.js';

/**
 * No body byte for 30 s while the reader waits fails the read. S3 sends a body at tens of MB/s: between two
 * pieces (64 KiB at most) a healthy download waits milliseconds, so 30 s is thousands of times the normal gap and
 * no false alarm; botocore's read timeout (the AWS CLI's and boto3's) is 60 s for the same question, and it also
 * counts the reader's own pauses, which this timer does not. 30 s is 10 % of the template's default
 * FunctionTimeout (300 s): a stalled read fails with its message and leaves the rest of the run to the delivery's
 * other files. At the 30 s minimum FunctionTimeout the invocation's deadline (deadline.ts) fires first instead.
 * S3_STALL_TIMEOUT_SECONDS overrides it (config.ts).
 */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

export interface BodyWatchState {
  /** Body bytes received so far. */
  bytesRead: number;
  /** Set when the watch itself stopped the body (stall, deadline, checksum), with the error it raised. */
  failure?: { code: ObjectBodyError['code']; detail: string; bytesRead: number; error: ObjectBodyError };
}

export interface BodyWatchOptions {
  place: Omit<BodyPlace, 'bytesRead'>;
  stallMs: number;
  signal?: AbortSignal;
  /** Lower-case hex MD5 the body must have. */
  expectedMd5?: string;
}

const MD5_ETAG = /^"?([0-9a-fA-F]{32})"?$/;
const NOT_MD5_ENCRYPTION = new Set(['aws:kms', 'aws:kms:dsse']);

/** The MD5 the object's ETag states, when its ETag is one (see the header); undefined otherwise. */
export function etagMd5(
  response: Pick<GetObjectCommandOutput, 'ETag' | 'ServerSideEncryption' | 'SSECustomerAlgorithm'>,
): string | undefined {
  if (response.SSECustomerAlgorithm) return undefined;
  if (response.ServerSideEncryption && NOT_MD5_ENCRYPTION.has(response.ServerSideEncryption)) return undefined;
  return MD5_ETAG.exec(response.ETag ?? '')?.[1]?.toLowerCase();
}

/** The body's pieces, as they arrive, with the watch described above. */
export async function* watchBody(
  body: Readable,
  state: BodyWatchState,
  options: BodyWatchOptions,
): AsyncGenerator<Uint8Array> {
  const { place, stallMs, signal, expectedMd5 } = options;
  const fail = (code: ObjectBodyError['code'], detail: string): ObjectBodyError => {
    if (state.failure) return state.failure.error;
    const error = new ObjectBodyError(code, { ...place, bytesRead: state.bytesRead }, detail);
    state.failure = { code, detail, bytesRead: state.bytesRead, error };
    body.destroy(error);
    return error;
  };
  const onAbort = (): void => {
    if (signal?.reason instanceof InvocationDeadlineError)
      fail(
        'DEADLINE_REACHED',
        `stopped at the invocation's deadline (${signal.reason.marginMs} ms of the function's timeout left)`,
      );
    else body.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const hash = expectedMd5 ? createHash('md5') : undefined;
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  try {
    while (true) {
      const timer = setTimeout(
        () => fail('BODY_STALLED', `the body stalled: no byte for ${stallMs / 1000} s`),
        stallMs,
      );
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw state.failure?.error ?? error;
      } finally {
        clearTimeout(timer);
      }
      if (next.done) break;
      state.bytesRead += next.value.byteLength;
      hash?.update(next.value);
      yield next.value;
    }
    if (hash && expectedMd5) {
      const read = hash.digest('hex');
      if (read !== expectedMd5)
        throw fail(
          'CHECKSUM_MISMATCH',
          `the bytes read do not match the object's ETag (MD5 ${expectedMd5} expected, ${read} read): corrupted in transit`,
        );
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
