// Turns the bytes of one `Records` element into what the reader delivers: a parsed record, or the reason
// it cannot be used.
import type { CloudTrailRecord } from '../cloudtrail.js';
import { MalformedRecordError } from '../errors.js';
import type { NonObjectSpan, OversizedSpan, RecordSpan } from './record-splitter.js';
import type { MalformedRecord, ParsedRecord } from './types.js';

/** The fields every CloudTrail record has; the rest of trailwatch relies on them being strings. */
const REQUIRED_FIELDS = ['eventSource', 'eventName', 'eventTime'] as const;

export function decodeRecord(span: RecordSpan, file: string): ParsedRecord | MalformedRecord {
  const { index, offset } = span;
  const raw = span.bytes.toString('utf8', span.start, span.end);
  let record: CloudTrailRecord;
  try {
    // The span starts with `{`, so anything JSON.parse accepts is an object.
    record = JSON.parse(raw) as CloudTrailRecord;
  } catch (error) {
    const detail = `record is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    return malformed(
      new MalformedRecordError('RECORD_NOT_JSON', { file, recordIndex: index, offset }, detail, { cause: error }),
    );
  }
  for (const field of REQUIRED_FIELDS) {
    if (typeof record[field] !== 'string') {
      const detail = `record has no string '${field}'`;
      return malformed(new MalformedRecordError('RECORD_MISSING_FIELD', { file, recordIndex: index, offset }, detail));
    }
  }
  return { kind: 'record', index, offset, record, raw };
}

export function nonObjectRecord(span: NonObjectSpan, file: string): MalformedRecord {
  const detail = `record is ${NON_OBJECT_NAMES[span.found]}, not an object`;
  return malformed(
    new MalformedRecordError('RECORD_NOT_OBJECT', { file, recordIndex: span.index, offset: span.offset }, detail),
  );
}

/** A record too large to hold (RecordSplitterOptions.maxRecordBytes): it may matter, so it is reported, not dropped. */
export function oversizedRecord(span: OversizedSpan, file: string, limit: number): MalformedRecord {
  const detail = `record is ${span.size} bytes, over the ${limit}-byte limit for a record that may matter: not parsed, not classified`;
  return malformed(
    new MalformedRecordError('RECORD_TOO_LARGE', { file, recordIndex: span.index, offset: span.offset }, detail),
  );
}

const NON_OBJECT_NAMES: Record<NonObjectSpan['found'], string> = {
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
  token: 'not a JSON value',
};

function malformed(error: MalformedRecordError): MalformedRecord {
  return { kind: 'malformed', index: error.location.recordIndex, offset: error.location.offset, error };
}
