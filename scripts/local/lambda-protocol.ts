// What the local Lambda host (lambda-host.ts, a child process) and the runner (lambda-runner.ts) say to each other
// over Node's IPC channel. The handler's own output (Powertools' JSON log lines, EMF metrics) goes to the child's
// stdout as it would go to CloudWatch Logs in Lambda; results and errors come back here, as Lambda's runtime API
// would carry them.

/** argv[2] of the host, as JSON. */
export interface HostOptions {
  /** Absolute path of the bundled handler (dist/<function>/handler.mjs). */
  handler: string;
  functionName: string;
  memoryMB: number;
  timeoutMs: number;
  /**
   * When set, the host's Date.now starts at this time (ms) and runs on from there: the local run replays the sample
   * day, so the indexer's age policy judges its records as CloudWatch Logs would have on that day.
   */
  clockStart?: number;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export type ParentMessage = { type: 'invoke'; id: number; requestId: string; event: unknown } | { type: 'exit' };

export type HostMessage =
  | { type: 'ready'; initMs: number }
  | { type: 'init-error'; error: SerializedError; initMs: number }
  | { type: 'result'; id: number; result: unknown; durationMs: number }
  | { type: 'invoke-error'; id: number; error: SerializedError; durationMs: number };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error)
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: 'Error', message: String(error) };
}
