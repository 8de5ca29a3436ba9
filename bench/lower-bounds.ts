// Lower bounds (issue 17): for each handler target, what the target allows per file against the least any
// implementation must spend on one core on the work it cannot skip, all measured in the same run. It answers
// "is this target out of reach on one core, or is the gap our overhead?" with figures instead of a profile's
// reading, and says which part of a handler's time is ours to cut.
//
// The work no implementation can skip, per handler, on the 100 MB file:
//   - the core's own pass over the file: the core row (read + classify + rules) for the processor; for the indexer
//     the larger of the core row and the reader row that parses the categories' records (every RDS, Data API and
//     CloudTrail record: each scope indexes them, so each must classify them);
//   - reading the object from S3 over TLS: AES-GCM decryption of its compressed bytes, and the MD5 that checks them
//     against the ETag (kept by design: docs/performance-notes.md, "Session 6, processor");
//   - for the indexer, each PutLogEvents body: SigV4's SHA-256 of it (the payload hash is part of the canonical
//     request: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html) and TLS's AES-GCM
//     encryption of it. The bytes are CloudWatch Logs' count (messages + 26 per event), a little less than the
//     bodies on the wire, so the bound stays a bound.
// Not counted, though every real implementation pays them: building the index events, the HTTP framing, the SDK's
// per-call work (the first call's set-up and TLS handshake included), the alert messages and SNS calls, garbage
// collection. So a target whose bound reaches what it allows is out of reach on one core unless the core's own pass
// gets faster (the one part of the bound that is ours); one whose bound is well under it is not, and the gap is
// overhead to cut.
//
// The crypto rates come from a row of their own (`crypto`, a fresh worker like every row): OpenSSL's SHA-256, MD5 and
// AES-GCM (the faster of AES-128 and AES-256, TLS 1.3's two AES suites: the lower cost keeps the bound a bound) over
// the file's compressed bytes in 1 MiB pieces, the size of a full PutLogEvents body.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { median } from './measure.js';
import type { RowOutput, RowSpec } from './rows.js';

export const LOWER_BOUNDS_SECTION = 'lower-bounds';
export const CRYPTO_ROW = 'crypto';

const PIECE_BYTES = 1 << 20;
/** At least this many bytes per pass: long enough that a pass's timer and set-up are noise. */
const PASS_BYTES = 64 << 20;
const PASSES = 5;

export interface CryptoRates {
  /** Bytes per second, one core. */
  sha256: number;
  md5: number;
  aesGcm: number;
}

