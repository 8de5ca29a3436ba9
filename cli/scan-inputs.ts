// Reads every input of a plan through the core (shared/scan/scan-log.ts), in order, with up to `concurrency`
// inputs opened ahead (S3 GETs in flight while the current object is scanned), and hands each event inside the
// time window to the caller. Shared by `scan` and `report`.
import { thousands } from './output.js';
import { gzipSync } from 'node:zlib';
import { TrailwatchError } from '../shared/errors.js';
import type { MalformedRecord, ReadStats } from '../shared/reader/types.js';
import type { Ruleset } from '../shared/rules/engine.js';
import { scanLog, type ScannedEvent } from '../shared/scan/scan-log.js';
import { MALFORMED_REPORTED_PER_FILE as MALFORMED_SHOWN_PER_FILE } from '../shared/scan/unreadable-record.js';
import { alertLinesToLog } from './inputs/alert-lines.js';
import { eventHistoryToLog, readAll } from './inputs/event-history.js';
import { AwsInputError } from './inputs/aws-input-error.js';
import type { Input, InputPlan } from './inputs/plan.js';
import { sniff } from './inputs/sniff.js';
import { monotonicMs, Progress } from './progress.js';
import { inWindow, type TimeWindow } from './time-window.js';

export const DEFAULT_CONCURRENCY = 4;

export interface ScanInputsOptions {
  ruleset: Ruleset;
  window: TimeWindow;
  /** Parse every record (true), these eventSources besides the rules' (a list), or only what rules need. */
  alsoParse?: Iterable<string> | 'all';
  concurrency: number;
  /** Called for each event inside the window, in file order. */
  onEvent(item: ScannedEvent, input: Input): void;
  /** Called after each input, when it has been read (or failed). */
  onInputDone?(input: Input): void;
  err(line: string): void;
  /** Writes raw text to stderr for the progress line; absent when stderr is not a terminal. */
  progress?: (text: string) => void;
  verbose: boolean;
}

export interface ScanTotals {
  inputs: number;
  unreadable: number;
  /** Inputs not read: by name in the plan, or by content here. */
  skipped: { name: string; why: string }[];
  outsideWindowFiles: number;
  records: number;
  parsedRecords: number;
  malformedRecords: number;
  /** Parsed records left out because their eventTime is outside --since/--until. */
  outsideWindowRecords: number;
  eventHistoryFiles: number;
  duplicateEvents: number;
  bytes: number;
  seconds: number;
}

