// Digest signatures: the string CloudTrail signs, SHA256withRSA verification, and CloudTrail's public keys.
//
// AWS CloudTrail User Guide, "Custom implementations of CloudTrail log file integrity validation"
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-custom-validation.html):
// the signature is hex in the digest object's `x-amz-meta-signature`; the signed string is
//   digestEndTime + "\n" + digestS3Bucket + "/" + digestS3Object + "\n" + hex(sha256(uncompressed digest)) + "\n"
//   + previousDigestSignature
// with the literal `null` when there is no previous digest (as the AWS CLI's validate-logs writes it, to match
// CloudTrail's Java implementation). Public keys come from ListPublicKeys: base64 of the DER key "in PKCS #1
// format"; the same page's sample response also holds a key in X.509 SubjectPublicKeyInfo form (it starts
// `MIIBIjANBgkqhkiG9w0BAQEF`), so both are accepted. Each key's fingerprint is the hex MD5 of those DER bytes:
// true of all three keys in that sample (test/integrity-signature.test.ts checks it).
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Digest } from './digest.js';

/** The only algorithm CloudTrail signs digests with. */
export const SIGNATURE_ALGORITHM = 'SHA256withRSA';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The UTF-8 string whose SHA256withRSA signature is the digest's signature. */
export function signingString(
  digest: Pick<Digest, 'digestEndTime' | 'digestS3Bucket' | 'digestS3Object' | 'previousDigestSignature'>,
  digestSha256Hex: string,
): string {
  return `${digest.digestEndTime}\n${digest.digestS3Bucket}/${digest.digestS3Object}\n${digestSha256Hex}\n${digest.previousDigestSignature ?? 'null'}`;
}

/** True when `signatureHex` is a valid SHA256withRSA signature of `text` under `key`. Never throws on bad input. */
export function verifySignature(key: KeyObject, text: string, signatureHex: string): boolean {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(signatureHex)) return false;
  try {
    return verify('sha256', Buffer.from(text, 'utf8'), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}

/** A public key CloudTrail signs digests with (one ListPublicKeys entry). */
export interface PublicKeyEntry {
  /** Lower-case hex, as digests name it in digestPublicKeyFingerprint. */
  fingerprint: string;
  key: KeyObject;
  validityStart: Date | undefined;
  validityEnd: Date | undefined;
}

/** The hex MD5 of a key's DER bytes: how CloudTrail's fingerprints are made. */
export function fingerprintOf(der: Uint8Array): string {
  return createHash('md5').update(der).digest('hex');
}

/** A DER RSA public key, PKCS #1 (RSAPublicKey) or SubjectPublicKeyInfo; throws when it is neither. */
export function publicKeyFromDer(der: Buffer): KeyObject {
  try {
    return createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  } catch {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  }
}

/** Public keys by fingerprint, for one region's digests. */
export class PublicKeySet {
  private readonly byFingerprint = new Map<string, PublicKeyEntry>();

  constructor(entries: Iterable<PublicKeyEntry> = []) {
    for (const entry of entries) this.add(entry);
  }

  add(entry: PublicKeyEntry): void {
    this.byFingerprint.set(entry.fingerprint.toLowerCase(), entry);
  }

  get(fingerprint: string): PublicKeyEntry | undefined {
    return this.byFingerprint.get(fingerprint.toLowerCase());
  }

  entries(): IterableIterator<PublicKeyEntry> {
    return this.byFingerprint.values();
  }

  get size(): number {
    return this.byFingerprint.size;
  }
}