async function measureCrypto(file: string): Promise<RowOutput> {
  const data = await readFile(file);
  const pieces: Buffer[] = [];
  for (let at = 0; at + PIECE_BYTES <= data.length; at += PIECE_BYTES) pieces.push(data.subarray(at, at + PIECE_BYTES));
  if (pieces.length === 0) throw new Error(`${file}: under 1 MiB, too small to time crypto on`);
  const rounds = Math.ceil(PASS_BYTES / (pieces.length * PIECE_BYTES));
  const bytesPerPass = rounds * pieces.length * PIECE_BYTES;
  const iv = randomBytes(12);
  const rate = (work: (piece: Buffer) => void): number => {
    const seconds: number[] = [];
    for (let pass = 0; pass < PASSES; pass++) {
      const started = performance.now();
      for (let r = 0; r < rounds; r++) for (const piece of pieces) work(piece);
      seconds.push((performance.now() - started) / 1000);
    }
    return bytesPerPass / median(seconds);
  };
  const aes = (keyBytes: 16 | 32): number => {
    const key = randomBytes(keyBytes);
    return rate((piece) => {
      const cipher = createCipheriv(keyBytes === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
      cipher.update(piece);
      cipher.final();
    });
  };
  const rates: CryptoRates = {
    sha256: rate((piece) => createHash('sha256').update(piece).digest()),
    md5: rate((piece) => createHash('md5').update(piece).digest()),
    aesGcm: Math.max(aes(16), aes(32)),
  };
  return { figures: { ...rates }, detail: cryptoDetail(rates) };
}

function cryptoDetail(r: CryptoRates): string {
  const gb = (x: number): string => `${(x / 1e9).toFixed(2)} GB/s`;
  return `SHA-256 ${gb(r.sha256)}, MD5 ${gb(r.md5)}, AES-GCM ${gb(r.aesGcm)}`;
}

export const CRYPTO_ROW_SPEC: RowSpec = {
  id: CRYPTO_ROW,
  label: 'crypto rates on one core (SHA-256, MD5, AES-GCM)',
  kind: 'baseline',
  run: measureCrypto,
};

/** One file's figures from the same run; undefined where a row was not measured. */
export interface BoundInputs {
  /** Compressed bytes of the file (what GetObject sends). */
  compressedBytes: number;
  floorSeconds: number;
  coreSeconds: number;
  /** The reader row that parses the categories' records (trailwatch-read). */
  categoryReadSeconds: number | undefined;
  processorSeconds: number | undefined;
  indexerRds: { seconds: number; bytesSent: number } | undefined;
  indexerAll: { seconds: number; bytesSent: number } | undefined;
  crypto: CryptoRates;
}

export interface Bound {
  target: string;
  /** What the target allows for the file, in seconds. */
  allowed: number;
  /** The least the unskippable work costs, in seconds, and what it is made of. */
  bound: number;
  parts: Array<[name: string, seconds: number]>;
  measured: number | undefined;
}

/** The processor's and the indexer's targets (issue 17) against their lower bounds. */
export function lowerBounds(x: BoundInputs): Bound[] {
  const getObject: Array<[string, number]> = [
    ['TLS decryption of the body', x.compressedBytes / x.crypto.aesGcm],
    ['MD5 of the body', x.compressedBytes / x.crypto.md5],
  ];
  const bounds: Bound[] = [];
  const make = (target: string, allowed: number, parts: Array<[string, number]>, measured: number | undefined) =>
    bounds.push({ target, allowed, bound: parts.reduce((sum, [, s]) => sum + s, 0), parts, measured });
  make(
    'processor ≥ 0.8× the core',
    x.coreSeconds / 0.8,
    [['the core', x.coreSeconds], ...getObject],
    x.processorSeconds,
  );
  const pass = Math.max(x.coreSeconds, x.categoryReadSeconds ?? 0);
  const passName =
    x.categoryReadSeconds !== undefined && x.categoryReadSeconds > x.coreSeconds
      ? 'reading, categories parsed'
      : 'the core';
  const writes = (bytes: number): Array<[string, number]> => [
    ['SigV4 SHA-256 of what is sent', bytes / x.crypto.sha256],
    ['TLS encryption of what is sent', bytes / x.crypto.aesGcm],
  ];
  for (const [target, ratio, row] of [
    ['indexer, INDEX_SCOPE=rds, ≥ 0.35× raw gunzip', 0.35, x.indexerRds],
    ['indexer, every event, ≥ 0.25× raw gunzip', 0.25, x.indexerAll],
  ] as const) {
    if (!row) continue;
    make(target, x.floorSeconds / ratio, [[passName, pass], ...getObject, ...writes(row.bytesSent)], row.seconds);
  }
  return bounds;
}

/** The section's lines under the table. */
export function lowerBoundLines(fileName: string, bounds: Bound[], crypto: CryptoRates, missing: string[]): string[] {
  const ms = (s: number): string => `${(s * 1000).toFixed(0)}`;
  const lines = [
    `**Lower bounds on one core** (${fileName}, this run): what each target allows for the file, against the least that ` +
      `the work no implementation can skip costs on one core (bench/lower-bounds.ts; crypto rates measured in a worker ` +
      `of this run: ${cryptoDetail(crypto)}). Not counted: building events and messages, HTTP, the SDK's per-call ` +
      `work, GC. A bound that reaches what the target allows puts it out of reach on one core unless the core's pass ` +
      `gets faster; well under it, the rest of the gap is overhead.`,
    '',
    '| target | allowed ms | lower bound ms | of which | measured ms | bound / allowed |',
    '| --- | ---: | ---: | --- | ---: | ---: |',
  ];
  for (const b of bounds)
    lines.push(
      `| ${b.target} | ${ms(b.allowed)} | ${ms(b.bound)} | ${b.parts.map(([name, s]) => `${name} ${ms(s)}`).join(', ')} | ${b.measured === undefined ? '–' : ms(b.measured)} | ${(b.bound / b.allowed).toFixed(2)} |`,
    );
  if (missing.length > 0) lines.push('', `Not computed: ${missing.join('; ')}.`);
  return lines;
}
