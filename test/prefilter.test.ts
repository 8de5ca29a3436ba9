import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCloudTrailLog, recordPrefilter } from '../shared/reader/index.js';
import type { ParsedRecord, RecordPrefilter } from '../shared/reader/types.js';
import {
  chunked,
  cloudTrailRecord,
  gzipText,
  logText,
  parsedRecords,
  plainRecords,
  readAll,
} from './helpers/log-files.js';

const RDS_SOURCES = [
  'rds.amazonaws.com',
  'rdsdata.amazonaws.com',
  'rdsdataapi.amazonaws.com',
  'cloudtrail.amazonaws.com',
];
const rdsOnly = recordPrefilter([{ eventSources: new Set(RDS_SOURCES) }]);

function accepts(recordText: string): boolean {
  const bytes = Buffer.from(recordText);
  return rdsOnly(bytes, 0, bytes.length);
}

describe('a prefilter of eventSources on one record', () => {
  it('accepts a record whose eventSource is wanted', () => {
    expect(accepts(JSON.stringify(cloudTrailRecord({ eventSource: 'rds.amazonaws.com' })))).toBe(true);
    expect(accepts(JSON.stringify(cloudTrailRecord({ eventSource: 'cloudtrail.amazonaws.com' })))).toBe(true);
  });

  it('rejects a record from another service: the ~90 % of a trail the reader need not parse', () => {
    expect(accepts(JSON.stringify(cloudTrailRecord({ eventSource: 'ec2.amazonaws.com' })))).toBe(false);
    expect(accepts(JSON.stringify(cloudTrailRecord({ eventSource: 'rds.amazonaws.com.evil' })))).toBe(false);
  });

  it('rejects a record that mentions a wanted source anywhere but as an eventSource', () => {
    const record = cloudTrailRecord({
      eventSource: 's3.amazonaws.com',
      userIdentity: { invokedBy: 'rds.amazonaws.com' },
      requestParameters: { note: '"eventSource":"rds.amazonaws.com"', eventSourceArn: 'rds.amazonaws.com' },
    });
    expect(accepts(JSON.stringify(record))).toBe(false);
  });

  it('accepts whatever the whitespace around the colon', () => {
    expect(accepts('{"eventTime":"t","eventSource" :\n\t "rds.amazonaws.com" ,"eventName":"x"}')).toBe(true);
  });

  it('accepts a value written with escapes', () => {
    expect(accepts('{"eventSource":"rds\\u002eamazonaws.com","eventName":"x","eventTime":"t"}')).toBe(true);
    expect(accepts('{"eventSource":"\\u0072\\u0064\\u0073.amazonaws.com","eventName":"x","eventTime":"t"}')).toBe(true);
  });

  it('lets through any record holding a \\u escape, since an escaped key elsewhere could spell eventSource', () => {
    expect(accepts('{"eventSource":"ec2\\u002eamazonaws.com","eventName":"x","eventTime":"t"}')).toBe(true);
    expect(accepts('{"eventSource":"ec2.amazonaws.com","userAgent":"\\u00e9"}')).toBe(true);
  });

  it('accepts a key written with escapes, since it cannot tell what the key spells', () => {
    expect(accepts('{"event\\u0053ource":"rds.amazonaws.com","eventName":"x","eventTime":"t"}')).toBe(true);
  });

  it('finds the top-level eventSource after a nested one with another value', () => {
    const text =
      '{"requestParameters":{"eventSource":"ec2.amazonaws.com"},"eventName":"x","eventTime":"t","eventSource":"rds.amazonaws.com"}';
    expect(accepts(text)).toBe(true);
  });

  it('accepts a nested eventSource that is wanted: a false positive, which only costs a parse', () => {
    const text = '{"eventSource":"ec2.amazonaws.com","requestParameters":{"eventSource":"rds.amazonaws.com"}}';
    expect(accepts(text)).toBe(true);
  });

  it('accepts a record without a string eventSource, so the reader reports it as malformed instead of skipping it', () => {
    expect(accepts('{"eventName":"x","eventTime":"t"}')).toBe(true);
    expect(accepts('{"eventSource":null,"eventName":"x","eventTime":"t"}')).toBe(true);
  });

  it('looks only between start and end, not at the neighbouring records in the same chunk', () => {
    const rds = JSON.stringify(cloudTrailRecord({ eventSource: 'rds.amazonaws.com' }));
    const ec2 = JSON.stringify(cloudTrailRecord({ eventSource: 'ec2.amazonaws.com' }));
    const chunk = Buffer.from(`${rds},${ec2},${rds}`);
    const ec2Start = rds.length + 1;
    expect(rdsOnly(chunk, 0, rds.length)).toBe(true);
    expect(rdsOnly(chunk, ec2Start, ec2Start + ec2.length)).toBe(false);
    expect(rdsOnly(chunk, ec2Start + ec2.length + 1, chunk.length)).toBe(true);
    // Asked again, out of order, it answers the same.
    expect(rdsOnly(chunk, ec2Start, ec2Start + ec2.length)).toBe(false);
    expect(rdsOnly(chunk, 0, rds.length)).toBe(true);
  });

  it('accepts a plain Uint8Array view with an offset into its buffer', () => {
    const text = Buffer.from(`xx${JSON.stringify(cloudTrailRecord())}yy`);
    const view = new Uint8Array(text.buffer, text.byteOffset + 1, text.length - 1);
    expect(rdsOnly(view, 1, view.length - 2)).toBe(true);
  });
});

