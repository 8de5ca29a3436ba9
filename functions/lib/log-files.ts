// What became of the objects one delivery named, as values: each function's per-file step (the processor's
// processLogFile, the indexer's indexLogFile) turns one object into a LogFileOutcome, and the delivery's loop,
// which the function owns, sums them up. The helpers here are the parts both functions share: which objects are
// log files at all, the deadline check before a file is started, how a failure is told from a skip, and the
// rule that a delivery with a failed file throws after every file was tried (Lambda then retries it).
import { InvocationDeadlineError } from './deadline.js';
import type { Delivery, ObjectRef } from './delivery.js';
import { DeliveryError, ObjectBodyError } from './errors.js';
import { ObjectSkipped, screenObjects, type Skip } from './log-objects.js';
import { reportFileFailed, reportFileSkipped, type Observability } from './observability.js';

/** One object of a delivery: read to the end (with the function's result `R`), skipped, or failed. */
export type LogFileOutcome<R> =
  | { status: 'read'; ref: ObjectRef; result: R }
  | { status: 'skipped'; ref: ObjectRef; skip: Skip }
  | { status: 'failed'; ref: ObjectRef; error: Error };

/** The log files of one delivery, as a direct invocation returns them: the ones read, and how many were skipped. */
export interface DeliveryFiles<R> {
  via: string;
  files: R[];
  skipped: number;
}

/**
 * The delivery's objects that are log files to read. The others (digests, AWS Config files, folders...: see
 * log-objects.ts) are logged and counted as skipped here, before any GetObject, and so are messages that name no
 * object by design (S3's test event, an SNS subscription confirmation).
 */
export function screenDelivery(
  obs: Observability,
  delivery: Pick<Delivery, 'via' | 'objects' | 'notes'>,
): { logFiles: ObjectRef[]; skipped: number } {
  for (const note of delivery.notes) obs.logger.info('message names no object', { via: delivery.via, note });
  const { logs, skipped } = screenObjects(delivery.objects);
  for (const { ref, skip } of skipped) reportFileSkipped(obs, ref, skip, delivery.via);
  return { logFiles: logs, skipped: skipped.length };
}

/**
 * Why a file must not be started: the invocation's deadline has passed (naming the file), or whatever else aborted
 * the work; undefined when it may start. Files left when the deadline comes fail unread, so Lambda retries them.
 */
export function notStarted(ref: ObjectRef, signal: AbortSignal | undefined): Error | undefined {
  if (!signal?.aborted) return undefined;
  if (!(signal.reason instanceof InvocationDeadlineError)) return asError(signal.reason);
  const place = {
    bucket: ref.bucket,
    key: ref.key,
    ...(ref.versionId ? { versionId: ref.versionId } : {}),
    bytesRead: 0,
  };
  return new ObjectBodyError(
    'DEADLINE_REACHED',
    place,
    `not started before the invocation's deadline (${signal.reason.marginMs} ms of the function's timeout left)`,
  );
}

/**
 * What a per-file step's error means for the file, logged and counted: ObjectSkipped (S3's answer showed it is no
 * log file to read, e.g. zero bytes when the trigger gave no size) is a skip; anything else a failure.
 */
export function notRead(
  obs: Observability,
  ref: ObjectRef,
  via: string,
  error: unknown,
): Exclude<LogFileOutcome<never>, { status: 'read' }> {
  if (error instanceof ObjectSkipped) {
    const skipped = { ...ref, key: error.key };
    reportFileSkipped(obs, skipped, error.skip, via);
    return { status: 'skipped', ref: skipped, skip: error.skip };
  }
  reportFileFailed(obs, ref, via, error);
  return { status: 'failed', ref, error: asError(error) };
}

/**
 * The delivery's log files once every one was tried (`screenedOut`: the objects screenDelivery skipped), or a
 * throw: one failure as it is (it names bucket, key and offset), several as a DeliveryError.
 */
export function deliveryFiles<R>(
  via: string,
  screenedOut: number,
  outcomes: readonly LogFileOutcome<R>[],
): DeliveryFiles<R> {
  const files: R[] = [];
  const errors: Error[] = [];
  let skipped = screenedOut;
  for (const outcome of outcomes) {
    if (outcome.status === 'read') files.push(outcome.result);
    else if (outcome.status === 'skipped') skipped++;
    else errors.push(outcome.error);
  }
  if (errors.length === 1 && errors[0]) throw errors[0];
  if (errors.length > 1) throw new DeliveryError(errors, outcomes.length);
  return { via, files, skipped };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
