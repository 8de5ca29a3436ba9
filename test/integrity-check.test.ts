// One digest, one link of the chain, one listed log file: checked from what S3 returned, with digests this test
// signs itself (the documented signing string, a generated RSA key).
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkDigest, checkLink, checkLogFile, previousLink, type FetchedDigest } from '../shared/integrity/check.js';
import { publicKeyEntry } from '../shared/integrity/public-keys.js';
import { PublicKeySet, sha256Hex, signingString, verifySignature } from '../shared/integrity/signature.js';
import { buildSignedTrail, testKeyPair } from './helpers/signed-trail.js';

const trail = buildSignedTrail({ hours: 2, filesPerHour: 1 });
const { der } = testKeyPair();
const keys = new PublicKeySet([publicKeyEntry(der)]);
const [first, second] = trail.digests;
if (!first || !second) throw new Error('two digests expected');

const fetched = (d: typeof first, patch: Partial<FetchedDigest> = {}): FetchedDigest => ({
  bucket: d.bucket,
  key: d.key,
  body: Buffer.from(d.json),
  metadata: d.metadata,
  ...patch,
});

describe('signingString', () => {
  it('is end time, bucket/key, SHA-256 of the digest and the previous signature, one per line', () => {
    const text = signingString(
      {
        digestEndTime: '2015-08-17T15:01:31Z',
        digestS3Bucket: 'b',
        digestS3Object: 'k.json.gz',
        previousDigestSignature: 'abc',
      },
      'ff00',
    );
    expect(text).toBe('2015-08-17T15:01:31Z\nb/k.json.gz\nff00\nabc');
  });

  it('writes the literal null for the first digest of a chain', () => {
    expect(
      signingString(
        { digestEndTime: 't', digestS3Bucket: 'b', digestS3Object: 'k', previousDigestSignature: null },
        'h',
      ).endsWith('\nnull'),
    ).toBe(true);
  });
});

describe('verifySignature', () => {
  it('is false, not an exception, for a signature that is not hex', () => {
    const entry = keys.get(trail.fingerprint);
    if (!entry) throw new Error('key');
    expect(verifySignature(entry.key, 'x', 'not hex')).toBe(false);
    expect(verifySignature(entry.key, 'x', 'abc')).toBe(false);
  });
});

describe('checkDigest', () => {
  it('passes a digest CloudTrail would have written: right place, signature verifies', () => {
    const check = checkDigest(fetched(second), keys);
    expect(check.result).toMatchObject({ kind: 'digest', status: 'valid' });
    expect(check.result.hour).toEqual({ start: '2026-11-20T09:46:31Z', end: '2026-11-20T10:46:31Z' });
    expect(check.signature).toBe(second.signature);
  });

  it('calls an edited digest invalid-signature', () => {
    const edited = second.json.replace(/"hashValue":"[0-9a-f]{4}/, '"hashValue":"0000');
    expect(edited).not.toBe(second.json);
    expect(checkDigest(fetched(second, { body: Buffer.from(edited) }), keys).result.status).toBe('invalid-signature');
  });

  it('calls a digest whose signature metadata was replaced invalid-signature', () => {
    const metadata = { ...second.metadata, signature: first.signature };
    expect(checkDigest(fetched(second, { metadata }), keys).result.status).toBe('invalid-signature');
  });

  it('calls a digest without signature metadata invalid-signature, saying so', () => {
    expect(checkDigest(fetched(second, { metadata: {} }), keys).result).toMatchObject({
      status: 'invalid-signature',
      reason: expect.stringMatching(/no signature metadata/),
    });
  });

  it('calls a digest read from another key moved, naming where it belongs', () => {
    const check = checkDigest(fetched(second, { key: `copy/${second.key}` }), keys);
    expect(check.result).toMatchObject({
      status: 'moved',
      reason: expect.stringContaining(`s3://${second.bucket}/${second.key}`),
    });
  });

  it('calls a digest in another bucket moved', () => {
    expect(checkDigest(fetched(second, { bucket: 'other-bucket' }), keys).result.status).toBe('moved');
  });

  it('calls a digest signed by a key we do not have unverifiable, naming the fingerprint', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'der',
      type: 'pkcs1',
    });
    const check = checkDigest(fetched(second), new PublicKeySet([publicKeyEntry(other)]));
    expect(check.result).toMatchObject({ status: 'unverifiable', reason: expect.stringContaining(trail.fingerprint) });
    expect(checkDigest(fetched(second), undefined).result.status).toBe('unverifiable');
  });

  it('does not accept a valid signature made by another key with the same fingerprint claimed', () => {
    const impostor = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'der',
      type: 'pkcs1',
    });
    const check = checkDigest(fetched(second), new PublicKeySet([publicKeyEntry(impostor, trail.fingerprint)]));
    expect(check.result.status).toBe('invalid-signature');
  });

  it('calls bytes that are not a digest invalid-signature, with the parse error as the reason', () => {
    expect(checkDigest(fetched(second, { body: Buffer.from('{"Records":[]}') }), keys).result).toMatchObject({
      status: 'invalid-signature',
      reason: expect.stringMatching(/not a valid digest file: .*logFiles: missing/),
    });
  });
});

describe('the chain', () => {
  const link = (() => {
    const parsed = checkDigest(fetched(second), keys).digest;
    if (!parsed) throw new Error('parse');
    return previousLink(second.bucket, second.key, parsed);
  })();

  it('the first digest of a chain names no previous digest', () => {
    const parsed = checkDigest(fetched(first), keys).digest;
    expect(parsed && previousLink(first.bucket, first.key, parsed)).toBeUndefined();
  });

  it('a link to a previous digest that is there with the named signature is fine', () => {
    expect(link && checkLink(link, { signature: first.signature })).toBeUndefined();
  });

  it('a link to a digest that is gone is a gap: missing', () => {
    expect(link && checkLink(link, undefined)).toMatchObject({
      kind: 'digest',
      key: first.key,
      status: 'missing',
      reason: expect.stringContaining(second.key),
    });
  });

  it('a link to a digest carrying another signature means the object was replaced', () => {
    expect(link && checkLink(link, { signature: 'ab'.repeat(256) })).toMatchObject({ status: 'invalid-signature' });
  });
});

describe('checkLogFile', () => {
  const log = trail.logs[0];
  const parsed = checkDigest(fetched(first), keys).digest;
  const listing = parsed?.logFiles[0];
  if (!log || !listing) throw new Error('log');
  const digest = { key: first.key, hour: { start: parsed.digestStartTime, end: parsed.digestEndTime } };

  it('valid when the SHA-256 of the uncompressed content is the listed one', () => {
    expect(checkLogFile(listing, digest, sha256Hex(log.json))).toMatchObject({
      kind: 'log',
      status: 'valid',
      digest: first.key,
    });
  });

  it('modified when it differs, with both hashes in the reason', () => {
    const actual = sha256Hex(`${log.json} `);
    expect(checkLogFile(listing, digest, actual)).toMatchObject({
      status: 'modified',
      reason: expect.stringContaining(actual),
    });
  });

  it('missing when the object is gone', () => {
    expect(checkLogFile(listing, digest, undefined).status).toBe('missing');
  });
});
