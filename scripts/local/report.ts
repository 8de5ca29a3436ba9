// What a local run prints (or writes with --out): the alert emails SNS would have sent, the events CloudWatch Logs
// would hold, and a summary built from the handlers' own results and log lines and from what the fakes recorded.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeliveryOutcome as IndexerOutcome } from '../../functions/indexer/index-log.js';
import type { ProcessedDelivery as ProcessorOutcome } from '../../functions/processor/process-delivery.js';
import { hasBatchFailures, runFailed, type FunctionRun, type IndexedEvent, type LocalRunResult } from './run-result.js';
import type { SerializedError } from './lambda-protocol.js';
import type { LogLine } from './lambda-runner.js';
import { protocolText, type SnsPublishedMessage } from './sns-fake.js';

export interface ReportOptions {
  /** Each indexed event's JSON instead of a compact line, and every line the functions logged. */
  verbose: boolean;
  /** Alerts and index events went to files (--out): print only where. */
  omitDetails?: boolean;
  written?: WrittenFiles;
}

export interface WrittenFiles {
  dir: string;
  alerts: string[];
  index: string[];
}

// ---------------------------------------------------------------------------------------------------------
// Facts the report is made of

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

// ---------------------------------------------------------------------------------------------------------
// Text

const RULE = '─'.repeat(100);

export function heading(title: string): string {
  return `\n━━ ${title} ${'━'.repeat(Math.max(3, 96 - title.length))}\n`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** A path relative to the working folder when it is inside it, else absolute. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return entries.length > 0 ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

export function formatAlerts(result: LocalRunResult): string {
  return formatAlertMessages(alertEmails(result), result.alertTopicArn);
}

/** Each message as its email subscribers get it: subject, then the `email` text. */
export function formatAlertMessages(emails: readonly SnsPublishedMessage[], topicArn: string): string {
  const lines = [heading(`Alert emails: ${emails.length} published to ${topicArn}`)];
  if (emails.length === 0) lines.push('(none)\n');
  for (const [i, message] of emails.entries()) {
    lines.push(`${`─── ${i + 1}/${emails.length} · ${ruleOf(message)} `.padEnd(RULE.length, '─')}`);
    lines.push(`Subject: ${message.subject ?? '(no subject)'}`, '', protocolText(message, 'email').trimEnd(), '');
  }
  return lines.join('\n');
}

export function compactIndexLines(events: readonly IndexedEvent[]): string[] {
  const rows = events.map((e) => ({ e, f: indexedFields(e) }));
  const streamWidth = Math.max(0, ...rows.map((r) => r.e.stream.length));
  const nameWidth = Math.max(0, ...rows.map((r) => r.f.eventName.length));
  const resourceWidth = Math.max(0, ...rows.map((r) => (r.f.resource ?? '-').length));
  return rows.map(({ e, f }) => {
    const alerts = f.alerts.length > 0 ? `  alerts: ${f.alerts.join(', ')}` : '';
    return `${e.stream.padEnd(streamWidth)}  ${iso(e.timestamp)}  ${f.eventName.padEnd(nameWidth)}  ${(f.resource ?? '-').padEnd(resourceWidth)}${alerts}`.trimEnd();
  });
}

export function formatIndex(result: LocalRunResult, verbose: boolean): string {
  if (result.functions.indexer.status === 'not-built') {
    return `${heading(`Indexed log events: 0 in ${result.logGroup}`)}indexer: not built yet (no dist/indexer/handler.mjs): nothing indexed\n`;
  }
  return formatIndexedEvents(result.indexed, result.logGroup, verbose);
}

/** One compact line per event (stream, time, eventName, resource, alerts), or with `verbose` each event's JSON. */
export function formatIndexedEvents(events: readonly IndexedEvent[], logGroup: string, verbose: boolean): string {
  const lines = [heading(`Indexed log events: ${events.length} in ${logGroup}`)];
  if (events.length === 0) lines.push('(none)\n');
  else if (verbose) for (const e of events) lines.push(`${e.stream}  ${iso(e.timestamp)}`, e.message, '');
  else lines.push(...compactIndexLines(events), '');
  return lines.join('\n');
}

/** Fields Powertools adds to every line: left out of the short form. */
const STANDARD_LOG_FIELDS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);

