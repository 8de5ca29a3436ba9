// Index events held as the bytes the PutLogEvents body carries, outside the JavaScript heap: the message as a JSON
// string literal (quotes included), UTF-8, written once when the event is made. The request body is then a copy of
// those bytes in batch order (request-body.ts), with no JSON.stringify of the batch and no string of the message on
// the heap for the garbage collector to move. `message` is still there for whoever asks (tests, a mocked SDK
// client): decoded from the literal on first use.
import type { IndexEvent, TrimInfo } from './types.js';

export class EncodedIndexEvent implements IndexEvent {
  private decoded: string | undefined;
  private block: SlabBlock | null = null;

  constructor(
    readonly timestamp: number,
    readonly eventID: string | null,
    /** UTF-8 bytes of the message (not of the literal). */
    readonly bytes: number,
    /**
     * The buffer holding the message as a JSON string literal, UTF-8 (exactly what JSON.stringify(message) encodes
     * to), at [jsonStart, jsonStart + jsonLength). A range rather than a view of its own: the event lives until its
     * batch is written, so anything it holds outlives the young generation and waits for a full garbage collection;
     * a view per event was the largest such object (a sampling heap profile of `indexer-handler-all` on the 1 GB file,
     * docs/performance-notes.md "Session 7, indexrss").
     */
    readonly source: Buffer,
    readonly jsonStart: number,
    readonly jsonLength: number,
    readonly trimmed: TrimInfo | null = null,
    /** The slab block the literal lies in, released with the event. */
    block: SlabBlock | null = null,
  ) {
    this.block = block;
  }

  /** The literal, as a view made when asked (the request body copies it with copyJson instead). */
  get json(): Buffer {
    return this.source.subarray(this.jsonStart, this.jsonStart + this.jsonLength);
  }

  /** Copies the literal into `target` at `at`; returns its length. */
  copyJson(target: Buffer, at: number): number {
    return this.source.copy(target, at, this.jsonStart, this.jsonStart + this.jsonLength);
  }

  get message(): string {
    this.decoded ??= JSON.parse(
      this.source.toString('utf8', this.jsonStart, this.jsonStart + this.jsonLength),
    ) as string;
    return this.decoded;
  }

  /**
   * Done with: its bytes may be handed out again (the slab reuses a block once every event in it is released) or
   * freed (BlockPool.put, freeBuffer: its literal then reads as empty). Called once the event's batch is written,
   * or when the event is left out; the event is not read afterwards.
   */
  release(): void {
    if (this.block) releaseBlock(this.block);
    this.block = null;
  }
}

/** Releases the encoded ones among `events` (EncodedIndexEvent.release). */
export function releaseEvents(events: readonly IndexEvent[]): void {
  for (const event of events) if (event instanceof EncodedIndexEvent) event.release();
}

/** An IndexEvent whose message is a string (toIndexEvent's) as an EncodedIndexEvent, its literal in `slab`. */
export function encodeIndexEvent(event: IndexEvent, slab: ByteSlab): EncodedIndexEvent {
  if (event instanceof EncodedIndexEvent) return event;
  const literal = JSON.stringify(event.message);
  const size = Buffer.byteLength(literal, 'utf8');
  const block = slab.take(size);
  const at = block.used - size;
  block.buffer.write(literal, at, size, 'utf8');
  return new EncodedIndexEvent(
    event.timestamp,
    event.eventID,
    event.bytes,
    block.buffer,
    at,
    size,
    event.trimmed,
    block,
  );
}

/**
 * The event whose literal is `head` (its opening quote and what the message starts with, already escaped; `headBytes`
 * of UTF-8), then the escaped bytes `escaped[from, to)`, then the closing quote, written into `slab`: how the fast
 * paths (record-encoder.ts, scanned-event-encoder.ts) build an event from their escape loop's output.
 */
export function escapedLiteralEvent(
  slab: ByteSlab,
  head: string,
  headBytes: number,
  escaped: Buffer,
  from: number,
  to: number,
  event: Pick<IndexEvent, 'timestamp' | 'eventID' | 'bytes'>,
): EncodedIndexEvent {
  const size = headBytes + (to - from) + 1;
  const block = slab.take(size);
  const at = block.used - size;
  block.buffer.write(head, at, headBytes, 'utf8');
  escaped.copy(block.buffer, at + headBytes, from, to);
  block.buffer[at + size - 1] = 0x22; // "
  return new EncodedIndexEvent(event.timestamp, event.eventID, event.bytes, block.buffer, at, size, null, block);
}

