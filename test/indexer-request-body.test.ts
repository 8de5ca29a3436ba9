// PutLogEvents requests as they go on the wire: the writer's body (shared/index/request-body.ts, put in by
// putLogEventsCommand) against the body the unmodified SDK client writes for the same input, both captured by a
// loopback HTTP server that answers as CloudWatch Logs does. Byte for byte equal, so Content-Length and the SigV4
// signature are what the SDK would compute; and the writer really sends it (the events arrive whole).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchLogsClient, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchLogsWriter, putLogEventsCommand } from '../functions/indexer/cloudwatch-writer.js';
import { ByteSlab, type EncodedIndexEvent, encodeIndexEvent } from '../shared/index/encoded-event.js';
import {
  putLogEventsBody,
  putLogEventsBodyBytes,
  type IndexEvent,
  type PutLogEventsInput,
} from '../shared/index/index.js';
import { loadRecord } from './record-fixtures.js';

interface Captured {
  target: string;
  contentLength: number;
  body: Buffer;
}

let server: http.Server;
let endpoint: string;
let captured: Captured[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      captured.push({ target, contentLength: Number(req.headers['content-length']), body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(target.endsWith('.PutLogEvents') ? '{"nextSequenceToken":"1"}' : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });
}

/** The bodies of one PutLogEvents request sent by the plain SDK and one sent by the writer's command. */
async function bothBodies(input: PutLogEventsInput): Promise<{ sdk: Captured; ours: Captured }> {
  captured = [];
  const cwl = client();
  await cwl.send(new PutLogEventsCommand(input));
  await cwl.send(putLogEventsCommand(input));
  const [sdk, ours] = captured;
  if (!sdk || !ours) throw new Error(`expected two requests, got ${captured.length}`);
  return { sdk, ours };
}

const GROUP = '/trailwatch/test/cloudtrail';
const STREAM = '123456789012_CloudTrail_us-east-1';

describe('PutLogEvents request body', () => {
  it('is the body the SDK writes, byte for byte, for real index messages', async () => {
    const messages = ['delete-db-instance', 'aws-account-assume-role'].map((name) => {
      const record = loadRecord(name);
      return JSON.stringify({ trailwatch: { category: 'rds', alerts: ['x'] }, ...record });
    });
    const input = {
      logGroupName: GROUP,
      logStreamName: STREAM,
      logEvents: messages.map((message, i) => ({ timestamp: 1_763_600_000_000 + i, message })),
    };
    const { sdk, ours } = await bothBodies(input);
    expect(ours.body.equals(sdk.body)).toBe(true);
    expect(ours.contentLength).toBe(ours.body.length);
    expect(ours.body.toString('utf8')).toBe(putLogEventsBody(input));
  });

  it('is the body the SDK writes for any messages: quotes, backslashes, control characters, any Unicode', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            timestamp: fc.integer({ min: 0, max: 2 ** 42 }),
            message: fc.oneof(
              fc.string({ unit: 'binary', minLength: 1 }),
              fc.string({ unit: 'grapheme', minLength: 1 }),
            ),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }),
        async (logEvents, stream) => {
          const { sdk, ours } = await bothBodies({ logGroupName: GROUP, logStreamName: stream, logEvents });
          expect(ours.body.toString('utf8')).toBe(sdk.body.toString('utf8'));
          expect(ours.contentLength).toBe(sdk.contentLength);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('sends only timestamp and message of each event, whatever else the event carries', async () => {
    const event: IndexEvent = { timestamp: 5, message: '{"a":1}', eventID: 'e', bytes: 7, trimmed: null };
    captured = [];
    await client().send(putLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, logEvents: [event] }));
    expect(JSON.parse(captured[0]?.body.toString('utf8') ?? '')).toEqual({
      logGroupName: GROUP,
      logStreamName: STREAM,
      logEvents: [{ timestamp: 5, message: '{"a":1}' }],
    });
  });

  it("is what the writer sends: every event arrives, and the command keeps its whole input for the SDK's other uses", async () => {
    captured = [];
    const writer = new CloudWatchLogsWriter(client(), GROUP);
    const events: IndexEvent[] = ['"quoted"', 'back\\slash', 'tab\tnewline\n', 'é ✓ 𝄞'].map((text, i) => {
      const message = JSON.stringify({ eventID: `e${i}`, text });
      return { timestamp: 1_000 + i, message, eventID: `e${i}`, bytes: Buffer.byteLength(message), trimmed: null };
    });
    await writer.putBatch({ logStreamName: STREAM, events, bytes: 0, closedBy: 'flush' });
    const put = captured.find((c) => c.target.endsWith('.PutLogEvents'));
    const sent = JSON.parse(put?.body.toString('utf8') ?? '') as PutLogEventsInput;
    expect(sent.logEvents.map((e) => e.message)).toEqual(events.map((e) => e.message));
    expect(putLogEventsCommand(sent).input.logEvents).toHaveLength(events.length);
  });

  it('is written from encoded events as the same bytes JSON.stringify of their messages gives', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            timestamp: fc.integer({ min: 0, max: 2 ** 42 }),
            message: fc.oneof(
              fc.string({ unit: 'binary', minLength: 1 }),
              fc.string({ unit: 'grapheme', minLength: 1 }),
            ),
            encoded: fc.boolean(),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (events) => {
          const slab = new ByteSlab(256);
          const logEvents = events.map(({ timestamp, message, encoded }) => {
            const event: IndexEvent = {
              timestamp,
              message,
              eventID: null,
              bytes: Buffer.byteLength(message),
              trimmed: null,
            };
            return encoded ? encodeIndexEvent(event, slab) : event;
          });
          const input = { logGroupName: GROUP, logStreamName: STREAM, logEvents };
          expect(putLogEventsBodyBytes(GROUP, STREAM, logEvents).toString('utf8')).toBe(putLogEventsBody(input));
        },
      ),
    );
  });

  it("sends a batch's encoded events without decoding their messages", async () => {
    captured = [];
    const slab = new ByteSlab();
    let decoded = 0;
    const events = ['{"a":"\\"quoted\\""}', '{"b":"é ✓"}'].map((message, i) => {
      const event = encodeIndexEvent(
        { timestamp: 1_000 + i, message, eventID: `e${i}`, bytes: Buffer.byteLength(message), trimmed: null },
        slab,
      );
      const json = event.json;
      return Object.defineProperty(event, 'message', {
        get: () => {
          decoded++;
          return JSON.parse(json.toString('utf8')) as string;
        },
      }) as EncodedIndexEvent;
    });
    await new CloudWatchLogsWriter(client(), GROUP).putBatch({
      logStreamName: STREAM,
      events,
      bytes: 0,
      closedBy: 'flush',
    });
    expect(decoded).toBe(0);
    const put = captured.find((c) => c.target.endsWith('.PutLogEvents'));
    const sent = JSON.parse(put?.body.toString('utf8') ?? '') as PutLogEventsInput;
    expect(sent.logEvents.map((e) => e.message)).toEqual(['{"a":"\\"quoted\\""}', '{"b":"é ✓"}']);
  });
});
