// Issue 13: the pure half of the dedupe protocol (shared/dedupe/claims.ts) and the processor's ALERT_DEDUPE_TABLE.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../shared/alerts/alert.js';
import type { SummaryAlert } from '../shared/alerts/storm.js';
import {
  dedupeKey,
  existingClaim,
  MAX_READABLE_KEY_CHARS,
  stormCounterKey,
  type ClaimItem,
} from '../shared/dedupe/claims.js';
import { ConfigError } from '../functions/lib/errors.js';
import { loadProcessorConfig } from '../functions/processor/config.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';
const EVENTS = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alert-events';
const alert = (fields: Partial<Alert>) =>
  ({
    rule: 'rds-database-deleted',
    eventID: 'ec115bf6-073f-4d57-b0b8-de528a86c38a',
    eventTime: '2026-11-20T11:02:30Z',
    eventSource: 'rds.amazonaws.com',
    eventName: 'DeleteDBInstance',
    file: 's3://b/k',
    recordIndex: 3,
    ...fields,
  }) as Alert;
const summary = (file: string | null) =>
  ({
    kind: 'summary',
    rule: 'rds-failed-call',
    file,
    eventIDs: ['a'],
    firstEventTime: '2026-11-20T11:00:00Z',
  }) as SummaryAlert;
const item = (fields: Partial<ClaimItem>): ClaimItem => ({
  pk: 'k',
  status: 'in-progress',
  leaseUntil: 1000,
  owner: 'o',
  expiresAt: 2000,
  ...fields,
});

describe('dedupeKey', () => {
  it('is one per topic, rule and eventID, whichever file or path the record came through', () => {
    expect(dedupeKey(TOPIC, alert({}))).toBe(
      `${TOPIC}|alert|rds-database-deleted|ec115bf6-073f-4d57-b0b8-de528a86c38a`,
    );
    expect(dedupeKey(TOPIC, alert({ file: null, recordIndex: null }))).toBe(dedupeKey(TOPIC, alert({})));
    expect(dedupeKey(EVENTS, alert({}))).not.toBe(dedupeKey(TOPIC, alert({})));
    expect(dedupeKey(TOPIC, alert({ rule: 'rds-failed-call' }))).not.toBe(dedupeKey(TOPIC, alert({})));
  });

  it('keeps a storm summary one unit per rule and file', () => {
    expect(dedupeKey(TOPIC, summary('s3://b/k'))).toBe(`${TOPIC}|summary|rds-failed-call|s3://b/k`);
    expect(dedupeKey(TOPIC, summary('s3://b/other'))).not.toBe(dedupeKey(TOPIC, summary('s3://b/k')));
  });

  it('falls back to where the record was read when it has no eventID', () => {
    expect(dedupeKey(TOPIC, alert({ eventID: null }))).toBe(
      `${TOPIC}|alert|rds-database-deleted|no-event-id:s3://b/k#3:2026-11-20T11:02:30Z:rds.amazonaws.com:DeleteDBInstance`,
    );
  });

  it("replaces a long key by a stable digest, within DynamoDB's 2,048-byte partition key", () => {
    const long = summary(`s3://b/${'x'.repeat(1500)}`);
    const key = dedupeKey(TOPIC, long);
    expect(key.length).toBeLessThanOrEqual(MAX_READABLE_KEY_CHARS);
    expect(key).toMatch(/\|sha256:[0-9a-f]{64}$/);
    expect(dedupeKey(TOPIC, long)).toBe(key);
    expect(dedupeKey(TOPIC, summary(`s3://b/${'x'.repeat(1499)}y`))).not.toBe(key);
  });
});

describe('existingClaim', () => {
  it('reads a published item as published, a live claim as busy, an expired or missing one as free', () => {
    expect(existingClaim(item({ status: 'published', leaseUntil: 0 }), 5000)).toBe('published');
    expect(existingClaim(item({ leaseUntil: 1000 }), 1000)).toBe('busy');
    expect(existingClaim(item({ leaseUntil: 999 }), 1000)).toBe('free');
    expect(existingClaim(undefined, 1000)).toBe('free');
  });
});

describe('stormCounterKey', () => {
  it('counts per rule per 5-minute window of eventTime', () => {
    expect(stormCounterKey('r', '2026-11-20T12:04:59Z')).toBe(stormCounterKey('r', '2026-11-20T12:00:00Z'));
    expect(stormCounterKey('r', '2026-11-20T12:05:00Z')).not.toBe(stormCounterKey('r', '2026-11-20T12:04:59Z'));
    expect(stormCounterKey('s', '2026-11-20T12:00:00Z')).not.toBe(stormCounterKey('r', '2026-11-20T12:00:00Z'));
  });
});

describe('ALERT_DEDUPE_TABLE', () => {
  it('is optional: unset means no dedupe', () => {
    expect(loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC }).dedupeTable).toBeUndefined();
    expect(loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, ALERT_DEDUPE_TABLE: '' }).dedupeTable).toBeUndefined();
  });

  it('takes a table name', () => {
    expect(
      loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, ALERT_DEDUPE_TABLE: 'trailwatch-AlertDedupeTable-1A2B3C' })
        .dedupeTable,
    ).toBe('trailwatch-AlertDedupeTable-1A2B3C');
  });

  it('refuses an ARN or an invalid name at cold start, naming the variable', () => {
    for (const value of ['arn:aws:dynamodb:us-east-1:123456789012:table/t', 'ab', 'has space']) {
      const load = () => loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, ALERT_DEDUPE_TABLE: value });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/ALERT_DEDUPE_TABLE: must be a DynamoDB table name/);
    }
  });
});
