// One log file through the whole core: bytes -> records -> facts -> alerts.
// The reader parses only records an active rule can match (by eventSource, eventName and tokens the rules
// require; see shared/rules/record-needs.ts), unless told to parse all: the alerts are the same as
// classifying every record (test/scan-equivalence.test.ts), at a fraction of the cost.
import type { Readable } from 'node:stream';
import { readCloudTrailLog } from '../reader/read-log.js';
import { recordPrefilter } from '../reader/prefilter.js';
import type { MalformedRecord, ReadStats } from '../reader/types.js';
import { compactAlternatives, type PrefilterAlternative } from '../rules/record-needs.js';
import { classify } from '../classify/classify.js';
import type { ClassifiedEvent } from '../classify/types.js';
import type { CloudTrailRecord } from '../cloudtrail.js';
import type { Ruleset } from '../rules/engine.js';
import { buildAlert, type Alert } from '../alerts/alert.js';
import { isUnclassifiable, unreadableRecord } from './unreadable-record.js';

export interface ScanLogOptions {
  /** A path or s3://bucket/key, named in errors and alerts. */
  file: string;
  ruleset: Ruleset;
  /**
   * Extra eventSources to parse and deliver besides those the rules need (e.g. the indexer's categories),
   * or 'all' to parse every record.
   */
  alsoParse?: Iterable<string> | 'all';
  /** Which engine scans the records (ReadOptions.engine); for comparing the two. */
  engine?: 'wasm' | 'typescript';
}

export interface ScannedEvent {
  kind: 'event';
  index: number;
  offset: number;
  raw: string;
  event: ClassifiedEvent;
  alerts: Alert[];
}

export type ScanItem = ScannedEvent | MalformedRecord;

export interface LogScan extends AsyncIterable<ScanItem> {
  readonly stats: ReadStats;
}

export function scanLog(source: AsyncIterable<Uint8Array> | Readable, options: ScanLogOptions): LogScan {
  const { file, ruleset } = options;
  const wanted = wantedRecords(ruleset, options.alsoParse);
  const reader = readCloudTrailLog(source, {
    file,
    ...(wanted ? { prefilter: recordPrefilter(wanted) } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
  });
  const scanned = (record: CloudTrailRecord, raw: string, at: { index: number; offset: number }): ScannedEvent => {
    const event = classify(record);
    const alerts = ruleset.evaluate(event).map((rule) => buildAlert(rule, event, { file, recordIndex: at.index }));
    return { kind: 'event', index: at.index, offset: at.offset, raw, event, alerts };
  };
  return {
    get stats() {
      return reader.stats;
    },
    async *[Symbol.asyncIterator]() {
      for await (const item of reader) {
        if (item.kind === 'malformed') {
          yield item;
          // A record too large to classify is reported and also raises its own alert (unreadable-record.ts), so
          // padding a record past the reader's limit cannot hide it.
          if (isUnclassifiable(item)) {
            const record = unreadableRecord(file, item);
            yield scanned(record, JSON.stringify(record), item);
          }
          continue;
        }
        yield scanned(item.record, item.raw, item);
      }
    },
  };
}

/**
 * What makes a record worth parsing: what some rule needs, or an eventSource the caller asked for; null for all.
 * The indexer's read (shared/index/index-scan.ts) asks the same question.
 */
export function wantedRecords(ruleset: Ruleset, alsoParse: ScanLogOptions['alsoParse']): PrefilterAlternative[] | null {
  if (alsoParse === 'all' || ruleset.prefilter === null) return null;
  const extra = new Set(alsoParse ?? []);
  return compactAlternatives(extra.size ? [...ruleset.prefilter, { eventSources: extra }] : ruleset.prefilter);
}
