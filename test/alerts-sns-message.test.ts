// Longer than 400 lines because: one specification of one function, buildSnsMessage (subject, email, JSON, attributes
// and the size fitting), with its property tests beside the examples they generalise.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnsMessage, type SnsAlertMessage } from '../functions/processor/sns-message.js';
import {
  attributeBytes,
  MAX_PUBLISH_BATCH_ENTRIES,
  MAX_SNS_PAYLOAD_BYTES,
  packPublishBatches,
  publishEntryBytes,
} from '../functions/processor/sns-limits.js';
import { AlertCollector, isSummaryAlert, type Alert, type SummaryAlert } from '../shared/alerts/index.js';
import { MAX_SUBJECT_LENGTH } from '../shared/render/subject.js';
import type { CloudTrailRecord, JsonObject } from '../shared/cloudtrail.js';
import { recordFixtureNames, loadRecord } from './record-fixtures.js';
import { alertFor, eventIdNumber, fixtureAlert, timePlus } from './alerts-fixtures.js';
import { classify } from '../shared/classify/index.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { buildAlert } from '../shared/alerts/alert.js';
import { alertJson } from '../shared/alerts/alert-json.js';
import { alertEmailText } from '../shared/render/email-text.js';
import { jsonStringBytes, utf8Bytes } from '../shared/render/plain-text.js';
import { prettyRecordWithin } from '../shared/render/record-text.js';

const deletion = () => fixtureAlert('delete-db-instance', 'rds-database-deleted');

interface PublishedMessage {
  default: string;
  email: string;
}

function parts(message: SnsAlertMessage): PublishedMessage {
  return JSON.parse(message.message);
}

/** What SNS counts against MAX_SNS_PAYLOAD_BYTES for the alert topic's message. */
function sizeOf(message: SnsAlertMessage): number {
  return publishEntryBytes({
    Message: message.message,
    Subject: message.subject,
    MessageAttributes: message.attributes,
  });
}

/** The email's words with line wrapping undone, to look for a sentence wherever the lines break. */
function unwrapped(message: SnsAlertMessage): string {
  return parts(message).email.replace(/\s+/g, ' ');
}

function withAlert(changes: Partial<Alert>): Alert {
  return { ...deletion().alert, ...changes };
}

function withPrincipal(changes: Partial<Alert['principal']>): Alert {
  const { alert } = deletion();
  return { ...alert, principal: { ...alert.principal, ...changes } };
}

/** Every alert the built-in rules raise on the record fixtures, with its record. */
function everyFixtureAlert(): Array<{ alert: Alert; raw: string }> {
  const ruleset = compileRuleset();
  return recordFixtureNames().flatMap((name) => {
    const record = loadRecord(name);
    const event = classify(record);
    return ruleset.evaluate(event).map((rule) => ({ alert: buildAlert(rule, event), raw: JSON.stringify(record) }));
  });
}

/** A summary of `count` failed DeleteDBInstance calls, built by the collector. */
function failedCallSummary(
  count: number,
  change: (record: CloudTrailRecord, i: number) => CloudTrailRecord = (r) => r,
): SummaryAlert {
  const collector = new AlertCollector();
  const base = loadRecord('delete-db-instance-failed');
  for (let i = 0; i < count; i++) {
    const record = change(
      { ...base, eventID: eventIdNumber(i + 1), eventTime: timePlus('2025-03-04T08:02:40Z', i) },
      i,
    );
    const { alert, raw } = alertFor(record, 'rds-failed-call', i);
    collector.add(alert, raw);
  }
  const [item] = collector.drain();
  if (!item || !isSummaryAlert(item.alert)) throw new Error('expected a summary');
  return item.alert;
}

/** The delete-db-instance record with `bytes` of extra data in responseElements. */
function hugeRecord(bytes: number, filler = 'x'): CloudTrailRecord {
  const record = loadRecord('delete-db-instance');
  const responseElements: JsonObject = {
    ...(record.responseElements as JsonObject),
    tagList: [{ key: 'notes', value: filler.repeat(bytes / filler.length) }],
  };
  return { ...record, responseElements };
}

const SUBJECT_CHARACTERS = /^[\x20-\x7e]+$/;

