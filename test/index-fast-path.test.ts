// Index events of records no rule wants, built from the record's bytes without parsing it (record-encoder.ts,
// index-scan.ts): the same events, byte for byte, in the same order, as parsing every record and calling
// toIndexEvent (scanForIndex with fastPath: false, the path the indexer always took before), on real sample logs,
// on the bench's generated records and on generated records of every awkward shape.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateRecords } from '../bench/generate.js';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { ByteSlab } from '../shared/index/encoded-event.js';
import { PENDING_LIMIT_BYTES, scanForIndex } from '../shared/index/index-scan.js';
import { trailwatchFields } from '../shared/index/index.js';
import { FAST_PATH_MEMBERS, RecordEncoder } from '../shared/index/record-encoder.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import { recordBytes } from './helpers/record-bytes.js';

const ruleset = compileRuleset();

interface Seen {
  item: string;
  json?: string;
  timestamp?: number;
  eventID?: string | null;
  bytes?: number;
  trimmed?: unknown;
  stream?: string;
}

async function scan(text: string | Buffer, fastPath: boolean, maxMessageBytes?: number) {
  const source = Readable.from([Buffer.from(text)]);
  const result = scanForIndex(source, {
    file: 'test.json',
    ruleset,
    scope: 'all',
    fastPath,
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
  });
  const items: Seen[] = [];
  for await (const item of result) {
    if (item.kind === 'malformed') items.push({ item: `malformed ${item.index} ${item.error.code}` });
    else
      items.push({
        item: 'event',
        json: item.event.json.toString('utf8'),
        timestamp: item.event.timestamp,
        eventID: item.event.eventID,
        bytes: item.event.bytes,
        trimmed: item.event.trimmed,
        stream: item.logStreamName,
      });
  }
  return { items, fast: result.fastPathEvents, stats: result.stats, outOfScope: result.outOfScope };
}

/** Both paths over the same text: their items, and how many events the fast path built. */
async function bothPaths(text: string | Buffer, maxMessageBytes?: number) {
  const reference = await scan(text, false, maxMessageBytes);
  const fast = await scan(text, true, maxMessageBytes);
  return { reference, fast };
}

function sampleLogFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sampleLogFiles(path);
    return path.endsWith('.json.gz') && path.includes('/CloudTrail/') ? [path] : [];
  });
}

const OTHER_SOURCES = ['s3.amazonaws.com', 'ec2.amazonaws.com', 'sts.amazonaws.com', 'lambda.amazonaws.com'];

