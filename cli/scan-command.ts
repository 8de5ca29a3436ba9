// `trailwatch scan PATH...`: classify CloudTrail log files from disk and print the alerts.
// Alerts go to stdout (text lines or JSON lines); the summary, progress and problems go to stderr,
// so `trailwatch scan --format json logs/ > alerts.jsonl` keeps a clean file.
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { formatAlertLine } from '../shared/alerts/format-text.js';
import type { Alert } from '../shared/alerts/alert.js';
import { TrailwatchError } from '../shared/errors.js';
import { scanLog } from '../shared/scan/scan-log.js';
import type { Ruleset } from '../shared/rules/engine.js';
import { findLogFiles } from './find-log-files.js';
import { safePrinter } from './terminal-text.js';

export interface ScanCommandOptions {
  paths: string[];
  format: 'text' | 'json';
  ruleset: Ruleset;
  /** Parse every record instead of only those an active rule can match (same alerts, slower). */
  parseAll?: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
  /** True when stderr is a terminal: progress rewrites one line instead of printing new ones. */
  interactive?: boolean;
}

export interface ScanSummary {
  files: number;
  unreadableFiles: number;
  skippedFiles: number;
  records: number;
  parsedRecords: number;
  malformedRecords: number;
  bytes: number;
  alertsByRule: Map<string, number>;
  seconds: number;
}

/** 256 KiB: bigger source chunks outlive V8's young generation and raise peak RSS for no speed. */
const READ_CHUNK = 256 * 1024;
const PROGRESS_EVERY_MS = 1000;
const MALFORMED_SHOWN_PER_FILE = 5;
/** Records in a log file are not in time order; alerts are printed in time order per file, this many at a time at most. */
const ALERTS_SORTED_TOGETHER = 10_000;

/** Returns the process exit code: 0 when every file and record was read, 1 otherwise. */
export async function runScan(options: ScanCommandOptions): Promise<number> {
  // Alerts, file names and error lines carry text others chose: escaped before they reach the terminal.
  const out = safePrinter(options.out);
  const err = safePrinter(options.err);
  const { files, skipped } = await findLogFiles(options.paths);
  const summary: ScanSummary = {
    files: files.length,
    unreadableFiles: 0,
    skippedFiles: skipped.length,
    records: 0,
    parsedRecords: 0,
    malformedRecords: 0,
    bytes: 0,
    alertsByRule: new Map(),
    seconds: 0,
  };
  const started = performance.now();
  let lastProgress = started;
  let progressShown = false;
  const pending: Alert[] = [];
  const flush = () => {
    pending.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
    for (const alert of pending) {
      summary.alertsByRule.set(alert.rule, (summary.alertsByRule.get(alert.rule) ?? 0) + 1);
      out(options.format === 'json' ? JSON.stringify(alert) : formatAlertLine(alert));
    }
    pending.length = 0;
  };

  for (const [n, file] of files.entries()) {
    const scan = scanLog(createReadStream(file, { highWaterMark: READ_CHUNK }), {
      file,
      ruleset: options.ruleset,
      ...(options.parseAll ? { alsoParse: 'all' as const } : {}),
    });
    let malformedShown = 0;
    try {
      for await (const item of scan) {
        if (item.kind === 'malformed') {
          if (malformedShown++ < MALFORMED_SHOWN_PER_FILE) err(`trailwatch: skipped malformed record: ${item.error.message}`);
        } else {
          pending.push(...item.alerts);
          if (pending.length >= ALERTS_SORTED_TOGETHER) flush();
        }
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = now;
          progressShown = true;
          const line = progressLine(n, files.length, summary.records + scan.stats.records, summary.bytes + scan.stats.bytesOut, now - started);
          if (options.interactive) process.stderr.write(`\r${line}`);
          else err(line);
        }
      }
    } catch (error) {
      if (!(error instanceof TrailwatchError)) throw error;
      summary.unreadableFiles++;
      err(`trailwatch: cannot read ${error.message}`);
    } finally {
      flush();
      if (malformedShown > MALFORMED_SHOWN_PER_FILE) err(`trailwatch: ${file}: ${malformedShown - MALFORMED_SHOWN_PER_FILE} more malformed records not shown`);
      summary.records += scan.stats.records;
      summary.parsedRecords += scan.stats.delivered + scan.stats.malformed;
      summary.malformedRecords += scan.stats.malformed;
      summary.bytes += scan.stats.bytesOut;
    }
  }
  if (progressShown && options.interactive) process.stderr.write('\r\x1b[K');
  summary.seconds = (performance.now() - started) / 1000;
  for (const line of summaryLines(summary)) err(line);
  return summary.unreadableFiles > 0 || summary.malformedRecords > 0 ? 1 : 0;
}

function progressLine(fileIndex: number, fileCount: number, records: number, bytes: number, elapsedMs: number): string {
  const mb = bytes / 1e6;
  return `trailwatch: file ${fileIndex + 1}/${fileCount}, ${records.toLocaleString('en-US')} records, ${mb.toFixed(0)} MB, ${(mb / (elapsedMs / 1000)).toFixed(1)} MB/s`;
}

export function summaryLines(summary: ScanSummary): string[] {
  const count = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
  const alerts = [...summary.alertsByRule.values()].reduce((a, b) => a + b, 0);
  const mbPerSecond = summary.seconds > 0 ? summary.bytes / 1e6 / summary.seconds : 0;
  const lines = [
    `Scanned ${count(summary.files, 'file')}` +
      (summary.unreadableFiles ? ` (${summary.unreadableFiles} unreadable)` : '') +
      (summary.skippedFiles ? `, skipped ${count(summary.skippedFiles, 'other file')}` : '') +
      `: ${count(summary.records, 'record')} (${summary.parsedRecords.toLocaleString('en-US')} parsed, ${summary.malformedRecords.toLocaleString('en-US')} malformed), ` +
      `${(summary.bytes / 1e6).toFixed(1)} MB in ${summary.seconds.toFixed(2)} s (${mbPerSecond.toFixed(1)} MB/s)`,
    `${count(alerts, 'alert')}${alerts ? ':' : ''}`,
  ];
  const byRule = [...summary.alertsByRule.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [rule, n] of byRule) lines.push(`  ${rule.padEnd(36)} ${n}`);
  return lines;
}
