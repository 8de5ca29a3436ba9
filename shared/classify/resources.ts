// The RDS resources (or, for CloudTrail configuration, the trail) a record names, the thing acted on first.
// Only the top level of requestParameters and responseElements is read: that is where the RDS API puts the
// identifiers of what a call acts on. Nested structures (an instance's subnet group, parameter group
// memberships, ...) describe its configuration, and would drown the resource the call is about.
import { isJsonObject, type CloudTrailRecord, type JsonObject, type JsonValue } from '../cloudtrail.js';
import { isArn, rdsResourceFromArn, trailFromArn } from './arn.js';
import type { Category, RdsResource, RdsResourceKind } from './types.js';

/** How close a field is to "the thing acted on": 0 the subject (or the target a call creates), 1 a new name, 2 related. */
type Rank = 0 | 1 | 2;

interface FieldSpec {
  kind: RdsResourceKind;
  rank: Rank;
  /**
   * A resource id (db-ABC...) rather than a name, read only from requestParameters: in responses the same
   * fields describe the instance or cluster. The backup's own ARN, when the response gives it, names the same backup.
   */
  resourceId?: boolean;
}

/**
 * Identifier fields of the RDS API, keyed by lower-cased name: CloudTrail writes them as `dBInstanceIdentifier`,
 * but a few calls use `dbInstanceIdentifier` / `dbClusterIdentifier` (e.g. RemoveFromGlobalCluster). Any of them
 * may hold an ARN instead of a name (shared snapshots, cross-Region replicas); the ARN then decides the kind.
 * Parameter names: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Operations.html
 */
const FIELDS: ReadonlyMap<string, FieldSpec> = new Map<string, FieldSpec>([
  ['dbinstanceidentifier', { kind: 'db-instance', rank: 0 }],
  ['targetdbinstanceidentifier', { kind: 'db-instance', rank: 0 }],
  ['newdbinstanceidentifier', { kind: 'db-instance', rank: 1 }],
  ['sourcedbinstanceidentifier', { kind: 'db-instance', rank: 2 }],
  ['readreplicasourcedbinstanceidentifier', { kind: 'db-instance', rank: 2 }],
  ['readreplicadbinstanceidentifiers', { kind: 'db-instance', rank: 2 }],
  ['dbclusteridentifier', { kind: 'db-cluster', rank: 0 }],
  ['newdbclusteridentifier', { kind: 'db-cluster', rank: 1 }],
  ['sourcedbclusteridentifier', { kind: 'db-cluster', rank: 2 }],
  ['replicationsourceidentifier', { kind: 'db-cluster', rank: 2 }],
  ['readreplicadbclusteridentifiers', { kind: 'db-cluster', rank: 2 }],
  ['dbsnapshotidentifier', { kind: 'db-snapshot', rank: 0 }],
  ['targetdbsnapshotidentifier', { kind: 'db-snapshot', rank: 0 }],
  ['sourcedbsnapshotidentifier', { kind: 'db-snapshot', rank: 2 }],
  ['finaldbsnapshotidentifier', { kind: 'db-snapshot', rank: 2 }],
  ['dbclustersnapshotidentifier', { kind: 'db-cluster-snapshot', rank: 0 }],
  ['targetdbclustersnapshotidentifier', { kind: 'db-cluster-snapshot', rank: 0 }],
  ['sourcedbclustersnapshotidentifier', { kind: 'db-cluster-snapshot', rank: 2 }],
  ['finaldbclustersnapshotidentifier', { kind: 'db-cluster-snapshot', rank: 2 }],
  ['dbparametergroupname', { kind: 'db-parameter-group', rank: 0 }],
  ['targetdbparametergroupidentifier', { kind: 'db-parameter-group', rank: 0 }],
  ['sourcedbparametergroupidentifier', { kind: 'db-parameter-group', rank: 2 }],
  ['dbclusterparametergroupname', { kind: 'db-cluster-parameter-group', rank: 0 }],
  ['targetdbclusterparametergroupidentifier', { kind: 'db-cluster-parameter-group', rank: 0 }],
  ['sourcedbclusterparametergroupidentifier', { kind: 'db-cluster-parameter-group', rank: 2 }],
  ['dbsubnetgroupname', { kind: 'db-subnet-group', rank: 0 }],
  ['dbproxyname', { kind: 'db-proxy', rank: 0 }],
  ['newdbproxyname', { kind: 'db-proxy', rank: 1 }],
  ['globalclusteridentifier', { kind: 'global-cluster', rank: 0 }],
  ['newglobalclusteridentifier', { kind: 'global-cluster', rank: 1 }],
  ['dbiresourceid', { kind: 'db-instance-automated-backup', rank: 0, resourceId: true }],
  ['dbclusterresourceid', { kind: 'db-cluster-automated-backup', rank: 0, resourceId: true }],
]);

/**
 * The resource type an RDS call's name is about, found as the first noun in the name:
 * RestoreDBInstanceFromDBSnapshot acts on a DB instance, ModifyDBSnapshotAttribute on a snapshot.
 * Longer nouns first, so "DBClusterSnapshot" is not read as "DBCluster".
 */
