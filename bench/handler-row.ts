// What the Lambda handler rows (bench/processor.ts, bench/indexer.ts) share: the handler bundled as deployed
// (scripts/bundle-options.mjs) into bench/out/<name>-handler/, emulators on loopback, and one timed invocation with an
// S3 put notification for the generated file.
//
// s3rver, an SNS fake and a CloudWatch Logs fake run in a child process, as the services run elsewhere: their CPU and
// memory are not the handler's. The file is uploaded there before the clock starts. The bundle is imported at run
// time, so the other rows' workers never load it; the time is the invocation alone (the cold start, the import, is
// shown apart in the row's detail). Peak RSS is the worker's, import included.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import type { RowOutput } from './rows.js';
import { FUNCTION_LOGICAL_IDS, samBuildProperties, samEsbuildOptions } from '../scripts/bundle-options.mjs';
import { lambdaContext } from '../scripts/local/lambda-context.js';

export type HandlerName = 'processor' | 'indexer';

const BUCKET = 'trailwatch-bench';
/** A CloudTrail log file key (the processor reads only keys shaped like CloudTrail's); `n` tells files apart. */
export function benchKey(n = 1): string {
  const id = `BenchBenchBench${String(n).padStart(2, '0')}`;
  return `AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/123456789012_CloudTrail_us-east-1_20261120T1200Z_${id}.json.gz`;
}

/** A file to put in the S3 emulator before anything is timed. */
export interface Upload {
  file: string;
  key: string;
}

/** The bench's CloudWatch Logs fake, which the emulators' child imports (this module runs bundled into bench/out/). */
const LOGS_FAKE_URL = new URL('../../local-aws/cloudwatch-logs-bench-fake.ts', import.meta.url).href;

/** bench/out/<name>-handler/: this module runs bundled into bench/out/. */
function bundleDir(name: HandlerName): string {
  return fileURLToPath(new URL(`./${name}-handler/`, import.meta.url));
}

/** bench/out/<name>-handler/handler.mjs, its chunks beside it (Splitting), as sam build writes them. */
function bundlePath(name: HandlerName): string {
  return `${bundleDir(name)}handler.mjs`;
}

/**
 * Bundles functions/<name>/handler.ts as scripts/build.mjs does, into bench/out/<name>-handler/, and the SNS fake the
 * emulators' child runs (snsFakePath).
 */