// Property: the prefilter never loses a record whose eventSource is wanted, whatever its spelling.

const SOURCES = [
  'rds.amazonaws.com',
  'rdsdata.amazonaws.com',
  'ec2.amazonaws.com',
  's3.amazonaws.com',
  'ünïcode.example',
  'q"uote\\d',
];

/** The body of a JSON string literal for `value`, the characters picked by `escapeAt` written as \uXXXX. */
function spelled(value: string, escapeAt: boolean[]): string {
  return [...value]
    .map((character, i) =>
      escapeAt[i % Math.max(1, escapeAt.length)] ? unicodeEscaped(character) : JSON.stringify(character).slice(1, -1),
    )
    .join('');
}

function unicodeEscaped(character: string): string {
  return Array.from(
    { length: character.length },
    (_, i) => `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`,
  ).join('');
}

const whitespace = fc.constantFrom('', ' ', '\n', '\t', '\r\n', '  ');

/** A record's text with its members in any order, any whitespace, keys and values escaped or not. */
const recordText = fc
  .record({
    eventSource: fc.constantFrom(...SOURCES),
    keyEscapes: fc.oneof(
      { weight: 3, arbitrary: fc.constant<boolean[]>([]) },
      { weight: 1, arbitrary: fc.array(fc.boolean()) },
    ),
    valueEscapes: fc.oneof(
      { weight: 3, arbitrary: fc.constant<boolean[]>([]) },
      { weight: 1, arbitrary: fc.array(fc.boolean()) },
    ),
    nestedSource: fc.option(fc.constantFrom(...SOURCES)),
    mention: fc.option(fc.constantFrom(...SOURCES)),
    order: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
    spaces: fc.array(whitespace, { minLength: 4, maxLength: 4 }),
  })
  .map(({ eventSource, keyEscapes, valueEscapes, nestedSource, mention, order, spaces }) => {
    const [s0 = '', s1 = '', s2 = '', s3 = ''] = spaces;
    const members = [
      `"${spelled('eventSource', keyEscapes)}"${s0}:${s1}"${spelled(eventSource, valueEscapes)}"`,
      `"eventName"${s2}:${s3}"DescribeDBInstances"`,
      `"eventTime":"2024-08-01T13:29:57Z"`,
      `"requestParameters":${nestedSource === null ? 'null' : `{"eventSource":${JSON.stringify(nestedSource)}}`}`,
      `"userAgent":${JSON.stringify(mention === null ? 'aws-cli' : `"eventSource": "${mention}"`)}`,
    ];
    const sorted = members.map((member, i) => ({ member, rank: order[i] ?? 0 })).sort((a, b) => a.rank - b.rank);
    return `{${s1}${sorted.map(({ member }) => member).join(`${s2},${s3}`)}${s0}}`;
  });

