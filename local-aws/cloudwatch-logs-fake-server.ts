// A local stand-in for CloudWatch Logs' CreateLogStream and PutLogEvents, for `npm start` and `npm run invoke`:
// a loopback HTTP server speaking the service's JSON 1.1 protocol (POST /, `Content-Type:
// application/x-amz-json-1.1`, `X-Amz-Target: Logs_20140328.<Operation>`, a JSON body; errors as
// `{"__type": "<Code>", "message": "..."}` with a 4xx/5xx status), so the bundled indexer talks to it with an
// unmodified SDK client (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS).
//
// The service's behaviour and limits are the test suite's limit-enforcing fake (cloudwatch-logs-fake.ts):
// batch size and count, chronological order, 24-hour span, event size, names; events too old / too new / past the
// group's retention rejected in rejectedLogEventsInfo; missing group or stream -> ResourceNotFoundException;
// existing stream -> ResourceAlreadyExistsException. A call that breaks a limit is answered as the service answers
// it (InvalidParameterException) and is also kept in `violations`.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloudWatchLogsLimitViolation,
  createCloudWatchLogsFake,
  FakeServiceError,
  type CloudWatchLogsFake,
  type CreateLogStreamRequestLike,
  type PutLogEventsRequestLike,
} from './cloudwatch-logs-fake.js';

const TARGET_PREFIX = 'Logs_20140328.';
const JSON_1_1 = 'application/x-amz-json-1.1';

export interface CloudWatchLogsFakeServerOptions {
  /** Log groups that exist (the template creates the index group), with their retention in days. */
  logGroups: Record<string, { retentionDays?: number }>;
  /** The service's clock (the local run replays the sample day's). Default Date.now. */
  now?: () => number;
}

export interface CloudWatchLogsFakeServer {
  endpoint: string;
  /** The fake behind the server: stored events per stream, calls, violations. */
  fake: CloudWatchLogsFake;
  /** Requests by X-Amz-Target operation, including ones the fake does not answer. */
  readonly operations: readonly string[];
  /** Limit violations and requests the service would not understand. */
  readonly violations: readonly string[];
  close(): Promise<void>;
}

export async function startCloudWatchLogsFakeServer(
  options: CloudWatchLogsFakeServerOptions,
): Promise<CloudWatchLogsFakeServer> {
  const fake = createCloudWatchLogsFake({ logGroups: options.logGroups, ...(options.now ? { now: options.now } : {}) });
  const operations: string[] = [];
  const protocolProblems: string[] = [];

  const answer = async (target: string, body: string): Promise<{ status: number; payload: unknown }> => {
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    operations.push(operation || '(no X-Amz-Target)');
    let input: unknown;
    try {
      input = JSON.parse(body || '{}');
    } catch {
      protocolProblems.push(`${operation}: body is not JSON`);
      return { status: 400, payload: { __type: 'SerializationException', message: 'body is not JSON' } };
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      protocolProblems.push(`${operation}: body is not a JSON object`);
      return { status: 400, payload: { __type: 'SerializationException', message: 'body is not a JSON object' } };
    }
    try {
      if (operation === 'PutLogEvents')
        return { status: 200, payload: await fake.putLogEvents(input as PutLogEventsRequestLike) };
      if (operation === 'CreateLogStream')
        return { status: 200, payload: await fake.createLogStream(input as CreateLogStreamRequestLike) };
      protocolProblems.push(
        `${operation || target || '(no X-Amz-Target)'}: not an operation the indexer is allowed to call (CreateLogStream, PutLogEvents)`,
      );
      return {
        status: 400,
        payload: { __type: 'UnknownOperationException', message: `the local fake does not answer ${target}` },
      };
    } catch (error) {
      if (error instanceof CloudWatchLogsLimitViolation)
        return { status: 400, payload: { __type: 'InvalidParameterException', message: error.message } };
      if (error instanceof FakeServiceError)
        return { status: error.$metadata.httpStatusCode, payload: { __type: error.name, message: error.message } };
      throw error;
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const contentType = String(req.headers['content-type'] ?? '');
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': JSON_1_1, 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || !contentType.startsWith(JSON_1_1)) {
        protocolProblems.push(`${req.method ?? '?'} ${target}: not a JSON 1.1 request (POST, ${JSON_1_1})`);
        reply(400, { __type: 'SerializationException', message: `expected POST with ${JSON_1_1}` });
        return;
      }
      answer(target, Buffer.concat(chunks).toString('utf8')).then(
        ({ status, payload }) => reply(status, payload),
        (error: unknown) =>
          reply(500, {
            __type: 'ServiceUnavailableException',
            message: error instanceof Error ? error.message : String(error),
          }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    fake,
    operations,
    get violations() {
      return [...fake.violations, ...protocolProblems];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
