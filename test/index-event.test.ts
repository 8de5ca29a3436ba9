// CloudTrail record -> CloudWatch Logs event: the message is the record plus `trailwatch`, built by splicing
// into the raw JSON; these tests prove the splice equals `{ ...record, trailwatch }`.
import { createReadStream } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord, JsonValue } from '../shared/cloudtrail.js';
import { toIndexEvent, trailwatchFields, type IndexSource } from '../shared/index/index.js';
import { PUT_LOG_EVENTS_LIMITS } from '../shared/index/limits.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { scanLog } from '../shared/scan/scan-log.js';
import { classifyFixture, loadRecord, recordFixtureNames } from './record-fixtures.js';

function sourceOf(record: CloudTrailRecord, raw = JSON.stringify(record), rules: string[] = []): IndexSource {
  return { raw, event: classify(record), alerts: rules.map((rule) => ({ rule })) };
}

function parsed(message: string): Record<string, unknown> {
  return JSON.parse(message) as Record<string, unknown>;
}

function trailwatchOf(message: string): Record<string, unknown> {
  return parsed(message).trailwatch as Record<string, unknown>;
}

function logFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? logFiles(path)
      : path.endsWith('.json.gz') && path.includes('/CloudTrail/')
        ? [path]
        : [];
  });
}