export async function buildHandlerBundle(name: HandlerName): Promise<void> {
  const { build } = await import('esbuild');
  // This module runs bundled into bench/out/, two levels below the repository root; so does the copy of
  // scripts/bundle-options.mjs bundled with it, whose own ROOT (its folder's parent) is therefore bench/: the template
  // is read from the root here.
  const template = await readFile(fileURLToPath(new URL('../../template.yaml', import.meta.url)), 'utf8');
  await rm(bundleDir(name), { recursive: true, force: true });
  await build({
    entryPoints: [fileURLToPath(new URL('../../local-aws/sns-fake.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outfile: snsFakePath(),
    logLevel: 'warning',
  });
  await build({
    ...samEsbuildOptions(samBuildProperties(FUNCTION_LOGICAL_IDS[name], template)),
    entryPoints: { handler: fileURLToPath(new URL(`../../functions/${name}/handler.ts`, import.meta.url)) },
    outdir: bundleDir(name),
  });
}

/** The endpoints of the emulators' child process, and what to clean up after it. */
export interface Emulators {
  s3: string;
  sns: string;
  logs: string;
  /** The emulators' certificate, when they speak https. */
  certFile?: string;
  child: ChildProcess;
  directory: string;
}

/** The topic the processor rows publish to: the only one the SNS fake knows (any other answers NotFound). */
export const BENCH_ALERT_TOPIC = 'arn:aws:sns:us-east-1:123456789012:trailwatch-alerts';

/**
 * bench/out/sns-fake.mjs: local-aws/sns-fake.ts (the fake `npm start` uses) for the emulators' child, bundled by
 * buildHandlerBundle in the bench's own process (esbuild in a worker would count in the row's RSS).
 */
function snsFakePath(): string {
  return fileURLToPath(new URL('./sns-fake.mjs', import.meta.url));
}

/**
 * Starts s3rver, an SNS fake and a CloudWatch Logs fake in a child process and uploads each file to s3rver as
 * s3://${BUCKET}/<its key>; resolves with the endpoints. The SNS fake (local-aws/sns-fake.ts) refuses what PublishBatch
 * refuses (https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html: over 10 entries, Ids not distinct or not
 * 1-80 of `[A-Za-z0-9_-]`, over 262,144 bytes a batch or a message; local-aws/sns-limits.ts has the rest), so a
 * processor row fails if the handler sends what SNS would not take. The CloudWatch Logs fake
 * (local-aws/cloudwatch-logs-bench-fake.ts, JSON protocol) takes CreateLogStream and PutLogEvents, refusing a batch
 * over the documented limits as the service would (the indexer row, bench/indexer.ts).
 */
async function startEmulators(uploads: readonly Upload[]): Promise<Emulators> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-bench-s3-'));
  const s3rver = createRequire(import.meta.url).resolve('s3rver');
  const tls = await selfSignedCertificate(directory);
  const snsFake = snsFakePath();
  const files = await Promise.all(
    uploads.map(async ({ file, key }) => ({ path: `/${BUCKET}/${key}`, file, size: (await stat(file)).size })),
  );
  // Unsigned PUTs: s3rver accepts them, and the child needs nothing but s3rver and Node.
  const code = `
    import http from 'node:http';
    import https from 'node:https';
    import { createReadStream, readFileSync } from 'node:fs';
    const tls = ${JSON.stringify(tls ?? null)};
    const pem = tls && { key: readFileSync(tls.keyFile), cert: readFileSync(tls.certFile) };
    const { default: S3rver } = await import(${JSON.stringify(s3rver)});
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(directory)}, ...(pem ?? {}) });
    const { port } = await server.run();
    const createServer = (listener) => (pem ? https.createServer(pem, listener) : http.createServer(listener));
    const put = (p, body, length) => new Promise((resolve, reject) => {
      const req = (pem ? https : http).request({ host: '127.0.0.1', port, method: 'PUT', path: p, ...(pem ? { ca: pem.cert } : {}), headers: length === undefined ? {} : { 'content-length': length } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('PUT ' + p + ': HTTP ' + res.statusCode))));
      });
      req.on('error', reject);
      if (body) body.pipe(req); else req.end();
    });
    await put('/${BUCKET}');
    for (const f of ${JSON.stringify(files)}) await put(f.path, createReadStream(f.file), f.size);
    // local-aws/sns-fake.ts, bundled: it answers Publish and PublishBatch and refuses what SNS refuses (see above).
    const { startSnsFake } = await import(${JSON.stringify(pathToFileURL(snsFake).href)});
    const sns = await startSnsFake({ topics: ${JSON.stringify([BENCH_ALERT_TOPIC])}, keepMessages: false, ...(pem ? { tls: pem } : {}) });
    // SNS is always running: its code is not compiled on the handler's first call. The fake's request path is warmed
    // before anything is timed, with batches like the processor's (10 entries of ~6 KB, json, subject, an attribute)
    // on a connection of its own; the handler's own first call (TLS handshake, the SDK's serialisation) stays timed.
    const warm = (n) => new Promise((resolve, reject) => {
      const params = new URLSearchParams({ Action: 'PublishBatch', Version: '2010-03-31', TopicArn: ${JSON.stringify(BENCH_ALERT_TOPIC)} });
      for (let i = 1; i <= 10; i++) Object.entries({ Id: 'warm' + n + '_' + i, MessageStructure: 'json', Subject: '[INFO] warm-up',
        Message: JSON.stringify({ default: JSON.stringify({ n, pad: 'x'.repeat(1500) }), email: 'warm "up"\\n'.repeat(400) }),
        'MessageAttributes.entry.1.Name': 'severity', 'MessageAttributes.entry.1.Value.DataType': 'String', 'MessageAttributes.entry.1.Value.StringValue': 'info',
      }).forEach(([k, v]) => params.set('PublishBatchRequestEntries.member.' + i + '.' + k, v));
      const body = params.toString();
      const req = (pem ? https : http).request({ host: '127.0.0.1', port: new URL(sns.endpoint).port, method: 'POST', path: '/', ...(pem ? { ca: pem.cert } : {}),
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('SNS fake warm-up: HTTP ' + res.statusCode))));
      });
      req.on('error', reject);
      req.end(body);
    });
    for (let n = 0; n < 20; n++) await warm(n);
    if (sns.violations.length > 0) throw new Error('SNS fake warm-up: ' + sns.violations.join('; '));
    // PutLogEvents checked against its documented limits; per stream, the calls taken, their events and bytes (GET
    // /stats, for the row's detail): local-aws/cloudwatch-logs-bench-fake.ts, imported as TypeScript (Node strips the types).
    const { cloudWatchLogsBenchListener } = await import(${JSON.stringify(LOGS_FAKE_URL)});
    const logs = createServer(cloudWatchLogsBenchListener());
    await new Promise((resolve) => logs.listen(0, '127.0.0.1', resolve));
    process.stdout.write(JSON.stringify({ port, snsPort: Number(new URL(sns.endpoint).port), logsPort: logs.address().port }) + '\\n');
    process.stdin.resume();
    process.stdin.on('end', () => server.close().then(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ports = await new Promise<{ port: number; snsPort: number; logsPort: number }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the S3 emulator exited (code ${code}) before it was ready`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
      resolve(JSON.parse(line) as { port: number; snsPort: number; logsPort: number }),
    );
  });
  const scheme = tls ? 'https' : 'http';
  return {
    s3: `${scheme}://127.0.0.1:${ports.port}`,
    sns: `${scheme}://127.0.0.1:${ports.snsPort}`,
    logs: `${scheme}://127.0.0.1:${ports.logsPort}`,
    ...(tls ? { certFile: tls.certFile } : {}),
    child,
    directory,
  };
}

