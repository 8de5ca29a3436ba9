// Alerts built the way the processor builds them: a fixture record -> classify -> built-in rules -> buildAlert,
// with the record's JSON text as the reader delivers it. Shared by the test/alerts-*.test.ts files.
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { classify } from '../shared/classify/index.js';
import { buildAlert, type Alert } from '../shared/alerts/alert.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { loadRecord } from './record-fixtures.js';
import { EXAMPLE_STACK } from './self-protection-stack.js';

// As the deployed processor compiles them: with the stack's resource names for trailwatch-tampered.
const ruleset = compileRuleset({ trailwatchResources: EXAMPLE_STACK });

/** A realistic object key of a trail's log file, so emails show where a record lives. */
export const LOG_FILE =
  's3://example-trail-bucket/AWSLogs/123456789012/CloudTrail/us-east-1/2025/03/04/123456789012_CloudTrail_us-east-1_20250304T0835Z_Ab12Cd34Ef56Gh78.json.gz';

export interface AlertWithRecord {
  alert: Alert;
  /** The record's JSON text, compact, as in a log file. */
  raw: string;
}

/** The alert `ruleId` raises for `record`; throws if it raises none, so a test cannot pass on nothing. */
export function alertFor(record: CloudTrailRecord, ruleId: string, recordIndex = 12): AlertWithRecord {
  const event = classify(record);
  const rule = ruleset.evaluate(event).find((r) => r.id === ruleId);
  if (!rule) throw new Error(`rule ${ruleId} is not raised by ${record.eventName} ${record.eventID ?? ''}`);
  return { alert: buildAlert(rule, event, { file: LOG_FILE, recordIndex }), raw: JSON.stringify(record) };
}

export function fixtureAlert(fixture: string, ruleId: string): AlertWithRecord {
  return alertFor(loadRecord(fixture), ruleId);
}

/** The `i`th of a run of made-up but valid event ids. */
export function eventIdNumber(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

/** `start` plus `seconds`, as CloudTrail writes times. */
export function timePlus(start: string, seconds: number): string {
  return new Date(Date.parse(start) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}
