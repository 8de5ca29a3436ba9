// Small text helpers of the alert emails.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../shared/render/plain-text.js';

describe('formatCount', () => {
  it('groups digits as en-US does, for any whole number', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, 999, 1000, -1000, Number.MAX_SAFE_INTEGER)),
        (n) => {
          expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
        },
      ),
    );
  });

  it('leaves other numbers to toLocaleString', () => {
    expect(formatCount(1234.5)).toBe('1,234.5');
  });
});
