// Real CloudTrail records (Stratus Red Team detonation logs, see test/fixtures/corpus/README.md) as log files.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCloudTrailLog, recordPrefilter } from '../shared/reader/index.js';
import { chunked, gzipRecords, gzipText, parsedRecords, readAll } from './helpers/log-files.js';

const corpusDir = new URL('./fixtures/corpus/stratus-red-team/', import.meta.url);
const corpus = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => {
    const text = readFileSync(new URL(name, corpusDir), 'utf8');
    return { name, text, records: JSON.parse(text) as Record<string, unknown>[] };
  });

describe('the stratus-red-team corpus', () => {
  it('is there: every fixture file holds records', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    for (const { records } of corpus) expect(records.length).toBeGreaterThan(0);
  });

  it.each(corpus.map((file) => [file.name, file] as const))(
    '%s: read from gzip, gives what JSON.parse gives',
    async (name, { records }) => {
      const reader = readCloudTrailLog(chunked(gzipRecords(records), [1000, 37]), { file: `${name}.gz` });
      const items = await readAll(reader);
      expect(items.every((item) => item.kind === 'record')).toBe(true);
      const delivered = parsedRecords(items);
      expect(delivered.map((item) => item.record)).toEqual(records);
      expect(delivered.map((item) => item.raw)).toEqual(records.map((record) => JSON.stringify(record)));
      expect(reader.stats).toMatchObject({
        records: records.length,
        delivered: records.length,
        malformed: 0,
        skipped: 0,
      });
    },
  );

  it('read as pretty-printed files, keeps each record exactly as written', async () => {
    for (const { name, text, records } of corpus) {
      const logFile = `{"Records": ${text}}`;
      const delivered = parsedRecords(
        await readAll(readCloudTrailLog(chunked(gzipText(logFile), [777]), { file: name })),
      );
      expect(delivered.map((item) => JSON.parse(item.raw) as unknown)).toEqual(records);
      for (const item of delivered) expect(logFile).toContain(item.raw);
    }
  });

  it('with a prefilter, delivers exactly the records of the wanted sources', async () => {
    const all = corpus.flatMap(({ records }) => records);
    const wanted = new Set(['iam.amazonaws.com', 'sts.amazonaws.com', 'rds.amazonaws.com']);
    const reader = readCloudTrailLog(chunked(gzipRecords(all), [4096]), {
      file: 'corpus.json.gz',
      prefilter: recordPrefilter([{ eventSources: new Set(wanted) }]),
    });
    const delivered = parsedRecords(await readAll(reader));
    const expected = all.flatMap((record, index) => (wanted.has(record.eventSource as string) ? [index] : []));
    expect(delivered.map((item) => item.index)).toEqual(expected);
    expect(reader.stats.skipped).toBe(all.length - expected.length);
  });
});
