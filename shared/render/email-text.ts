// The email a person reads: plain text for any mail client, lines of about 72 characters, no HTML or tables.
// It answers, in this order: what happened and how bad it is, to which resource, who did it with which
// credentials, from where, when and where, whether it failed, what the rule knows, what to check next, how to
// silence the rule if this is expected, and the CloudTrail record itself.
//
// Every value from the record goes through `oneLine` (see plain-text.ts): a caller controls some of them.
import type { Alert } from '../alerts/alert.js';
import { callerName, isIdentityCenterSession } from '../alerts/caller-name.js';
import type { Principal, RdsResource, RdsResourceKind } from '../classify/types.js';
import { escapeInvisibleInJson, formatCount, oneLine, shellQuote, wrap } from './plain-text.js';
import type { PrettyRecord } from './record-text.js';
import type { SummaryAlert, Tally } from '../alerts/storm.js';

export const EMAIL_WIDTH = 72;
const LABEL_WIDTH = 14;
const INDENT = '  ';
/** How many other resources of one alert, and trimmed parts of one record, the email names. */
const LISTED = 10;

/** The record part of an email as the SNS message builder fitted it; null when the alert came without one. */
export type EmailRecord = PrettyRecord | null;

/** The email for one alert. */
export function alertEmailText(alert: Alert, record: EmailRecord): string {
  return [
    ...wrap(`${alert.severity.toUpperCase()}: ${alert.title}`, EMAIL_WIDTH, ''),
    ...openingLines(alert),
    '',
    ...(alert.description ? [...wrap(alert.description, EMAIL_WIDTH, ''), ''] : []),
    ...alertFacts(alert),
    ...numberedSection('What to check next', [...alert.nextSteps.map(plainStep), ...lookupSteps(alert)]),
    ...aboutSection(alert.rule, alert.severity, alert.principal, alert),
    ...recordSection(alert, record),
  ].join('\n');
}

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

// --- opening -------------------------------------------------------------------------------------------

