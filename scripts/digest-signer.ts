// Writes CloudTrail digest files and signs them as CloudTrail does, for tests and the sample day: a signed hourly
// chain over given log files, with a key pair we hold (CloudTrail's private keys are AWS's own).
//
// The signed string is written out here on purpose, from the AWS CloudTrail User Guide ("Custom implementations
// of CloudTrail log file integrity validation"), not taken from shared/integrity/: a mistake there must not
// be repeated here, or the tests would agree with it.
import { createHash, sign, type KeyObject } from 'node:crypto';

export interface LogFileToList {
  bucket: string;
  key: string;
  /** The uncompressed JSON text. */
  json: string;
  oldestEventTime: string | null;
  newestEventTime: string | null;
}

export interface DigestToSign {
  bucket: string;
  /** Its key: `[prefix/]AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_...`. */
  key: string;
  account: string;
  start: string;
  end: string;
  fingerprint: string;
  logFiles: LogFileToList[];
}

export interface SignedDigest {
  bucket: string;
  key: string;
  /** The uncompressed JSON text. */
  json: string;
  /** Hex, as CloudTrail puts it in `x-amz-meta-signature`. */
  signature: string;
  /** The S3 user metadata CloudTrail gives the object. */
  metadata: Record<string, string>;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The S3 key of a digest (User Guide, "CloudTrail digest file structure"). */
export function digestKey(o: {
  prefix?: string;
  account: string;
  region: string;
  trail: string;
  homeRegion?: string;
  end: string;
}): string {
  const [y, m, d] = o.end.slice(0, 10).split('-');
  const stamp = o.end.replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${o.prefix ?? ''}AWSLogs/${o.account}/CloudTrail-Digest/${o.region}/${y}/${m}/${d}/${o.account}_CloudTrail-Digest_${o.region}_${o.trail}_${o.homeRegion ?? o.region}_${stamp}.json.gz`;
}

/** One digest signed with `privateKey`, linked to `previous` (undefined: the first of a chain). */
export function signDigest(d: DigestToSign, previous: SignedDigest | undefined, privateKey: KeyObject): SignedDigest {
  const oldest =
    d.logFiles
      .map((f) => f.oldestEventTime)
      .filter((t): t is string => t !== null)
      .sort()[0] ?? null;
  const newest =
    d.logFiles
      .map((f) => f.newestEventTime)
      .filter((t): t is string => t !== null)
      .sort()
      .pop() ?? null;
  const json = JSON.stringify({
    awsAccountId: d.account,
    digestStartTime: d.start,
    digestEndTime: d.end,
    digestS3Bucket: d.bucket,
    digestS3Object: d.key,
    digestPublicKeyFingerprint: d.fingerprint,
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime: newest,
    oldestEventTime: oldest,
    previousDigestS3Bucket: previous?.bucket ?? null,
    previousDigestS3Object: previous?.key ?? null,
    previousDigestHashValue: previous ? sha256(previous.json) : null,
    previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
    previousDigestSignature: previous?.signature ?? null,
    logFiles: d.logFiles.map((f) => ({
      s3Bucket: f.bucket,
      s3Object: f.key,
      hashValue: sha256(f.json),
      hashAlgorithm: 'SHA-256',
      newestEventTime: f.newestEventTime,
      oldestEventTime: f.oldestEventTime,
    })),
  });
  // Data_To_Sign_String = Digest_End_Timestamp + '\n' + Current_Digest_File_S3_Path + '\n'
  //   + Hex(Sha256(current-digest-file-content)) + '\n' + Previous_digest_signature_in_hex ('null' for none)
  const toSign = `${d.end}\n${d.bucket}/${d.key}\n${sha256(json)}\n${previous?.signature ?? 'null'}`;
  const signature = sign('sha256', Buffer.from(toSign, 'utf8'), privateKey).toString('hex');
  return {
    bucket: d.bucket,
    key: d.key,
    json,
    signature,
    metadata: { signature, 'signature-algorithm': 'SHA256withRSA' },
  };
}

/** The JSON `aws cloudtrail list-public-keys` prints, for one DER (PKCS #1) public key. */
export function publicKeysJson(publicKeyDer: Buffer, validity: { start: string; end: string }): string {
  const fingerprint = createHash('md5').update(publicKeyDer).digest('hex');
  return `${JSON.stringify(
    {
      PublicKeyList: [
        {
          Value: publicKeyDer.toString('base64'),
          ValidityStartTime: validity.start,
          ValidityEndTime: validity.end,
          Fingerprint: fingerprint,
        },
      ],
    },
    null,
    4,
  )}\n`;
}
