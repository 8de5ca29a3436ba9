// Every metric carries the stack's name (TRAILWATCH_STACK, set by template.yaml) as a dimension, so that two
// trailwatch stacks in one account and region keep their metrics apart: the heartbeat alarm of one must not be
// kept quiet by the other's log files (issue 10).
import { describe, expect, it } from 'vitest';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createObservability, FileMetrics } from '../functions/lib/observability.js';

/** The embedded-metric-format document Powertools would write when the metrics are published. */
function publishedDocument(env: Record<string, string | undefined>) {
  const { metrics } = createObservability('trailwatch-processor', env);
  metrics.addMetric(FileMetrics.filesRead, MetricUnit.Count, 1);
  return metrics.serializeMetrics() as unknown as {
    _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][] }> };
    [key: string]: unknown;
  };
}

describe('metrics of a deployed function', () => {
  it('carry the stack dimension beside service when TRAILWATCH_STACK is set', () => {
    const doc = publishedDocument({ TRAILWATCH_STACK: 'prod-trailwatch' });
    expect(doc._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'stack']));
    expect(doc).toMatchObject({ service: 'trailwatch-processor', stack: 'prod-trailwatch', FilesRead: 1 });
  });

  it('carry service only when it is not set (local runs and tests)', () => {
    const doc = publishedDocument({});
    expect(doc._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(['service']);
    expect(doc).not.toHaveProperty('stack');
  });
});
