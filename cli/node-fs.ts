// The file-system calls the CLI makes while it plans and reads a scan, on Node's `fs` taken with
// process.getBuiltinModule (Node >= 22.3) rather than an ES `import ... from 'node:fs'` or 'node:fs/promises'.
//
// Why: an ES import of a built-in builds a facade that reads every export once, and fs's lazy `promises`,
// `ReadStream` and `WriteStream` getters then load fs/promises, the fs streams, readline, fs/dir and the watchers
// (measured: ~2 ms of CPU and ten built-in modules in a one-file `trailwatch scan`, docs/performance-notes.md,
// "Session 6, startup6"). The callback API below is the same system call with the same errors (code, syscall, path
// and message) as fs/promises and fs.createReadStream, whose module loads fs/promises too.
import type * as NodeFs from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { createRequire } from 'node:module';

/** Node < 20.16 / 22.3 lacks getBuiltinModule; node:module's facade is built on every run anyway (the bundle's
 * require banner, scripts/cli-build.mjs). */
const fs: typeof NodeFs = process.getBuiltinModule?.('node:fs') ?? createRequire(import.meta.url)('node:fs');

/** One callback call of fs as a promise. */
function settle<T>(call: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value))));
}

export function stat(file: string): Promise<Stats> {
  return settle((done) => fs.stat(file, done));
}

export function realpath(file: string): Promise<string> {
  return settle((done) => fs.realpath(file, done));
}

export function readdirEntries(folder: string): Promise<Dirent[]> {
  return settle((done) => fs.readdir(folder, { withFileTypes: true }, done));
}

export function readTextFile(file: string): Promise<string> {
  return settle((done) => fs.readFile(file, 'utf8', done));
}

/**
 * The bytes of `file` from its start, `chunkSize` at a time (the last chunk shorter), each chunk a Buffer of its
 * own (the reader may hold on to it), as fs.createReadStream reads: open, read at the current position until a read
 * returns nothing, close (also when the caller stops early). Open and read errors are thrown as they come.
 */
export async function* readChunks(file: string, chunkSize: number): AsyncGenerator<Buffer> {
  const fd = await settle<number>((done) => fs.open(file, 'r', done));
  try {
    while (true) {
      const buffer = Buffer.allocUnsafe(chunkSize);
      const read = await settle<number>((done) => fs.read(fd, buffer, 0, chunkSize, null, done));
      if (read === 0) return;
      yield read === chunkSize ? buffer : buffer.subarray(0, read);
    }
  } finally {
    await settle<void>((done) => fs.close(fd, done));
  }
}
