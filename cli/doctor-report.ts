// `trailwatch doctor`'s text and exit status from its verdicts.
import type { Check, CheckStatus } from './doctor-responses.js';

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };

/** The report: one line per check, its fix indented under it, and a count. */
export function formatDoctor(stackName: string, region: string, checks: readonly Check[]): string[] {
  const lines = [`trailwatch doctor: stack ${stackName} in ${region}`];
  const width = Math.max(...checks.map((c) => c.id.length));
  for (const check of checks) {
    lines.push(`${LABEL[check.status]}  ${check.id.padEnd(width)}  ${check.detail}`);
    if (check.fix && check.status !== 'pass') lines.push(`${' '.repeat(width + 8)}fix: ${check.fix}`);
  }
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  lines.push(
    `${checks.length} check${checks.length === 1 ? '' : 's'}: ${count('pass')} pass, ${count('warn')} warn, ${count('fail')} fail`,
  );
  return lines;
}

/** 0 when nothing failed (warnings included), 1 when a check failed. */
export function doctorExitCode(checks: readonly Check[]): 0 | 1 {
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}