function openingLines(alert: Alert): string[] {
  const place = [alert.account && `account ${alert.account}`, alert.awsRegion].filter(Boolean).join(', ');
  const target = alert.resource ? ` ${alert.resource.id}` : '';
  const lines = wrap(
    `${alert.eventName}${target} by ${callerName(alert.principal)}, at ${alert.eventTime}${place ? ` in ${place}` : ''}.`,
    EMAIL_WIDTH,
    '',
  );
  if (alert.failed) {
    lines.push(
      ...wrap(
        `The call failed${alert.errorCode ? ` (${alert.errorCode})` : ''}, so it changed nothing; it still shows what someone tried to do.`,
        EMAIL_WIDTH,
        '',
      ),
    );
  }
  if (alert.principal.isRoot) lines.push(...wrap("The account's ROOT user made this call.", EMAIL_WIDTH, ''));
  return lines;
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

// --- the facts of one alert --------------------------------------------------------------------------

/** What happened, to which resource, who, from where, and the rule's details. */
function alertFacts(alert: Alert): string[] {
  return [
    ...section('What happened', [
      ...field('Call', `${alert.eventName} (${alert.eventSource})`),
      ...field('Result', alert.failed ? `FAILED${alert.errorCode ? `: ${alert.errorCode}` : ''}` : 'succeeded'),
      ...(alert.errorMessage ? field('Error', alert.errorMessage) : []),
      ...field('Time', `${alert.eventTime} (UTC)`),
      ...field('Account', alert.account ?? 'not recorded'),
      ...field('Region', alert.awsRegion ?? 'not recorded'),
      ...field('Event ID', alert.eventID ?? 'not recorded'),
    ]),
    ...section('Resource', resourceLines(alert)),
    ...section('Who', principalLines(alert.principal, alert.account)),
    ...section('From where', [
      ...field('Source IP', alert.sourceIPAddress ?? 'not recorded'),
      ...field('User agent', alert.userAgent ?? 'not recorded'),
    ]),
    ...(alert.details.length > 0
      ? section(
          'What the rule found',
          alert.details.flatMap((detail) => wrap(detail, EMAIL_WIDTH, `${INDENT}  `, `${INDENT}- `)),
        )
      : []),
  ];
}

const KIND_NAMES: Record<RdsResourceKind, string> = {
  'db-instance': 'DB instance',
  'db-cluster': 'DB cluster',
  'db-snapshot': 'DB snapshot',
  'db-cluster-snapshot': 'DB cluster snapshot',
  'db-parameter-group': 'DB parameter group',
  'db-cluster-parameter-group': 'DB cluster parameter group',
  'db-subnet-group': 'DB subnet group',
  'db-proxy': 'DB proxy',
  'global-cluster': 'Global database cluster',
  'db-instance-automated-backup': 'Automated backup of a DB instance',
  'db-cluster-automated-backup': 'Automated backup of a DB cluster',
  trail: 'CloudTrail trail',
};

function kindName(resource: RdsResource): string {
  return Object.hasOwn(KIND_NAMES, resource.kind) ? KIND_NAMES[resource.kind] : resource.kind;
}

function resourceLines(alert: Alert): string[] {
  const { resource } = alert;
  if (!resource) return [`${INDENT}None named in the record.`];
  const others = alert.resources.filter((r) => r !== resource && !(r.kind === resource.kind && r.id === resource.id));
  const otherLines = others.slice(0, LISTED).map((r) => `${kindName(r)} ${r.id}`);
  if (others.length > LISTED) otherLines.push(`and ${others.length - LISTED} more`);
  return [
    ...field('Kind', kindName(resource)),
    ...field('ID', resource.id),
    ...(resource.arn ? field('ARN', resource.arn) : []),
    ...otherLines.flatMap((line, i) => field(i === 0 ? 'Also named' : '', line)),
  ];
}

/** userIdentity.type in words. */
const PRINCIPAL_TYPES: Record<string, string> = {
  Root: "the account's root user, which no policy limits",
  IAMUser: 'an IAM user',
  AssumedRole: 'a session of an IAM role',
  FederatedUser: 'a federated user session (GetFederationToken)',
  AWSService: 'an AWS service',
  AWSAccount: 'another AWS account',
  IdentityCenterUser: 'an IAM Identity Center user',
  SAMLUser: 'a user federated through SAML',
  WebIdentityUser: 'a user federated through a web identity provider',
  Unknown: 'not recorded (the record has no userIdentity)',
};

function principalLines(principal: Principal, eventAccount: string | null): string[] {
  // userIdentity.type comes from the record: an own-property lookup, so `constructor` is just an unknown type.
  const type = Object.hasOwn(PRINCIPAL_TYPES, principal.type) ? PRINCIPAL_TYPES[principal.type] : undefined;
  return [
    ...field('Caller', callerName(principal)),
    ...field('Type', type ? `${principal.type}: ${type}` : principal.type),
    ...(principal.arn ? field('ARN', principal.arn) : []),
    ...(principal.roleArn ? field('Role', principal.roleArn) : []),
    ...(principal.sessionName ? field('Session', principal.sessionName) : []),
    ...(principal.accountId && principal.accountId !== eventAccount
      ? field('Account', `${principal.accountId} (not the account of the event)`)
      : []),
    ...(principal.accessKeyId ? field('Access key', describeAccessKey(principal.accessKeyId)) : []),
    ...(principal.isAwsService && !principal.invokedBy ? [] : field('MFA', mfaText(principal.mfaAuthenticated))),
    ...(principal.invokedBy
      ? field(
          'Invoked by',
          `${principal.invokedBy}${principal.isAwsService ? " (an AWS service, on the caller's behalf)" : ''}`,
        )
      : []),
  ];
}

/** AKIA/ASIA prefixes are AWS's documented access key id prefixes. */
function describeAccessKey(id: string): string {
  if (id.startsWith('AKIA')) return `${id} (long-term access key)`;
  if (id.startsWith('ASIA')) return `${id} (temporary credentials)`;
  return id;
}

function mfaText(mfa: boolean | undefined): string {
  if (mfa === undefined) return 'not recorded';
  return mfa ? 'yes' : 'no';
}

// --- what to check next ------------------------------------------------------------------------------

/** A step: text, and an optional shell command shown on its own lines so it can be pasted. */
interface Step {
  text: string;
  command?: string[];
}

function plainStep(text: string): Step {
  return { text };
}

/** CloudTrail Event history lookups for the caller's access key and the resource (90 days of management events). */
function lookupSteps(alert: Alert): Step[] {
  const region = alert.awsRegion ? ` --region ${shellQuote(alert.awsRegion)}` : '';
  const lookup = (key: string, value: string) => [
    `aws cloudtrail lookup-events${region} \\`,
    `  --lookup-attributes ${shellQuote(`AttributeKey=${key},AttributeValue=${value}`)}`,
  ];
  const steps: Step[] = [];
  const key = alert.principal.accessKeyId;
  if (key) {
    steps.push({
      text: `See what else was done with access key ${key} (CloudTrail Event history, last 90 days):`,
      command: lookup('AccessKeyId', key),
    });
  }
  if (alert.resource) {
    steps.push({
      text: `See what else happened to ${alert.resource.id}:`,
      command: lookup('ResourceName', alert.resource.id),
    });
  }
  return steps;
}

function numberedSection(title: string, steps: Step[]): string[] {
  if (steps.length === 0) return [];
  const numberWidth = String(steps.length).length;
  const lines = steps.flatMap((step, i) => {
    const number = `${INDENT}${String(i + 1).padStart(numberWidth)}. `;
    const hanging = ' '.repeat(number.length);
    return [
      ...wrap(step.text, EMAIL_WIDTH, hanging, number),
      ...(step.command ?? []).map((line) => `${hanging}  ${oneLine(line)}`),
    ];
  });
  return section(title, lines);
}

// --- about the rule, and how to silence it --------------------------------------------------------------

/** Rule, severity, where the record is (single alerts), and how to silence the rule for `caller`. */
function aboutSection(rule: string, severity: string, caller: Principal | undefined, origin?: Alert): string[] {
  return section('About this alert', [
    ...field('Rule', rule),
    ...field('Severity', severity),
    ...(origin?.file ? field('Log file', origin.file) : []),
    ...(origin?.file && origin.recordIndex !== null
      ? field('Record', `Records[${origin.recordIndex}] in that file`)
      : []),
    '',
    ...silenceLines(rule, caller),
  ]);
}

/** A rules-file snippet that silences the rule for this caller (YAML; values JSON-quoted, which YAML reads as is). */
function silenceLines(rule: string, caller: Principal | undefined): string[] {
  const exception = caller ? exceptionFor(caller) : null;
  const turnOff =
    "To turn the rule off, set enabled: false under its id in overrides, or list it in the processor's DISABLED_RULES.";
  if (!exception) return wrap(turnOff, EMAIL_WIDTH, INDENT);
  return [
    ...wrap('Expected? Silence this rule for this caller in your rules file:', EMAIL_WIDTH, INDENT),
    '',
    `${INDENT}    overrides:`,
    `${INDENT}      ${/^[A-Za-z0-9_-]+$/.test(rule) ? rule : quoted(rule)}:`,
    `${INDENT}        except:`,
    `${INDENT}          ${exception.key}: [${quoted(exception.value)}]`,
    '',
    ...wrap(turnOff, EMAIL_WIDTH, INDENT),
  ];
}

/**
 * The exception that matches this caller: the service that acted for it; else, for an assumed role, the role
 * (session names are often random), except that an Identity Center session is one person and its role is a
 * whole permission set; else the caller's ARN. None for root: root activity is not something to silence by caller.
 */
function exceptionFor(principal: Principal): { key: 'principals' | 'invokedBy'; value: string } | null {
  if (principal.isRoot) return null;
  if (principal.invokedBy && principal.isAwsService) return { key: 'invokedBy', value: principal.invokedBy };
  const arn = isIdentityCenterSession(principal) ? principal.arn : (principal.roleArn ?? principal.arn);
  return arn ? { key: 'principals', value: arn } : null;
}

/** A double-quoted string valid in both JSON and YAML, with nothing invisible in it. */
function quoted(value: string): string {
  return escapeInvisibleInJson(JSON.stringify(value));
}

// --- the record ------------------------------------------------------------------------------------------

/** Where the full record is: its file and index, else where CloudTrail keeps it, and its eventID either way. */
function whereToFind(alert: Alert): string {
  const id = alert.eventID ? `event ID ${alert.eventID}` : `${alert.eventName} at ${alert.eventTime}`;
  if (alert.file && alert.recordIndex !== null)
    return `The full record is Records[${alert.recordIndex}] in ${alert.file} (${id}).`;
  return `Find the full record by ${id} in CloudTrail Event history or in the trail's S3 bucket.`;
}

function recordSection(alert: Alert, record: EmailRecord, title = 'CloudTrail record'): string[] {
  if (!record) return [title, ...wrap(`Not attached to this alert. ${whereToFind(alert)}`, EMAIL_WIDTH, INDENT), ''];
  if (record.text === null) {
    return [
      title,
      ...wrap(
        `The record (${formatCount(record.bytes)} bytes) is too large to show here. ${whereToFind(alert)}`,
        EMAIL_WIDTH,
        INDENT,
      ),
      '',
    ];
  }
  const notes: string[] = [];
  if (record.trimmed.length > 0) {
    notes.push(
      ...wrap(
        `Trimmed to fit an SNS message: ${record.trimmed.length === 1 ? 'one part was' : 'these parts were'} replaced by "[trimmed by trailwatch: N bytes]". ${whereToFind(alert)}`,
        EMAIL_WIDTH,
        INDENT,
      ),
      ...record.trimmed
        .slice(0, LISTED)
        .map((part) => `${INDENT}- ${oneLine(part.path)} (${formatCount(part.bytes)} bytes)`),
      ...(record.trimmed.length > LISTED ? [`${INDENT}- and more`] : []),
      '',
    );
  }
  return [title, ...notes, record.text, ''];
}

// --- summaries -------------------------------------------------------------------------------------------

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

// --- layout ----------------------------------------------------------------------------------------------

function section(title: string, lines: string[]): string[] {
  return [title, ...lines, ''];
}

/** `  Label         value`, the value wrapped under itself. An empty label continues the field above. */
function field(label: string, value: string): string[] {
  const first = `${INDENT}${label}`.padEnd(INDENT.length + LABEL_WIDTH);
  return wrap(
    value,
    EMAIL_WIDTH,
    ' '.repeat(INDENT.length + LABEL_WIDTH),
    first.length > INDENT.length + LABEL_WIDTH ? `${first} ` : first,
  );
}

/** `account 123456789012`, or `3 accounts` when a summary spans several. */
function listOf(values: string[], noun: string): string {
  if (values.length === 0) return '';
  return values.length === 1 ? `${noun} ${values[0]}` : `${values.length} ${noun}s`;
}
