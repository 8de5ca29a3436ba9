// A real S3 API on loopback for tests: s3rver (in-process, port 0, its own temp folder) and S3 clients set up
// the way it needs: path-style addressing, its fixed credentials, and checksums only
// when required (otherwise the SDK's chunked upload framing ends up inside the stored object).
// Limits: those s3rver implements (signatures checked with its fixed keys, S3's XML errors such as NoSuchKey);
// nothing is added here. startCuttingProxy, below, cuts bodies short on purpose.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  resetOnClose?: boolean;
}

interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

// s3rver ships no types; this is the part of its API used here.
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: S3rverOptions) => S3rverServer;

export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The S3 client settings s3rver needs, for an endpoint; the rest as given. */
export function emulatorClientConfig(endpoint: string, config: S3ClientConfig = {}): S3ClientConfig {
  return {
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: EMULATOR_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...config,
  };
}

export interface S3Emulator {
  endpoint: string;
  port: number;
  /**
   * The environment that points a Lambda handler at this emulator: the settings of emulatorClientConfig as the
   * variables the handler reads when it creates its S3 client at cold start.
   */
  environment: Record<string, string>;
  /** A client for this emulator; `maxSockets` bounds its connection pool (keep-alive on). */
  client(options?: { maxSockets?: number; maxAttempts?: number; endpoint?: string }): S3Client;
  createBucket(bucket: string): Promise<void>;
  /** Puts an object; `metadata` is its user metadata (x-amz-meta-*), e.g. a digest's signature. */
  put(bucket: string, key: string, body: Uint8Array | string, metadata?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export async function startS3Emulator(): Promise<S3Emulator> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  const admin = new S3Client(emulatorClientConfig(endpoint));
  clients.push(admin);
  return {
    endpoint,
    port,
    environment: {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    },
    client(options = {}) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 50 });
      const client = new S3Client(
        emulatorClientConfig(options.endpoint ?? endpoint, {
          requestHandler: { httpAgent: agent, connectionTimeout: 2000, requestTimeout: 10_000 },
          ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        }),
      );
      clients.push(client);
      return client;
    },
    async createBucket(bucket) {
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async put(bucket, key, body, metadata) {
      await admin.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }),
      );
    },
    async close() {
      for (const client of clients) client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * A loopback proxy in front of the emulator that cuts each GetObject response after `cutAfter` body bytes
 * (the connection is destroyed, as when a connection resets mid-download). Other requests pass through.
 */
export async function startCuttingProxy(
  targetPort: number,
  cutAfter: number,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        if (req.method !== 'GET' || (response.statusCode ?? 500) >= 300) {
          response.pipe(res);
          return;
        }
        let sent = 0;
        response.on('data', (chunk: Buffer) => {
          if (sent + chunk.length <= cutAfter) {
            sent += chunk.length;
            res.write(chunk);
            return;
          }
          res.write(chunk.subarray(0, cutAfter - sent), () => res.socket?.destroy());
          sent = cutAfter;
          response.destroy();
        });
        response.on('end', () => res.end());
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
