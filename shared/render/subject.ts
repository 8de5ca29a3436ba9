// The SNS subject: the line people see in their inbox, so it says the severity, what happened, and where.
//
// SNS wants fewer than 100 characters, no line breaks or control characters; older docs say ASCII only, and
// an empty subject is rejected. Names come from CloudTrail records (user names can hold any Unicode), so
// every part is folded to printable ASCII, and when the whole is too long the names are shortened in the
// middle while the severity and the account/region stay whole.
import type { Alert } from '../alerts/alert.js';
import { callerName } from '../alerts/caller-name.js';
import { shortenMiddle, toPrintableAscii } from './plain-text.js';
import { isSummaryAlert, type SummaryAlert } from '../alerts/storm.js';

/** SNS: "less than 100 characters". */
export const MAX_SUBJECT_LENGTH = 99;
/** A shortened name keeps at least this much of itself, so it can still be recognised. */
const SHORTEST_NAME = 10;

/** `[HIGH] DeleteDBInstance oradb by johndoe (123456789012 us-east-1)`; summaries: `[HIGH] 57 x rds-failed-call in ...`. */
export function alertSubject(alert: Alert | SummaryAlert): string {
  const subject = isSummaryAlert(alert) ? summarySubject(alert) : singleSubject(alert);
  return subject.slice(0, MAX_SUBJECT_LENGTH) || 'trailwatch alert';
}

function singleSubject(alert: Alert): string {
  const prefix = `${severityTag(alert.severity)} ${alert.failed ? 'Failed ' : ''}`;
  // The account's name when the rules files give one (organisation trails): what people recognise in an inbox.
  const account = alert.accountName ?? alert.account;
  const place = placeOf(account ? [account] : [], alert.awsRegion ? [alert.awsRegion] : []);
  const suffix = place ? ` (${place})` : '';
  // `<eventName>[ <resource>] by <caller>`. The resource gives way first (ids like db-QX2... say little in an
  // inbox), then the caller, and the call last: it is what the subject must say.
  const resource = alert.resource ? ascii(alert.resource.id) : '';
  const room = MAX_SUBJECT_LENGTH - prefix.length - suffix.length - (resource ? 1 : 0) - ' by '.length;
  const [target, caller, eventName] = fitNames(
    [resource, ascii(callerName(alert.principal)), ascii(alert.eventName)],
    room,
  );
  return `${prefix}${eventName ?? ''}${target ? ` ${target}` : ''} by ${caller ?? ''}${suffix}`;
}

function summarySubject(summary: SummaryAlert): string {
  const place = placeOf(summary.accounts, summary.regions);
  const head = `${severityTag(summary.severity)} ${summary.count} x ${ascii(summary.rule)}${place ? ` in ${place}` : ''}`;
  const topCall = summary.eventNames.top[0]?.value;
  const topCaller = summary.principals.top[0]?.value;
  if (!topCall || !topCaller) return head;
  const more = summary.eventNames.distinct > 1 || summary.principals.distinct > 1 ? ', ...' : '';
  // ` (` + name + ` by ` + name + more + `)`
  const room = MAX_SUBJECT_LENGTH - head.length - ' ( by )'.length - more.length;
  if (room < 2 * SHORTEST_NAME) return head;
  const [caller, call] = fitNames([ascii(topCaller), ascii(topCall)], room);
  return `${head} (${call ?? ''} by ${caller ?? ''}${more})`;
}

function severityTag(severity: string): string {
  return `[${severity.toUpperCase()}]`;
}

/** `123456789012 us-east-1`, or `3 accounts 2 regions` for summaries spanning several. */
function placeOf(accounts: string[], regions: string[]): string {
  const one = (values: string[], noun: string) =>
    values.length > 1 ? `${values.length} ${noun}` : values[0] ? ascii(values[0]) : '';
  return [one(accounts, 'accounts'), one(regions, 'regions')].filter(Boolean).join(' ');
}

function ascii(text: string): string {
  return toPrintableAscii(text).replaceAll(' ', '_') || '?';
}

/**
 * `names` fitted into `room` characters by shortening them in the middle, the first name first: callers pass
 * them in the order they should give way. A name is not shortened below SHORTEST_NAME; if that is not enough,
 * `alertSubject` cuts the end as a last resort.
 */
function fitNames(names: readonly string[], room: number): string[] {
  let excess = names.reduce((sum, name) => sum + name.length, 0) - room;
  return names.map((name) => {
    if (excess <= 0 || name.length <= SHORTEST_NAME) return name;
    const length = Math.max(SHORTEST_NAME, name.length - excess);
    excess -= name.length - length;
    return shortenMiddle(name, length);
  });
}
