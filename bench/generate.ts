// Deterministic generator of realistic CloudTrail log files for the benchmark (and its test): the files, their
// statistics and their cache here; the records in bench/records/, built with scripts/cloudtrail-synth/.
//
// Shapes follow the CloudTrail record reference and the real records in test/fixtures/corpus/: compact JSON
// `{"Records":[...]}`, keys in CloudTrail's order, userIdentity variants, tlsDetails, null responseElements
// on most read-only calls, service-invoked calls (including KMS/STS calls made *by* rds.amazonaws.com, which
// mention RDS without being RDS events). About 10 % of the records are rds.amazonaws.com events; a little
// over 1 % are RDS Data API (both event sources) and CloudTrail configuration events.
//
// Deliberate stress beyond what a typical real file has: DescribeDBInstances carries responseElements of
// tens of KB (real CloudTrail logs null there for read-only calls), and strings with escaped quotes,
// backslashes (some ending in one), control characters and multi-byte UTF-8 appear often enough that every
// chunk boundary case shows up in a 100 MB file.

import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ALNUM } from '../scripts/cloudtrail-synth/alphabets.js';
import { logFileKey, RECORDS_HEAD as HEAD, RECORDS_TAIL as TAIL } from '../scripts/cloudtrail-synth/log-file.js';
import { Random, sfc32 } from '../scripts/cloudtrail-synth/random.js';
import { type Category, type GeneratedRecord, generateRecords as recordStream } from './records/stream.js';

export type { GeneratedRecord };

/** Bump whenever the output for a given seed changes: cached files of another version are regenerated. */
export const GENERATOR_VERSION = 4;
export const DEFAULT_SEED = 0x7a11_3a7c;

/** Uncompressed target sizes (MB = 10^6 bytes). Files end at the first record boundary past the target. */
export const SIZES = { '5mb': 5_000_000, '100mb': 100_000_000, '1gb': 1_000_000_000 } as const;
export type SizeName = keyof typeof SIZES;
export function isSizeName(value: string): value is SizeName {
  return Object.hasOwn(SIZES, value);
}

/** The event sources trailwatch cares about (what the reader's prefilter keeps). */
export const RELEVANT_SOURCES = [
  'rds.amazonaws.com',
  'rdsdata.amazonaws.com',
  'rdsdataapi.amazonaws.com',
  'cloudtrail.amazonaws.com',
] as const;

export interface CategoryCount {
  records: number;
  bytes: number;
}

export interface GeneratedStats {
  generatorVersion: number;
  seed: number;
  targetBytes: number;
  /** Uncompressed size of the JSON text. */
  bytes: number;
  records: number;
  /** Records whose eventSource is one of RELEVANT_SOURCES. */
  relevantRecords: number;
  /** rds.amazonaws.com records (large DescribeDBInstances included). */
  rdsRecords: number;
  byCategory: Record<Category, CategoryCount>;
  /** Records whose JSON text contains an escaped quote or backslash. */
  recordsWithEscapes: number;
  /** Records whose JSON text contains non-ASCII UTF-8. */
  recordsWithUnicode: number;
  largestRecordBytes: number;
}

export interface GeneratedFile extends GeneratedStats {
  path: string;
  compressedBytes: number;
}

/** An endless, deterministic sequence of records (bench/records/). */
export function generateRecords(seed = DEFAULT_SEED): Generator<GeneratedRecord> {
  return recordStream(seed);
}

