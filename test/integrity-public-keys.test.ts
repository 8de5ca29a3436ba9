// CloudTrail's public keys from ListPublicKeys (mocked at the SDK command level: no emulator exists), and the
// per-region cache the processor and `trailwatch verify` share.
import 'aws-sdk-client-mock-vitest/extend';
import { CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { listPublicKeys, PublicKeyCache, type ListPublicKeys } from '../functions/lib/cloudtrail-public-keys.js';
import { publicKeyEntry } from '../shared/integrity/public-keys.js';
import { fingerprintOf, PublicKeySet } from '../shared/integrity/signature.js';
import { testKeyPair } from './helpers/signed-trail.js';

const cloudtrail = mockClient(CloudTrailClient);
beforeEach(() => cloudtrail.reset());

describe('listPublicKeys', () => {
  it('turns every page of ListPublicKeys into keys by fingerprint, asking for the given time range', async () => {
    const { der } = testKeyPair();
    cloudtrail
      .on(ListPublicKeysCommand)
      .resolvesOnce({
        PublicKeyList: [
          {
            Value: new Uint8Array(der),
            Fingerprint: fingerprintOf(der),
            ValidityStartTime: new Date('2026-11-01T00:00:00Z'),
          },
        ],
        NextToken: 't',
      })
      .resolvesOnce({ PublicKeyList: [{ Fingerprint: 'no-value' }] });
    const from = new Date('2026-11-20T07:00:00Z');
    const to = new Date('2026-11-20T11:00:00Z');
    const set = await listPublicKeys('us-east-2', from, to);
    expect(set.size).toBe(1);
    expect(set.get(fingerprintOf(der))?.validityStart?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(cloudtrail).toHaveReceivedCommandWith(ListPublicKeysCommand, { StartTime: from, EndTime: to });
    expect(cloudtrail).toHaveReceivedCommandWith(ListPublicKeysCommand, { NextToken: 't' });
  });
});

describe('PublicKeyCache', () => {
  const { der } = testKeyPair();
  const known = fingerprintOf(der);
  const counting = (): { list: ListPublicKeys; calls: string[] } => {
    const calls: string[] = [];
    const list: ListPublicKeys = (region) => {
      calls.push(region);
      return Promise.resolve(new PublicKeySet([publicKeyEntry(der)]));
    };
    return { calls, list };
  };
  const end = new Date('2026-11-20T09:46:31Z');

  it('asks once per region', async () => {
    const { list, calls } = counting();
    const cache = new PublicKeyCache(list);
    await cache.forDigest('us-east-1', known, end);
    await cache.forDigest('us-east-1', known, end);
    await cache.forDigest('us-west-2', known, end);
    expect(calls).toEqual(['us-east-1', 'us-west-2']);
  });

  it('asks again once for a fingerprint it does not have (a key rotated since), not for every digest naming it', async () => {
    const { list, calls } = counting();
    const cache = new PublicKeyCache(list);
    await cache.forDigest('us-east-1', 'ffff', end);
    await cache.forDigest('us-east-1', 'ffff', end);
    expect(calls).toEqual(['us-east-1', 'us-east-1']);
  });

  it('does not keep a failed call: the next digest asks again', async () => {
    let fail = true;
    const cache = new PublicKeyCache(() =>
      fail ? Promise.reject(new Error('AccessDenied')) : Promise.resolve(new PublicKeySet([publicKeyEntry(der)])),
    );
    await expect(cache.forDigest('us-east-1', known, end)).rejects.toThrow('AccessDenied');
    fail = false;
    expect((await cache.forDigest('us-east-1', known, end)).get(known)).toBeDefined();
  });
});
