// Longer than 400 lines because: its parts share one build of the bundles and one run of the sample day (beforeAll,
// tens of seconds); running it once for every part is what keeps the suite fast.
// The CI check of issue 6: the local pipeline behind `npm start` (runLocalPipeline: the sample bucket in s3rver,
// the bundled processor and indexer invoked with one S3 notification per object, SNS and CloudWatch Logs fakes)
// publishes exactly the sample day's expected alerts (events/logs/README.md, "Alerts the day should raise"), skips
// what is not a log file with its reason, indexes the RDS / Data API / CloudTrail events with the `trailwatch`
// object, and writes --out files. The handlers are bundled here with the options `sam build` uses (template.yaml's
// BuildProperties: test/helpers/local-bundles.ts), into a temporary folder, so the test does not depend on (or
// rewrite) dist/.
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { LambdaProcess } from '../scripts/local/lambda-runner.js';
import { sampleFiles } from '../scripts/local/local-aws.js';
import { formatReport } from '../scripts/local/report.js';
import { alertEmails, indexedFields, ruleOf, summarize } from '../scripts/local/run-summary.js';
import { writeOutDir } from '../scripts/local/out-dir.js';
import { protocolText } from '../local-aws/sns-fake.js';
import { runFailed, runLocalPipeline, type LocalRunResult } from '../scripts/local-run.js';
import { buildLocalBundles } from './helpers/local-bundles.js';
import { EXPECTED_ALERTS } from './helpers/sample-day.js';

const INDEXER_SOURCE = 'functions/indexer/handler.ts';
const hasIndexer = existsSync(INDEXER_SOURCE);
const DIGEST_KEY =
  'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/20/123456789012_CloudTrail-Digest_us-east-1_RDS-CloudTrail_us-east-1_20261120T094631Z.json.gz';

interface AlertJson {
  rule: string;
  severity: string;
  eventName: string;
  eventTime: string;
  resource: { id: string } | null;
  file: string;
}

let dist: string;
let work: string;
let sample: LocalRunResult;

beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-local-run-dist-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-local-run-'));
  await buildLocalBundles(dist, hasIndexer ? ['processor', 'indexer'] : ['processor']);
  sample = await runLocalPipeline({ distDir: dist });
}, 120_000);

