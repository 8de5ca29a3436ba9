// Depth capping: what lets code that stringifies or walks records (alert text, trimming, index events) take a
// record nested deeper than the stack (issue 11, item 1).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord, JsonValue } from '../shared/cloudtrail.js';
import { toIndexEvent } from '../shared/index/index.js';
import { compactJsonBytes, depthCapped, isDeeperThan, MAX_JSON_DEPTH } from '../shared/json-depth.js';
import { cloudTrailRecord } from './helpers/log-files.js';

/** `[[[...]]]` nested `depth` deep, built without recursion. */
function nestedArrays(depth: number): JsonValue {
  let value: JsonValue = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('depthCapped', () => {
  it('returns a record no deeper than the cap as it is, not a copy', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        expect(depthCapped(value as JsonValue)).toBe(value);
      }),
    );
  });

  it('makes a value nested 1,000,000 deep one JSON.stringify can write, the cut part a marker with its size', () => {
    const deep = nestedArrays(1_000_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const capped = depthCapped(deep);
    expect(isDeeperThan(capped)).toBe(false);
    const text = JSON.stringify(capped);
    // What is left is MAX_JSON_DEPTH + 1 arrays around the marker for the rest.
    const cutBytes = 2 * (1_000_001 - (MAX_JSON_DEPTH + 1));
    expect(text).toBe(
      `${'['.repeat(MAX_JSON_DEPTH + 1)}"[trimmed by trailwatch: ${cutBytes.toLocaleString('en-US')} bytes nested deeper than 64 levels]"${']'.repeat(MAX_JSON_DEPTH + 1)}`,
    );
  });
});

describe('compactJsonBytes', () => {
  it('counts the UTF-8 bytes of JSON.stringify for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(compactJsonBytes(value as JsonValue)).toBe(Buffer.byteLength(JSON.stringify(value), 'utf8'));
      }),
    );
  });
});

describe('index events of deeply nested records', () => {
  const deepRecord = (extra: Record<string, JsonValue>): CloudTrailRecord =>
    cloudTrailRecord({ ...extra, requestParameters: { parameters: nestedArrays(100_000) } }) as CloudTrailRecord;

  it('are built for a record with its own trailwatch member (serialised, not spliced)', () => {
    const record = deepRecord({ trailwatch: 'mine' });
    const event = toIndexEvent({ raw: '{}', event: classify(record), alerts: [] });
    expect(JSON.parse(event.message)).toMatchObject({
      eventName: 'DescribeDBInstances',
      trailwatch: { category: 'rds' },
    });
  });

  it('are built, trimmed, for a record over the event size limit', () => {
    const record = deepRecord({});
    const raw = `{"eventVersion":"1.09","eventTime":"2024-08-01T13:29:57Z","eventSource":"rds.amazonaws.com","eventName":"DescribeDBInstances","awsRegion":"us-east-1","requestParameters":{"parameters":${'['.repeat(100_001)}${']'.repeat(100_001)}}}`;
    const event = toIndexEvent({ raw, event: classify(record), alerts: [] }, { maxMessageBytes: 100_000 });
    expect(event.bytes).toBeLessThanOrEqual(100_000);
    expect(JSON.parse(event.message)).toMatchObject({ eventName: 'DescribeDBInstances' });
  });
});
