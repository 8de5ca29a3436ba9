// The facts a local run's report is made of: per-function summaries built from the handlers' own results and log
// lines and from what the fakes recorded, the alert emails SNS would have sent, and the fields of each indexed event.
import type { DeliveryOutcome as IndexerOutcome } from '../../functions/indexer/index-log.js';
import type { ProcessedDelivery as ProcessorOutcome } from '../../functions/processor/process-delivery.js';
import { hasBatchFailures, runFailed, type FunctionRun, type IndexedEvent, type LocalRunResult } from './run-result.js';
import type { SerializedError } from './lambda-protocol.js';
import type { LogLine } from './lambda-runner.js';
import { protocolText, type SnsPublishedMessage } from '../../local-aws/sns-fake.js';

export interface SkippedObject {
  key: string;
  reason: string;
  detail: string;
}

export interface FunctionSummary {
  name: FunctionRun['name'];
  status: FunctionRun['status'];
  initMs: number;
  runMs: number;
  initError: SerializedError | undefined;
  invocations: number;
  /** Log files the function read to the end. */
  filesRead: number;
  /** Objects it skipped, with the reason from its `object skipped` log line. */
  skipped: SkippedObject[];
  /** Invocations that threw (or reported SQS batch failures), with the error. */
  failed: Array<{ key: string; error: SerializedError }>;
  /** Its log lines at WARN and above. */
  warnings: LogLine[];
}

export interface Summary {
  objects: number;
  bytes: number;
  processor: FunctionSummary & {
    records: number;
    parsed: number;
    malformed: number;
    alertsByRule: Record<string, number>;
    published: number;
    integrity: { digests: number; logFiles: number; notValid: string[] };
  };
  indexer: FunctionSummary & {
    indexed: number;
    outOfScope: number;
    rejected: Record<string, number>;
    trimmed: number;
    streams: string[];
    putLogEventsCalls: number;
  };
  sns: { messages: number; alertEmails: number; publishBatchCalls: number; publishCalls: number };
  logs: { putLogEventsCalls: number; createLogStreamCalls: number; stored: number };
  violations: string[];
  failed: boolean;
}

function isDeliveryOutcome<T extends { files: unknown[] }>(result: unknown): result is T {
  return typeof result === 'object' && result !== null && Array.isArray((result as { files?: unknown }).files);
}

function functionSummary(run: FunctionRun): FunctionSummary {
  const skipped: SkippedObject[] = [];
  for (const line of run.logs) {
    if (line.message !== 'object skipped') continue;
    const { key, reason, detail } = line.fields;
    skipped.push({ key: String(key), reason: String(reason), detail: String(detail) });
  }
  const failed: FunctionSummary['failed'] = [];
  let filesRead = 0;
  for (const { object, outcome } of run.invocations) {
    if (!outcome.ok) failed.push({ key: object.key, error: outcome.error });
    else if (hasBatchFailures(outcome.result))
      failed.push({ key: object.key, error: { name: 'BatchItemFailures', message: JSON.stringify(outcome.result) } });
    else if (isDeliveryOutcome<{ files: unknown[] }>(outcome.result)) filesRead += outcome.result.files.length;
  }
  return {
    name: run.name,
    status: run.status,
    initMs: run.initMs,
    runMs: run.runMs,
    initError: run.initError,
    invocations: run.invocations.length,
    filesRead,
    skipped,
    failed,
    warnings: run.logs.filter(
      (l) => l.level === 'WARN' || l.level === 'ERROR' || l.level === 'CRITICAL' || l.stream === 'stderr',
    ),
  };
}

