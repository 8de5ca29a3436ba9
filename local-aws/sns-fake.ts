// A local stand-in for Amazon SNS's Publish and PublishBatch, for `npm start` and `npm run invoke`: a loopback HTTP
// server speaking the AWS query protocol as the real SNS client does (form-encoded POST, `Action=PublishBatch&
// Version=2010-03-31&...`, XML responses), so the bundled handler talks to it over HTTP with an unmodified SDK
// client (AWS_ENDPOINT_URL_SNS). It records every message it accepts and enforces the documented limits; each
// limit a request breaks is answered the way SNS answers it AND recorded in `violations`, so a caller that
// swallows the error still cannot hide it (the local run exits non-zero on any violation).
//
// Limits, from the SNS API reference (Publish, PublishBatch, PublishBatchRequestEntry) and the message
// attributes page of the developer guide, written out here on purpose rather than taken from the code under test:
// - PublishBatch: 1 to 10 entries (EmptyBatchRequest / TooManyEntriesInBatchRequest), Ids distinct
//   (BatchEntryIdsNotDistinct), Ids 1-80 characters of letters, digits, `-` and `_` (InvalidBatchEntryId), the
//   whole batch at most 262,144 bytes (BatchRequestTooLong);
// - a message at most 262,144 bytes (the topic's default MaximumMessageSize), counted as UTF-8 bytes of the
//   message, its attributes' names, types and values, and the subject (SNS documents body and attributes; the
//   subject is counted too, as the processor counts it: stricter, never looser);
// - Message required and not empty; Subject, when given, not empty, fewer than 100 characters, no line breaks or
//   control characters;
// - MessageStructure: only `json`, and then Message is a JSON object whose `default` is a string;
// - attributes: names 1-256 characters of letters, digits, `_`, `-`, `.`, not starting or ending with `.`, no
//   `..`, not starting with `AWS.` / `Amazon.` (any case); DataType String, String.Array, Number or Binary
//   (optionally `.custom`); a value that is not empty; a String.Array value is a JSON array; a Number a number.
// An entry of a batch that breaks a per-message rule is listed under `Failed` with SenderFault, as SNS reports
// entries it refuses; a Publish that breaks one gets the service's 400 error.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const SNS_MAX_MESSAGE_BYTES = 262_144;
export const SNS_MAX_BATCH_ENTRIES = 10;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const ATTRIBUTE_TYPE = /^(String|Number|Binary)(\.[^\s]+)?$/;
const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

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

// ---------------------------------------------------------------------------------------------------------

