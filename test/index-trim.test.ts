// Events larger than CloudWatch Logs takes are trimmed, never dropped, and say so in `trailwatch`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord, JsonValue } from '../shared/cloudtrail.js';
import { MIN_TRIM_TARGET_BYTES, toIndexEvent, trailwatchFields } from '../shared/index/index.js';
import { PUT_LOG_EVENTS_LIMITS } from '../shared/index/limits.js';
import { loadRecord } from './record-fixtures.js';

const MAX = 8_192;

function indexed(record: CloudTrailRecord, maxMessageBytes = MAX) {
  return toIndexEvent(
    { raw: JSON.stringify(record), event: classify(record), alerts: [{ rule: 'rds-instance-deleted' }] },
    { maxMessageBytes },
  );
}

function withField(name: string, value: JsonValue): CloudTrailRecord {
  return { ...loadRecord('delete-db-instance'), [name]: value } as CloudTrailRecord;
}

const big = (bytes: number): JsonValue => ({ blob: 'x'.repeat(bytes) });

describe('trimming an oversized event', () => {
  it('removes a large responseElements first and keeps requestParameters', () => {
    const record = withField('responseElements', big(20_000));
    const message = JSON.parse(indexed(record).message) as Record<string, unknown>;
    expect(message).not.toHaveProperty('responseElements');
    expect(message.requestParameters).toEqual(record.requestParameters);
  });

  it('says which fields went and how large the whole message was', () => {
    const record = withField('responseElements', big(20_000));
    const event = indexed(record);
    const fields = JSON.parse(event.message).trailwatch;
    expect(fields.trimmed).toEqual(['responseElements']);
    expect(fields.originalBytes).toBeGreaterThan(20_000);
    expect(event.trimmed).toEqual({
      removed: ['responseElements'],
      truncated: [],
      originalBytes: fields.originalBytes,
    });
  });

  it('removes the largest field first: a large requestParameters goes and a smaller responseElements stays', () => {
    const record = {
      ...withField('responseElements', big(3_000)),
      requestParameters: { dBInstanceIdentifier: 'oradb', blob: 'y'.repeat(20_000) },
    } as CloudTrailRecord;
    const event = indexed(record);
    expect(event.trimmed?.removed).toEqual(['requestParameters']);
    expect(JSON.parse(event.message).responseElements).toEqual(record.responseElements);
  });

  it('removes the next largest when the largest is not enough', () => {
    const record = {
      ...withField('responseElements', big(7_000)),
      requestParameters: { dBInstanceIdentifier: 'oradb', blob: 'y'.repeat(9_000) },
    } as CloudTrailRecord;
    expect(indexed(record).trimmed?.removed).toEqual(['requestParameters', 'responseElements']);
  });

  it('loses only userAgent when userAgent is the only oversized field: requestParameters and responseElements stay', () => {
    const record = {
      ...withField('userAgent', 'Mozilla/5.0 '.repeat(2_000)),
      requestParameters: { dBInstanceIdentifier: 'oradb', skipFinalSnapshot: false },
      responseElements: { dBInstanceIdentifier: 'oradb', dBInstanceStatus: 'deleting' },
    } as CloudTrailRecord;
    const event = indexed(record);
    expect(event.trimmed?.removed).toEqual(['userAgent']);
    const message = JSON.parse(event.message) as Record<string, unknown>;
    expect(message.requestParameters).toEqual(record.requestParameters);
    expect(message.responseElements).toEqual(record.responseElements);
  });

  it('keeps the trailwatch facts of the whole record (resource, alerts) after trimming', () => {
    const record = withField('responseElements', big(20_000));
    const fields = JSON.parse(indexed(record).message).trailwatch;
    expect(fields).toMatchObject({ ...trailwatchFields(classify(record), [{ rule: 'rds-instance-deleted' }]) });
    expect(fields.resource).toBe('oradb');
  });

  it('keeps every field it does not name as removed, unchanged', () => {
    const record = withField('responseElements', big(20_000));
    const { trailwatch: _fields, ...rest } = JSON.parse(indexed(record).message) as Record<string, unknown>;
    const { responseElements: _gone, ...expected } = record;
    expect(rest).toEqual(expected);
  });

  it('removes other large fields, largest first, and nothing smaller than needed', () => {
    const record = { ...withField('otherField', big(20_000)), someVendorField: big(30_000) } as CloudTrailRecord;
    expect(indexed(record).trimmed?.removed).toEqual(['someVendorField', 'otherField']);
  });

  it('never lists a trailwatch member of the record as trimmed: ours replaces it', () => {
    const record = { ...withField('responseElements', big(20_000)), trailwatch: big(30_000) } as CloudTrailRecord;
    expect(indexed(record).trimmed?.removed).toEqual(['responseElements']);
  });

  it('shortens the core fields as a last resort, and says so', () => {
    const record = withField('errorMessage', 'z'.repeat(5_000));
    const huge = { ...record, eventName: 'n'.repeat(50_000) } as CloudTrailRecord;
    const event = indexed(huge);
    expect(event.bytes).toBeLessThanOrEqual(MAX);
    expect(event.trimmed?.truncated).toContain('eventName');
    expect(JSON.parse(event.message).eventID).toBe(record.eventID);
  });

  it('shortens a resource list too long to fit', () => {
    const record = withField('requestParameters', { dBInstanceIdentifier: 'a'.repeat(9_000) });
    const event = indexed(record);
    expect(event.bytes).toBeLessThanOrEqual(MAX);
    expect(event.trimmed?.truncated).toEqual(expect.arrayContaining(['trailwatch.resource']));
  });

  it('trims at the real limit: an event of more than 1 MB comes out at most maxEventMessageBytes', () => {
    const record = withField('responseElements', big(1_100_000));
    const event = indexed(record, PUT_LOG_EVENTS_LIMITS.maxEventMessageBytes);
    expect(event.bytes).toBeLessThanOrEqual(PUT_LOG_EVENTS_LIMITS.maxEventMessageBytes);
    expect(event.trimmed?.removed).toEqual(['responseElements']);
  });

  it('refuses a limit too small to hold the last-resort skeleton', () => {
    expect(() => indexed(loadRecord('delete-db-instance'), MIN_TRIM_TARGET_BYTES - 1)).toThrow(RangeError);
  });

  it('always fits, stays valid JSON and keeps eventID/eventTime/eventName, whatever the record', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '日', '😀', '"', '\\'), maxLength: 3_000 });
    const value: fc.Arbitrary<JsonValue> = fc.oneof(
      text,
      fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 4 }),
      fc.array(text, { maxLength: 4 }),
    );
    const record = fc
      .record({
        eventID: fc.uuid(),
        eventName: fc.oneof(fc.constantFrom('DeleteDBInstance', 'ModifyDBInstance'), text),
        requestParameters: fc.record({ dBInstanceIdentifier: text, extra: value }),
        responseElements: fc.oneof(fc.constant(null), value),
      })
      .chain((base) =>
        fc.dictionary(fc.string({ maxLength: 30 }), value, { maxKeys: 6 }).map((extra) => ({ ...extra, ...base })),
      )
      .map(
        (fields) =>
          ({ eventSource: 'rds.amazonaws.com', eventTime: '2024-08-01T13:29:57Z', ...fields }) as CloudTrailRecord,
      );
    fc.assert(
      fc.property(record, fc.integer({ min: MIN_TRIM_TARGET_BYTES, max: 12_000 }), (r, max) => {
        const event = indexed(r, max);
        expect(event.bytes).toBeLessThanOrEqual(max);
        expect(event.bytes).toBe(Buffer.byteLength(event.message, 'utf8'));
        const message = JSON.parse(event.message) as Record<string, unknown>;
        expect(message.eventID).toBe(r.eventID);
        expect(message.eventTime).toBe(r.eventTime);
        if (event.trimmed === null) return;
        expect((message.trailwatch as { originalBytes: number }).originalBytes).toBeGreaterThan(max);
        if (event.trimmed.truncated.length === 0) {
          // Whole fields out, the rest untouched.
          const { trailwatch: _fields, ...rest } = message;
          const expected: Record<string, unknown> = { ...r };
          for (const key of event.trimmed.removed) delete expected[key];
          expect(rest).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every field that fits: putting any removed field back goes over the limit, and the result is within it', () => {
    // Sizes drawn outright (fast-check's own strings stay short), up to half the largest limit per field.
    const text = (max: number) =>
      fc
        .tuple(fc.integer({ min: 0, max }), fc.constantFrom('a', 'é', '日', '😀', '"', '\\'))
        .map(([n, unit]) => unit.repeat(n));
    const value: fc.Arbitrary<JsonValue> = fc.oneof(
      text(6_000),
      fc.dictionary(fc.string({ maxLength: 8 }), text(1_500), { maxKeys: 4 }),
      fc.array(text(1_500), { maxLength: 4 }),
    );
    const fieldName = fc.constantFrom(
      'userAgent',
      'requestParameters',
      'responseElements',
      'errorMessage',
      'additionalEventData',
      'serviceEventDetails',
      'resources',
      'tlsDetails',
    );
    const record = fc
      .dictionary(fieldName, value, { minKeys: 1, maxKeys: 8 })
      .map((extra) => ({ ...loadRecord('delete-db-instance'), ...extra }) as CloudTrailRecord);
    fc.assert(
      fc.property(record, fc.integer({ min: MIN_TRIM_TARGET_BYTES, max: 12_000 }), (r, max) => {
        const event = indexed(r, max);
        expect(event.bytes).toBeLessThanOrEqual(max);
        if (event.trimmed === null || event.trimmed.truncated.length > 0) return;
        const message = JSON.parse(event.message) as Record<string, unknown> & { trailwatch: { trimmed: string[] } };
        // Everything not named as removed is there, unchanged.
        const { trailwatch: _fields, ...rest } = message;
        const expected: Record<string, unknown> = { ...r };
        for (const key of event.trimmed.removed) delete expected[key];
        expect(rest).toEqual(expected);
        // No removed field would have fitted: each one put back (and unlisted) is over the limit.
        for (const key of event.trimmed.removed) {
          const putBack = {
            ...message,
            trailwatch: { ...message.trailwatch, trimmed: message.trailwatch.trimmed.filter((k) => k !== key) },
            [key]: r[key],
          };
          expect(Buffer.byteLength(JSON.stringify(putBack), 'utf8'), key).toBeGreaterThan(max);
        }
      }),
      { numRuns: 300 },
    );
  });
});
