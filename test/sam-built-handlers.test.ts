// What is deployed is what is tested: the handlers `sam build` wrote to .aws-sam/build (the real AWS SAM CLI, run by
// .ci/run before `npm test`) run the sample day through the local pipeline (s3rver, the SNS and CloudWatch Logs
// fakes: scripts/local/) and every sample event in events/, and are byte for byte the bundles the other tests run
// (scripts/bundle-options.mjs reads the same BuildProperties).
//
// Plain `npm test` on a machine without the SAM CLI has no .aws-sam/build: these tests are then skipped, saying why.
// .ci/run sets TRAILWATCH_SAM_BUILT=1 after `sam build`, which turns a missing build into a failure.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FUNCTION_LOGICAL_IDS,
  lambdaBundleFile,
  lambdaBundleInto,
  ROOT,
  type LambdaName,
} from '../scripts/bundle-options.mjs';
import { eventObjects, stageEventObjects } from '../scripts/invoke.js';
import { LambdaProcess, type InvocationOutcome } from '../scripts/local/lambda-runner.js';
import {
  LAMBDA_MEMORY_MB,
  LAMBDA_TIMEOUT_MS,
  SAMPLE_BUCKET,
  sampleFiles,
  startLocalAws,
} from '../scripts/local/local-aws.js';
import { functionEnv, functionSettings, replayClock } from '../scripts/local/pipeline.js';
import { alertEmails, ruleOf } from '../scripts/local/run-summary.js';
import { hasBatchFailures, runFailed, type LocalRunResult } from '../scripts/local/run-result.js';
import { runLocalPipeline } from '../scripts/local-run.js';
import { buildLambdaHost } from './helpers/local-bundles.js';
import { EXPECTED_ALERTS } from './helpers/sample-day.js';
import { isObject, parseTemplate } from './helpers/template.js';

const SAM_BUILD = path.join(ROOT, '.aws-sam', 'build');
const REQUIRED = process.env.TRAILWATCH_SAM_BUILT === '1';
const BUILT = existsSync(path.join(SAM_BUILD, 'template.yaml'));
const NAMES: readonly LambdaName[] = ['processor', 'indexer'];
const SKIP_REASON =
  'no .aws-sam/build: run `sam build` first (.ci/run does, with the SAM CLI from ../shared/tools/sam-cli)';

/** The bundle `sam build` wrote for a function: <build>/<CodeUri of the built template>/<Handler's file>.mjs. */
function samBundle(name: LambdaName): string {
  const logicalId = FUNCTION_LOGICAL_IDS[name];
  const built = parseTemplate(readFileSync(path.join(SAM_BUILD, 'template.yaml'), 'utf8'));
  const properties = built.Resources[logicalId]?.Properties;
  if (!isObject(properties)) throw new Error(`.aws-sam/build/template.yaml has no ${logicalId}`);
  const handlerFile = String(properties.Handler).split('.')[0];
  return path.join(SAM_BUILD, String(properties.CodeUri), `${handlerFile}${path.extname(lambdaBundleFile(name))}`);
}

/** The bundle's code files in `dir` (handler.mjs, chunks/*.mjs; not maps), chunk hashes masked, in a stable order. */
async function codeFiles(dir: string): Promise<Array<{ name: string; code: string }>> {
  const mask = (text: string) => text.replace(/-[A-Z2-7]{8}(?=\.mjs)/g, '-HASH');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = await Promise.all(
    entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.mjs'))
      .map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return { name: mask(path.relative(dir, file)), code: mask(await readFile(file, 'utf8')) };
      }),
  );
  return files.sort((a, b) => (a.name === b.name ? (a.code < b.code ? -1 : 1) : a.name < b.name ? -1 : 1));
}

// Said once on stderr too: a skipped suite's title is only shown by the verbose reporter.
if (!BUILT && !REQUIRED) process.stderr.write(`test/sam-built-handlers.test.ts skipped: ${SKIP_REASON}\n`);

describe.runIf(REQUIRED && !BUILT)('the handlers sam build built', () => {
  it('are there, since TRAILWATCH_SAM_BUILT=1 says sam build ran', () => {
    expect.fail(`TRAILWATCH_SAM_BUILT=1 but ${SKIP_REASON}`);
  });
});

