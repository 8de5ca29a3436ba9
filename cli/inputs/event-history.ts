// CloudTrail Event history as `aws cloudtrail lookup-events` prints it: {"Events":[{"EventId":..., "CloudTrailEvent":
// "<the record as a JSON string>", ...}], "NextToken": ...}, one page or many (several files, or pages written one
// after another into one file). The records become an ordinary {"Records":[...]} log for the reader, so every
// rule, error and count works the same way. Event history is at most 90 days of management events and
// LookupEvents returns 50 events a call (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html),
// so these files are small: they are read whole.
import { gunzipSync } from 'node:zlib';
import { LogFileError } from '../../shared/errors.js';

export interface EventHistoryLog {
  /** {"Records":[...]}: one record per event not seen before, in page order. */
  log: Buffer;
  events: number;
  /** Events left out because an event with the same EventId was already read (overlapping pages). */
  duplicates: number;
}

export async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * Turns Event history pages into a CloudTrail log. `seen` carries EventIds across the inputs of one run.
 * Throws LogFileError naming the file when the text is not Event history.
 */
export function eventHistoryToLog(bytes: Buffer, file: string, seen: Set<string>): EventHistoryLog {
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    throw new LogFileError(
      'CORRUPT_GZIP',
      { file, compressedOffset: 0 },
      `not readable gzip (${(error as Error).message})`,
    );
  }
  const records: string[] = [];
  let events = 0;
  let duplicates = 0;
  for (const { value, offset } of jsonValues(text, file)) {
    const page = value as { Events?: unknown };
    if (typeof page !== 'object' || page === null || !Array.isArray(page.Events)) {
      throw new LogFileError('NO_RECORDS_ARRAY', { file, offset }, 'an Event history page without an "Events" array');
    }
    for (const event of page.Events as unknown[]) {
      events++;
      const { EventId: id, CloudTrailEvent: raw } = (typeof event === 'object' && event !== null ? event : {}) as {
        EventId?: unknown;
        CloudTrailEvent?: unknown;
      };
      if (typeof id === 'string') {
        if (seen.has(id)) {
          duplicates++;
          continue;
        }
        seen.add(id);
      }
      // Each record is parsed and written again, so no string in a page can change the log's structure; one that
      // is not a JSON object goes in as a JSON string, which the reader reports as a malformed record, by index.
      let record: unknown;
      try {
        record = typeof raw === 'string' ? JSON.parse(raw) : undefined;
      } catch {
        record = undefined;
      }
      records.push(
        typeof record === 'object' && record !== null && !Array.isArray(record)
          ? JSON.stringify(record)
          : JSON.stringify(`CloudTrailEvent of event ${records.length} is not a JSON object`),
      );
    }
  }
  return { log: Buffer.from(`{"Records":[${records.join(',')}]}`), events, duplicates };
}

/** The JSON values in `text`, one after another (whitespace between them), each with its offset. */
function* jsonValues(text: string, file: string): Generator<{ value: unknown; offset: number }> {
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s|\ufeff/.test(text[i]!)) i++;
    if (i >= text.length) return;
    const start = i;
    if (text[i] !== '{')
      throw new LogFileError(
        'NOT_JSON',
        { file, offset: Buffer.byteLength(text.slice(0, i)) },
        'expected an Event history page ({"Events":[...]})',
      );
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if ((c === '}' || c === ']') && --depth === 0) {
        i++;
        break;
      }
    }
    const offset = Buffer.byteLength(text.slice(0, start));
    if (depth !== 0) throw new LogFileError('TRUNCATED_JSON', { file, offset }, 'the Event history page ends early');
    try {
      yield { value: JSON.parse(text.slice(start, i)), offset };
    } catch (error) {
      throw new LogFileError('NOT_JSON', { file, offset }, `not JSON: ${(error as Error).message}`);
    }
  }
}
