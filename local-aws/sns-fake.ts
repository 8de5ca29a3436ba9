// A local stand-in for Amazon SNS's Publish and PublishBatch, for `npm start` and `npm run invoke`: a loopback HTTP
// server speaking the AWS query protocol as the real SNS client does (form-encoded POST, `Action=PublishBatch&
// Version=2010-03-31&...`, XML responses), so the bundled handler talks to it over HTTP with an unmodified SDK
// client (AWS_ENDPOINT_URL_SNS). It records every message it accepts and enforces the documented limits; each
// limit a request breaks is answered the way SNS answers it AND recorded in `violations`, so a caller that
// swallows the error still cannot hide it (the local run exits non-zero on any violation).
//
//
// Limits it enforces (listed with their error codes in sns-limits.ts): PublishBatch 1-10 entries with distinct Ids of
// 1-80 letters, digits, `-`, `_`, at most 262,144 bytes a batch and a message (body, subject and attributes);
// Message not empty; Subject under 100 characters without control characters; MessageStructure `json` with a
// string `default`; attribute names, types and values as the developer guide gives them. The query protocol it reads
// and writes is sns-query-protocol.ts.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  entryBytes,
  entryProblems,
  SNS_MAX_BATCH_ENTRIES,
  SNS_MAX_MESSAGE_BYTES,
  BATCH_ENTRY_ID,
  type EntryInput,
} from './sns-limits.js';
import { metadata, readBatchEntries, readEntry, XMLNS, xml } from './sns-query-protocol.js';

export interface SnsAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64, as it came over the wire. */
  BinaryValue?: string;
}

/** One message SNS would have accepted and fanned out to the topic's subscribers. */
export interface SnsPublishedMessage {
  /** 0-based, in the order the fake accepted them. */
  seq: number;
  messageId: string;
  topicArn: string;
  operation: 'Publish' | 'PublishBatch';
  /** Which request (0-based, over all requests) carried it. */
  request: number;
  subject: string | undefined;
  message: string;
  structure: 'json' | undefined;
  attributes: Record<string, SnsAttributeValue>;
  bytes: number;
}

export interface SnsRequestRecord {
  operation: string;
  topicArn: string | undefined;
  entries: number;
  /** Message bytes as SNS counts them, over all entries. */
  bytes: number;
  /** `ok`, `partial` (some entries under Failed) or the error code the request got. */
  outcome: string;
}

export interface SnsFakeOptions {
  /** Topics that exist; publishing to any other answers NotFound. */
  topics: readonly string[];
  /** Speak https with this key and certificate (the bench's handler rows, which talk https as Lambda does). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * Keep every accepted message in `messages` (default true). The bench turns it off: its typical-files section
   * publishes ~3,400 messages of ~7 KB that nothing reads, ~25 MB held in the emulators' process beside s3rver
   * (a precaution: its effect on s3rver was not measured apart).
   */
  keepMessages?: boolean;
}

export interface SnsFake {
  endpoint: string;
  readonly messages: readonly SnsPublishedMessage[];
  readonly requests: readonly SnsRequestRecord[];
  /** Every documented limit a request broke, as `Operation: problem`. */
  readonly violations: readonly string[];
  close(): Promise<void>;
}

/** A message's text for one protocol: its own key of a `json` message, else `default`; the message itself otherwise. */
export function protocolText(message: Pick<SnsPublishedMessage, 'message' | 'structure'>, protocol: string): string {
  if (message.structure !== 'json') return message.message;
  const parsed = JSON.parse(message.message) as Record<string, unknown>;
  const own = parsed[protocol];
  return typeof own === 'string' ? own : String(parsed.default);
}

class SnsError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly violation: boolean,
  ) {
    super(message);
  }
}

