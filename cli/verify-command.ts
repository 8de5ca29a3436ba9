// `trailwatch verify s3://BUCKET[/PREFIX]`: proves a trail's files complete and unmodified with CloudTrail's
// digests (log file integrity validation), for every account and region under the prefix.
//
// Each digest in the range: location (it sits where it says), signature (SHA256withRSA with the regional
// public key it names), and its link to the previous digest (a missing one is a gap in the chain). Each log file
// a digest lists: SHA-256 of its uncompressed content. Each log file present in the range: listed by a digest.
// The checks are shared/integrity/check.ts; this module lists, reads (S3, bounded concurrency) and reports.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  checkDigest,
  checkLink,
  checkLogFile,
  previousLink,
  type DigestCheck,
  type FileResult,
} from '../shared/integrity/check.js';
import { parseDigestKey, parseLogKey, streamOf, type LogKey } from '../shared/integrity/keys.js';
import { parsePublicKeysFile } from '../shared/integrity/public-keys.js';
import { PublicKeySet } from '../shared/integrity/signature.js';
import { PublicKeyCache, publicKeyLister } from '../functions/lib/cloudtrail-public-keys.js';
import { parseIsoTime } from '../shared/iso-time.js';
import { UsageError } from './args.js';
import { endpointUrlOption, requireProfile } from './aws-options.js';
import { describeAwsError } from './aws-errors.js';
import { AwsInputError } from './inputs/aws-input-error.js';
import { fetchDigest, hashLogFile, headSignature, listTrailKeys } from './verify-s3.js';

export { VERIFY_USAGE } from './verify-usage.js';

const HOUR = 3600_000;
/** Digests ending this long after --end can still list log files delivered before it. */
const DIGEST_SPILL_MS = 2 * HOUR;
/** A log file this recent may simply not be in a digest yet (digests come hourly). */
const NOT_YET_DIGESTED_MS = 2 * HOUR;
const DEFAULT_CONCURRENCY = 8;
const PROGRESS_EVERY_MS = 1000;

export type Env = Readonly<Record<string, string | undefined>>;

export interface VerifyArgs {
  bucket: string;
  /** `''` or the prefix with a trailing slash. */
  root: string;
  start: Date | undefined;
  end: Date;
  format: 'text' | 'json';
  publicKeysFile: string | undefined;
  concurrency: number;
  /** The S3 client's region; ListPublicKeys always asks each digest's own region. */
  region?: string;
  /** For S3 and ListPublicKeys. */
  profile?: string;
  /** An S3-compatible endpoint (path-style), for S3 only. */
  endpointUrl?: string;
}

function parseTime(value: string, option: string): Date {
  // Strict (shared/iso-time.ts): 2026-02-31 is a usage error, not 3 March.
  const time = parseIsoTime(value);
  if (time === null) throw new UsageError(`${option}: not an ISO 8601 time that exists: "${value}"`);
  return new Date(time);
}

function parseVerifyFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        start: { type: 'string' },
        end: { type: 'string' },
        'public-keys': { type: 'string' },
        format: { type: 'string', default: 'text' },
        concurrency: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        'endpoint-url': { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function parseVerifyArgs(args: string[], now: Date = new Date()): VerifyArgs {
  const { values, positionals } = parseVerifyFlags(args);
  if (positionals.length !== 1) throw new UsageError('verify needs exactly one s3://BUCKET[/PREFIX]');
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(positionals[0] ?? '');
  if (!m?.[1]) throw new UsageError(`"${positionals[0]}" is not s3://BUCKET[/PREFIX]`);
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (values.format !== 'text' && values.format !== 'json')
    throw new UsageError(`--format must be text or json, not "${values.format}"`);
  const start = values.start === undefined ? undefined : parseTime(values.start, '--start');
  const end = values.end === undefined ? now : parseTime(values.end, '--end');
  if (start && start > end) throw new UsageError('--start is after --end');
  const concurrency = values.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError('--concurrency must be a whole number from 1 to 64');
  const endpointUrl = endpointUrlOption(values['endpoint-url']);
  return {
    bucket: m[1],
    root: prefix ? `${prefix}/` : '',
    start,
    end,
    format: values.format,
    publicKeysFile: values['public-keys'],
    concurrency,
    ...(values.region ? { region: values.region } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
  };
}

export interface VerifyIo {
  out: (line: string) => void;
  err: (line: string) => void;
  interactive?: boolean;
  env?: Env;
  now?: Date;
  /**
   * Default: a client from --region, --profile and --endpoint-url (as `scan s3://` makes its own), else the SDK's
   * environment, and S3_FORCE_PATH_STYLE as the functions read it.
   */
  s3?: S3Client;
  /** Default: ListPublicKeys in each digest's region, with --profile's credentials. */
  keys?: PublicKeyCache;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * An S3 or CloudTrail call. Its failure (AWS unreachable, access denied, no such bucket) ends the run with one line
 * saying what could not be done, and exit status 1 (cli/trailwatch.ts), as `scan s3://` and `backfill` do: a
 * verification that could not read what it checks proves nothing, so it does not go on.
 */
async function aws<T>(action: string, permission: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AwsInputError(describeAwsError(error, { action, permission }));
  }
}

export function formatResult(result: FileResult, format: 'text' | 'json'): string {
  if (format === 'json') {
    return JSON.stringify({
      kind: result.kind,
      bucket: result.bucket,
      key: result.key,
      status: result.status,
      reason: result.reason,
      hour: result.hour ?? null,
      digest: result.kind === 'log' ? (result.digest ?? null) : null,
    });
  }
  return `${result.status.padEnd(17)} ${result.kind.padEnd(6)} s3://${result.bucket}/${result.key}  ${result.reason}`;
}

export async function runVerify(args: VerifyArgs, io: VerifyIo): Promise<number> {
  const env = io.env ?? process.env;
  const now = io.now ?? new Date();
  // Before any client: the SDK would report a missing profile as "Region is missing", on the first call.
  if (!io.s3 || !io.keys) await requireProfile(args.profile, env);
  const s3 =
    io.s3 ??
    // Imported when used, as scan's s3:// inputs do: a static import would merge that module into a shared chunk.
    (await (
      await import('./inputs/s3.js')
    ).createS3Client({
      ...(args.region ? { region: args.region } : {}),
      ...(args.profile ? { profile: args.profile } : {}),
      ...(args.endpointUrl ? { endpointUrl: args.endpointUrl } : {}),
      // As functions/lib/aws-clients.ts reads it (not imported: it would bring SNS into the CLI).
      forcePathStyle: /^(true|1|yes)$/i.test(env.S3_FORCE_PATH_STYLE?.trim() ?? ''),
    }));
  let fileKeys: PublicKeySet | undefined;
  if (args.publicKeysFile !== undefined) {
    let text: string;
    try {
      text = await readFile(args.publicKeysFile, 'utf8');
    } catch (error) {
      throw new UsageError(`--public-keys ${args.publicKeysFile}: ${(error as Error).message}`);
    }
    fileKeys = new PublicKeySet(parsePublicKeysFile(text, args.publicKeysFile));
  }
  // Not --region nor --endpoint-url: each region signs its digests with its own keys, found in that region only
  // (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListPublicKeys.html), and the endpoint is S3's.
  const keyCache = io.keys ?? new PublicKeyCache(publicKeyLister(args.profile ? { profile: args.profile } : {}));
  const started = Date.now();
  const counts = new Map<string, number>();
  let lastProgress = started;
  let progressShown = false;
  let done = 0;
  let total = 0;
  const report = (result: FileResult): void => {
    const label = `${result.kind} ${result.status}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
    io.out(formatResult(result, args.format));
    done++;
    const t = Date.now();
    if (t - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = t;
      progressShown = true;
      const line = `trailwatch: verified ${done}/${total} files, ${((t - started) / 1000).toFixed(0)} s`;
      if (io.interactive) process.stderr.write(`\r${line}`);
      else io.err(line);
    }
  };

  // 1. What is there.
  const start = args.start;
  const digestTo = new Date(args.end.getTime() + DIGEST_SPILL_MS);
  const range = start
    ? { digestDays: { from: start, to: digestTo }, logDays: { from: start, to: args.end } }
    : { digestDays: undefined, logDays: undefined };
  const digestKeys: string[] = [];
  const logKeys: LogKey[] = [];
  await aws(`list s3://${args.bucket}/${args.root}`, 's3:ListBucket', async () => {
    for await (const { folder, key } of listTrailKeys(s3, args.bucket, args.root, range)) {
      if (folder === 'digest') {
        const parsed = parseDigestKey(key);
        if (parsed && (!start || parsed.time >= start) && parsed.time <= digestTo) digestKeys.push(key);
      } else {
        const parsed = parseLogKey(key);
        if (parsed && (!start || parsed.time >= start) && parsed.time <= args.end)
          logKeys.push(Object.assign(parsed, { key }));
      }
    }
  });
  digestKeys.sort();
  total = digestKeys.length + logKeys.length;

  // 2. Each digest: location and signature.
  const checks = new Map<string, DigestCheck>();
  await eachLimited(digestKeys, args.concurrency, async (key) => {
    const fetched = await aws(`read s3://${args.bucket}/${key}`, 's3:GetObject', () =>
      fetchDigest(s3, args.bucket, key),
    );
    if (!fetched) return; // deleted since it was listed
    const parsedKey = parseDigestKey(key);
    let keys = fileKeys;
    if (!keys && parsedKey) {
      const fingerprint =
        /"digestPublicKeyFingerprint"\s*:\s*"([0-9a-fA-F]+)"/.exec(fetched.body.toString('utf8'))?.[1] ?? '';
      const region = parsedKey.region;
      keys = await aws(`get CloudTrail's public keys in ${region}`, 'cloudtrail:ListPublicKeys', () =>
        keyCache.forDigest(region, fingerprint, parsedKey.time),
      );
    }
    const check = checkDigest(fetched, keys);
    checks.set(key, check);
    report(check.result);
  });

  // 3. The chain: the previous digest each one names is there, with the signature it names.
  const reportedMissing = new Set<string>();
  const links = [...checks.values()]
    .flatMap((c) =>
      c.digest && c.result.status !== 'moved' ? [previousLink(args.bucket, c.result.key, c.digest)] : [],
    )
    .filter((l) => l !== undefined);
  await eachLimited(links, args.concurrency, async (link) => {
    const known = link.bucket === args.bucket ? checks.get(link.key) : undefined;
    const previous = known
      ? { signature: known.signature }
      : await aws(`read s3://${link.bucket}/${link.key}`, 's3:GetObject', () =>
          headSignature(s3, link.bucket, link.key),
        );
    const verdict = checkLink(link, previous);
    if (verdict && !reportedMissing.has(`${link.bucket}/${link.key}/${verdict.status}`)) {
      reportedMissing.add(`${link.bucket}/${link.key}/${verdict.status}`);
      total++;
      report(verdict);
    }
  });

  // 4. Every listed log file: its hash.
  const listed = new Map<
    string,
    {
      listing: NonNullable<DigestCheck['digest']>['logFiles'][number];
      digest: { key: string; hour: { start: string; end: string } };
    }
  >();
  const newestDigest = new Map<string, Date>();
  for (const check of checks.values()) {
    if (!check.digest || check.result.status === 'moved') continue;
    const parsedKey = parseDigestKey(check.result.key);
    if (parsedKey) {
      const stream = streamOf(parsedKey);
      const end = new Date(check.digest.digestEndTime);
      if (!(end <= (newestDigest.get(stream) ?? new Date(0)))) newestDigest.set(stream, end);
    }
    // Only a valid digest vouches for its log files (as validate-logs); the others' files count as unlisted.
    if (check.result.status !== 'valid') continue;
    for (const listing of check.digest.logFiles) {
      const id = `${listing.s3Bucket}/${listing.s3Object}`;
      if (!listed.has(id))
        listed.set(id, {
          listing,
          digest: {
            key: check.result.key,
            hour: { start: check.digest.digestStartTime, end: check.digest.digestEndTime },
          },
        });
    }
  }
  const present = new Set(logKeys.map((l) => `${args.bucket}/${(l as LogKey & { key: string }).key}`));
  total += [...listed.keys()].filter((id) => !present.has(id)).length;
  await eachLimited([...listed.values()], args.concurrency, async ({ listing, digest }) => {
    const hash = await aws(`read s3://${listing.s3Bucket}/${listing.s3Object}`, 's3:GetObject', () =>
      hashLogFile(s3, listing.s3Bucket, listing.s3Object),
    );
    if (hash.found && 'unreadable' in hash) {
      report({
        kind: 'log',
        bucket: listing.s3Bucket,
        key: listing.s3Object,
        status: 'modified',
        reason: `cannot be read as CloudTrail wrote it: ${hash.unreadable}`,
        hour: digest.hour,
        digest: digest.key,
      });
      return;
    }
    report(checkLogFile(listing, digest, hash.found ? hash.sha256 : undefined));
  });

  // 5. Log files present that no digest lists.
  let pending = 0;
  for (const log of logKeys as Array<LogKey & { key: string }>) {
    if (listed.has(`${args.bucket}/${log.key}`)) continue;
    const newest = newestDigest.get(streamOf(log));
    if ((newest === undefined || log.time > newest) && now.getTime() - log.time.getTime() < NOT_YET_DIGESTED_MS) {
      pending++;
      continue;
    }
    const why =
      newest === undefined
        ? `no digest in the range covers ${log.account}/${log.region}`
        : 'no valid digest in the range lists it';
    report({ kind: 'log', bucket: args.bucket, key: log.key, status: 'unlisted', reason: `present, but ${why}` });
  }

  if (progressShown && io.interactive) process.stderr.write('\r\x1b[K');
  const bad = [...counts].filter(([label]) => !label.endsWith(' valid')).reduce((n, [, c]) => n + c, 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const line = (kind: string) =>
    [...counts]
      .filter(([label]) => label.startsWith(`${kind} `))
      .sort()
      .map(([label, n]) => `${n} ${label.slice(kind.length + 1)}`)
      .join(', ') || 'none';
  io.err(
    `Verified s3://${args.bucket}/${args.root} from ${start?.toISOString() ?? 'the first digest'} to ${args.end.toISOString()} in ${seconds} s`,
  );
  io.err(`  digests: ${line('digest')}`);
  io.err(`  log files: ${line('log')}${pending ? `; ${pending} newer than the last digest, not yet checkable` : ''}`);
  if (checks.size === 0) {
    io.err('  no digest files found: nothing is proven (is log file validation on, and the bucket and prefix right?)');
    return 1;
  }
  io.err(bad === 0 ? '  everything checked is valid' : `  ${bad} file${bad === 1 ? '' : 's'} not valid`);
  return bad === 0 ? 0 : 1;
}

export async function verify(args: string[], io: VerifyIo): Promise<number> {
  return runVerify(parseVerifyArgs(args, io.now), io);
}
