// trailwatch notices when it goes blind, and deleting the stack does not destroy evidence.
//
// - The heartbeat alarm: a metric the processor emits once per CloudTrail log file it read (FilesRead), summed per
//   minute, alarming after HeartbeatMinutes minutes without one; missing data (no file, so no datapoint) is
//   breaching, and the window fits CloudWatch's one-day limit for every allowed value.
// - Every other alarm treats missing data as not breaching, each for a stated reason.
// - Stateful resources say what happens to them on stack deletion and replacement, explicitly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate, ROOT, type JsonObject } from './helpers/template.js';
import { Evaluator, SCENARIOS } from './helpers/template-evaluator.js';

const template = loadTemplate();
const defaults = new Evaluator(template, SCENARIOS.defaults);
const alarms = Object.entries(template.Resources)
  .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
  .map(([id]) => id);

describe('the heartbeat alarm', () => {
  const heartbeat = (overrides: Record<string, string | number> = {}): JsonObject =>
    new Evaluator(template, { ...SCENARIOS.defaults, ...overrides }).properties('HeartbeatAlarm');

  it("counts the CloudTrail log files this stack's processor read: FilesRead, namespace trailwatch, its service and stack", () => {
    expect(heartbeat()).toMatchObject({
      Namespace: 'trailwatch',
      MetricName: 'FilesRead',
      // The stack dimension (TRAILWATCH_STACK): another trailwatch stack in the account cannot keep this alarm quiet.
      Dimensions: [
        { Name: 'service', Value: 'trailwatch-processor' },
        { Name: 'stack', Value: 'trailwatch' },
      ],
      Statistic: 'Sum',
    });
    // The metric is the one reportFileRead adds per file read (functions/lib/observability.ts).
    const observability = readFileSync(path.join(ROOT, 'functions/lib/observability.ts'), 'utf8');
    expect(observability).toMatch(/filesRead: 'FilesRead'/);
    expect(observability).toMatch(/addMetric\(FileMetrics\.filesRead, MetricUnit\.Count, 1\)/);
  });

  it('fires when no file was read in any minute of the window, missing data included', () => {
    expect(heartbeat()).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  it.each([15, 60, 180, 1440])('looks back exactly HeartbeatMinutes=%i minutes, every period counted', (minutes) => {
    const p = heartbeat({ HeartbeatMinutes: minutes });
    expect(Number(p.Period) * Number(p.EvaluationPeriods)).toBe(minutes * 60);
    expect(Number(p.DatapointsToAlarm)).toBe(Number(p.EvaluationPeriods));
  });

  it("defaults to an hour, and every allowed value fits CloudWatch's one-day evaluation limit", () => {
    const parameter = template.Parameters?.HeartbeatMinutes;
    expect(parameter?.Default).toBe(60);
    expect(Number(parameter?.MaxValue) * Number(heartbeat().Period)).toBeLessThanOrEqual(86_400);
    // Period must be 10, 30 or a multiple of 60 seconds for a standard-resolution metric.
    expect(Number(heartbeat().Period) % 60).toBe(0);
  });

  it('emails when it fires and when files flow again', () => {
    const topic = defaults.ref('AlertTopic');
    expect(heartbeat()).toMatchObject({ AlarmActions: [topic], OKActions: [topic] });
    expect(String(heartbeat({ HeartbeatMinutes: 90 }).AlarmDescription)).toContain('90 minutes');
  });
});

describe('missing data in the other alarms', () => {
  // Why "no data" is not a failure for each (the template's alarm section says the same).
  const notBreaching: Record<string, string> = {
    ProcessorErrorsAlarm: 'Lambda publishes Errors only for invocations: no invocation, no error',
    IndexerErrorsAlarm: 'same',
    ProcessorDurationAlarm: 'Duration exists only for invocations',
    IndexerDurationAlarm: 'same',
    ProcessorDeadLetterAlarm:
      "SQS stops publishing an idle queue's metrics after six hours: an idle DLQ is an empty one",
    IndexerDeadLetterAlarm: 'same',
    IndexerRejectedEventsAlarm: 'EventsRejected is emitted only when CloudWatch Logs rejected events',
  };

  it('every alarm is either the heartbeat or listed here with its reason', () => {
    expect([...alarms].sort()).toEqual(['HeartbeatAlarm', ...Object.keys(notBreaching)].sort());
  });

  it.each(Object.keys(notBreaching))('%s treats missing data as not breaching', (id) => {
    expect(defaults.properties(id).TreatMissingData).toBe('notBreaching');
  });
});

describe('deleting or replacing stateful resources', () => {
  const expected: Record<string, { policy: 'Retain' | 'Delete'; why: string }> = {
    TrailBucket: { policy: 'Retain', why: 'the log files are audit evidence' },
    BackfillBucket: { policy: 'Retain', why: 'completion reports and report-mode alerts are incident evidence' },
    IndexLogGroup: { policy: 'Retain', why: 'the search history' },
    ProcessorDeadLetterQueue: { policy: 'Retain', why: 'names log files never processed' },
    IndexerDeadLetterQueue: { policy: 'Retain', why: 'names log files never indexed' },
    ProcessorLogGroup: { policy: 'Delete', why: "the function's own logs; alerts were emailed" },
    IndexerLogGroup: { policy: 'Delete', why: "the function's own logs; events are in the index" },
  };
  const stateful = ['AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::SQS::Queue'];

  it('every bucket, log group and queue has a decided policy', () => {
    const found = Object.entries(template.Resources)
      .filter(([, r]) => stateful.includes(r.Type))
      .map(([id]) => id);
    expect(found.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected).map(([id, { policy, why }]) => [id, policy, why]))('%s: %s (%s)', (id, policy) => {
    const resource = template.Resources[id];
    expect(resource?.DeletionPolicy).toBe(policy);
    expect(resource?.UpdateReplacePolicy).toBe(policy);
  });
});
