// The alert: one rule raised by one CloudTrail event, with every fact a person or a program needs
// to act on it. The same shape is printed by `trailwatch scan --format json` and published as the
// machine-readable SNS message, so a field added here reaches every consumer.
import type { Category, ClassifiedEvent, Principal, RdsResource } from '../classify/types.js';
import type { ActiveRule } from '../rules/engine.js';
import type { Severity } from '../rules/types.js';
import { callerName } from './caller-name.js';
import { integrityDetails } from '../integrity/events.js';

export { principalLabel } from './caller-name.js';

export interface Alert {
  rule: string;
  severity: Severity;
  title: string;
  description: string | null;
  eventID: string | null;
  eventName: string;
  eventSource: string;
  eventTime: string;
  awsRegion: string | null;
  /** The account the event happened in (recipientAccountId, else the caller's account). */
  account: string | null;
  category: Category;
  principal: Principal;
  /** The resource acted on (first of `resources`), or null. */
  resource: RdsResource | null;
  resources: RdsResource[];
  sourceIPAddress: string | null;
  userAgent: string | null;
  failed: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  /** Rule-specific facts in words, e.g. why a selector change stops Data API logging. */
  details: string[];
  nextSteps: string[];
  /** Where the record came from: a path or s3://bucket/key, and its index in the Records array. */
  file: string | null;
  recordIndex: number | null;
}

export interface AlertOrigin {
  file: string;
  recordIndex: number;
}

export function buildAlert(rule: ActiveRule, event: ClassifiedEvent, origin?: AlertOrigin): Alert {
  const { record, facts } = event;
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    description: rule.description ?? null,
    eventID: record.eventID ?? null,
    eventName: record.eventName,
    eventSource: record.eventSource,
    eventTime: record.eventTime,
    awsRegion: record.awsRegion ?? null,
    account: record.recipientAccountId ?? record.userIdentity?.accountId ?? facts.principal.accountId ?? null,
    category: facts.category,
    principal: facts.principal,
    resource: facts.resources[0] ?? null,
    resources: facts.resources,
    sourceIPAddress: record.sourceIPAddress ?? null,
    userAgent: record.userAgent ?? null,
    failed: facts.failed,
    errorCode: record.errorCode || null,
    errorMessage: record.errorMessage || null,
    details: facts.dataApiLogging?.reasons ?? integrityDetails(record) ?? [],
    nextSteps: rule.nextSteps,
    file: origin?.file ?? null,
    recordIndex: origin?.recordIndex ?? null,
  };
}

/** One phrase for what happened: `DeleteDBInstance oradb by johndoe`. Used in text lines and subjects. */
export function alertHeadline(alert: Alert): string {
  const target = alert.resource ? ` ${alert.resource.id}` : '';
  return `${alert.eventName}${target} by ${callerName(alert.principal)}`;
}
