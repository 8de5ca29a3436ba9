// Encoded index events and the slab their bytes come from: a block is used again once every event in it is released,
// never while one is held.
import { describe, expect, it } from 'vitest';
import { ByteSlab, encodeIndexEvent, releaseEvents } from '../shared/index/encoded-event.js';
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
});
