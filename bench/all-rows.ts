// Every row the bench can measure, in table order: the one list bench.ts plans runs from and worker.ts runs a row
// of (by its id).
import { BASELINE_ROW, GUNZIP_ROWS, LIBRARY_ROWS, type RowSpec } from './rows.js';
import { TRAILWATCH_ROWS } from './trailwatch.js';
import { PROCESSOR_ROWS } from './processor.js';
import { INDEXER_ROWS } from './indexer.js';
import { TYPICAL_FILES_ROW_SPEC } from './typical-files.js';
import { CRYPTO_ROW_SPEC } from './lower-bounds.js';

/** The rows of the table, measured on each generated file. */
export const MEASURED_ROWS: readonly RowSpec[] = [
  ...GUNZIP_ROWS,
  ...LIBRARY_ROWS,
  ...TRAILWATCH_ROWS,
  ...PROCESSOR_ROWS,
  ...INDEXER_ROWS,
];

/**
 * The table's rows, the typical-files row (its own section, on its own files), the crypto rates (the lower bounds'
 * section) and the idle worker (what a Node process costs before it reads anything).
 */
export const ALL_ROWS: readonly RowSpec[] = [...MEASURED_ROWS, TYPICAL_FILES_ROW_SPEC, CRYPTO_ROW_SPEC, BASELINE_ROW];
