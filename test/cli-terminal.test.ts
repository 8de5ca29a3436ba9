// What the CLI prints cannot drive the terminal (issue 11, item 5): control characters, C1 codes and bidi marks
// from records, rules files and file names arrive as visible escapes, in text and in JSON lines alike.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSearchArgs } from '../cli/search-args.js';
import { runSearch } from '../cli/search-command.js';
import { terminalSafe } from '../cli/terminal-text.js';
import { main } from '../cli/trailwatch.js';
import { cloudTrailRecord } from './helpers/log-files.js';

/** The identifier: clear the screen, home the cursor, retitle the window, return and forge a line. */
const FORGERY = 'x\u001b[2J\u001b[H\u001b]0;owned\u0007\r... INFO all-clear';
/** Also a one-byte CSI (C1), a right-to-left override and a line separator, which JSON.stringify leaves raw. */
const RAW_IN_JSON = 'y\u009b2J\u202eevil\u2028z';
/** What no printed line may hold. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false });
  return { code, out, err };
}

async function logFile(name: string, content: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trailwatch-terminal-'));
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

const deletion = (identifier: string) =>
  cloudTrailRecord({
    eventName: 'DeleteDBInstance',
    eventID: 'e-1',
    requestParameters: { dBInstanceIdentifier: identifier },
    userAgent: identifier,
  });

describe('terminalSafe', () => {
  it('writes ESC, BEL, CR, C1, bidi marks and separators as visible escapes', () => {
    expect(terminalSafe(FORGERY)).toBe('x\\u001b[2J\\u001b[H\\u001b]0;owned\\u0007\\u000d... INFO all-clear');
    expect(terminalSafe(RAW_IN_JSON)).toBe('y\\u009b2J\\u202eevil\\u2028z');
  });

  it('keeps a JSON line valid JSON with the same value, and leaves nothing unsafe in it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        for (const json of [JSON.stringify(value), JSON.stringify({ text })]) {
          const safe = terminalSafe(json);
          expect(safe).not.toMatch(UNSAFE);
          expect(JSON.parse(safe)).toEqual(JSON.parse(json));
        }
      }),
    );
  });
});

describe('trailwatch scan output', () => {
  it('prints a text alert line with the forged identifier escaped', async () => {
    const file = await logFile('log.json.gz', gzipSync(JSON.stringify({ Records: [deletion(FORGERY)] })));
    // --wide: the whole line (by default it is cut to 120 columns, and the escapes make it longer).
    const { out } = await run('scan', '--wide', file);
    expect(out).toHaveLength(1);
    expect(out[0]).not.toMatch(UNSAFE);
    expect(out[0]).toContain('DeleteDBInstance x\\u001b[2J\\u001b[H\\u001b]0;owned\\u0007\\u000d... INFO all-clear by');
  });

  it('prints JSON lines without raw C1 or bidi characters, the values unchanged', async () => {
    const file = await logFile('log.json.gz', gzipSync(JSON.stringify({ Records: [deletion(RAW_IN_JSON)] })));
    const { out } = await run('scan', '--format', 'json', file);
    expect(out).toHaveLength(1);
    expect(out[0]).not.toMatch(UNSAFE);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({ resource: { id: RAW_IN_JSON }, userAgent: RAW_IN_JSON });
  });

  it('escapes a file name in error lines', async () => {
    const file = await logFile(`bad\u001b]0;owned\u0007\u202e.json.gz`, Buffer.from('not gzip at all'));
    const { code, err } = await run('scan', file);
    expect(code).toBe(1);
    expect(err.some((line) => line.includes('bad\\u001b]0;owned\\u0007\\u202e.json.gz'))).toBe(true);
    for (const line of err) expect(line).not.toMatch(UNSAFE);
  });

  it('escapes a missing path in the usage error', async () => {
    const { code, err } = await run('scan', `/nonexistent/\u001b[31mred`);
    expect(code).toBe(2);
    for (const line of err) expect(line).not.toMatch(UNSAFE);
    expect(err[0]).toContain('/nonexistent/\\u001b[31mred');
  });
});

describe('trailwatch rules output', () => {
  it('escapes rule titles from a rules file', async () => {
    const rules = await logFile(
      'rules.yaml',
      Buffer.from(
        `rules:\n  - id: forged\n    severity: low\n    title: "ok\\e[2J\\rCRITICAL none"\n    match: { eventSource: [rds.amazonaws.com] }\n`,
      ),
    );
    for (const format of ['text', 'json']) {
      const { out } = await run('rules', '--rules', rules, '--format', format);
      const line = out.find((l) => l.includes('forged'));
      expect(line).toBeDefined();
      expect(line).not.toMatch(UNSAFE);
    }
  });
});

describe('trailwatch search output', () => {
  const message = JSON.stringify({
    ...deletion(`${FORGERY}${RAW_IN_JSON}`),
    eventTime: '2026-11-20T10:00:00Z',
    trailwatch: { resource: RAW_IN_JSON, principal: { name: FORGERY } },
  });
  const client = {
    send: () =>
      Promise.resolve({
        events: [{ timestamp: Date.parse('2026-11-20T10:00:00Z'), message, logStreamName: 's' }],
      } as FilterLogEventsCommandOutput),
  };

  it.each(['text', 'json'] as const)('escapes indexed record text in %s lines', async (format) => {
    const lines: string[] = [];
    const options = parseSearchArgs(
      ['--log-group', '/trailwatch/x', '--format', format],
      {},
      Date.parse('2026-11-20T12:00:00Z'),
    );
    await runSearch({ ...options, out: (l) => lines.push(l), err: () => {}, client });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(UNSAFE);
    if (format === 'json') expect(JSON.parse(lines[0] ?? '')).toEqual(JSON.parse(message));
  });
});
