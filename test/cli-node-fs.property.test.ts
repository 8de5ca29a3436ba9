// The CLI reads log files with readChunks (cli/node-fs.ts) instead of fs.createReadStream, whose module loads
// fs/promises, readline and the watchers at start-up: it must hand the reader the same bytes, and fail the same way.
import { createReadStream, readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readChunks } from '../cli/node-fs.js';

const folder = await mkdtemp(path.join(tmpdir(), 'trailwatch-read-chunks-'));
let files = 0;

async function fileWith(bytes: Uint8Array): Promise<string> {
  const file = path.join(folder, `f${files++}`);
  await writeFile(file, bytes);
  return file;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

async function failure(run: () => Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    await run();
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error('did not fail');
}

const openFds = () => readdirSync('/proc/self/fd').length;

describe('readChunks', () => {
  it('yields the bytes fs.createReadStream yields, in chunks of at most chunkSize, all full but the last', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 63 }),
        async (chunkSize, fullChunks, rest) => {
          const bytes = Uint8Array.from({ length: chunkSize * fullChunks + (rest % chunkSize) }, (_, i) => i * 7);
          const file = await fileWith(bytes);
          const ours = await collect(readChunks(file, chunkSize));
          const theirs = await collect(createReadStream(file, { highWaterMark: chunkSize }));
          expect(Buffer.concat(ours)).toEqual(Buffer.concat(theirs));
          expect(Buffer.concat(ours)).toEqual(Buffer.from(bytes));
          for (const chunk of ours.slice(0, -1)) expect(chunk.length).toBe(chunkSize);
          expect(ours.every((chunk) => chunk.length > 0 && chunk.length <= chunkSize)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives each chunk a buffer of its own, so a chunk held on to is not overwritten by the next read', async () => {
    const file = await fileWith(Uint8Array.from({ length: 10 }, (_, i) => i));
    const chunks = await collect(readChunks(file, 4));
    expect(chunks.map((chunk) => [...chunk])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('fails on a missing file with the error fs.createReadStream gives', async () => {
    const missing = path.join(folder, 'missing.json.gz');
    const ours = await failure(() => collect(readChunks(missing, 16)));
    const theirs = await failure(() => collect(createReadStream(missing, { highWaterMark: 16 })));
    expect(ours.code).toBe('ENOENT');
    expect(ours.message).toBe(theirs.message);
  });

  it('fails on a folder with the error fs.createReadStream gives', async () => {
    const ours = await failure(() => collect(readChunks(folder, 16)));
    const theirs = await failure(() => collect(createReadStream(folder, { highWaterMark: 16 })));
    expect(ours.code).toBe('EISDIR');
    expect(ours.message).toBe(theirs.message);
  });

  it('closes the file when the caller stops early', async () => {
    const file = await fileWith(new Uint8Array(100));
    const before = openFds();
    for await (const chunk of readChunks(file, 10)) {
      expect(openFds()).toBe(before + 1);
      expect(chunk.length).toBe(10);
      break;
    }
    expect(openFds()).toBe(before);
  });
});