describe('subject', () => {
  it('says severity, call, resource, caller, account and region', () => {
    const { alert, raw } = deletion();
    expect(buildSnsMessage(alert, { raw }).subject).toBe(
      '[HIGH] DeleteDBInstance oradb by Admin (123456789012 us-east-1)',
    );
  });

  it('says Failed for a failed call', () => {
    const { alert } = fixtureAlert('delete-db-instance-failed', 'rds-database-deleted');
    expect(buildSnsMessage(alert).subject).toMatch(/^\[HIGH\] Failed DeleteDBInstance orders-prod by /);
  });

  it('names the Identity Center user rather than the permission set role', () => {
    const { alert } = fixtureAlert('delete-db-instance-failed', 'rds-database-deleted');
    expect(buildSnsMessage(alert).subject).toContain(' by mallory@example.com ');
  });

  it('stays under 100 characters with long names, keeping severity and account/region whole', () => {
    const alert = withAlert({
      resource: { kind: 'db-instance', id: `orders-${'x'.repeat(200)}-replica` },
      principal: { ...deletion().alert.principal, name: `Role${'y'.repeat(300)}` },
    });
    const subject = buildSnsMessage(alert).subject;
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    // The resource gives way first (to 10 characters), then the caller; the call stays whole.
    expect(subject).toMatch(/^\[HIGH\] DeleteDBInstance orde\.\.\.ica by Roley+\.\.\.y+ \(123456789012 us-east-1\)$/);
  });

  it('has no line breaks or control characters when the names have them', () => {
    const subject = buildSnsMessage(withPrincipal({ name: 'evil\r\nBcc: x\u0000\u001b[31m\u2028y' })).subject;
    expect(subject).toMatch(SUBJECT_CHARACTERS);
  });

  it('folds accented names to ASCII and marks other characters', () => {
    expect(buildSnsMessage(withPrincipal({ name: 'José-Müller' })).subject).toContain(' by Jose-Muller ');
    expect(buildSnsMessage(withPrincipal({ name: '山田' })).subject).toContain(' by ?? ');
  });

  it('leaves out account and region when the record has neither', () => {
    expect(buildSnsMessage(withAlert({ account: null, awsRegion: null })).subject).toBe(
      '[HIGH] DeleteDBInstance oradb by Admin',
    );
  });

  it('fits SNS for any names a record can hold', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ maxLength: 300 }),
        (name, id, eventName) => {
          const subject = buildSnsMessage(
            withAlert({
              eventName,
              resource: { kind: 'db-instance', id },
              principal: { ...deletion().alert.principal, name },
            }),
          ).subject;
          expect(subject.length).toBeGreaterThan(0);
          expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
          expect(subject).toMatch(SUBJECT_CHARACTERS);
          expect(subject.startsWith('[HIGH] ')).toBe(true);
        },
      ),
    );
  });

  it('fits SNS for every alert the built-in rules raise on the fixtures', () => {
    for (const { alert } of everyFixtureAlert()) {
      const subject = buildSnsMessage(alert).subject;
      expect(subject.length, subject).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
      expect(subject, subject).toMatch(SUBJECT_CHARACTERS);
    }
  });

  it('of a summary says severity, count, rule, place, and the most frequent call and caller', () => {
    expect(buildSnsMessage(failedCallSummary(21)).subject).toBe(
      '[LOW] 21 x rds-failed-call in 123456789012 us-east-1 (DeleteDBInstance by mallory@example.com)',
    );
  });

  it('of a summary adds ", ..." when there is more than one call or caller', () => {
    const summary = failedCallSummary(21, (record, i) =>
      i % 2 ? { ...record, eventName: 'ModifyDBInstance' } : record,
    );
    expect(buildSnsMessage(summary).subject).toMatch(/ \(DeleteDBInstance by mallory@example\.com, \.\.\.\)$/);
  });

  it('of a summary stays under 100 characters with long names', () => {
    const summary = failedCallSummary(21, (record) => ({
      ...record,
      userIdentity: { type: 'IAMUser', userName: 'u'.repeat(500) },
    }));
    const subject = buildSnsMessage(summary).subject;
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(subject).toMatch(
      /^\[LOW\] 21 x rds-failed-call in 123456789012 us-east-1 \(DeleteDBInstance by u+\.\.\.u+\)$/,
    );
  });
});

