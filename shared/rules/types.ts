import type { JsonValue } from '../cloudtrail.js';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * An Amazon EventBridge event pattern, applied to the CloudTrail record itself (not to an EventBridge
 * envelope: write `eventName`, not `detail.eventName`), with the derived facts under `trailwatch`
 * (see EventFacts). Syntax: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */
export type EventPattern = { [field: string]: JsonValue };

/** Ways to keep a rule quiet for known automation. Any one that applies suppresses the alert. */
export interface RuleExceptions {
  /** ARN patterns (`*` wildcard) matched against the caller's ARN and, for assumed roles, the role ARN. */
  principals?: string[];
  /** Patterns matched against userIdentity.invokedBy, e.g. `cloudformation.amazonaws.com`. */
  invokedBy?: string[];
  /**
   * true: ignore calls made by AWS services: userIdentity.type AWSService, or a session an AWS service
   * used on the account's behalf (invokedBy `*.amazonaws.com`, e.g. AWS Backup deleting expired snapshots).
   */
  awsServices?: boolean;
  /** Identifier or ARN patterns; applies when every RDS resource the event names matches one. */
  resources?: string[];
  /** Any event pattern; applies when the event matches one. */
  patterns?: EventPattern[];
}

/** A rule as written in data (built-in or a user's rules file). */
export interface RuleDefinition {
  id: string;
  severity: Severity;
  title: string;
  description?: string;
  match: EventPattern;
  except?: RuleExceptions;
  /** What a person should check next, one item per line of the alert. */
  nextSteps?: string[];
}

/** Per-rule changes from a rules file or config, for built-in and custom rules alike. */
export interface RuleOverride {
  enabled?: boolean;
  severity?: Severity;
  /** Added to the rule's own exceptions. */
  except?: RuleExceptions;
}

/**
 * What a rules file says about one AWS account of an organisation: its name (shown in alerts beside the id) and
 * the organisational units it belongs to (a CloudTrail record names the account, never its OU).
 */
export interface AccountEntry {
  name?: string;
  /** OU names or ids, as the file writes them; nested OUs are listed each (`[Workloads, Workloads/Prod]`). */
  ous?: string[];
}

/**
 * Overrides and exceptions for some accounts only, matched on the record's account (recipientAccountId). A scope
 * names either accounts or OUs, not both: an account's own scope wins over its OU's (see compileRuleset).
 */
export interface RuleScope {
  /** 12-digit account ids. */
  accounts?: string[];
  /** OUs, as the accounts section names them. */
  ous?: string[];
  overrides?: Record<string, RuleOverride>;
  /** Exceptions for every rule, in these accounts. */
  except?: RuleExceptions;
}

/** The contents of a rules file (YAML or JSON). */
export interface RulesFile {
  rules?: RuleDefinition[];
  overrides?: Record<string, RuleOverride>;
  /** Exceptions for every rule. */
  except?: RuleExceptions;
  /** Account id -> name and OUs (organisation trails). */
  accounts?: Record<string, AccountEntry>;
  /** Per-account and per-OU overrides and exceptions, in file order. */
  scopes?: RuleScope[];
}
