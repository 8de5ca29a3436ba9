// Reads a CloudTrail log file, gzip or plain JSON, as a stream of records, in bounded memory: at most the
// record being read and a chunk or two of text are held, whatever the file's size.
import { LogFileError } from '../errors.js';
import { decodeRecord, nonObjectRecord, oversizedRecord } from './decode-record.js';
import { gunzipChunks, hasGzipMagic, type TrailingBytes } from './gunzip.js';
import { RecordSplitter } from './record-splitter.js';
import { sourceChunks, type ByteSource } from './source-chunks.js';
import type { CloudTrailLogReader, ReadOptions, ReadStats, ReadWarning, ReaderItem } from './types.js';

export function readCloudTrailLog(source: ByteSource, options: ReadOptions): CloudTrailLogReader {
  const stats: ReadStats = {
    bytesIn: 0,
    bytesOut: 0,
    records: 0,
    delivered: 0,
    skipped: 0,
    malformed: 0,
    gzip: false,
    maxRecordBytesHeld: 0,
    warnings: [],
  };
  let started = false;
  return {
    stats,
    [Symbol.asyncIterator]() {
      // The source can be read once; a second pass would silently see nothing.
      if (started) throw new Error(`readCloudTrailLog: ${options.file} is already being read`);
      started = true;
      return readItems(source, options, stats);
    },
  };
}

async function* readItems(source: ByteSource, options: ReadOptions, stats: ReadStats): AsyncGenerator<ReaderItem> {
  const { file, prefilter } = options;
  const input = sourceChunks(
    source,
    (size) => (stats.bytesIn += size),
    () => (stats.gzip ? { file, compressedOffset: stats.bytesIn } : { file, offset: stats.bytesIn }),
  );
  const { head, chunks } = await peek(input, 2);
  stats.gzip = hasGzipMagic(head);
  if (!stats.gzip && /\.gz$/i.test(file)) {
    await input.return(undefined);
    throw new LogFileError(
      'NOT_GZIP',
      { file, compressedOffset: 0 },
      'the name ends in .gz but the content is not gzip',
    );
  }
  const text = stats.gzip
    ? gunzipChunks(chunks, file, (trailing) => stats.warnings.push(trailingBytesWarning(file, trailing)))
    : chunks;

  const splitter = new RecordSplitter(file, {
    ...(options.engine ? { engine: options.engine } : {}),
    ...(prefilter?.eventSources ? { wantedSources: prefilter.eventSources } : {}),
    ...(prefilter?.tokens ? { tokens: prefilter.tokens } : {}),
    ...(prefilter?.sureRecords ? { sureRecords: prefilter.sureRecords } : {}),
    ...(options.maxRecordBytes !== undefined ? { maxRecordBytes: options.maxRecordBytes } : {}),
  });
  // Records the splitter skipped by eventSource (see RecordSplitterOptions.wantedSources) count as skipped.
  let splitterSkipped = 0;
  const countSplitterSkips = () => {
    stats.records += splitter.skipped - splitterSkipped;
    stats.skipped += splitter.skipped - splitterSkipped;
    splitterSkipped = splitter.skipped;
  };
  try {
    for await (const chunk of text) {
      stats.bytesOut += chunk.length;
      splitter.push(chunk);
      for (let span = splitter.next(); span !== undefined; span = splitter.next()) {
        countSplitterSkips();
        stats.records++;
        if (span.kind === 'non-object') {
          stats.malformed++;
          yield nonObjectRecord(span, file);
        } else if (span.kind === 'oversized') {
          stats.malformed++;
          yield oversizedRecord(span, file, splitter.maxRecordBytes);
        } else if (prefilter && !prefilter(span.bytes, span.start, span.end, span.hints)) {
          stats.skipped++;
        } else {
          // Yielded as the call returns it, not from a local: a local keeps its value while this generator waits
          // for its consumer, which may itself wait for writes (the indexer), and the record would outlive the
          // young generation (docs/performance-notes.md, "Session 7, indexrss").
          yield counted(decodeRecord(span, file), stats);
        }
      }
      countSplitterSkips();
      stats.maxRecordBytesHeld = splitter.maxBufferedBytes;
    }
    splitter.finish();
  } finally {
    // Its scan engine goes back for the next file, however this one ended (finish, an error, a consumer that stopped).
    splitter.release();
  }
}

/** `item`, counted as delivered or malformed. */
function counted(item: ReaderItem, stats: ReadStats): ReaderItem {
  if (item.kind === 'record') stats.delivered++;
  else stats.malformed++;
  return item;
}

function trailingBytesWarning(file: string, { compressedOffset, length }: TrailingBytes): ReadWarning {
  return {
    code: 'TRAILING_BYTES',
    location: { file, compressedOffset },
    message: `${file}, compressed byte ${compressedOffset}: ${length} byte${length === 1 ? '' : 's'} after the gzip data, not gzip; ignored (every record was read)`,
  };
}

/**
 * Takes chunks from `chunks` until at least `size` bytes are in hand (fewer if the input is shorter).
 * Returns those bytes and the whole input again, unconsumed, as an iterable.
 */
async function peek(
  chunks: AsyncGenerator<Buffer>,
  size: number,
): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  const taken: Buffer[] = [];
  let takenBytes = 0;
  while (takenBytes < size) {
    const result = await chunks.next();
    if (result.done) break;
    taken.push(result.value);
    takenBytes += result.value.length;
  }
  const first = taken[0];
  const head = first && first.length >= size ? first.subarray(0, size) : Buffer.concat(taken).subarray(0, size);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield* taken;
      yield* chunks;
    } finally {
      await chunks.return(undefined);
    }
  }
  return { head, chunks: replay() };
}
