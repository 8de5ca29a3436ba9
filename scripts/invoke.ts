// `npm run invoke -- processor|indexer EVENT.json [--env FILE]`: one bundled handler, one event, the way Lambda
// would run it (a process of its own, a cold start reading the environment, a Lambda context).
//
// - Against real AWS when --env FILE is given (KEY=VALUE lines, e.g. a deployed stack's outputs:
//   ALERT_TOPIC_ARN=..., INDEX_LOG_GROUP=...) and AWS credentials are in the environment (AWS_ACCESS_KEY_ID,
//   AWS_PROFILE, a web identity or container credentials), or with --aws: the function reads, publishes and
//   writes for real, with the region and credentials of this shell.
// - Otherwise (or with --local) locally, with no AWS account: the emulator and fakes of `npm start`, with
//   events/logs/AWSLogs/ uploaded to the sample bucket. An object the event names under another key (a prefix, an
//   organisation folder) is uploaded there too when a sample file has its name, so every events/*.json runs.
//
// Prints the handler's result (or error), then what it sent: in local runs the alert emails and index events the
// fakes received; against AWS the function's own log lines, which count what it published and indexed.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectRef } from '../functions/lib/delivery.js';
import { objectsFromEvent } from '../functions/lib/triggers.js';
import { skipReason } from '../functions/lib/log-objects.js';
import { optionValue, parseClock, parseOrShowUsage, runWhenMain, UsageError } from './local/command-line.js';
import { LambdaProcess, type InvocationOutcome } from './local/lambda-runner.js';
import {
  FUNCTION_NAMES,
  LAMBDA_MEMORY_MB,
  LAMBDA_TIMEOUT_MS,
  lambdaEnv,
  parseEnvFile,
  SAMPLE_BUCKET,
  sampleFiles,
  startLocalAws,
  type FunctionName,
  type LocalAws,
} from './local/local-aws.js';
import { functionBundle, functionEnv, functionSettings, hostScript, replayClock } from './local/pipeline.js';
import { formatAlertMessages, formatIndexedEvents, formatLogLines, heading } from './local/report.js';
import { hasBatchFailures, type IndexedEvent } from './local/run-result.js';

const USAGE = `usage: npm run invoke -- processor|indexer EVENT.json [--env FILE] [--local | --aws] [--verbose] [--clock replay|real|ISO-TIME]

  EVENT.json   the invocation event (events/*.json: S3, EventBridge, SNS, SQS samples)
  --env FILE   the function's environment, KEY=VALUE lines (a deployed stack's outputs: ALERT_TOPIC_ARN=..., INDEX_LOG_GROUP=...)
  --aws        run against AWS (default when --env is given and AWS credentials are in the environment)
  --local      run against the local S3 emulator and SNS / CloudWatch Logs fakes (the default otherwise)
  --verbose    each indexed event's JSON, and every line the function logged
  --clock T    local runs: replay (default, the sample's last delivery), real, or an ISO time`;

export interface InvokeArgs {
  fn: FunctionName;
  eventFile: string;
  envFile: string | undefined;
  mode: 'aws' | 'local' | undefined;
  verbose: boolean;
  clock: 'replay' | 'real' | number;
  logsDir: string;
}

