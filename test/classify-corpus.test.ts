// Real CloudTrail records captured by Stratus Red Team (see test/fixtures/corpus/README.md):
// shapes nobody on this project wrote. None of them is an RDS, Data API or CloudTrail configuration call.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';

const CORPUS = fileURLToPath(new URL('./fixtures/corpus/stratus-red-team/', import.meta.url));
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('the Stratus Red Team corpus', () => {
  it('is there to test against', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files)('classifies every record of %s as other, without throwing', (file) => {
    const records = JSON.parse(readFileSync(CORPUS + file, 'utf8')) as CloudTrailRecord[];
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      const { facts } = classify(record);
      expect(facts.category).toBe('other');
      expect(facts.resources).toEqual([]);
      expect(facts.dataApiLogging).toBeUndefined();
      expect(facts.principal.type).toBe(record.userIdentity?.type ?? 'Unknown');
    }
  });
});