export interface EntryInput {
  Id?: string;
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  attributes: Array<{ Name?: string; DataType?: string; StringValue?: string; BinaryValue?: string }>;
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
    messages.push(message);
    return message;
  };

  const server = http.createServer((req, res) => {
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
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
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

// ---------------------------------------------------------------------------------------------------------
// The query protocol's flattened parameters: `P.member.N.Field`, `P.MessageAttributes.entry.M.Name`,
// `P.MessageAttributes.entry.M.Value.DataType|StringValue|BinaryValue` (lists are 1-based).

function readBatchEntries(params: URLSearchParams): EntryInput[] {
  const indexes = new Set<number>();
  for (const key of params.keys()) {
    const match = /^PublishBatchRequestEntries\.member\.(\d+)\./.exec(key);
    if (match) indexes.add(Number(match[1]));
  }
  return [...indexes].sort((a, b) => a - b).map((n) => readEntry(params, `PublishBatchRequestEntries.member.${n}.`));
}

function readEntry(params: URLSearchParams, prefix: string): EntryInput {
  const attributeIndexes = new Set<number>();
  const attributePrefix = `${prefix}MessageAttributes.entry.`;
  for (const key of params.keys()) {
    if (!key.startsWith(attributePrefix)) continue;
    const n = Number(key.slice(attributePrefix.length).split('.')[0]);
    if (Number.isInteger(n)) attributeIndexes.add(n);
  }
  const optional = (name: string): string | undefined => params.get(`${prefix}${name}`) ?? undefined;
  const entry: EntryInput = {
    attributes: [...attributeIndexes]
      .sort((a, b) => a - b)
      .map((n) => {
        const p = `${attributePrefix}${n}.`;
        return {
          ...(params.has(`${p}Name`) ? { Name: params.get(`${p}Name`) ?? '' } : {}),
          ...(params.has(`${p}Value.DataType`) ? { DataType: params.get(`${p}Value.DataType`) ?? '' } : {}),
          ...(params.has(`${p}Value.StringValue`) ? { StringValue: params.get(`${p}Value.StringValue`) ?? '' } : {}),
          ...(params.has(`${p}Value.BinaryValue`) ? { BinaryValue: params.get(`${p}Value.BinaryValue`) ?? '' } : {}),
        };
      }),
  };
  for (const field of ['Id', 'Message', 'Subject', 'MessageStructure'] as const) {
    const value = optional(field);
    if (value !== undefined) entry[field] = value;
  }
  return entry;
}

/** UTF-8 bytes of the message, the subject and every attribute's name, type and value. */
function entryBytes(entry: EntryInput): number {
  let bytes = Buffer.byteLength(entry.Message ?? '', 'utf8') + Buffer.byteLength(entry.Subject ?? '', 'utf8');
  for (const a of entry.attributes) {
    bytes +=
      Buffer.byteLength(a.Name ?? '', 'utf8') +
      Buffer.byteLength(a.DataType ?? '', 'utf8') +
      Buffer.byteLength(a.StringValue ?? '', 'utf8');
    if (a.BinaryValue !== undefined) bytes += Buffer.from(a.BinaryValue, 'base64').byteLength;
  }
  return bytes;
}

/** The per-message rules a Publish or a batch entry breaks. */
export function entryProblems(entry: EntryInput): string[] {
  const problems: string[] = [];
  if (!entry.Message) problems.push('Message is required and must not be empty');
  const bytes = entryBytes(entry);
  if (bytes > SNS_MAX_MESSAGE_BYTES)
    problems.push(`message, subject and attributes are ${bytes} bytes, over ${SNS_MAX_MESSAGE_BYTES}`);

  if (entry.Subject !== undefined) {
    const chars = [...entry.Subject].length;
    if (chars === 0) problems.push('Subject is empty (omit it instead)');
    if (chars >= 100) problems.push(`Subject is ${chars} characters, not fewer than 100`);
    // Line breaks and control characters: C0, DEL and C1.
    if (/[\u0000-\u001f\u007f-\u009f]/.test(entry.Subject))
      problems.push(`Subject ${JSON.stringify(entry.Subject)} has a line break or control character`);
  }

  if (entry.MessageStructure !== undefined) {
    if (entry.MessageStructure !== 'json')
      problems.push(`MessageStructure ${JSON.stringify(entry.MessageStructure)} is not json`);
    else if (entry.Message) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(entry.Message);
      } catch {
        problems.push('MessageStructure is json but Message is not JSON');
      }
      if (parsed !== undefined && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)))
        problems.push('MessageStructure is json but Message is not a JSON object');
      else if (parsed !== undefined && typeof (parsed as Record<string, unknown>).default !== 'string')
        problems.push('MessageStructure is json but Message has no string "default" key');
    }
  }

  const names = new Set<string>();
  for (const a of entry.attributes) {
    const name = a.Name ?? '';
    const where = `attribute ${JSON.stringify(name)}`;
    if (!ATTRIBUTE_NAME.test(name)) problems.push(`${where}: name is not 1-256 letters, digits, _ - .`);
    if (name.startsWith('.') || name.endsWith('.') || name.includes('..'))
      problems.push(`${where}: name starts or ends with a period, or has two in a row`);
    if (/^(aws|amazon)\./i.test(name)) problems.push(`${where}: names starting with AWS. or Amazon. are reserved`);
    if (names.has(name)) problems.push(`${where}: given twice`);
    names.add(name);
    const type = a.DataType ?? '';
    if (type !== 'String.Array' && !ATTRIBUTE_TYPE.test(type))
      problems.push(`${where}: DataType ${JSON.stringify(type)} is not String, String.Array, Number or Binary`);
    const base = type === 'String.Array' ? 'String.Array' : type.split('.')[0];
    if (base === 'Binary') {
      if (!a.BinaryValue) problems.push(`${where}: Binary without a BinaryValue`);
    } else if (!a.StringValue) problems.push(`${where}: empty or missing StringValue`);
    else if (base === 'Number' && !Number.isFinite(Number(a.StringValue)))
      problems.push(`${where}: Number value ${JSON.stringify(a.StringValue)} is not a number`);
    else if (base === 'String.Array' && !isJsonArray(a.StringValue))
      problems.push(`${where}: String.Array value is not a JSON array`);
  }
  return problems;
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

function metadata(requestId: string): string {
  return `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
}

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
