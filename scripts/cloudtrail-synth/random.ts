// Seeded randomness for the synthesisers: one `Random` (pick, weighted pick, ints, strings, shuffles) over two
// 32-bit sources. Each generator keeps the source its committed output was made with: the bench files use
// sfc32 seeded through splitmix32 (bench/generate.ts, GENERATOR_VERSION), the sample day mulberry32 seeded from
// SHA-256 of a label (events/logs, byte-checked by test/sample-logs.test.ts). Both are small, fast, and give the
// same sequence on every machine; neither is for secrets.
import { createHash } from 'node:crypto';

/** A deterministic source of uniform floats in [0, 1), each a 32-bit integer / 2^32. */
export type FloatSource = () => number;

/** sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG), its four words seeded through splitmix32. */
export function sfc32(seed: number): FloatSource {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();
  return () => u32() / 4294967296;
}

/** mulberry32, seeded with the first four bytes (little-endian) of SHA-256 of `rng:<label>`. */
export function mulberry32(label: string): FloatSource {
  let state = createHash('sha256').update(`rng:${label}`).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  constructor(private readonly source: FloatSource) {}

  /** Uniform in [0, 1). */
  float(): number {
    return this.source();
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.source() * n);
  }

  /** Uniform integer in [min, max], both included. */
  range(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  chance(p: number): boolean {
    return this.source() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.below(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks by weight from [weight, value] pairs. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of items) total += w;
    let x = this.source() * total;
    for (const [w, v] of items) {
      x -= w;
      if (x < 0) return v;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last[1];
  }

  /** `n` characters drawn uniformly from `alphabet`. */
  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet.charAt(this.below(alphabet.length));
    return out;
  }

  hex(n: number): string {
    return this.chars('0123456789abcdef', n);
  }

  /** A version-4 UUID. */
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`;
  }

  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const a = items[i];
      const b = items[j];
      if (a === undefined || b === undefined) throw new Error('shuffle index out of range');
      items[i] = b;
      items[j] = a;
    }
    return items;
  }
}
