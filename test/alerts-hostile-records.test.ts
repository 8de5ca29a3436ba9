// Alerts from records built to break them (issue 11, item 9): fields of hundreds of KB where a region or a
// time belongs, values of the wrong type, control characters and lone surrogates, identity types named like
// Object.prototype members. Whatever the record, every alert is a message SNS accepts, and its text says
// what the record says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SNS_PAYLOAD_BYTES, publishEntryBytes } from '../functions/processor/sns-limits.js';
import { buildSnsMessage, type SnsAlertMessage } from '../functions/processor/sns-message.js';
import { AlertCollector } from '../shared/alerts/index.js';
import { buildAlert } from '../shared/alerts/alert.js';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord, JsonValue } from '../shared/cloudtrail.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { cloudTrailRecord } from './helpers/log-files.js';

/** Built-in rules, and one that raises an alert for every record, so each record below has one. */
const ruleset = compileRuleset({
  files: [
    {
      source: 'test',
      content: {
        rules: [
          { id: 'every-record', severity: 'high', title: 'Any record', match: { eventSource: [{ exists: true }] } },
        ],
      },
    },
  ],
});

/** The messages the processor publishes for one record: alerts held by the collector (records capped), then built. */
function messagesOf(record: CloudTrailRecord): SnsAlertMessage[] {
  const event = classify(record);
  const collector = new AlertCollector();
  collector.addAll(
    ruleset.evaluate(event).map((rule) => buildAlert(rule, event, { file: 's3://bucket/key.json.gz', recordIndex: 0 })),
    JSON.stringify(record),
  );
  return collector
    .drain()
    .map((item) => buildSnsMessage(item.alert, item.raw === undefined ? undefined : { raw: item.raw }));
}

/** What SNS checks: total size, a subject, and non-empty attribute values of XML characters (as SQS requires). */
function expectPublishable(message: SnsAlertMessage): void {
  const entry = { Message: message.message, Subject: message.subject, MessageAttributes: message.attributes };
  expect(publishEntryBytes(entry)).toBeLessThanOrEqual(MAX_SNS_PAYLOAD_BYTES);
  expect(message.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  for (const { StringValue } of Object.values(message.attributes)) {
    expect(StringValue.length).toBeGreaterThan(0);
    expect(StringValue).not.toMatch(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
    );
  }
  const parsed = JSON.parse(message.message) as { default: string; email: string };
  expect(JSON.parse(parsed.default)).toBeTypeOf('object');
}

const huge = (unit: string) => unit.repeat(Math.ceil(300_000 / unit.length));
/** Values a hostile record can put anywhere: huge text of every width and escape cost, and other types. */
const hostileValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom(huge('a'), huge('"'), huge('\u0001'), huge('é'), huge('😀'), huge('\ud800'), huge('\u202e')),
  fc.constantFrom<JsonValue>(null, 12, true, [], {}, { nested: huge('x') }, [huge('y')]),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const FIELDS = [
  'awsRegion',
  'eventTime',
  'eventName',
  'eventSource',
  'eventID',
  'userAgent',
  'errorCode',
  'errorMessage',
  'sourceIPAddress',
  'recipientAccountId',
];
const IDENTITY_FIELDS = ['type', 'arn', 'accountId', 'userName', 'invokedBy', 'principalId', 'accessKeyId'];

describe('SNS messages of hostile records', () => {
  it('are publishable whatever the record holds, in any field, of any size', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { minKeys: 1, maxKeys: 4 }),
        fc.dictionary(fc.constantFrom(...IDENTITY_FIELDS), hostileValue, { maxKeys: 3 }),
        (fields, identity) => {
          const record = cloudTrailRecord({
            eventName: 'DeleteDBInstance',
            requestParameters: { dBInstanceIdentifier: 'orders' },
            userIdentity: identity,
            ...fields,
          });
          // The reader delivers only records whose eventSource, eventName and eventTime are strings.
          for (const key of ['eventSource', 'eventName', 'eventTime'])
            if (typeof record[key] !== 'string') record[key] = 'x';
          const messages = messagesOf(record as CloudTrailRecord);
          expect(messages.length).toBeGreaterThan(0);
          messages.forEach(expectPublishable);
        },
      ),
      { numRuns: 25 },
    );
  });

  it.each(['awsRegion', 'eventTime'])(
    'keeps the message of a record with a 300 KB %s within 262,144 bytes, the field cut with a note',
    (field) => {
      const [message] = messagesOf(
        cloudTrailRecord({ eventName: 'DeleteDBInstance', [field]: 'r'.repeat(300_000) }) as CloudTrailRecord,
      );
      if (!message) throw new Error('no alert');
      expectPublishable(message);
      const alert = JSON.parse((JSON.parse(message.message) as { default: string }).default) as Record<string, string>;
      expect(alert[field]).toMatch(/^r{256}\.\.\.\[trimmed by trailwatch: 299,744 more characters\]$/);
    },
  );

  it('keeps a summary of many such alerts publishable', () => {
    const collector = new AlertCollector({ stormThreshold: 2 });
    for (let i = 0; i < 30; i++) {
      const record = cloudTrailRecord({
        eventName: 'DeleteDBInstance',
        eventID: `${i}-${'i'.repeat(300_000)}`,
        awsRegion: `${i}-${'\u0001'.repeat(300_000)}`,
        recipientAccountId: `${i}${'😀'.repeat(100_000)}`,
      }) as CloudTrailRecord;
      const event = classify(record);
      collector.addAll(
        ruleset.evaluate(event).map((rule) => buildAlert(rule, event, { file: 'f', recordIndex: i })),
        JSON.stringify(record),
      );
    }
    const items = collector.drain();
    expect(items.some(({ alert }) => 'kind' in alert && alert.kind === 'summary')).toBe(true);
    for (const item of items)
      expectPublishable(buildSnsMessage(item.alert, item.raw === undefined ? undefined : { raw: item.raw }));
  });
});

