// The parent side of the local Lambda sandbox (lambda-host.ts): starts one bundled handler in a child process with
// exactly the environment given (nothing inherited unless the caller passes it), sends it invocations, and keeps
// what the function wrote to stdout/stderr, the way CloudWatch Logs would: Powertools' JSON lines are parsed, and
// each is tied to its invocation by `function_request_id`.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { HostMessage, HostOptions, ParentMessage, SerializedError } from './lambda-protocol.js';

export interface LogLine {
  /** Powertools' `level` (INFO, WARN, ERROR...), `METRICS` for embedded-metric-format lines, `TEXT` for anything else. */
  level: string;
  /** Powertools' `message`, or the raw text. */
  message: string;
  /** The parsed JSON line (an empty object for text). */
  fields: Record<string, unknown>;
  /** The awsRequestId of the invocation it belongs to; undefined for cold-start lines. */
  requestId: string | undefined;
  stream: 'stdout' | 'stderr';
}

export type InvocationOutcome =
  | { ok: true; requestId: string; result: unknown; durationMs: number }
  | { ok: false; requestId: string; error: SerializedError; durationMs: number };

export interface LambdaProcessOptions extends Omit<HostOptions, 'handler'> {
  /** The bundled handler file. */
  handler: string;
  /** dist/local/lambda-host.mjs. */
  host: string;
  /** The function's whole environment. */
  env: Record<string, string>;
}

export class LambdaProcess {
  readonly logs: LogLine[] = [];
  initMs = 0;
  initError: SerializedError | undefined;
  exitCode: number | null = null;
  private readonly pending = new Map<number, { requestId: string; resolve: (outcome: InvocationOutcome) => void }>();
  private nextId = 0;
  private readonly closed: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    const streamsDone = (['stdout', 'stderr'] as const).map(
      (stream) =>
        new Promise<void>((resolve) => {
          const source = child[stream];
          if (!source) return resolve();
          createInterface({ input: source, crlfDelay: Infinity })
            .on('line', (line) => this.logs.push(parseLogLine(line, stream)))
            .on('close', resolve);
        }),
    );
    const exited = new Promise<void>((resolve) => {
      child.on('exit', (code) => {
        this.exitCode = code;
        // An environment that died takes its invocations with it.
        for (const [id, { requestId, resolve: settle }] of this.pending) {
          settle({
            ok: false,
            requestId,
            error: {
              name: 'Runtime.ExitError',
              message: `the function's process exited (code ${code}) during the invocation`,
            },
            durationMs: 0,
          });
          this.pending.delete(id);
        }
        resolve();
      });
    });
    this.closed = Promise.all([exited, ...streamsDone]).then(() => undefined);
  }

  /** Starts the sandbox and runs the handler's cold start; check `initError` before invoking. */
  static async start(options: LambdaProcessOptions): Promise<LambdaProcess> {
    const { host, env, ...hostOptions } = options;
    const child = fork(host, [JSON.stringify(hostOptions satisfies HostOptions)], {
      env,
      // Not the parent's flags (a test runner's loaders): the sandbox runs plain Node, as Lambda does.
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const sandbox = new LambdaProcess(child);
    await new Promise<void>((ready) => {
      let started = false;
      const resolve = () => {
        started = true;
        ready();
      };
      child.on('message', (message: HostMessage) => {
        if (message.type === 'ready') {
          sandbox.initMs = message.initMs;
          resolve();
        } else if (message.type === 'init-error') {
          sandbox.initMs = message.initMs;
          sandbox.initError = message.error;
          resolve();
        } else {
          const waiting = sandbox.pending.get(message.id);
          if (!waiting) return;
          sandbox.pending.delete(message.id);
          waiting.resolve(
            message.type === 'result'
              ? { ok: true, requestId: waiting.requestId, result: message.result, durationMs: message.durationMs }
              : { ok: false, requestId: waiting.requestId, error: message.error, durationMs: message.durationMs },
          );
        }
      });
      // Only before the cold start ended: later, an exit is the end of the sandbox (stop(), or a crash the pending
      // invocations report).
      child.on('error', (error) => {
        if (started) return;
        sandbox.initError = { name: error.name, message: `could not start ${host}: ${error.message}` };
        resolve();
      });
      child.on('exit', (code) => {
        if (started) return;
        sandbox.initError = {
          name: 'Runtime.ExitError',
          message: `the function's process exited (code ${code}) during its cold start`,
        };
        resolve();
      });
    });
    return sandbox;
  }

  invoke(event: unknown): Promise<InvocationOutcome> {
    const requestId = randomUUID();
    if (this.initError || this.exitCode !== null || !this.child.connected) {
      return Promise.resolve({
        ok: false,
        requestId,
        error: this.initError ?? { name: 'Runtime.ExitError', message: "the function's process is not running" },
        durationMs: 0,
      });
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { requestId, resolve });
      this.child.send({ type: 'invoke', id, requestId, event } satisfies ParentMessage);
    });
  }

  /** Ends the sandbox and waits until its output is all read. */
  async stop(): Promise<void> {
    if (this.exitCode === null && this.child.connected) this.child.send({ type: 'exit' } satisfies ParentMessage);
    const killer = setTimeout(() => this.child.kill(), 5000);
    await this.closed;
    clearTimeout(killer);
  }

  /** Log lines of one invocation. */
  logsOf(requestId: string): LogLine[] {
    return this.logs.filter((line) => line.requestId === requestId);
  }
}

export function parseLogLine(line: string, stream: LogLine['stream']): LogLine {
  let parsed: unknown;
  try {
    parsed = line.startsWith('{') ? JSON.parse(line) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { level: 'TEXT', message: line, fields: {}, requestId: undefined, stream };
  const fields = parsed as Record<string, unknown>;
  const requestId = typeof fields.function_request_id === 'string' ? fields.function_request_id : undefined;
  if ('_aws' in fields) return { level: 'METRICS', message: 'metrics', fields, requestId, stream };
  return {
    level: typeof fields.level === 'string' ? fields.level : 'TEXT',
    message: typeof fields.message === 'string' ? fields.message : line,
    fields,
    requestId,
    stream,
  };
}
