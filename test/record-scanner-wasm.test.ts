// The record splitter's WebAssembly kernel (shared/reader/wasm/record-scanner.as.ts) against the TypeScript
// engine it replaces: the same spans, the same hints, the same skips, whatever the text and the chunking.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCloudTrailLog, recordPrefilter } from '../shared/reader/index.js';
import { RecordSplitter, type RecordSplitterOptions, type Span } from '../shared/reader/record-splitter.js';
import { SCANNER_TABLE_CAPACITY, SCANNER_WINDOW } from '../shared/reader/record-scan.js';
import { releaseKernel, takeKernel } from '../shared/reader/wasm/record-scanner.js';
import { chunked, cloudTrailRecord, logText, parsedRecords, readAll } from './helpers/log-files.js';

/** What a span says, independent of which buffer holds its bytes. */
function describeSpan(span: Span) {
  if (span.kind !== 'record') return span;
  const text = (start: number, end: number) => (start < 0 ? null : span.bytes.toString('utf8', start, end));
  return {
    kind: span.kind,
    index: span.index,
    offset: span.offset,
    text: span.bytes.toString('utf8', span.start, span.end),
    hints: span.hints && {
      eventSource: text(span.hints.sourceStart, span.hints.sourceEnd),
      eventName: text(span.hints.nameStart, span.hints.nameEnd),
      tokens: span.hints.tokens,
    },
  };
}

function split(bytes: Buffer, sizes: readonly number[], options: RecordSplitterOptions) {
  const splitter = new RecordSplitter('log.json', options);
  const spans: ReturnType<typeof describeSpan>[] = [];
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length]!;
    splitter.push(bytes.subarray(at, at + size));
    at += size;
    for (let span = splitter.next(); span; span = splitter.next()) spans.push(describeSpan(span));
  }
  splitter.finish();
  return { spans, skipped: splitter.skipped };
}

/** Text that is hard on a scanner: quotes, backslashes (also before a chunk's end), brackets, \u escapes, UTF-8. */
const tricky = fc.string({
  unit: fc.constantFrom(
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    ' ',
    'a',
    'é',
    '😀',
    '\u0000',
    'eventSource',
    'eventName',
  ),
  maxLength: 24,
});
const source = fc.constantFrom(
  'rds.amazonaws.com',
  's3.amazonaws.com',
  'ec2.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'rds.amazonaws.co',
  'ŕds.amazonaws.com',
);
const record = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      eventVersion: fc.constant('1.08'),
      userIdentity: fc.record({ eventSource: source, arn: tricky }),
      eventSource: source,
      eventName: tricky,
      x: fc.array(tricky, { maxLength: 3 }),
    }),
  },
  // Keys the scan must not trust: escaped spellings, repeats, and nothing at all.
  { weight: 1, arbitrary: source.map((value) => `{"\\u0065ventSource":"${value}","eventName":"A"}`) },
  {
    weight: 1,
    arbitrary: source.map((value) => `{"eventSource":"${value}","eventSource":"s3.amazonaws.com","eventName":"A"}`),
  },
  { weight: 1, arbitrary: source.map((value) => `{"eventSource":"${value.replace('.', '\\u002e')}","eventName":"A"}`) },
  { weight: 1, arbitrary: fc.constantFrom('{}', '[1,{}]', '"text"', '12', 'null', '{"eventSource":7}') },
);
const logFile = fc
  .array(record, { maxLength: 10 })
  .chain((records) =>
    fc
      .constantFrom('', ' ', '\n  ')
      .map(
        (space) =>
          `{"Records":[${space}${records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(`,${space}`)}${space}]}`,
      ),
  );
const chunkSizes = fc.oneof(
  fc.constant([1]),
  fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 5 }),
  fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 5 }),
);
const noted = fc.constantFrom(
  undefined,
  ['"a"', '"errorCode"'],
  ['"eventName"', '"é"', '"a\\"', '"x"', '"rds.amazonaws.com"'],
);
const wanted = fc.constantFrom(
  undefined,
  new Set(['rds.amazonaws.com']),
  new Set(['rds.amazonaws.com', 'cloudtrail.amazonaws.com', 'ŕds.amazonaws.com']),
  new Set<string>(),
);

