// "About this alert": the rule and severity, where the record is, and how to silence the rule for this caller
// (a rules-file snippet to paste; values JSON-quoted, which YAML reads as they are).
import type { Alert } from '../alerts/alert.js';
import { isIdentityCenterSession } from '../alerts/caller-name.js';
import type { Principal } from '../classify/types.js';
import { EMAIL_WIDTH, field, INDENT, section } from './email-layout.js';
import { escapeInvisibleInJson, wrap } from './plain-text.js';

/** Rule, severity, where the record is (single alerts), and how to silence the rule for `caller`. */
export function aboutSection(rule: string, severity: string, caller: Principal | undefined, origin?: Alert): string[] {
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
