import { describe, expect, it } from 'vitest';
import { type BoundInputs, lowerBoundLines, lowerBounds } from '../bench/lower-bounds.js';

// The arithmetic of the bench's lower bounds (bench/lower-bounds.ts), on round figures: nothing here is timed.

const GB = 1e9;
const inputs: BoundInputs = {
  compressedBytes: 20e6,
  floorSeconds: 0.2,
  coreSeconds: 0.4,
  categoryReadSeconds: 0.3,
  processorSeconds: 0.7,
  indexerRds: { seconds: 1, bytesSent: 30e6 },
  indexerAll: { seconds: 2, bytesSent: 120e6 },
  crypto: { sha256: 2 * GB, md5: 1 * GB, aesGcm: 1 * GB },
};

describe('bench lower bounds', () => {
  it('bounds the processor by the core, plus decrypting and checking the MD5 of the object it reads', () => {
    const [processor] = lowerBounds(inputs);
    expect(processor?.target).toMatch(/processor/);
    expect(processor?.allowed).toBeCloseTo(0.4 / 0.8);
    expect(processor?.parts).toEqual([
      ['the core', 0.4],
      ['TLS decryption of the body', 0.02],
      ['MD5 of the body', 0.02],
    ]);
    expect(processor?.bound).toBeCloseTo(0.44);
    expect(processor?.measured).toBe(0.7);
  });

  it('bounds each indexer scope by the slower pass, the read, and SigV4 and TLS over the bytes it sends', () => {
    const [, rds, all] = lowerBounds(inputs);
    expect(rds?.allowed).toBeCloseTo(0.2 / 0.35);
    expect(all?.allowed).toBeCloseTo(0.2 / 0.25);
    // The core (0.4 s) is slower than reading with the categories parsed (0.3 s): it is the pass counted.
    expect(all?.parts).toEqual([
      ['the core', 0.4],
      ['TLS decryption of the body', 0.02],
      ['MD5 of the body', 0.02],
      ['SigV4 SHA-256 of what is sent', 0.06],
      ['TLS encryption of what is sent', 0.12],
    ]);
    expect(all?.bound).toBeCloseTo(0.62);
    expect(rds?.bound).toBeCloseTo(0.4 + 0.04 + 0.015 + 0.03);
  });

  it('counts the category read as the pass when it is the slower one', () => {
    const [, rds] = lowerBounds({ ...inputs, categoryReadSeconds: 0.5 });
    expect(rds?.parts[0]).toEqual(['reading, categories parsed', 0.5]);
  });

  it('leaves out an indexer scope that was not measured, and says so in the section', () => {
    const bounds = lowerBounds({ ...inputs, indexerAll: undefined });
    expect(bounds.map((b) => b.target)).toEqual([
      'processor ≥ 0.8× the core',
      'indexer, INDEX_SCOPE=rds, ≥ 0.35× raw gunzip',
    ]);
    const lines = lowerBoundLines('f.json.gz', bounds, inputs.crypto, ['indexer all: no indexer-handler-all row']);
    expect(lines.at(-1)).toBe('Not computed: indexer all: no indexer-handler-all row.');
  });

  it('prints milliseconds and the bound over what the target allows', () => {
    const lines = lowerBoundLines('f.json.gz', lowerBounds(inputs), inputs.crypto, []);
    expect(lines[0]).toContain('SHA-256 2.00 GB/s, MD5 1.00 GB/s, AES-GCM 1.00 GB/s');
    expect(lines).toContain(
      '| processor ≥ 0.8× the core | 500 | 440 | the core 400, TLS decryption of the body 20, MD5 of the body 20 | 700 | 0.88 |',
    );
  });
});
