// What the report shows, gathered from the events a scan reads: alerts (with their records), a timeline per
// database, who and where RDS changes came from, bursts of failed calls, and Data API activity per cluster.
// Pure: no I/O, no HTML.
import type { Alert } from '../../shared/alerts/alert.js';
import { callerName } from '../../shared/alerts/caller-name.js';
import type { ClassifiedEvent, RdsResource } from '../../shared/classify/types.js';
import { SEVERITIES, type Severity } from '../../shared/rules/types.js';

export const DATA_API_SOURCES = ['rdsdata.amazonaws.com', 'rdsdataapi.amazonaws.com'];
export const RDS_SOURCE = 'rds.amazonaws.com';

export interface AlertEntry {
  alert: Alert;
  /** The record as it was in the log (pretty-printed), for "every alert with its record". */
  record: string;
}

export type Action =
  | 'created'
  | 'restored'
  | 'modified'
  | 'renamed'
  | 'snapshot'
  | 'deleted'
  | 'rebooted'
  | 'started'
  | 'stopped'
  | 'other';

export interface TimelineEntry {
  time: string;
  action: Action;
  eventName: string;
  who: string;
  from: string;
  failed: boolean;
  errorCode: string | null;
  /** e.g. "renamed to mysqldb", "snapshot mysqldb-snap". */
  detail: string;
}

export interface DatabaseTimeline {
  id: string;
  kind: 'db-instance' | 'db-cluster';
  entries: TimelineEntry[];
}

export interface FailedBurst {
  who: string;
  first: string;
  last: string;
  count: number;
  eventNames: string[];
  errorCodes: string[];
}

export interface DataApiCluster {
  cluster: string;
  calls: number;
  failed: number;
  byEventName: [string, number][];
  callers: string[];
  first: string;
  last: string;
}

export interface ReportData {
  alerts: AlertEntry[];
  alertsBySeverity: Record<Severity, number>;
  /** Bucket label (UTC, e.g. 2026-11-20T16) -> count per severity, SEVERITIES order. */
  alertsOverTime: { label: string; values: number[] }[];
  rdsChangesOverTime: { label: string; values: number[] }[];
  databases: DatabaseTimeline[];
  topPrincipals: [string, number][];
  topSourceIps: [string, number][];
  rdsChanges: number;
  failedCalls: number;
  failedBursts: FailedBurst[];
  dataApi: DataApiCluster[];
  firstEvent?: string;
  lastEvent?: string;
}

/** Failed calls by one caller closer together than this belong to one burst. */
export const BURST_GAP_MS = 5 * 60_000;
/** A burst is this many failed calls or more. */
export const BURST_MIN_CALLS = 3;
export const TOP_N = 10;

const READ_ONLY = /^(Describe|List|Download|Get)/;

function actionOf(eventName: string, record: ClassifiedEvent['record']): Action {
  const request = (record.requestParameters ?? {}) as Record<string, unknown>;
  if (/Snapshot/.test(eventName) && !/^Restore/.test(eventName)) return 'snapshot';
  if (/^Restore/.test(eventName)) return 'restored';
  if (/^Create/.test(eventName)) return 'created';
  if (/^Delete/.test(eventName)) return 'deleted';
  if (/^Modify/.test(eventName))
    return typeof request.newDBInstanceIdentifier === 'string' || typeof request.newDBClusterIdentifier === 'string'
      ? 'renamed'
      : 'modified';
  if (/^(Reboot|Failover)/.test(eventName)) return 'rebooted';
  if (/^Start/.test(eventName)) return 'started';
  if (/^Stop/.test(eventName)) return 'stopped';
  return 'other';
}

function hourOf(time: string): string {
  return time.slice(0, 13);
}

export class ReportBuilder {
  private readonly alerts: AlertEntry[] = [];
  private readonly timelines = new Map<string, DatabaseTimeline>();
  /** Snapshot-only events (ModifyDBSnapshotAttribute names no DB), attached to a DB once a CreateDBSnapshot says which. */
  private readonly snapshotEvents: { snapshot: string; entry: TimelineEntry }[] = [];
  private readonly snapshotOwner = new Map<string, { id: string; kind: 'db-instance' | 'db-cluster' }>();
  private readonly principals = new Map<string, number>();
  private readonly ips = new Map<string, number>();
  private readonly failures: { who: string; time: string; eventName: string; errorCode: string }[] = [];
  private readonly dataApi = new Map<
    string,
    {
      calls: number;
      failed: number;
      byEventName: Map<string, number>;
      callers: Set<string>;
      first: string;
      last: string;
    }
  >();
  private readonly changesByHour = new Map<string, [number, number]>();
  private rdsChanges = 0;
  private first: string | undefined;
  private last: string | undefined;

