// `trailwatch verify --region/--profile/--endpoint-url`: the options `scan s3://` has, with the same checks
// (cli/aws-options.ts), against a real S3 API (s3rver).
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/trailwatch.js';
import { startS3Emulator, type S3Emulator } from '../local-aws/s3-emulator.js';
import { buildSignedTrail, putTrail, type SignedTrail } from './helpers/signed-trail.js';

let s3emu: S3Emulator;
let s3: S3Client;
let dir: string;
let keysFile: string;

beforeAll(async () => {
  s3emu = await startS3Emulator();
  s3 = s3emu.client();
  dir = await mkdtemp(path.join(os.tmpdir(), 'trailwatch-verify-options-'));
  keysFile = path.join(dir, 'keys.json');
  await writeFile(keysFile, buildSignedTrail().publicKeysJson);
});
afterAll(async () => {
  await s3emu.close();
});

/** A fresh bucket holding a signed trail of one hour. */
async function bucketWithTrail(): Promise<SignedTrail> {
  const trail = buildSignedTrail({ bucket: 'trail-options', hours: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: trail.bucket }));
  await putTrail(s3, trail);
  return trail;
}

/** `trailwatch verify ARGS` through the CLI's main, with the emulator's credentials and region in `env`. */
async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['verify', ...args], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    interactive: false,
    env,
  });
  return { code, out, err };
}

describe('trailwatch verify --region, --profile and --endpoint-url', () => {
  /** The emulator's credentials and region only: no AWS_ENDPOINT_URL_S3, no S3_FORCE_PATH_STYLE. */
  const credentialsOnly = (): Record<string, string> => {
    const { AWS_ENDPOINT_URL_S3: _endpoint, S3_FORCE_PATH_STYLE: _pathStyle, ...rest } = s3emu.environment;
    return rest;
  };

  it('reads the trail from the S3 endpoint --endpoint-url names (path-style), with nothing set in the environment', async () => {
    const trail = await bucketWithTrail();
    const env = credentialsOnly();
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    vi.stubEnv('AWS_ENDPOINT_URL_S3', undefined);
    vi.stubEnv('AWS_ENDPOINT_URL', undefined);
    vi.stubEnv('S3_FORCE_PATH_STYLE', undefined);
    try {
      const { code, out, err } = await cli(
        [`s3://${trail.bucket}`, '--public-keys', keysFile, '--endpoint-url', s3emu.endpoint],
        env,
      );
      expect({ code, lines: out.length, last: err.at(-1) }).toEqual({
        code: 0,
        lines: 3,
        last: '  everything checked is valid',
      });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('calls a malformed --endpoint-url a usage error naming the option (exit 2)', async () => {
    const { code, out, err } = await cli(['s3://some-trail-bucket', '--endpoint-url', 'localhost:4569'], {});
    expect({ code, out }).toEqual({ code: 2, out: [] });
    expect(err[0]).toBe('trailwatch: --endpoint-url must be an http(s) URL, not "localhost:4569"');
  });

  it('names a --profile that no AWS config file has, in one line, before any AWS call (exit 2, as scan)', async () => {
    const config = path.join(dir, 'aws-config');
    await writeFile(config, '[profile audit]\nregion = us-east-1\n');
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials') };
    const { code, out, err } = await cli(
      ['s3://some-trail-bucket', '--profile', 'nope', '--endpoint-url', 'http://127.0.0.1:9'],
      env,
    );
    expect({ code, out }).toEqual({ code: 2, out: [] });
    expect(err[0]).toBe(
      `trailwatch: --profile nope: no such AWS profile in ${config} or ${env.AWS_SHARED_CREDENTIALS_FILE} (profiles there: audit)`,
    );
  });

  it('lists --region, --profile and --endpoint-url in its --help', async () => {
    const { code, out } = await cli(['--help'], {});
    expect(code).toBe(0);
    const help = out.join('\n');
    expect(help).toMatch(/^ +--region REGION +S3's region \(ListPublicKeys: each digest's own\)$/m);
    expect(help).toMatch(/^ +--profile NAME +for S3 and ListPublicKeys \(default: AWS_PROFILE\)$/m);
    expect(help).toMatch(/^ +--endpoint-url URL +an S3-compatible endpoint \(path-style\); S3 only$/m);
  });
});
