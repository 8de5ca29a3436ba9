// A record the reader cannot hold to classify becomes an alert (issue 11, item 4): shared/scan/unreadable-record.ts
// and the built-in rule trailwatch-record-unreadable, through scanLog as every caller uses it.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MalformedRecordError } from '../shared/errors.js';
import type { MalformedRecord } from '../shared/reader/types.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { scanLog } from '../shared/scan/scan-log.js';
import { deliveryTime, unreadableRecord } from '../shared/scan/unreadable-record.js';
import { chunked, cloudTrailRecord } from './helpers/log-files.js';

const FILE =
  's3://trail-bucket/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1005Z_QhJO9Acyz0snKu0m.json.gz';

function tooLarge(index: number, offset: number): MalformedRecord {
  const detail =
    'record is 9437300 bytes, over the 8388608-byte limit for a record that may matter: not parsed, not classified';
  return {
    kind: 'malformed',
    index,
    offset,
    error: new MalformedRecordError('RECORD_TOO_LARGE', { file: FILE, recordIndex: index, offset }, detail),
  };
}

async function scanText(text: string, ruleset = compileRuleset()) {
  const items = [];
  for await (const item of scanLog(chunked(gzipSync(text), [64 * 1024]), { file: FILE, ruleset })) items.push(item);
  return items;
}

describe('unreadableRecord', () => {
  it('is the committed fixture test/fixtures/records/reader-record-too-large.json (the golden email is built from it)', () => {
    const fixture: unknown = JSON.parse(
      readFileSync(new URL('./fixtures/records/reader-record-too-large.json', import.meta.url), 'utf8'),
    );
    expect(unreadableRecord(FILE, tooLarge(7, 18234))).toEqual(fixture);
  });

  it('derives the same eventID for the same file and place, so a retried file raises the same alert (dedupe key)', () => {
    expect(unreadableRecord(FILE, tooLarge(7, 18234)).eventID).toBe(unreadableRecord(FILE, tooLarge(7, 18234)).eventID);
    expect(unreadableRecord(FILE, tooLarge(8, 18234)).eventID).not.toBe(
      unreadableRecord(FILE, tooLarge(7, 18234)).eventID,
    );
  });

  it("dates the event by the delivery time in the log file's name, or leaves it empty when the name has none", () => {
    expect(deliveryTime(FILE)).toBe('2026-11-20T10:05:00Z');
    expect(deliveryTime('logs/some-file.json.gz')).toBe('');
  });
});

describe('scanLog on a record over the size limit', () => {
  const padded = JSON.stringify(
    cloudTrailRecord({
      eventName: 'DeleteDBInstance',
      eventID: 'padded',
      requestParameters: { dBInstanceIdentifier: 'prod', note: 'x'.repeat(9 * 1024 * 1024) },
    }),
  );
  const stop = JSON.stringify(
    cloudTrailRecord({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', eventID: 'stop' }),
  );

  it('reports it as malformed, raises trailwatch-record-unreadable for it, and reads on', async () => {
    const items = await scanText(`{"Records":[${padded},${stop}]}`);
    expect(
      items.map((item) =>
        item.kind === 'malformed' ? `malformed ${item.error.code}` : item.alerts.map((a) => a.rule).join(','),
      ),
    ).toEqual(['malformed RECORD_TOO_LARGE', 'trailwatch-record-unreadable', 'cloudtrail-logging-stopped']);
  });

  it('raises nothing when the rule is disabled: it is a rule like any other', async () => {
    const items = await scanText(
      `{"Records":[${padded}]}`,
      compileRuleset({ disabled: ['trailwatch-record-unreadable'] }),
    );
    expect(items.flatMap((item) => (item.kind === 'event' ? item.alerts : []))).toEqual([]);
  });

  it('raises nothing for an oversized record no rule wants: the reader skips it unseen', async () => {
    const ec2 = JSON.stringify(
      cloudTrailRecord({
        eventSource: 'ec2.amazonaws.com',
        eventName: 'RunInstances',
        requestParameters: { note: 'x'.repeat(9 * 1024 * 1024) },
      }),
    );
    const items = await scanText(`{"Records":[${ec2},${stop}]}`);
    expect(
      items.map((item) => (item.kind === 'malformed' ? 'malformed' : item.alerts.map((a) => a.rule).join(','))),
    ).toEqual(['cloudtrail-logging-stopped']);
  });
});