const NOUNS: ReadonlyArray<[string, RdsResourceKind]> = [
  ['DBInstanceAutomatedBackup', 'db-instance-automated-backup'],
  ['DBClusterAutomatedBackup', 'db-cluster-automated-backup'],
  ['DBClusterParameterGroup', 'db-cluster-parameter-group'],
  ['DBParameterGroup', 'db-parameter-group'],
  ['DBClusterSnapshot', 'db-cluster-snapshot'],
  ['DBSnapshot', 'db-snapshot'],
  ['DBSubnetGroup', 'db-subnet-group'],
  ['GlobalCluster', 'global-cluster'],
  ['DBProxy', 'db-proxy'],
  ['DBCluster', 'db-cluster'],
  ['DBInstance', 'db-instance'],
];

/** CloudTrail calls whose `name` / `trailName` parameter names a trail (by name or ARN). */
const TRAIL_CALLS = new Set([
  'CreateTrail',
  'UpdateTrail',
  'DeleteTrail',
  'StartLogging',
  'StopLogging',
  'PutEventSelectors',
  'PutInsightSelectors',
]);

interface Candidate {
  resource: RdsResource;
  rank: Rank;
  order: number;
}

/** An entry being built: `byResourceId` entries take the ARN of the first same-kind resource named only by ARN. */
interface Entry {
  resource: RdsResource;
  byResourceId: boolean;
}

export function resourcesOf(record: CloudTrailRecord, category: Category): RdsResource[] {
  if (category === 'rds' || category === 'rds-data-api') return rdsResourcesOf(record);
  if (category === 'cloudtrail-config') return trailsOf(record);
  return [];
}

function rdsResourcesOf(record: CloudTrailRecord): RdsResource[] {
  const candidates: Candidate[] = [];
  const byResourceId = new Set<RdsResource>();
  const add = (resource: RdsResource | null, rank: Rank) => {
    if (resource) candidates.push({ resource, rank, order: candidates.length });
  };
  const named = (key: string, text: string, isRequest: boolean) => {
    const spec = fieldSpec(key);
    if (spec?.resourceId) {
      if (isRequest) {
        const resource: RdsResource = { kind: spec.kind, id: text };
        byResourceId.add(resource);
        add(resource, spec.rank);
      }
    } else if (spec) add(isArn(text) ? rdsResourceFromArn(text) : { kind: spec.kind, id: text }, spec.rank);
    // Any other field holding an RDS ARN names a resource too: dBInstanceArn in a response, the
    // Data API's resourceArn, StartExportTask's sourceArn, AddTagsToResource's resourceName.
    else if (isArn(text)) add(rdsResourceFromArn(text), key === 'resourceArn' ? 0 : 1);
  };
  for (let side = 0; side < 2; side++) {
    const isRequest = side === 0;
    const params = readable(isRequest ? record.requestParameters : record.responseElements);
    if (!params) continue;
    // Only string members (and lists of strings) can name a resource: numbers, booleans and the nested objects
    // of a response (most of its members) are passed over before their key is looked at.
    // Indexed loops: a response's top-level lists can hold hundreds of objects (DescribeDBInstances).
    const keys = Object.keys(params);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const value = params[key];
      if (typeof value === 'string') {
        if (value !== '') named(key, value, isRequest);
      } else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          if (typeof item === 'string' && item !== '') named(key, item, isRequest);
        }
      }
    }
  }
  const subject = subjectKind(record.eventName);
  candidates.sort(
    (a, b) => primaryFirst(a, subject) - primaryFirst(b, subject) || a.rank - b.rank || a.order - b.order,
  );
  return deduplicate(
    candidates.map((c) => c.resource),
    byResourceId,
  );
}

/** The identifier field `key` is (FIELDS), matched case-insensitively; remembered per spelling seen. */
function fieldSpec(key: string): FieldSpec | undefined {
  let spec = SPELLINGS.get(key);
  if (spec === undefined) {
    spec = FIELDS.get(key.toLowerCase()) ?? null;
    // Keys come from the records: a file of made-up keys must not grow the memo without bound.
    if (SPELLINGS.size >= MAX_SPELLINGS) SPELLINGS.clear();
    SPELLINGS.set(key, spec);
  }
  return spec ?? undefined;
}

const NO_RESOURCES: ReadonlySet<RdsResource> = new Set();

/** Keys as records spell them -> their FIELDS entry (null: not an identifier field). */
const SPELLINGS = new Map<string, FieldSpec | null>();
const MAX_SPELLINGS = 4096;

function primaryFirst(candidate: Candidate, subject: RdsResourceKind | undefined): number {
  return candidate.resource.kind === subject ? 0 : 1;
}

/** subjectKind's answers per eventName: RDS has a few hundred calls, each record searched 11 nouns for its own. */
const SUBJECTS = new Map<string, RdsResourceKind | null>();

