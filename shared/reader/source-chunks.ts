// The caller's byte source as a stream of Buffers, with the source's own failures named as such.
import { LogFileError, type LogLocation } from '../errors.js';

export type ByteSource = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/**
 * Yields the source's chunks as Buffers (views, not copies). Calls `onChunk` with each chunk's size.
 * An error from the source (e.g. a reset S3 connection) becomes READ_FAILED at `where()`, cause kept.
 */
export async function* sourceChunks(
  source: ByteSource,
  onChunk: (size: number) => void,
  where: () => LogLocation,
): AsyncGenerator<Buffer> {
  const iterator = (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  let ended = false;
  try {
    while (true) {
      let result: IteratorResult<Uint8Array | string>;
      try {
        result = await iterator.next();
      } catch (cause) {
        ended = true;
        const location = where();
        throw new LogFileError('READ_FAILED', location, `reading failed: ${describeCause(cause)}`, { cause });
      }
      if (result.done) {
        ended = true;
        return;
      }
      const chunk = asBuffer(result.value);
      if (chunk.length === 0) continue;
      onChunk(chunk.length);
      yield chunk;
    }
  } finally {
    // Stopped early (a fatal error downstream, or the caller broke off): let the source release its resources.
    if (!ended) await iterator.return?.();
  }
}

function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (Buffer.isBuffer(chunk)) return chunk;
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
