// Failing an invocation cleanly before Lambda kills it. Lambda ends a run at its timeout with "Task timed out"
// and nothing else: no word of which object was being read, and for an SQS batch every message comes back,
// finished ones included. So each invocation gets a deadline a margin before the timeout: at it, the work's
// AbortSignal aborts with an InvocationDeadlineError, the S3 read in progress fails with an error naming its object
// and how far it got (s3-object.ts), files not started fail at once, and the handler still has time to log and
// to answer (an SQS batch then reports only its unfinished messages as batchItemFailures).
//
// middy aborts its own signal too, but only `timeoutEarlyInMillis` (5 ms by default) before the timeout, with a bare
// `TimeoutError: [AbortError]` (node_modules/@middy/core/index.js): too late to report anything.
import type { Context } from 'aws-lambda';
import { TrailwatchError } from '../../shared/errors.js';

/**
 * Time kept back from the function's timeout. What runs after the deadline is aborting sockets (the S3 body,
 * PutLogEvents in flight), log lines and the response: well under a second. 5 s is 1.7 % of the template's
 * default FunctionTimeout (300 s) and leaves 25 s of work at its 30 s minimum.
 */
export const DEFAULT_DEADLINE_MARGIN_MS = 5_000;

/** setTimeout's largest delay (https://nodejs.org/api/timers.html#settimeoutcallback-delay-args). */
const MAX_TIMER_MS = 2_147_483_647;

/** The reason the work's signal aborts with at the deadline. */
export class InvocationDeadlineError extends TrailwatchError {
  readonly code = 'DEADLINE_REACHED';
  readonly marginMs: number;

  constructor(marginMs: number) {
    super(
      `${marginMs} ms of the function's timeout left: work stopped so the invocation fails with a message instead of being killed`,
    );
    this.name = 'InvocationDeadlineError';
    this.marginMs = marginMs;
  }
}

export interface Deadline {
  /** Aborts at the deadline (reason: InvocationDeadlineError) or when `outer` aborts. */
  signal: AbortSignal;
  /** Clears the timer (call when the invocation's work is done). */
  dispose(): void;
}

/** A deadline `marginMs` before the end of the invocation `context` describes; none without getRemainingTimeInMillis. */
export function invocationDeadline(
  context: Pick<Context, 'getRemainingTimeInMillis'> | undefined,
  outer: AbortSignal,
  marginMs = DEFAULT_DEADLINE_MARGIN_MS,
): Deadline {
  const remaining =
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  // Lambda's longest timeout is 900 s; a longer or unknown time (a harness's context) sets no deadline rather
  // than a timer Node would overflow into firing at once (delays above 2^31 - 1 ms become 1 ms).
  if (remaining === undefined || !Number.isFinite(remaining) || remaining - marginMs > MAX_TIMER_MS)
    return { signal: outer, dispose: () => undefined };
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new InvocationDeadlineError(marginMs)),
    Math.max(0, remaining - marginMs),
  );
  return { signal: AbortSignal.any([outer, controller.signal]), dispose: () => clearTimeout(timer) };
}
