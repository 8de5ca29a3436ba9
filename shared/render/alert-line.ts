// Alerts as one line of text each, for terminals and grep.
import type { Alert } from '../alerts/alert.js';
import { callerName } from '../alerts/caller-name.js';

const SEVERITY_WIDTH = 'CRITICAL'.length;
/** Wide enough for the built-in rule ids, so columns line up in a terminal. */
const RULE_WIDTH = 32;

/** `2026-11-20T16:42:10Z  HIGH      rds-database-deleted  DeleteDBInstance oradb by johndoe (IAMUser) from 198.51.100.7 in 123456789012/us-east-1` */
export function formatAlertLine(alert: Alert): string {
  const parts = [
    alert.eventTime,
    alert.severity.toUpperCase().padEnd(SEVERITY_WIDTH),
    alert.rule.padEnd(RULE_WIDTH),
    `${alertHeadline(alert)} (${alert.principal.type})`,
  ];
  if (alert.sourceIPAddress) parts.push(`from ${alert.sourceIPAddress}`);
  if (alert.account || alert.awsRegion) parts.push(`in ${[alert.account, alert.awsRegion].filter(Boolean).join('/')}`);
  if (alert.failed) parts.push(`FAILED ${alert.errorCode ?? ''}`.trimEnd());
  return parts.join('  ');
}

/** One phrase for what happened: `DeleteDBInstance oradb by johndoe`. Used in text lines. */
export function alertHeadline(alert: Alert): string {
  const target = alert.resource ? ` ${alert.resource.id}` : '';
  return `${alert.eventName}${target} by ${callerName(alert.principal)}`;
}
