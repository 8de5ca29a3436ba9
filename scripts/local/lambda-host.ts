// The local Lambda sandbox: a child process that loads one bundled handler the way Lambda's Node.js runtime does
// (an ESM import of dist/<function>/handler.mjs, its cold start running once with the environment it was given),
// then runs the invocations the parent sends over IPC one at a time, each with a Lambda context, and a timeout.
// Built by scripts/build.mjs into dist/local/lambda-host.mjs; started by lambda-runner.ts.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';
import { serializeError, type HostMessage, type HostOptions, type ParentMessage } from './lambda-protocol.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const options = JSON.parse(process.argv[2] ?? '{}') as HostOptions;

function send(message: HostMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

if (options.clockStart !== undefined) {
  // The replayed day's clock, running on from its start. Only Date.now moves (what the code reads to judge ages);
  // `new Date()` keeps the real time, so log timestamps stay true.
  const realNow = Date.now.bind(Date);
  const offset = options.clockStart - realNow();
  Date.now = () => realNow() + offset;
}

function context(requestId: string, deadline: number): Context {
  return lambdaContext(options.functionName, {
    memoryMB: options.memoryMB,
    requestId,
    logStreamName: `local/[$LATEST]${process.pid}`,
    remainingMs: () => Math.max(0, deadline - performance.now()),
    region: process.env.AWS_REGION ?? 'us-east-1',
  });
}

const started = performance.now();
let handler: Handler;
try {
  const module = (await import(pathToFileURL(options.handler).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function')
    throw new TypeError(`${options.handler} does not export a handler function`);
  handler = module.handler as Handler;
} catch (error) {
  // Lambda reports a failed init (a ConfigError from the cold start, a missing export) and runs nothing.
  await send({ type: 'init-error', error: serializeError(error), initMs: performance.now() - started });
  process.exit(1);
}
await send({ type: 'ready', initMs: performance.now() - started });

let queue: Promise<void> = Promise.resolve();
process.on('message', (message: ParentMessage) => {
  if (message.type === 'exit') {
    queue = queue.then(() => process.exit(0));
    return;
  }
  // One invocation at a time, as one Lambda execution environment runs them.
  queue = queue.then(() => invoke(message.id, message.requestId, message.event));
});
process.on('disconnect', () => process.exit(0));

async function invoke(id: number, requestId: string, event: unknown): Promise<void> {
  const begin = performance.now();
  const deadline = begin + options.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`Task timed out after ${(options.timeoutMs / 1000).toFixed(2)} seconds`));
    }, options.timeoutMs);
  });
  try {
    const result = await Promise.race([handler(event, context(requestId, deadline)), timeout]);
    await send({ type: 'result', id, result: result ?? null, durationMs: performance.now() - begin });
  } catch (error) {
    await send({ type: 'invoke-error', id, error: serializeError(error), durationMs: performance.now() - begin });
    // Lambda stops an environment whose invocation timed out; the work still running goes with it.
    if (timedOut) process.exit(1);
  } finally {
    clearTimeout(timer);
  }
}
