// The checks themselves, as pure functions over what was read from S3: one digest (location, signature), a link
// of the chain (the previous digest it names), one listed log file (its hash), and the log files no digest
// lists. The statuses are the public contract of `trailwatch verify --format json` (issue 14).
import { DigestFormatError, parseDigest, type Digest, type DigestLogFile } from './digest.js';
import { SIGNATURE_ALGORITHM, sha256Hex, signingString, verifySignature, type PublicKeySet } from './signature.js';

export type LogStatus = 'valid' | 'modified' | 'missing' | 'unlisted';
export type DigestStatus = 'valid' | 'invalid-signature' | 'moved' | 'missing' | 'unverifiable';

export type FileResult =
  | { kind: 'digest'; bucket: string; key: string; status: DigestStatus; reason: string; hour?: Hour }
  | { kind: 'log'; bucket: string; key: string; status: LogStatus; reason: string; hour?: Hour; digest?: string };

/** The hour a digest covers. */
export interface Hour {
  start: string;
  end: string;
}

/** A digest object as read from S3: its uncompressed bytes and its user metadata (lower-case names). */
export interface FetchedDigest {
  bucket: string;
  key: string;
  body: Buffer;
  metadata: Readonly<Record<string, string | undefined>>;
}

export interface DigestCheck {
  result: FileResult & { kind: 'digest' };
  /** The parsed digest, when it could be parsed (whatever its status). */
  digest: Digest | undefined;
  /** Its signature (S3 metadata), when present: the next digest must name exactly this one. */
  signature: string | undefined;
}

/**
 * Checks one digest: it parses, sits where it says it does, is signed with SHA256withRSA by a key we have, and
 * the signature verifies. `keys` undefined means no key set is available for its region (unverifiable).
 */
export function checkDigest(fetched: FetchedDigest, keys: PublicKeySet | undefined): DigestCheck {
  const { bucket, key } = fetched;
  const result = (status: DigestStatus, reason: string, digest?: Digest): DigestCheck => ({
    result: {
      kind: 'digest',
      bucket,
      key,
      status,
      reason,
      ...(digest ? { hour: { start: digest.digestStartTime, end: digest.digestEndTime } } : {}),
    },
    digest,
    signature: fetched.metadata.signature,
  });
  let digest: Digest;
  try {
    digest = parseDigest(fetched.body.toString('utf8'), `s3://${bucket}/${key}`);
  } catch (error) {
    if (error instanceof DigestFormatError)
      return result('invalid-signature', `not a valid digest file: ${error.message}`);
    throw error;
  }
  if (digest.digestS3Bucket !== bucket || digest.digestS3Object !== key) {
    return result(
      'moved',
      `the digest says it belongs at s3://${digest.digestS3Bucket}/${digest.digestS3Object}`,
      digest,
    );
  }
  const signature = fetched.metadata.signature;
  if (signature === undefined || signature === '')
    return result('invalid-signature', 'the object has no signature metadata (x-amz-meta-signature)', digest);
  const algorithm = fetched.metadata['signature-algorithm'] ?? digest.digestSignatureAlgorithm;
  if (algorithm !== SIGNATURE_ALGORITHM)
    return result(
      'invalid-signature',
      `signature algorithm ${JSON.stringify(algorithm ?? null)}, not ${SIGNATURE_ALGORITHM}`,
      digest,
    );
  const entry = keys?.get(digest.digestPublicKeyFingerprint);
  if (!entry)
    return result('unverifiable', `no public key with fingerprint ${digest.digestPublicKeyFingerprint}`, digest);
  const text = signingString(digest, sha256Hex(fetched.body));
  if (!verifySignature(entry.key, text, signature)) {
    return result(
      'invalid-signature',
      `the signature does not verify with public key ${entry.fingerprint}: the digest was changed after CloudTrail signed it`,
      digest,
    );
  }
  return result('valid', `signed by public key ${entry.fingerprint}`, digest);
}

/** What a digest says about the one before it. */
export interface ChainLink {
  /** The digest that names the previous one. */
  from: { bucket: string; key: string };
  bucket: string;
  key: string;
  signature: string | null;
}

export function previousLink(bucket: string, key: string, digest: Digest): ChainLink | undefined {
  if (digest.previousDigestS3Bucket === null || digest.previousDigestS3Object === null) return undefined;
  return {
    from: { bucket, key },
    bucket: digest.previousDigestS3Bucket,
    key: digest.previousDigestS3Object,
    signature: digest.previousDigestSignature,
  };
}

/**
 * The verdict on a link: undefined when the previous digest is there with the signature the link names; a
 * `missing` result when it is gone (a gap in the chain); `invalid-signature` when another object sits there.
 */
export function checkLink(
  link: ChainLink,
  previous: { signature: string | undefined } | undefined,
): (FileResult & { kind: 'digest' }) | undefined {
  const named = `named as the previous digest by s3://${link.from.bucket}/${link.from.key}`;
  if (previous === undefined)
    return {
      kind: 'digest',
      bucket: link.bucket,
      key: link.key,
      status: 'missing',
      reason: `${named}, but not found: the chain has a gap`,
    };
  if (link.signature !== null && previous.signature?.toLowerCase() !== link.signature.toLowerCase()) {
    return {
      kind: 'digest',
      bucket: link.bucket,
      key: link.key,
      status: 'invalid-signature',
      reason: `${named}, which gives it a different signature: the object was replaced`,
    };
  }
  return undefined;
}

/** A listed log file's verdict from its actual hash (undefined when the object does not exist). */
export function checkLogFile(
  listing: DigestLogFile,
  digest: { key: string; hour: Hour },
  actualSha256: string | undefined,
): FileResult & { kind: 'log' } {
  const base = {
    kind: 'log' as const,
    bucket: listing.s3Bucket,
    key: listing.s3Object,
    hour: digest.hour,
    digest: digest.key,
  };
  if (actualSha256 === undefined)
    return { ...base, status: 'missing', reason: `listed by digest ${digest.key}, not found` };
  if (listing.hashAlgorithm.toUpperCase() !== 'SHA-256') {
    return {
      ...base,
      status: 'modified',
      reason: `listed with hash algorithm ${listing.hashAlgorithm}, which trailwatch cannot check`,
    };
  }
  if (actualSha256 !== listing.hashValue) {
    return {
      ...base,
      status: 'modified',
      reason: `SHA-256 of its content is ${actualSha256}, the digest lists ${listing.hashValue}`,
    };
  }
  return { ...base, status: 'valid', reason: `SHA-256 matches digest ${digest.key}` };
}
