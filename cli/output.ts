// How text reaches a terminal: colour only where it helps (a terminal, and never with NO_COLOR), lines that fit
// 120 columns (or the terminal, when narrower) unless --wide, and no control characters from the records.
import type { Alert } from '../shared/alerts/alert.js';
import { alertHeadline, formatAlertLine } from '../shared/render/alert-line.js';
import type { Severity } from '../shared/rules/types.js';
import { terminalSafe } from './terminal-text.js';

export type ColourMode = 'auto' | 'always' | 'never';
export const DEFAULT_WIDTH = 120;
export const MIN_WIDTH = 80;

/**
 * auto: colour when stdout is a terminal, NO_COLOR is unset or empty (https://no-color.org) and TERM is not
 * "dumb". An explicit --color always or never wins, as no-color.org asks of per-run flags.
 */
export function useColour(
  mode: ColourMode,
  isTTY: boolean,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (mode !== 'auto') return mode === 'always';
  return isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}

const SEVERITY_STYLE: Record<Severity, string> = {
  critical: '\x1b[1;97;41m', // bold white on red
  high: '\x1b[1;31m', // bold red
  medium: '\x1b[33m', // yellow
  low: '\x1b[36m', // cyan
  info: '\x1b[2m', // dim
};
const RESET = '\x1b[0m';

/**
 * Record text is shown escaped, never sent to the terminal: control characters (C0, DEL, C1), line separators,
 * bidi marks and lone surrogates become `\uXXXX` (cli/terminal-text.ts). Applied to the line before the colour
 * codes are added, so those stay.
 */
export const printable = terminalSafe;

export interface LineStyle {
  colour: boolean;
  /** Columns a line may take; undefined for no limit (--wide). */
  width: number | undefined;
}

const SEVERITY_WIDTH = 'CRITICAL'.length;
/** The longest built-in rule id (rds-deletion-protection-disabled); longer custom ids push the line right. */
const RULE_WIDTH = 32;

/**
 * One alert as a line. With no width: the full line (formatAlertLine). Within a width: single spaces, and the
 * least needed parts left out until it fits: the principal type, then account/region, then the rule column's padding, then
 * the source IP; the headline is cut last, with "…". FAILED and its error code always stay.
 */
export function alertLine(alert: Alert, style: LineStyle): string {
  const severity = alert.severity.toUpperCase().padEnd(SEVERITY_WIDTH);
  const shownSeverity = style.colour
    ? `${SEVERITY_STYLE[alert.severity]}${severity.trimEnd()}${RESET}${severity.slice(alert.severity.length)}`
    : severity;
  if (style.width === undefined) return printable(formatAlertLine(alert)).replace(severity, shownSeverity);

  let rule = alert.rule.padEnd(RULE_WIDTH);
  const failed = alert.failed ? `FAILED ${alert.errorCode ?? ''}`.trimEnd() : '';
  const optional = {
    type: ` (${alert.principal.type})`,
    where: alert.account || alert.awsRegion ? ` in ${[alert.account, alert.awsRegion].filter(Boolean).join('/')}` : '',
    from: alert.sourceIPAddress ? ` from ${alert.sourceIPAddress}` : '',
  };
  const headline = printable(alertHeadline(alert));
  const compose = (h: string) =>
    printable(
      `${alert.eventTime} ${severity} ${rule} ${h}${optional.type}${optional.from}${optional.where}${failed ? ` ${failed}` : ''}`,
    );
  let line = compose(headline);
  for (const drop of ['type', 'where', 'rule', 'from'] as const) {
    if (line.length <= style.width) break;
    if (drop === 'rule') rule = alert.rule;
    else optional[drop] = '';
    line = compose(headline);
  }
  if (line.length > style.width)
    line = compose(`${headline.slice(0, Math.max(8, headline.length - (line.length - style.width) - 1))}…`);
  return style.colour ? line.replace(severity, shownSeverity) : line;
}

/**
 * 12345 -> "12,345". Not toLocaleString: its first call initialises ICU, ~100 ms of a one-file scan's start-up
 * (measured with --cpu-prof on this machine).
 */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
