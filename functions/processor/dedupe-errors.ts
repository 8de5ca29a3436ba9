// Typed errors of the dedupe store (see dedupe-store.ts). Both fail the log file (or fast-path event) they occur
// in, so Lambda retries the delivery; neither lets an alert be published unrecorded.
import { TrailwatchError } from '../../shared/errors.js';

/** The dedupe table could not be read or written (throttled after the SDK's retries, unavailable, access denied). */
export class DedupeStoreError extends TrailwatchError {
  readonly code = 'DEDUPE_STORE_FAILED';
  readonly operation: 'claim' | 'markPublished' | 'release' | 'count';
  readonly table: string;
  readonly key: string;

  constructor(operation: DedupeStoreError['operation'], table: string, key: string, cause: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`dedupe table ${table}: ${operation} of ${key} failed: ${reason}`, { cause });
    this.name = 'DedupeStoreError';
    this.operation = operation;
    this.table = table;
    this.key = key;
  }
}

/** Another delivery holds a live claim on some of these alerts; this one is retried once it published or its lease ran out. */
export class DedupeBusyError extends TrailwatchError {
  readonly code = 'DEDUPE_CLAIM_BUSY';
  readonly where: string;
  readonly labels: readonly string[];

  constructor(where: string, labels: string[]) {
    const shown = labels.slice(0, 3).join('; ');
    const more = labels.length > 3 ? `, and ${labels.length - 3} more` : '';
    super(
      `${where}: ${labels.length} alert${labels.length === 1 ? ' is' : 's are'} being published by another delivery (${shown}${more}); retried later`,
    );
    this.name = 'DedupeBusyError';
    this.where = where;
    this.labels = labels;
  }
}
