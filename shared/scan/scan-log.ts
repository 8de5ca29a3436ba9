// One log file through the whole core: bytes -> records -> facts -> alerts.
// The reader parses only records whose eventSource an active rule can match (unless told to parse all),
// so the alerts are the same as classifying every record, at a fraction of the cost.
import type { Readable } from 'node:stream';
import { readCloudTrailLog } from '../reader/read-log.js';
import { eventSourcePrefilter } from '../reader/prefilter.js';
import type { MalformedRecord, ReadStats } from '../reader/types.js';
import { classify } from '../classify/classify.js';
import type { ClassifiedEvent } from '../classify/types.js';
import type { Ruleset } from '../rules/engine.js';
import { buildAlert, type Alert } from '../alerts/alert.js';

export interface ScanLogOptions {
  /** A path or s3://bucket/key, named in errors and alerts. */
  file: string;
  ruleset: Ruleset;
  /**
   * Extra eventSources to parse and deliver besides those the rules need (e.g. the indexer's categories),
   * or 'all' to parse every record.
   */
  alsoParse?: Iterable<string> | 'all';
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
  const sources = parsedEventSources(ruleset, options.alsoParse);
  const reader = readCloudTrailLog(source, { file, ...(sources ? { prefilter: eventSourcePrefilter(sources) } : {}) });
  return {
    get stats() {
      return reader.stats;
    },
    async *[Symbol.asyncIterator]() {
      for await (const item of reader) {
        if (item.kind === 'malformed') {
          yield item;
          continue;
        }
        const event = classify(item.record);
        const alerts = ruleset.evaluate(event).map((rule) => buildAlert(rule, event, { file, recordIndex: item.index }));
        yield { kind: 'event', index: item.index, offset: item.offset, raw: item.raw, event, alerts };
      }
    },
  };
}

/** The eventSources worth parsing, or null for all of them. */
function parsedEventSources(ruleset: Ruleset, alsoParse: ScanLogOptions['alsoParse']): Set<string> | null {
  if (alsoParse === 'all' || ruleset.eventSources === null) return null;
  return new Set([...ruleset.eventSources, ...(alsoParse ?? [])]);
}
