// The WebAssembly kernel takes `true`, `false` and `null` four or five bytes at a time when the window holds
// them whole, and the byte after a string (`:` or `,`) without its usual dispatch. Specified here: whatever
// literal-like text a record holds and wherever the chunks cut it, both engines read what JSON.parse reads
// and reject what it rejects, at the same byte with the same words.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogFileError } from '../shared/errors.js';
import { readCloudTrailLog, recordPrefilter } from '../shared/reader/index.js';
import { chunked, readUntilError } from './helpers/log-files.js';

const LITERALS = [
  'true',
  'false',
  'null',
  'tru',
  'truee',
  'fals',
  'falsee',
  'falze',
  'nul',
  'nulll',
  'nult',
  't',
  'f',
  'n',
];
const AFTER = [',"k":1}', '}', ' }', ']}', ',"b":"x"}', '"x"}', ':1}'];

const recordText = fc
  .record({
    literal: fc.constantFrom(...LITERALS),
    after: fc.constantFrom(...AFTER),
    inArray: fc.boolean(),
    source: fc.constantFrom('rds.amazonaws.com', 's3.amazonaws.com'),
  })
  .map(({ literal, after, inArray, source }) =>
    inArray
      ? `{"eventSource":"${source}","eventName":"X","eventTime":"t","a":[${literal}${after.replace('}', ']}')}`
      : `{"eventSource":"${source}","eventName":"X","eventTime":"t","a":${literal}${after}`,
  );

async function outcome(text: string, engine: 'wasm' | 'typescript', sizes: number[], skip: boolean) {
  const reader = readCloudTrailLog(chunked(Buffer.from(text), sizes), {
    file: 'log.json',
    engine,
    ...(skip ? { prefilter: recordPrefilter([{ eventSources: new Set(['rds.amazonaws.com']) }]) } : {}),
  });
  const { items, error } = await readUntilError(reader);
  if (error !== undefined && !(error instanceof LogFileError)) throw error;
  return {
    records: items.map((item) => (item.kind === 'record' ? item.record : item.error.code)),
    error:
      error instanceof LogFileError ? { code: error.code, location: error.location, message: error.message } : null,
  };
}

describe('literals and the bytes after strings, cut anywhere', () => {
  it('are read by both engines as JSON.parse reads them, or rejected at the same byte (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordText, { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (records, sizes, skip) => {
          const text = `{"Records":[${records.join(',')}]}`;
          const [wasm, typescript] = await Promise.all([
            outcome(text, 'wasm', sizes, skip),
            outcome(text, 'typescript', sizes, skip),
          ]);
          expect(wasm).toEqual(typescript);
          let valid = true;
          try {
            JSON.parse(text);
          } catch {
            valid = false;
          }
          expect(wasm.error === null, text).toBe(valid);
        },
      ),
      { numRuns: 400 },
    );
  });
});
