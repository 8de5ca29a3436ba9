// The AWS a local run talks to, all on loopback: S3 is s3rver (a real S3 API, in-process, temporary folder), SNS and
// CloudWatch Logs are the fakes of local-aws/. Also: the sample bucket's contents, the S3 event notifications S3
// would send for them, and the environment a bundled handler gets so that its unmodified SDK clients reach these
// endpoints (the SDK's own AWS_ENDPOINT_URL_<SERVICE> variables: S3, SNS, CLOUDWATCH_LOGS).
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EMULATOR_CREDENTIALS, startS3Emulator, type S3Emulator } from '../../local-aws/s3-emulator.js';
import {
  startCloudWatchLogsFakeServer,
  type CloudWatchLogsFakeServer,
} from '../../local-aws/cloudwatch-logs-fake-server.js';
import { startSnsFake, type SnsFake } from '../../local-aws/sns-fake.js';

export type FunctionName = 'processor' | 'indexer';
export const FUNCTION_NAMES: readonly FunctionName[] = ['processor', 'indexer'];

export const SAMPLE_BUCKET = 'trailwatch-sample-trail';
export const LOCAL_REGION = 'us-east-1';
/** What the template would create for a stack named trailwatch in account 123456789012 (the sample's account). */
export const LOCAL_ALERT_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:trailwatch-AlertTopic-local';
export const LOCAL_INDEX_LOG_GROUP = '/trailwatch/trailwatch/cloudtrail';
/** The template's IndexRetentionDays default. */
export const LOCAL_INDEX_RETENTION_DAYS = 90;
/** The template's FunctionMemorySize and FunctionTimeout defaults. */
export const LAMBDA_MEMORY_MB = 512;
export const LAMBDA_TIMEOUT_MS = 300_000;

export interface BucketObject {
  bucket: string;
  key: string;
  /** The local file it was uploaded from. */
  file: string;
  size: number;
  /** MD5 of the body, hex: a single-part upload's ETag. */
  eTag: string;
  /** When CloudTrail delivered it, from the time stamp in its name (ms), if it has one. */
  deliveredAt: number | undefined;
}

/**
 * S3 user metadata a file on disk cannot carry, beside it: `<file>.s3-metadata.json` (a digest's signature, written
 * by scripts/make-sample-logs.ts). Uploaded as the object's metadata, not as an object.
 */
export const METADATA_SIDECAR = '.s3-metadata.json';

/** Files under `logsDir/AWSLogs/`, as keys relative to `logsDir` (`AWSLogs/...`), sorted by key; not metadata sidecars. */
export async function sampleFiles(logsDir: string): Promise<Array<{ file: string; key: string }>> {
  const root = path.join(logsDir, 'AWSLogs');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.endsWith(METADATA_SIDECAR))
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return { file, key: path.relative(logsDir, file).split(path.sep).join('/') };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The delivery time in a CloudTrail file name: `..._20261120T0905Z_...` (log files) or `..._20261120T094631Z...`
 * (digests), UTC.
 */
