// INDEX_SCOPE in its one home (shared/index/scope.ts): which records each scope indexes, what the reader must parse
// for it, and the rule that lets the indexer count the records the reader skipped as out of scope.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORY_EVENT_SOURCES, classify } from '../shared/classify/index.js';
import type { CloudTrailRecord } from '../shared/cloudtrail.js';
import { INDEX_SCOPES, parseIndexScope, scopePlan } from '../shared/index/index.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { scanLog } from '../shared/scan/scan-log.js';
import { cloudTrailRecord, gzipRecords } from './helpers/log-files.js';
import { loadRecord, recordFixtureNames } from './record-fixtures.js';

const rds = scopePlan('rds');
const rdsParses = new Set(rds.alsoParse === 'all' ? [] : rds.alsoParse);
const all = scopePlan('all');
const record = (fields: Parameters<typeof cloudTrailRecord>[0]) => cloudTrailRecord(fields) as CloudTrailRecord;

describe('index scope', () => {
  it('rds indexes RDS, both Data API sources and CloudTrail configuration changes', () => {
    for (const eventSource of [
      'rds.amazonaws.com',
      'rdsdata.amazonaws.com',
      'rdsdataapi.amazonaws.com',
      'cloudtrail.amazonaws.com',
    ]) {
      const event = classify(record({ eventSource, eventName: 'StopLogging' }));
      expect(rds.includes(event), eventSource).toBe(true);
    }
  });

  it("rds leaves out other services and CloudTrail's read-only calls", () => {
    expect(rds.includes(classify(record({ eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances' })))).toBe(false);
    expect(
      rds.includes(classify(record({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DescribeTrails' }))),
    ).toBe(false);
  });

  it('all indexes every record and has the reader parse every record', () => {
    for (const name of recordFixtureNames()) expect(all.includes(classify(loadRecord(name))), name).toBe(true);
    expect(all.alsoParse).toBe('all');
  });

  it('rds has the reader parse every eventSource of the categories it indexes', () => {
    expect([...rdsParses].sort()).toEqual(Object.values(CATEGORY_EVENT_SOURCES).flat().sort());
  });

  it('a record whose eventSource rds does not parse is never in the rds scope (so a skipped record is out of scope)', () => {
    const sources = [...Object.values(CATEGORY_EVENT_SOURCES).flat(), 's3.amazonaws.com', 'RDS.amazonaws.com', ''];
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...sources), fc.string()),
        fc.oneof(fc.constantFrom('StopLogging', 'DescribeTrails', 'DeleteDBInstance', 'ExecuteStatement'), fc.string()),
        fc.option(fc.boolean(), { nil: undefined }),
        (eventSource, eventName, readOnly) => {
          const event = classify(record({ eventSource, eventName, ...(readOnly === undefined ? {} : { readOnly }) }));
          if (!rdsParses.has(eventSource)) expect(rds.includes(event)).toBe(false);
        },
      ),
    );
  });

  it('through the reader: what rds skips unparsed and what it parses but leaves out add up to the records not indexed', async () => {
    const records = [
      record({ eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', eventID: 'ec2' }),
      record({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DescribeTrails', eventID: 'read' }),
      record({ eventSource: 'rds.amazonaws.com', eventName: 'DeleteDBInstance', eventID: 'rds' }),
      record({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventID: 's3' }),
    ];
    const scan = scanLog(Readable.from([gzipRecords(records)]), {
      file: 'scope.json.gz',
      ruleset: compileRuleset(),
      alsoParse: rds.alsoParse,
    });
    const indexed: string[] = [];
    let parsedButOut = 0;
    for await (const item of scan) {
      if (item.kind === 'malformed') throw item.error;
      if (rds.includes(item.event)) indexed.push(String(item.event.record.eventID));
      else parsedButOut++;
    }
    expect(indexed).toEqual(['rds']);
    expect(scan.stats.skipped).toBeGreaterThan(0);
    expect(scan.stats.skipped + parsedButOut).toBe(records.length - indexed.length);
  });

  it('is named rds or all, in any case; anything else is no scope', () => {
    expect(INDEX_SCOPES.map((s) => parseIndexScope(s.toUpperCase()))).toEqual(['rds', 'all']);
    expect(parseIndexScope('every')).toBeUndefined();
    expect(parseIndexScope('')).toBeUndefined();
  });
});
