// The doctor's verdicts for inputs that vary: any mix of subscriptions, any metric series in any order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Subscription } from '@aws-sdk/client-sns';
import { evaluateDoctor, LOG_FILE_LOOKBACK_MS, LOG_FILE_WARN_AFTER_MS } from '../cli/doctor-checks.js';
import type { DoctorResponses } from '../cli/doctor-responses.js';

const NOW = new Date('2026-12-03T14:00:00Z');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-AlertTopic-Q1w2E3r4T5y6';

function responses(extra: Partial<DoctorResponses>): DoctorResponses {
  return {
    stackName: 'trailwatch',
    region: 'us-east-1',
    now: NOW,
    stack: {
      ok: true,
      value: {
        Stacks: [
          {
            StackName: 'trailwatch',
            StackStatus: 'CREATE_COMPLETE',
            CreationTime: NOW,
            Outputs: [{ OutputKey: 'AlertTopicArn', OutputValue: TOPIC }],
          },
        ],
      },
    },
    ...extra,
  };
}

const subscription = fc
  .record({
    confirmed: fc.boolean(),
    protocol: fc.constantFrom('email', 'email-json', 'sqs', 'https'),
    id: fc.uuid(),
  })
  .map(
    ({ confirmed, protocol, id }): Subscription => ({
      SubscriptionArn: confirmed ? `${TOPIC}:${id}` : 'PendingConfirmation',
      Protocol: protocol,
      Endpoint: `${id.slice(0, 8)}@example.com`,
      TopicArn: TOPIC,
      Owner: '123456789012',
    }),
  );

describe('doctor, subscription check', () => {
  it('passes when all are confirmed, warns on a mix, fails when none is', () => {
    fc.assert(
      fc.property(fc.array(subscription, { maxLength: 12 }), (subscriptions) => {
        const check = evaluateDoctor(responses({ subscriptions: { ok: true, value: subscriptions } })).find(
          (c) => c.id === 'subscription',
        );
        const confirmed = subscriptions.filter((s) => s.SubscriptionArn !== 'PendingConfirmation').length;
        const expected = confirmed === 0 ? 'fail' : confirmed === subscriptions.length ? 'pass' : 'warn';
        expect(check?.status).toBe(expected);
      }),
    );
  });
});

describe('doctor, last-log-file check', () => {
  const point = fc.record({
    minutesAgo: fc.integer({ min: 0, max: LOG_FILE_LOOKBACK_MS / 60_000 }),
    files: fc.integer({ min: 0, max: 50 }),
  });

  it('judges the newest 5-minute sum above zero, whatever order the points come in', () => {
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), (points) => {
        const result = {
          Id: 'filesRead',
          Timestamps: points.map((p) => new Date(NOW.getTime() - p.minutesAgo * 60_000)),
          Values: points.map((p) => p.files),
        };
        const check = evaluateDoctor(
          responses({ filesRead: { ok: true, value: { MetricDataResults: [result] } } }),
        ).find((c) => c.id === 'last-log-file');
        const withFiles = points.filter((p) => p.files > 0).map((p) => p.minutesAgo);
        const newest = withFiles.length ? Math.min(...withFiles) : undefined;
        const expected = newest === undefined ? 'fail' : newest * 60_000 <= LOG_FILE_WARN_AFTER_MS ? 'pass' : 'warn';
        expect(check?.status).toBe(expected);
        if (newest !== undefined)
          expect(check?.detail).toContain(
            new Date(NOW.getTime() - newest * 60_000).toISOString().replace('.000Z', 'Z'),
          );
      }),
    );
  });
});
