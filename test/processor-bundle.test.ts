// The processor as deployed: one ESM file bundled as scripts/build.mjs bundles it, loaded by a plain Node 22
// process that knows nothing but the environment (endpoints included), invoked with a sample event. S3 is the
// emulator; SNS is a loopback server answering PublishBatch in SNS's query protocol.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';
import {
  bundleHandler,
  startLoopbackService,
  type HandlerBundle,
  type LoopbackService,
} from './helpers/handler-bundle.js';

const BUCKET = 'trailwatch-sample-trail';
const KEY =
  'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1110Z_OFgXCp32aVxXbA7d.json.gz';

let s3rver: S3Emulator;
let sns: LoopbackService;
const snsRequests: string[] = [];
let bundle: HandlerBundle;

beforeAll(async () => {
  s3rver = await startS3Emulator();
  await s3rver.createBucket(BUCKET);
  await s3rver.put(BUCKET, KEY, readFileSync(new URL(`../events/logs/${KEY}`, import.meta.url)));
  sns = await startLoopbackService(({ body }) => {
    snsRequests.push(body);
    const ids = [...body.matchAll(/PublishBatchRequestEntries\.member\.\d+\.Id=([^&]*)/g)].map((m) =>
      decodeURIComponent(m[1] ?? ''),
    );
    const members = ids.map((id) => `<member><Id>${id}</Id><MessageId>msg-${id}</MessageId></member>`).join('');
    return {
      status: 200,
      contentType: 'text/xml',
      body:
        `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Successful>${members}</Successful><Failed/></PublishBatchResult>` +
        '<ResponseMetadata><RequestId>test</RequestId></ResponseMetadata></PublishBatchResponse>',
    };
  });

  bundle = await bundleHandler('processor');
}, 60_000);

afterAll(async () => {
  await s3rver?.close();
  await sns?.close();
  await bundle?.remove();
});

describe('the bundled processor (dist/processor/handler.mjs)', () => {
  it('exports handler and processes an S3 put event with endpoints and credentials from the environment only', async () => {
    const event = readFileSync(new URL('../events/s3-put.json', import.meta.url), 'utf8');
    const script = `
      const { handler } = await import('./processor/handler.mjs');
      const context = { functionName: 'trailwatch-processor', awsRequestId: 'r1', getRemainingTimeInMillis: () => 30000 };
      const result = await handler(${event}, context);
      process.stdout.write('RESULT ' + JSON.stringify({ type: typeof handler, files: result.files.map((f) => [f.key, f.alertsByRule, f.published]) }) + '\\n');
    `;
    const { code, stdout, stderr } = await bundle.run(
      {
        ...s3rver.environment,
        ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts',
        AWS_ENDPOINT_URL_SNS: sns.endpoint,
        POWERTOOLS_LOG_LEVEL: 'WARN',
      },
      script,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(JSON.parse(line?.slice('RESULT '.length) ?? 'null')).toEqual({
      type: 'function',
      files: [[KEY, { 'rds-database-deleted': 1 }, { alertTopic: 1, eventsTopic: 0 }]],
    });
    expect(snsRequests).toHaveLength(1);
    expect(snsRequests[0]).toContain('Action=PublishBatch');
    expect(snsRequests[0]).toContain('MessageStructure=json');
  });

  it('fails its init with the configuration problems when the environment is wrong', async () => {
    const { code, stderr } = await bundle.run(
      { AWS_REGION: 'us-east-1', ALERT_STORM_THRESHOLD: 'many' },
      // What Lambda's runtime reports of a failed init is the error's name and message (errorType, errorMessage),
      // not Node's printout of an uncaught exception: that starts with the bundle's source line, which can outgrow
      // the pipe's buffer and leave the message unwritten when the process exits.
      "try { await import('./processor/handler.mjs'); } catch (error) { console.error(`${error.name}: ${error.message}`); process.exitCode = 1; }",
    );
    expect(code).not.toBe(0);
    expect(stderr).toContain('ConfigError: trailwatch processor: invalid configuration (2 problems):');
    expect(stderr).toContain('ALERT_TOPIC_ARN: required, not set');
    expect(stderr).toContain('ALERT_STORM_THRESHOLD: must be a whole number from 1 to 10000 (got "many")');
  });
});
