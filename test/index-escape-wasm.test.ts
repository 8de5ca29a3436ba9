// The index encoder's byte loop as WebAssembly (shared/index/wasm/record-escape.as.ts) against the TypeScript loop it
// replaces (shared/index/record-escape-typescript.ts): the same bytes out, the same result and the same member spans,
// whatever the bytes in. test/index-fast-path.test.ts checks the events built with it against parsing every record.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordEscaper } from '../shared/index/record-escape.js';
import { typescriptRecordEscaper } from '../shared/index/record-escape-typescript.js';
import { wasmRecordEscaper } from '../shared/index/wasm/record-escape.js';
import { recordBytes } from './helpers/record-bytes.js';

const NAMES = ['eventTime', 'eventSource', 'eventName', 'eventID', 'userIdentity', 'trailwatch'].map((n) =>
  Buffer.from(n, 'latin1'),
);
const REFUSED = 5;

function wasmEscaper(): RecordEscaper {
  const escaper = wasmRecordEscaper(NAMES, REFUSED);
  if (!escaper) throw new Error('no WebAssembly SIMD in this runtime');
  return escaper;
}

/** What an escaper makes of `bytes[start..end)`: its result, its bytes and spans when it succeeds. */
function outcome(escaper: RecordEscaper, bytes: Uint8Array, start = 0, end = bytes.length) {
  const written = escaper.escape(bytes, start, end);
  if (written < 0) return { written };
  return {
    written,
    output: escaper.output.toString('latin1', escaper.outputAt, escaper.outputAt + written),
    spans: [...escaper.spans],
  };
}

describe('the WebAssembly record escaper', () => {
  const wasm = wasmEscaper();
  const reference = typescriptRecordEscaper(NAMES, REFUSED);

  it('is what its source compiles to', () => {
    const check = spawnSync(process.execPath, ['scripts/build-index-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('escapes a record as JSON.stringify escapes its text, and notes its members', () => {
    const text = '{"eventTime":"t","a":{"eventID":1},\n"eventID" : "x\\"y" ,"eventName":[1,"é"]}';
    const bytes = Buffer.from(text);
    const result = outcome(wasm, bytes);
    expect(Buffer.from(result.output ?? '', 'latin1').toString('utf8')).toBe(JSON.stringify(text).slice(1, -1));
    const span = (k: number) => bytes.toString('utf8', result.spans?.[2 * k], result.spans?.[2 * k + 1]);
    expect([span(0), span(3), span(2)]).toEqual(['"t"', ' "x\\"y" ', '[1,"é"]']);
    expect(result.spans?.slice(2, 4)).toEqual([-1, -1]);
  });

  it.each([
    ['an unterminated string', '{"a":"x'],
    ['a raw control character in a string', '{"a":"x\u0001"}'],
    ['an invalid escape', '{"a":"\\q"}'],
    ['a short \\u escape', '{"a":"\\u12"}'],
    ['an escaped top-level key', '{"event\\u0049D":"x"}'],
    ['the refused key', '{"trailwatch":1}'],
    ['a control character outside strings', '{"a":\u00011}'],
    ['unbalanced nesting', '{"a":[1}'],
  ])('fails %s, as the TypeScript loop does', (_, text) => {
    const bytes = Buffer.from(text);
    expect(outcome(wasm, bytes).written).toBe(-1);
    expect(outcome(reference, bytes).written).toBe(-1);
  });

  it('agrees with the TypeScript loop on any bytes', () => {
    // Bytes biased to the ones the loop treats apart, so that strings, escapes and nesting occur often.
    const byte = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x0a, 0x0d, 0x09) },
      { weight: 1, arbitrary: fc.constantFrom(0x75, 0x6e, 0x2f, 0x30, 0x61, 0x46, 0x00, 0x1f, 0x20, 0x21, 0x23) },
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 200 }), fc.nat(8), fc.boolean(), (values, offset, plain) => {
        // Somewhere inside a larger buffer, as the reader's chunks hold records; a Buffer or a plain Uint8Array.
        const buffer = Buffer.concat([Buffer.alloc(offset, 0x20), Buffer.from(values), Buffer.from('"}')]);
        const bytes = plain ? new Uint8Array(buffer) : buffer;
        const end = offset + values.length;
        expect(outcome(wasm, bytes, offset, end)).toEqual(outcome(reference, bytes, offset, end));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the TypeScript loop on records of every shape', () => {
    fc.assert(
      fc.property(recordBytes({ names: NAMES.map((n) => n.toString('latin1')) }), fc.nat(40), (bytes, cut) => {
        expect(outcome(wasm, bytes)).toEqual(outcome(reference, bytes));
        // And on every prefix and suffix of them: strings and escapes cut anywhere, at any 16-byte phase.
        const at = Math.min(cut, bytes.length);
        expect(outcome(wasm, bytes, 0, bytes.length - at)).toEqual(outcome(reference, bytes, 0, bytes.length - at));
        expect(outcome(wasm, bytes, at)).toEqual(outcome(reference, bytes, at));
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees with the TypeScript loop on huge records, one after another in the same memory', () => {
    for (const size of [70_000, 3_000_000, 1_000]) {
      const body = 'aé😀\\"\\\\b'
        .repeat(Math.ceil(size / 12))
        .slice(0, size)
        .replace(/\\$/, '');
      const bytes = Buffer.from(`{"eventID":"${body}","eventName":"x","n":[${'1,'.repeat(size / 100)}2]}`);
      const result = outcome(wasm, bytes);
      expect(result.written).toBeGreaterThan(bytes.length);
      expect(result).toEqual(outcome(reference, bytes));
    }
  });
});