describe.skipIf(!BUILT)(
  `the handlers sam build built (.aws-sam/build)${BUILT ? '' : ` [skipped: ${SKIP_REASON}]`}`,
  () => {
    let work: string;
    let host: string;
    beforeAll(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-sam-built-'));
      host = await buildLambdaHost(work);
    });
    afterAll(async () => {
      if (work) await rm(work, { recursive: true, force: true });
    });

    it.each(NAMES)('%s: is where the built template says, the file the template names as handler', (name) => {
      const bundle = samBundle(name);
      expect(existsSync(bundle), bundle).toBe(true);
      expect(existsSync(`${bundle}.map`), 'Sourcemap: true').toBe(true);
    });

    it.each(NAMES)(
      "%s: is byte for byte (chunk hashes aside) the bundle scripts/bundle-options.mjs makes from the template's BuildProperties",
      async (name) => {
        const outdir = path.join(work, 'ours');
        await build(lambdaBundleInto(name, outdir));
        const ours = await codeFiles(path.join(outdir, name));
        const sams = await codeFiles(path.dirname(samBundle(name)));
        expect(ours.map((f) => f.name)).toContain(lambdaBundleFile(name));
        // Equal bytes but for the chunks' hashes: the same esbuild, options and dependency versions (SAM installs
        // from package-lock.json). esbuild hashes a chunk with its source map, whose `sources` are relative to where
        // the build ran (SAM's scratch folder), so only the hashes in file names and imports may differ.
        expect(sams.map((f) => f.name)).toEqual(ours.map((f) => f.name));
        for (const [i, file] of ours.entries()) {
          expect(sams[i]?.code === file.code, `${file.name}: SAM's differs from ours`).toBe(true);
        }
      },
    );

    it('run the sample day through the local pipeline: the 20 expected alerts, the index written, nothing failed', async () => {
      const run: LocalRunResult = await runLocalPipeline({
        distDir: work,
        bundles: { processor: samBundle('processor'), indexer: samBundle('indexer') },
      });
      expect(run.functions.processor.bundle).toBe(samBundle('processor'));
      expect(run.functions.indexer.bundle).toBe(samBundle('indexer'));
      for (const name of NAMES) expect(run.functions[name].status, name).toBe('ran');
      expect(runFailed(run)).toBe(false);
      expect(run.violations).toEqual([]);
      expect(alertEmails(run).map(ruleOf).sort()).toEqual(EXPECTED_ALERTS.map((a) => a.rule).sort());
      expect(run.indexed.length).toBeGreaterThan(0);
    }, 120_000);

    it('handle every sample event in events/ (S3, EventBridge, SNS and SQS shapes) without an error or a failed batch item', async () => {
      // Every Lambda event in events/: not env.json (sam local invoke's --env-vars) nor sample-public-keys.json (the
      // TEST public key the sample day's digests are signed with, which the processor is given below).
      const NOT_EVENTS = new Set(['env.json', 'sample-public-keys.json']);
      const eventFiles = (await readdir(path.join(ROOT, 'events')))
        .filter((f) => f.endsWith('.json') && !NOT_EVENTS.has(f))
        .sort();
      expect(eventFiles.length).toBeGreaterThan(0);
      const logsDir = path.join(ROOT, 'events', 'logs');
      const files = await sampleFiles(logsDir);
      const clockStart = replayClock(files.map((f) => f.key));
      // As npm start does (scripts/local/pipeline.ts): digests are checked with the sample's TEST key, not ListPublicKeys.
      const publicKeys = path.join(ROOT, 'events', 'sample-public-keys.json');
      const settings = {
        processor: functionSettings('processor', { CLOUDTRAIL_PUBLIC_KEYS_FILE: publicKeys }),
        indexer: functionSettings('indexer', {}),
      };
      const aws = await startLocalAws({
        topics: [settings.processor.ALERT_TOPIC_ARN ?? ''],
        logGroups: {
          [settings.indexer.INDEX_LOG_GROUP ?? '']: { retentionDays: Number(settings.indexer.INDEX_RETENTION_DAYS) },
        },
      });
      const outcomes: Array<{ name: LambdaName; event: string; outcome: InvocationOutcome }> = [];
      try {
        for (const { file, key } of files) await aws.upload(SAMPLE_BUCKET, key, file);
        const events = await Promise.all(
          eventFiles.map(async (f) => ({
            file: f,
            event: JSON.parse(await readFile(path.join(ROOT, 'events', f), 'utf8')) as unknown,
          })),
        );
        for (const { event } of events) await stageEventObjects(aws, eventObjects(event), logsDir);
        for (const name of NAMES) {
          const sandbox = await LambdaProcess.start({
            handler: samBundle(name),
            host,
            env: functionEnv(name, aws, settings[name]),
            functionName: `trailwatch-${name}`,
            memoryMB: LAMBDA_MEMORY_MB,
            timeoutMs: LAMBDA_TIMEOUT_MS,
            ...(clockStart !== undefined ? { clockStart } : {}),
          });
          try {
            expect(sandbox.initError, `${name} cold start`).toBeUndefined();
            for (const { file, event } of events)
              outcomes.push({ name, event: file, outcome: await sandbox.invoke(event) });
          } finally {
            await sandbox.stop();
          }
        }
      } finally {
        await aws.close();
      }
      const failed = outcomes
        .filter(({ outcome }) => !outcome.ok || hasBatchFailures(outcome.result))
        .map(({ name, event, outcome }) => ({ name, event, outcome }));
      expect(failed).toEqual([]);
      expect(outcomes).toHaveLength(eventFiles.length * NAMES.length);
      // Each sample event names a CloudTrail log file of the sample day: the processor published for some of them.
      expect(aws.sns.messages.length).toBeGreaterThan(0);
    }, 120_000);
  },
);
