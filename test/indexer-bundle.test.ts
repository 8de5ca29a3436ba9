// The indexer as deployed: one ESM file bundled as scripts/build.mjs bundles it, loaded by a plain Node 22 process
// that knows nothing but the environment (endpoints included), invoked with a sample event. S3 is the emulator;
// CloudWatch Logs is a loopback server speaking the service's JSON protocol (X-Amz-Target Logs_20140328.*),
// answered by the limit-enforcing fake, errors as `{"__type": ..., "message": ...}` the way the service sends them.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import {
  createCloudWatchLogsFake,
  FakeServiceError,
  type CloudWatchLogsFake,
} from '../local-aws/cloudwatch-logs-fake.js';
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
const GROUP = '/trailwatch/trailwatch/cloudtrail';
const STREAM = '123456789012_CloudTrail_us-east-1';

let s3rver: S3Emulator;
let logs: LoopbackService;
let fake: CloudWatchLogsFake;
const targets: string[] = [];
let bundle: HandlerBundle;

beforeAll(async () => {
  s3rver = await startS3Emulator();
  await s3rver.createBucket(BUCKET);
  await s3rver.put(BUCKET, KEY, readFileSync(new URL(`../events/logs/${KEY}`, import.meta.url)));
  // The sample day's events are days old for the real clock the bundle runs with; the service here runs then.
  fake = createCloudWatchLogsFake({ logGroups: { [GROUP]: {} }, now: () => Date.parse('2026-11-20T19:00:00Z') });
  logs = await startLoopbackService(async ({ headers, body }) => {
    const target = String(headers['x-amz-target'] ?? '');
    targets.push(target);
    const input = JSON.parse(body) as Record<string, never>;
    const call =
      target === 'Logs_20140328.PutLogEvents'
        ? fake.putLogEvents(input)
        : target === 'Logs_20140328.CreateLogStream'
          ? fake.createLogStream(input)
          : Promise.reject(new Error(`unexpected ${target}`));
    try {
      return { status: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(await call) };
    } catch (error) {
      const status = error instanceof FakeServiceError ? error.$metadata.httpStatusCode : 500;
      return {
        status,
        contentType: 'application/x-amz-json-1.1',
        body: JSON.stringify({ __type: (error as Error).name, message: (error as Error).message }),
      };
    }
  });

  bundle = await bundleHandler('indexer');
}, 60_000);

afterAll(async () => {
  await s3rver?.close();
  await logs?.close();
  await bundle?.remove();
});

describe('the bundled indexer (dist/indexer/handler.mjs)', () => {
  it('exports handler and indexes an S3 put event with endpoints and credentials from the environment only', async () => {
    const event = readFileSync(new URL('../events/s3-put.json', import.meta.url), 'utf8');
    // The sample records are from 2026-11-20: the bundle's real clock must not find them too old.
    const script = `
      const realNow = Date.now; Date.now = () => Date.parse('2026-11-20T19:00:00Z');
      const { handler } = await import('./indexer/handler.mjs');
      const context = { functionName: 'trailwatch-indexer', awsRequestId: 'r1', getRemainingTimeInMillis: () => 30000 };
      const result = await handler(${event}, context);
      Date.now = realNow;
      process.stdout.write('RESULT ' + JSON.stringify({ type: typeof handler, files: result.files.map((f) => [f.key, f.indexed, f.streamsCreated]) }) + '\\n');
    `;
    const { code, stdout, stderr } = await bundle.run(
      {
        ...s3rver.environment,
        INDEX_LOG_GROUP: GROUP,
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint,
        POWERTOOLS_LOG_LEVEL: 'WARN',
      },
      script,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const records = (
      JSON.parse(gunzipSync(readFileSync(new URL(`../events/logs/${KEY}`, import.meta.url))).toString('utf8')) as {
        Records: CloudTrailRecord[];
      }
    ).Records;
    const inScope = records.filter((r) => classify(r).facts.category !== 'other').length;
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(JSON.parse(line?.slice('RESULT '.length) ?? 'null')).toEqual({
      type: 'function',
      files: [[KEY, inScope, [STREAM]]],
    });
    expect(targets).toEqual(['Logs_20140328.CreateLogStream', 'Logs_20140328.PutLogEvents']);
    expect(fake.storedEvents(GROUP, STREAM)).toHaveLength(inScope);
    fake.assertNoViolations();
  });

  it('fails its init with the configuration problems when the environment is wrong', async () => {
    const { code, stderr } = await bundle.run(
      { AWS_REGION: 'us-east-1', INDEX_LOG_GROUP: 'not a group' },
      // What Lambda's runtime reports of a failed init is the error's name and message (errorType, errorMessage),
      // not Node's printout of an uncaught exception: that starts with the bundle's source line, which can outgrow
      // the pipe's buffer and leave the message unwritten when the process exits.
      "try { await import('./indexer/handler.mjs'); } catch (error) { console.error(`${error.name}: ${error.message}`); process.exitCode = 1; }",
    );
    expect(code).not.toBe(0);
    expect(stderr).toContain('ConfigError: trailwatch indexer: invalid configuration (1 problem):');
    expect(stderr).toContain('INDEX_LOG_GROUP: must be a CloudWatch Logs log group name');
  });
});
