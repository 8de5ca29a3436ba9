// Alerts of one log file, held until the whole file was read, with alert storms folded into summaries.
//
// A file can raise thousands of alerts of one rule (a script hitting AccessDenied in a loop, a bulk snapshot
// cleanup). Nobody reads a thousand emails, and holding a thousand records would make memory grow with the
// file. So beyond `stormThreshold` alerts of one rule in one file, that rule's alerts become one summary:
// counts, a few examples in full, and the eventIDs they stand for. Everything held is bounded: per rule at most
// `stormThreshold` alerts, or one summary of fixed size; each record text at most `maxRecordBytes`.
import type { Alert } from './alert.js';
import { callerName } from './caller-name.js';
import { recordWithin } from '../render/record-text.js';
import { severityRank } from '../rules/engine.js';
import type { Severity } from '../rules/types.js';

export const DEFAULT_STORM_THRESHOLD = 20;

export interface AlertCollectorOptions {
  /** More alerts than this of one rule in one file become one summary alert (ALERT_STORM_THRESHOLD). Default 20. */
  stormThreshold?: number;
  /** How many alerts a summary carries in full, with their records. Default 3. */
  summaryExamples?: number;
  /** How many eventIDs a summary lists; it counts the rest. Default 1000. */
  summaryEventIds?: number;
  /**
   * Longest record text held per alert, in UTF-8 bytes; a longer record is held with its bulkiest parts
   * trimmed (an email shows no more than fits SNS's 256 KB anyway). Default 64 KiB.
   */
  maxRecordBytes?: number;
}

/** How often one value (a caller, a resource, an eventName) occurs among a summary's alerts. */
export interface TallyEntry {
  value: string;
  count: number;
}

export interface Tally {
  /** Distinct values seen; a lower bound when `capped`. */
  distinct: number;
  /** True when more distinct values occurred than a summary keeps count of (1000). */
  capped: boolean;
  /** The most frequent values, most frequent first. */
  top: TallyEntry[];
}

export interface SummaryExample {
  alert: Alert;
  /** The alert's CloudTrail record as JSON text (possibly trimmed, see `maxRecordBytes`), or null if not given. */
  raw: string | null;
}

/** One message standing for every alert of one rule in one file, once there were more than the threshold. */
export interface SummaryAlert {
  kind: 'summary';
  rule: string;
  severity: Severity;
  title: string;
  description: string | null;
  /** How many alerts this summary stands for. */
  count: number;
  /** How many of them are failed calls. */
  failedCount: number;
  /** The threshold that was passed. */
  stormThreshold: number;
  firstEventTime: string;
  lastEventTime: string;
  /** Distinct accounts, regions and event sources (at most 20 each). */
  accounts: string[];
  regions: string[];
  eventSources: string[];
  eventNames: Tally;
  principals: Tally;
  resources: Tally;
  /** The first alerts in file order, in full. */
  examples: SummaryExample[];
  /** eventIDs of the alerts, in file order, up to the limit... */
  eventIDs: string[];
  /** ...and how many more there were. Alerts whose record has no eventID are in neither. */
  eventIDsNotListed: number;
  nextSteps: string[];
  /** The log file, as in the alerts. */
  file: string | null;
}

export interface CollectedAlert {
  alert: Alert | SummaryAlert;
  /** The CloudTrail record of a single alert, as JSON text (possibly trimmed). Summaries carry theirs in `examples`. */
  raw?: string;
}

export function isSummaryAlert(alert: Alert | SummaryAlert): alert is SummaryAlert {
  return 'kind' in alert && alert.kind === 'summary';
}

/** How many distinct values a tally counts; beyond that, new values are not counted (memory stays bounded). */
const TALLY_KEYS = 1000;
const TALLY_TOP = 10;
/** Distinct accounts, regions and event sources a summary lists. */
const DISTINCT_PLACES = 20;