export function summarize(result: LocalRunResult): Summary {
  const processorRun = result.functions.processor;
  const indexerRun = result.functions.indexer;
  const processor = {
    ...functionSummary(processorRun),
    records: 0,
    parsed: 0,
    malformed: 0,
    alertsByRule: {} as Record<string, number>,
    published: 0,
    // The digest check (issue 14): digests and the log files they list, by status.
    integrity: { digests: 0, logFiles: 0, notValid: [] as string[] },
  };
  for (const { outcome } of processorRun.invocations) {
    if (!outcome.ok || !isDeliveryOutcome<ProcessorOutcome>(outcome.result)) continue;
    for (const digest of outcome.result.digests ?? []) {
      for (const r of digest.results) {
        if (r.kind === 'digest') processor.integrity.digests++;
        else processor.integrity.logFiles++;
        if (r.status !== 'valid') processor.integrity.notValid.push(`${r.kind} ${r.status}: ${r.key}`);
      }
    }
    for (const file of outcome.result.files) {
      processor.records += file.stats.records;
      processor.parsed += file.stats.delivered;
      processor.malformed += file.stats.malformed;
      processor.published += file.published.alertTopic;
      for (const [rule, n] of Object.entries(file.alertsByRule))
        processor.alertsByRule[rule] = (processor.alertsByRule[rule] ?? 0) + n;
    }
  }
  const indexer = {
    ...functionSummary(indexerRun),
    indexed: 0,
    outOfScope: 0,
    rejected: {} as Record<string, number>,
    trimmed: 0,
    streams: [] as string[],
    putLogEventsCalls: 0,
  };
  for (const { outcome } of indexerRun.invocations) {
    if (!outcome.ok || !isDeliveryOutcome<IndexerOutcome>(outcome.result)) continue;
    for (const file of outcome.result.files) {
      indexer.indexed += file.indexed;
      indexer.outOfScope += file.outOfScope;
      indexer.trimmed += file.trimmed;
      indexer.putLogEventsCalls += file.putLogEventsCalls;
      for (const [reason, n] of Object.entries(file.rejected))
        if (n > 0) indexer.rejected[reason] = (indexer.rejected[reason] ?? 0) + n;
    }
  }
  indexer.streams = [...new Set(result.indexed.map((e) => e.stream))];
  return {
    objects: result.objects.length,
    bytes: result.objects.reduce((sum, o) => sum + o.size, 0),
    processor,
    indexer,
    sns: {
      messages: result.messages.length,
      alertEmails: alertEmails(result).length,
      publishBatchCalls: result.snsRequests.filter((r) => r.operation === 'PublishBatch').length,
      publishCalls: result.snsRequests.filter((r) => r.operation === 'Publish').length,
    },
    logs: {
      putLogEventsCalls: result.logsOperations.filter((o) => o === 'PutLogEvents').length,
      createLogStreamCalls: result.logsOperations.filter((o) => o === 'CreateLogStream').length,
      stored: result.indexed.length,
    },
    violations: result.violations,
    failed: runFailed(result),
  };
}

/** Messages to the alert topic: what its email subscribers receive, in order. */
export function alertEmails(result: Pick<LocalRunResult, 'messages' | 'alertTopicArn'>): SnsPublishedMessage[] {
  return result.messages.filter((m) => m.topicArn === result.alertTopicArn);
}

/** The rule of an alert message: its `rule` attribute, else the `default` JSON's. */
export function ruleOf(message: SnsPublishedMessage): string {
  const attribute = message.attributes.rule?.StringValue;
  if (attribute) return attribute;
  try {
    const rule = (JSON.parse(protocolText(message, 'default')) as { rule?: unknown }).rule;
    return typeof rule === 'string' ? rule : 'alert';
  } catch {
    return 'alert';
  }
}

interface IndexedFields {
  eventName: string;
  eventSource: string;
  resource: string | null;
  alerts: string[];
}

export function indexedFields(event: IndexedEvent): IndexedFields {
  const record = JSON.parse(event.message) as {
    eventName?: unknown;
    eventSource?: unknown;
    trailwatch?: { resource?: unknown; alerts?: unknown };
  };
  const tw = record.trailwatch ?? {};
  return {
    eventName: typeof record.eventName === 'string' ? record.eventName : '?',
    eventSource: typeof record.eventSource === 'string' ? record.eventSource : '?',
    resource: typeof tw.resource === 'string' ? tw.resource : null,
    alerts: Array.isArray(tw.alerts) ? tw.alerts.filter((a): a is string => typeof a === 'string') : [],
  };
}
