// Records trailwatch could not classify (issue 11, item 4): the reader holds a record whole only up to its size
// limit (8 MiB), and a larger one from a source some rule wants becomes a trailwatch event
// (shared/scan/unreadable-record.ts) that this rule alerts on, so padding a record cannot hide it.
import { READER_EVENT_SOURCE, RECORD_TOO_LARGE_EVENT } from '../../scan/unreadable-record.js';
import type { RuleDefinition } from '../types.js';

export const UNREADABLE_RECORD_RULES: readonly RuleDefinition[] = [
  {
    id: 'trailwatch-record-unreadable',
    severity: 'high',
    title: 'CloudTrail record too large to check',
    description:
      'A record in a log file is larger than trailwatch reads whole (8 MiB) and comes from a source some rule watches, so no rule could check it. CloudTrail truncates oversized fields itself, so a record this large is unusual: it may be padded to hide the call it records.',
    match: { eventSource: [READER_EVENT_SOURCE], eventName: [RECORD_TOO_LARGE_EVENT] },
    nextSteps: [
      "The details name the log file, the record's index in its Records array and its byte offset.",
      'Read the record with a tool that does not need it whole, e.g. `aws s3 cp s3://<bucket>/<key> - | gunzip | head -c <offset + 2000> | tail -c 2000`, and look at its eventSource and eventName.',
      'Check the file against its digest (`trailwatch verify`): a record this large is a reason to doubt the file.',
    ],
  },
];
