// The digest files (log file validation, issue 14): hourly per region, each naming the log files delivered in
// its hour with the SHA-256 of their uncompressed content and the previous digest with its signature, signed
// with the sample's TEST key (scripts/sample-signing-key.ts) as CloudTrail signs with its own. A digest's
// signature is S3 object metadata, which a file cannot carry: it is written beside the digest as
// `<digest>.s3-metadata.json` ({"signature": ..., "signature-algorithm": ...}), which `npm start` uploads as the
// object's metadata. The digests name the bucket `npm start` uploads the day to (DIGEST_BUCKET): a digest must
// sit where it says. Simplification: one unbroken chain per region for the whole day (CloudTrail would start a
// new chain after StartLogging).
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { digestKey, publicKeysJson, type SignedDigest, signDigest } from '../digest-signer.js';
import { SAMPLE_SIGNING_KEY_PEM } from '../sample-signing-key.js';
import type { BuiltFile } from './build.js';
import { SAMPLE_ACCOUNT, fromSeconds, HOME, iso, SAMPLE_TRAIL, toSeconds, WEST } from './day.js';

/** The bucket `npm start` (scripts/local/local-aws.ts SAMPLE_BUCKET) uploads the day to. */
export const DIGEST_BUCKET = 'trailwatch-sample-trail';
const FIRST_DIGEST_END = '09:46:31';
export const METADATA_SUFFIX = '.s3-metadata.json';

const samplePrivateKey = createPrivateKey(SAMPLE_SIGNING_KEY_PEM);
/** The sample key's public half, DER PKCS #1, as ListPublicKeys returns CloudTrail's. */
const SAMPLE_PUBLIC_KEY_DER = createPublicKey(samplePrivateKey).export({ format: 'der', type: 'pkcs1' });

/** The `aws cloudtrail list-public-keys` JSON for the sample key (events/sample-public-keys.json). */
export function samplePublicKeysJson(): string {
  return publicKeysJson(SAMPLE_PUBLIC_KEY_DER, { start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' });
}

export function buildDigests(files: BuiltFile[]): SignedDigest[] {
  const deliveredAt = (f: BuiltFile): number =>
    toSeconds(`${f.delivery.deliver.slice(0, 2)}:${f.delivery.deliver.slice(2)}:00`);
  const lastDelivery = Math.max(...files.map(deliveredAt));
  const fingerprint = createHash('md5').update(SAMPLE_PUBLIC_KEY_DER).digest('hex');
  const digests: SignedDigest[] = [];
  for (const region of [HOME, WEST]) {
    let previous: SignedDigest | undefined;
    for (let end = toSeconds(FIRST_DIGEST_END); end - 3600 < lastDelivery; end += 3600) {
      const hour = files.filter(
        (f) => f.delivery.region === region && deliveredAt(f) > end - 3600 && deliveredAt(f) <= end,
      );
      const endIso = iso(fromSeconds(end));
      const logFiles = hour.map((f) => {
        const t = f.records.map((r) => r.eventTime).sort();
        return {
          bucket: DIGEST_BUCKET,
          key: f.key,
          json: f.json,
          oldestEventTime: t[0] ?? null,
          newestEventTime: t[t.length - 1] ?? null,
        };
      });
      const key = digestKey({ account: SAMPLE_ACCOUNT, region, trail: SAMPLE_TRAIL, homeRegion: HOME, end: endIso });
      previous = signDigest(
        {
          bucket: DIGEST_BUCKET,
          key,
          account: SAMPLE_ACCOUNT,
          start: iso(fromSeconds(end - 3600)),
          end: endIso,
          fingerprint,
          logFiles,
        },
        previous,
        samplePrivateKey,
      );
      digests.push(previous);
    }
  }
  return digests;
}
