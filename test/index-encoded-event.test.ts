// Encoded index events and the slab their bytes come from: a block is used again once every event in it is released,
// never while one is held.
import { describe, expect, it } from 'vitest';
import { BlockPool, ByteSlab, encodeIndexEvent, freeBuffer, releaseEvents } from '../shared/index/encoded-event.js';
import type { IndexEvent } from '../shared/index/index.js';

function event(message: string): IndexEvent {
  return { timestamp: 1, message, eventID: null, bytes: Buffer.byteLength(message), trimmed: null };
}

describe('encoded index events', () => {
  it('hold the JSON literal of their message, and decode it when asked', () => {
    const encoded = encodeIndexEvent(event('{"a":"é \\"q\\""}'), new ByteSlab(64));
    expect(encoded.json.toString('utf8')).toBe(JSON.stringify('{"a":"é \\"q\\""}'));
    expect(encoded.message).toBe('{"a":"é \\"q\\""}');
  });

  it('reuse a block once all its events are released, and keep the bytes of those still held', () => {
    // Literals of 16 bytes (a 14-character message and its quotes): four to a block of 64.
    const slab = new ByteSlab(64);
    const message = (c: string, i = 0) => `${c.repeat(13)}${i}`;
    const first = [0, 1, 2].map((i) => encodeIndexEvent(event(message('a', i)), slab));
    const held = encodeIndexEvent(event(message('b')), slab);
    expect(held.json.buffer).toBe(first[0]?.json.buffer);
    // The block is full: the next event starts a new one.
    const second = encodeIndexEvent(event(message('c')), slab);
    expect(second.json.buffer).not.toBe(held.json.buffer);
    releaseEvents(first);
    expect(slab.spare).toHaveLength(0);
    releaseEvents([held]);
    expect(slab.spare).toHaveLength(1);
    expect(slab.spare[0]?.buffer).toBe(held.json.buffer);
    // Filling the second block hands out the first one again; the event still held keeps its bytes.
    const more = Array.from({ length: 4 }, (_, i) => encodeIndexEvent(event(message('d', i)), slab));
    expect(more[3]?.json.buffer).toBe(held.json.buffer);
    expect(second.message).toBe(message('c'));
    expect(more.map((e) => e.message)).toEqual([0, 1, 2, 3].map((i) => message('d', i)));
  });

  it('give a large message a buffer of its own', () => {
    const slab = new ByteSlab(64);
    const large = encodeIndexEvent(event('x'.repeat(40)), slab);
    const small = encodeIndexEvent(event('y'), slab);
    expect(large.json.buffer).not.toBe(small.json.buffer);
    expect(large.message).toBe('x'.repeat(40));
  });

  it('copy their literal from where it lies, as the view `json` shows it', () => {
    const slab = new ByteSlab(64);
    const events = ['a', 'é "q"', 'c'].map((m) => encodeIndexEvent(event(m), slab));
    for (const e of events) {
      const target = Buffer.alloc(e.jsonLength + 2, 0x2a);
      expect(e.copyJson(target, 1)).toBe(e.jsonLength);
      expect(target.subarray(1, -1).equals(e.json)).toBe(true);
      expect(target[0]).toBe(0x2a);
      expect(target.at(-1)).toBe(0x2a);
      expect(e.json.toString('utf8')).toBe(JSON.stringify(e.message));
    }
  });

  it('share one pool between slabs: a block one slab released serves another', () => {
    const pool = new BlockPool(64, 2);
    const [one, two] = [new ByteSlab(64, pool), new ByteSlab(64, pool)];
    const message = (c: string) => c.repeat(14);
    const first = [0, 1, 2, 3].map(() => encodeIndexEvent(event(message('a')), one));
    encodeIndexEvent(event(message('b')), one); // the block is full: `one` retires it
    releaseEvents(first);
    expect(pool.spare).toHaveLength(1);
    expect(one.spare).toBe(pool.spare);
    const block = first[0]!.json.buffer;
    // `two` fills its first block and takes the next from the pool: the one `one` gave back.
    const taken = [0, 1, 2, 3, 4].map(() => encodeIndexEvent(event(message('c')), two));
    expect(taken[4]!.json.buffer).toBe(block);
    expect(taken[4]!.message).toBe(message('c'));
    expect(() => new ByteSlab(32, pool)).toThrow(RangeError);
  });

  it("free a block released beyond the pool's spares at once, and keep the spares whole", () => {
    const pool = new BlockPool(64, 1);
    const slab = new ByteSlab(64, pool);
    const message = (c: string) => c.repeat(14);
    // Three full blocks of four events each, and a fourth block started.
    const blocks = [0, 1, 2].map((i) => [0, 1, 2, 3].map(() => encodeIndexEvent(event(message(String(i))), slab)));
    encodeIndexEvent(event(message('x')), slab);
    const buffers = blocks.map((b) => b[0]!.json.buffer as ArrayBuffer);
    for (const b of blocks) releaseEvents(b);
    expect(pool.spare).toHaveLength(1);
    expect(pool.spare[0]?.buffer).toBe(buffers[0]);
    expect(buffers[0]!.byteLength).toBe(64);
    // The others were detached: their memory is given back now, not at the next full garbage collection.
    expect(buffers.slice(1).map((b) => b.byteLength)).toEqual([0, 0]);
  });

  it("free a large message's own buffer when it is released, and only then", () => {
    const slab = new ByteSlab(64);
    const large = encodeIndexEvent(event('x'.repeat(40)), slab);
    const buffer = large.json.buffer as ArrayBuffer;
    expect(buffer.byteLength).toBe(42);
    expect(large.message).toBe('x'.repeat(40));
    releaseEvents([large]);
    expect(buffer.byteLength).toBe(0);
    expect(slab.spare).toHaveLength(0);
  });

  it('never free a buffer that is a part of a larger one', () => {
    const whole = Buffer.allocUnsafeSlow(32);
    freeBuffer(whole.subarray(0, 16));
    expect(whole.buffer.byteLength).toBe(32);
    const pooled = Buffer.from('small'); // Buffer's own pool
    freeBuffer(pooled);
    expect(pooled.toString()).toBe('small');
  });
});
