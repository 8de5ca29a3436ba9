// One delivery (a trigger message naming objects) -> each CloudTrail log file in it, handled by the function's
// own per-file step. Shared by the processor and the indexer: they differ only in what they do with a file.
import { InvocationDeadlineError } from './deadline.js';
import { DeliveryError, ObjectBodyError } from './errors.js';
import { ObjectSkipped, screenObjects } from './log-objects.js';
import { reportFileFailed, reportFileSkipped, type Observability } from './observability.js';
import type { Delivery, ObjectRef } from './delivery.js';

export interface DeliveryOutcome<F> {
  via: string;
  files: F[];
  skipped: number;
}

/**
 * Skips (with a log line) the objects that are not CloudTrail log files, hands every log file to `handleFile`
 * (which may still find one empty: ObjectSkipped, counted and logged the same way), and throws after trying
 * them all if any failed: one failure as it is (it names bucket, key and offset), several together. Lambda then
 * retries the delivery. Once `signal` has aborted (the invocation's deadline), the files left fail unread.
 */
export async function forEachLogFile<F>(
  obs: Observability,
  delivery: Delivery,
  handleFile: (ref: ObjectRef, via: string) => Promise<F>,
  signal?: AbortSignal,
): Promise<DeliveryOutcome<F>> {
  for (const note of delivery.notes) obs.logger.info('message names no object', { via: delivery.via, note });
  const { logs, skipped } = screenObjects(delivery.objects);
  for (const { ref, skip } of skipped) reportFileSkipped(obs, ref, skip, delivery.via);

  const outcome: DeliveryOutcome<F> = { via: delivery.via, files: [], skipped: skipped.length };
  const errors: Error[] = [];
  for (const ref of logs) {
    try {
      if (signal?.aborted) throw notStarted(ref, signal);
      outcome.files.push(await handleFile(ref, delivery.via));
    } catch (error) {
      if (error instanceof ObjectSkipped) {
        reportFileSkipped(obs, { ...ref, key: error.key }, error.skip, delivery.via);
        outcome.skipped++;
        continue;
      }
      reportFileFailed(obs, ref, delivery.via, error);
      errors.push(error instanceof Error ? error : new Error(String(error)));
    }
  }
  if (errors.length === 1 && errors[0]) throw errors[0];
  if (errors.length > 1) throw new DeliveryError(errors, logs.length);
  return outcome;
}

/** Why a file was not even started: the deadline (naming the file), or whatever else aborted the work. */
function notStarted(ref: ObjectRef, signal: AbortSignal): unknown {
  if (!(signal.reason instanceof InvocationDeadlineError)) return signal.reason;
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
