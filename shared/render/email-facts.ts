// The parts of an email about one alert, shared by the alert's own email and a summary's examples: the opening
// (what, by whom, when, where; failed; root) and the facts (what happened, resource, who, from where, the rule's
// findings). Every value from the record goes through `oneLine`/`wrap` (plain-text.ts): a caller controls some.
import type { Alert } from '../alerts/alert.js';
import { callerName } from '../alerts/caller-name.js';
import type { Principal, RdsResource, RdsResourceKind } from '../classify/types.js';
import { EMAIL_WIDTH, field, INDENT, LISTED, section } from './email-layout.js';
import { wrap } from './plain-text.js';

export function openingLines(alert: Alert): string[] {
  const place = [alert.account && `account ${accountLabel(alert)}`, alert.awsRegion].filter(Boolean).join(', ');
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

/** What happened, to which resource, who, from where, and the rule's details. */
export function alertFacts(alert: Alert): string[] {
  return [
    ...section('What happened', [
      ...field('Call', `${alert.eventName} (${alert.eventSource})`),
      ...field('Result', alert.failed ? `FAILED${alert.errorCode ? `: ${alert.errorCode}` : ''}` : 'succeeded'),
      ...(alert.errorMessage ? field('Error', alert.errorMessage) : []),
      ...field('Time', `${alert.eventTime} (UTC)`),
      ...field('Account', accountLabel(alert) ?? 'not recorded'),
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

/**
 * The account as an alert's text names it: `111122223333 (payments-prod)` when the rules files name it, else the
 * id alone, so a stack given no accounts section sends the same text as before.
 */
export function accountLabel(alert: Pick<Alert, 'account' | 'accountName'>): string | null {
  if (!alert.account) return alert.accountName;
  return alert.accountName ? `${alert.account} (${alert.accountName})` : alert.account;
}
