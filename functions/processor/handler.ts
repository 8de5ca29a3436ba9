// The processor Lambda: CloudTrail log files delivered to S3 -> streamed classification -> SNS alerts.
// Wiring only: config and clients once per container (cold start), then the shared handler (middy, Powertools'
// logger and metrics, triggers, SQS partial batches: functions/lib/delivery-handler.ts); the work: process-delivery.ts.
// What only some events need (S3 Batch Operations, deletions' integrity alerts) is imported when one arrives: the
// bundle keeps it in a chunk of its own (template.yaml, Splitting), so a log file's cold start never reads it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createS3Client, createSnsClient } from '../lib/aws-clients.js';
import { createDeliveryHandler, type DeliveryResult } from '../lib/delivery-handler.js';
import { createObservability } from '../lib/observability.js';
import { loadProcessorConfig } from './config.js';
import type { Context } from 'aws-lambda';
import { objectDeletionFromEvent } from '../../shared/integrity/events.js';
import { DedupeStore } from './dedupe-store.js';
import type { ProcessorContext } from './context.js';
import { processDelivery, type ProcessedDelivery } from './process-delivery.js';
import { isBatchOperationsEvent } from './batch-detect.js';
import type { BatchOperationsResponse } from './batch-operations.js';
import type { processDeletion } from './integrity.js';

export type ProcessorResult = DeliveryResult<ProcessedDelivery>;

export function createHandler(ctx: ProcessorContext) {
  const deliveries = createDeliveryHandler(
    ctx.obs,
    (delivery, signal) => processDelivery(ctx, delivery, signal),
    ctx.deadlineMarginMs !== undefined ? { deadlineMarginMs: ctx.deadlineMarginMs } : {},
  );
  // S3 "Object Deleted" events under AWSLogs/ (issue 14): an alert or a count, not a delivery to read.
  return async (
    event: unknown,
    context: Context,
  ): Promise<ProcessorResult | DeletionOutcome | BatchOperationsResponse> => {
    // issue 18 (backfill): an S3 Batch Operations task, answered per task (batch-operations.ts).
    if (isBatchOperationsEvent(event)) {
      const { processBatchOperations } = await import('./batch-operations.js');
      return processBatchOperations(ctx, event, context);
    }
    const deletion = objectDeletionFromEvent(event);
    if (!deletion) return deliveries(event, context);
    try {
      const { processDeletion } = await import('./integrity.js');
      return await processDeletion(ctx, deletion);
    } finally {
      ctx.obs.metrics.publishStoredMetrics();
    }
  };
}

export type DeletionOutcome = Awaited<ReturnType<typeof processDeletion>>;

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
  dedupeTable: config.dedupeTable ?? null,
  // What trailwatch-tampered watches, so an operator can see the stack's names arrived.
  watching: config.trailwatchResources,
});

// Issue 13: ALERT_DEDUPE_TABLE set = every alert published at most once per topic (region, endpoint: the SDK's
// own AWS_REGION / AWS_ENDPOINT_URL_DYNAMODB).
const dedupe = config.dedupeTable ? new DedupeStore(new DynamoDBClient({}), config.dedupeTable) : undefined;

export const handler = createHandler({
  config,
  obs,
  s3: createS3Client(config.aws),
  sns: createSnsClient(),
  dedupe,
  // Local runs only (npm start): the CloudTrail client's module is not loaded otherwise.
  ...(config.publicKeysFile
    ? { publicKeys: (await import('../lib/cloudtrail-public-keys.js')).publicKeysFromFile(config.publicKeysFile) }
    : {}),
});
