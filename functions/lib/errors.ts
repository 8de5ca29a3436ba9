// Typed errors of the Lambda edge (triggers, config, S3, SNS). Each one is a TrailwatchError with a stable
// `code` and a message that names the input a person has to look at. Errors on a log file's content are the
// core's own (LogFileError in shared/errors.ts: file `s3://bucket/key`, offset).
import { TrailwatchError } from '../../shared/errors.js';

/** The invocation event is not a trigger shape trailwatch knows, or a known shape is missing what it needs. */
export class TriggerError extends TrailwatchError {
  readonly code: 'UNKNOWN_TRIGGER' | 'INVALID_TRIGGER';
  /** A short description of what was received (its shape, never its whole content). */
  readonly received: string;

  constructor(code: TriggerError['code'], received: string, detail: string) {
    super(`${detail} (received: ${received})`);
    this.name = 'TriggerError';
    this.code = code;
    this.received = received;
  }
}

export interface ConfigProblem {
  /** The environment variable at fault. */
  variable: string;
  message: string;
}

/** The function's environment is wrong; every problem is listed, so one deploy fixes them all. */
export class ConfigError extends TrailwatchError {
  readonly code = 'INVALID_CONFIG';
  readonly problems: readonly ConfigProblem[];

  constructor(scope: string, problems: ConfigProblem[], options?: { cause?: unknown }) {
    const lines = problems.map((p) => `  ${p.variable}: ${p.message}`);
    super(
      `${scope}: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      options,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** GetObject failed before any byte of the body was read (no such key, access denied, throttled...). */
export class ObjectReadError extends TrailwatchError {
  readonly code = 'GET_OBJECT_FAILED';
  readonly bucket: string;
  readonly key: string;
  /** The S3 error code (`NoSuchKey`, `AccessDenied`, ...) or the error's name. */
  readonly reason: string;

  constructor(bucket: string, key: string, reason: string, detail: string, options?: { cause?: unknown }) {
    super(`s3://${bucket}/${key}: ${detail}`, options);
    this.name = 'ObjectReadError';
    this.bucket = bucket;
    this.key = key;
    this.reason = reason;
  }
}

export interface FailedPublish {
  /** The entry's id in its batch. */
  id: string;
  code: string;
  message?: string;
  /** SNS's word: the request was wrong (retrying the same entry cannot help). */
  senderFault: boolean;
}

/** Messages could not be published after every retry: the invocation fails so nothing is dropped silently. */
export class PublishError extends TrailwatchError {
  readonly code = 'PUBLISH_FAILED';
  readonly topicArn: string;
  readonly failed: readonly FailedPublish[];
  readonly published: number;

  constructor(
    topicArn: string,
    failed: FailedPublish[],
    published: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    const first = failed.slice(0, 3).map((f) => `${f.id}: ${f.code}${f.message ? ` (${f.message})` : ''}`);
    const more = failed.length > first.length ? `, and ${failed.length - first.length} more` : '';
    super(
      `${topicArn}: ${failed.length} message${failed.length === 1 ? '' : 's'} not published ${detail}: ${first.join('; ')}${more}`,
      options,
    );
    this.name = 'PublishError';
    this.topicArn = topicArn;
    this.failed = failed;
    this.published = published;
  }
}

/** Some objects of one delivery failed; the others were processed. Thrown so the delivery is retried. */
export class DeliveryError extends TrailwatchError {
  readonly code = 'DELIVERY_FAILED';
  readonly errors: readonly Error[];

  constructor(errors: Error[], total: number) {
    const lines = errors.slice(0, 5).map((e) => `  ${e.message.split('\n')[0] ?? ''}`);
    const more = errors.length > lines.length ? `\n  and ${errors.length - lines.length} more` : '';
    super(`${errors.length} of ${total} object${total === 1 ? '' : 's'} failed:\n${lines.join('\n')}${more}`, {
      cause: errors[0],
    });
    this.name = 'DeliveryError';
    this.errors = errors;
  }
}

/** A PutLogEvents or CreateLogStream call kept failing (or failed for good): the delivery is retried by Lambda. */
export class IndexWriteError extends TrailwatchError {
  readonly code = 'INDEX_WRITE_FAILED';
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly operation: 'PutLogEvents' | 'CreateLogStream';
  /** Events in the batch that was not written. */
  readonly events: number;
  readonly attempts: number;
  /** The AWS error name (`ThrottlingException`, `AccessDeniedException`, ...). */
  readonly reason: string;

  constructor(
    details: {
      logGroupName: string;
      logStreamName: string;
      operation: IndexWriteError['operation'];
      events: number;
      attempts: number;
      reason: string;
    },
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${details.logGroupName}/${details.logStreamName}: ${details.operation} failed after ${details.attempts} attempt${details.attempts === 1 ? '' : 's'}${details.events > 0 ? ` (${details.events} events not written)` : ''}: ${detail}`,
      options,
    );
    this.name = 'IndexWriteError';
    this.logGroupName = details.logGroupName;
    this.logStreamName = details.logStreamName;
    this.operation = details.operation;
    this.events = details.events;
    this.attempts = details.attempts;
    this.reason = details.reason;
  }
}

/** Where an object's body stopped: what a person needs to find it and see how far the read got. */
export interface BodyPlace {
  bucket: string;
  key: string;
  versionId?: string;
  /** Body bytes received before the failure (compressed bytes for a .json.gz). */
  bytesRead: number;
  /** What S3 said the body holds (Content-Length), when it did. */
  contentLength?: number;
}

/**
 * Reading an object's body stopped for a reason of the transport, not of the file's content:
 * - BODY_STALLED: no byte arrived for the stall timeout while the reader waited for one;
 * - DEADLINE_REACHED: the invocation's time is nearly up (see deadline.ts);
 * - CHECKSUM_MISMATCH: the bytes read do not match the object's checksum (its ETag, when that is an MD5).
 * Lambda retries the delivery; the message names the object, its version and how far the read got.
 */
export class ObjectBodyError extends TrailwatchError {
  readonly code: 'BODY_STALLED' | 'DEADLINE_REACHED' | 'CHECKSUM_MISMATCH';
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly bytesRead: number;
  readonly contentLength: number | undefined;

  constructor(code: ObjectBodyError['code'], place: BodyPlace, detail: string, options?: { cause?: unknown }) {
    const version = place.versionId ? ` (version ${place.versionId})` : '';
    const of = place.contentLength !== undefined ? ` of ${place.contentLength.toLocaleString('en-US')}` : '';
    // Before any body (GetObject unanswered, a file not started) there is no "how far" to say.
    const progress =
      place.bytesRead > 0 || place.contentLength !== undefined
        ? `, after ${place.bytesRead.toLocaleString('en-US')}${of} bytes`
        : '';
    super(`s3://${place.bucket}/${place.key}${version}: ${detail}${progress}`, options);
    this.name = 'ObjectBodyError';
    this.code = code;
    this.bucket = place.bucket;
    this.key = place.key;
    this.versionId = place.versionId;
    this.bytesRead = place.bytesRead;
    this.contentLength = place.contentLength;
  }
}