class BoundedTally {
  private readonly counts = new Map<string, number>();
  private capped = false;

  add(value: string): void {
    const count = this.counts.get(value);
    if (count !== undefined) this.counts.set(value, count + 1);
    else if (this.counts.size < TALLY_KEYS) this.counts.set(value, 1);
    else this.capped = true;
  }

  result(): Tally {
    const top = [...this.counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, TALLY_TOP);
    return { distinct: this.counts.size, capped: this.capped, top };
  }
}

/** Builds a SummaryAlert from alerts of one rule, keeping only a fixed amount of each. */
class SummaryBuilder {
  private count = 0;
  private failedCount = 0;
  private firstEventTime = '';
  private lastEventTime = '';
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();
  private readonly eventSources = new Set<string>();
  private readonly eventNames = new BoundedTally();
  private readonly principals = new BoundedTally();
  private readonly resources = new BoundedTally();
  private readonly examples: SummaryExample[] = [];
  private readonly eventIDs: string[] = [];
  private eventIDsNotListed = 0;

  constructor(
    private readonly first: Alert,
    private readonly limits: Required<AlertCollectorOptions>,
  ) {}

  /** `raw` is already capped by the collector. */
  add(alert: Alert, raw: string | null): void {
    this.count++;
    if (alert.failed) this.failedCount++;
    if (!this.firstEventTime || alert.eventTime < this.firstEventTime) this.firstEventTime = alert.eventTime;
    if (alert.eventTime > this.lastEventTime) this.lastEventTime = alert.eventTime;
    if (alert.account && this.accounts.size < DISTINCT_PLACES) this.accounts.add(alert.account);
    if (alert.awsRegion && this.regions.size < DISTINCT_PLACES) this.regions.add(alert.awsRegion);
    if (this.eventSources.size < DISTINCT_PLACES) this.eventSources.add(alert.eventSource);
    this.eventNames.add(alert.eventName);
    this.principals.add(callerName(alert.principal));
    if (alert.resource) this.resources.add(`${alert.resource.kind} ${alert.resource.id}`);
    if (this.examples.length < this.limits.summaryExamples) this.examples.push({ alert, raw });
    if (alert.eventID !== null) {
      if (this.eventIDs.length < this.limits.summaryEventIds) this.eventIDs.push(alert.eventID);
      else this.eventIDsNotListed++;
    }
  }

  /** Record text held for the examples. */
  recordBytes(): number {
    return this.examples.reduce((sum, { raw }) => sum + (raw?.length ?? 0), 0);
  }

  build(): SummaryAlert {
    const { first } = this;
    return {
      kind: 'summary',
      rule: first.rule,
      severity: first.severity,
      title: first.title,
      description: first.description,
      count: this.count,
      failedCount: this.failedCount,
      stormThreshold: this.limits.stormThreshold,
      firstEventTime: this.firstEventTime,
      lastEventTime: this.lastEventTime,
      accounts: [...this.accounts].sort(),
      regions: [...this.regions].sort(),
      eventSources: [...this.eventSources].sort(),
      eventNames: this.eventNames.result(),
      principals: this.principals.result(),
      resources: this.resources.result(),
      examples: [...this.examples],
      eventIDs: [...this.eventIDs],
      eventIDsNotListed: this.eventIDsNotListed,
      nextSteps: first.nextSteps,
      file: first.file,
    };
  }
}

interface HeldAlert {
  alert: Alert;
  raw: string | null;
}

/** The alerts of one rule: kept one by one up to the threshold, then folded into a summary. */
interface RuleAlerts {
  /** Arrival order of the rule's first alert: ties in `drain()` keep file order. */
  firstArrival: number;
  held: Array<HeldAlert & { arrival: number }>;
  summary: SummaryBuilder | null;
  count: number;
}

/**
 * Collects the alerts of one log file while it streams; `drain()` gives what to publish once the file was read.
 * Use one collector per file: the storm threshold counts alerts per rule per file.
 */