async function read(text: string, sizes: number[], prefilter?: RecordPrefilter) {
  const reader = readCloudTrailLog(chunked(gzipText(text), sizes), {
    file: 'log.json.gz',
    ...(prefilter ? { prefilter } : {}),
  });
  const items = await readAll(reader);
  return { records: parsedRecords(items), stats: reader.stats };
}

function summary(record: ParsedRecord) {
  return { index: record.index, offset: record.offset, raw: record.raw };
}

describe('reading with recordPrefilter([{ eventSources: new Set(S) }])', () => {
  it('yields every record of a full read whose eventSource is in S, with the same index, offset and raw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordText, { maxLength: 10 }),
        fc.subarray(SOURCES),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 4 }),
        async (records, wanted, sizes) => {
          const text = `{"Records":[${records.join(',')}]}`;
          const full = await read(text, [text.length]);
          const filtered = await read(text, sizes, recordPrefilter([{ eventSources: new Set(wanted) }]));

          const isWanted = (record: ParsedRecord) => wanted.includes(record.record.eventSource);
          expect(filtered.records.filter(isWanted).map(summary)).toEqual(full.records.filter(isWanted).map(summary));
          // What it lets through besides (false positives) is still exactly what a full read gives.
          const fullByIndex = new Map(full.records.map((record) => [record.index, summary(record)]));
          for (const record of filtered.records) expect(summary(record)).toEqual(fullByIndex.get(record.index));
          expect(filtered.stats.records).toBe(full.stats.records);
          expect(filtered.stats.delivered + filtered.stats.skipped + filtered.stats.malformed).toBe(full.stats.records);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('skips plainly written records from other sources, counting them in stats.skipped', async () => {
    const records = [
      cloudTrailRecord({ eventSource: 'ec2.amazonaws.com' }),
      cloudTrailRecord({ eventSource: 'rds.amazonaws.com' }),
      cloudTrailRecord({ eventSource: 'iam.amazonaws.com' }),
      cloudTrailRecord({ eventSource: 'rdsdataapi.amazonaws.com' }),
    ];
    const reader = readCloudTrailLog(chunked(plainRecords(records), [16]), { file: 'log.json', prefilter: rdsOnly });
    const delivered = parsedRecords(await readAll(reader));
    expect(delivered.map((record) => record.index)).toEqual([1, 3]);
    expect(reader.stats).toMatchObject({ records: 4, delivered: 2, skipped: 2, malformed: 0 });
  });

  it('still reports non-object elements as malformed: they are not records the prefilter can judge', async () => {
    const text = `{"Records":[42,${JSON.stringify(cloudTrailRecord({ eventSource: 'ec2.amazonaws.com' }))}]}`;
    const reader = readCloudTrailLog(chunked(Buffer.from(text)), { file: 'log.json', prefilter: rdsOnly });
    const items = await readAll(reader);
    expect(items.map((item) => (item.kind === 'malformed' ? item.error.code : item.kind))).toEqual([
      'RECORD_NOT_OBJECT',
    ]);
    expect(reader.stats).toMatchObject({ records: 2, skipped: 1, malformed: 1 });
  });
});