export function parseInvokeArgs(argv: readonly string[]): InvokeArgs {
  const positional: string[] = [];
  const args: Omit<InvokeArgs, 'fn' | 'eventFile'> = {
    envFile: undefined,
    mode: undefined,
    verbose: false,
    clock: 'replay',
    logsDir: 'events/logs',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => optionValue(argv, ++i, arg);
    if (arg === '--env') args.envFile = value();
    else if (arg === '--aws' || arg === '--local') {
      const mode = arg === '--aws' ? 'aws' : 'local';
      if (args.mode && args.mode !== mode) throw new UsageError('--aws and --local exclude each other');
      args.mode = mode;
    } else if (arg === '--verbose' || arg === '-v') args.verbose = true;
    else if (arg === '--logs') args.logsDir = value();
    else if (arg === '--clock') args.clock = parseClock(value());
    else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [fn, eventFile, ...rest] = positional;
  if (!fn || !eventFile) throw new UsageError('the function and the event file are required');
  if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}`);
  const name = FUNCTION_NAMES.find((n) => n === fn);
  if (!name) throw new UsageError(`unknown function ${fn} (processor or indexer)`);
  return { fn: name, eventFile, ...args };
}

/** Credentials the SDK's default chain finds in the environment (not counting ~/.aws files or instance roles). */
export function credentialsInEnvironment(env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'AWS_ACCESS_KEY_ID';
  if (env.AWS_PROFILE) return `AWS_PROFILE=${env.AWS_PROFILE}`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return 'AWS_WEB_IDENTITY_TOKEN_FILE';
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)
    return 'container credentials';
  return undefined;
}

/** The objects an event names (empty when it is not a shape the functions read: the handler will say so). */
export function eventObjects(event: unknown): ObjectRef[] {
  try {
    const refs = objectsFromEvent(event);
    if (refs.kind === 'direct') return refs.delivery.objects;
    return refs.messages.flatMap((m) => (m.result.ok ? m.result.delivery.objects : []));
  } catch {
    return [];
  }
}

/**
 * Uploads, under the key the event names, a sample file with the same name, for each object the event names that is
 * not in the bucket yet and that the functions would read (skipped objects are never fetched). Returns what it did.
 */
export async function stageEventObjects(aws: LocalAws, refs: readonly ObjectRef[], logsDir: string): Promise<string[]> {
  const files = await sampleFiles(logsDir);
  const notes: string[] = [];
  for (const ref of refs) {
    if (skipReason(ref)) continue;
    const keys = [ref.key, ...(ref.alternativeKeys ?? [])];
    if (aws.objects.some((o) => o.bucket === ref.bucket && keys.includes(o.key))) continue;
    const name = ref.key.slice(ref.key.lastIndexOf('/') + 1);
    const sample = files.find((f) => f.key.endsWith(`/${name}`));
    if (!sample) {
      notes.push(`s3://${ref.bucket}/${ref.key}: not in the sample, left missing`);
      continue;
    }
    await aws.upload(ref.bucket, ref.key, sample.file);
    notes.push(`s3://${ref.bucket}/${ref.key}: uploaded from ${sample.key} (the event names it)`);
  }
  return notes;
}

