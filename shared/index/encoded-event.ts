// Index events held as the bytes the PutLogEvents body carries, outside the JavaScript heap: the message as a JSON
// string literal (quotes included), UTF-8, written once when the event is made. The request body is then a copy of
// those bytes in batch order (request-body.ts), with no JSON.stringify of the batch and no string of the message on
// the heap for the garbage collector to move. `message` is still there for whoever asks (tests, a mocked SDK
// client): decoded from the literal on first use.
import type { IndexEvent, TrimInfo } from './types.js';

export class EncodedIndexEvent implements IndexEvent {
  private decoded: string | undefined;

  constructor(
    readonly timestamp: number,
    readonly eventID: string | null,
    /** UTF-8 bytes of the message (not of the literal). */
    readonly bytes: number,
    /** The message as a JSON string literal, UTF-8: exactly what JSON.stringify(message) encodes to. */
    readonly json: Buffer,
    readonly trimmed: TrimInfo | null = null,
  ) {}

  get message(): string {
    this.decoded ??= JSON.parse(this.json.toString('utf8')) as string;
    return this.decoded;
  }
}

/** An IndexEvent whose message is a string (toIndexEvent's) as an EncodedIndexEvent, its literal in `slab`. */
export function encodeIndexEvent(event: IndexEvent, slab: ByteSlab): EncodedIndexEvent {
  if (event instanceof EncodedIndexEvent) return event;
  const literal = JSON.stringify(event.message);
  const json = slab.take(Buffer.byteLength(literal, 'utf8'));
  json.write(literal, 0, 'utf8');
  return new EncodedIndexEvent(event.timestamp, event.eventID, event.bytes, json, event.trimmed);
}

/**
 * Hands out byte ranges of 1 MiB blocks, as Buffer's own pool does for small buffers (allocUnsafe): one allocation
 * per block rather than one per event. A block is freed when no event in it is referenced any more; events leave in
 * roughly the order they came (batches are written as they fill), so few blocks are held beyond the open batches.
 * A request larger than a quarter of a block gets a buffer of its own.
 */
export class ByteSlab {
  private block: Buffer;
  private used = 0;

  constructor(private readonly blockSize = 1 << 20) {
    this.block = Buffer.allocUnsafeSlow(blockSize);
  }

  take(size: number): Buffer {
    if (size > this.blockSize >> 2) return Buffer.allocUnsafeSlow(size);
    if (this.used + size > this.block.length) {
      this.block = Buffer.allocUnsafeSlow(this.blockSize);
      this.used = 0;
    }
    const taken = this.block.subarray(this.used, this.used + size);
    this.used += size;
    return taken;
  }
}
