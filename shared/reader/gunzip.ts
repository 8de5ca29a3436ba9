// Streaming gunzip: the gzip format (RFC 1952) read here, its deflate data inflated by Node's zlib, and its
// failures turned into LogFileErrors that say where the file broke.
//
// Why not zlib.createGunzip: after a member's end it takes any further bytes for another member, and
// fails on bytes that are not one ("incorrect header check"), dropping the text inflated by that same
// write: a file with 17 or more bytes after its gzip data lost its last ~256 KiB of records (issue 11,
// item 6). Here each member's deflate data goes to an inflateRaw stream, which stops at its end and says how
// many bytes it used, so the text is whole, the trailer (CRC-32 and size) is checked here, and what follows
// is read for what it is: another member (multi-member gzip is valid gzip, as `gzip -d` reads it: the texts
// are joined), or trailing bytes, which `gzip -d` ignores with a warning: every record is kept, and the
// caller is told (onTrailingBytes) where they start.
import { once } from 'node:events';
import { createInflateRaw, crc32 } from 'node:zlib';
import { LogFileError } from '../errors.js';

/**
 * Inflate's output piece: each piece is one job on libuv's pool, and the next job starts only from the last one's
 * callback on the main thread (Node's zlib, processCallback), so fewer, larger pieces mean fewer round trips between
 * the threads. Measured in the whole pipeline (session 7, docs/performance-notes.md "Session 7, lead"; A/B interleaved
 * fresh processes, medians): against 256 KiB, 512 KiB took 0.94-0.98x the core row's wall time and CPU on the 100 MB
 * file (15 rounds) and 0.92x the processor handler's CPU on the 1 GB file (2 x 2 runs), for ~3 MB more peak RSS;
 * 1 MiB was a little faster again but ~6-12 MB larger, which the processor's 150 MB target on the 1 GB file has no
 * room for. (Inflate alone, in an earlier session, was fastest at 256 KiB: ~470 MB/s, against ~210 for the default
 * 16 KiB and ~390 for 1 MiB.)
 */
const INFLATE_CHUNK_SIZE = 512 * 1024;
const TRAILER_SIZE = 8;
/** A header longer than this (a file name or comment that never ends) is not a CloudTrail log's. */
const MAX_HEADER_SIZE = 64 * 1024;

/** Whether `head` starts with the gzip magic bytes 1f 8b. */
export function hasGzipMagic(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** Bytes after the gzip data: where they start in the file, and how many there are. */
export interface TrailingBytes {
  compressedOffset: number;
  length: number;
}

/**
 * Inflates `compressed` as it arrives. Inflate runs on libuv's thread pool while the caller works on the
 * previous chunk, and only as fast as the caller takes the text (a gzip bomb is inflated a chunk at a time).
 */
export async function* gunzipChunks(
  compressed: AsyncIterable<Buffer>,
  file: string,
  onTrailingBytes: (trailing: TrailingBytes) => void = () => {},
): AsyncGenerator<Buffer> {
  const input = new CompressedInput(compressed);
  try {
    for (let member = 0; ; member++) {
      let headerSize = gzipHeaderSize(input.pending);
      while (headerSize === NEED_MORE) {
        if (input.pending.length > MAX_HEADER_SIZE) throw corrupt(file, input.offset, 'the gzip header does not end');
        if (!(await input.more())) break;
        headerSize = gzipHeaderSize(input.pending);
      }
      if (member > 0 && input.pending.length === 0) return;
      if (member > 0 && !hasGzipMagic(input.pending)) {
        const compressedOffset = input.offset;
        onTrailingBytes({ compressedOffset, length: await input.drain() });
        return;
      }
      if (headerSize === NEED_MORE) throw truncated(file, input.bytesIn, 'gzip data ends inside its header');
      if (headerSize === INVALID)
        throw corrupt(file, input.offset, 'gzip data is corrupt (not a gzip header, or a method other than deflate)');
      input.take(headerSize);
      const inflated = yield* inflateMember(input, file);
      while (input.pending.length < TRAILER_SIZE) {
        if (!(await input.more()))
          throw truncated(file, input.bytesIn, 'gzip data ends before its trailer (CRC-32 and size)');
      }
      const trailer = input.pending;
      if (trailer.readUInt32LE(0) !== inflated.crc || trailer.readUInt32LE(4) !== inflated.size % 2 ** 32) {
        throw corrupt(file, input.offset, 'gzip data is corrupt (its CRC-32 or size does not match the text)');
      }
      input.take(TRAILER_SIZE);
    }
  } finally {
    await input.close();
  }
}

/** Inflates one member's deflate data from `input.pending` on; leaves `input` just past its end. */
async function* inflateMember(
  input: CompressedInput,
  file: string,
): AsyncGenerator<Buffer, { crc: number; size: number }> {
  const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK_SIZE });
  const start = input.offset;
  const stopFeeding = new AbortController();
  let ended = false;
  let failure: unknown;
  let feeding = true;
  let wake: () => void = () => {};
  const changed = () => wake();
  inflater.on('readable', changed);
  inflater.once('end', () => {
    ended = true;
    stopFeeding.abort();
    changed();
  });
  inflater.once('error', (error) => {
    failure ??= error;
    changed();
  });

  // Chunks given to the inflater that it may not have used yet (all of it, once it has ended).
  const unused: Buffer[] = [];
  let unusedStart = 0; // member offset of unused[0]
  const feed = async (): Promise<void> => {
    try {
      let chunk: Buffer | undefined = input.takeAll() ?? (await input.next());
      while (chunk !== undefined) {
        unused.push(chunk);
        if (ended) break;
        while (unused.length > 1 && unusedStart + unused[0]!.length <= inflater.bytesWritten)
          unusedStart += unused.shift()!.length;
        if (!inflater.write(chunk)) await once(inflater, 'drain', { signal: stopFeeding.signal });
        if (ended) break;
        chunk = await input.next();
      }
      // The input ended inside the deflate data: end the inflater, which then fails (unexpected end of file).
      if (!ended) inflater.end();
    } catch (error) {
      if (!stopFeeding.signal.aborted) failure ??= error;
    } finally {
      feeding = false;
      changed();
    }
  };
  const fed = feed();

  let crc = 0;
  let size = 0;
  try {
    while (true) {
      const chunk = inflater.read() as Buffer | null;
      if (chunk !== null) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
        continue;
      }
      if (failure !== undefined) throw asLogFileError(failure, file, start + inflater.bytesWritten, input.bytesIn);
      if (ended && !feeding) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    // On an early exit the feed may still wait for the source: it is not waited for (close() ends the source).
    stopFeeding.abort();
    inflater.destroy();
  }
  await fed; // done already: the loop ends only once the feed has
  // What the inflater did not use is what follows the deflate data: the trailer, and whatever comes next.
  const rest = Buffer.concat(unused).subarray(inflater.bytesWritten - unusedStart);
  input.putBack(rest, start + inflater.bytesWritten);
  return { crc, size };
}