/**
 * A key and a self-signed certificate for 127.0.0.1 (openssl), so the emulators speak https as AWS does: the handler
 * then pays for TLS as in Lambda, and its SDK loads node:https only, as there. Over plain http the SDK also imports
 * node:http, which on Node 22 loads undici (https://github.com/nodejs/node/issues/57649): ~50 ms and ~11 MB of RSS
 * that a Lambda never spends. Undefined where openssl is missing (the emulators then speak http).
 */
async function selfSignedCertificate(directory: string): Promise<{ keyFile: string; certFile: string } | undefined> {
  const keyFile = path.join(directory, 'tls-key.pem');
  const certFile = path.join(directory, 'tls-cert.pem');
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  args.push('-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1');
  args.push('-addext', 'subjectAltName=IP:127.0.0.1');
  const made = await new Promise<boolean>((resolve) => {
    const child = spawn('openssl', args, { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
  return made ? { keyFile, certFile } : undefined;
}

/**
 * Applies the NODE_OPTIONS template.yaml gives every function (Globals: Function: Environment) to this process, so the
 * bundle runs as in Lambda. Only `--enable-source-maps` can be turned on in a running process
 * (process.setSourceMapsEnabled, for the modules loaded after it); any other flag fails the row rather than be
 * silently left out: start the worker with it instead (bench/run-worker.ts's nodeArgs).
 */
function applyTemplateNodeOptions(template: string): void {
  const options = /^ {8}NODE_OPTIONS: (.+)$/m.exec(template)?.[1]?.trim() ?? '';
  for (const flag of options.split(/\s+/).filter(Boolean)) {
    if (flag === '--enable-source-maps') process.setSourceMapsEnabled(true);
    else throw new Error(`template.yaml NODE_OPTIONS ${flag}: not applied by bench/handler-row.ts`);
  }
}

/** Both handlers answer an S3 notification with one outcome per file (an SQS event: batch item failures). */
type DeliveryHandler<FileOutcome> = (
  event: unknown,
  context: Context,
) => Promise<{ files: FileOutcome[] } | SQSBatchResponse>;

/** One invocation of a bundled handler, for its row to report on while the emulators still run. */
export interface HandlerRun<FileOutcome> {
  /** The handler's outcome for the generated file. */
  outcome: FileOutcome;
  /** The invocation alone. */
  measuredSeconds: number;
  /** CPU time (user + system) of this process during the invocation (libuv's inflate threads included). */
  cpuMs: number;
  /** `cold start (import) N ms, RSS after it N MB`: how each row's detail begins. */
  coldStart: string;
  emulators: Emulators;
}

/** A bundled handler imported into this process, its emulators running. */
export interface LoadedHandler<FileOutcome> {
  emulators: Emulators;
  /** `cold start (import) N ms, RSS after it N MB`. */
  coldStart: string;
  /**
   * One invocation with an S3 put notification for `key`: the handler's outcome, the invocation's seconds, and the
   * CPU time this process used meanwhile (user + system: what a busy neighbour on a shared machine disturbs least).
   */
  invoke(key: string): Promise<{ outcome: FileOutcome; seconds: number; cpuMs: number }>;
  /** The AWS SDK settings the handler runs with (for a client of the bench's own, e.g. the floor's GetObject). */
  aws: {
    region: string;
    endpoint: string;
    forcePathStyle: true;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  bucket: string;
}

/**
 * Starts the emulators with `uploads` in s3rver, sets the environment (the handler's own `settings`, and the AWS SDK
 * pointed at s3rver), imports bench/out/<name>-handler/handler.mjs (its cold start), and gives it to `use`. The
 * emulators are stopped and removed afterwards.
 */
export async function withBundledHandler<FileOutcome, T>(
  name: HandlerName,
  uploads: readonly Upload[],
  settings: (emulators: Emulators) => Record<string, string>,
  use: (loaded: LoadedHandler<FileOutcome>) => Promise<T>,
): Promise<T> {
  const emulators = await startEmulators(uploads);
  try {
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    // The handler's cold start reads these (the AWS SDK reads the AWS_* ones itself).
    Object.assign(process.env, {
      ...settings(emulators),
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: emulators.s3,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });

    if (emulators.certFile) {
      // The emulators' self-signed certificate trusted as a CA by every TLS connection of this process (the SDK's
      // https agent among them), as AWS's certificates are in Lambda.
      const tls = await import('node:tls');
      const cert = await readFile(emulators.certFile, 'utf8');
      tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert]);
    } else {
      // Plain http (no openssl): the SDK imports node:http on its first http request, ~50 ms on Node 22 (see
      // selfSignedCertificate); loaded here, before the clock, so the first invocation is not charged for it.
      await import('node:http');
    }
    // The template's NODE_OPTIONS (Globals), as Lambda starts Node with them: the bundle's source maps are read at
    // import when they are on, which costs time and memory the row must show.
    applyTemplateNodeOptions(await readFile(fileURLToPath(new URL('../../template.yaml', import.meta.url)), 'utf8'));
    const imported = performance.now();
    const cpuAtImport = process.cpuUsage();
    const { handler } = (await import(pathToFileURL(bundlePath(name)).href)) as {
      handler: DeliveryHandler<FileOutcome>;
    };
    const coldStartMs = performance.now() - imported;
    const importCpu = process.cpuUsage(cpuAtImport);
    const rssAfterImport = process.memoryUsage().rss;
    let invocations = 0;
    const invoke = async (key: string): Promise<{ outcome: FileOutcome; seconds: number; cpuMs: number }> => {
      const event = {
        Records: [
          {
            eventVersion: '2.1',
            eventSource: 'aws:s3',
            awsRegion: 'us-east-1',
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: BUCKET }, object: { key } },
          },
        ],
      };
      const context = lambdaContext(`trailwatch-${name}`, {
        memoryMB: 1024,
        requestId: `bench-${++invocations}`,
        logStreamName: 'bench',
        remainingMs: () => 900_000,
      });
      const cpuAtStart = process.cpuUsage();
      const started = performance.now();
      const result = await handler(event, context);
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuAtStart);
      if (!('files' in result)) throw new Error('expected a direct delivery result');
      const [outcome] = result.files;
      if (outcome === undefined) throw new Error(`the handler read no file for ${key}`);
      return { outcome, seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
    };
    return await use({
      emulators,
      coldStart: `cold start (import) ${coldStartMs.toFixed(0)} ms (CPU ${((importCpu.user + importCpu.system) / 1000).toFixed(0)} ms), RSS after it ${(rssAfterImport / 1e6).toFixed(0)} MB`,
      invoke,
      aws: { region: 'us-east-1', endpoint: emulators.s3, forcePathStyle: true, credentials },
      bucket: BUCKET,
    });
  } finally {
    emulators.child.stdin?.end();
    emulators.child.kill();
    await rm(emulators.directory, { recursive: true, force: true });
  }
}

/**
 * The processor and indexer rows: `file` uploaded, the bundled handler imported and invoked once with an S3 put
 * notification for it (its first invocation); `report` turns that run into the row's output.
 */
export async function invokeBundledHandler<FileOutcome>(
  name: HandlerName,
  file: string,
  settings: (emulators: Emulators) => Record<string, string>,
  report: (run: HandlerRun<FileOutcome>) => Promise<RowOutput> | RowOutput,
): Promise<RowOutput> {
  const key = benchKey();
  return withBundledHandler<FileOutcome, RowOutput>(name, [{ file, key }], settings, async (loaded) => {
    const { outcome, seconds, cpuMs } = await loaded.invoke(key);
    return report({
      outcome,
      measuredSeconds: seconds,
      cpuMs,
      coldStart: loaded.coldStart,
      emulators: loaded.emulators,
    });
  });
}
