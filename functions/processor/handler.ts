// The processor Lambda: CloudTrail log files delivered to S3 -> streamed classification -> SNS alerts.
// Wiring only: config and clients once per container (cold start), then middy with Powertools' logger and
// metrics middlewares around the core. Triggers: functions/lib/triggers.ts; the work: process-log.ts.
import type { Context, SQSBatchResponse } from 'aws-lambda';
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { createS3Client, createSnsClient } from '../lib/aws-clients.js';
import { createObservability } from '../lib/observability.js';
import { objectsFromEvent, type Delivery } from '../lib/triggers.js';
import { loadProcessorConfig } from './config.js';
import { processDelivery, type DeliveryOutcome, type ProcessorContext } from './process-log.js';

export type ProcessorResult = DeliveryOutcome | SQSBatchResponse;

export function createHandler(ctx: ProcessorContext) {
  // Powertools Batch reports failed SQS messages as batchItemFailures (the event source mapping needs
  // FunctionResponseTypes: [ReportBatchItemFailures]); messages are processed one at a time, so memory
  // stays that of one file.
  const sqsBatch = new BatchProcessor(EventType.SQS);

  async function processEvent(event: unknown, context: Context, { signal }: { signal: AbortSignal }): Promise<ProcessorResult> {
    const refs = objectsFromEvent(event);
    if (refs.kind === 'direct') return processDelivery(ctx, refs.delivery, signal);
    const deliveries = new Map(refs.messages.map((m) => [m.messageId, m.result]));
    const processMessage = async (record: { messageId: string }): Promise<void> => {
      const result = deliveries.get(record.messageId);
      if (!result) throw new Error(`SQS message ${record.messageId} was not parsed`);
      if (!result.ok) {
        ctx.obs.logger.error('SQS message names no readable trigger', { messageId: record.messageId, error: result.error });
        throw result.error;
      }
      await processDelivery(ctx, result.delivery satisfies Delivery, signal);
    };
    return processPartialResponse({ Records: refs.records }, processMessage, sqsBatch, { context, processInParallel: false });
  }

  return middy(processEvent)
    .use(injectLambdaContext(ctx.obs.logger, { resetKeys: true }))
    .use(logMetrics(ctx.obs.metrics, { captureColdStartMetric: true }))
    .onError((request) => {
      ctx.obs.logger.error('invocation failed', { error: request.error ?? undefined });
    });
}

// ---------------------------------------------------------------------------------------------------------
// Cold start: a configuration error fails the init, with every problem in the message.

const obs = createObservability('trailwatch-processor');
const config = loadProcessorConfig(process.env);
obs.logger.info('processor configured', {
  alertTopic: config.alertTopicArn,
  minSeverity: config.minSeverity,
  eventsTopic: config.eventsTopicArn ?? null,
  eventsMinSeverity: config.eventsTopicArn ? config.eventsMinSeverity : null,
  stormThreshold: config.stormThreshold,
  rules: config.ruleset.rules.length,
  customRules: config.rulesSources,
});

export const handler = createHandler({ config, obs, s3: createS3Client(config.aws), sns: createSnsClient() });