function emptyStats(seed: number, targetBytes: number): GeneratedStats {
  const zero = (): CategoryCount => ({ records: 0, bytes: 0 });
  return {
    generatorVersion: GENERATOR_VERSION,
    seed,
    targetBytes,
    bytes: 0,
    records: 0,
    relevantRecords: 0,
    rdsRecords: 0,
    byCategory: {
      rds: zero(),
      'rds-describe-large': zero(),
      rdsdata: zero(),
      rdsdataapi: zero(),
      cloudtrail: zero(),
      other: zero(),
    },
    recordsWithEscapes: 0,
    recordsWithUnicode: 0,
    largestRecordBytes: 0,
  };
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * The log file's text in pieces of about `pieceBytes`, ending at the first record boundary at or past
 * `targetBytes`. `stats` is filled in as pieces are produced and is complete when the generator returns.
 */
export function* generateLogPieces(
  targetBytes: number,
  stats: GeneratedStats,
  seed = DEFAULT_SEED,
  pieceBytes = 1 << 20,
): Generator<string> {
  let piece = HEAD;
  let bytes = HEAD.length;
  let first = true;
  for (const rec of generateRecords(seed)) {
    if (!first) piece += ',';
    first = false;
    piece += rec.json;
    const size = Buffer.byteLength(rec.json);
    bytes += size + 1;
    stats.records++;
    const c = stats.byCategory[rec.category];
    c.records++;
    c.bytes += size;
    if (rec.category !== 'other') stats.relevantRecords++;
    if (rec.category === 'rds' || rec.category === 'rds-describe-large') stats.rdsRecords++;
    if (rec.json.includes('\\"') || rec.json.includes('\\\\')) stats.recordsWithEscapes++;
    if (size !== rec.json.length || NON_ASCII.test(rec.json)) stats.recordsWithUnicode++;
    if (size > stats.largestRecordBytes) stats.largestRecordBytes = size;
    if (bytes + TAIL.length >= targetBytes) break;
    if (piece.length >= pieceBytes) {
      yield piece;
      piece = '';
    }
  }
  piece += TAIL;
  yield piece;
  stats.bytes = bytes - 1 + TAIL.length; // the first record had no comma
  if (stats.records === 0) stats.bytes = HEAD.length + TAIL.length;
}

/** A whole (small) log file as one string, for tests. */
export function generateLogText(targetBytes: number, seed = DEFAULT_SEED): { text: string; stats: GeneratedStats } {
  const stats = emptyStats(seed, targetBytes);
  let text = '';
  for (const piece of generateLogPieces(targetBytes, stats, seed)) text += piece;
  return { text, stats };
}

/** Writes a gzipped log file (streaming: memory stays flat for any size) and a `.meta.json` beside it. */
export async function writeLogFile(path: string, targetBytes: number, seed = DEFAULT_SEED): Promise<GeneratedFile> {
  const file = await writeGzippedLog(path, targetBytes, seed);
  await writeFile(metaPath(path), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

async function writeGzippedLog(path: string, targetBytes: number, seed: number): Promise<GeneratedFile> {
  await mkdir(dirname(path), { recursive: true });
  const stats = emptyStats(seed, targetBytes);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const pieces = generateLogPieces(targetBytes, stats, seed);
    const source = Readable.from(
      (function* () {
        for (const piece of pieces) yield Buffer.from(piece, 'utf8');
      })(),
      { objectMode: false },
    );
    await pipeline(source, createGzip({ level: 6 }), createWriteStream(tmp));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const compressedBytes = (await stat(path)).size;
  return { ...stats, path, compressedBytes };
}

export function metaPath(path: string): string {
  return `${path.replace(/\.json\.gz$/, '')}.meta.json`;
}

/** Reads the `.meta.json` of a file if it belongs to this generator version, seed and target, else undefined. */
export async function readCachedMeta(
  path: string,
  targetBytes: number,
  seed = DEFAULT_SEED,
): Promise<GeneratedFile | undefined> {
  try {
    const meta = JSON.parse(await readFile(metaPath(path), 'utf8')) as GeneratedFile;
    const size = (await stat(path)).size;
    if (
      meta.generatorVersion === GENERATOR_VERSION &&
      meta.seed === seed &&
      meta.targetBytes === targetBytes &&
      meta.compressedBytes === size
    )
      return { ...meta, path };
  } catch {
    // missing or unreadable: regenerate
  }
  return undefined;
}

/** The cached file for a size, generated first when missing or made by another generator version. */
export async function ensureLogFile(
  dir: string,
  size: SizeName,
  log: (line: string) => void = () => {},
): Promise<GeneratedFile> {
  const path = `${dir}/cloudtrail-${size}.json.gz`;
  const cached = await readCachedMeta(path, SIZES[size]);
  if (cached) return cached;
  log(`generating ${path} (generator v${GENERATOR_VERSION}) ...`);
  const started = performance.now();
  const file = await writeLogFile(path, SIZES[size]);
  log(`  ${describeFile(file)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

export function describeFile(f: GeneratedFile): string {
  const pct = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)} %`;
  const rdsBytes = f.byCategory.rds.bytes + f.byCategory['rds-describe-large'].bytes;
  return (
    `${(f.bytes / 1e6).toFixed(1)} MB JSON, ${(f.compressedBytes / 1e6).toFixed(1)} MB gzipped, ${f.records.toLocaleString('en-US')} records; ` +
    `RDS ${pct(f.rdsRecords, f.records)} of records / ${pct(rdsBytes, f.bytes)} of bytes, ` +
    `relevant to trailwatch ${pct(f.relevantRecords, f.records)} of records; largest record ${(f.largestRecordBytes / 1e3).toFixed(0)} KB`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Typical deliveries: many files of the size a busy trail delivers (a few hundred KB to a few MB of JSON each),
// rather than one big file.

export interface TypicalFilesOptions {
  count: number;
  /** Uncompressed JSON bytes per file (each ends at the first record boundary at or past it). */
  targetBytes: number;
  /** File i is generated from seed `seed + i`. */
  seed?: number;
}

export interface TypicalFile extends GeneratedFile {
  /** The file's key under `dir`, in CloudTrail's layout (AWSLogs/<account>/CloudTrail/<region>/...). */
  key: string;
}

interface TypicalManifest {
  generatorVersion: number;
  count: number;
  targetBytes: number;
  seed: number;
  files: TypicalFile[];
}

/** The CloudTrail key of typical file `i`: deliveries every 5 minutes from 2024-05-14 10:00 UTC, us-east-1. */
function typicalFileKey(i: number, seed: number): string {
  const minutes = 10 * 60 + 5 * i;
  const hhmm = `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`;
  const unique = new Random(sfc32(seed + i)).chars(ALNUM, 16);
  return logFileKey({ account: '123456789012', region: 'us-east-1', date: '2024-05-14', time: hhmm, unique });
}

/**
 * `count` gzipped log files of about `targetBytes` of JSON each under `dir`, at CloudTrail keys (typicalFileKey),
 * with one manifest `dir/typical-files.json`; reused when the manifest matches this generator version and
 * options and every file is there with its size, else written again.
 */
export async function ensureTypicalFiles(
  dir: string,
  { count, targetBytes, seed = DEFAULT_SEED }: TypicalFilesOptions,
  log: (line: string) => void = () => {},
): Promise<TypicalFile[]> {
  const manifestPath = join(dir, 'typical-files.json');
  const cached = await readTypicalManifest(manifestPath);
  if (
    cached?.generatorVersion === GENERATOR_VERSION &&
    cached.count === count &&
    cached.targetBytes === targetBytes &&
    cached.seed === seed &&
    (await allPresent(cached.files))
  )
    return cached.files;
  log(
    `generating ${count} files of ${(targetBytes / 1e6).toFixed(1)} MB in ${dir} (generator v${GENERATOR_VERSION}) ...`,
  );
  await rm(join(dir, 'AWSLogs'), { recursive: true, force: true });
  const files: TypicalFile[] = [];
  for (let i = 0; i < count; i++) {
    const key = typicalFileKey(i, seed);
    files.push({ ...(await writeGzippedLog(join(dir, key), targetBytes, (seed + i) >>> 0)), key });
  }
  const manifest: TypicalManifest = { generatorVersion: GENERATOR_VERSION, count, targetBytes, seed, files };
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return files;
}

async function readTypicalManifest(path: string): Promise<TypicalManifest | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as TypicalManifest;
  } catch {
    return undefined; // missing or unreadable: regenerate
  }
}

async function allPresent(files: readonly TypicalFile[]): Promise<boolean> {
  for (const f of files) {
    try {
      if ((await stat(f.path)).size !== f.compressedBytes) return false;
    } catch {
      return false;
    }
  }
  return true;
}
