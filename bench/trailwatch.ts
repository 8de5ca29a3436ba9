// trailwatch's own rows. The target row is `trailwatchScan`: the whole pipeline the CLI and the Lambda run
// (shared/scan/scan-log.ts: reader prefiltered by what the rules can match -> classifier -> rules -> alerts),
// with the built-in rules. The reader rows below it split that time: reading alone, with and without the
// prefilter.

import { createReadStream } from 'node:fs';
import { readCloudTrailLog, recordPrefilter } from '../shared/reader/index.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { scanLog } from '../shared/scan/scan-log.js';
import { RELEVANT_SOURCES } from './generate.js';
import { INDEX_BATCHING_ROW } from './index-batching.js';
import { TRAILWATCH_READ_CHUNK, type RowOutput, type RowSpec } from './rows.js';

/** read + classify + rules, as `trailwatch scan` does for one file. */
async function trailwatchScan(file: string, engine?: 'typescript'): Promise<RowOutput> {
  const ruleset = compileRuleset();
  const scan = scanLog(createReadStream(file, { highWaterMark: TRAILWATCH_READ_CHUNK }), {
    file,
    ruleset,
    ...(engine ? { engine } : {}),
  });
  let alerts = 0;
  for await (const item of scan) {
    if (item.kind === 'malformed') throw item.error;
    alerts += item.alerts.length;
  }
  const { stats } = scan;
  const sources = ruleset.eventSources ? `${ruleset.eventSources.size} eventSources` : 'every eventSource';
  // No RDS record count here: the prefilter skips RDS records no rule can match (e.g. successful reads),
  // so only the reader rows below see every RDS record. test/scan-equivalence.test.ts proves the alerts equal.
  return {
    records: stats.records,
    bytesOut: stats.bytesOut,
    detail: `${ruleset.rules.length} built-in rules over ${sources}: ${stats.delivered} classified, ${stats.skipped} skipped, ${alerts} alerts`,
  };
}

/** The reader alone; with `prefilter`, parsing only the records whose eventSource trailwatch cares about. */
async function trailwatchRead(file: string, prefilter: boolean): Promise<RowOutput> {
  const reader = readCloudTrailLog(createReadStream(file, { highWaterMark: TRAILWATCH_READ_CHUNK }), {
    file,
    ...(prefilter ? { prefilter: recordPrefilter([{ eventSources: new Set(RELEVANT_SOURCES) }]) } : {}),
  });
  let rdsRecords = 0;
  for await (const item of reader) {
    if (item.kind === 'malformed') throw item.error;
    if (item.record.eventSource === 'rds.amazonaws.com') rdsRecords++;
  }
  const { stats } = reader;
  return {
    records: stats.records,
    rdsRecords,
    bytesOut: stats.bytesOut,
    detail: `${stats.delivered} parsed, ${stats.skipped} skipped`,
  };
}

export const TRAILWATCH_ROWS: readonly RowSpec[] = [
  {
    id: 'trailwatch-scan',
    label: 'trailwatch scanLog: read + classify + built-in rules',
    kind: 'trailwatch',
    run: (f) => trailwatchScan(f),
  },
  // The same with the record splitter's TypeScript engine instead of its WebAssembly kernel.
  {
    id: 'trailwatch-scan-ts',
    label: 'trailwatch scanLog, TypeScript record scanner (no WebAssembly)',
    kind: 'trailwatch',
    run: (f) => trailwatchScan(f, 'typescript'),
  },
  {
    id: 'trailwatch-read',
    label: `trailwatch readCloudTrailLog, prefilter (${RELEVANT_SOURCES.length} eventSources)`,
    kind: 'trailwatch',
    run: (f) => trailwatchRead(f, true),
  },
  {
    id: 'trailwatch-read-all',
    label: 'trailwatch readCloudTrailLog, no prefilter (parses every record)',
    kind: 'trailwatch',
    run: (f) => trailwatchRead(f, false),
  },
  // The indexer's core (bench/index-batching.ts): its own throughput and PutLogEvents calls are in the detail column.
  INDEX_BATCHING_ROW,
];

/** Why there is no trailwatch row, when there is none. */
export const TRAILWATCH_PENDING: string | undefined = undefined;
/** The row the targets are checked on. */
export const PRIMARY_TRAILWATCH_ROW: string | undefined = 'trailwatch-scan';
