// The indexer Lambda: CloudTrail log files delivered to S3 -> one CloudWatch Logs event per record, searchable
// with filter patterns and Logs Insights (see README.md here). Wiring only: config and clients once per container
// (cold start), then the shared handler (middy, Powertools' logger and metrics, triggers, SQS partial batches:
// functions/lib/delivery-handler.ts); the work: index-log.ts, the writes: cloudwatch-writer.ts.
import { createCloudWatchLogsClient, createS3Client } from '../lib/aws-clients.js';
import { createDeliveryHandler, type DeliveryResult } from '../lib/delivery-handler.js';
import { createObservability } from '../lib/observability.js';
import { CloudWatchLogsWriter } from './cloudwatch-writer.js';
import { loadIndexerConfig } from './config.js';
import { indexDelivery, type DeliveryOutcome, type IndexerContext } from './index-log.js';

export type IndexerResult = DeliveryResult<DeliveryOutcome>;

export function createHandler(ctx: IndexerContext) {
  return createDeliveryHandler(
    ctx.obs,
    (delivery, signal) => indexDelivery(ctx, delivery, signal),
    ctx.deadlineMarginMs !== undefined ? { deadlineMarginMs: ctx.deadlineMarginMs } : {},
  );
}

// ---------------------------------------------------------------------------------------------------------
// Cold start: a configuration error fails the init, with every problem in the message. The writer lives here,
// outside the handler, so the log streams it created or found are remembered while the container is warm.

const obs = createObservability('trailwatch-indexer');
const config = loadIndexerConfig(process.env);
obs.logger.info('indexer configured', {
  logGroup: config.logGroupName,
  scope: config.scope,
  retentionDays: config.retentionDays,
  rules: config.ruleset.rules.length,
  customRules: config.rulesSources,
});

export const handler = createHandler({
  config,
  obs,
  s3: createS3Client(config.aws),
  writer: new CloudWatchLogsWriter(createCloudWatchLogsClient(), config.logGroupName),
});