  add(event: ClassifiedEvent, alerts: readonly Alert[], raw: string): void {
    const { record, facts } = event;
    const time = record.eventTime;
    if (!this.first || time < this.first) this.first = time;
    if (!this.last || time > this.last) this.last = time;
    if (alerts.length > 0) {
      let pretty = raw;
      try {
        pretty = JSON.stringify(JSON.parse(raw), null, 2);
      } catch {
        // shown as it was
      }
      for (const alert of alerts) this.alerts.push({ alert, record: pretty });
    }
    const who = callerName(facts.principal);
    if (facts.failed) this.failures.push({ who, time, eventName: record.eventName, errorCode: record.errorCode ?? '' });

    if (DATA_API_SOURCES.includes(record.eventSource)) {
      const cluster =
        facts.resources.find((r) => r.kind === 'db-cluster')?.id ?? facts.resources[0]?.id ?? '(cluster not named)';
      const entry = this.dataApi.get(cluster) ?? {
        calls: 0,
        failed: 0,
        byEventName: new Map(),
        callers: new Set(),
        first: time,
        last: time,
      };
      entry.calls++;
      if (facts.failed) entry.failed++;
      entry.byEventName.set(record.eventName, (entry.byEventName.get(record.eventName) ?? 0) + 1);
      entry.callers.add(who);
      if (time < entry.first) entry.first = time;
      if (time > entry.last) entry.last = time;
      this.dataApi.set(cluster, entry);
      return;
    }
    if (record.eventSource !== RDS_SOURCE || READ_ONLY.test(record.eventName)) return;

    this.rdsChanges++;
    this.principals.set(who, (this.principals.get(who) ?? 0) + 1);
    const from = record.sourceIPAddress ?? '';
    if (from) this.ips.set(from, (this.ips.get(from) ?? 0) + 1);
    const hour = this.changesByHour.get(hourOf(time)) ?? [0, 0];
    hour[facts.failed ? 1 : 0]++;
    this.changesByHour.set(hourOf(time), hour);

    const action = actionOf(record.eventName, record);
    const databases = facts.resources.filter(
      (r): r is RdsResource & { kind: 'db-instance' | 'db-cluster' } =>
        r.kind === 'db-instance' || r.kind === 'db-cluster',
    );
    const snapshots = facts.resources.filter((r) => r.kind === 'db-snapshot' || r.kind === 'db-cluster-snapshot');
    const request = (record.requestParameters ?? {}) as Record<string, unknown>;
    const newName = request.newDBInstanceIdentifier ?? request.newDBClusterIdentifier;
    const detail =
      action === 'renamed' && typeof newName === 'string'
        ? `renamed to ${newName}`
        : snapshots.length > 0
          ? `${action === 'snapshot' ? '' : 'from '}snapshot ${snapshots.map((s) => s.id).join(', ')}`.trim()
          : '';
    const entry: TimelineEntry = {
      time,
      action,
      eventName: record.eventName,
      who,
      from,
      failed: facts.failed,
      errorCode: record.errorCode ?? null,
      detail,
    };
    if (databases.length === 0) {
      for (const snapshot of snapshots) this.snapshotEvents.push({ snapshot: snapshot.id, entry });
      return;
    }
    // A rename names the old and the new identifier: one line in each database's timeline.
    for (const db of databases) {
      const timeline = this.timelines.get(`${db.kind}:${db.id}`) ?? { id: db.id, kind: db.kind, entries: [] };
      timeline.entries.push(entry);
      this.timelines.set(`${db.kind}:${db.id}`, timeline);
    }
    if (action === 'snapshot')
      for (const snapshot of snapshots)
        this.snapshotOwner.set(snapshot.id, { id: databases[0]!.id, kind: databases[0]!.kind });
  }