describe('lookups keyed by record values', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'prints a userIdentity.type of %s as it is, not a function of Object',
    (type) => {
      const [message] = messagesOf(
        JSON.parse(
          JSON.stringify(
            cloudTrailRecord({
              eventName: 'DeleteDBInstance',
              userIdentity: { type, arn: 'arn:aws:iam::123456789012:user/x' },
            }),
          ),
        ) as CloudTrailRecord,
      );
      const { email } = JSON.parse(message?.message ?? '{}') as { email: string };
      expect(email).not.toContain('[native code]');
      expect(email).toMatch(new RegExp(`^ {2}Type {10}${type}$`, 'm'));
    },
  );

  it('reads an RDS ARN whose resource type is `constructor` as no RDS resource', () => {
    const record = cloudTrailRecord({
      eventName: 'DeleteDBInstance',
      requestParameters: { dBInstanceIdentifier: 'arn:aws:rds:us-east-1:123456789012:constructor:x' },
    }) as CloudTrailRecord;
    expect(classify(record).facts.resources.every((r) => typeof r.kind === 'string')).toBe(true);
    const [message] = messagesOf(record);
    expect(JSON.parse(message?.message ?? '{}').email).not.toContain('[native code]');
  });

  it('trims a bulky member named "__proto__" like any other, keeping its neighbours', () => {
    const record = JSON.parse(
      `{"eventSource":"rds.amazonaws.com","eventName":"DeleteDBInstance","eventTime":"2026-11-20T10:00:00Z","requestParameters":{"dBInstanceIdentifier":"orders","__proto__":"${'z'.repeat(400_000)}"}}`,
    ) as CloudTrailRecord;
    const [message] = messagesOf(record);
    if (!message) throw new Error('no alert');
    expectPublishable(message);
    const { email } = JSON.parse(message.message) as { email: string };
    expect(email).toContain('"dBInstanceIdentifier": "orders"');
    expect(email).toMatch(/"__proto__": "\[trimmed by trailwatch: 400,002 bytes\]"/);
  });
});
