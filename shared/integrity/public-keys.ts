// CloudTrail's digest-signing public keys, from what ListPublicKeys returns: the SDK's objects (the pipeline,
// `trailwatch verify` online) or the JSON `aws cloudtrail list-public-keys` prints (`--public-keys FILE`).
//
// The CLI prints `{"PublicKeyList":[{"Value":"<base64 DER>","ValidityStartTime":...,"ValidityEndTime":...,
// "Fingerprint":"<hex>"}]}`; times are ISO 8601 (CLI v2) or epoch seconds (CLI v1, and the sample in the User
// Guide's "Custom implementations" page, which also spells the list `publicKeyList`): all are accepted.
import { isJsonObject, type JsonValue } from '../cloudtrail.js';
import { TrailwatchError } from '../errors.js';
import { fingerprintOf, publicKeyFromDer, type PublicKeyEntry } from './signature.js';

/** A public keys file that cannot be used; `place` names the entry and field. */
export class PublicKeysError extends TrailwatchError {
  readonly code = 'INVALID_PUBLIC_KEYS';
  readonly source: string;
  readonly place: string;

  constructor(source: string, place: string, detail: string) {
    super(`${source}${place ? ` at ${place}` : ''}: ${detail}`);
    this.name = 'PublicKeysError';
    this.source = source;
    this.place = place;
  }
}

/** One key from DER bytes; the fingerprint is computed when none is given. Throws when the bytes are no RSA key. */
export function publicKeyEntry(
  der: Buffer,
  fingerprint?: string,
  validityStart?: Date,
  validityEnd?: Date,
): PublicKeyEntry {
  return {
    key: publicKeyFromDer(der),
    fingerprint: (fingerprint ?? fingerprintOf(der)).toLowerCase(),
    validityStart,
    validityEnd,
  };
}

function parseTime(value: JsonValue | undefined, source: string, place: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date =
    typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))
      ? new Date(Number(value) * 1000)
      : typeof value === 'string'
        ? new Date(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new PublicKeysError(source, place, `not a time (ISO 8601 or epoch seconds): ${JSON.stringify(value)}`);
  }
  return date;
}

/** Parses a `list-public-keys` JSON document; `source` names it in errors. */
export function parsePublicKeysFile(text: string, source: string): PublicKeyEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PublicKeysError(source, '', `not JSON (${(error as Error).message})`);
  }
  if (!isJsonObject(parsed)) throw new PublicKeysError(source, '', 'not a JSON object');
  const listName = 'PublicKeyList' in parsed ? 'PublicKeyList' : 'publicKeyList';
  const list = parsed[listName];
  if (!Array.isArray(list))
    throw new PublicKeysError(
      source,
      listName,
      'missing, or not an array (expected the output of `aws cloudtrail list-public-keys`)',
    );
  return list.map((item, i) => {
    const place = `${listName}[${i}]`;
    if (!isJsonObject(item)) throw new PublicKeysError(source, place, 'not an object');
    const value = item.Value;
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
      throw new PublicKeysError(source, `${place}.Value`, 'must be the base64 DER public key');
    }
    const fingerprint = item.Fingerprint;
    if (fingerprint !== undefined && (typeof fingerprint !== 'string' || !/^[0-9a-fA-F]+$/.test(fingerprint))) {
      throw new PublicKeysError(source, `${place}.Fingerprint`, 'must be a hex string');
    }
    const start = parseTime(item.ValidityStartTime, source, `${place}.ValidityStartTime`);
    const end = parseTime(item.ValidityEndTime, source, `${place}.ValidityEndTime`);
    try {
      return publicKeyEntry(Buffer.from(value, 'base64'), fingerprint, start, end);
    } catch (error) {
      throw new PublicKeysError(
        source,
        `${place}.Value`,
        `not an RSA public key in DER form (${(error as Error).message})`,
      );
    }
  });
}
