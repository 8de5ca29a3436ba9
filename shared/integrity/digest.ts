// A CloudTrail digest file (log file integrity validation), parsed and checked field by field.
//
// Fields and meaning: AWS CloudTrail User Guide, "CloudTrail digest file structure"
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html).
// Only the fields validation needs are required; every other field is kept as it is. A digest that lacks one
// of them, or has it with the wrong type, is rejected with a DigestFormatError naming the file and the field.
import { isJsonObject, type JsonObject, type JsonValue } from '../cloudtrail.js';
import { TrailwatchError } from '../errors.js';

export interface DigestLogFile {
  s3Bucket: string;
  s3Object: string;
  /** Hex hash of the log file's uncompressed bytes. */
  hashValue: string;
  /** `SHA-256` in every digest CloudTrail writes. */
  hashAlgorithm: string;
  oldestEventTime: string | null;
  newestEventTime: string | null;
}

export interface Digest {
  awsAccountId: string | null;
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm: string | null;
  /** Null for the first digest of a chain (validation just turned on, or logging restarted). */
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  previousDigestSignature: string | null;
  logFiles: DigestLogFile[];
}

/** A digest file that cannot be used: not gzip, not JSON, or a field validation needs is missing or wrong. */
export class DigestFormatError extends TrailwatchError {
  readonly code: 'DIGEST_NOT_GZIP' | 'DIGEST_NOT_JSON' | 'DIGEST_FIELD';
  /** `s3://bucket/key` or a path. */
  readonly file: string;
  /** The field at fault (`logFiles[3].hashValue`), when one is. */
  readonly field: string | undefined;

  constructor(code: DigestFormatError['code'], file: string, detail: string, field?: string) {
    super(`${file}: ${field === undefined ? '' : `${field}: `}${detail}`);
    this.name = 'DigestFormatError';
    this.code = code;
    this.file = file;
    this.field = field;
  }
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const HEX = /^[0-9a-f]+$/i;

class Fields {
  constructor(
    private readonly file: string,
    private readonly object: JsonObject,
    private readonly path: string,
  ) {}

  private name(field: string): string {
    return this.path === '' ? field : `${this.path}.${field}`;
  }

  private fail(field: string, detail: string): never {
    throw new DigestFormatError('DIGEST_FIELD', this.file, detail, this.name(field));
  }

  string(field: string, shape?: { pattern: RegExp; what: string }): string {
    const value = this.object[field];
    if (value === undefined) this.fail(field, 'missing');
    if (typeof value !== 'string') this.fail(field, `must be a string, not ${describe(value)}`);
    if (value === '') this.fail(field, 'is empty');
    if (shape && !shape.pattern.test(value))
      this.fail(field, `must be ${shape.what}, not ${JSON.stringify(value.slice(0, 80))}`);
    return value;
  }

  /** A string or null; a missing field counts as null. */
  nullable(field: string, shape?: { pattern: RegExp; what: string }): string | null {
    const value = this.object[field];
    if (value === undefined || value === null) return null;
    return this.string(field, shape);
  }

  array(field: string): JsonValue[] {
    const value = this.object[field];
    if (value === undefined) this.fail(field, 'missing');
    if (!Array.isArray(value)) this.fail(field, `must be an array, not ${describe(value)}`);
    return value;
  }
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

const TIME = { pattern: ISO_TIME, what: 'a UTC time like 2015-08-17T15:01:31Z' };
const HEX_STRING = { pattern: HEX, what: 'hexadecimal' };

/** Parses the uncompressed text of a digest file; `file` names it in errors (`s3://bucket/key`). */
export function parseDigest(text: string, file: string): Digest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DigestFormatError('DIGEST_NOT_JSON', file, `not JSON (${(error as Error).message})`);
  }
  if (!isJsonObject(parsed)) throw new DigestFormatError('DIGEST_NOT_JSON', file, 'not a JSON object');
  const top = new Fields(file, parsed, '');
  const logFiles = top.array('logFiles').map((entry, i): DigestLogFile => {
    const where = `logFiles[${i}]`;
    if (!isJsonObject(entry))
      throw new DigestFormatError('DIGEST_FIELD', file, `must be an object, not ${describe(entry)}`, where);
    const f = new Fields(file, entry, where);
    return {
      s3Bucket: f.string('s3Bucket'),
      s3Object: f.string('s3Object'),
      hashValue: f.string('hashValue', HEX_STRING).toLowerCase(),
      hashAlgorithm: f.string('hashAlgorithm'),
      oldestEventTime: f.nullable('oldestEventTime'),
      newestEventTime: f.nullable('newestEventTime'),
    };
  });
  return {
    awsAccountId: top.nullable('awsAccountId'),
    digestStartTime: top.string('digestStartTime', TIME),
    digestEndTime: top.string('digestEndTime', TIME),
    digestS3Bucket: top.string('digestS3Bucket'),
    digestS3Object: top.string('digestS3Object'),
    digestPublicKeyFingerprint: top.string('digestPublicKeyFingerprint', HEX_STRING).toLowerCase(),
    digestSignatureAlgorithm: top.nullable('digestSignatureAlgorithm'),
    previousDigestS3Bucket: top.nullable('previousDigestS3Bucket'),
    previousDigestS3Object: top.nullable('previousDigestS3Object'),
    previousDigestSignature: top.nullable('previousDigestSignature', HEX_STRING),
    logFiles,
  };
}
