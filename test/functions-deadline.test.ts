// The invocation's deadline (functions/lib/deadline.ts): when it aborts the work, with what, and when it does not.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { invocationDeadline, InvocationDeadlineError } from '../functions/lib/deadline.js';

const context = (remaining: number) => ({ getRemainingTimeInMillis: () => remaining });

describe('invocationDeadline', () => {
  it('aborts the margin before the end, with an InvocationDeadlineError saying how much time was left', async () => {
    const deadline = invocationDeadline(context(1_050), new AbortController().signal, 1_000);
    await sleep(150);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(InvocationDeadlineError);
    expect((deadline.signal.reason as InvocationDeadlineError).message).toBe(
      "1000 ms of the function's timeout left: work stopped so the invocation fails with a message instead of being killed",
    );
  });

  it('aborts at once when less than the margin is left', () => {
    const deadline = invocationDeadline(context(200), new AbortController().signal, 1_000);
    return sleep(5).then(() => expect(deadline.signal.reason).toBeInstanceOf(InvocationDeadlineError));
  });

  it('passes on an abort of the outer signal (middy) with its own reason', () => {
    const outer = new AbortController();
    const deadline = invocationDeadline(context(60_000), outer.signal, 1_000);
    outer.abort(new Error('middy timeout'));
    expect((deadline.signal.reason as Error).message).toBe('middy timeout');
    deadline.dispose();
  });

  it('sets no deadline without a remaining time, or with one longer than a timer can wait', async () => {
    const outer = new AbortController().signal;
    expect(invocationDeadline(undefined, outer).signal).toBe(outer);
    expect(invocationDeadline(context(Number.POSITIVE_INFINITY), outer).signal).toBe(outer);
    const long = invocationDeadline(context(30 * 86_400_000), outer);
    await sleep(20);
    expect(long.signal.aborted).toBe(false);
  });

  it('is cleared by dispose: a finished invocation is never aborted later', async () => {
    const deadline = invocationDeadline(context(1_060), new AbortController().signal, 1_000);
    deadline.dispose();
    await sleep(120);
    expect(deadline.signal.aborted).toBe(false);
  });
});
