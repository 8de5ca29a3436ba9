// Issue 18: the JSON Lines `trailwatch backfill --mode report` writes (functions/processor/batch-report.ts), read back
// by `scan` and `report`: each line is an alert (`schemaVersion`, `kind`, `rule`, ...) with `record`, the CloudTrail
// record that raised it. The records become an ordinary {"Records":[...]} log for the reader, as Event history does
// (event-history.ts), so the report draws its timelines and tables from them and the rules run on them again: the
// alerts shown are those of the rules the command runs with. A record that raised several alerts is on several lines
// and is read once; a storm summary line carries no record (its examples' records are in the summary itself).
import { gunzipSync } from 'node:zlib';
import { LogFileError } from '../../shared/errors.js';

export interface AlertLinesLog {
  /** {"Records":[...]}: one record per event not seen before, in line order. */
  log: Buffer;
  /** Records taken. */
  records: number;
  /** Records left out because one with the same eventID was already read. */
  duplicates: number;
}

/** True for the first line of such a file: an alert object carrying its record (sniff.ts decides on the keys). */
export function isAlertLineKeys(keys: readonly string[]): boolean {
  return keys.includes('schemaVersion') && keys.includes('rule') && keys.includes('record');
}

/** Turns alert lines into a CloudTrail log; `seen` carries eventIDs across the inputs of one run. */
export function alertLinesToLog(bytes: Buffer, file: string, seen: Set<string>): AlertLinesLog {
  const records: string[] = [];
  let duplicates = 0;
  let offset = 0;
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    throw new LogFileError('CORRUPT_GZIP', { file }, `not readable gzip: ${(error as Error).message}`);
  }
  for (const line of text.split('\n')) {
    const at = offset;
    offset += Buffer.byteLength(line) + 1;
    if (line.trim() === '') continue;
    let alert: unknown;
    try {
      alert = JSON.parse(line);
    } catch {
      throw new LogFileError('NOT_JSON', { file, offset: at }, 'a line of the alert lines is not JSON');
    }
    const record = typeof alert === 'object' && alert !== null ? (alert as { record?: unknown }).record : undefined;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) continue;
    const eventId = (record as { eventID?: unknown }).eventID;
    if (typeof eventId === 'string') {
      if (seen.has(eventId)) {
        duplicates++;
        continue;
      }
      seen.add(eventId);
    }
    records.push(JSON.stringify(record));
  }
  return { log: Buffer.from(`{"Records":[${records.join(',')}]}`), records: records.length, duplicates };
}