function subjectKind(eventName: string): RdsResourceKind | undefined {
  let kind = SUBJECTS.get(eventName);
  if (kind === undefined) {
    kind = firstNoun(eventName) ?? null;
    // Names come from the records: a file of made-up names must not grow the memo without bound.
    if (SUBJECTS.size >= MAX_SPELLINGS) SUBJECTS.clear();
    SUBJECTS.set(eventName, kind);
  }
  return kind ?? undefined;
}

function firstNoun(eventName: string): RdsResourceKind | undefined {
  let best: { at: number; kind: RdsResourceKind } | undefined;
  for (const [noun, kind] of NOUNS) {
    const at = eventName.indexOf(noun);
    if (at >= 0 && (!best || at < best.at)) best = { at, kind };
  }
  return best?.kind;
}

function trailsOf(record: CloudTrailRecord): RdsResource[] {
  const found: RdsResource[] = [];
  const byName = TRAIL_CALLS.has(record.eventName);
  for (const params of [readable(record.requestParameters), readable(record.responseElements)]) {
    if (!params) continue;
    for (const [key, value] of Object.entries(params)) {
      for (const text of strings(value)) {
        if (isArn(text)) {
          const trail = trailFromArn(text);
          if (trail) found.push(trail);
        } else if (byName && (key === 'name' || key === 'trailName')) {
          found.push({ kind: 'trail', id: text });
        }
      }
    }
  }
  return deduplicate(found);
}

/** One entry per resource; an ARN seen later (e.g. in the response) joins the entry named by identifier. */
function deduplicate(resources: RdsResource[], byResourceId: ReadonlySet<RdsResource> = NO_RESOURCES): RdsResource[] {
  // Plain loops, each id lower-cased once: this runs for every RDS record, usually on one or two resources.
  const entries: Entry[] = [];
  const lowerIds: string[] = [];
  for (const resource of resources) {
    const lowerId = resource.id.toLowerCase();
    const loosened = byResourceId.has(resource);
    let same: Entry | undefined;
    for (let i = 0; i < entries.length; i++) {
      const { resource: r, byResourceId: loose } = entries[i]!;
      if (r.kind !== resource.kind) continue;
      if (
        (loose && !r.arn && resource.arn && !loosened) ||
        (lowerIds[i] === lowerId && (!r.arn || !resource.arn || r.arn === resource.arn))
      ) {
        same = entries[i];
        break;
      }
    }
    if (!same) {
      entries.push({ resource: { ...resource }, byResourceId: loosened });
      lowerIds.push(lowerId);
    } else if (!same.resource.arn && resource.arn) same.resource.arn = resource.arn;
  }
  return entries.map((e) => e.resource);
}

/**
 * The parameters, unless missing, null, or replaced by CloudTrail's truncation marker
 * (`{"reason": "requestParameters too large", "omitted": true}`), which names nothing.
 */
function readable(params: JsonObject | null | undefined): JsonObject | null {
  if (!isJsonObject(params) || params.omitted === true) return null;
  return params;
}

function strings(value: JsonValue): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

/** What ties a DB instance's or cluster's records together across renames (the index's `resourceId` and `renamed`). */
export interface RdsIdentity {
  /**
   * The immutable RDS resource id the record carries: `dbiResourceId` (a DB instance, `db-...`) or
   * `dbClusterResourceId` (a cluster, `cluster-...`) at the top level of responseElements (the instance or cluster
   * the response describes; for a snapshot, the instance or cluster it was taken of), else of requestParameters
   * (the automated-backup calls name the instance's by it). Absent when the record carries neither.
   */
  resourceId?: string;
  /** A successful ModifyDBInstance / ModifyDBCluster that renames: the old and the new identifier. */
  renamed?: { kind: 'db-instance' | 'db-cluster'; from: string; to: string };
}

const RENAMES: ReadonlyArray<{ kind: 'db-instance' | 'db-cluster'; old: string; new: string }> = [
  { kind: 'db-instance', old: 'dbinstanceidentifier', new: 'newdbinstanceidentifier' },
  { kind: 'db-cluster', old: 'dbclusteridentifier', new: 'newdbclusteridentifier' },
];

export function rdsIdentityOf(record: CloudTrailRecord): RdsIdentity {
  const out: RdsIdentity = {};
  const request = readable(record.requestParameters);
  for (const params of [readable(record.responseElements), request]) {
    const id = params && (topLevel(params, 'dbiresourceid') ?? topLevel(params, 'dbclusterresourceid'));
    if (id) {
      out.resourceId = id;
      break;
    }
  }
  // A failed call renamed nothing.
  if (request && !record.errorCode) {
    for (const rename of RENAMES) {
      const from = nameOf(topLevel(request, rename.old));
      const to = nameOf(topLevel(request, rename.new));
      if (from && to && from !== to) {
        out.renamed = { kind: rename.kind, from, to };
        break;
      }
    }
  }
  return out;
}

/** A top-level string member, its key matched case-insensitively. */
function topLevel(params: JsonObject, lowerKey: string): string | undefined {
  for (const [key, value] of Object.entries(params)) {
    if (key.toLowerCase() === lowerKey && typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function nameOf(value: string | undefined): string | undefined {
  if (value === undefined || !isArn(value)) return value;
  return rdsResourceFromArn(value)?.id;
}