describe('attributes', () => {
  it('carry severity, rule, eventName, eventSource, account and region as Strings', () => {
    const { alert, raw } = deletion();
    expect(buildSnsMessage(alert, { raw }).attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      rule: { DataType: 'String', StringValue: 'rds-database-deleted' },
      eventName: { DataType: 'String', StringValue: 'DeleteDBInstance' },
      eventSource: { DataType: 'String', StringValue: 'rds.amazonaws.com' },
      account: { DataType: 'String', StringValue: '123456789012' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
    });
  });

  it('leave out an absent account or region rather than sending an empty value', () => {
    const { attributes } = buildSnsMessage(withAlert({ account: null, awsRegion: '' }));
    expect(Object.keys(attributes).sort()).toEqual(['eventName', 'eventSource', 'rule', 'severity']);
  });

  it('never have an empty value, for any alert of the fixtures', () => {
    for (const { alert } of everyFixtureAlert()) {
      for (const value of Object.values(buildSnsMessage(alert).attributes))
        expect(value.StringValue.length).toBeGreaterThan(0);
    }
  });

  it('of a summary list several event names as a String.Array', () => {
    const summary = failedCallSummary(21, (record, i) =>
      i % 3 ? record : { ...record, eventName: 'ModifyDBInstance' },
    );
    expect(buildSnsMessage(summary).attributes.eventName).toEqual({
      DataType: 'String.Array',
      StringValue: '["DeleteDBInstance","ModifyDBInstance"]',
    });
  });

  it('of a summary with one event name, account and region are plain Strings', () => {
    const { attributes } = buildSnsMessage(failedCallSummary(21));
    expect([attributes.eventName, attributes.account, attributes.region].map((a) => a?.DataType)).toEqual([
      'String',
      'String',
      'String',
    ]);
  });
});

describe('message', () => {
  it('is a JSON object with string default and email keys only', () => {
    const { alert, raw } = deletion();
    const message: unknown = JSON.parse(buildSnsMessage(alert, { raw }).message);
    expect(Object.keys(message as object).sort()).toEqual(['default', 'email']);
    expect(Object.values(message as object).map((value) => typeof value)).toEqual(['string', 'string']);
  });

  it('default parses to every field of the alert, as trailwatch scan --format json prints it', () => {
    const { alert, raw } = deletion();
    const json: Record<string, unknown> = JSON.parse(parts(buildSnsMessage(alert, { raw })).default);
    expect(json).toEqual({ schemaVersion: 1, kind: 'alert', ...JSON.parse(JSON.stringify(alert)) });
  });

  it('default of a summary lists the eventIDs it stands for', () => {
    const json: { kind: string; count: number; eventIDs: string[] } = JSON.parse(
      parts(buildSnsMessage(failedCallSummary(25))).default,
    );
    expect([json.kind, json.count]).toEqual(['summary', 25]);
    expect(json.eventIDs).toEqual(Array.from({ length: 25 }, (_, i) => eventIdNumber(i + 1)));
  });

  it('default of a summary carries its examples as alerts, without their records', () => {
    const json: { examples: Array<Record<string, unknown>> } = JSON.parse(
      parts(buildSnsMessage(failedCallSummary(25))).default,
    );
    expect(json.examples).toHaveLength(3);
    expect(json.examples[0]).toMatchObject({ rule: 'rds-failed-call', eventID: eventIdNumber(1) });
    expect(json.examples[0]).not.toHaveProperty('raw');
  });

  it('email carries the CloudTrail record pretty-printed', () => {
    const { alert, raw } = deletion();
    expect(parts(buildSnsMessage(alert, { raw })).email).toContain(
      `CloudTrail record\n${JSON.stringify(JSON.parse(raw), null, 2)}\n`,
    );
  });

  it('email says where to find the record when none was given', () => {
    expect(unwrapped(buildSnsMessage(deletion().alert))).toContain(
      'Not attached to this alert. The full record is Records[12] in s3://',
    );
  });

  it('email shows line breaks and bidi overrides in caller-chosen text as escapes, so they cannot forge lines', () => {
    const email = parts(buildSnsMessage(withAlert({ userAgent: 'curl\nSeverity      info\u202e' }))).email;
    expect(email).toContain('User agent    curl Severity info\\u202e');
    expect(email).not.toMatch(/^ {2}Severity {6}info/m);
  });

  it('email quotes values from the record in pasteable commands', () => {
    const email = parts(buildSnsMessage(withAlert({ resource: { kind: 'db-instance', id: "x'; rm -rf ~; '" } }))).email;
    expect(email).toContain(`--lookup-attributes 'AttributeKey=ResourceName,AttributeValue=x'\\''; rm -rf ~; '\\'''`);
  });

  it("gives the alert JSON alone, for the events topic, as the same text as the alert topic's default", () => {
    const { alert, raw } = deletion();
    const message = buildSnsMessage(alert, { raw });
    expect(message.json).toBe(parts(message).default);
  });
});

