// trailwatch's own rows. Placeholder until shared/reader/read-log.ts is committed.
import type { RowSpec } from './rows.js';

export const TRAILWATCH_ROWS: readonly RowSpec[] = [];
/** Why there is no trailwatch row, when there is none. */
export const TRAILWATCH_PENDING: string | undefined = 'n/a: shared/reader/read-log.ts is not in this checkout yet';
/** The row the targets are checked against. */
export const PRIMARY_TRAILWATCH_ROW: string | undefined = undefined;