export async function startSnsFake(options: SnsFakeOptions): Promise<SnsFake> {
  const topics = new Set(options.topics);
  const messages: SnsPublishedMessage[] = [];
  const requests: SnsRequestRecord[] = [];
  const violations: string[] = [];

  const handle = (body: string): { status: number; xml: string } => {
    const params = new URLSearchParams(body);
    const action = params.get('Action') ?? '';
    const topicArn = params.get('TopicArn') ?? undefined;
    const request = requests.length;
    const record: SnsRequestRecord = { operation: action || '(none)', topicArn, entries: 0, bytes: 0, outcome: 'ok' };
    requests.push(record);
    const requestId = randomUUID();
    try {
      if (params.get('Version') !== '2010-03-31')
        throw new SnsError(
          'InvalidParameter',
          400,
          `Unsupported Version ${JSON.stringify(params.get('Version'))}`,
          true,
        );
      if (action !== 'Publish' && action !== 'PublishBatch')
        throw new SnsError(
          'InvalidAction',
          400,
          `The fake answers Publish and PublishBatch, not ${action || 'a request without Action'}`,
          true,
        );
      if (!topicArn)
        throw new SnsError(
          'InvalidParameter',
          400,
          'Invalid parameter: TopicArn (this fake takes topics only, not TargetArn or PhoneNumber)',
          true,
        );
      if (!topics.has(topicArn)) throw new SnsError('NotFound', 404, 'Topic does not exist', false);

      if (action === 'Publish') {
        const entry = readEntry(params, '');
        record.entries = 1;
        record.bytes = entryBytes(entry);
        const problems = entryProblems(entry);
        if (problems.length > 0)
          throw new SnsError('InvalidParameter', 400, `Invalid parameter: ${problems.join('; ')}`, true);
        const accepted = accept(entry, topicArn, 'Publish', request);
        return {
          status: 200,
          xml: `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${accepted.messageId}</MessageId></PublishResult>${metadata(requestId)}</PublishResponse>`,
        };
      }

      const entries = readBatchEntries(params);
      record.entries = entries.length;
      record.bytes = entries.reduce((sum, e) => sum + entryBytes(e), 0);
      if (entries.length === 0)
        throw new SnsError('EmptyBatchRequest', 400, 'The batch request does not contain any entries.', true);
      if (entries.length > SNS_MAX_BATCH_ENTRIES)
        throw new SnsError(
          'TooManyEntriesInBatchRequest',
          400,
          `The batch request contains ${entries.length} entries, more than ${SNS_MAX_BATCH_ENTRIES}.`,
          true,
        );
      const badId = entries.find((e) => !BATCH_ENTRY_ID.test(e.Id ?? ''));
      if (badId)
        throw new SnsError(
          'InvalidBatchEntryId',
          400,
          `The Id ${JSON.stringify(badId.Id ?? null)} is not 1-80 letters, digits, hyphens and underscores.`,
          true,
        );
      const ids = entries.map((e) => e.Id);
      if (new Set(ids).size !== ids.length)
        throw new SnsError(
          'BatchEntryIdsNotDistinct',
          400,
          'Two or more batch entries in the request have the same Id.',
          true,
        );
      if (record.bytes > SNS_MAX_MESSAGE_BYTES)
        throw new SnsError(
          'BatchRequestTooLong',
          400,
          `The batch is ${record.bytes} bytes, over ${SNS_MAX_MESSAGE_BYTES}.`,
          true,
        );

      const successful: string[] = [];
      const failed: string[] = [];
      for (const entry of entries) {
        const problems = entryProblems(entry);
        if (problems.length > 0) {
          violations.push(...problems.map((p) => `PublishBatch entry ${entry.Id ?? '?'}: ${p}`));
          failed.push(
            `<member><Id>${xml(entry.Id ?? '')}</Id><Code>InvalidParameter</Code><Message>${xml(`Invalid parameter: ${problems.join('; ')}`)}</Message><SenderFault>true</SenderFault></member>`,
          );
          continue;
        }
        const accepted = accept(entry, topicArn, 'PublishBatch', request);
        successful.push(`<member><Id>${xml(entry.Id ?? '')}</Id><MessageId>${accepted.messageId}</MessageId></member>`);
      }
      if (failed.length > 0) record.outcome = 'partial';
      return {
        status: 200,
        xml:
          `<PublishBatchResponse xmlns="${XMLNS}"><PublishBatchResult><Successful>${successful.join('')}</Successful>` +
          `<Failed>${failed.join('')}</Failed></PublishBatchResult>${metadata(requestId)}</PublishBatchResponse>`,
      };
    } catch (error) {
      if (!(error instanceof SnsError)) throw error;
      record.outcome = error.code;
      if (error.violation) violations.push(`${action || '(no Action)'}: ${error.code}: ${error.message}`);
      return {
        status: error.status,
        xml: `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${error.code}</Code><Message>${xml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
  };

  const accept = (
    entry: EntryInput,
    topicArn: string,
    operation: SnsPublishedMessage['operation'],
    request: number,
  ): SnsPublishedMessage => {
    const attributes: Record<string, SnsAttributeValue> = {};
    for (const a of entry.attributes) {
      attributes[a.Name ?? ''] = {
        DataType: a.DataType ?? '',
        ...(a.StringValue !== undefined ? { StringValue: a.StringValue } : {}),
        ...(a.BinaryValue !== undefined ? { BinaryValue: a.BinaryValue } : {}),
      };
    }
    const message: SnsPublishedMessage = {
      seq: messages.length,
      messageId: randomUUID(),
      topicArn,
      operation,
      request,
      subject: entry.Subject,
      message: entry.Message ?? '',
      structure: entry.MessageStructure === 'json' ? 'json' : undefined,
      attributes,
      bytes: entryBytes(entry),
    };
    if (options.keepMessages !== false) messages.push(message);
    return message;
  };

  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let answer: { status: number; xml: string };
      if (
        req.method !== 'POST' ||
        !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ) {
        violations.push(
          `${req.method ?? '?'} ${req.url ?? ''}: not a query-protocol request (POST, application/x-www-form-urlencoded)`,
        );
        answer = {
          status: 400,
          xml: `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Not a query-protocol request</Message></Error></ErrorResponse>`,
        };
      } else {
        try {
          answer = handle(Buffer.concat(chunks).toString('utf8'));
        } catch (error) {
          // A bug of the fake, not the caller's fault: answered as SNS's own internal error.
          answer = {
            status: 500,
            xml: `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Receiver</Type><Code>InternalError</Code><Message>${xml(String(error))}</Message></Error></ErrorResponse>`,
          };
        }
      }
      res.writeHead(answer.status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
      res.end(answer.xml);
    });
  };
  const server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    messages,
    requests,
    violations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