afterAll(async () => {
  if (dist) await rm(dist, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

describe('npm start on the sample day (the local pipeline)', () => {
  it('ran both handlers on every object of the bucket, with no failure and no SNS / CloudWatch Logs limit broken', async () => {
    const keys = (await sampleFiles('events/logs')).map((f) => f.key);
    expect(sample.objects.map((o) => o.key).sort()).toEqual(keys.sort());
    expect(keys).toContain(DIGEST_KEY);
    expect(sample.violations).toEqual([]);
    expect(runFailed(sample)).toBe(false);
    for (const name of ['processor', ...(hasIndexer ? ['indexer' as const] : [])] as const) {
      const run = sample.functions[name];
      expect(run.status, name).toBe('ran');
      expect(
        run.invocations.map((i) => i.object.key),
        name,
      ).toEqual(sample.objects.map((o) => o.key));
      expect(
        run.invocations.filter((i) => !i.outcome.ok),
        name,
      ).toEqual([]);
    }
    // Notified in delivery order, as CloudTrail writes them.
    const times = sample.objects.map((o) => o.deliveredAt ?? Infinity);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('publishes exactly the 20 expected alerts, one message each, as email text and the default JSON', () => {
    const emails = alertEmails(sample);
    const alerts = emails.map((m) => JSON.parse(protocolText(m, 'default')) as AlertJson);
    const got = alerts
      .map((a) => ({
        time: a.eventTime.slice(11, 19),
        rule: a.rule,
        eventName: a.eventName,
        resource: a.resource?.id ?? null,
        file: /_20261120T(\d{4}Z)_/.exec(a.file)?.[1] ?? a.file,
      }))
      .sort((a, b) => (a.time < b.time ? -1 : 1));
    expect(got).toEqual(EXPECTED_ALERTS);

    // Published file by file, in the order the files were delivered.
    const fileOrder = sample.objects.map((o) => `s3://${o.bucket}/${o.key}`);
    const positions = alerts.map((a) => fileOrder.indexOf(a.file));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    for (const [i, message] of emails.entries()) {
      const alert = alerts[i] as AlertJson;
      expect(message.structure).toBe('json');
      expect(ruleOf(message)).toBe(alert.rule);
      expect(message.subject?.startsWith(`[${alert.severity.toUpperCase()}] `)).toBe(true);
      expect(message.subject).toContain(alert.eventName);
      const email = protocolText(message, 'email');
      expect(email).toContain(alert.eventName);
      expect(email).toContain(`Rule          ${alert.rule}`);
    }
    // Nothing but the alert topic was published to (no events topic in the default settings).
    expect(sample.messages).toHaveLength(20);
  });

  it("summarises the processor's run: 14 log files read, 392 records, alerts by rule, 20 messages published", () => {
    const { processor, sns } = summarize(sample);
    expect(processor.filesRead).toBe(14);
    expect(processor.records).toBe(392);
    expect(processor.malformed).toBe(0);
    const expectedByRule: Record<string, number> = {};
    for (const a of EXPECTED_ALERTS) expectedByRule[a.rule] = (expectedByRule[a.rule] ?? 0) + 1;
    expect(processor.alertsByRule).toEqual(expectedByRule);
    expect(processor.published).toBe(20);
    expect(sns.alertEmails).toBe(20);
    expect(
      sample.snsRequests.every((r) => r.operation === 'PublishBatch' && r.entries <= 10 && r.outcome === 'ok'),
    ).toBe(true);
  });

  it('checks the signed digests in the processor (all valid: signatures, chain, every log file), and the indexer skips them', () => {
    const summary = summarize(sample);
    expect(summary.processor.skipped).toEqual([]);
    expect(summary.processor.failed).toEqual([]);
    expect(summary.processor.integrity).toEqual({ digests: 20, logFiles: 14, notValid: [] });
    expect(formatReport(sample, { verbose: false })).toMatch(
      /integrity: 20 digests checked \(signature, location, chain\) and the 14 log files they list: all valid/,
    );
    if (hasIndexer) {
      expect(summary.indexer.skipped.map((s) => s.reason)).toEqual(Array.from({ length: 20 }, () => 'digest'));
      expect(summary.indexer.skipped).toContainEqual({
        key: DIGEST_KEY,
        reason: 'digest',
        detail: 'a CloudTrail digest file',
      });
      expect(summary.indexer.failed).toEqual([]);
    }
  });

  it.skipIf(!hasIndexer)(
    'indexes every RDS, Data API and CloudTrail configuration event with the trailwatch object first',
    async () => {
      // What should be there, worked out from the files themselves: the records classify puts in a category.
      const expected: Array<{ eventID: string; eventName: string; stream: string }> = [];
      for (const { file } of await sampleFiles('events/logs')) {
        if (file.includes('CloudTrail-Digest')) continue;
        const { Records } = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
          Records: CloudTrailRecord[];
        };
        for (const record of Records) {
          if (classify(record).facts.category === 'other') continue;
          expected.push({
            eventID: String(record.eventID),
            eventName: String(record.eventName),
            stream: `${record.recipientAccountId}_CloudTrail_${record.awsRegion}`,
          });
        }
      }
      const indexed = sample.indexed.map((e) => {
        const record = JSON.parse(e.message) as Record<string, unknown> & {
          trailwatch: { category: string; alerts: string[] };
        };
        return { e, record };
      });
      expect(
        indexed
          .map(({ e, record }) => ({
            eventID: String(record.eventID),
            eventName: String(record.eventName),
            stream: e.stream,
          }))
          .sort((a, b) => (a.eventID < b.eventID ? -1 : 1)),
      ).toEqual(expected.sort((a, b) => (a.eventID < b.eventID ? -1 : 1)));
      for (const { e, record } of indexed) {
        expect(Object.keys(record)[0]).toBe('trailwatch');
        expect(['rds', 'rds-data-api', 'cloudtrail-config']).toContain(record.trailwatch.category);
        expect(e.timestamp).toBe(Date.parse(String(record.eventTime)));
      }
      // The story's Data API calls, under both sources, are there.
      const names = new Set(indexed.map(({ record }) => `${String(record.eventSource)} ${String(record.eventName)}`));
      for (const call of ['ExecuteStatement', 'BatchExecuteStatement', 'BeginTransaction', 'CommitTransaction'])
        expect(names).toContain(`rdsdata.amazonaws.com ${call}`);
      expect(names).toContain('rdsdataapi.amazonaws.com ExecuteStatement');
      // Each expected alert's event lists its rule in trailwatch.alerts.
      for (const a of EXPECTED_ALERTS) {
        const hit = sample.indexed.find(
          (e) =>
            new Date(e.timestamp).toISOString().slice(11, 19) === a.time && indexedFields(e).eventName === a.eventName,
        );
        expect(hit && indexedFields(hit).alerts, `${a.time} ${a.eventName}`).toContain(a.rule);
      }
      const { indexer, logs } = summarize(sample);
      expect(indexer.indexed).toBe(expected.length);
      expect(indexer.filesRead).toBe(14);
      expect(indexer.rejected).toEqual({});
      expect(indexer.streams.sort()).toEqual([
        '123456789012_CloudTrail_us-east-1',
        '123456789012_CloudTrail_us-west-2',
      ]);
      expect(logs.createLogStreamCalls).toBe(2);
      expect(logs.putLogEventsCalls).toBe(indexer.putLogEventsCalls);
      expect(new Set(sample.logsOperations)).toEqual(new Set(['CreateLogStream', 'PutLogEvents']));
    },
  );

  it('prints the alert emails, one line per indexed event and the summary', () => {
    const text = formatReport(sample, { verbose: false });
    expect(text.match(/^Subject: /gm)).toHaveLength(20);
    expect(text).toContain('Alert emails: 20 published to');
    expect(text).toContain(`skipped ${DIGEST_KEY}: digest (a CloudTrail digest file)`);
    expect(text).toContain('20 alerts raised: root-rds-activity 3, cloudtrail-logging-stopped 2');
    expect(text).toContain('no SNS or CloudWatch Logs limit broken');
    expect(text).toMatch(/^result {5}OK$/m);
    if (hasIndexer) {
      expect(text).toMatch(
        /^123456789012_CloudTrail_us-east-1 {2}2026-11-20T11:02:30Z {2}DeleteDBInstance +oradb +alerts: rds-database-deleted$/m,
      );
      expect(text).toContain(`${sample.indexed.length} events indexed into /trailwatch/trailwatch/cloudtrail`);
    }
    const verbose = formatReport(sample, { verbose: true });
    if (hasIndexer) expect(verbose).toContain('{"trailwatch":{');
  });

  it('--out writes alerts/NNN-<rule>.txt and .json, and index/<stream>.jsonl, and prints only the summary', async () => {
    const out = path.join(work, 'out');
    const written = await writeOutDir(sample, out);
    const alertFiles = (await readdir(path.join(out, 'alerts'))).sort();
    expect(alertFiles).toHaveLength(40);
    expect(alertFiles[0]).toMatch(/^001-[a-z-]+\.json$/);
    const emails = alertEmails(sample);
    for (const [i, message] of emails.entries()) {
      const base = path.join(out, 'alerts', `${String(i + 1).padStart(3, '0')}-${ruleOf(message)}`);
      const txt = await readFile(`${base}.txt`, 'utf8');
      expect(txt.startsWith(`Subject: ${message.subject}\n\n`)).toBe(true);
      expect(txt).toContain(protocolText(message, 'email').trimEnd());
      expect(JSON.parse(await readFile(`${base}.json`, 'utf8'))).toEqual(JSON.parse(protocolText(message, 'default')));
    }
    if (hasIndexer) {
      const indexFiles = (await readdir(path.join(out, 'index'))).sort();
      expect(indexFiles).toEqual([
        '123456789012_CloudTrail_us-east-1.jsonl',
        '123456789012_CloudTrail_us-west-2.jsonl',
      ]);
      let lines = 0;
      for (const file of indexFiles) {
        const content = (await readFile(path.join(out, 'index', file), 'utf8')).trimEnd().split('\n');
        for (const line of content) expect(Object.keys(JSON.parse(line) as object)[0]).toBe('trailwatch');
        lines += content.length;
      }
      expect(lines).toBe(sample.indexed.length);
    }
    const text = formatReport(sample, { verbose: false, omitDetails: true, written });
    expect(text).not.toContain('Subject: ');
    expect(text).toContain(`written    40 alert files under ${path.join(out, 'alerts')}/`);
  });
});

describe('a bucket that holds more than log files', () => {
  let result: LocalRunResult;
  const LOG =
    'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1110Z_OFgXCp32aVxXbA7d.json.gz';
  const EXTRA: Record<string, Buffer> = {
    'AWSLogs/123456789012/Config/ConfigWritabilityCheckFile': Buffer.alloc(0),
    'AWSLogs/123456789012/Config/us-east-1/2026/11/20/ConfigSnapshot/123456789012_Config_us-east-1_ConfigSnapshot_20261120T151200Z_9c2e6a1f.json.gz':
      gzipSync('{"configurationItems":[]}'),
    'AWSLogs/123456789012/CloudTrail-Insight/us-east-1/2026/11/20/123456789012_CloudTrail-Insight_us-east-1_20261120T1200Z_abc.json.gz':
      gzipSync('{"Records":[]}'),
    'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/notes.txt': Buffer.from('not a log file\n'),
  };

  beforeAll(async () => {
    const logs = path.join(work, 'bucket');
    for (const key of [LOG, DIGEST_KEY]) {
      await mkdir(path.dirname(path.join(logs, key)), { recursive: true });
      await cp(path.join('events/logs', key), path.join(logs, key));
    }
    for (const [key, body] of Object.entries(EXTRA)) {
      await mkdir(path.dirname(path.join(logs, key)), { recursive: true });
      await writeFile(path.join(logs, key), body);
    }
    result = await runLocalPipeline({ distDir: dist, logsDir: logs });
  }, 60_000);

  it('skips every object that is not a CloudTrail log file, with the reason, and reads the log file', () => {
    const summary = summarize(result);
    const others = [
      ...Object.keys(EXTRA).map((key) => ({
        key,
        reason: key.endsWith('ConfigWritabilityCheckFile')
          ? 'config-writability-check'
          : key.includes('/Config/')
            ? 'aws-config'
            : key.includes('Insight')
              ? 'other-aws-logs'
              : 'not-json',
      })),
    ];
    // The processor checks the digest (here without its .s3-metadata.json, so unsigned); the indexer skips it.
    const expectedBy = (name: string) =>
      (name === 'processor' ? others : [{ key: DIGEST_KEY, reason: 'digest' }, ...others]).sort((a, b) =>
        a.key < b.key ? -1 : 1,
      );
    for (const f of [summary.processor, ...(hasIndexer ? [summary.indexer] : [])]) {
      expect(
        f.skipped.map(({ key, reason }) => ({ key, reason })).sort((a, b) => (a.key < b.key ? -1 : 1)),
        f.name,
      ).toEqual(expectedBy(f.name));
      expect(f.filesRead, f.name).toBe(1);
      expect(f.failed, f.name).toEqual([]);
    }
    expect(alertEmails(result).map(ruleOf).sort()).toEqual(['cloudtrail-digest-invalid', 'rds-database-deleted']);
    expect(runFailed(result)).toBe(false);
  });

  it('says a function that is not built yet is not built, and runs the other', async () => {
    const partial = path.join(work, 'dist-processor-only');
    await cp(path.join(dist, 'processor'), path.join(partial, 'processor'), { recursive: true });
    await cp(path.join(dist, 'local'), path.join(partial, 'local'), { recursive: true });
    const run = await runLocalPipeline({ distDir: partial, logsDir: path.join(work, 'bucket') });
    expect(run.functions.indexer.status).toBe('not-built');
    expect(run.functions.processor.status).toBe('ran');
    expect(alertEmails(run).map(ruleOf).sort()).toEqual(['cloudtrail-digest-invalid', 'rds-database-deleted']);
    const text = formatReport(run, { verbose: false });
    expect(text).toContain('indexer: not built yet');
    expect(text).toMatch(/^indexer {4}not built yet/m);
    expect(runFailed(run)).toBe(false);
  }, 60_000);

  it("fails the run when a function's cold start fails (a bad setting), with the configuration error", async () => {
    const run = await runLocalPipeline({
      distDir: dist,
      logsDir: path.join(work, 'bucket'),
      env: { MIN_SEVERITY: 'urgent' },
    });
    expect(run.functions.processor.status).toBe('init-failed');
    expect(run.functions.processor.initError?.message).toContain('MIN_SEVERITY');
    expect(runFailed(run)).toBe(true);
    const text = formatReport(run, { verbose: false });
    expect(text).toMatch(
      /^processor {2}FAILED at cold start \(.*\): ConfigError: trailwatch processor: invalid configuration/m,
    );
    expect(text).toMatch(/^ {11}MIN_SEVERITY: must be one of/m);
    expect(text).toMatch(/^result {5}FAILED/m);
  }, 60_000);
});

describe('the Lambda sandbox of local runs (scripts/local/lambda-host.ts)', () => {
  async function handlerFile(name: string, code: string): Promise<string> {
    const file = path.join(work, 'handlers', name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, code);
    return file;
  }
  const start = async (handler: string, extra: Partial<Parameters<typeof LambdaProcess.start>[0]> = {}) =>
    LambdaProcess.start({
      handler,
      host: path.join(dist, 'local', 'lambda-host.mjs'),
      env: { GREETING: 'hi' },
      functionName: 'fn',
      memoryMB: 128,
      timeoutMs: 10_000,
      ...extra,
    });

  it('runs the cold start with the given environment only, then each invocation with a context, and ties log lines to it', async () => {
    const handler = await handlerFile(
      'echo.mjs',
      `console.log(JSON.stringify({ level: 'INFO', message: 'cold', path: process.env.PATH ?? null }));
       export const handler = async (event, context) => {
         console.log(JSON.stringify({ level: 'INFO', message: 'invoked', function_request_id: context.awsRequestId }));
         if (event.fail) throw new TypeError('asked to fail');
         return { greeting: process.env.GREETING, event, name: context.functionName, remaining: context.getRemainingTimeInMillis() > 0, now: Date.now() };
       };`,
    );
    const sandbox = await start(handler, { clockStart: Date.parse('2026-11-20T18:12:00Z') });
    expect(sandbox.initError).toBeUndefined();
    const ok = await sandbox.invoke({ n: 1 });
    const failed = await sandbox.invoke({ fail: true });
    await sandbox.stop();
    expect(ok.ok && ok.result).toMatchObject({ greeting: 'hi', event: { n: 1 }, name: 'fn', remaining: true });
    // The replayed clock: Date.now starts at the given time and runs on.
    const now = ok.ok ? (ok.result as { now: number }).now : 0;
    expect(now - Date.parse('2026-11-20T18:12:00Z')).toBeGreaterThanOrEqual(0);
    expect(now - Date.parse('2026-11-20T18:12:00Z')).toBeLessThan(60_000);
    expect(failed).toMatchObject({ ok: false, error: { name: 'TypeError', message: 'asked to fail' } });
    expect(sandbox.logs.find((l) => l.message === 'cold')?.fields).toMatchObject({ path: null });
    expect(sandbox.logsOf(ok.requestId).map((l) => l.message)).toEqual(['invoked']);
    expect(sandbox.logsOf(failed.requestId).map((l) => l.message)).toEqual(['invoked']);
    expect(sandbox.initError).toBeUndefined();
  });

  it('reports a cold start that throws, and ends an invocation that runs past the timeout', async () => {
    const broken = await start(await handlerFile('broken.mjs', "throw new Error('bad config');"));
    await broken.stop();
    expect(broken.initError).toMatchObject({ name: 'Error', message: 'bad config' });
    expect(await broken.invoke({})).toMatchObject({ ok: false, error: { message: 'bad config' } });

    const slow = await start(
      await handlerFile(
        'slow.mjs',
        'export const handler = () => new Promise((resolve) => setTimeout(resolve, 60_000));',
      ),
      { timeoutMs: 200 },
    );
    const outcome = await slow.invoke({});
    await slow.stop();
    expect(outcome).toMatchObject({ ok: false, error: { message: 'Task timed out after 0.20 seconds' } });
    expect(slow.exitCode).toBe(1);
    expect(await slow.invoke({})).toMatchObject({ ok: false });
  });
});