describe('index event message', () => {
  it('is the record plus the trailwatch object, for every record fixture', () => {
    for (const name of recordFixtureNames()) {
      const record = loadRecord(name);
      const source = sourceOf(record);
      const event = toIndexEvent(source);
      expect(parsed(event.message), name).toEqual({ ...record, trailwatch: trailwatchFields(source.event, []) });
    }
  });

  it('keeps the raw text of the record as it is, trailwatch first so Logs Insights always discovers it', () => {
    const record = loadRecord('delete-db-instance');
    const raw = JSON.stringify(record, null, 2);
    const { message } = toIndexEvent(sourceOf(record, raw));
    expect(message.endsWith(raw.slice(1))).toBe(true);
    expect(Object.keys(parsed(message))[0]).toBe('trailwatch');
  });

  it('keeps numbers with their original digits (no re-serialisation)', () => {
    const raw =
      '{"eventSource":"rds.amazonaws.com","eventName":"X","eventTime":"2024-08-01T13:29:57Z","n":1.50,"big":12345678901234567890}';
    const { message } = toIndexEvent(sourceOf(JSON.parse(raw) as CloudTrailRecord, raw));
    expect(message).toMatch(/^\{"trailwatch":\{.*\},"eventSource".*"n":1\.50,"big":12345678901234567890\}$/);
  });

  it('serialises instead of splicing when the record already has a trailwatch member', () => {
    const record = {
      eventSource: 'rds.amazonaws.com',
      eventName: 'X',
      eventTime: '2024-08-01T13:29:57Z',
      trailwatch: 'mine',
    } as CloudTrailRecord;
    const source = sourceOf(record);
    const message = toIndexEvent(source).message;
    expect(message.match(/"trailwatch":/g)).toHaveLength(1);
    expect(parsed(message)).toEqual({ ...record, trailwatch: trailwatchFields(source.event, []) });
  });

  it('equals { ...record, trailwatch } for any record, however its raw JSON is spaced', () => {
    const json: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: fc.constantFrom('a', '"', '\\', '}', '{', 'é', '😀', '\n', ' ') }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    const record = fc
      .record({
        eventSource: fc.constantFrom('rds.amazonaws.com', 'ec2.amazonaws.com', 'cloudtrail.amazonaws.com'),
        eventName: fc.string(),
        eventTime: fc.constant('2024-08-01T13:29:57Z'),
      })
      .chain((base) =>
        fc
          .dictionary(
            fc.string().filter((k) => k !== 'trailwatch'),
            json,
            { maxKeys: 5 },
          )
          .map((extra) => ({ ...extra, ...base }) as CloudTrailRecord),
      );
    const spacing = fc.constantFrom<[number | string | undefined, string]>(
      [undefined, ''],
      [2, ''],
      ['\t', '\n'],
      [undefined, '  \r\n'],
    );
    fc.assert(
      fc.property(
        record,
        spacing,
        fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
        (r, [indent, tail], rules) => {
          const raw = JSON.stringify(r, null, indent) + tail;
          // The record as the reader delivers it: parsed from the raw text (so -0 is already 0, as in the message).
          const record = JSON.parse(raw) as CloudTrailRecord;
          const source = sourceOf(record, raw, rules);
          const { message } = toIndexEvent(source);
          expect(parsed(message)).toEqual({ ...record, trailwatch: trailwatchFields(source.event, source.alerts) });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals { ...record, trailwatch } for every record of the sample logs, as scanLog delivers them', async () => {
    const ruleset = compileRuleset();
    let events = 0;
    let withAlerts = 0;
    for (const file of logFiles('events/logs')) {
      for await (const item of scanLog(createReadStream(file), { file, ruleset, alsoParse: 'all' })) {
        if (item.kind !== 'event') continue;
        const indexed = toIndexEvent(item);
        const fields = trailwatchFields(item.event, item.alerts);
        expect(parsed(indexed.message)).toEqual({ ...item.event.record, trailwatch: fields });
        events++;
        if (fields.alerts.length > 0) withAlerts++;
      }
    }
    expect(events).toBeGreaterThan(100);
    expect(withAlerts).toBeGreaterThan(0);
  });

  it('counts its size in UTF-8 bytes', () => {
    const record = { ...loadRecord('create-db-instance'), userAgent: 'dbé日😀' } as CloudTrailRecord;
    const event = toIndexEvent(sourceOf(record));
    expect(event.bytes).toBe(Buffer.byteLength(event.message, 'utf8'));
    expect(event.bytes).toBeGreaterThan(event.message.length);
  });

  it('is never under 79 bytes, so the count limit never binds before the byte limit (batch-bounds corollary)', () => {
    const record = { eventSource: 'x', eventName: 'y', eventTime: 'z' } as CloudTrailRecord;
    const event = toIndexEvent(sourceOf(record));
    expect(
      PUT_LOG_EVENTS_LIMITS.maxBatchEvents * (event.bytes + PUT_LOG_EVENTS_LIMITS.perEventOverheadBytes),
    ).toBeGreaterThanOrEqual(PUT_LOG_EVENTS_LIMITS.maxBatchBytes);
  });
});

describe('index event timestamp and id', () => {
  it('is the eventTime in milliseconds', () => {
    const record = { ...loadRecord('delete-db-instance'), eventTime: '2024-08-01T13:29:57Z' } as CloudTrailRecord;
    expect(toIndexEvent(sourceOf(record)).timestamp).toBe(Date.UTC(2024, 7, 1, 13, 29, 57));
  });

  it('keeps milliseconds of an eventTime that has them', () => {
    const record = { ...loadRecord('delete-db-instance'), eventTime: '2024-08-01T13:29:57.123Z' } as CloudTrailRecord;
    expect(toIndexEvent(sourceOf(record)).timestamp).toBe(Date.UTC(2024, 7, 1, 13, 29, 57, 123));
  });

  it('is NaN for an eventTime that is not a date, for classifyEventAge to report', () => {
    const record = { ...loadRecord('delete-db-instance'), eventTime: 'yesterday' } as CloudTrailRecord;
    expect(toIndexEvent(sourceOf(record)).timestamp).toBeNaN();
  });

  it('carries the eventID, or null when the record has none', () => {
    const record = loadRecord('delete-db-instance');
    expect(toIndexEvent(sourceOf(record)).eventID).toBe(record.eventID);
    const { eventID: _dropped, ...withoutId } = record;
    expect(toIndexEvent(sourceOf(withoutId as CloudTrailRecord)).eventID).toBeNull();
  });

  it('is not trimmed when it fits', () => {
    expect(toIndexEvent(sourceOf(loadRecord('delete-db-instance'))).trimmed).toBeNull();
  });
});

describe('trailwatch object', () => {
  it('names the resource acted on as a plain string, for { $.trailwatch.resource = "oradb" }', () => {
    expect(trailwatchOf(toIndexEvent(sourceOf(loadRecord('delete-db-instance'))).message).resource).toBe('oradb');
  });

  it('lists the old and the new name of a renamed instance among its resources', () => {
    const resources = trailwatchOf(toIndexEvent(sourceOf(loadRecord('modify-db-instance-rename'))).message).resources;
    expect(resources).toEqual(expect.arrayContaining(['mysql-db', 'mysqldb']));
  });

  it('lists ids and ARNs, each once, primary first', () => {
    const fields = trailwatchFields(classifyFixture('create-db-instance'), []);
    expect(fields.resources).toEqual(['test-instance', 'arn:aws:rds:us-east-1:123456789012:db:test-instance']);
  });

  it('has a null resource when the event names none', () => {
    expect(trailwatchFields(classifyFixture('federated-user-get-caller-identity'), []).resource).toBeNull();
  });

  it('lists the rule ids the event raised, each once', () => {
    const fields = trailwatchFields(classifyFixture('delete-db-instance'), [
      { rule: 'rds-instance-deleted' },
      { rule: 'rds-instance-deleted' },
      { rule: 'x' },
    ]);
    expect(fields.alerts).toEqual(['rds-instance-deleted', 'x']);
  });

  it('has the category, failure and who made the call', () => {
    const fields = trailwatchFields(classifyFixture('root-delete-db-instance'), []);
    expect(fields).toMatchObject({
      category: 'rds',
      failed: false,
      principal: { type: 'Root', name: 'root', isRoot: true, isAwsService: false },
    });
  });

  it('marks a failed call', () => {
    expect(trailwatchFields(classifyFixture('delete-db-instance-failed'), []).failed).toBe(true);
  });

  it('leaves access key ids out of the principal', () => {
    const fields = trailwatchFields(classifyFixture('assumed-role-modify-db-instance'), []);
    expect(fields.principal).not.toHaveProperty('accessKeyId');
    expect(fields.principal).toMatchObject({ type: 'AssumedRole' });
  });
});
