// One delivery through the processor, top to bottom: the fast-path records it carries (EventBridge "AWS API Call
// via CloudTrail", fast-path.ts), the digest files it names (the integrity check, integrity.ts), then every log
// file it names (process-log-file.ts). Every part is tried; the delivery throws afterwards if any failed, so Lambda
// retries it (the dedupe table, when set, keeps a retry from publishing an alert twice).
import type { Delivery } from '../lib/delivery.js';
import { deliveryFiles, screenDelivery, type DeliveryFiles, type LogFileOutcome } from '../lib/log-files.js';
import { publishOptions, type ProcessorContext } from './context.js';
import { processApiCall, type ApiCallOutcome } from './fast-path.js';
import type { DigestOutcome } from './integrity.js';
import { splitDigests } from './digest-objects.js';
import { processLogFile, type ProcessedFile } from './process-log-file.js';

/** What a direct invocation returns for one delivery. */
export type ProcessedDelivery = DeliveryFiles<ProcessedFile> & {
  digests?: DigestOutcome[];
  apiCalls?: ApiCallOutcome[];
};

export async function processDelivery(
  ctx: ProcessorContext,
  delivery: Delivery,
  signal?: AbortSignal,
): Promise<ProcessedDelivery> {
  // An EventBridge "AWS API Call via CloudTrail" event carries one record and no object.
  const apiCalls: ApiCallOutcome[] = [];
  for (const event of delivery.apiCalls ?? [])
    apiCalls.push(await processApiCall(ctx, event, delivery.via, publishOptions(ctx, signal)));

  const { digests, others } = splitDigests(delivery.objects);
  const checked: DigestOutcome[] = [];
  let digestError: unknown;
  // The integrity check (its CloudTrail client, ListPublicKeys) is loaded when a digest arrives: hourly per region.
  if (digests.length > 0) {
    const { checkDigestObject } = await import('./integrity.js');
    for (const ref of digests) {
      try {
        checked.push(await checkDigestObject(ctx, ref, signal));
      } catch (error) {
        ctx.obs.logger.error('digest check failed', {
          bucket: ref.bucket,
          key: ref.key,
          error: error instanceof Error ? error : String(error),
        });
        digestError ??= error;
      }
    }
  }

  const { logFiles, skipped } = screenDelivery(ctx.obs, { ...delivery, objects: others });
  const outcomes: LogFileOutcome<ProcessedFile>[] = [];
  for (const ref of logFiles) outcomes.push(await processLogFile(ctx, ref, delivery.via, signal));
  const files = deliveryFiles(delivery.via, skipped, outcomes);

  if (digestError !== undefined) throw digestError;
  return {
    ...files,
    ...(digests.length > 0 ? { digests: checked } : {}),
    ...(apiCalls.length > 0 ? { apiCalls } : {}),
  };
}
