// The alert: one rule raised by one CloudTrail event, with every fact a person or a program needs
// to act on it. The same shape is printed by `trailwatch scan --format json` and published as the
// machine-readable SNS message, so a field added here reaches every consumer.
import type { Category, ClassifiedEvent, Principal, RdsResource } from '../classify/types.js';
import type { ActiveRule } from '../rules/engine.js';
import type { Severity } from '../rules/types.js';
import { trailwatchEventDetails } from '../integrity/events.js';
import { formatCount } from '../render/plain-text.js';

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
  /** The account's name from the rules files' accounts section (organisation trails), or null. */
  accountName: string | null;
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
  const resources = facts.resources.map(boundedResource);
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    description: rule.description ?? null,
    eventID: identifier(record.eventID),
    eventName: identifier(record.eventName) ?? '',
    eventSource: identifier(record.eventSource) ?? '',
    eventTime: identifier(record.eventTime) ?? '',
    awsRegion: identifier(record.awsRegion),
    account:
      identifier(record.recipientAccountId) ??
      identifier(record.userIdentity?.accountId) ??
      identifier(facts.principal.accountId),
    accountName: identifier(rule.accountName),
    category: facts.category,
    principal: boundedPrincipal(facts.principal),
    resource: resources[0] ?? null,
    resources,
    sourceIPAddress: detail(record.sourceIPAddress),
    userAgent: detail(record.userAgent),
    failed: facts.failed,
    errorCode: detail(record.errorCode) || null,
    errorMessage: detail(record.errorMessage) || null,
    details: facts.dataApiLogging?.reasons ?? trailwatchEventDetails(record) ?? [],
    nextSteps: rule.nextSteps,
    file: origin?.file ?? null,
    recordIndex: origin?.recordIndex ?? null,
  };
}

/**
 * Longest identifying value an alert carries (eventID, eventName, eventTime, region, account): they are never
 * trimmed from the SNS message and they are message attributes, so a 300 KB `awsRegion` must not reach it.
 * Real ones are under 64 characters.
 */
export const MAX_IDENTIFIER_CHARS = 256;
/** Longest other value taken from the record (user agent, error message); real ones are a few hundred characters. */
export const MAX_DETAIL_CHARS = 4096;

/**
 * A record field as alert text: strings as they are up to `max` characters (then cut, saying how much),
 * numbers and booleans written out, anything else (an object where a string belongs) null. The record's types
 * are only what CloudTrail documents; a record written by anyone else may hold anything anywhere.
 */
function textOf(value: unknown, max: number): string | null {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return null;
  if (value.length <= max) return value;
  // Never end on half of a surrogate pair (it could not be encoded as UTF-8).
  const end = /[\ud800-\udbff]/.test(value.charAt(max - 1)) ? max - 1 : max;
  return `${value.slice(0, end)}...[trimmed by trailwatch: ${formatCount(value.length - end)} more characters]`;
}

/** Longest ARN, name or id of a caller or resource an alert carries: IAM's ARN limit is 2,048 characters. */
export const MAX_NAME_CHARS = 2048;

/**
 * The caller with every text cut to MAX_NAME_CHARS. These come from the record too, and an alert's text repeats
 * them (facts, exception snippet, subject): unbounded, a 300 KB ARN made building one message take seconds.
 */
function boundedPrincipal(principal: Principal): Principal {
  // Nearly always nothing to cut: then the classifier's principal itself, as boundedResource does for resources
  // (copying it for every alert was most of building one; nothing changes an alert's principal once built).
  if (
    fits(principal.type) &&
    fits(principal.arn) &&
    fits(principal.accountId) &&
    fits(principal.name) &&
    fits(principal.roleArn) &&
    fits(principal.sessionName) &&
    fits(principal.accessKeyId) &&
    fits(principal.invokedBy)
  )
    return principal;
  const bounded: Principal = { ...principal };
  for (const key of PRINCIPAL_TEXTS) {
    const value = principal[key];
    if (typeof value === 'string' && value.length > MAX_NAME_CHARS) bounded[key] = textOf(value, MAX_NAME_CHARS) ?? '';
  }
  return bounded;
}

const PRINCIPAL_TEXTS = [
  'type',
  'arn',
  'accountId',
  'name',
  'roleArn',
  'sessionName',
  'accessKeyId',
  'invokedBy',
] as const satisfies ReadonlyArray<keyof Principal>;

function fits(value: string | undefined): boolean {
  return value === undefined || value.length <= MAX_NAME_CHARS;
}

function boundedResource(resource: RdsResource): RdsResource {
  if (resource.id.length <= MAX_NAME_CHARS && (resource.arn?.length ?? 0) <= MAX_NAME_CHARS) return resource;
  const bounded: RdsResource = { kind: resource.kind, id: textOf(resource.id, MAX_NAME_CHARS) ?? '' };
  if (resource.arn !== undefined) bounded.arn = textOf(resource.arn, MAX_NAME_CHARS) ?? '';
  return bounded;
}

function identifier(value: unknown): string | null {
  return textOf(value, MAX_IDENTIFIER_CHARS);
}

function detail(value: unknown): string | null {
  return textOf(value, MAX_DETAIL_CHARS);
}
