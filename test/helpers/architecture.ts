// The rules test/architecture.test.ts holds the repository to, as functions over a list of source files, so the test
// can run them on the real tree and on made-up trees that must fail.
//
// Layers: `shared/` is the pure core (plain functions over plain data, no AWS SDK), so it imports nothing from the
// folders that wire it to the world or test it. Production code (what ships: functions/, shared/, cli/, bin/)
// imports nothing from the tests or the local AWS stand-ins.
// Size: a source file over 400 lines is usually doing more than one job; one that is not says why at its top.
//
// Imports are read with TypeScript's own pre-processor (`ts.preProcessFile`), which finds `import`/`export ... from`,
// `import()` and `require()` and ignores comments and strings, rather than with a regular expression.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface SourceFile {
  /** Repository-relative, with `/` separators. */
  path: string;
  text: string;
}

export const MAX_LINES = 400;
/** What a longer file says in its first lines. */
export const LONG_FILE_REASON = /^\/\/ Longer than 400 lines because: \S/;
/** How many lines at the top of a file may hold the reason (after a licence or first comment line, say). */
const REASON_WITHIN_LINES = 10;

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.mjs'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'dist', '.aws-sam', 'coverage', '.scratch', 'out']);

/** Folders whose code ships (Lambda bundles, the CLI): none of it may import test code or the local fakes. */
const PRODUCTION = ['functions', 'shared', 'cli', 'bin'];
const TEST_ONLY = ['test', 'local-aws'];
/** What the pure core may not import: every other layer of the repository. */
const NOT_FROM_SHARED = ['functions', 'cli', 'scripts', 'bench', 'bin', ...TEST_ONLY];

/** Every .ts/.mts/.mjs file under `root`, outside build output and dependencies. */
export function readSourceTree(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(relative);
      } else if (SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
        files.push({ path: relative, text: readFileSync(path.join(root, relative), 'utf8') });
      }
    }
  };
  walk('');
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export interface ImportEdge {
  from: string;
  specifier: string;
  /** The repository-relative path a relative specifier points to; undefined for a package. */
  target: string | undefined;
}

export function importsOf(file: SourceFile): ImportEdge[] {
  return ts.preProcessFile(file.text, true, true).importedFiles.map(({ fileName: specifier }) => ({
    from: file.path,
    specifier,
    target: specifier.startsWith('.')
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file.path), specifier))
      : undefined,
  }));
}

function topFolder(repoPath: string): string {
  return repoPath.split('/')[0] ?? '';
}

/** One line per import that breaks a layer rule, naming the file, the import and the rule. */
export function layerViolations(files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const layer = topFolder(file.path);
    for (const edge of importsOf(file)) {
      const where = `${file.path} imports '${edge.specifier}'`;
      if (edge.target?.startsWith('..')) {
        problems.push(`${where}: a path outside the repository`);
        continue;
      }
      const targetFolder = edge.target === undefined ? undefined : topFolder(edge.target);
      if (layer === 'shared') {
        if (edge.target === undefined && /^@aws-sdk\//.test(edge.specifier))
          problems.push(`${where}: shared/ is the pure core and imports no AWS SDK`);
        if (targetFolder !== undefined && NOT_FROM_SHARED.includes(targetFolder))
          problems.push(`${where}: shared/ imports nothing from ${targetFolder}/`);
      }
      if (PRODUCTION.includes(layer) && targetFolder !== undefined && TEST_ONLY.includes(targetFolder))
        problems.push(`${where}: production code (${PRODUCTION.join('/, ')}/) imports nothing from ${targetFolder}/`);
    }
  }
  return problems;
}

export function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Files over MAX_LINES lines that do not say at their top why, and are not on the temporary allow-list. */
export function oversizedFiles(files: readonly SourceFile[], allowed: ReadonlyMap<string, string>): string[] {
  return files
    .filter((file) => !allowed.has(file.path))
    .filter((file) => lineCount(file.text) > MAX_LINES && !statesWhyLong(file.text))
    .map(
      (file) =>
        `${file.path} is ${lineCount(file.text)} lines: split it, or say at its top "// Longer than 400 lines because: ..."`,
    );
}

/** Allow-list entries that no longer need to be there (the file is gone, short enough, or says why it is long). */
export function staleAllowances(files: readonly SourceFile[], allowed: ReadonlyMap<string, string>): string[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  return [...allowed.keys()]
    .filter((allowedPath) => {
      const file = byPath.get(allowedPath);
      return file === undefined || lineCount(file.text) <= MAX_LINES || statesWhyLong(file.text);
    })
    .map((allowedPath) => `${allowedPath} (lane ${allowed.get(allowedPath)}) no longer needs its allowance: remove it`);
}

function statesWhyLong(text: string): boolean {
  return text.split('\n', REASON_WITHIN_LINES).some((line) => LONG_FILE_REASON.test(line));
}
