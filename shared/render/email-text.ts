// The email a person reads: plain text for any mail client, lines of about 72 characters, no HTML or tables.
// It answers, in this order: what happened and how bad it is, to which resource, who did it with which
// credentials, from where, when and where, whether it failed, what the rule knows, what to check next, how to
// silence the rule if this is expected, and the CloudTrail record itself.
//
// Every value from the record goes through `oneLine` (see plain-text.ts): a caller controls some of them.
//
// The parts: email-facts.ts (opening, facts), email-about.ts (rule, silencing), email-record.ts (the record),
// email-layout.ts (sections, fields, steps); a storm's summary email is email-summary.ts.
import type { Alert } from '../alerts/alert.js';
import { aboutSection } from './email-about.js';
import { alertFacts, openingLines } from './email-facts.js';
import { EMAIL_WIDTH, numberedSection, plainStep, type Step } from './email-layout.js';
import { type EmailRecord, recordSection } from './email-record.js';
import { shellQuote, wrap } from './plain-text.js';

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