describe('index events built from bytes', () => {
  it('are the events parsing every record gives, for every sample log file', async () => {
    const files = sampleLogFiles(new URL('../events/logs/', import.meta.url).pathname);
    expect(files.length).toBeGreaterThan(10);
    let fastEvents = 0;
    for (const file of files) {
      const text = gunzipSync(readFileSync(file));
      const { reference, fast } = await bothPaths(text);
      expect(fast.items, file).toEqual(reference.items);
      expect(fast.stats, file).toEqual(reference.stats);
      fastEvents += fast.fast;
    }
    expect(fastEvents).toBeGreaterThan(0);
  });

  it("are the events parsing every record gives, for the bench's generated records", async () => {
    const records: string[] = [];
    for (const generated of generateRecords()) {
      records.push(generated.json);
      if (records.length === 3000) break;
    }
    const { reference, fast } = await bothPaths(`{"Records":[${records.join(',')}]}`);
    expect(fast.items).toEqual(reference.items);
    // Most records raise nothing and are of no category: those are built from bytes.
    expect(fast.fast).toBeGreaterThan(records.length / 2);
  });

  it('are the events parsing every record gives, for records of any shape and content', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom('"', '\\', '\\u', '\n', '\u2028', '\ud83d\ude00', 'a"b\\c', ''),
    );
    const identity = fc.oneof(
      fc.record(
        {
          type: fc.constantFrom('IAMUser', 'AssumedRole', 'Root', 'AWSService', 'FederatedUser'),
          arn: text,
          accountId: text,
          userName: text,
          invokedBy: fc.constantFrom('ec2.amazonaws.com', 'AWS Internal'),
          sessionContext: fc.record({ sessionIssuer: fc.record({ arn: text, userName: text }) }),
        },
        { requiredKeys: [] },
      ),
      fc.constant(null),
      text,
    );
    const record = fc.record(
      {
        eventVersion: fc.constant('1.09'),
        userIdentity: identity,
        eventTime: fc.constantFrom('2026-11-20T12:00:00Z', '2026-11-20T12:00:01.5Z', 'not a date'),
        eventSource: fc.constantFrom(...OTHER_SOURCES, 'rds.amazonaws.com', 'cloudtrail.amazonaws.com'),
        eventName: fc.constantFrom('GetObject', 'RunInstances', 'ConsoleLogin', 'StopLogging', 'DeleteDBInstance'),
        awsRegion: fc.oneof(fc.constant('eu-west-1'), text, fc.constant(null)),
        errorCode: fc.oneof(fc.constant('AccessDenied'), fc.constant(''), fc.constant(7)),
        requestParameters: fc.oneof(fc.constant(null), fc.dictionary(text, text, { maxKeys: 3 })),
        eventID: fc.oneof(fc.uuid(), fc.constant(5)),
        recipientAccountId: fc.oneof(fc.constant('123456789012'), text),
        n: fc.constantFrom(1, -0.5, 1e21),
      },
      { requiredKeys: ['eventSource', 'eventName', 'eventTime'] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(undefined, 2, '\t'),
        fc.boolean(),
        async (records, indent, duplicate) => {
          // Pretty-printed records carry line breaks and tabs outside strings; a repeated key counts once, last.
          let texts = records.map((r) => JSON.stringify(r, null, indent));
          if (duplicate) texts = texts.map((t) => t.replace(/^\{/, '{"eventID":"first","awsRegion":1,'));
          const { reference, fast } = await bothPaths(`{"Records":[${texts.join(',')}]}`);
          expect(fast.items).toEqual(reference.items);
          expect(fast.outOfScope).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  /** Records as bytes, the members the fast path reads often given values it can use. */
  const recordsAsBytes = recordBytes({
    names: FAST_PATH_MEMBERS.filter((name) => name !== 'trailwatch'),
    values: {
      eventSource: [...OTHER_SOURCES, 'rds.amazonaws.com'].map((s) => JSON.stringify(s)),
      eventName: ['"GetObject"', '"RunInstances"', '"ConsoleLogin"', '"StopLogging"'],
      eventTime: ['"2026-11-20T12:00:00Z"', '"2026-11-20T12:00:01.5Z"', '"not a date"'],
      eventID: ['"e-1"', '"e-\\u00e9"'],
      recipientAccountId: ['"123456789012"'],
      awsRegion: ['"eu-west-1"', '"eu-w\\u00e9st-1"'],
      errorCode: ['"AccessDenied"', '""'],
      userIdentity: [
        '{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/a\\u00e9","userName":"a\\"b"}',
        '{"type":"Root","accountId":"123456789012"}',
        '{"type":"AWSService","invokedBy":"ec2.amazonaws.com"}',
        'null',
      ],
    },
    required: ['eventSource', 'eventName', 'eventTime'],
  });
  const logOf = (records: readonly Buffer[]) =>
    Buffer.concat([
      Buffer.from('{"Records":['),
      ...records.flatMap((r, k) => (k > 0 ? [Buffer.from(','), r] : [r])),
      Buffer.from(']}'),
    ]);

  it('are the events parsing every record gives, for records as bytes of every shape', async () => {
    // Escapes of every kind, multi-byte and invalid UTF-8, raw control characters, whitespace and line breaks between
    // tokens, nesting, repeated and escaped keys, strings of every length modulo 16; some records malformed.
    let built = 0;
    let records = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(recordsAsBytes, { minLength: 1, maxLength: 6 }), async (generated) => {
        const { reference, fast } = await bothPaths(logOf(generated));
        expect(fast.items).toEqual(reference.items);
        expect(fast.stats).toEqual(reference.stats);
        built += fast.fast;
        records += generated.length;
      }),
      { numRuns: 300 },
    );
    // Many of them on the fast path, not all left to the parser.
    expect(built).toBeGreaterThan(records / 5);
  });

  it('are the events parsing every record gives, for records around the size limit', async () => {
    const limit = 8192;
    const pad = fc.array(fc.constantFrom('x', 'é', '😀', '\\"', '\\n', '\\u00e9', '\t'), {
      minLength: 1,
      maxLength: 8,
    });
    await fc.assert(
      fc.asyncProperty(
        recordsAsBytes,
        pad,
        fc.integer({ min: limit - 600, max: limit + 100 }),
        async (base, unit, size) => {
          // The record with a member `pad` whose value brings it to about `size` bytes, escapes and UTF-8 included.
          const padText = unit
            .join('')
            .repeat(Math.ceil(size / unit.join('').length))
            .slice(0, size)
            .replace(/\\+$/, '');
          const record = Buffer.concat([Buffer.from(`{"pad":"${padText}",`), base.subarray(1)]);
          const { reference, fast } = await bothPaths(logOf([record, base]), limit);
          expect(fast.items).toEqual(reference.items);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('are the events parsing every record gives, for records of megabytes', async () => {
    const record = (size: number) =>
      JSON.stringify(cloudTrailRecord({ eventSource: 's3.amazonaws.com', note: 'aé😀"\\\n'.repeat(size / 10) }));
    // Under the default size limit, just over it, and far over it (trimmed on the ordinary path).
    const { reference, fast } = await bothPaths(
      `{"Records":[${[600_000, 1_100_000, 3_000_000, 100].map(record).join(',')}]}`,
    );
    expect(fast.items).toEqual(reference.items);
    expect(fast.fast).toBe(2);
  });

  it('hold the record plus its trailwatch object', async () => {
    const record = cloudTrailRecord({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', note: 'a "q" \\ é' });
    const { items, fast } = await scan(JSON.stringify({ Records: [record] }), true);
    expect(fast).toBe(1);
    const message = JSON.parse(JSON.parse(items[0]?.json ?? '') as string) as Record<string, unknown>;
    const trailwatch = trailwatchFields(classify(record as unknown as CloudTrailRecord), []);
    expect(message).toEqual({ ...record, trailwatch });
    expect(Object.keys(message)[0]).toBe('trailwatch');
  });

  it('come out in file order, before the rest of the file is read', async () => {
    // ~4 MB of records built from bytes: the scan hands some out while most of the source is still unread.
    const record = (i: number) =>
      JSON.stringify(cloudTrailRecord({ eventSource: 's3.amazonaws.com', eventID: `e-${i}`, pad: 'x'.repeat(1000) }));
    const texts = Array.from({ length: 4000 }, (_, i) => record(i));
    const text = Buffer.from(`{"Records":[${texts.join(',')}]}`);
    let read = 0;
    async function* source() {
      for (let at = 0; at < text.length; at += 64 * 1024) {
        read = Math.min(text.length, at + 64 * 1024);
        yield text.subarray(at, read);
      }
    }
    const result = scanForIndex(source(), { file: 'test.json', ruleset, scope: 'all' });
    const ids: (string | null)[] = [];
    let readAtFirst = -1;
    for await (const item of result) {
      if (item.kind !== 'event') throw new Error('unexpected malformed record');
      if (readAtFirst < 0) readAtFirst = read;
      ids.push(item.event.eventID);
    }
    expect(ids).toEqual(texts.map((_, i) => `e-${i}`));
    expect(readAtFirst).toBeLessThan(PENDING_LIMIT_BYTES * 2);
    expect(result.fastPathEvents).toBeGreaterThan(3000);
  });

  it('lets the reader release its source when the consumer stops early, as a for-await over it did', async () => {
    // RDS records are parsed: the scan iterates the reader by hand (index-scan.ts), and must still end it.
    const text = Buffer.from(
      `{"Records":[${Array.from({ length: 50 }, (_, i) => JSON.stringify(cloudTrailRecord({ eventID: `r-${i}` }))).join(',')}]}`,
    );
    for (const scope of ['all', 'rds'] as const) {
      let released = false;
      async function* source() {
        try {
          for (let at = 0; at < text.length; at += 1024) yield text.subarray(at, at + 1024);
        } finally {
          released = true;
        }
      }
      const result = scanForIndex(source(), { file: 'test.json', ruleset, scope });
      const ids: (string | null)[] = [];
      for await (const item of result) {
        if (item.kind === 'event') ids.push(item.event.eventID);
        if (ids.length === 3) break;
      }
      expect(ids).toEqual(['r-0', 'r-1', 'r-2']);
      expect(released).toBe(true);
    }
  });
});

describe('records the fast path leaves to the parser', () => {
  const slab = new ByteSlab();
  const encoder = new RecordEncoder(
    () => slab,
    1_048_550,
    {},
    (source) => source === 'rds.amazonaws.com',
  );
  const encode = (raw: string) => encoder.encode(Buffer.from(raw, 'latin1'), 0, Buffer.byteLength(raw, 'latin1'));
  const base = '"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"2026-11-20T12:00:00Z"';

  it('builds an ordinary record', () => {
    expect(encode(`{${base},"eventID":"x"}`)?.event.eventID).toBe('x');
  });

  it.each([
    ['its own trailwatch member', `{${base},"trailwatch":1}`],
    ['an escaped top-level key', `{${base},"event\\u0049D":"x"}`],
    ['an invalid escape', `{${base},"a":"\\q"}`],
    ['a short \\u escape', `{${base},"a":"\\u12"}`],
    ['a raw control character in a string', `{${base},"a":"x\ty"}`],
    ['invalid UTF-8', `{${base},"a":"\xff"}`],
    ['an eventTime that is not a string', '{"eventSource":"s3.amazonaws.com","eventName":"X","eventTime":5}'],
    ['no eventName', '{"eventSource":"s3.amazonaws.com","eventTime":"2026-11-20T12:00:00Z"}'],
    [
      'a category eventSource',
      '{"eventSource":"rds.amazonaws.com","eventName":"X","eventTime":"2026-11-20T12:00:00Z"}',
    ],
    ['an unterminated string', `{${base},"a":"x}`],
  ])('refuses a record with %s', (_, raw) => {
    expect(encode(raw)).toBeNull();
  });

  it('refuses a record whose message would be over the size limit (the parser trims it)', async () => {
    const big = cloudTrailRecord({ eventSource: 's3.amazonaws.com', responseElements: { x: 'y'.repeat(9000) } });
    const { reference, fast } = await bothPaths(JSON.stringify({ Records: [big] }), 8192);
    expect(fast.fast).toBe(0);
    expect(fast.items).toEqual(reference.items);
    expect(fast.items[0]?.trimmed).not.toBeNull();
  });
});
