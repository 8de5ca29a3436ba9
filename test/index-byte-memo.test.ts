// ByteMemo (shared/index/byte-memo.ts): a value remembered by bytes is found again for the same bytes and salt, and
// never for other bytes, whatever the hash does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteMemo } from '../shared/index/byte-memo.js';

/** A range of `bytes`, or absent (-1). */
type Range = [number, number];

describe('ByteMemo', () => {
  it('answers as a map keyed by the ranges’ bytes and the salt does', () => {
    // Few distinct byte values and short ranges, so that keys repeat and differ by little.
    const bytes = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((b) => Buffer.from(b.map((v) => v % 3)));
    const range = (length: number): fc.Arbitrary<Range> =>
      fc.oneof(
        fc.constant<Range>([-1, -1]),
        fc.tuple(fc.nat(length), fc.nat(length)).map(([a, b]): Range => [Math.min(a, b), Math.max(a, b)]),
      );
    fc.assert(
      fc.property(
        bytes.chain((b) =>
          fc.tuple(fc.constant(b), fc.array(fc.tuple(range(b.length), range(b.length), fc.nat(2)), { maxLength: 40 })),
        ),
        fc.integer({ min: 1, max: 8 }),
        ([buffer, keys], capacity) => {
          const memo = new ByteMemo<number>(capacity);
          const reference = new Map<string, number>();
          const keyOf = ([s1, e1]: Range, [s2, e2]: Range, salt: number) =>
            JSON.stringify([
              s1 < 0 ? null : [...buffer.subarray(s1, e1)],
              s2 < 0 ? null : [...buffer.subarray(s2, e2)],
              salt,
            ]);
          keys.forEach(([first, second, salt], k) => {
            const found = memo.find(buffer, first[0], first[1], second[0], second[1], salt);
            const expected = reference.get(keyOf(first, second, salt));
            // A memo may forget (capacity, a colliding hash), never answer for other bytes.
            if (found !== undefined) expect(found).toBe(expected);
            if (found === undefined) {
              memo.keep(buffer, first[0], first[1], second[0], second[1], salt, k);
              reference.set(keyOf(first, second, salt), k);
            }
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds what it kept for the same bytes elsewhere', () => {
    const memo = new ByteMemo<string>();
    const bytes = Buffer.from('{"a":"x"}{"a":"x"}');
    expect(memo.find(bytes, 5, 8, -1, -1, 0)).toBeUndefined();
    memo.keep(bytes, 5, 8, -1, -1, 0, 'kept');
    expect(memo.find(bytes, 14, 17, -1, -1, 0)).toBe('kept');
    expect(memo.find(bytes, 14, 17, -1, -1, 1)).toBeUndefined();
    expect(memo.find(bytes, 14, 17, 5, 8, 0)).toBeUndefined();
  });
});
