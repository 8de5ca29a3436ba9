// Sniffing a file's kind reads the top-level keys of its first 64 KB of JSON, jumping over values (strings with
// escapes, nesting) rather than walking them char by char: for any JSON object, whole or cut anywhere, the keys found
// are the object's own, in order, as far as the text goes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topLevelKeys } from '../cli/inputs/sniff.js';

/** Objects whose values hold what a value skipper can trip on: quotes, backslashes, brackets and commas in strings. */
const trickyString = fc.string({ unit: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', 'a', ' ', 'é') });
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    trickyString,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const object = fc.dictionary(trickyString, value, { minKeys: 1, maxKeys: 6 });

describe('topLevelKeys', () => {
  it("finds a whole object's keys in order, however its values are written", () => {
    fc.assert(
      fc.property(object, fc.boolean(), (record, pretty) => {
        const text = pretty ? JSON.stringify(record, null, 2) : JSON.stringify(record);
        expect(topLevelKeys(text)).toEqual({ keys: Object.keys(record), complete: true });
      }),
    );
  });

  it('finds the keys before the cut of an object cut anywhere, and says it is incomplete', () => {
    fc.assert(
      fc.property(object, fc.nat(), (record, at) => {
        const whole = JSON.stringify(record);
        const cut = whole.slice(0, 1 + (at % (whole.length - 1)));
        const found = topLevelKeys(cut);
        if (found === undefined || found === 'not-object') throw new Error(`cut JSON read as ${found}: ${cut}`);
        expect(found.complete).toBe(false);
        expect(Object.keys(record).slice(0, found.keys.length)).toEqual(found.keys);
        // Every key whose value ended before the cut was found.
        const ended = Object.keys(record).filter((_, n) => {
          const upTo = JSON.stringify(Object.fromEntries(Object.entries(record).slice(0, n + 1)));
          return upTo.length - 1 < cut.length;
        });
        expect(found.keys.length).toBeGreaterThanOrEqual(ended.length);
      }),
    );
  });
});
