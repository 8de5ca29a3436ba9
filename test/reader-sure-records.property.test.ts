// The splitter skips the records the prefilter would reject when it is sure of them (RecordSplitterOptions.
// sureRecords), so they never become spans. Specified here: reading with those rules gives exactly what reading
// without them gives (the same records, malformed records, errors and counts), whatever the rules, the records,
// the size limit and the chunking; and both scan engines skip the same records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefilterAlternative } from './helpers/prefilter-alternatives.js';
import { readCloudTrailLog, recordPrefilter } from '../shared/reader/index.js';
import { RecordSplitter } from '../shared/reader/record-splitter.js';
import type { RecordPrefilter } from '../shared/reader/types.js';
import { chunked, readUntilError } from './helpers/log-files.js';

const SOURCES = ['rds.amazonaws.com', 's3.amazonaws.com', 'lambda.amazonaws.com', 'ec2.amazonaws.com'];
const NAMES = ['DeleteDBInstance', 'PutBucketPolicy', 'Invoke', 'Describe\\u0044B', 'RunInstances'];
const TOKENS = ['"errorCode"', '"Root"', '"x\\"y"'];

const alternative = prefilterAlternative(SOURCES.slice(0, 3), NAMES, TOKENS);

/** Records of every kind the rules must judge alike: with and without a name, tokens, escapes, padding. */
const record = fc
  .record({
    source: fc.constantFrom(...SOURCES),
    name: fc.option(fc.constantFrom(...NAMES, 7 as const), { freq: 5 }),
    failed: fc.boolean(),
    root: fc.boolean(),
    quoted: fc.boolean(),
    unicode: fc.constantFrom('', '\\u00e9', '\\\\u', '\\\\\\u0041'),
    padding: fc.nat({ max: 300 }),
  })
  .map(({ source, name, failed, root, quoted, unicode, padding }) => {
    const members = [
      `"eventVersion":"1.08"`,
      `"userIdentity":{"type":"${root ? 'Root' : 'IAMUser'}","note":"${'p'.repeat(padding)}"}`,
      `"eventTime":"2026-12-03T10:00:00Z"`,
      `"eventSource":"${source}"`,
      ...(name === null ? [] : [`"eventName":${name === 7 ? 7 : `"${name}"`}`]),
      `"userAgent":"${quoted ? 'x\\"y' : 'aws-cli'}${unicode}"`,
      ...(failed ? [`"errorCode":"AccessDenied"`] : []),
    ];
    return `{${members.join(',')}}`;
  });

const logText = fc.array(record, { minLength: 1, maxLength: 8 }).map((records) => `{"Records":[${records.join(',')}]}`);
const chunkSizes = fc.oneof(
  fc.constant<number[] | undefined>(undefined),
  fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }),
  fc.array(fc.integer({ min: 100, max: 900 }), { minLength: 1, maxLength: 4 }),
);
const engine = fc.constantFrom('wasm' as const, 'typescript' as const);
const limit = fc.constantFrom(undefined, 200, 400);

/** The same prefilter without its rules for the splitter: every record of a wanted source is judged by it. */
function withoutRules(prefilter: RecordPrefilter): RecordPrefilter {
  return Object.assign((...args: Parameters<RecordPrefilter>) => prefilter(...args), {
    ...(prefilter.eventSources ? { eventSources: prefilter.eventSources } : {}),
    ...(prefilter.tokens ? { tokens: prefilter.tokens } : {}),
  });
}

async function read(
  text: string,
  prefilter: RecordPrefilter,
  options: { engine: 'wasm' | 'typescript'; sizes: number[] | undefined; maxRecordBytes: number | undefined },
) {
  const reader = readCloudTrailLog(chunked(Buffer.from(text), options.sizes), {
    file: 'log.json',
    prefilter,
    engine: options.engine,
    ...(options.maxRecordBytes !== undefined ? { maxRecordBytes: options.maxRecordBytes } : {}),
  });
  const { items, error } = await readUntilError(reader);
  return {
    items: items.map((item) =>
      item.kind === 'record'
        ? { index: item.index, offset: item.offset, raw: item.raw }
        : { index: item.index, offset: item.offset, code: item.error.code, message: item.error.message },
    ),
    error: error instanceof Error ? error.message : error,
    stats: { ...reader.stats, maxRecordBytesHeld: 0 },
  };
}

describe('skipping in the splitter the sure records the prefilter rejects', () => {
  it('reads what reading without it reads: records, malformed records, counts (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(alternative, { minLength: 1, maxLength: 5 }),
        logText,
        chunkSizes,
        engine,
        limit,
        async (alternatives, text, sizes, engine, maxRecordBytes) => {
          const prefilter = recordPrefilter(alternatives);
          const options = { engine, sizes, maxRecordBytes };
          expect(await read(text, prefilter, options)).toEqual(await read(text, withoutRules(prefilter), options));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('skips the same records in both engines, and skips some (property)', () => {
    let skippedByRules = 0;
    fc.assert(
      fc.property(
        fc.array(alternative, { minLength: 1, maxLength: 5 }),
        logText,
        chunkSizes,
        (alternatives, text, sizes) => {
          const prefilter = recordPrefilter(alternatives);
          const split = (engineName: 'wasm' | 'typescript', rules: boolean) => {
            const splitter = new RecordSplitter('log.json', {
              engine: engineName,
              wantedSources: prefilter.eventSources!,
              tokens: prefilter.tokens!,
              ...(rules ? { sureRecords: prefilter.sureRecords! } : {}),
            });
            const bytes = Buffer.from(text);
            const spans: unknown[] = [];
            const step = sizes?.[0] ?? bytes.length;
            for (let at = 0; at < bytes.length; at += step) {
              splitter.push(bytes.subarray(at, at + step));
              for (let span = splitter.next(); span; span = splitter.next())
                spans.push(
                  span.kind === 'record' ? [span.index, span.bytes.toString('utf8', span.start, span.end)] : span,
                );
            }
            splitter.finish();
            return { spans, skipped: splitter.skipped };
          };
          const wasm = split('wasm', true);
          expect(wasm).toEqual(split('typescript', true));
          skippedByRules += wasm.skipped - split('wasm', false).skipped;
        },
      ),
      { numRuns: 300 },
    );
    // The rules are not idle: the property above is not met by skipping nothing.
    expect(skippedByRules).toBeGreaterThan(0);
  });

  it('leaves every record to the prefilter when the rules do not fit the kernel (300 names), with the same result', async () => {
    const names = Array.from({ length: 300 }, (_, k) => `Operation${k}`);
    const prefilter = recordPrefilter([{ eventSources: new Set(['rds.amazonaws.com']), eventNames: new Set(names) }]);
    expect(prefilter.sureRecords?.length).toBe(300);
    const text = `{"Records":[${['Operation7', 'DescribeDBInstances', 'Operation299']
      .map((name) => `{"eventSource":"rds.amazonaws.com","eventName":"${name}","eventTime":"t"}`)
      .join(',')}]}`;
    for (const engine of ['wasm', 'typescript'] as const) {
      const options = { engine, sizes: undefined, maxRecordBytes: undefined };
      const read1 = await read(text, prefilter, options);
      expect(read1).toEqual(await read(text, withoutRules(prefilter), options));
      expect(read1.items.map((item) => item.index)).toEqual([0, 2]);
    }
  });
});
