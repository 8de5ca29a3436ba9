// Values that depend on a label only (SHA-256 of it), not on a generator's position: a record's id stays the same
// when records are added before it. The sample day names every id this way.
import { createHash } from 'node:crypto';
import { ALNUM } from './alphabets.js';

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A version-4-shaped UUID from SHA-256 of `uuid:<label>`. */
export function uuidFor(label: string): string {
  const b = Buffer.from(sha256(`uuid:${label}`).subarray(0, 16));
  b.writeUInt8((b.readUInt8(6) & 0x0f) | 0x40, 6);
  b.writeUInt8((b.readUInt8(8) & 0x3f) | 0x80, 8);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `length` characters of `alphabet`, each a byte of SHA-256 of `<label>:<round>` modulo the alphabet's size. */
export function charsFor(label: string, length: number, alphabet: string = ALNUM): string {
  let out = '';
  for (let round = 0; out.length < length; round++) {
    for (const byte of sha256(`${label}:${round}`)) {
      if (out.length === length) break;
      out += alphabet.charAt(byte % alphabet.length);
    }
  }
  return out;
}