export function deliveryTime(key: string): number | undefined {
  const match = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z(?:[_.]|$)/.exec(key.slice(key.lastIndexOf('/') + 1));
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const time = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}Z`);
  return Number.isNaN(time) ? undefined : time;
}

/** Objects in the order S3 would have notified them: by delivery time, then key; undated ones last. */
export function deliveryOrder<T extends Pick<BucketObject, 'key' | 'deliveredAt'>>(objects: readonly T[]): T[] {
  return [...objects].sort((a, b) => {
    const ta = a.deliveredAt ?? Infinity;
    const tb = b.deliveredAt ?? Infinity;
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

/** S3 URL-encodes notification keys, form style: `%XX` escapes and `+` for a space (`/` is left as it is). */
export function notificationKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/**
 * The S3 event notification S3 sends for one new object (one record per notification), shaped as
 * events/s3-put.json (`sam local generate-event s3 put`), with this object's bucket, key, size, ETag and time.
 */
export function s3PutNotification(
  object: BucketObject,
  sequence: number,
  region = LOCAL_REGION,
): { Records: unknown[] } {
  const eventTime = new Date(object.deliveredAt ?? Date.now()).toISOString();
  const requestId = createHash('sha256').update(`${object.bucket}/${object.key}`).digest('hex').toUpperCase();
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime,
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AROAEXAMPLEROLEID:regionalDeliverySession' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': requestId.slice(0, 16), 'x-amz-id-2': `${requestId.slice(16)}/local` },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'trailwatch-local',
          bucket: {
            name: object.bucket,
            ownerIdentity: { principalId: 'A2EXAMPLEOWNER' },
            arn: `arn:aws:s3:::${object.bucket}`,
          },
          object: {
            key: notificationKey(object.key),
            size: object.size,
            eTag: object.eTag,
            sequencer: sequence.toString(16).toUpperCase().padStart(18, '0'),
          },
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------

export interface LocalAwsOptions {
  /** Topics the SNS fake knows. */
  topics: readonly string[];
  /** Log groups the CloudWatch Logs fake holds, with retention. */
  logGroups: Record<string, { retentionDays?: number }>;
  /** The CloudWatch Logs fake's clock (ms). Default Date.now. */
  now?: () => number;
}

export interface LocalAws {
  s3: S3Emulator;
  sns: SnsFake;
  logs: CloudWatchLogsFakeServer;
  /** Everything uploaded so far, in upload order. */
  readonly objects: readonly BucketObject[];
  /** Creates the bucket if needed and uploads `file` under `key`. */
  upload(bucket: string, key: string, file: string): Promise<BucketObject>;
  /** The AWS part of a handler's environment: region, fake credentials, endpoints, SDK settings s3rver needs. */
  awsEnv(): Record<string, string>;
  /** Every documented limit the fakes saw broken. */
  violations(): string[];
  close(): Promise<void>;
}

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const s3 = await startS3Emulator();
  const sns = await startSnsFake({ topics: options.topics });
  const logs = await startCloudWatchLogsFakeServer({
    logGroups: options.logGroups,
    ...(options.now ? { now: options.now } : {}),
  });
  // The SDK's own config files are pointed at nothing, so a developer's ~/.aws profile (credentials, endpoint_url,
  // region) cannot leak into the local run.
  const emptyConfigDir = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-local-aws-'));
  const buckets = new Set<string>();
  const objects: BucketObject[] = [];
  return {
    s3,
    sns,
    logs,
    objects,
    async upload(bucket, key, file) {
      if (!buckets.has(bucket)) {
        await s3.createBucket(bucket);
        buckets.add(bucket);
      }
      const body = await readFile(file);
      const sidecar = `${file}${METADATA_SIDECAR}`;
      const metadata = existsSync(sidecar)
        ? (JSON.parse(await readFile(sidecar, 'utf8')) as Record<string, string>)
        : undefined;
      await s3.put(bucket, key, body, metadata);
      const object: BucketObject = {
        bucket,
        key,
        file,
        size: body.byteLength,
        eTag: createHash('md5').update(body).digest('hex'),
        deliveredAt: deliveryTime(key),
      };
      objects.push(object);
      return object;
    },
    awsEnv() {
      return {
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        // s3rver checks signatures with its fixed key pair; the SNS and CloudWatch Logs fakes take any.
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_SNS: sns.endpoint,
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint,
        // s3rver serves buckets by path, and stores the SDK's chunked checksum framing inside objects unless
        // checksums are only sent when required (the SDK's AWS_REQUEST_CHECKSUM_CALCULATION and
        // AWS_RESPONSE_CHECKSUM_VALIDATION settings).
        S3_FORCE_PATH_STYLE: 'true',
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
        AWS_CONFIG_FILE: path.join(emptyConfigDir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(emptyConfigDir, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      };
    },
    violations() {
      return [...sns.violations.map((v) => `SNS ${v}`), ...logs.violations.map((v) => `CloudWatch Logs ${v}`)];
    },
    async close() {
      await Promise.all([s3.close(), sns.close(), logs.close()]);
      await rm(emptyConfigDir, { recursive: true, force: true });
    },
  };
}

/** The environment Lambda gives every function (the parts the code or Powertools read), beside the function's own. */
export function lambdaEnv(functionName: string): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(LAMBDA_MEMORY_MB),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    // Powertools reports a cold start (log field, ColdStart metric) only for on-demand environments.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    TZ: 'UTC',
    LANG: 'en_US.UTF-8',
    // The template sets it for both functions (Globals).
    NODE_OPTIONS: '--enable-source-maps',
  };
}

/** KEY=VALUE lines (`#` comments, blank lines, `export ` and quotes allowed), e.g. a deployed stack's outputs. */
export function parseEnvFile(text: string, name = 'env file'): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new Error(`${name}:${i + 1}: not KEY=VALUE: ${JSON.stringify(line)}`);
    const [, key = '', value = ''] = match;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    env[key] = quoted ? (quoted[2] ?? '') : value;
  }
  return env;
}
