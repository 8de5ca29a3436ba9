// Loads the CloudTrail-shaped records in test/fixtures/records/ (see the README there for where each shape comes from).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { classify } from '../shared/classify/index.js';
import type { ClassifiedEvent } from '../shared/classify/types.js';

const RECORDS = fileURLToPath(new URL('./fixtures/records/', import.meta.url));

export function loadRecord(name: string): CloudTrailRecord {
  return JSON.parse(readFileSync(`${RECORDS}${name}.json`, 'utf8')) as CloudTrailRecord;
}

export function classifyFixture(name: string): ClassifiedEvent {
  return classify(loadRecord(name));
}

/** Every fixture name (file name without .json). */
export function recordFixtureNames(): string[] {
  return readdirSync(RECORDS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