/** The compressed bytes: chunks from the source, with a few put back or held for parsing a header. */
class CompressedInput {
  private readonly source: AsyncIterator<Buffer>;
  private done = false;
  /** A `next()` of the source is awaited. */
  private reading = false;
  /** Bytes taken from the source and not used yet; they start at `offset` in the file. */
  pending: Buffer = Buffer.alloc(0);
  offset = 0;
  /** Bytes taken from the source so far. */
  bytesIn = 0;

  constructor(source: AsyncIterable<Buffer>) {
    this.source = source[Symbol.asyncIterator]();
  }

  /** The source's next chunk, or undefined at its end. */
  async next(): Promise<Buffer | undefined> {
    if (this.done) return undefined;
    this.reading = true;
    let result: IteratorResult<Buffer>;
    try {
      result = await this.source.next();
    } finally {
      this.reading = false;
    }
    if (result.done) {
      this.done = true;
      return undefined;
    }
    this.bytesIn += result.value.length;
    return result.value;
  }

  /** Appends the next chunk to `pending`; false at the end of the source. */
  async more(): Promise<boolean> {
    const chunk = await this.next();
    if (chunk === undefined) return false;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    return true;
  }

  take(size: number): void {
    this.pending = this.pending.subarray(size);
    this.offset += size;
  }

  /** Hands over `pending` (when not empty) as the first of the chunks `next()` goes on with. */
  takeAll(): Buffer | undefined {
    const pending = this.pending;
    this.pending = Buffer.alloc(0);
    return pending.length > 0 ? pending : undefined;
  }

  putBack(bytes: Buffer, offset: number): void {
    this.pending = bytes;
    this.offset = offset;
  }

  /** Reads the source to its end without keeping it; returns how many bytes were left, `pending` included. */
  async drain(): Promise<number> {
    let length = this.pending.length;
    this.pending = Buffer.alloc(0);
    for (let chunk = await this.next(); chunk !== undefined; chunk = await this.next()) length += chunk.length;
    return length;
  }

  /** Stopped early (an error, or the caller broke off): let the source release its resources. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    // A source in the middle of a read (the feed's, left behind on an error) is told to stop, not waited for.
    const returned = this.source.return?.();
    if (this.reading) void returned?.catch(() => {});
    else await returned;
  }
}

const NEED_MORE = -1;
const INVALID = -2;

/** The size of the gzip member header (RFC 1952, 2.3) at the start of `bytes`; NEED_MORE or INVALID. */
function gzipHeaderSize(bytes: Buffer): number {
  if (bytes.length < 10) return bytes.length >= 2 && !hasGzipMagic(bytes) ? INVALID : NEED_MORE;
  const flags = bytes[3]!;
  if (!hasGzipMagic(bytes) || bytes[2] !== 8 || (flags & 0xe0) !== 0) return INVALID;
  let at = 10;
  if (flags & 0x04) {
    // FEXTRA: a 2-byte length, then that many bytes.
    if (bytes.length < at + 2) return NEED_MORE;
    at += 2 + bytes.readUInt16LE(at);
  }
  for (const flag of [0x08, 0x10]) {
    // FNAME, FCOMMENT: zero-terminated.
    if (flags & flag) {
      if (at >= bytes.length) return NEED_MORE;
      const zero = bytes.indexOf(0, at);
      if (zero < 0) return NEED_MORE;
      at = zero + 1;
    }
  }
  if (flags & 0x02) at += 2; // FHCRC
  return at <= bytes.length ? at : NEED_MORE;
}

function corrupt(file: string, compressedOffset: number, detail: string, cause?: unknown): LogFileError {
  return new LogFileError(
    'CORRUPT_GZIP',
    { file, compressedOffset },
    detail,
    cause === undefined ? undefined : { cause },
  );
}

function truncated(file: string, compressedOffset: number, detail: string, cause?: unknown): LogFileError {
  return new LogFileError(
    'TRUNCATED_GZIP',
    { file, compressedOffset },
    detail,
    cause === undefined ? undefined : { cause },
  );
}

function asLogFileError(error: unknown, file: string, usedOffset: number, bytesIn: number): unknown {
  if (error instanceof LogFileError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'Z_BUF_ERROR') return truncated(file, bytesIn, `gzip data ends early (${message})`, error);
  if (typeof code === 'string' && code.startsWith('Z_'))
    return corrupt(file, usedOffset, `gzip data is corrupt (${message})`, error);
  return error;
}
