// `trailwatch completion bash|zsh`: the bash script is sourced in a real bash and its function called the way
// bash calls it (COMP_WORDS, COMP_CWORD); the zsh script is checked by zsh's parser where zsh is installed.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../cli/trailwatch.js';

const exec = promisify(execFile);

async function script(shell: string): Promise<string> {
  const out: string[] = [];
  expect(await main(['completion', shell], { out: (l) => out.push(l), err: () => undefined, interactive: false })).toBe(
    0,
  );
  return out.join('\n');
}

/** What bash would offer for `words`, the cursor on the last word. */
async function complete(words: string[], cwd?: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-completion-'));
  const file = path.join(dir, 'trailwatch.bash');
  await writeFile(file, await script('bash'));
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const { stdout } = await exec(
    'bash',
    [
      '-c',
      `source ${file}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _trailwatch; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    {
      cwd: cwd ?? dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir },
    },
  );
  return stdout.split('\n').filter(Boolean).sort();
}

describe('bash completion', () => {
  it('completes command names', async () => {
    expect(await complete(['trailwatch', 's'])).toEqual(['scan', 'search']);
    expect(await complete(['trailwatch', 'ru'])).toEqual(['rules']);
    expect(await complete(['trailwatch', 'help', 'sc'])).toEqual(['scan']);
  });

  it("completes a command's flags", async () => {
    const flags = await complete(['trailwatch', 'scan', '--f']);
    expect(flags).toEqual(['--fail-on', '--format']);
  });

  it('completes the values a flag takes', async () => {
    expect(await complete(['trailwatch', 'scan', '--format', ''])).toEqual(['json', 'text']);
    expect(await complete(['trailwatch', 'scan', '--min-severity', 'h'])).toEqual(['high']);
    expect(await complete(['trailwatch', 'completion', ''])).toEqual(['bash', 'zsh']);
  });

  it('completes file names for inputs', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-files-'));
    await writeFile(path.join(dir, 'day-1.json.gz'), '');
    await writeFile(path.join(dir, 'day-2.json.gz'), '');
    expect(await complete(['trailwatch', 'scan', 'day'], dir)).toEqual(['day-1.json.gz', 'day-2.json.gz']);
  });
});

describe('zsh completion', () => {
  it('loads the bash function through bashcompinit', async () => {
    const text = await script('zsh');
    expect(text).toMatch(/^#compdef trailwatch/);
    expect(text).toContain('bashcompinit');
    expect(text).toContain('complete -o default -F _trailwatch trailwatch');
  });

  it.skipIf(!existsSync('/usr/bin/zsh') && !existsSync('/bin/zsh'))('parses in zsh', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-zsh-'));
    const file = path.join(dir, '_trailwatch');
    await writeFile(file, await script('zsh'));
    await exec('zsh', ['-n', file]);
  });
});