  build(): ReportData {
    for (const { snapshot, entry } of this.snapshotEvents) {
      const owner = this.snapshotOwner.get(snapshot);
      const key = owner ? `${owner.kind}:${owner.id}` : `db-instance:${snapshot}`;
      const timeline = this.timelines.get(key) ?? {
        id: owner?.id ?? `(snapshot) ${snapshot}`,
        kind: owner?.kind ?? 'db-instance',
        entries: [],
      };
      timeline.entries.push(entry);
      this.timelines.set(key, timeline);
    }
    const byTime = <T extends { time: string }>(a: T, b: T) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);
    const databases = [...this.timelines.values()].map((t) => ({ ...t, entries: [...t.entries].sort(byTime) }));
    databases.sort((a, b) => (a.entries[0]!.time < b.entries[0]!.time ? -1 : 1));

    const alerts = [...this.alerts].sort((a, b) =>
      a.alert.eventTime < b.alert.eventTime ? -1 : a.alert.eventTime > b.alert.eventTime ? 1 : 0,
    );
    const alertsBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const { alert } of alerts) alertsBySeverity[alert.severity]++;

    return {
      alerts,
      alertsBySeverity,
      alertsOverTime: hourly(this.first, this.last, (hour) =>
        SEVERITIES.map(
          (s) => alerts.filter((a) => a.alert.severity === s && hourOf(a.alert.eventTime) === hour).length,
        ),
      ),
      rdsChangesOverTime: hourly(this.first, this.last, (hour) => [...(this.changesByHour.get(hour) ?? [0, 0])]),
      databases,
      topPrincipals: top(this.principals),
      topSourceIps: top(this.ips),
      rdsChanges: this.rdsChanges,
      failedCalls: this.failures.length,
      failedBursts: bursts(this.failures),
      dataApi: [...this.dataApi.entries()]
        .map(([cluster, e]) => ({
          cluster,
          calls: e.calls,
          failed: e.failed,
          byEventName: [...e.byEventName.entries()].sort((a, b) => b[1] - a[1]),
          callers: [...e.callers].sort(),
          first: e.first,
          last: e.last,
        }))
        .sort((a, b) => b.calls - a.calls || (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0)),
      ...(this.first ? { firstEvent: this.first } : {}),
      ...(this.last ? { lastEvent: this.last } : {}),
    };
  }
}

function top(counts: Map<string, number>): [string, number][] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, TOP_N);
}

/** One bucket per hour from the first event's hour to the last's (at most 31 days: longer spans go by day). */
function hourly(
  first: string | undefined,
  last: string | undefined,
  values: (hour: string) => number[],
): { label: string; values: number[] }[] {
  if (!first || !last) return [];
  const start = Date.parse(`${hourOf(first)}:00:00Z`);
  const end = Date.parse(`${hourOf(last)}:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return [];
  const hours = (end - start) / 3_600_000 + 1;
  if (hours > 31 * 24) {
    const days: { label: string; values: number[] }[] = [];
    for (let t = start - (start % 86_400_000); t <= end; t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      const sums: number[] = [];
      for (let h = 0; h < 24; h++)
        values(`${day}T${String(h).padStart(2, '0')}`).forEach((v, k) => {
          sums[k] = (sums[k] ?? 0) + v;
        });
      days.push({ label: day, values: sums });
    }
    return days;
  }
  const buckets = [];
  for (let t = start; t <= end; t += 3_600_000) {
    const hour = new Date(t).toISOString().slice(0, 13);
    buckets.push({ label: `${hour}:00`, values: values(hour) });
  }
  return buckets;
}

function bursts(failures: { who: string; time: string; eventName: string; errorCode: string }[]): FailedBurst[] {
  const byWho = new Map<string, typeof failures>();
  for (const failure of failures) byWho.set(failure.who, [...(byWho.get(failure.who) ?? []), failure]);
  const result: FailedBurst[] = [];
  for (const [who, list] of byWho) {
    list.sort((a, b) => (a.time < b.time ? -1 : 1));
    let group: typeof failures = [];
    const close = () => {
      if (group.length >= BURST_MIN_CALLS) {
        result.push({
          who,
          first: group[0]!.time,
          last: group.at(-1)!.time,
          count: group.length,
          eventNames: [...new Set(group.map((f) => f.eventName))],
          errorCodes: [...new Set(group.map((f) => f.errorCode).filter(Boolean))],
        });
      }
      group = [];
    };
    for (const failure of list) {
      if (group.length && Date.parse(failure.time) - Date.parse(group.at(-1)!.time) > BURST_GAP_MS) close();
      group.push(failure);
    }
    close();
  }
  return result.sort((a, b) => b.count - a.count || (a.first < b.first ? -1 : 1));
}
