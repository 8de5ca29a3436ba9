// Digest files and public key files as CloudTrail and the AWS CLI write them, parsed; broken ones rejected with
// the file and the field named.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigestFormatError, parseDigest } from '../shared/integrity/digest.js';
import { parseDigestKey, parseLogKey, trailObjectKind } from '../shared/integrity/keys.js';
import { parsePublicKeysFile, PublicKeysError } from '../shared/integrity/public-keys.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/digests/${name}`, import.meta.url), 'utf8');
const FILE = 's3://b/digest.json.gz';

describe('parseDigest', () => {
  it("reads the AWS documentation's sample digest, field by field", () => {
    const d = parseDigest(fixture('aws-docs-sample.json'), FILE);
    expect(d).toMatchObject({
      awsAccountId: '111122223333',
      digestStartTime: '2015-08-17T14:01:31Z',
      digestEndTime: '2015-08-17T15:01:31Z',
      digestS3Bucket: 'S3-bucket-name',
      digestPublicKeyFingerprint: '31e8b5433410dfb61a9dc45cc65b22ff',
      digestSignatureAlgorithm: 'SHA256withRSA',
      previousDigestS3Bucket: 'S3-bucket-name',
    });
    expect(d.previousDigestSignature).toMatch(/^50887ccf[0-9a-f]+6328a$/);
    expect(d.logFiles).toEqual([
      {
        s3Bucket: 'S3-bucket-name',
        s3Object:
          'AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/111122223333_CloudTrail_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz',
        hashValue: '9bb6196fc6b84d6f075a56548feca262bd99ba3c2de41b618e5b6e22c1fc71f6',
        hashAlgorithm: 'SHA-256',
        newestEventTime: '2015-08-17T14:52:27Z',
        oldestEventTime: '2015-08-17T14:42:27Z',
      },
    ]);
  });

  it("reads the documentation's empty digest (no log files, null event times)", () => {
    const d = parseDigest(fixture('aws-docs-empty.json'), FILE);
    expect(d.logFiles).toEqual([]);
    expect(d.previousDigestS3Object).toMatch(/20150820T170131Z\.json\.gz$/);
  });

  it('reads a starting digest, whose previous-digest fields are null', () => {
    const sample = JSON.parse(fixture('aws-docs-sample.json')) as Record<string, unknown>;
    for (const f of [
      'previousDigestS3Bucket',
      'previousDigestS3Object',
      'previousDigestHashValue',
      'previousDigestHashAlgorithm',
      'previousDigestSignature',
    ])
      sample[f] = null;
    const d = parseDigest(JSON.stringify(sample), FILE);
    expect([d.previousDigestS3Bucket, d.previousDigestS3Object, d.previousDigestSignature]).toEqual([null, null, null]);
  });

  it('rejects text that is not JSON, naming the file', () => {
    expect(() => parseDigest('{"Records":', FILE)).toThrow(DigestFormatError);
    expect(() => parseDigest('{"Records":', FILE)).toThrow(/^s3:\/\/b\/digest\.json\.gz: not JSON/);
  });

  it('rejects a log file (no digest fields), naming the first missing field', () => {
    expect(() => parseDigest('{"Records":[]}', FILE)).toThrow(/logFiles: missing/);
  });

  it('names the field of a log file entry that has the wrong type', () => {
    const sample = JSON.parse(fixture('aws-docs-sample.json')) as { logFiles: Array<Record<string, unknown>> };
    sample.logFiles.push({ ...sample.logFiles[0], hashValue: 42 });
    const error = (() => {
      try {
        parseDigest(JSON.stringify(sample), FILE);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DigestFormatError);
    expect((error as DigestFormatError).field).toBe('logFiles[1].hashValue');
    expect((error as DigestFormatError).code).toBe('DIGEST_FIELD');
  });

  it('rejects an end time that is not a UTC time', () => {
    const sample = JSON.parse(fixture('aws-docs-sample.json')) as Record<string, unknown>;
    sample.digestEndTime = 'yesterday';
    expect(() => parseDigest(JSON.stringify(sample), FILE)).toThrow(/digestEndTime: must be a UTC time/);
  });

  it('names any required field that is removed or given a wrong type (property)', () => {
    const required = [
      'digestStartTime',
      'digestEndTime',
      'digestS3Bucket',
      'digestS3Object',
      'digestPublicKeyFingerprint',
      'logFiles',
    ];
    const base = JSON.parse(fixture('aws-docs-sample.json')) as Record<string, unknown>;
    fc.assert(
      fc.property(fc.constantFrom(...required), fc.constantFrom(undefined, 7, true, {}, ''), (field, value) => {
        const broken = { ...base, [field]: value };
        if (value === undefined) delete broken[field];
        try {
          parseDigest(JSON.stringify(broken), FILE);
        } catch (error) {
          return error instanceof DigestFormatError && error.field === field && error.message.includes(FILE);
        }
        return false;
      }),
    );
  });
});

describe('parsePublicKeysFile', () => {
  it("reads the documentation's list-public-keys sample: epoch-second strings, publicKeyList, PKCS #1 and SPKI keys", () => {
    const keys = parsePublicKeysFile(fixture('aws-docs-public-keys.json'), 'keys.json');
    expect(keys.map((k) => k.fingerprint)).toEqual([
      '8eba5db5bea9b640d1c96a77256fe7f2',
      '8933b39ddc64d26d8e14ffbf6566fee4',
      '31e8b5433410dfb61a9dc45cc65b22ff',
    ]);
    expect(keys[0]?.validityStart?.toISOString()).toBe('2015-07-08T01:04:01.000Z');
    expect(keys.every((k) => k.key.asymmetricKeyType === 'rsa')).toBe(true);
  });

  it("CloudTrail's fingerprint is the hex MD5 of the DER key bytes, for every key in the documentation's sample", () => {
    const parsed = JSON.parse(fixture('aws-docs-public-keys.json')) as {
      publicKeyList: Array<{ Value: string; Fingerprint: string }>;
    };
    for (const k of parsed.publicKeyList)
      expect(createHash('md5').update(Buffer.from(k.Value, 'base64')).digest('hex')).toBe(k.Fingerprint);
  });

  it('reads the AWS CLI v2 form: PublicKeyList with ISO 8601 times', () => {
    const v2 = fixture('aws-docs-public-keys.json')
      .replace('publicKeyList', 'PublicKeyList')
      .replace('"1436317441.0"', '"2015-07-08T01:04:01+00:00"');
    expect(parsePublicKeysFile(v2, 'keys.json')[0]?.validityStart?.toISOString()).toBe('2015-07-08T01:04:01.000Z');
  });

  it('rejects a file without a key list, naming the file', () => {
    expect(() => parsePublicKeysFile('{"Keys":[]}', 'keys.json')).toThrow(PublicKeysError);
    expect(() => parsePublicKeysFile('{"Keys":[]}', 'keys.json')).toThrow(/^keys\.json at publicKeyList: missing/);
  });

  it('names the entry whose value is not an RSA key', () => {
    expect(() =>
      parsePublicKeysFile('{"PublicKeyList":[{"Value":"aGVsbG8=","Fingerprint":"00"}]}', 'keys.json'),
    ).toThrow(/keys\.json at PublicKeyList\[0\]\.Value: not an RSA public key/);
  });

  it('names the entry whose time is not a time', () => {
    const bad = fixture('aws-docs-public-keys.json').replace('"1436317441.0"', '"soon"');
    expect(() => parsePublicKeysFile(bad, 'keys.json')).toThrow(/publicKeyList\[0\]\.ValidityStartTime: not a time/);
  });
});

describe('trail keys', () => {
  const digest =
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz';

  it('reads a digest key: account, region, trail with its home region, end time', () => {
    expect(parseDigestKey(digest)).toMatchObject({
      account: '111122223333',
      region: 'us-east-2',
      trail: 'your-trail-name',
      homeRegion: 'us-east-2',
      backfill: false,
      prefix: '',
    });
    expect(parseDigestKey(digest)?.time.toISOString()).toBe('2015-08-17T15:01:31.000Z');
  });

  it('reads an organisation trail digest under a prefix, and backfill digests', () => {
    const org = `logs/AWSLogs/o-abcdefghij/${digest.slice('AWSLogs/'.length).replace('.json.gz', '_backfill.json.gz')}`;
    expect(parseDigestKey(org)).toMatchObject({
      prefix: 'logs/',
      organizationId: 'o-abcdefghij',
      backfill: true,
      trail: 'your-trail-name',
    });
  });

  it('tells log files, digests and other objects apart', () => {
    expect(trailObjectKind(digest)).toBe('digest');
    expect(
      trailObjectKind(
        'AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/111122223333_CloudTrail_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz',
      ),
    ).toBe('log');
    expect(trailObjectKind('AWSLogs/111122223333/Config/us-east-2/2015/8/17/ConfigSnapshot/x.json.gz')).toBe('other');
    expect(
      parseLogKey(
        'AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/111122223333_CloudTrail_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz',
      )?.time.toISOString(),
    ).toBe('2015-08-17T14:45:00.000Z');
  });
});
