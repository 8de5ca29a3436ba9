// The email for a summary of an alert storm (shared/alerts/storm.ts): counts, the most frequent calls, callers and
// resources, what to check, how to silence the rule, the first examples in full, and the event IDs.
import { callerName } from '../alerts/caller-name.js';
import type { Alert } from '../alerts/alert.js';
import type { SummaryAlert, Tally } from '../alerts/storm.js';
import { aboutSection } from './email-about.js';
import { alertFacts, openingLines } from './email-facts.js';
import { EMAIL_WIDTH, field, INDENT, numberedSection, plainStep, section } from './email-layout.js';
import { type EmailRecord, recordSection } from './email-record.js';
import { formatCount, oneLine, shellQuote, wrap } from './plain-text.js';

/** The email for a summary of many alerts of one rule; `records[i]` belongs to `summary.examples[i]`. */
export function summaryEmailText(summary: SummaryAlert, records: readonly EmailRecord[]): string {
  // The exception snippet is for the most frequent caller, taken from an example of theirs when there is one.
  const topCaller = summary.principals.top[0]?.value;
  const examples = summary.examples.map(({ alert }) => alert);
  const caller = (examples.find((alert) => callerName(alert.principal) === topCaller) ?? examples[0])?.principal;
  return [
    ...wrap(
      `${summary.severity.toUpperCase()}: ${summary.title} (${formatCount(summary.count)} alerts)`,
      EMAIL_WIDTH,
      '',
    ),
    ...wrap(summaryOpening(summary), EMAIL_WIDTH, ''),
    '',
    ...(summary.description ? [...wrap(summary.description, EMAIL_WIDTH, ''), ''] : []),
    ...summarySection(summary),
    ...tallySection('Calls', summary.eventNames),
    ...tallySection('Callers', summary.principals),
    ...tallySection('Resources', summary.resources),
    ...numberedSection('What to check next', [
      ...summary.nextSteps.map(plainStep),
      plainStep(
        'Many alerts of one rule from one caller are often a script or a retry loop. If they are expected, silence them with an exception (below); if not, treat each example below as its own alert.',
      ),
    ]),
    ...aboutSection(summary.rule, summary.severity, caller),
    ...summary.examples.flatMap(({ alert }, i) => exampleSection(alert, records[i] ?? null, i, summary)),
    ...eventIdSection(summary),
  ].join('\n');
}

function summaryOpening(summary: SummaryAlert): string {
  const span =
    summary.firstEventTime === summary.lastEventTime
      ? `at ${summary.firstEventTime}`
      : `from ${summary.firstEventTime} to ${summary.lastEventTime}`;
  const place = [listOf(summary.accounts, 'account'), listOf(summary.regions, 'region')].filter(Boolean).join(', ');
  return (
    `${formatCount(summary.count)} alerts of rule ${summary.rule} came from one log file, ${span}${place ? ` in ${place}` : ''}. ` +
    `More than ${summary.stormThreshold} alerts of one rule in one file arrive as this one summary: ` +
    `counts, the first ${summary.examples.length} in full, and the event IDs.`
  );
}

function summarySection(summary: SummaryAlert): string[] {
  const file = summary.file;
  return section('Summary', [
    ...field('Alerts', `${formatCount(summary.count)}${failedShare(summary)}`),
    ...field('First event', `${summary.firstEventTime} (UTC)`),
    ...field('Last event', `${summary.lastEventTime} (UTC)`),
    ...field('Accounts', summary.accounts.join(', ') || 'not recorded'),
    ...field('Regions', summary.regions.join(', ') || 'not recorded'),
    ...(file ? field('Log file', file) : []),
  ]);
}

function failedShare({ count, failedCount }: SummaryAlert): string {
  if (failedCount === 0) return '';
  return failedCount === count ? ', all failed calls' : ` (${formatCount(failedCount)} of them failed calls)`;
}

function tallySection(title: string, tally: Tally): string[] {
  if (tally.top.length === 0) return [];
  const distinct = `${tally.capped ? 'at least ' : ''}${formatCount(tally.distinct)} distinct`;
  const shown = tally.distinct > tally.top.length ? `, the ${tally.top.length} most frequent` : '';
  const width = Math.max(...tally.top.map(({ count }) => formatCount(count).length));
  return section(
    `${title} (${distinct}${shown})`,
    tally.top.map(({ value, count }) => `${INDENT}${formatCount(count).padStart(width)}  ${oneLine(value)}`),
  );
}

function exampleSection(alert: Alert, record: EmailRecord, index: number, summary: SummaryAlert): string[] {
  const title = `Example ${index + 1} of ${summary.examples.length}`;
  return [
    title,
    '='.repeat(title.length),
    ...openingLines(alert),
    '',
    ...alertFacts(alert),
    ...recordSection(alert, record),
  ];
}

function eventIdSection(summary: SummaryAlert): string[] {
  if (summary.eventIDs.length === 0) return [];
  const all = summary.eventIDsNotListed === 0;
  return section(
    all
      ? `Event IDs of all ${formatCount(summary.eventIDs.length)} alerts`
      : `Event IDs of the first ${formatCount(summary.eventIDs.length)} alerts`,
    [
      ...summary.eventIDs.map((id) => `${INDENT}${oneLine(id)}`),
      ...(all
        ? []
        : [
            `${INDENT}and ${formatCount(summary.eventIDsNotListed)} more, not listed.`,
            '',
            ...whereTheRestAre(summary.file),
          ]),
    ],
  );
}

/**
 * Where the eventIDs a summary does not list can be found: the log file holds every record, and `trailwatch
 * scan --format json` prints each alert of it with its eventID (the summary keeps the first ones only, so that
 * memory and the message stay bounded however many alerts a file raises).
 */
function whereTheRestAre(file: string | null): string[] {
  if (!file)
    return wrap(
      'Every alert, each with its eventID, is in the log file: run trailwatch scan --format json on it.',
      EMAIL_WIDTH,
      INDENT,
    );
  const s3 = /^s3:\/\/[^/]+\/(.+)$/.exec(file);
  const local = s3 ? ((s3[1] ?? file).split('/').pop() ?? file) : file;
  return [
    ...wrap(
      'Every alert of this summary, each with its eventID, is listed by trailwatch scan on the log file:',
      EMAIL_WIDTH,
      INDENT,
    ),
    ...(s3 ? [`${INDENT}  aws s3 cp ${shellQuote(file)} .`] : []),
    `${INDENT}  trailwatch scan --format json ${shellQuote(local)}`,
  ];
}

/** `account 123456789012`, or `3 accounts` when a summary spans several. */
function listOf(values: string[], noun: string): string {
  if (values.length === 0) return '';
  return values.length === 1 ? `${noun} ${values[0]}` : `${values.length} ${noun}s`;
}
