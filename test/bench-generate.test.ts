import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ensureTypicalFiles,
  generateLogText,
  metaPath,
  readCachedMeta,
  RELEVANT_SOURCES,
  writeLogFile,
} from '../bench/generate.js';

// Correctness of the benchmark's input, not its speed: nothing here is timed.

interface Rec {
  eventSource: unknown;
  eventName: unknown;
  eventTime: unknown;
  userIdentity?: { type?: unknown };
  responseElements?: unknown;
  errorCode?: unknown;
}

describe('bench/generate', () => {
  const { text, stats } = generateLogText(3_000_000);
  const doc = JSON.parse(text) as { Records: Rec[] };
  const records = doc.Records;

  it('writes a CloudTrail log file: compact {"Records":[...]} whose records all have eventSource, eventName and eventTime', () => {
    expect(text.startsWith('{"Records":[{')).toBe(true);
    expect(text.endsWith('}]}')).toBe(true);
    expect(Object.keys(doc)).toEqual(['Records']);
    expect(records.length).toBe(stats.records);
    expect(Buffer.byteLength(text)).toBe(stats.bytes);
    for (const r of records) {
      expect(typeof r.eventSource).toBe('string');
      expect(typeof r.eventName).toBe('string');
      expect(r.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('stops at the first record boundary past the target size', () => {
    expect(stats.bytes).toBeGreaterThanOrEqual(3_000_000);
    expect(stats.bytes).toBeLessThan(3_000_000 + stats.largestRecordBytes + 10);
  });

  it('has about 10 % rds.amazonaws.com records, plus some Data API and CloudTrail records', () => {
    const count = (source: string): number => records.filter((r) => r.eventSource === source).length;
    const rds = count('rds.amazonaws.com');
    expect(rds).toBe(stats.rdsRecords);
    expect(rds / records.length).toBeGreaterThan(0.08);
    expect(rds / records.length).toBeLessThan(0.12);
    expect(count('rdsdata.amazonaws.com')).toBeGreaterThan(0);
    expect(count('rdsdataapi.amazonaws.com')).toBeGreaterThan(0);
    expect(count('cloudtrail.amazonaws.com')).toBeGreaterThan(0);
    const relevant = records.filter((r) => (RELEVANT_SOURCES as readonly unknown[]).includes(r.eventSource)).length;
    expect(relevant).toBe(stats.relevantRecords);
    // The other ~90 % come from many services.
    expect(new Set(records.map((r) => r.eventSource)).size).toBeGreaterThanOrEqual(12);
  });

  it('includes large DescribeDBInstances responses and failed RDS calls', () => {
    const large = records.filter(
      (r) => r.eventName === 'DescribeDBInstances' && r.responseElements !== null && JSON.stringify(r).length > 10_000,
    );
    expect(large.length).toBeGreaterThan(0);
    expect(stats.largestRecordBytes).toBeGreaterThan(20_000);
    expect(records.some((r) => r.eventSource === 'rds.amazonaws.com' && typeof r.errorCode === 'string')).toBe(true);
  });

  it('covers the userIdentity types IAMUser, AssumedRole, AWSService and Root', () => {
    const types = new Set(records.map((r) => r.userIdentity?.type));
    for (const t of ['IAMUser', 'AssumedRole', 'AWSService', 'Root']) expect(types).toContain(t);
  });

  it('has strings with escaped quotes and backslashes, and multi-byte UTF-8', () => {
    expect(text).toContain('\\"');
    expect(text).toContain('\\\\');
    expect(stats.recordsWithEscapes).toBeGreaterThan(records.length * 0.02);
    expect(stats.recordsWithUnicode).toBeGreaterThan(0);
    expect(Buffer.byteLength(text)).toBeGreaterThan(text.length);
  });

  it('is deterministic for a seed and different for another', () => {
    expect(generateLogText(200_000).text).toBe(generateLogText(200_000).text);
    expect(generateLogText(200_000, 1).text).not.toBe(generateLogText(200_000, 2).text);
  });

  describe('writeLogFile', () => {
    let dir = '';
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('writes the same text gzipped, with a meta file the cache accepts', async () => {
      dir = await mkdtemp(join(tmpdir(), 'bench-generate-'));
      const path = join(dir, 'small.json.gz');
      const file = await writeLogFile(path, 300_000);
      const unzipped = gunzipSync(await readFile(path)).toString('utf8');
      expect(unzipped).toBe(generateLogText(300_000).text);
      expect(file.bytes).toBe(Buffer.byteLength(unzipped));
      expect(JSON.parse(await readFile(metaPath(path), 'utf8'))).toMatchObject({
        records: file.records,
        bytes: file.bytes,
      });
      expect(await readCachedMeta(path, 300_000)).toMatchObject({ records: file.records });
      // Another target size is another file: the cache does not take it.
      expect(await readCachedMeta(path, 400_000)).toBeUndefined();
    });
  });

  describe('ensureTypicalFiles', () => {
    const dirs: string[] = [];
    afterAll(async () => {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    });
    const freshDir = async (): Promise<string> => {
      const dir = await mkdtemp(join(tmpdir(), 'bench-typical-'));
      dirs.push(dir);
      return dir;
    };
    const CLOUDTRAIL_KEY =
      /^AWSLogs\/123456789012\/CloudTrail\/us-east-1\/2024\/05\/14\/123456789012_CloudTrail_us-east-1_20240514T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/;

    it('writes N different log files of the target size at CloudTrail keys, each the seeded text for its index', async () => {
      const dir = await freshDir();
      const files = await ensureTypicalFiles(dir, { count: 3, targetBytes: 100_000, seed: 11 });
      expect(files).toHaveLength(3);
      expect(new Set(files.map((f) => f.key)).size).toBe(3);
      for (const [i, f] of files.entries()) {
        expect(f.key).toMatch(CLOUDTRAIL_KEY);
        expect(f.path).toBe(join(dir, f.key));
        const text = gunzipSync(await readFile(f.path)).toString('utf8');
        expect(text).toBe(generateLogText(100_000, 11 + i).text);
        expect(f.bytes).toBeGreaterThanOrEqual(100_000);
      }
    });

    it('reuses the files when asked again the same, and writes them again when one is missing', async () => {
      const dir = await freshDir();
      const options = { count: 3, targetBytes: 100_000, seed: 11 };
      const first = await ensureTypicalFiles(dir, options);
      const written = (await stat(first[1]?.path ?? '')).mtimeMs;
      expect(await ensureTypicalFiles(dir, options)).toEqual(first);
      expect((await stat(first[1]?.path ?? '')).mtimeMs).toBe(written);
      await rm(first[2]?.path ?? '');
      const again = await ensureTypicalFiles(dir, options);
      expect((await stat(again[2]?.path ?? '')).size).toBe(first[2]?.compressedBytes);
    });
  });
});