describe('recordPrefilter alternatives', () => {
  const record = (fields: Record<string, unknown>) =>
    Buffer.from(JSON.stringify({ eventTime: '2026-11-20T10:00:00Z', ...fields }));
  const passes = (alternatives: Parameters<typeof recordPrefilter>[0], bytes: Buffer) =>
    recordPrefilter(alternatives)(bytes, 0, bytes.length);
  const rds = new Set(['rds.amazonaws.com']);

  it('requires the eventName when an alternative names it', () => {
    const alt = [{ eventSources: rds, eventNames: new Set(['DeleteDBInstance']) }];
    expect(passes(alt, record({ eventSource: 'rds.amazonaws.com', eventName: 'DeleteDBInstance' }))).toBe(true);
    expect(passes(alt, record({ eventSource: 'rds.amazonaws.com', eventName: 'DescribeDBInstances' }))).toBe(false);
  });

  it('requires every token of an alternative', () => {
    const alt = [{ eventSources: rds, mustContain: ['"errorCode"'] }];
    expect(
      passes(
        alt,
        record({ eventSource: 'rds.amazonaws.com', eventName: 'DescribeDBInstances', errorCode: 'AccessDenied' }),
      ),
    ).toBe(true);
    expect(passes(alt, record({ eventSource: 'rds.amazonaws.com', eventName: 'DescribeDBInstances' }))).toBe(false);
  });

  it('passes a record that satisfies any one alternative', () => {
    const alts = [
      { eventSources: rds, eventNames: new Set(['DeleteDBInstance']) },
      { eventSources: rds, mustContain: ['"Root"'] },
    ];
    expect(
      passes(
        alts,
        record({ eventSource: 'rds.amazonaws.com', eventName: 'DescribeDBInstances', userIdentity: { type: 'Root' } }),
      ),
    ).toBe(true);
  });

  it('lets through a record whose eventName is written with \\u escapes', () => {
    const alt = [{ eventSources: rds, eventNames: new Set(['DeleteDBInstance']) }];
    const escaped = Buffer.from(
      '{"eventSource":"rds.amazonaws.com","eventName":"\\u0044eleteDBInstance","eventTime":"t"}',
    );
    expect(passes(alt, escaped)).toBe(true);
  });

  it('never rejects a record that satisfies an alternative, whatever the layout (property)', () => {
    const names = ['DeleteDBInstance', 'DescribeDBInstances', 'ModifyDBInstance'];
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(0, 2),
        fc.subarray(names, { minLength: 1 }),
        (eventName, failed, root, indent, wantedNames) => {
          const fields = {
            eventSource: 'rds.amazonaws.com',
            eventName,
            userIdentity: { type: root ? 'Root' : 'IAMUser' },
            ...(failed ? { errorCode: 'X' } : {}),
          };
          const bytes = Buffer.from(JSON.stringify({ eventTime: 't', ...fields }, null, indent));
          const alts = [
            { eventSources: rds, eventNames: new Set(wantedNames) },
            { eventSources: rds, mustContain: ['"errorCode"'] },
            { eventSources: rds, mustContain: ['"Root"'] },
          ];
          const satisfied = wantedNames.includes(eventName) || failed || root;
          const result = recordPrefilter(alts)(bytes, 0, bytes.length);
          if (satisfied) expect(result).toBe(true);
          else expect(result).toBe(false);
        },
      ),
    );
  });
});

describe('records the prefilter must not hide', () => {
  const passes = (bytes: Buffer) =>
    recordPrefilter([{ eventSources: new Set(['rds.amazonaws.com']), eventNames: new Set(['DeleteDBInstance']) }])(
      bytes,
      0,
      bytes.length,
    );

  it('passes a record with no eventSource, so the reader reports it as malformed', () => {
    expect(passes(Buffer.from('{"eventName":"DeleteDBInstance","eventTime":"t"}'))).toBe(true);
  });

  it('passes a record of a wanted source with no eventName, so the reader reports it as malformed', () => {
    expect(passes(Buffer.from('{"eventSource":"rds.amazonaws.com","eventTime":"t"}'))).toBe(true);
  });

  it('reports such a record through the reader, with its neighbours delivered', async () => {
    const text = logText([
      cloudTrailRecord({ eventSource: 'rds.amazonaws.com', eventName: 'DeleteDBInstance' }),
      { eventSource: 'rds.amazonaws.com', eventTime: '2026-11-20T10:00:00Z' },
      cloudTrailRecord({ eventSource: 's3.amazonaws.com', eventName: 'GetObject' }),
    ]);
    const prefilter = recordPrefilter([
      { eventSources: new Set(['rds.amazonaws.com']), eventNames: new Set(['DeleteDBInstance']) },
    ]);
    const items = await readAll(readCloudTrailLog(chunked(Buffer.from(text)), { file: 'f.json', prefilter }));
    expect(items.map((i) => (i.kind === 'malformed' ? i.error.code : i.record.eventName))).toEqual([
      'DeleteDBInstance',
      'RECORD_MISSING_FIELD',
    ]);
  });
});
