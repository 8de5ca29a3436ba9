// A parsed record's index event encoded from its raw text's bytes (shared/index/scanned-event-encoder.ts) against the
// path it replaces, encodeIndexEvent(toIndexEvent(...)): the same literal bytes, message size, timestamp, event id
// and trimming, whatever the raw text, the record and the size limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateRecords } from '../bench/generate.js';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { ByteSlab, encodeIndexEvent, type EncodedIndexEvent } from '../shared/index/encoded-event.js';
import { type IndexSource, toIndexEvent } from '../shared/index/index-event.js';
import { encodeScannedEvent } from '../shared/index/scanned-event-encoder.js';
import { wasmTextEscaper } from '../shared/index/wasm/record-escape.js';
import { cloudTrailRecord } from './helpers/log-files.js';
import { recordBytes } from './helpers/record-bytes.js';

const slab = new ByteSlab();
const escaper = wasmTextEscaper();

function seen(event: EncodedIndexEvent) {
  return {
    json: event.json.toString('latin1'),
    bytes: event.bytes,
    timestamp: event.timestamp,
    eventID: event.eventID,
    trimmed: event.trimmed,
  };
}

/** Both encodings of `source`: the one from bytes, and the reference. */
function both(source: IndexSource, maxMessageBytes?: number) {
  const options = maxMessageBytes === undefined ? {} : { maxMessageBytes };
  if (!escaper) throw new Error('no WebAssembly SIMD in this runtime');
  return {
    fromBytes: seen(encodeScannedEvent(source, slab, options, escaper)),
    reference: seen(encodeIndexEvent(toIndexEvent(source, options), slab)),
  };
}

function sourceOf(record: Record<string, unknown>, raw = JSON.stringify(record), rules: string[] = []): IndexSource {
  return { raw, event: classify(record as unknown as CloudTrailRecord), alerts: rules.map((rule) => ({ rule })) };
}

describe('index events of parsed records, encoded from their raw text', () => {
  it("are toIndexEvent's, for the bench's generated records", () => {
    let n = 0;
    for (const generated of generateRecords()) {
      const record = JSON.parse(generated.json) as Record<string, unknown>;
      const { fromBytes, reference } = both(sourceOf(record, generated.json, n % 7 === 0 ? ['root-login'] : []));
      expect(fromBytes).toEqual(reference);
      if (++n === 1500) break;
    }
  });

  it("are toIndexEvent's, for records as bytes of every shape", () => {
    const shape = recordBytes({
      names: ['eventTime', 'eventSource', 'eventName', 'eventID', 'userIdentity', 'requestParameters', 'trailwatch'],
      values: {
        eventSource: ['"rds.amazonaws.com"', '"s3.amazonaws.com"', '"cloudtrail.amazonaws.com"'],
        eventName: ['"DeleteDBInstance"', '"ModifyDBInstance"', '"StopLogging"'],
        requestParameters: ['{"dBInstanceIdentifier":"db-\\u00e9","newDBInstanceIdentifier":"b\\"c"}'],
      },
      required: ['eventSource', 'eventName'],
    });
    let parsed = 0;
    fc.assert(
      fc.property(shape, fc.constantFrom('', ' ', '\n\t'), fc.constantFrom(undefined, 4096, 5000), (bytes, ws, max) => {
        const raw = ws + bytes.toString('utf8');
        // Records the reader would hand over: JSON, and an object the classifier takes.
        let source: IndexSource;
        try {
          source = sourceOf(JSON.parse(raw) as Record<string, unknown>, raw);
        } catch {
          return;
        }
        parsed++;
        const { fromBytes, reference } = both(source, max);
        expect(fromBytes).toEqual(reference);
      }),
      { numRuns: 1500 },
    );
    expect(parsed).toBeGreaterThan(500);
  });

  it("are toIndexEvent's, whatever the raw text holds (control characters, lone surrogates, U+FFFD)", () => {
    // toIndexEvent does not parse the raw text: any text after a `{` is spliced and escaped as it is.
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({
        unit: fc.constantFrom('a', '"', '\\', '\u0001', '\b', '\f', '\n', '\r', '\t', '\u001f', '\u007f'),
        maxLength: 40,
      }),
      fc.string({
        unit: fc.constantFrom('é', '\ufffd', '\ud800', '\udfff', '😀', '\u2028', 'x'.repeat(17)),
        maxLength: 40,
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('', ' ', '\r\n'),
        text,
        fc.constantFrom('}', ' }', '"a":1}', ''),
        (ws, body, tail) => {
          const record = cloudTrailRecord({ eventSource: 's3.amazonaws.com', eventID: 'e' });
          const { fromBytes, reference } = both(sourceOf(record, `${ws}{${body}${tail}`));
          expect(fromBytes).toEqual(reference);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("are toIndexEvent's, for raw texts that are not an object or are empty inside", () => {
    const record = cloudTrailRecord({ eventSource: 's3.amazonaws.com' });
    for (const raw of ['', ' ', '[1]', '{', '{ ', '{}', ' { } ', 'x{"a":1}'])
      expect(both(sourceOf(record, raw)).fromBytes, raw).toEqual(both(sourceOf(record, raw)).reference);
  });

  it("are toIndexEvent's around the size limit and far over it (trimmed)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3500, max: 4700 }), fc.constantFrom('x', 'é', '😀', '\\"'), (size, unit) => {
        const record = cloudTrailRecord({ eventSource: 'rds.amazonaws.com', note: unit.repeat(size / unit.length) });
        const { fromBytes, reference } = both(sourceOf(record), 4096);
        expect(fromBytes).toEqual(reference);
      }),
      { numRuns: 200 },
    );
    const huge = cloudTrailRecord({ eventSource: 'rds.amazonaws.com', note: 'aé😀"\\\n'.repeat(300_000) });
    const { fromBytes, reference } = both(sourceOf(huge));
    expect(fromBytes).toEqual(reference);
    expect(fromBytes.trimmed).not.toBeNull();
  });

  it("are toIndexEvent's for a record of its own trailwatch member", () => {
    const record = cloudTrailRecord({ eventSource: 's3.amazonaws.com', trailwatch: { x: 1 } });
    const { fromBytes, reference } = both(sourceOf(record));
    expect(fromBytes).toEqual(reference);
  });
});
