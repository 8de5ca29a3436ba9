// A Lambda handler as deployed: bundled with the options `sam build` uses (template.yaml's BuildProperties, through
// scripts/bundle-options.mjs) into a temp folder, then run by a
// plain Node 22 process that knows nothing but the environment it is given (and loopback servers standing in for
// the AWS services it calls, their endpoints given in that environment).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { lambdaBundleInto } from '../../scripts/bundle-options.mjs';

export interface HandlerBundle {
  /** Runs `script` (an ES module body; `./<name>/handler.mjs` is the bundle) with only `env` and PATH. */
  run(env: Record<string, string>, script: string): Promise<{ code: number | null; stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

export async function bundleHandler(name: 'processor' | 'indexer'): Promise<HandlerBundle> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `trailwatch-${name}-bundle-`));
  await build(lambdaBundleInto(name, dir));
  return {
    run: (env, script) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
          cwd: dir,
          env: { PATH: process.env.PATH ?? '', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface ServiceRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ServiceResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface LoopbackService {
  /** For the bundle's environment, e.g. AWS_ENDPOINT_URL_SNS. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server standing in for an AWS service: each request is read whole and `answer` says what to
 * send back (a 500 with its message if it throws).
 */
export async function startLoopbackService(
  answer: (request: ServiceRequest) => ServiceResponse | Promise<ServiceResponse>,
): Promise<LoopbackService> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      Promise.resolve()
        .then(() => answer({ headers: req.headers, body }))
        .catch((error: unknown) => ({ status: 500, contentType: 'text/plain', body: String(error) }))
        .then((response) => {
          res.writeHead(response.status, { 'content-type': response.contentType });
          res.end(response.body);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
