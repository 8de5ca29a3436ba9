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
    /** The message as a JSON string literal, UTF-8: exactly what JSON.stringify(message) encodes to. */
    readonly json: Buffer,
    readonly trimmed: TrimInfo | null = null,
    /** The slab block `json` lies in, released with the event. */
    block: SlabBlock | null = null,
  ) {
    this.block = block;
  }

  get message(): string {
    this.decoded ??= JSON.parse(this.json.toString('utf8')) as string;
    return this.decoded;
  }

  /**
   * Done with: its bytes may be handed out again (the slab reuses a block once every event in it is released).
   * Called once the event's batch is written, or when the event is left out; the event is not read afterwards.
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
  const { bytes: json, block } = slab.take(Buffer.byteLength(literal, 'utf8'));
  json.write(literal, 0, 'utf8');
  return new EncodedIndexEvent(event.timestamp, event.eventID, event.bytes, json, event.trimmed, block);
}

/**
 * Hands out byte ranges of 1 MiB blocks, as Buffer's own pool does for small buffers (allocUnsafe): one allocation
 * per block rather than one per event. A block whose events are all released (EncodedIndexEvent.release, after their
 * batch is written) is used again, so the memory the index holds is what its open batches and writes hold, without
 * the released blocks that would otherwise wait for a full garbage collection (their buffers outlive the young
 * generation). A request larger than a quarter of a block gets a buffer of its own.
 */
export class ByteSlab {
  private current: SlabBlock;
  /** Blocks whose events are all released, for reuse. */
  readonly spare: Buffer[] = [];

  constructor(readonly blockSize = 1 << 20) {
    this.current = this.newBlock();
  }

  /** `size` bytes, and the block they lie in (null for a buffer of their own): release it with the event. */
  take(size: number): { bytes: Buffer; block: SlabBlock | null } {
    if (size > this.blockSize >> 2) return { bytes: Buffer.allocUnsafeSlow(size), block: null };
    let block = this.current;
    if (block.used + size > block.buffer.length) {
      block.retired = true;
      if (block.refs === 0) this.recycle(block.buffer);
      block = this.current = this.newBlock();
    }
    const taken = block.buffer.subarray(block.used, block.used + size);
    block.used += size;
    block.refs++;
    return { bytes: taken, block };
  }

  /** A released block's buffer, kept for reuse (a few: past that the garbage collector has it). */
  recycle(buffer: Buffer): void {
    if (this.spare.length < MAX_SPARE_BLOCKS) this.spare.push(buffer);
  }

  private newBlock(): SlabBlock {
    return {
      slab: this,
      buffer: this.spare.pop() ?? Buffer.allocUnsafeSlow(this.blockSize),
      used: 0,
      refs: 0,
      retired: false,
    };
  }
}

const MAX_SPARE_BLOCKS = 4;

export interface SlabBlock {
  slab: ByteSlab;
  buffer: Buffer;
  used: number;
  /** Events holding bytes of it, not yet released. */
  refs: number;
  /** No longer the block handed out from. */
  retired: boolean;
}

function releaseBlock(block: SlabBlock): void {
  block.refs--;
  if (block.refs === 0 && block.retired) block.slab.recycle(block.buffer);
}