/** A function's log lines, one per line: text as it is; JSON whole, or (`short`) level, message and its own fields. */
export function formatLogLines(lines: readonly LogLine[], indent = '  ', short = false): string[] {
  return lines.map((l) => {
    if (l.level === 'TEXT') return `${indent}${l.message}`;
    if (!short || l.level === 'METRICS') return `${indent}${JSON.stringify(l.fields)}`;
    const own = Object.entries(l.fields)
      .filter(([k]) => !STANDARD_LOG_FIELDS.has(k))
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return `${indent}${l.level} ${l.message}${own.length > 0 ? `  ${own.join('  ')}` : ''}`;
  });
}

function functionLines(f: FunctionSummary, label: string): string[] {
  const pad = ' '.repeat(label.length);
  if (f.status === 'not-built') return [`${label}not built yet (no dist/${f.name}/handler.mjs): skipped`];
  if (f.status === 'init-failed') {
    const [first = '', ...rest] = `${f.initError?.name}: ${f.initError?.message}`.split('\n');
    return [`${label}FAILED at cold start (${seconds(f.initMs)}): ${first}`, ...rest.map((l) => `${pad}${l.trim()}`)];
  }
  const lines = [
    `${label}${plural(f.invocations, 'invocation')} (one S3 event notification per object): ${plural(f.filesRead, 'log file')} read, ${f.skipped.length} skipped, ${f.failed.length} failed; cold start ${seconds(f.initMs)}, invocations ${seconds(f.runMs)}`,
  ];
  for (const s of f.skipped) lines.push(`${pad}  skipped ${s.key}: ${s.reason} (${s.detail})`);
  for (const x of f.failed) lines.push(`${pad}  FAILED  ${x.key}: ${x.error.name}: ${x.error.message}`);
  return lines;
}

export function formatSummary(result: LocalRunResult, summary: Summary, options: ReportOptions): string {
  const { processor, indexer } = summary;
  const lines = [heading('Summary')];
  const clock =
    result.clock.mode === 'replay'
      ? `${iso(result.clock.start)}, replayed: the sample's last delivery (--clock real to run on today's)`
      : result.clock.mode === 'fixed'
        ? `${iso(result.clock.start)} (--clock)`
        : `${iso(result.clock.start)} (real)`;
  lines.push(
    `S3         ${summary.objects} objects (${kb(summary.bytes)}) uploaded from ${shown(result.logsDir)}/AWSLogs/ to s3://${result.bucket} (s3rver, ${result.endpoints.s3}) in ${seconds(result.timings.uploadMs)}`,
  );
  lines.push(...functionLines(processor, 'processor  '));
  if (processor.status === 'ran') {
    const raised = Object.values(processor.alertsByRule).reduce((a, b) => a + b, 0);
    lines.push(`           ${processor.records} records, ${processor.parsed} parsed, ${processor.malformed} malformed`);
    lines.push(`           ${raised} alerts raised: ${counts(processor.alertsByRule)}`);
    const integrity = processor.integrity;
    if (integrity.digests > 0 || integrity.notValid.length > 0) {
      lines.push(
        integrity.notValid.length === 0
          ? `           integrity: ${plural(integrity.digests, 'digest')} checked (signature, location, chain) and the ${plural(integrity.logFiles, 'log file')} they list: all valid`
          : `           integrity: ${plural(integrity.digests, 'digest')} and ${plural(integrity.logFiles, 'log file')} checked, ${integrity.notValid.length} NOT valid: ${integrity.notValid.join('; ')}`,
      );
    }
    lines.push(
      `           ${processor.published} messages published (SNS fake, ${result.endpoints.sns}: ${summary.sns.messages} accepted in ${summary.sns.publishBatchCalls} PublishBatch + ${summary.sns.publishCalls} Publish calls, ${summary.sns.alertEmails} to the alert topic)`,
    );
  }
  lines.push(...functionLines(indexer, 'indexer    '));
  if (indexer.status === 'ran') {
    const rejected = Object.values(indexer.rejected).reduce((a, b) => a + b, 0);
    lines.push(
      `           ${indexer.indexed} events indexed into ${result.logGroup} (${plural(indexer.streams.length, 'stream')}: ${indexer.streams.join(', ') || 'none'}), ${indexer.outOfScope} records out of scope, ${rejected} not indexed${rejected > 0 ? ` (${counts(indexer.rejected)})` : ''}, ${indexer.trimmed} trimmed`,
    );
    lines.push(
      `           ${summary.logs.putLogEventsCalls} PutLogEvents calls, ${summary.logs.createLogStreamCalls} CreateLogStream (CloudWatch Logs fake, ${result.endpoints.logs}: ${summary.logs.stored} events stored)`,
    );
  }
  lines.push(`clock      ${clock}`);
  lines.push(
    `limits     ${summary.violations.length === 0 ? 'no SNS or CloudWatch Logs limit broken' : `${summary.violations.length} broken:`}`,
  );
  for (const v of summary.violations) lines.push(`             ${v}`);
  for (const f of [processor, indexer]) {
    const logLines = options.verbose ? result.functions[f.name].logs : f.warnings;
    if (logLines.length === 0) continue;
    lines.push(`${f.name} log${options.verbose ? '' : ' (warnings and errors)'}:`);
    lines.push(...formatLogLines(logLines, '  ', !options.verbose));
  }
  if (options.written) {
    const { dir, alerts, index } = options.written;
    lines.push(
      `written    ${alerts.length} alert files under ${path.join(dir, 'alerts')}/, ${plural(index.length, 'index file')} under ${path.join(dir, 'index')}/`,
    );
  }
  lines.push(`time       ${seconds(result.timings.totalMs)} in all`);
  lines.push(`result     ${summary.failed ? 'FAILED (see above)' : 'OK'}`);
  return `${lines.join('\n')}\n`;
}

