// `trailwatch scan INPUT...`: classify CloudTrail records from files, folders, stdin, S3 or Event history, and
// print the alerts. Alerts go to stdout (text lines or JSON lines); the summary, progress and problems go to
// stderr, so `trailwatch scan --format json logs/ > alerts.jsonl` keeps a clean file.
import type { Alert } from '../shared/alerts/alert.js';
import type { Ruleset } from '../shared/rules/engine.js';
import { SEVERITIES, type Severity } from '../shared/rules/types.js';
import type { InputPlan } from './inputs/plan.js';
import { alertLine, type LineStyle } from './output.js';
import { scanInputs, summaryLines, type ScanTotals } from './scan-inputs.js';
import type { TimeWindow } from './time-window.js';
import { safePrinter, terminalSafe } from './terminal-text.js';

export interface ScanCommandOptions {
  plan: InputPlan;
  format: 'text' | 'json';
  ruleset: Ruleset;
  window: TimeWindow;
  /** Parse every record instead of only those an active rule can match (same alerts, slower). */
  parseAll?: boolean;
  concurrency: number;
  style: LineStyle;
  /** Exit 3 when an alert at or above this severity was raised. */
  failOn?: Severity;
  verbose: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
  progress?: (text: string) => void;
}

/** Records in a log file are not in time order; alerts are printed in time order per file, this many at a time at most. */
const ALERTS_SORTED_TOGETHER = 10_000;

export const EXIT_ALERTS = 3;

/** The exit status: 3 with --fail-on and an alert at or above it; else 1 when an input or record could not be read; else 0. */
export async function runScan(options: ScanCommandOptions): Promise<number> {
  // File names, S3 keys and error lines carry text others chose: escaped before they reach the terminal
  // (cli/terminal-text.ts). Alert lines are escaped as they are built: text lines by alertLine (output.ts), which
  // keeps its own colour codes, JSON lines here.
  const { out } = options;
  const err = safePrinter(options.err);
  const alertsByRule = new Map<string, number>();
  const failRank = options.failOn ? SEVERITIES.indexOf(options.failOn) : Infinity;
  let failing = 0;
  const pending: Alert[] = [];
  const flush = () => {
    pending.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
    for (const alert of pending) {
      alertsByRule.set(alert.rule, (alertsByRule.get(alert.rule) ?? 0) + 1);
      if (SEVERITIES.indexOf(alert.severity) >= failRank) failing++;
      out(options.format === 'json' ? terminalSafe(JSON.stringify(alert)) : alertLine(alert, options.style));
    }
    pending.length = 0;
  };
  const totals: ScanTotals = await scanInputs(options.plan, {
    ruleset: options.ruleset,
    window: options.window,
    ...(options.parseAll ? { alsoParse: 'all' as const } : {}),
    concurrency: options.concurrency,
    onEvent: (item) => {
      pending.push(...item.alerts);
      if (pending.length >= ALERTS_SORTED_TOGETHER) flush();
    },
    onInputDone: flush,
    err,
    ...(options.progress ? { progress: options.progress } : {}),
    verbose: options.verbose,
  });
  for (const line of summaryLines(totals, alertsByRule)) err(line);
  if (options.failOn && failing > 0) {
    err(
      `trailwatch: ${failing} alert${failing === 1 ? '' : 's'} at ${options.failOn} or above (--fail-on ${options.failOn}): exit status ${EXIT_ALERTS}`,
    );
    return EXIT_ALERTS;
  }
  return totals.unreadable > 0 || totals.malformedRecords > 0 ? 1 : 0;
}
