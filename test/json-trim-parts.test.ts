// trimmedParts lists the markers a trimmed record holds (the email's "Trimmed to fit" note). It writes a path out only
// for a marker it finds; the spec below is the walk before that change, which wrote one for every node. They must
// agree on any JSON value, markers anywhere in it, with the same paths, sizes, order and limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../shared/cloudtrail.js';
import { trimmedParts, trimMarker, type TrimmedPart } from '../shared/render/json-trim.js';

const SPEC_MARKER = /^\[trimmed by trailwatch: ([\d,]+) bytes(?: [^\]]*)?\]$/;

function specTrimmedParts(value: JsonValue, limit = 20): TrimmedPart[] {
  const parts: TrimmedPart[] = [];
  const visit = (node: JsonValue, path: string): void => {
    if (parts.length >= limit) return;
    const match = typeof node === 'string' ? SPEC_MARKER.exec(node) : null;
    const bytes = match?.[1] ? Number(match[1].replaceAll(',', '')) : null;
    if (bytes !== null) {
      parts.push({ path: path || '(the record)', bytes });
    } else if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) visit(child, `${path}[${i}]`);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) visit(child, path ? `${path}.${key}` : key);
    }
  };
  visit(value, '');
  return parts;
}

/** Markers as the trimmer and the depth cap write them, and strings that only look like one. */
const markerish = fc.oneof(
  fc.nat({ max: 5_000_000 }).map(trimMarker),
  fc.nat().map((n) => `[trimmed by trailwatch: ${n} bytes nested deeper than 64 levels]`),
  fc.constantFrom(
    '[trimmed by trailwatch: 12 bytes',
    '[trimmed by trailwatch: x bytes]',
    ' [trimmed by trailwatch: 1 bytes]',
    '[',
  ),
);
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('', '__proto__', '0', '12', 'a.b', 'x[0]'));
const { json } = fc.letrec<{ json: JsonValue }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    ),
    markerish,
    fc.array(tie('json'), { maxLength: 5 }),
    // JSON.parse makes `__proto__` an own member; so does this (fc.dictionary would assign it).
    fc
      .array(fc.tuple(key, tie('json')), { maxLength: 5 })
      .map((entries) => JSON.parse(JSON.stringify(Object.fromEntries(entries))) as JsonValue),
  ),
}));

describe('trimmedParts', () => {
  it('finds the same markers at the same paths as a walk that writes every path, for any JSON value', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 25 }), (value, limit) => {
        expect(trimmedParts(value, limit)).toEqual(specTrimmedParts(value, limit));
        expect(trimmedParts(value)).toEqual(specTrimmedParts(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('names a marker by its path, and the record itself when the record is one', () => {
    const record: JsonValue = {
      responseElements: { dBInstances: [{}, { tagList: trimMarker(4_096) }] },
      '': { a: trimMarker(300) },
    };
    expect(trimmedParts(record)).toEqual([
      { path: 'responseElements.dBInstances[1].tagList', bytes: 4096 },
      { path: 'a', bytes: 300 },
    ]);
    expect(trimmedParts(trimMarker(9))).toEqual([{ path: '(the record)', bytes: 9 }]);
  });
});
