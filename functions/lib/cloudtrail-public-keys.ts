// CloudTrail's digest-signing public keys from ListPublicKeys, one region at a time (each region signs its
// digests with its own key pair: "When you validate a digest file from a specific Region, you must look in the
// same Region for its corresponding public key", https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListPublicKeys.html).
// Cached per region for the life of the process (one CLI run, one Lambda container), refreshed when a digest
// names a fingerprint the cached set does not have (a key rotated since).
import { readFileSync } from 'node:fs';
import { CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import { parsePublicKeysFile, publicKeyEntry } from '../../shared/integrity/public-keys.js';
import { PublicKeySet } from '../../shared/integrity/signature.js';

export type ListPublicKeys = (region: string, from: Date, to: Date) => Promise<PublicKeySet>;

/**
 * Every key ListPublicKeys returns for the region and time range (NextToken followed), with the credentials of
 * `profile` when one is given (`trailwatch verify --profile`), else the SDK's default chain.
 */
export function publicKeyLister(options: { profile?: string } = {}): ListPublicKeys {
  return async (region, from, to) => {
    const client = new CloudTrailClient({ region, ...(options.profile ? { profile: options.profile } : {}) });
    try {
      const set = new PublicKeySet();
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListPublicKeysCommand({ StartTime: from, EndTime: to, ...(token ? { NextToken: token } : {}) }),
        );
        for (const key of page.PublicKeyList ?? []) {
          if (!key.Value) continue;
          set.add(publicKeyEntry(Buffer.from(key.Value), key.Fingerprint, key.ValidityStartTime, key.ValidityEndTime));
        }
        token = page.NextToken;
      } while (token);
      return set;
    } finally {
      client.destroy();
    }
  };
}

export const listPublicKeys: ListPublicKeys = publicKeyLister();

/**
 * Keys by region, fetched once and again when a fingerprint is unknown (at most once per fingerprint), over a
 * window around the digest's time: ListPublicKeys returns the keys whose private keys signed digests then.
 */
export class PublicKeyCache {
  private readonly sets = new Map<string, Promise<PublicKeySet>>();
  private readonly refreshed = new Set<string>();

  constructor(private readonly list: ListPublicKeys = listPublicKeys) {}

  async forDigest(region: string, fingerprint: string, digestEnd: Date): Promise<PublicKeySet> {
    const from = new Date(digestEnd.getTime() - 2 * 3600_000);
    const to = new Date(digestEnd.getTime() + 2 * 3600_000);
    let pending = this.sets.get(region);
    if (!pending) {
      pending = this.list(region, from, to);
      this.sets.set(region, pending);
      pending.catch(() => this.sets.delete(region));
    }
    const set = await pending;
    if (set.get(fingerprint) || this.refreshed.has(`${region}/${fingerprint}`)) return set;
    this.refreshed.add(`${region}/${fingerprint}`);
    const more = await this.list(region, from, to);
    const merged = new PublicKeySet();
    for (const s of [set, more]) for (const entry of s.entries()) merged.add(entry);
    this.sets.set(region, Promise.resolve(merged));
    return merged;
  }
}

/**
 * Keys from a `list-public-keys` JSON file instead of ListPublicKeys, for every region: offline runs (`npm start`
 * over the sample day, signed with a test key) and `trailwatch verify --public-keys`. Read once.
 */
export function publicKeysFromFile(file: string): PublicKeyCache {
  const set = new PublicKeySet(parsePublicKeysFile(readFileSync(file, 'utf8'), file));
  return new PublicKeyCache(() => Promise.resolve(set));
}
