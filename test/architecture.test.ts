// The layers and the file sizes of the repository (issue 12): the real tree must pass, and made-up trees that break
// each rule must fail, so the check itself is known to work.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  layerViolations,
  lineCount,
  oversizedFiles,
  readSourceTree,
  staleAllowances,
  type SourceFile,
} from './helpers/architecture.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Files allowed over 400 lines for a while (file -> who is splitting it), for a split in flight on a branch. Empty on
 * main; an entry a file no longer needs fails the test.
 */
const BEING_SPLIT = new Map<string, string>();

const tree = readSourceTree(ROOT);

function lines(n: number, first = '// a module'): string {
  return `${[first, ...Array.from({ length: n - 1 }, (_, i) => `export const x${i} = ${i};`)].join('\n')}\n`;
}

describe('the repository', () => {
  it('reads the source tree (a sanity check that the rules below see the files)', () => {
    const paths = tree.map((f) => f.path);
    expect(paths).toContain('shared/errors.ts');
    expect(paths).toContain('bin/trailwatch.mjs');
    expect(paths).toContain('test/architecture.test.ts');
    expect(paths.some((p) => p.startsWith('node_modules/') || p.startsWith('dist/'))).toBe(false);
  });

  it('keeps its layers: shared/ imports no other layer and no AWS SDK; shipped code imports no test code or fakes', () => {
    expect(layerViolations(tree)).toEqual([]);
  });

  it('has no source file over 400 lines that does not say at its top why', () => {
    expect(oversizedFiles(tree, BEING_SPLIT)).toEqual([]);
  });

  it('has no temporary allowance left that a file no longer needs', () => {
    expect(staleAllowances(tree, BEING_SPLIT)).toEqual([]);
  });
});

describe('the layer rules', () => {
  const file = (path: string, text: string): SourceFile => ({ path, text });

  it.each([
    ['functions/', "import { handler } from '../../functions/processor/handler.js';"],
    ['cli/', "import { run } from '../../cli/commands.js';"],
    ['scripts/', "import { lambdaBundle } from '../../scripts/bundle-options.mjs';"],
    ['bench/', "export { generateLogText } from '../../bench/generate.js';"],
    ['test/', "import type { LogFile } from '../../test/helpers/log-files.js';"],
    ['local-aws/', "const fake = await import('../../local-aws/sns-fake.js');"],
  ])('fails when shared/ imports from %s', (folder, statement) => {
    const problems = layerViolations([file('shared/rules/x.ts', `${statement}\n`)]);
    expect(problems.join('\n')).toContain(`shared/ imports nothing from ${folder}`);
  });

  it('fails when shared/ imports an AWS SDK client, statically or dynamically', () => {
    const problems = layerViolations([
      file('shared/a.ts', "import { S3Client } from '@aws-sdk/client-s3';\n"),
      file('shared/b/c.ts', "export async function f() {\n  return import('@aws-sdk/client-sns');\n}\n"),
    ]);
    expect(problems).toEqual([
      "shared/a.ts imports '@aws-sdk/client-s3': shared/ is the pure core and imports no AWS SDK",
      "shared/b/c.ts imports '@aws-sdk/client-sns': shared/ is the pure core and imports no AWS SDK",
    ]);
  });

  it.each([
    ['functions/lib/x.ts', "import { startS3Emulator } from '../../local-aws/s3-emulator.js';"],
    ['cli/x.ts', "import { cloudTrailRecord } from '../test/helpers/log-files.js';"],
    ['bin/trailwatch.mjs', "const { f } = require('../test/helpers/log-files.js');"],
    ['shared/index/x.ts', "import { minimumCalls } from '../../test/helpers/batch-bounds.js';"],
  ])('fails when production code (%s) imports test code or a fake', (path, statement) => {
    expect(layerViolations([file(path, `${statement}\n`)]).join('\n')).toContain('production code');
  });

  it('fails on an import that leaves the repository', () => {
    expect(layerViolations([file('cli/x.ts', "import { y } from '../../shared/tools/y.js';\n")])).toEqual([
      "cli/x.ts imports '../../shared/tools/y.js': a path outside the repository",
    ]);
  });

  it('lets the other layers use shared/, the fakes and test helpers where they belong', () => {
    expect(
      layerViolations([
        file('functions/processor/x.ts', "import { classify } from '../../shared/classify/index.js';\n"),
        file('shared/alerts/x.ts', "import { Alert } from '../rules/types.js';\nimport YAML from 'yaml';\n"),
        file('cli/x.ts', "const { S3Client } = await import('@aws-sdk/client-s3');\n"),
        file('scripts/local/x.ts', "import { startSnsFake } from '../../local-aws/sns-fake.js';\n"),
        file('test/x.test.ts', "import { startS3Emulator } from '../local-aws/s3-emulator.js';\n"),
      ]),
    ).toEqual([]);
  });

  it('ignores imports written in comments and strings', () => {
    const text = "// import { x } from '../functions/x.js';\nconst s = \"import y from '@aws-sdk/client-s3'\";\n";
    expect(layerViolations([file('shared/x.ts', text)])).toEqual([]);
  });
});

describe('the size rule', () => {
  const none = new Map<string, string>();

  it('counts lines as an editor shows them', () => {
    expect([lineCount(''), lineCount('a'), lineCount('a\n'), lineCount('a\nb\n')]).toEqual([0, 1, 1, 2]);
  });

  it('fails for a file of 401 lines and passes one of 400', () => {
    const files = [
      { path: 'cli/long.ts', text: lines(401) },
      { path: 'cli/short.ts', text: lines(400) },
    ];
    expect(oversizedFiles(files, none)).toEqual([
      'cli/long.ts is 401 lines: split it, or say at its top "// Longer than 400 lines because: ..."',
    ]);
  });

  it('passes a long file that says at its top why, and only at its top', () => {
    const reason = '// Longer than 400 lines because: one table of test cases, read top to bottom.';
    const atTop = lines(450, reason);
    const atBottom = `${lines(450)}${reason}\n`;
    const empty = lines(450, '// Longer than 400 lines because:');
    expect(oversizedFiles([{ path: 'test/a.test.ts', text: atTop }], none)).toEqual([]);
    expect(oversizedFiles([{ path: 'test/b.test.ts', text: atBottom }], none)).toHaveLength(1);
    expect(oversizedFiles([{ path: 'test/c.test.ts', text: empty }], none)).toHaveLength(1);
  });

  it('passes an allowed file, and reports the allowance once the file no longer needs it', () => {
    const allowed = new Map([
      ['bench/big.ts', 'perf'],
      ['bench/split.ts', 'perf'],
      ['bench/gone.ts', 'synth'],
    ]);
    const files = [
      { path: 'bench/big.ts', text: lines(500) },
      { path: 'bench/split.ts', text: lines(120) },
    ];
    expect(oversizedFiles(files, allowed)).toEqual([]);
    expect(staleAllowances(files, allowed)).toEqual([
      'bench/split.ts (lane perf) no longer needs its allowance: remove it',
      'bench/gone.ts (lane synth) no longer needs its allowance: remove it',
    ]);
  });
});
