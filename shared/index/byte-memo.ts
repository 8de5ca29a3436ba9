// Values computed from a record's bytes, remembered by those bytes: no string is made of them to look a value up.
// The index encoder (record-encoder.ts) asks the same few questions of most records (the `trailwatch` head of a
// userIdentity, the log stream of an account and region, whether an eventSource takes the ordinary path), and a
// trail's records repeat a few answers many times. Keying a Map by a string of the bytes cost a string and its hash
// per record (the heads alone ~3.5 % of the index row's main thread in session 6's profile); here the key is a hash
// of the bytes, and an entry holds a copy of its bytes to check a hit against (Buffer#compare, memcmp), so a hash
// collision costs a recomputation, never a wrong answer.

interface Entry<T> {
  first: Buffer | null;
  second: Buffer | null;
  salt: number;
  value: T;
}

/**
 * Values by the bytes of up to two ranges of one buffer ([start, end); absent when start is -1) and a small integer
 * `salt`: `find` the value, and on a miss compute it and `keep` it (with the same arguments).
 */
export class ByteMemo<T> {
  private readonly entries = new Map<number, Entry<T>>();
  /** The hash `find` computed last, for `keep`. */
  private lastHash = 0;

  /** At most `capacity` values; past it the memo starts again. */
  constructor(private readonly capacity = 4096) {}

  find(bytes: Uint8Array, start1: number, end1: number, start2: number, end2: number, salt: number): T | undefined {
    const hash = hashRange(bytes, start2, end2, hashRange(bytes, start1, end1, Math.imul(salt + 1, 0x9e3779b1)));
    this.lastHash = hash;
    const entry = this.entries.get(hash);
    if (
      entry !== undefined &&
      entry.salt === salt &&
      same(entry.first, bytes, start1, end1) &&
      same(entry.second, bytes, start2, end2)
    )
      return entry.value;
    return undefined;
  }

  /** Remembers `value` for the key the last `find` missed. */
  keep(bytes: Uint8Array, start1: number, end1: number, start2: number, end2: number, salt: number, value: T): void {
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(this.lastHash, {
      first: copyOf(bytes, start1, end1),
      second: copyOf(bytes, start2, end2),
      salt,
      value,
    });
  }
}

function copyOf(bytes: Uint8Array, start: number, end: number): Buffer | null {
  return start < 0 ? null : Buffer.from(bytes.subarray(start, end));
}

function same(kept: Buffer | null, bytes: Uint8Array, start: number, end: number): boolean {
  if (start < 0) return kept === null;
  return kept !== null && kept.length === end - start && kept.compare(bytes, start, end) === 0;
}

/** FNV-1a over `bytes[start..end)` from `seed`; an absent range (start -1) hashes apart from an empty one. */
function hashRange(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  if (start < 0) return Math.imul(h ^ 0xff, 0x01000193);
  for (let k = start; k < end; k++) h = Math.imul(h ^ bytes[k]!, 0x01000193);
  return h ^ (end - start);
}
