import { describe, expect, it } from 'vitest';
import {
  AlertCollector,
  DEFAULT_STORM_THRESHOLD,
  isSummaryAlert,
  type Alert,
  type CollectedAlert,
  type SummaryAlert,
} from '../shared/alerts/index.js';
import type { Severity } from '../shared/rules/types.js';
import { eventIdNumber, fixtureAlert, timePlus } from './alerts-fixtures.js';

const base = fixtureAlert('delete-db-instance-failed', 'rds-failed-call');

/** The `i`th alert of a storm: its own eventID and second, the rest as the fixture's. */
function nth(i: number, changes: Partial<Alert> = {}): Alert {
  return { ...base.alert, eventID: eventIdNumber(i + 1), eventTime: timePlus('2025-03-04T08:00:00Z', i), ...changes };
}

function collect(
  count: number,
  options?: ConstructorParameters<typeof AlertCollector>[0],
  changes: (i: number) => Partial<Alert> = () => ({}),
): CollectedAlert[] {
  const collector = new AlertCollector(options);
  for (let i = 0; i < count; i++) collector.add(nth(i, changes(i)), base.raw);
  return collector.drain();
}

function onlySummary(items: CollectedAlert[]): SummaryAlert {
  const [item, ...rest] = items;
  if (!item || rest.length > 0 || !isSummaryAlert(item.alert))
    throw new Error(`expected exactly one summary, got ${items.length} items`);
  return item.alert;
}

describe('storm threshold', () => {
  it('keeps N alerts of one rule as they are', () => {
    const items = collect(5, { stormThreshold: 5 });
    expect(items.map(({ alert }) => isSummaryAlert(alert))).toEqual([false, false, false, false, false]);
  });

  it('turns N+1 alerts of one rule into one summary that counts all of them', () => {
    expect(onlySummary(collect(6, { stormThreshold: 5 })).count).toBe(6);
  });

  it('is 20 by default', () => {
    expect(DEFAULT_STORM_THRESHOLD).toBe(20);
    expect(collect(20)).toHaveLength(20);
    expect(onlySummary(collect(21)).count).toBe(21);
  });

  it('counts per rule: N alerts of each of two rules stay single', () => {
    const collector = new AlertCollector({ stormThreshold: 3 });
    for (let i = 0; i < 3; i++) {
      collector.add(nth(i), base.raw);
      collector.add(nth(i, { rule: 'rds-database-deleted', severity: 'high' }), base.raw);
    }
    expect(collector.drain().filter(({ alert }) => isSummaryAlert(alert))).toEqual([]);
  });

  it('summarises only the rule that passed the threshold', () => {
    const collector = new AlertCollector({ stormThreshold: 3 });
    for (let i = 0; i < 4; i++) collector.add(nth(i), base.raw);
    collector.add(nth(10, { rule: 'rds-database-deleted', severity: 'high' }), base.raw);
    expect(
      collector.drain().map(({ alert }) => (isSummaryAlert(alert) ? `summary ${alert.rule}` : alert.rule)),
    ).toEqual(['rds-database-deleted', 'summary rds-failed-call']);
  });

  it('rejects a threshold below 1', () => {
    expect(() => new AlertCollector({ stormThreshold: 0 })).toThrow(RangeError);
  });
});

