// Every function in template.yaml builds the way `sam build` builds it, and the bundle is a Lambda handler.
//
// `sam build` with `Metadata: BuildMethod: esbuild` runs esbuild with `--bundle --platform=node --outdir=<artifact>`
// plus one flag per BuildProperties key (PascalCase -> kebab-case; a list gives `--key:item` per item), from the
// function's CodeUri (aws-lambda-builders, aws_lambda_builders/workflows/nodejs_npm_esbuild/esbuild.py,
// EsbuildCommandBuilder; SAM docs "Building Node.js Lambda functions with esbuild"). This test runs the same build
// through esbuild's JS API (scripts/bundle-options.mjs translates the flags) into a temporary folder, then imports the bundle in a separate Node 22 process with the
// environment the template gives the function, and calls its handler with S3's test event (which names no object,
// so nothing is fetched).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { samEsbuildOptions } from '../scripts/bundle-options.mjs';
import { isObject, loadTemplate, ROOT, serverlessFunctions, type JsonObject } from './helpers/template.js';
import { Evaluator, SCENARIOS } from './helpers/template-evaluator.js';

const run = promisify(execFile);
const template = loadTemplate();
const functions = serverlessFunctions(template);
const outRoot = mkdtempSync(path.join(tmpdir(), 'trailwatch-sam-build-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** What `sam build` runs for a function: its BuildProperties as esbuild options (scripts/bundle-options.mjs, the one translation). */
function samBuild(properties: JsonObject, codeUri: string, outdir: string): BuildOptions {
  const entryPoints = ((properties.EntryPoints ?? []) as string[]).map((e) => path.join(ROOT, codeUri, e));
  return { ...samEsbuildOptions(properties), entryPoints, outdir, logLevel: 'silent', metafile: true };
}

describe.each(functions)('$logicalId', (fn) => {
  const props = new Evaluator(template, SCENARIOS.defaults).properties(fn.logicalId);
  const metadata = fn.resource.Metadata ?? {};
  const buildProperties = (metadata.BuildProperties ?? {}) as JsonObject;

  it('is built by SAM with esbuild: Node 22 target, ESM with .mjs output, sourcemaps, the AWS SDK bundled', () => {
    expect(metadata.BuildMethod).toBe('esbuild');
    expect(buildProperties).toMatchObject({
      Target: 'node22',
      Format: 'esm',
      Sourcemap: true,
      MainFields: 'module,main',
      OutExtension: ['.js=.mjs'],
    });
    expect(buildProperties.EntryPoints).toEqual([fn.entry]);
    // Nothing external: the @aws-sdk/* clients the code was tested with are in the bundle, not the runtime's copy.
    expect(buildProperties.External).toBeUndefined();
    expect(props).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    expect(props.PackageType, 'a zip package, not an image').toBeUndefined();
    // The handler is the bundle's `handler` export: esbuild names a single entry's output after the entry file.
    expect(props.Handler).toBe(`${path.basename(fn.entry, path.extname(fn.entry))}.handler`);
    expect(props.CodeUri).toBe('./');
    expect(
      isObject(props.Environment) && isObject(props.Environment.Variables) && props.Environment.Variables.NODE_OPTIONS,
    ).toBe('--enable-source-maps');
  });

  it('has its code where EntryPoints says', () => {
    expect(existsSync(path.join(ROOT, String(props.CodeUri), fn.entry)), `${fn.entry} is missing`).toBe(true);
  });

  it('bundles as sam build would, imports with the template environment, and handles an S3 test event', async () => {
    const outdir = path.join(outRoot, fn.logicalId);
    const result = await build(samBuild(buildProperties, String(props.CodeUri), outdir));
    expect(result.errors).toEqual([]);
    const handlerFile = path.join(outdir, `${String(props.Handler).split('.')[0]}.mjs`);
    expect(existsSync(handlerFile), `sam build would produce ${path.basename(handlerFile)}`).toBe(true);
    expect(existsSync(`${handlerFile}.map`)).toBe(true);

    // esbuild turns a bundled CommonJS module's require('node:http') into __require(), which throws "Dynamic
    // require ... is not supported" in ESM output unless a real require() is in scope: the SDK's HTTP handler is
    // created lazily, at the first AWS call, so importing alone would not show it.
    const code = readFileSync(handlerFile, 'utf8');
    if (code.includes('__require(')) {
      expect(
        String(buildProperties.Banner ?? ''),
        'ESM bundle with CommonJS requires needs the createRequire banner',
      ).toMatch(/createRequire/);
    }

    // Bundled SDK clients: the metafile lists their sources as inputs.
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    expect(inputs.some((i) => i.includes('node_modules/@aws-sdk/client-'))).toBe(true);

    const variables = (props.Environment as { Variables: Record<string, string> }).Variables;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...variables,
      // What Lambda sets (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.MemorySize),
      LAMBDA_TASK_ROOT: outdir,
      // Unroutable endpoint: a handler that unexpectedly called AWS fails fast instead of reaching out.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
    };
    const script = `
      const mod = await import(${JSON.stringify(pathToFileURL(handlerFile).href)});
      if (typeof mod.handler !== 'function') throw new Error('no handler export: ' + Object.keys(mod).join(', '));
      const context = {
        functionName: 'fn', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
        memoryLimitInMB: '512', awsRequestId: 'req-1', logGroupName: 'g', logStreamName: 's', callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => 60000, done() {}, fail() {}, succeed() {},
      };
      const result = await mod.handler({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-11-20T15:13:07.000Z', Bucket: 'trail-bucket', RequestId: 'R', HostId: 'H' }, context);
      process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script], {
      cwd: outdir,
      env,
      timeout: 20_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, `no result line in:\n${stdout}`).toBeDefined();
    const output = JSON.parse((line as string).slice('RESULT '.length)) as unknown;
    // A direct (non-SQS) delivery with no objects: nothing read, nothing skipped.
    expect(output).toMatchObject({ files: [], skipped: 0 });
  });
});