describe('the WebAssembly record scanner', () => {
  it('is what its AssemblyScript source compiles to (npm run build:wasm)', () => {
    const check = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('loads on the Node this project runs on, so the reader does not fall back to TypeScript', () => {
    const kernel = takeKernel();
    expect(kernel).not.toBeNull();
    if (kernel) releaseKernel(kernel);
    expect(new RecordSplitter('log.json').engine).toBe('wasm');
  });

  it('falls back to the TypeScript engine, with the same records, where WebAssembly cannot run (node --jitless)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-scanner-'));
    try {
      // The reader bundled into a script that says which engine it got and what it read from the sample day.
      const entry = [
        "import { readdirSync, createReadStream } from 'node:fs';",
        "import { RecordSplitter } from './shared/reader/record-splitter.ts';",
        "import { readCloudTrailLog } from './shared/reader/read-log.ts';",
        "import { recordPrefilter } from './shared/reader/prefilter.ts';",
        'const names = [];',
        "const files = readdirSync('events/logs', { recursive: true }).filter((f) => f.endsWith('.json.gz') && f.includes('/CloudTrail/')).sort();",
        'for (const file of files) {',
        "  const reader = readCloudTrailLog(createReadStream(`events/logs/${file}`), { file, prefilter: recordPrefilter([{ eventSources: new Set(['rds.amazonaws.com']) }]) });",
        "  for await (const item of reader) names.push(item.kind === 'record' ? `${item.index}:${item.record.eventName}` : item.kind);",
        '}',
        "console.log(JSON.stringify({ engine: new RecordSplitter('x').engine, names }));",
      ].join('\n');
      const outfile = path.join(dir, 'read.mjs');
      await build({
        stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts' },
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile,
        logLevel: 'silent',
      });
      const run = (flags: string[]) =>
        JSON.parse(spawnSync(process.execPath, [...flags, outfile], { encoding: 'utf8' }).stdout) as {
          engine: string;
          names: string[];
        };
      const jitless = run(['--jitless']);
      const usual = run([]);
      expect({ jitless: jitless.engine, usual: usual.engine }).toEqual({ jitless: 'typescript', usual: 'wasm' });
      expect(jitless.names).toEqual(usual.names);
      expect(usual.names.length).toBeGreaterThan(10);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives the same spans, hints and skips as the TypeScript engine, whatever the text and the chunking', () => {
    fc.assert(
      fc.property(logFile, chunkSizes, wanted, noted, (text, sizes, wantedSources, tokens) => {
        const bytes = Buffer.from(text);
        const options = { ...(wantedSources ? { wantedSources } : {}), ...(tokens ? { tokens } : {}) };
        expect(split(bytes, sizes, { ...options, engine: 'wasm' })).toEqual(
          split(bytes, sizes, { ...options, engine: 'typescript' }),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('finds the end of a string of any length, with escapes at any offset, cut at any byte, as the TypeScript engine does', () => {
    // The kernel looks at 32 bytes of a string at a time (16 within 32 bytes of the window's end, then one): a
    // string's quote, backslashes and `\u` are put at every offset within and across those blocks, the string as
    // a top-level key, a noted key's value (its escapes make the hints unsure) and a nested value, and the text
    // cut anywhere.
    const body = fc
      .array(
        fc.oneof(
          { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom('a', 'é', 'x'), maxLength: 40 }) },
          { weight: 1, arbitrary: fc.constantFrom('\\\\', '\\"', '\\u0041', '\\\\u', '\\\\\\\\') },
        ),
        { maxLength: 6 },
      )
      .map((parts) => parts.join(''));
    const text = fc
      .tuple(body, body, body, fc.constantFrom('rds.amazonaws.com', 's3.amazonaws.com'))
      .map(
        ([key, value, nested, eventSource]) =>
          `{"Records":[{"eventSource":"${eventSource}","${key}":"${value}","eventName":"${value}","x":["${nested}"]},{"eventSource":"rds.amazonaws.com","eventName":"${nested}"}]}`,
      );
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 200 }), wanted, noted, (log, cut, wantedSources, tokens) => {
        const bytes = Buffer.from(log);
        const options = { ...(wantedSources ? { wantedSources } : {}), ...(tokens ? { tokens } : {}) };
        for (const sizes of [[bytes.length], [cut], [cut, bytes.length]]) {
          expect(split(bytes, sizes, { ...options, engine: 'wasm' })).toEqual(
            split(bytes, sizes, { ...options, engine: 'typescript' }),
          );
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('notes which tokens a record holds as a whole string, at any depth, and says when it cannot know', () => {
    const text = logText([
      cloudTrailRecord({ errorCode: 'AccessDenied', userIdentity: { type: 'Root' } }),
      cloudTrailRecord({ errorMessage: 'no errorCode here', userIdentity: { type: 'IAMUser', note: 'Root\\' } }),
    ]);
    const tokens = ['"errorCode"', '"Root"', 'not a string token'];
    for (const engine of ['wasm', 'typescript'] as const) {
      const whole = split(Buffer.from(text), [text.length], { engine, tokens }).spans;
      expect(whole.map((span) => 'hints' in span && span.hints?.tokens)).toEqual([0b11, 0b00]);
      // Cut inside a nested string of the first record (its hints stay sure): what that string held is unknown.
      const cut = text.indexOf('"Root"') + 3;
      const pieces = split(Buffer.from(text), [cut, text.length], { engine, tokens }).spans;
      expect(pieces.map((span) => 'hints' in span && span.hints?.tokens)).toEqual([-1, 0b00]);
    }
  });

  it('skips a record only when its top-level eventSource is plainly one nobody wants', () => {
    const text = logText([
      cloudTrailRecord({ eventSource: 's3.amazonaws.com', userIdentity: { eventSource: 'rds.amazonaws.com' } }),
      cloudTrailRecord({ eventSource: 'rds.amazonaws.com' }),
    ]);
    const odd = text.replace('{"eventVersion"', '{"\\u0065ventSource":"rds.amazonaws.com","eventVersion"');
    const plain = split(Buffer.from(text), [text.length], { wantedSources: new Set(['rds.amazonaws.com']) });
    expect(plain.skipped).toBe(1);
    expect(plain.spans.map((span) => span.index)).toEqual([1]);
    // An escaped key could spell eventSource: that record is handed out for the prefilter to decide.
    expect(split(Buffer.from(odd), [odd.length], { wantedSources: new Set(['rds.amazonaws.com']) }).skipped).toBe(0);
  });

  it('keeps a record whose eventSource value lies in an earlier chunk than its end', () => {
    const text = logText([
      cloudTrailRecord({ eventSource: 's3.amazonaws.com', requestParameters: { padding: 'x'.repeat(5000) } }),
    ]);
    const cut = text.indexOf('padding');
    for (const engine of ['wasm', 'typescript'] as const) {
      const { spans, skipped } = split(Buffer.from(text), [cut, text.length], {
        engine,
        wantedSources: new Set(['rds.amazonaws.com']),
      });
      expect({ records: spans.length, skipped }).toEqual({ records: 1, skipped: 0 });
    }
  });

  it('hands out more records than its table holds, in order, from one window', async () => {
    const records = Array.from({ length: SCANNER_TABLE_CAPACITY * 2 + 5 }, (_, i) => ({
      eventSource: 'rds.amazonaws.com',
      eventName: `E${i}`,
      eventTime: 't',
    }));
    const bytes = Buffer.from(logText(records));
    expect(bytes.length).toBeLessThan(SCANNER_WINDOW);
    const items = parsedRecords(await readAll(readCloudTrailLog(chunked(bytes), { file: 'log.json', engine: 'wasm' })));
    expect(items.map((item) => item.record.eventName)).toEqual(records.map((r) => r.eventName));
  });

  it('reads a chunk larger than its window, records crossing the windows, as the TypeScript engine does', async () => {
    const records = Array.from({ length: 600 }, (_, i) =>
      cloudTrailRecord({
        eventSource: i % 3 ? 's3.amazonaws.com' : 'rds.amazonaws.com',
        eventName: `E${i}`,
        requestParameters: { blob: `"${'é\\'.repeat(1000 + i)}` },
      }),
    );
    const bytes = Buffer.from(logText(records));
    expect(bytes.length).toBeGreaterThan(2 * SCANNER_WINDOW);
    const read = async (engine: 'wasm' | 'typescript') => {
      const reader = readCloudTrailLog(chunked(bytes), {
        file: 'log.json',
        engine,
        prefilter: recordPrefilter([{ eventSources: new Set(['rds.amazonaws.com']) }]),
      });
      const names = parsedRecords(await readAll(reader)).map((item) => `${item.index}:${item.record.eventName}`);
      return { names, stats: reader.stats };
    };
    const wasm = await read('wasm');
    expect(wasm).toEqual(await read('typescript'));
    expect(wasm.names).toHaveLength(200);
    expect(wasm.stats).toMatchObject({ records: 600, delivered: 200, skipped: 400 });
  });
});