describe('summary alert', () => {
  it('carries the rule, severity, title, description and next steps of its alerts', () => {
    const summary = onlySummary(collect(21));
    expect(summary).toMatchObject({
      kind: 'summary',
      rule: 'rds-failed-call',
      severity: 'low',
      title: base.alert.title,
      description: base.alert.description,
      nextSteps: base.alert.nextSteps,
      stormThreshold: 20,
    });
  });

  it('keeps the first 3 alerts in file order as examples, with their records', () => {
    const summary = onlySummary(collect(30));
    expect(summary.examples.map(({ alert }) => alert.eventID)).toEqual([
      eventIdNumber(1),
      eventIdNumber(2),
      eventIdNumber(3),
    ]);
    expect(summary.examples.map(({ raw }) => raw)).toEqual([base.raw, base.raw, base.raw]);
  });

  it('lists every eventID when there are up to 1000', () => {
    const summary = onlySummary(collect(1000));
    expect(summary.eventIDs).toEqual(Array.from({ length: 1000 }, (_, i) => eventIdNumber(i + 1)));
    expect(summary.eventIDsNotListed).toBe(0);
  });

  it('lists the first 1000 eventIDs and counts the rest', () => {
    const summary = onlySummary(collect(1234));
    expect(summary.eventIDs).toHaveLength(1000);
    expect(summary.eventIDs.at(-1)).toBe(eventIdNumber(1000));
    expect(summary.eventIDsNotListed).toBe(234);
  });

  it('spans the earliest to the latest event time, whatever the file order', () => {
    const summary = onlySummary(
      collect(25, {}, (i) => ({ eventTime: timePlus('2025-03-04T08:00:00Z', (i * 7) % 25) })),
    );
    expect([summary.firstEventTime, summary.lastEventTime]).toEqual(['2025-03-04T08:00:00Z', '2025-03-04T08:00:24Z']);
  });

  it('counts distinct callers and resources, most frequent first', () => {
    const summary = onlySummary(
      collect(30, {}, (i) => ({
        principal: { ...base.alert.principal, sessionName: i % 3 === 0 ? 'bob@example.com' : 'mallory@example.com' },
        resource: { kind: 'db-instance', id: `db-${i % 5}` },
      })),
    );
    expect(summary.principals).toEqual({
      distinct: 2,
      capped: false,
      top: [
        { value: 'mallory@example.com', count: 20 },
        { value: 'bob@example.com', count: 10 },
      ],
    });
    expect(summary.resources.distinct).toBe(5);
  });

  it('says when there were more distinct values than it counts', () => {
    const summary = onlySummary(collect(1500, {}, (i) => ({ resource: { kind: 'db-instance', id: `db-${i}` } })));
    expect([summary.resources.distinct, summary.resources.capped, summary.resources.top.length]).toEqual([
      1000,
      true,
      10,
    ]);
  });

  it('counts the failed calls among its alerts', () => {
    expect(onlySummary(collect(25, {}, (i) => ({ failed: i < 7 }))).failedCount).toBe(7);
  });

  it('lists distinct accounts, regions and event sources', () => {
    const summary = onlySummary(collect(25, {}, (i) => ({ awsRegion: i % 2 ? 'eu-west-1' : 'us-east-1' })));
    expect([summary.accounts, summary.regions, summary.eventSources]).toEqual([
      ['123456789012'],
      ['eu-west-1', 'us-east-1'],
      ['rds.amazonaws.com'],
    ]);
  });
});

describe('memory', () => {
  it('holds at most N alerts per rule before summarising', () => {
    const collector = new AlertCollector({ stormThreshold: 20 });
    for (let i = 0; i < 20; i++) collector.add(nth(i), base.raw);
    expect(collector.retained()).toMatchObject({ alerts: 20, summaries: 0 });
    collector.add(nth(20), base.raw);
    expect(collector.retained()).toMatchObject({ alerts: 0, summaries: 1, recordBytes: 3 * base.raw.length });
  });

  it('stays bounded with a million alerts: what it holds and what it drains do not grow with the count', () => {
    const sizeAfter = (count: number) => {
      const collector = new AlertCollector();
      for (let i = 0; i < count; i++) {
        collector.add(
          { ...base.alert, eventID: eventIdNumber(i), resource: { kind: 'db-instance', id: `db-${i}` } },
          base.raw,
        );
      }
      const retained = collector.retained();
      return { retained, drained: JSON.stringify(collector.drain()).length };
    };
    const small = sizeAfter(10_000);
    const large = sizeAfter(1_000_000);
    expect(large.retained).toEqual(small.retained);
    // Only the digits of the count and "N more" differ.
    expect(Math.abs(large.drained - small.drained)).toBeLessThan(100);
  });

  it('holds a record larger than maxRecordBytes trimmed to that size', () => {
    const collector = new AlertCollector({ maxRecordBytes: 2048 });
    const huge = JSON.stringify({ ...JSON.parse(base.raw), responseElements: { blob: 'x'.repeat(100_000) } });
    collector.add(nth(0), huge);
    const [item] = collector.drain();
    expect(Buffer.byteLength(item?.raw ?? '')).toBeLessThanOrEqual(2048);
    expect(item?.raw).toContain('"responseElements":"[trimmed by trailwatch: ');
  });
});