/**
 * Hands out byte ranges of 1 MiB blocks, as Buffer's own pool does for small buffers (allocUnsafe): one allocation
 * per block rather than one per event. A block whose events are all released (EncodedIndexEvent.release, after their
 * batch is written) goes back to the slab's BlockPool and is used again, so the memory the index holds is what its
 * open batches and writes hold, without the released blocks that would otherwise wait for a full garbage collection
 * (their buffers outlive the young generation). A request larger than a quarter of a block gets a buffer of its own,
 * freed as soon as its event is released.
 */
export class ByteSlab {
  private current: SlabBlock;

  constructor(
    readonly blockSize = 1 << 20,
    /** Where released blocks wait for reuse: the slabs of one file share one (index-scan.ts). */
    readonly pool = new BlockPool(blockSize),
  ) {
    if (pool.blockSize !== blockSize) throw new RangeError(`a pool of ${pool.blockSize}-byte blocks for ${blockSize}`);
    this.current = this.newBlock();
  }

  /** The released blocks waiting for reuse (the pool's: shared with the other slabs of the pool). */
  get spare(): readonly Buffer[] {
    return this.pool.spare;
  }

  /**
   * `size` bytes: the block returned holds them at [block.used - size, block.used) of its buffer. Release it with
   * the event.
   */
  take(size: number): SlabBlock {
    if (size > this.blockSize >> 2) {
      // Its own buffer, as a block of one event that is retired already: freed when the event is released.
      return { slab: this, buffer: Buffer.allocUnsafeSlow(size), used: size, refs: 1, retired: true, own: true };
    }
    let block = this.current;
    if (block.used + size > block.buffer.length) {
      block.retired = true;
      if (block.refs === 0) this.pool.put(block.buffer);
      block = this.current = this.newBlock();
    }
    block.used += size;
    block.refs++;
    return block;
  }

  private newBlock(): SlabBlock {
    return { slab: this, buffer: this.pool.get(), used: 0, refs: 0, retired: false, own: false };
  }
}

/**
 * Released slab blocks kept for reuse, up to `maxSpare` of them; one released beyond that is freed at once
 * (freeBuffer) rather than left to the garbage collector.
 */
export class BlockPool {
  readonly spare: Buffer[] = [];

  constructor(
    readonly blockSize: number,
    readonly maxSpare = DEFAULT_MAX_SPARE_BLOCKS,
  ) {}

  get(): Buffer {
    return this.spare.pop() ?? Buffer.allocUnsafeSlow(this.blockSize);
  }

  put(buffer: Buffer): void {
    if (this.spare.length < this.maxSpare) this.spare.push(buffer);
    else freeBuffer(buffer);
  }
}

const DEFAULT_MAX_SPARE_BLOCKS = 4;

/**
 * Gives the memory of a buffer of its own (Buffer.allocUnsafeSlow) back now, not at the next full garbage
 * collection: its ArrayBuffer is detached (transfer to a new one of length 0), which frees its bytes at once. Every
 * view of it (the events' `json`) then has length 0: only for a buffer no event still holds.
 */
export function freeBuffer(buffer: Buffer): void {
  const whole = buffer.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (buffer.byteOffset === 0 && buffer.byteLength === whole.byteLength) whole.transfer?.(0);
}

export interface SlabBlock {
  slab: ByteSlab;
  buffer: Buffer;
  used: number;
  /** Events holding bytes of it, not yet released. */
  refs: number;
  /** No longer the block handed out from. */
  retired: boolean;
  /** A buffer of one event's own (not the pool's): freed, not reused, when released. */
  own: boolean;
}

function releaseBlock(block: SlabBlock): void {
  block.refs--;
  if (block.refs > 0 || !block.retired) return;
  if (block.own) freeBuffer(block.buffer);
  else block.slab.pool.put(block.buffer);
}
