// Delivery and observability, checked against the code they serve:
// - each function's EventBridge rule (compiled with the project's own EventBridge pattern engine) accepts the
//   sample "Object Created" event and CloudTrail log keys, refuses what the function would skip anyway (digests,
//   AWS Config files, other buckets, deletions), and never refuses a log file the function would read;
// - retry policy, maximum event age and dead-letter queues are set, and each DLQ's policy lets exactly its rule in;
// - every `trailwatch` metric the alarms and the dashboard use is one the function's code emits, with the
//   dimensions Powertools gives it; the alarms publish to the alert topic and cover what issue 6 lists;
// - the saved Logs Insights queries are the files in queries/, over the index group, and use only fields an
//   indexed event has; the dashboard's alerts-by-rule widget is queries/dashboard-alerts-by-rule.logsinsights and
//   names every built-in rule with its severity.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipReason } from '../functions/lib/log-objects.js';
import { eventBridgeKey } from '../functions/lib/object-keys.js';
import { classify } from '../shared/classify/index.js';
import { trailwatchFields } from '../shared/index/trailwatch-fields.js';
import { BUILTIN_RULES } from '../shared/rules/builtin-rules.js';
import { compilePattern } from '../shared/rules/pattern.js';
import { loadRecord, recordFixtureNames } from './record-fixtures.js';
import {
  isObject,
  loadTemplate,
  ROOT,
  serverlessFunctions,
  type FunctionInfo,
  type Json,
  type JsonObject,
} from './helpers/template.js';
import { Evaluator, SCENARIOS } from './helpers/template-evaluator.js';
import { importGraph } from './helpers/import-graph.js';

const template = loadTemplate();
const functions = serverlessFunctions(template);
const sample = JSON.parse(
  readFileSync(path.join(ROOT, 'events/eventbridge-object-created.json'), 'utf8'),
) as JsonObject;

function ruleOf(props: JsonObject): JsonObject {
  const rules = (Object.values(props.Events as JsonObject) as JsonObject[]).filter((e) => e.Type === 'EventBridgeRule');
  expect(rules).toHaveLength(1);
  return (rules[0] as { Properties: JsonObject }).Properties;
}

/** The sample EventBridge event with another bucket, key or detail-type. */
function s3Event(bucket: string, key: string, detailType = 'Object Created'): JsonObject {
  const detail = sample.detail as JsonObject;
  return {
    ...sample,
    'detail-type': detailType,
    detail: { ...detail, bucket: { name: bucket }, object: { ...(detail.object as JsonObject), key } },
  };
}

const ACCOUNT = '123456789012';
const LOG = `${ACCOUNT}_CloudTrail_us-east-1_20261120T1513Z_txaXWHzL2pmFONLz.json.gz`;
/** Keys a trail bucket holds, under `prefix`: logs, digests, Insights and AWS Config files beside each other
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html). */
function keys(prefix: string) {
  return {
    log: `${prefix}AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/20/${LOG}`,
    orgLog: `${prefix}AWSLogs/o-a1b2c3d4e5/${ACCOUNT}/CloudTrail/eu-west-1/2026/11/20/${LOG}`,
    digest: `${prefix}AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/11/20/${ACCOUNT}_CloudTrail-Digest_us-east-1_trail_us-east-1_20261120T151307Z.json.gz`,
    insight: `${prefix}AWSLogs/${ACCOUNT}/CloudTrail-Insight/us-east-1/2026/11/20/${LOG}`,
    config: `${prefix}AWSLogs/${ACCOUNT}/Config/us-east-1/2026/11/20/ConfigSnapshot/${ACCOUNT}_Config_us-east-1_ConfigSnapshot_20261120T151307Z.json.gz`,
    writabilityCheck: `${prefix}AWSLogs/${ACCOUNT}/Config/ConfigWritabilityCheckFile`,
    folder: `${prefix}AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/20/`,
    otherPrefix: `elsewhere/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/20/${LOG}`,
  };
}

