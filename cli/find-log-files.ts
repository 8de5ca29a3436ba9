// Expanding the PATH arguments of `trailwatch scan` into log files.
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface LogFileList {
  files: string[];
  /** Files under folders that are not CloudTrail log files: digests, other extensions. */
  skipped: string[];
}

const LOG_FILE = /\.json(\.gz)?$/;

/** CloudTrail writes digest files (hash chains for log file validation) beside the logs; they have no Records. */
function isDigest(file: string): boolean {
  return file.split(path.sep).includes('CloudTrail-Digest') || /_CloudTrail-Digest_/.test(path.basename(file));
}

/**
 * Files named on the command line are read whatever their name; folders are walked recursively for
 * `.json.gz` and `.json` files, in sorted order so runs are repeatable, skipping digest files.
 */
export async function findLogFiles(paths: string[]): Promise<LogFileList> {
  const list: LogFileList = { files: [], skipped: [] };
  const walked = new Set<string>();
  for (const given of paths) {
    const info = await stat(given).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`${given}: ${error.code === 'ENOENT' ? 'no such file or folder' : error.message}`);
    });
    if (info.isDirectory()) await walk(given, list, walked);
    else list.files.push(given);
  }
  return list;
}

/**
 * Symbolic links are followed: a log file linked into a folder is one the user wants scanned. A link to a
 * folder is walked once (`walked` holds the real paths of folders walked, so a link back up the tree cannot
 * loop); a broken link is counted as skipped.
 */
async function walk(folder: string, list: LogFileList, walked: Set<string>): Promise<void> {
  const real = await realpath(folder);
  if (walked.has(real)) return;
  walked.add(real);
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    const target = entry.isSymbolicLink() ? await stat(full).catch(() => null) : entry;
    if (target === null) list.skipped.push(full);
    else if (target.isDirectory()) await walk(full, list, walked);
    else if (target.isFile() && LOG_FILE.test(entry.name) && !isDigest(full)) list.files.push(full);
    else if (target.isFile()) list.skipped.push(full);
  }
}
