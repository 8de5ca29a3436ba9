// Bytes after the gzip data (issue 11, item 6): every record is still read (test/reader-gzip.test.ts), and the
// command line and the functions' log say so, naming the file and the compressed offset.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/trailwatch.js';
import { cloudTrailRecord } from './helpers/log-files.js';

describe('scan of a log file with bytes after its gzip data', () => {
  it('raises the alerts of every record and prints one warning naming the file and where the extra bytes start', async () => {
    const stop = cloudTrailRecord({
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StopLogging',
      eventID: 'stop',
    });
    const gzip = gzipSync(JSON.stringify({ Records: [stop] }));
    const folder = await mkdtemp(path.join(tmpdir(), 'trailwatch-trailing-'));
    const file = path.join(folder, 'trailing.json.gz');
    await writeFile(file, Buffer.concat([gzip, Buffer.from('garbage after the gzip data')]));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['scan', '--format', 'json', file], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      interactive: false,
    });
    expect(code).toBe(0);
    expect(out.map((line) => (JSON.parse(line) as { rule: string }).rule)).toEqual(['cloudtrail-logging-stopped']);
    const warnings = err.filter((line) => line.startsWith('trailwatch: warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('trailing.json.gz');
    expect(warnings[0]).toContain(`compressed byte ${gzip.length}`);
  });
});