export class AlertCollector {
  private readonly limits: Required<AlertCollectorOptions>;
  private rules = new Map<string, RuleAlerts>();
  private arrivals = 0;

  constructor(options: AlertCollectorOptions = {}) {
    this.limits = {
      stormThreshold: positiveInteger('stormThreshold', options.stormThreshold ?? DEFAULT_STORM_THRESHOLD),
      summaryExamples: positiveInteger('summaryExamples', options.summaryExamples ?? 3),
      summaryEventIds: positiveInteger('summaryEventIds', options.summaryEventIds ?? 1000),
      maxRecordBytes: positiveInteger('maxRecordBytes', options.maxRecordBytes ?? 64 * 1024),
    };
  }

  /** Adds one alert and the JSON text of the record that raised it (`ScannedEvent.raw`). */
  add(alert: Alert, raw?: string): void {
    const arrival = this.arrivals++;
    let rule = this.rules.get(alert.rule);
    if (!rule) {
      rule = { firstArrival: arrival, held: [], summary: null, count: 0 };
      this.rules.set(alert.rule, rule);
    }
    rule.count++;
    if (rule.summary) {
      // Only the first few alerts of a summary keep their record: don't even cap the others.
      rule.summary.add(alert, null);
      return;
    }
    const held = { alert, raw: raw === undefined ? null : recordWithin(raw, this.limits.maxRecordBytes), arrival };
    if (rule.held.length < this.limits.stormThreshold) {
      rule.held.push(held);
      return;
    }
    const summary = new SummaryBuilder(rule.held[0]?.alert ?? alert, this.limits);
    for (const { alert: a, raw: r } of [...rule.held, held]) summary.add(a, r);
    rule.summary = summary;
    rule.held = [];
  }

  /** Adds every alert one record raised, e.g. `collector.addAll(item.alerts, item.raw)` for a ScannedEvent. */
  addAll(alerts: readonly Alert[], raw?: string): void {
    for (const alert of alerts) this.add(alert, raw);
  }

  /** Alerts added since the last drain, per rule id (before folding into summaries): for the per-file log line. */
  countsByRule(): Record<string, number> {
    return Object.fromEntries([...this.rules].map(([id, rule]) => [id, rule.count]));
  }

  /** What the collector holds right now (record sizes in UTF-16 units): stays bounded however many alerts were added. */
  retained(): { alerts: number; summaries: number; recordBytes: number } {
    let alerts = 0;
    let summaries = 0;
    let recordBytes = 0;
    for (const rule of this.rules.values()) {
      alerts += rule.held.length;
      for (const { raw } of rule.held) recordBytes += raw?.length ?? 0;
      if (rule.summary) {
        summaries++;
        recordBytes += rule.summary.recordBytes();
      }
    }
    return { alerts, summaries, recordBytes };
  }

  /**
   * Everything to publish, most severe first, then by event time (a summary by its first event), then in
   * file order; and the collector is empty again.
   */
  drain(): CollectedAlert[] {
    const items: Array<CollectedAlert & { time: string; arrival: number }> = [];
    for (const rule of this.rules.values()) {
      if (rule.summary) {
        const alert = rule.summary.build();
        items.push({ alert, time: alert.firstEventTime, arrival: rule.firstArrival });
      }
      for (const { alert, raw, arrival } of rule.held) {
        items.push({ alert, ...(raw === null ? {} : { raw }), time: alert.eventTime, arrival });
      }
    }
    this.rules = new Map();
    this.arrivals = 0;
    items.sort(
      (a, b) =>
        severityRank(b.alert.severity) - severityRank(a.alert.severity) ||
        (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) ||
        a.arrival - b.arrival,
    );
    return items.map(({ alert, raw }) => (raw === undefined ? { alert } : { alert, raw }));
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`AlertCollector: ${name} must be a whole number of at least 1, not ${value}`);
  return value;
}
