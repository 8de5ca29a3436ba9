// Expanding the PATH arguments of `trailwatch scan` and `report` into the files to read.
import path from 'node:path';
import { UsageError } from './args.js';
import { foreignByName } from './inputs/key-layout.js';
import { readdirEntries, realpath, stat } from './node-fs.js';

export interface LogFile {
  path: string;
  size: number;
  /** Named on the command line, rather than found in a folder. */
  explicit: boolean;
}

export interface LogFileList {
  files: LogFile[];
  /** Files under folders that are not CloudTrail log files by their name (digests, Config files, other extensions), and why. */
  skipped: { name: string; why: string }[];
}

/**
 * Files named on the command line are read whatever their name; folders are walked recursively for `.json.gz`
 * and `.json` files, in sorted order so runs are repeatable, skipping those whose name or folder says they are
 * digests, Insights or AWS Config files (inputs/key-layout.ts).
 */
export async function findLogFiles(paths: string[]): Promise<LogFileList> {
  const list: LogFileList = { files: [], skipped: [] };
  const walked = new Set<string>();
  for (const given of paths) {
    const info = await stat(given).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`${given}: ${error.code === 'ENOENT' ? 'no such file or folder' : error.message}`);
    });
    if (info.isDirectory()) await walk(given, list, walked);
    else list.files.push({ path: given, size: info.size, explicit: true });
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
  const entries = await readdirEntries(folder);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    const target = entry.isSymbolicLink() ? await stat(full).catch(() => null) : entry;
    if (target === null) list.skipped.push({ name: full, why: 'broken symbolic link' });
    else if (target.isDirectory()) await walk(full, list, walked);
    else if (target.isFile()) {
      const why = foreignByName(full);
      if (why) list.skipped.push({ name: full, why });
      else list.files.push({ path: full, size: (await stat(full)).size, explicit: false });
    }
  }
}