export function formatReport(result: LocalRunResult, options: ReportOptions): string {
  const summary = summarize(result);
  const head = `trailwatch local run: ${result.objects.length} objects from the sample trail bucket through the bundled Lambda handlers, no AWS account\n`;
  const body = options.omitDetails ? '' : formatAlerts(result) + formatIndex(result, options.verbose);
  return head + body + formatSummary(result, summary, options);
}

// ---------------------------------------------------------------------------------------------------------
// --out DIR

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** alerts/NNN-<rule>.txt (subject and email text) and .json (the `default` JSON); index/<stream>.jsonl (one message a line). */
export async function writeOutDir(result: LocalRunResult, dir: string): Promise<WrittenFiles> {
  const written: WrittenFiles = { dir, alerts: [], index: [] };
  const alertsDir = path.join(dir, 'alerts');
  const indexDir = path.join(dir, 'index');
  await mkdir(alertsDir, { recursive: true });
  await mkdir(indexDir, { recursive: true });
  for (const [i, message] of alertEmails(result).entries()) {
    const base = path.join(alertsDir, `${String(i + 1).padStart(3, '0')}-${safeName(ruleOf(message))}`);
    await writeFile(
      `${base}.txt`,
      `Subject: ${message.subject ?? ''}\n\n${protocolText(message, 'email').trimEnd()}\n`,
    );
    const defaultText = protocolText(message, 'default');
    let json: string;
    try {
      json = JSON.stringify(JSON.parse(defaultText), null, 2);
    } catch {
      json = defaultText;
    }
    await writeFile(`${base}.json`, `${json}\n`);
    written.alerts.push(`${base}.txt`, `${base}.json`);
  }
  const byStream = new Map<string, string[]>();
  for (const e of result.indexed) {
    const lines = byStream.get(e.stream) ?? [];
    lines.push(e.message);
    byStream.set(e.stream, lines);
  }
  for (const [stream, lines] of byStream) {
    const file = path.join(indexDir, `${safeName(stream)}.jsonl`);
    await writeFile(file, `${lines.join('\n')}\n`);
    written.index.push(file);
  }
  return written;
}
