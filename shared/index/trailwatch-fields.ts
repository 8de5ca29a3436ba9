// The `trailwatch` object added to each indexed record: the classifier's facts in the form CloudWatch Logs
// filter patterns and text searches reach.
import type { ClassifiedEvent, Principal } from '../classify/types.js';
import { rdsIdentityOf } from '../classify/resources.js';
import type { IndexedPrincipal, TrailwatchFields } from './types.js';

/** An alert as far as the index cares: the id of the rule that raised it. */
export interface RaisedRule {
  rule: string;
}

export function trailwatchFields(event: ClassifiedEvent, alerts: readonly RaisedRule[]): TrailwatchFields {
  const { facts } = event;
  const resources = resourceIdentifiers(facts.resources);
  const fields: TrailwatchFields = {
    category: facts.category,
    principal: indexedPrincipal(facts.principal),
    resource: facts.resources[0]?.id ?? null,
    resources,
    failed: facts.failed,
    alerts: unique(alerts.map((a) => a.rule)),
  };
  // The identity `trailwatch search --db` follows across renames: RDS records only. A record without a
  // resource id gets no `resourceId` member; it is still found by the names in `resources`.
  if (facts.category === 'rds') {
    const identity = rdsIdentityOf(event.record);
    if (identity.resourceId !== undefined) fields.resourceId = identity.resourceId;
    if (identity.renamed) fields.renamed = { from: identity.renamed.from, to: identity.renamed.to };
  }
  return fields;
}

/**
 * Ids and ARNs, each once, primary first. Both forms so that `{ $.trailwatch.resource = "oradb" }`, an exact
 * match on an ARN and a text search for either find the event; the classifier already lists the new name of a
 * renamed resource, so the old and the new name both find it.
 */
function resourceIdentifiers(resources: ClassifiedEvent['facts']['resources']): string[] {
  const out: string[] = [];
  for (const r of resources) {
    out.push(r.id);
    if (r.arn !== undefined) out.push(r.arn);
  }
  return unique(out);
}

/** Only the fields people filter on; access key ids and MFA flags stay in the record's own userIdentity. */
function indexedPrincipal(p: Principal): IndexedPrincipal {
  const out: IndexedPrincipal = { type: p.type, isRoot: p.isRoot, isAwsService: p.isAwsService };
  if (p.name !== undefined) out.name = p.name;
  if (p.arn !== undefined) out.arn = p.arn;
  if (p.accountId !== undefined) out.accountId = p.accountId;
  if (p.roleArn !== undefined) out.roleArn = p.roleArn;
  if (p.sessionName !== undefined) out.sessionName = p.sessionName;
  return out;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