export async function scanInputs(plan: InputPlan, options: ScanInputsOptions): Promise<ScanTotals> {
  const { err } = options;
  const started = monotonicMs();
  const totals: ScanTotals = {
    inputs: 0,
    unreadable: 0,
    skipped: [...plan.skipped],
    outsideWindowFiles: plan.outsideWindow,
    records: 0,
    parsedRecords: 0,
    malformedRecords: 0,
    outsideWindowRecords: 0,
    eventHistoryFiles: 0,
    duplicateEvents: 0,
    bytes: 0,
    seconds: 0,
  };
  const progress = new Progress(options.progress, plan.totalBytes);
  const seenEventIds = new Set<string>();
  const opened: (Promise<AsyncIterable<Uint8Array>> | undefined)[] = [];
  let bytesInDone = 0;
  const { inputs } = plan;

  for (let n = 0; n < inputs.length; n++) {
    while (opened.length < inputs.length && opened.length < n + Math.max(1, options.concurrency)) {
      const next = inputs[opened.length]!.open();
      next.catch(() => undefined); // handled when its turn comes
      opened.push(next);
    }
    const input = inputs[n]!;
    const pending = opened[n]!;
    opened[n] = undefined;
    let malformedShown = 0;
    let stats: ReadStats | undefined;
    try {
      const sniffed = await sniff(await pending);
      if (sniffed.content.kind === 'foreign') {
        totals.skipped.push({ name: input.name, why: sniffed.content.what });
        if (input.explicit) err(`trailwatch: skipped ${input.name}: ${sniffed.content.what}, not a CloudTrail log`);
        continue;
      }
      totals.inputs++;
      let source: AsyncIterable<Uint8Array> = sniffed.chunks;
      if (sniffed.content.kind === 'alert-lines') {
        // issue 18: backfill --mode report's JSON Lines; their records are read as a log (inputs/alert-lines.ts).
        const lines = alertLinesToLog(await readAll(sniffed.chunks), input.name, seenEventIds);
        // As for Event history below: a name ending in .gz keeps gzip content for the reader.
        const log = /\.gz$/i.test(input.name) ? gzipSync(lines.log) : lines.log;
        source = (async function* () {
          yield log;
        })();
      }
      if (sniffed.content.kind === 'event-history') {
        totals.eventHistoryFiles++;
        const history = eventHistoryToLog(await readAll(sniffed.chunks), input.name, seenEventIds);
        totals.duplicateEvents += history.duplicates;
        // The reader holds a name ending in .gz to gzip content (a plain file so named is a mistake worth
        // reporting); the converted log keeps the input's name for alerts and errors, so it keeps its encoding too.
        const log = /\.gz$/i.test(input.name) ? gzipSync(history.log) : history.log;
        source = (async function* () {
          yield log;
        })();
      }
      const scan = scanLog(source, {
        file: input.name,
        ruleset: options.ruleset,
        ...(options.alsoParse ? { alsoParse: options.alsoParse } : {}),
      });
      stats = scan.stats;
      for await (const item of scan) {
        if (item.kind === 'malformed') {
          if (malformedShown++ < MALFORMED_SHOWN_PER_FILE)
            err(`trailwatch: skipped malformed record: ${(item as MalformedRecord).error.message}`);
        } else if (!inWindow(item.event.record.eventTime, options.window)) {
          totals.outsideWindowRecords++;
        } else {
          options.onEvent(item, input);
        }
        progress.update({
          input: n + 1,
          inputs: inputs.length,
          bytesIn: bytesInDone + scan.stats.bytesIn,
          records: totals.records + scan.stats.records,
        });
      }
    } catch (error) {
      if (!(error instanceof TrailwatchError) && !(error instanceof AwsInputError) && !isStreamError(error))
        throw error;
      totals.unreadable++;
      progress.clear();
      err(
        `trailwatch: cannot read ${error instanceof TrailwatchError ? error.message : error instanceof AwsInputError ? error.message.replace(/^cannot read /, '') : `${input.name}: ${(error as Error).message}`}`,
      );
    } finally {
      if (malformedShown > MALFORMED_SHOWN_PER_FILE)
        err(`trailwatch: ${input.name}: ${malformedShown - MALFORMED_SHOWN_PER_FILE} more malformed records not shown`);
      if (stats) {
        // Read whole, but not as CloudTrail wrote it (e.g. bytes after the gzip data): said, not an error.
        for (const warning of stats.warnings) err(`trailwatch: warning: ${warning.message}`);
        totals.records += stats.records;
        totals.parsedRecords += stats.delivered + stats.malformed;
        totals.malformedRecords += stats.malformed;
        totals.bytes += stats.bytesOut;
      }
      bytesInDone += input.size ?? stats?.bytesIn ?? 0;
      options.onInputDone?.(input);
    }
  }
  progress.clear();
  if (options.verbose) for (const { name, why } of totals.skipped) err(`trailwatch: skipped ${name} (${why})`);
  totals.seconds = (monotonicMs() - started) / 1000;
  return totals;
}

/** A read that failed underneath the reader: a file that vanished, a connection reset mid-object. */
function isStreamError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^(E[A-Z]+|ERR_STREAM_PREMATURE_CLOSE)$/.test(code);
}

export function summaryLines(totals: ScanTotals, alertsByRule: Map<string, number>): string[] {
  const count = (n: number, word: string) => `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
  const alerts = [...alertsByRule.values()].reduce((a, b) => a + b, 0);
  const mbPerSecond = totals.seconds > 0 ? totals.bytes / 1e6 / totals.seconds : 0;
  const extras = [
    totals.skipped.length ? `skipped ${count(totals.skipped.length, 'other file')}` : '',
    totals.outsideWindowFiles ? `${count(totals.outsideWindowFiles, 'file')} outside the time window not read` : '',
  ].filter(Boolean);
  const lines = [
    `Scanned ${count(totals.inputs, 'file')}` +
      (totals.unreadable ? ` (${totals.unreadable} unreadable)` : '') +
      (totals.eventHistoryFiles ? ` (${totals.eventHistoryFiles} of Event history)` : '') +
      (extras.length ? `, ${extras.join(', ')}` : '') +
      `: ${count(totals.records, 'record')} (${thousands(totals.parsedRecords)} parsed, ${thousands(totals.malformedRecords)} malformed` +
      (totals.outsideWindowRecords ? `, ${thousands(totals.outsideWindowRecords)} outside the time window` : '') +
      (totals.duplicateEvents ? `, ${thousands(totals.duplicateEvents)} duplicate Event history events` : '') +
      `), ${(totals.bytes / 1e6).toFixed(1)} MB in ${totals.seconds.toFixed(2)} s (${mbPerSecond.toFixed(1)} MB/s)`,
    `${count(alerts, 'alert')}${alerts ? ':' : ''}`,
  ];
  const byRule = [...alertsByRule.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [rule, n] of byRule) lines.push(`  ${rule.padEnd(36)} ${n}`);
  return lines;
}