describe.each(functions)('$logicalId delivery', (fn) => {
  describe.each(Object.entries(SCENARIOS))('with parameters: %s', (_scenario, overrides) => {
    const evaluator = new Evaluator(template, overrides);
    const props = evaluator.properties(fn.logicalId);
    const rule = ruleOf(props);
    const pattern = compilePattern(rule.Pattern as Json, `${fn.logicalId} rule`, 'Pattern');
    const bucket = String(
      evaluator.value({ 'Fn::If': ['CreateTrail', { Ref: 'TrailBucket' }, { Ref: 'ExistingBucketName' }] }),
    );
    const prefix = overrides.ExistingBucketKeyPrefix ? `${overrides.ExistingBucketKeyPrefix}/` : '';

    it('accepts CloudTrail log files of the trail bucket, organisation trails included', () => {
      const k = keys(prefix);
      expect(pattern.matches(s3Event(bucket, k.log))).toBe(true);
      expect(pattern.matches(s3Event(bucket, k.orgLog))).toBe(true);
    });

    it('refuses what the function would skip, and every other bucket, prefix and event type', () => {
      const k = keys(prefix);
      for (const name of ['digest', 'insight', 'config', 'writabilityCheck', 'folder', 'otherPrefix'] as const) {
        expect(pattern.matches(s3Event(bucket, k[name])), name).toBe(false);
      }
      expect(pattern.matches(s3Event('some-other-bucket', k.log))).toBe(false);
      expect(pattern.matches(s3Event(bucket, k.log, 'Object Deleted'))).toBe(false);
    });

    it('never refuses a log file the function would read, never passes one it would skip', () => {
      for (const [name, key] of Object.entries(keys(prefix))) {
        const read =
          skipReason({
            bucket,
            key: eventBridgeKey(key).key,
            size: 100,
            created: true,
            eventName: 'Object Created',
          }) === undefined;
        const passes = pattern.matches(s3Event(bucket, key));
        if (passes) expect(read, `${name}: the rule invokes the function for an object it skips`).toBe(true);
        if (read && key.endsWith('.json.gz') && name !== 'otherPrefix')
          expect(passes, `${name}: a log file the rule drops`).toBe(true);
      }
    });

    it("retries delivery with a maximum event age, then dead-letters it to the function's own queue", () => {
      const retry = rule.RetryPolicy as JsonObject;
      // EventBridge: 0-185 retries, 60-86,400 s (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html).
      expect(Number(retry.MaximumRetryAttempts)).toBeGreaterThanOrEqual(1);
      expect(Number(retry.MaximumRetryAttempts)).toBeLessThanOrEqual(185);
      expect(Number(retry.MaximumEventAgeInSeconds)).toBeGreaterThanOrEqual(60);
      expect(Number(retry.MaximumEventAgeInSeconds)).toBeLessThanOrEqual(86400);
      // Lambda async invocations: 0-2 retries, 60-21,600 s (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html).
      const invoke = props.EventInvokeConfig as JsonObject;
      expect(Number(invoke.MaximumRetryAttempts)).toBeLessThanOrEqual(2);
      expect(Number(invoke.MaximumEventAgeInSeconds)).toBeLessThanOrEqual(21600);
      expect((rule.DeadLetterConfig as JsonObject).Arn).toBe((props.DeadLetterQueue as JsonObject).TargetArn);
    });

    it('lets exactly its own rule send to its dead-letter queue', () => {
      const ruleName = String(rule.RuleName);
      // EventBridge rule names: 1-64 of [.-_A-Za-z0-9] (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html).
      expect(ruleName).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
      const queueArn = String((props.DeadLetterQueue as JsonObject).TargetArn);
      const [policyId] = Object.entries(template.Resources).find(([id, r]) => {
        if (r.Type !== 'AWS::SQS::QueuePolicy') return false;
        const queues = evaluator.properties(id).Queues as string[];
        return queues.some((url) => url.endsWith(`/${queueArn.split(':').pop()}`));
      }) ?? [undefined];
      expect(policyId, `no queue policy for ${queueArn}`).toBeDefined();
      const statements = (evaluator.properties(policyId as string).PolicyDocument as { Statement: JsonObject[] })
        .Statement;
      const allow = statements.filter((s) => s.Effect === 'Allow');
      expect(allow).toHaveLength(1);
      expect(allow[0]).toMatchObject({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/${ruleName}` } },
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Metrics

/** The `service` dimension a function's metrics carry: the name its handler gives createObservability. */
function serviceName(fn: FunctionInfo): string | undefined {
  return /createObservability\(\s*'([^']+)'\s*\)/.exec(readFileSync(path.join(ROOT, fn.entry), 'utf8'))?.[1];
}

/** Metric names a function's code emits: the values of the `*Metrics` constant objects in its import graph. */
async function emittedMetrics(fn: FunctionInfo): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of importGraph(fn.entry, { dynamic: true }).files) {
    if (file === fn.entry) continue; // the handler configures at import; the metric constants live elsewhere
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    if (!/export const \w+Metrics\b/.test(source)) continue;
    const module = (await import(path.join(ROOT, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (name.endsWith('Metrics') && isObject(value))
        for (const v of Object.values(value)) if (typeof v === 'string') names.add(v);
    }
  }
  return names;
}

interface MetricUse {
  where: string;
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

function dashboardBody(evaluator: Evaluator): { widgets: Array<{ type: string; properties: JsonObject }> } {
  return JSON.parse(String(evaluator.properties('Dashboard').DashboardBody)) as {
    widgets: Array<{ type: string; properties: JsonObject }>;
  };
}

function metricUses(evaluator: Evaluator): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const [i, widget] of dashboardBody(evaluator).widgets.entries()) {
    for (const row of (widget.properties.metrics ?? []) as Json[][]) {
      const [namespace, name, ...rest] = row.filter((x) => !isObject(x)) as string[];
      const dimensions: Record<string, string> = {};
      for (let d = 0; d + 1 < rest.length; d += 2) dimensions[rest[d] as string] = rest[d + 1] as string;
      uses.push({
        where: `Dashboard widget ${i} (${String(widget.properties.title)})`,
        namespace: namespace as string,
        name: name as string,
        dimensions,
      });
    }
  }
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
    const p = evaluator.properties(id);
    const stats = p.Metrics
      ? (p.Metrics as JsonObject[])
          .filter((m) => m.MetricStat)
          .map((m) => (m.MetricStat as JsonObject).Metric as JsonObject)
      : [p];
    for (const m of stats) {
      const dimensions = Object.fromEntries(
        ((m.Dimensions ?? []) as JsonObject[]).map((d) => [String(d.Name), String(d.Value)]),
      );
      uses.push({ where: `Alarm ${id}`, namespace: String(m.Namespace), name: String(m.MetricName), dimensions });
    }
  }
  return uses;
}

describe('metrics in alarms and the dashboard', () => {
  const evaluator = new Evaluator(template, SCENARIOS.defaults);
  const uses = metricUses(evaluator);
  const functionNames = Object.fromEntries(functions.map((f) => [evaluator.ref(f.logicalId) as string, f]));

  it('the dashboard body is JSON for every scenario', () => {
    for (const overrides of Object.values(SCENARIOS))
      expect(() => dashboardBody(new Evaluator(template, overrides))).not.toThrow();
  });

  describe.each(functions)('$logicalId', (fn) => {
    it('every trailwatch metric used is one its code emits, with the service and stack dimensions', async () => {
      const used = uses.filter((u) => u.namespace === 'trailwatch' && u.dimensions.service === `trailwatch-${fn.name}`);
      expect(used.length, `the template names no metric of service trailwatch-${fn.name}`).toBeGreaterThan(0);
      expect(serviceName(fn), "metrics use service = the handler's createObservability name").toBe(
        `trailwatch-${fn.name}`,
      );
      const emitted = await emittedMetrics(fn);
      for (const u of used) {
        expect(emitted, `${u.where}: ${u.name} is not emitted by ${fn.entry}'s code`).toContain(u.name);
        // Powertools adds `service`, and the functions `stack` (TRAILWATCH_STACK, functions/lib/observability.ts); any
        // other dimension would be a different metric, and without `stack` another stack's metrics would count.
        expect(u.dimensions, u.where).toEqual({ service: `trailwatch-${fn.name}`, stack: 'trailwatch' });
      }
    });
  });

  it('every other metric names a function or a dead-letter queue of this stack', () => {
    const queues = new Set(['ProcessorDeadLetterQueue', 'IndexerDeadLetterQueue'].map((q) => `trailwatch-${q}`));
    for (const u of uses.filter((x) => x.namespace !== 'trailwatch')) {
      if (u.namespace === 'AWS/Lambda')
        expect(functionNames[u.dimensions.FunctionName as string], u.where).toBeDefined();
      else if (u.namespace === 'AWS/SQS') expect(queues.has(u.dimensions.QueueName as string), u.where).toBe(true);
      else throw new Error(`${u.where}: unexpected namespace ${u.namespace}`);
    }
  });

  it('alarms publish to the alert topic and cover errors, duration, DLQs and rejected index events', () => {
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    for (const [id] of alarms) expect(evaluator.properties(id).AlarmActions, id).toEqual([evaluator.ref('AlertTopic')]);
    const alarmed = uses
      .filter((u) => u.where.startsWith('Alarm'))
      .map((u) => `${u.namespace}/${u.name}/${Object.values(u.dimensions).join(',')}`);
    for (const fn of functions) {
      const name = evaluator.ref(fn.logicalId) as string;
      expect(alarmed).toContain(`AWS/Lambda/Errors/${name}`);
      expect(alarmed).toContain(`AWS/Lambda/Duration/${name}`);
      const targetArn = (fn.resource.Properties?.DeadLetterQueue as JsonObject | undefined)?.TargetArn as {
        'Fn::GetAtt': [string, string];
      };
      const queue = String(evaluator.value({ 'Fn::GetAtt': [targetArn['Fn::GetAtt'][0], 'QueueName'] }));
      expect(alarmed).toContain(`AWS/SQS/ApproximateNumberOfMessagesVisible/${queue}`);
    }
    expect(alarmed).toContain('trailwatch/EventsRejected/trailwatch-indexer,trailwatch');
    expect(alarmed).toContain('trailwatch/FilesRead/trailwatch-processor,trailwatch');
  });

  it('the duration alarms fire at a share of the configured timeout', () => {
    for (const id of ['ProcessorDurationAlarm', 'IndexerDurationAlarm']) {
      const p = evaluator.properties(id);
      const expression = (p.Metrics as JsonObject[]).find((m) => m.Expression);
      expect(expression?.Expression).toBe('100 * duration / (300 * 1000)');
      expect(Number(p.Threshold)).toBeLessThan(100);
    }
  });

  it('the dashboard shows alerts by rule, files and records, malformed records, the index, errors, duration and DLQ depth', () => {
    const shown = new Set(uses.filter((u) => u.where.startsWith('Dashboard')).map((u) => u.name));
    for (const name of [
      'AlertsRaised',
      'FilesRead',
      'Records',
      'MalformedRecords',
      'EventsIndexed',
      'EventsRejected',
      'Errors',
      'Duration',
      'ApproximateNumberOfMessagesVisible',
    ]) {
      expect(shown, name).toContain(name);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Logs Insights

const QUERIES = path.join(ROOT, 'queries');
const queryFiles = readdirSync(QUERIES).filter((f) => f.endsWith('.logsinsights'));
const read = (file: string) => readFileSync(path.join(QUERIES, file), 'utf8');

describe('saved Logs Insights queries', () => {
  const evaluator = new Evaluator(template, SCENARIOS.defaults);
  const definitions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Logs::QueryDefinition');

  it('are the files in queries/, each saved once, over the index log group, in a trailwatch/<stack> folder', () => {
    const saved = queryFiles.filter((f) => !f.startsWith('dashboard-'));
    const used: string[] = [];
    for (const [id] of definitions) {
      const p = evaluator.properties(id);
      const file = saved.find((f) => read(f) === p.QueryString);
      expect(
        file,
        `${id}: QueryString equals no file in queries/ (the files are the source: copy the file into the template)`,
      ).toBeDefined();
      used.push(file as string);
      expect(p.LogGroupNames).toEqual([evaluator.ref('IndexLogGroup')]);
      expect(String(p.Name)).toMatch(/^trailwatch\/trailwatch\/[A-Z]/);
      // QueryDefinition limits (AWS::Logs::QueryDefinition): QueryString 1-10,000 characters.
      expect(String(p.QueryString).length).toBeLessThanOrEqual(10000);
    }
    expect(used.sort()).toEqual(saved.sort());
  });

  it('use only the trailwatch fields an indexed event has', () => {
    const fields = new Set<string>();
    for (const name of recordFixtureNames()) {
      const object = trailwatchFields(classify(loadRecord(name)), [{ rule: 'r' }]) as unknown as JsonObject;
      for (const key of Object.keys(object)) fields.add(key);
    }
    for (const file of queryFiles) {
      for (const match of read(file).matchAll(/trailwatch\.(\w+)/g))
        expect(fields, `${file}: trailwatch.${match[1]}`).toContain(match[1]);
    }
  });

  it("the dashboard's alerts-by-rule widget is the query file, over the processor log group, with every built-in rule", () => {
    const widget = dashboardBody(evaluator).widgets.find((w) => w.type === 'log');
    const query = String(widget?.properties.query);
    const file = read('dashboard-alerts-by-rule.logsinsights');
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
    expect(query).toBe(`SOURCE '${String(evaluator.ref('ProcessorLogGroup'))}' | ${squash(file)}`);
    for (const rule of BUILTIN_RULES)
      expect(file, rule.id).toContain(`sum(\`alertsByRule.${rule.id}\`) as \`${rule.severity} ${rule.id}\``);
    // The fields it reads are the processor's per-file log line (functions/lib/observability.ts, process-log-file.ts).
    expect(readFileSync(path.join(ROOT, 'functions/lib/observability.ts'), 'utf8')).toContain("'log file read'");
    expect(readFileSync(path.join(ROOT, 'functions/processor/process-log-file.ts'), 'utf8')).toMatch(/alertsByRule/);
  });
});