describe('drain', () => {
  it('orders by severity, most severe first', () => {
    const collector = new AlertCollector();
    const severities: Severity[] = ['low', 'critical', 'info', 'high', 'medium'];
    severities.forEach((severity, i) => {
      collector.add(nth(i, { rule: `rule-${severity}`, severity }));
    });
    expect(collector.drain().map(({ alert }) => alert.severity)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
  });

  it('orders alerts of one severity by event time, then file order', () => {
    const collector = new AlertCollector();
    collector.add(nth(0, { eventID: 'late', eventTime: '2025-03-04T09:00:00Z' }));
    collector.add(nth(1, { eventID: 'early', eventTime: '2025-03-04T08:00:00Z' }));
    collector.add(nth(2, { eventID: 'early-too', eventTime: '2025-03-04T08:00:00Z' }));
    expect(collector.drain().map(({ alert }) => (isSummaryAlert(alert) ? null : alert.eventID))).toEqual([
      'early',
      'early-too',
      'late',
    ]);
  });

  it('places a summary by its first event time', () => {
    const collector = new AlertCollector({ stormThreshold: 2 });
    collector.add(nth(0, { rule: 'single', eventTime: '2025-03-04T08:30:00Z' }));
    for (let i = 0; i < 3; i++) collector.add(nth(i, { eventTime: timePlus('2025-03-04T08:10:00Z', i * 3600) }));
    expect(collector.drain().map(({ alert }) => alert.rule)).toEqual(['rds-failed-call', 'single']);
  });

  it('returns each single alert with its record', () => {
    const collector = new AlertCollector();
    collector.add(nth(0), base.raw);
    expect(collector.drain()).toEqual([{ alert: nth(0), raw: base.raw }]);
  });

  it('returns a single alert without a record when none was given', () => {
    const collector = new AlertCollector();
    collector.add(nth(0));
    expect(collector.drain()).toEqual([{ alert: nth(0) }]);
  });

  it('empties the collector', () => {
    const collector = new AlertCollector();
    collector.add(nth(0), base.raw);
    collector.drain();
    expect(collector.drain()).toEqual([]);
  });

  it('starts counting the threshold again after a drain', () => {
    const collector = new AlertCollector({ stormThreshold: 2 });
    collector.add(nth(0));
    collector.add(nth(1));
    collector.drain();
    collector.add(nth(2));
    expect(collector.drain()).toHaveLength(1);
  });
});

describe('adding', () => {
  it('adds every alert a record raised, with that record', () => {
    const collector = new AlertCollector();
    const other = fixtureAlert('delete-db-instance-failed', 'rds-database-deleted').alert;
    collector.addAll([base.alert, other], base.raw);
    expect(collector.drain().map(({ alert, raw }) => [alert.rule, raw === base.raw])).toEqual([
      ['rds-database-deleted', true],
      ['rds-failed-call', true],
    ]);
  });

  it('counts alerts per rule, summarised or not', () => {
    const collector = new AlertCollector({ stormThreshold: 2 });
    for (let i = 0; i < 5; i++) collector.add(nth(i));
    collector.add(nth(9, { rule: 'other' }));
    expect(collector.countsByRule()).toEqual({ 'rds-failed-call': 5, other: 1 });
  });
});