describe('size', () => {
  const huge = hugeRecord(400_000);
  const hugeAlert = alertFor(huge, 'rds-database-deleted');

  it('fits 262,144 bytes with a 400 KB responseElements', () => {
    expect(sizeOf(buildSnsMessage(hugeAlert.alert, hugeAlert))).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
  });

  it('counts the bytes it reports: the real payload is within the limit too', () => {
    const message = buildSnsMessage(hugeAlert.alert, hugeAlert);
    const real =
      Buffer.byteLength(message.message) +
      Buffer.byteLength(message.subject) +
      Buffer.byteLength(JSON.stringify(message.attributes));
    expect(real).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES + 200);
    expect(sizeOf(message)).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
  });

  it('keeps every fact of the alert in default when the record is trimmed', () => {
    const json: Record<string, unknown> = JSON.parse(parts(buildSnsMessage(hugeAlert.alert, hugeAlert)).default);
    expect(json).toEqual({ schemaVersion: 1, kind: 'alert', ...JSON.parse(JSON.stringify(hugeAlert.alert)) });
  });

  it('keeps the facts in the email and trims the bulky part of the record, saying so', () => {
    const email = parts(buildSnsMessage(hugeAlert.alert, hugeAlert)).email;
    for (const fact of [
      'Event ID      ec115bf6-073f-4d57-b0b8-de528a86c38a',
      'Caller        Admin',
      'ID            oradb',
      'What to check next',
    ]) {
      expect(email).toContain(fact);
    }
    expect(email).toContain('Trimmed to fit an SNS message');
    expect(email).toMatch(/- responseElements\.tagList\S* \([\d,]+ bytes\)/);
    expect(email).toContain('"dBInstanceIdentifier": "oradb"');
  });

  it('keeps as much of the record as fits, not just the identifying fields', () => {
    const email = parts(buildSnsMessage(hugeAlert.alert, hugeAlert)).email;
    expect(email).toContain('"requestParameters": {');
    expect(email).toContain('"engine": "oracle-se2"');
  });

  it('counts multi-byte characters in UTF-8 bytes', () => {
    const wide = alertFor(hugeRecord(300_000, '山'), 'rds-database-deleted');
    expect(sizeOf(buildSnsMessage(wide.alert, wide))).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
  });

  it('counts escapes: a record full of quotes and line breaks still fits', () => {
    const escaped = alertFor(hugeRecord(240_000, '"\n\\'), 'rds-database-deleted');
    expect(sizeOf(buildSnsMessage(escaped.alert, escaped))).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
  });

  it('trims a list of many small items by its tail', () => {
    const record = loadRecord('delete-db-instance');
    const many = {
      ...record,
      responseElements: {
        ...(record.responseElements as JsonObject),
        tagList: Array.from({ length: 20_000 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
      },
    };
    const { alert, raw } = alertFor(many, 'rds-database-deleted');
    const message = buildSnsMessage(alert, { raw });
    expect(sizeOf(message)).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
    expect(parts(message).email).toContain('"key": "k0"');
  });

  it('says where the full record is when even its smallest form does not fit', () => {
    const record = {
      ...loadRecord('delete-db-instance'),
      eventName: 'DeleteDBInstance',
      userIdentity: { type: 'IAMUser', userName: 'admin' },
      eventSource: 'rds.amazonaws.com',
    };
    const bloated = { ...record, awsRegion: 'r'.repeat(400_000) };
    const { alert, raw } = alertFor(bloated, 'rds-database-deleted');
    const message = buildSnsMessage({ ...alert, awsRegion: 'us-east-1' }, { raw });
    expect(sizeOf(message)).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
    expect(unwrapped(message)).toMatch(
      /The record \([\d,]+ bytes\) is too large to show here\. The full record is Records\[12\] in s3:\/\//,
    );
  });

  it('fits when an alert fact itself is huge (a 300 KB errorMessage), marking what was cut', () => {
    const message = buildSnsMessage(withAlert({ errorMessage: 'e'.repeat(300_000), failed: true }), {
      raw: deletion().raw,
    });
    expect(sizeOf(message)).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
    const json: { errorMessage: string; eventID: string } = JSON.parse(parts(message).default);
    expect(json.errorMessage).toBe('[trimmed by trailwatch: 300,002 bytes]');
    expect(json.eventID).toBe('ec115bf6-073f-4d57-b0b8-de528a86c38a');
  });

  it('fits a summary whose examples all have huge records', () => {
    const summary = failedCallSummary(30, (record) => ({ ...record, responseElements: { blob: 'z'.repeat(60_000) } }));
    expect(sizeOf(buildSnsMessage(summary))).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
  });

  it('sends the email whole exactly when it fits what the alert JSON leaves, and the JSON whole when it fits half', () => {
    // The sizes are decided without measuring what surely fits; this is the decision stated with every size measured.
    const skeleton = utf8Bytes(JSON.stringify({ default: '', email: '' }));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 140_000 }),
        fc.constantFrom('x', '"', '\n', 'é', '\u0001', '😀'),
        fc.integer({ min: 0, max: 40_000 }),
        fc.constantFrom('e', '"', '\u2028', '山'),
        (recordBytes, filler, errorBytes, errorFiller) => {
          const record = hugeRecord(recordBytes - (recordBytes % filler.length), filler);
          const alert = withAlert({ errorMessage: errorFiller.repeat(errorBytes), failed: true });
          const raw = JSON.stringify(record);
          const message = buildSnsMessage(alert, { raw });
          const json = JSON.stringify(alertJson(alert));
          expect(parts(message).default === json).toBe(jsonStringBytes(json) <= MAX_SNS_PAYLOAD_BYTES / 2);
          const whole = alertEmailText(alert, prettyRecordWithin(raw, Number.POSITIVE_INFINITY, jsonStringBytes));
          const budget =
            MAX_SNS_PAYLOAD_BYTES -
            utf8Bytes(message.subject) -
            attributeBytes(message.attributes) -
            skeleton -
            jsonStringBytes(parts(message).default);
          expect(parts(message).email === whole).toBe(jsonStringBytes(whole) <= budget);
          expect(sizeOf(message)).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('shows a record that is not JSON as not shown, and still fits', () => {
    const message = buildSnsMessage(deletion().alert, { raw: '{not json' });
    expect(unwrapped(message)).toContain('is too large to show here');
  });
});

describe('PublishBatch packing', () => {
  const entry = (bytes: number) => ({ Message: 'm'.repeat(bytes) });

  it('puts at most 10 entries in a batch', () => {
    const batches = packPublishBatches(
      Array.from({ length: 23 }, () => entry(10)),
      publishEntryBytes,
    );
    expect(batches.map((batch) => batch.length)).toEqual([MAX_PUBLISH_BATCH_ENTRIES, 10, 3]);
  });

  it('keeps each batch within 262,144 bytes in total', () => {
    const batches = packPublishBatches(
      Array.from({ length: 5 }, () => entry(100_000)),
      publishEntryBytes,
    );
    expect(batches.map((batch) => batch.length)).toEqual([2, 2, 1]);
  });

  it('fills a batch up to exactly 262,144 bytes', () => {
    const batches = packPublishBatches([entry(MAX_SNS_PAYLOAD_BYTES - 100), entry(100), entry(1)], publishEntryBytes);
    expect(batches.map((batch) => batch.length)).toEqual([2, 1]);
  });

  it('keeps the order of the entries', () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    expect(packPublishBatches(items, () => 1).flat()).toEqual(items);
  });

  it('counts UTF-8 bytes of message, subject and each attribute name, type and value', () => {
    const bytes = publishEntryBytes({
      Message: 'é',
      Subject: 'ab',
      MessageAttributes: { rule: { DataType: 'String', StringValue: 'x' } },
    });
    expect(bytes).toBe(2 + 2 + 'rule'.length + 'String'.length + 1);
  });
});
