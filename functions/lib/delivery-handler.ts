// The Lambda handler every trailwatch function is: an invocation event -> the S3 objects it names -> the
// function's work on each delivery. Wiring only: middy with Powertools' logger and metrics middlewares, trigger
// parsing (trigger-fast-read.ts, else triggers.ts), and for SQS one delivery per message with the failed ones
// reported as batchItemFailures. The processor and the indexer differ only in `processDelivery`.
import type { Context, SQSBatchResponse } from 'aws-lambda';
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { invocationDeadline } from './deadline.js';
import type { Observability } from './observability.js';
import type { Delivery } from './delivery.js';
import { readObjectsFromEvent } from './trigger-fast-read.js';
import type { SqsMessageRefs } from './triggers.js';

export const DeliveryMetrics = {
  /** SQS records skipped because they have no messageId to report a failure by. */
  sqsRecordsSkipped: 'SqsRecordsSkipped',
} as const;

/** One delivery's work: every object it names, or a throw (after trying them all) so the delivery is retried. */
export type ProcessDelivery<R> = (delivery: Delivery, signal: AbortSignal) => Promise<R>;

/** A direct invocation returns the delivery's outcome; an SQS batch the partial-batch response. */
export type DeliveryResult<R> = R | SQSBatchResponse;

export interface DeliveryHandlerOptions {
  /** Time kept back from the function's timeout (deadline.ts). Default DEFAULT_DEADLINE_MARGIN_MS. */
  deadlineMarginMs?: number;
}

export function createDeliveryHandler<R>(
  obs: Observability,
  processDelivery: ProcessDelivery<R>,
  options: DeliveryHandlerOptions = {},
) {
  // Powertools Batch reports failed SQS messages as batchItemFailures (the event source mapping needs
  // FunctionResponseTypes: [ReportBatchItemFailures]); messages are processed one at a time, so memory
  // stays that of one file.
  const sqsBatch = new BatchProcessor(EventType.SQS);

  async function processEvent(
    event: unknown,
    context: Context,
    { signal: middySignal }: { signal: AbortSignal },
  ): Promise<DeliveryResult<R>> {
    const deadline = invocationDeadline(context, middySignal, options.deadlineMarginMs);
    try {
      return await processWithin(event, context, deadline.signal);
    } finally {
      deadline.dispose();
    }
  }

  async function processWithin(event: unknown, context: Context, signal: AbortSignal): Promise<DeliveryResult<R>> {
    const refs = await readObjectsFromEvent(event);
    if (refs.kind === 'direct') return processDelivery(refs.delivery, signal);
    for (const { index, error } of refs.poison) {
      // Not reportable (triggers.ts, sqsRefs): logged and counted, never retried.
      obs.logger.error('SQS record skipped: no messageId', { recordIndex: index, error });
      obs.metrics.addMetric(DeliveryMetrics.sqsRecordsSkipped, MetricUnit.Count, 1);
    }
    // Keyed by the record object itself: two records with one messageId (never sent by SQS) stay two.
    const deliveries = new Map<object, SqsMessageRefs['result']>(refs.messages.map((m) => [m.record, m.result]));
    const processMessage = async (record: { messageId: string }): Promise<void> => {
      const result = deliveries.get(record);
      if (!result) throw new Error(`SQS message ${record.messageId} was not parsed`);
      if (!result.ok) {
        obs.logger.error('SQS message names no readable trigger', { messageId: record.messageId, error: result.error });
        throw result.error;
      }
      await processDelivery(result.delivery, signal);
    };
    return processPartialResponse({ Records: refs.messages.map((m) => m.record) }, processMessage, sqsBatch, {
      context,
      processInParallel: false,
    });
  }

  return middy(processEvent)
    .use(injectLambdaContext(obs.logger, { resetKeys: true }))
    .use(logMetrics(obs.metrics, { captureColdStartMetric: true }))
    .onError((request) => {
      obs.logger.error('invocation failed', { error: request.error ?? undefined });
    });
}
