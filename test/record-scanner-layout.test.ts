// The WebAssembly kernel restates the splitter's numbers (AssemblyScript cannot import TypeScript):
// shared/reader/wasm/layout.as.ts (memory offsets, state vector and table fields, splitter states) and the
// grammar and byte numbers of wasm/json-grammar.as.ts. A number that differs on one side only would have the
// kernel and the splitter read each other's memory wrongly; these tests hold every restated number against
// the TypeScript one it restates.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as jsonBytes from '../shared/reader/json-bytes.js';
import * as grammar from '../shared/reader/json-grammar.js';
import * as scan from '../shared/reader/record-scan.js';
import { KERNEL_OFFSETS } from '../shared/reader/wasm/record-scanner.js';

const WASM_DIR = path.join(import.meta.dirname, '..', 'shared', 'reader', 'wasm');

/**
 * The values of a .as.ts file's `export const NAME: i32 = EXPRESSION;` lines, evaluated in order as JavaScript
 * (each may use the ones before it: `TOKENS = TABLE + ...`), so the test reads the numbers the compiler reads.
 * Fails when an `export const` is not in that one-line form, rather than skip it.
 */
function asConstants(file: string): Record<string, number> {
  const text = readFileSync(path.join(WASM_DIR, file), 'utf8');
  const declarations = text.match(/^export const .*$/gm) ?? [];
  const names: string[] = [];
  const statements = declarations.map((line) => {
    const m = /^export const ([A-Z][A-Z0-9_]*): i32 = ([^;]+);(\s*\/\/.*)?$/.exec(line);
    if (!m) throw new Error(`${file}: not a one-line i32 constant: ${line}`);
    names.push(m[1] as string);
    return `const ${m[1]} = ${m[2]};`;
  });
  const values = runInNewContext(`${statements.join('\n')}\n({ ${names.join(', ')} })`) as Record<string, number>;
  // AssemblyScript's i32 arithmetic wraps; JavaScript's shifts already give i32, this makes sums do too.
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value | 0]));
}

/** ScanField.inString -> S_IN_STRING, ScanEntry.skippedBefore -> E_SKIPPED_BEFORE. */
const constantName = (prefix: string, field: string): string =>
  `${prefix}${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

const prefixed = (prefix: string, fields: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(fields).map(([field, value]) => [constantName(prefix, field), value]));

describe('the kernel restates the splitter numbers exactly (wasm/layout.as.ts)', () => {
  const layout = asConstants('layout.as.ts');

  it('has each number of record-scan.ts, json-grammar.ts and record-scanner.ts, and no number of its own', () => {
    // Both ways: a number missing from layout.as.ts, or one there that the TypeScript side lacks, fails too.
    expect(layout).toEqual({
      WINDOW: scan.SCANNER_WINDOW,
      TABLE_CAPACITY: scan.SCANNER_TABLE_CAPACITY,
      ENTRY_FIELDS: scan.SCANNER_ENTRY_FIELDS,
      TOKENS_UNKNOWN: scan.SCANNER_TOKENS_UNKNOWN,
      MAX_DEPTH: grammar.MAX_DEPTH,
      ...KERNEL_OFFSETS,
      ...prefixed('S_', scan.ScanField),
      ...prefixed('E_', scan.ScanEntry),
      ARRAY_FIRST_ELEMENT: scan.ARRAY_FIRST_ELEMENT,
      ARRAY_ELEMENT: scan.ARRAY_ELEMENT,
      ARRAY_AFTER_ELEMENT: scan.ARRAY_AFTER_ELEMENT,
      IN_RECORD: scan.IN_RECORD,
    });
  });

  it('keeps the state vector and table fields within their sizes, and the memory regions apart', () => {
    const at = (name: string): number => layout[name] ?? Number.NaN;
    const fields = (prefix: string) =>
      Object.keys(layout)
        .filter((name) => name.startsWith(prefix))
        .map(at);
    expect(Math.max(...fields('S_'))).toBeLessThan(scan.SCANNER_STATE_FIELDS);
    expect(Math.max(...fields('E_'))).toBeLessThan(scan.SCANNER_ENTRY_FIELDS);
    expect(at('STATE') + scan.SCANNER_STATE_FIELDS * 4).toBeLessThanOrEqual(at('WANTED'));
    expect(at('TABLE') + scan.SCANNER_TABLE_CAPACITY * scan.SCANNER_ENTRY_FIELDS * 4).toBeLessThanOrEqual(at('TOKENS'));
    expect(at('LEVELS') + scan.SCANNER_LEVELS_BYTES).toBeLessThanOrEqual(at('SURE'));
  });
});

describe('the kernel restates the JSON grammar numbers exactly (wasm/json-grammar.as.ts)', () => {
  const kernel = asConstants('json-grammar.as.ts');

  it('has the byte values of json-bytes.ts and the grammar states json-grammar.ts exports', () => {
    const exported = { ...jsonBytes, ...grammar } as Record<string, unknown>;
    const shared = Object.keys(kernel).filter((name) => typeof exported[name] === 'number');
    // Every byte constant and every exported grammar state is restated (the number DFA's states are private to
    // json-grammar.ts; the engine-equivalence tests cover those).
    expect(shared.length).toBeGreaterThanOrEqual(16);
    expect(Object.fromEntries(shared.map((name) => [name, kernel[name]]))).toEqual(
      Object.fromEntries(shared.map((name) => [name, exported[name]])),
    );
  });
});
