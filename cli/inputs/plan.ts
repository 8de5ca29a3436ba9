// The inputs of `scan` and `report` in the order they are read: files, folders, `-` (stdin) and s3:// locations.
import type { Readable } from 'node:stream';
import { UsageError } from '../args.js';
import { requireProfile } from '../aws-options.js';
import type { Env } from '../aws-profile.js';
import { describeAwsError } from '../aws-errors.js';
import { AwsInputError } from './aws-input-error.js';
import { findLogFiles } from '../find-log-files.js';
import { readChunks } from '../node-fs.js';
import type { TimeWindow } from '../time-window.js';

/** 256 KiB: bigger source chunks outlive V8's young generation and raise peak RSS for no speed. */
const READ_CHUNK = 256 * 1024;

export interface Input {
  /** A path, `-` for stdin, or s3://bucket/key: named in errors, alerts and the summary. */
  name: string;
  /** Bytes, when known before reading (for progress). */
  size?: number;
  /** Named on the command line: a file that is not CloudTrail is then reported, not just counted. */
  explicit: boolean;
  /** Starts reading (for S3, sends the GET). */
  open(): Promise<AsyncIterable<Uint8Array>>;
}

export interface InputPlan {
  inputs: Input[];
  /** Inputs not read because of their name, and why. */
  skipped: { name: string; why: string }[];
  /** S3 keys the time window ruled out by name, without downloading them. */
  outsideWindow: number;
  /** Sum of sizes, when every input's size is known. */
  totalBytes?: number;
}

export interface PlanOptions {
  window: TimeWindow;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  env: Env;
  /** Called only when `-` is an input: touching process.stdin opens it, which a scan of files does not need. */
  stdin: () => Readable;
}

export async function planInputs(args: readonly string[], options: PlanOptions): Promise<InputPlan> {
  const plan: InputPlan = { inputs: [], skipped: [], outsideWindow: 0 };
  if (args.filter((arg) => arg === '-').length > 1) throw new UsageError('- (stdin) can be given once');
  let s3Client: import('@aws-sdk/client-s3').S3Client | undefined;
  for (const arg of args) {
    if (arg === '-') {
      plan.inputs.push({ name: '-', explicit: true, open: async () => options.stdin() });
    } else if (arg.startsWith('s3://')) {
      const s3 = await import('./s3.js');
      const location = s3.parseS3Url(arg);
      if (!s3Client) {
        await requireProfile(options.profile, options.env);
        s3Client = await s3.createS3Client({
          ...(options.region ? { region: options.region } : {}),
          ...(options.profile ? { profile: options.profile } : {}),
          ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
        });
      }
      const client = s3Client;
      let listing: Awaited<ReturnType<typeof s3.listS3Keys>>;
      try {
        listing = await s3.listS3Keys(client, location, options.window);
      } catch (error) {
        throw new AwsInputError(
          describeAwsError(error, {
            action: `list ${arg}`,
            permission: 's3:ListBucket',
            ...(options.region ? { region: options.region } : {}),
            ...(options.profile ? { profile: options.profile } : {}),
          }),
        );
      }
      plan.skipped.push(...listing.skipped);
      plan.outsideWindow += listing.outsideWindow;
      for (const { key, size } of listing.keys) {
        const name = `s3://${location.bucket}/${key}`;
        plan.inputs.push({
          name,
          size,
          explicit: false,
          open: () =>
            s3.getObjectStream(client, location.bucket, key).catch((error: unknown) => {
              throw new AwsInputError(describeAwsError(error, { action: `read ${name}`, permission: 's3:GetObject' }));
            }),
        });
      }
    } else {
      const found = await findLogFiles([arg]);
      plan.skipped.push(...found.skipped);
      for (const file of found.files) {
        plan.inputs.push({
          name: file.path,
          size: file.size,
          explicit: file.explicit,
          open: async () => readChunks(file.path, READ_CHUNK),
        });
      }
    }
  }
  if (plan.inputs.every((input) => input.size !== undefined))
    plan.totalBytes = plan.inputs.reduce((sum, input) => sum + (input.size ?? 0), 0);
  return plan;
}