function printOutcome(outcome: InvocationOutcome): void {
  const out = process.stdout;
  if (outcome.ok) {
    out.write(
      `${heading(`Result (${Math.round(outcome.durationMs)} ms)`)}${JSON.stringify(outcome.result, null, 2)}\n`,
    );
  } else {
    out.write(
      `${heading(`Invocation failed (${Math.round(outcome.durationMs)} ms)`)}${outcome.error.name}: ${outcome.error.message}\n${outcome.error.stack ?? ''}\n`,
    );
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseOrShowUsage(parseInvokeArgs, argv, USAGE);
  if (!args) return 2;
  const event = JSON.parse(await readFile(args.eventFile, 'utf8')) as unknown;
  const fileEnv = args.envFile ? parseEnvFile(await readFile(args.envFile, 'utf8'), args.envFile) : {};
  const credentials = credentialsInEnvironment(process.env);
  const mode = args.mode ?? (args.envFile && credentials ? 'aws' : 'local');
  const bundle = functionBundle('dist', args.fn);
  const host = hostScript('dist');
  const out = process.stdout;

  if (!existsSync(bundle)) {
    process.stderr.write(`${args.fn}: not built yet (no ${path.relative(process.cwd(), bundle)}; npm run build)\n`);
    return 1;
  }

  if (mode === 'aws') {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, lambdaEnv(`trailwatch-${args.fn}`), { POWERTOOLS_LOG_LEVEL: 'INFO' }, fileEnv);
    out.write(
      `invoke ${args.fn} (${path.relative(process.cwd(), bundle)}) with ${args.eventFile} against AWS: region ${env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '(from the SDK config)'}, ` +
        `credentials ${credentials ?? 'from the SDK default chain'}${args.envFile ? `, settings from ${args.envFile}` : ''}\n`,
    );
    const sandbox = await LambdaProcess.start({
      handler: path.resolve(bundle),
      host,
      env,
      functionName: `trailwatch-${args.fn}`,
      memoryMB: LAMBDA_MEMORY_MB,
      timeoutMs: LAMBDA_TIMEOUT_MS,
    });
    if (sandbox.initError) {
      await sandbox.stop();
      out.write(`${heading('Cold start failed')}${sandbox.initError.name}: ${sandbox.initError.message}\n`);
      out.write(`${formatLogLines(sandbox.logs).join('\n')}\n`);
      return 1;
    }
    const outcome = await sandbox.invoke(event);
    await sandbox.stop();
    printOutcome(outcome);
    // What it sent is in its own log lines: `log file read` counts what was published / indexed per file.
    const lines = args.verbose
      ? sandbox.logs
      : sandbox.logs.filter(
          (l) => l.level !== 'METRICS' && l.message !== 'processor configured' && l.message !== 'indexer configured',
        );
    out.write(
      `${heading(`Function log (${lines.length} lines)`)}${formatLogLines(lines, '  ', !args.verbose).join('\n')}\n`,
    );
    return outcome.ok && !hasBatchFailures(outcome.result) ? 0 : 1;
  }

  // Local: the same emulator and fakes as npm start.
  const settings = functionSettings(args.fn, fileEnv);
  const files = await sampleFiles(args.logsDir);
  const replay = replayClock(files.map((f) => f.key));
  const clockStart = typeof args.clock === 'number' ? args.clock : args.clock === 'replay' ? replay : undefined;
  const offset = clockStart === undefined ? 0 : clockStart - Date.now();
  const alertTopicArn = functionSettings('processor', fileEnv).ALERT_TOPIC_ARN ?? '';
  const eventsTopicArn = fileEnv.ALERT_EVENTS_TOPIC_ARN;
  const logGroup = functionSettings('indexer', fileEnv).INDEX_LOG_GROUP ?? '';
  const retention = Number(functionSettings('indexer', fileEnv).INDEX_RETENTION_DAYS);
  const aws = await startLocalAws({
    topics: [alertTopicArn, ...(eventsTopicArn ? [eventsTopicArn] : [])],
    logGroups: { [logGroup]: Number.isInteger(retention) && retention > 0 ? { retentionDays: retention } : {} },
    now: () => Date.now() + offset,
  });
  try {
    for (const { file, key } of files) await aws.upload(SAMPLE_BUCKET, key, file);
    const staged = await stageEventObjects(aws, eventObjects(event), args.logsDir);
    out.write(
      `invoke ${args.fn} (${path.relative(process.cwd(), bundle)}) with ${args.eventFile}, locally: ${aws.objects.length} objects in s3rver (${aws.s3.endpoint}), ` +
        `SNS fake ${aws.sns.endpoint}, CloudWatch Logs fake ${aws.logs.endpoint}${clockStart !== undefined ? `, clock ${new Date(clockStart).toISOString()}` : ''}\n`,
    );
    for (const note of staged) out.write(`  ${note}\n`);

    const sandbox = await LambdaProcess.start({
      handler: path.resolve(bundle),
      host,
      env: functionEnv(args.fn, aws, settings),
      functionName: `trailwatch-${args.fn}`,
      memoryMB: LAMBDA_MEMORY_MB,
      timeoutMs: LAMBDA_TIMEOUT_MS,
      ...(clockStart !== undefined ? { clockStart } : {}),
    });
    let outcome: InvocationOutcome | undefined;
    if (!sandbox.initError) outcome = await sandbox.invoke(event);
    await sandbox.stop();
    if (!outcome) {
      out.write(`${heading('Cold start failed')}${sandbox.initError?.name}: ${sandbox.initError?.message}\n`);
      return 1;
    }
    printOutcome(outcome);

    if (args.fn === 'processor') {
      out.write(
        formatAlertMessages(
          aws.sns.messages.filter((m) => m.topicArn === alertTopicArn),
          alertTopicArn,
        ),
      );
      const others = aws.sns.messages.filter((m) => m.topicArn !== alertTopicArn);
      if (others.length > 0) out.write(`\n${others.length} messages to ${eventsTopicArn} (the events topic)\n`);
    } else {
      const events: IndexedEvent[] = [];
      for (const stream of aws.logs.fake.streamNames(logGroup)) {
        for (const e of aws.logs.fake.storedEvents(logGroup, stream))
          events.push({ stream, timestamp: e.timestamp, message: e.message });
      }
      events.sort((a, b) => (a.stream !== b.stream ? (a.stream < b.stream ? -1 : 1) : a.timestamp - b.timestamp));
      out.write(formatIndexedEvents(events, logGroup, args.verbose));
    }
    const shown = args.verbose
      ? sandbox.logs
      : sandbox.logs.filter(
          (l) => l.level === 'WARN' || l.level === 'ERROR' || l.stream === 'stderr' || l.message === 'object skipped',
        );
    if (shown.length > 0)
      out.write(
        `${heading(`Function log (${args.verbose ? 'all' : 'skips, warnings and errors'})`)}${formatLogLines(shown, '  ', !args.verbose).join('\n')}\n`,
      );
    const violations = aws.violations();
    out.write(
      `\n${violations.length === 0 ? 'no SNS or CloudWatch Logs limit broken' : `limits broken:\n  ${violations.join('\n  ')}`}\n`,
    );
    return outcome.ok && !hasBatchFailures(outcome.result) && violations.length === 0 ? 0 : 1;
  } finally {
    await aws.close();
  }
}

runWhenMain(import.meta.url, main);
