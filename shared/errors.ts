// Typed errors with the context a person needs to find the bad input: which file, where in it.
// Every error thrown on user data is one of these; `code` is stable for programs, `message` is for people.

export interface LogLocation {
  /** Name of the input: a path, or `s3://bucket/key`. */
  file: string;
  /** Byte offset in the decompressed JSON text, when known. */
  offset?: number;
  /** Byte offset in the compressed input, for gzip errors. */
  compressedOffset?: number;
  /** 0-based index of the record in the `Records` array, when known. */
  recordIndex?: number;
}

export abstract class TrailwatchError extends Error {
  abstract readonly code: string;
}

function describe(location: LogLocation): string {
  const parts = [location.file];
  if (location.recordIndex !== undefined) parts.push(`record ${location.recordIndex}`);
  if (location.offset !== undefined) parts.push(`byte ${location.offset}`);
  else if (location.compressedOffset !== undefined) parts.push(`compressed byte ${location.compressedOffset}`);
  return parts.join(', ');
}

/** The log file as a whole cannot be read: nothing after `location` is delivered. */
export class LogFileError extends TrailwatchError {
  readonly code:
    | 'NOT_GZIP'
    | 'CORRUPT_GZIP'
    | 'TRUNCATED_GZIP'
    | 'NOT_JSON'
    | 'NO_RECORDS_ARRAY'
    | 'DUPLICATE_RECORDS'
    | 'TRUNCATED_JSON'
    | 'READ_FAILED';
  readonly location: LogLocation;

  constructor(code: LogFileError['code'], location: LogLocation, detail: string, options?: { cause?: unknown }) {
    super(`${describe(location)}: ${detail}`, options);
    this.name = 'LogFileError';
    this.code = code;
    this.location = location;
  }
}

/** One record cannot be used; the records around it are still delivered. */
export class MalformedRecordError extends TrailwatchError {
  readonly code: 'RECORD_NOT_OBJECT' | 'RECORD_NOT_JSON' | 'RECORD_MISSING_FIELD' | 'RECORD_TOO_LARGE';
  readonly location: LogLocation & { recordIndex: number; offset: number };

  constructor(
    code: MalformedRecordError['code'],
    location: LogLocation & { recordIndex: number; offset: number },
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${describe(location)}: ${detail}`, options);
    this.name = 'MalformedRecordError';
    this.code = code;
    this.location = location;
  }
}

/** A rules file or rule option is invalid; `source` names the file (or env var) and `path` the place in it. */
export class RulesError extends TrailwatchError {
  readonly code = 'INVALID_RULES';
  readonly source: string;
  readonly path: string;

  constructor(source: string, path: string, detail: string) {
    super(`${source}${path ? ` at ${path}` : ''}: ${detail}`);
    this.name = 'RulesError';
    this.source = source;
    this.path = path;
  }
}

/** A search flag's value the CloudWatch Logs filter pattern syntax cannot express, or a pattern over its limits. */
export class FilterPatternError extends TrailwatchError {
  readonly code = 'INVALID_SEARCH';

  constructor(detail: string) {
    super(detail);
    this.name = 'FilterPatternError';
  }
}
