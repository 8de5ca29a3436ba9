// The kernel's memory layout and state vector: the numbers of ../record-scan.ts (ScanField, ScanEntry, the
// splitter's states) and of record-scanner.ts (the byte offsets), restated because AssemblyScript cannot
// import TypeScript. test/record-scanner-layout.test.ts fails if the two sides disagree (it evaluates each
// `export const` line here, so keep each one a one-line i32 constant).

// Memory layout (byte offsets), mirrored in record-scanner.ts.
export const WINDOW: i32 = 1 << 20;
export const STATE: i32 = WINDOW; // i32 fields, see S_*
// The eventSources wanted: a count (-1: keep every record), then (offset, length) pairs into WANTED_BYTES.
export const WANTED: i32 = WINDOW + 256;
export const WANTED_BYTES: i32 = WINDOW + 1024;
export const TABLE: i32 = WINDOW + 4096; // ENTRY_FIELDS i32 per record
export const TABLE_CAPACITY: i32 = 2048;
export const ENTRY_FIELDS: i32 = 10;
// Tokens to note: a count, then (offset, length) pairs into TOKEN_BYTES; each a string body of 1..31 bytes.
export const TOKENS: i32 = TABLE + TABLE_CAPACITY * ENTRY_FIELDS * 4;
export const TOKEN_BYTES: i32 = TOKENS + 256;
/** In a record's token bits: a string was cut by the window, so a token may have been missed. */
export const TOKENS_UNKNOWN: i32 = 1 << 31;
// One bit per nesting level, set for an array (MAX_DEPTH levels); written before they are read.
export const LEVELS: i32 = TOKEN_BYTES + 1024;
export const MAX_DEPTH: i32 = 1 << 18;
// What the prefilter passes of the records the scan is sure of (record-scanner.ts writeSureRules): a count of
// rules (-1: none, keep every wanted record), the record size limit, then per wanted source k its rules' first
// index and count, then the rules (source index, name offset in SURE_NAMES, name length or -1 for any name,
// token bits), then the names' bytes. After the levels, before the compiler's static data (memoryBase).
export const SURE: i32 = 1169408;
export const SURE_RANGES: i32 = SURE + 8;
export const SURE_RULES: i32 = SURE + 528;
export const SURE_NAMES: i32 = SURE + 4640;

// State vector fields (i32 index). Positions are relative to the window's first byte; -1: none.
export const S_STATE: i32 = 0;
export const S_DEPTH: i32 = 1;
export const S_IN_STRING: i32 = 2;
export const S_ESCAPE_CARRY: i32 = 3;
export const S_EXPECT: i32 = 4; // where the JSON grammar is: the G_* below
export const S_PENDING_KEY: i32 = 5;
export const S_SOURCE_KEYS: i32 = 6;
export const S_NAME_KEYS: i32 = 7;
export const S_UNSURE: i32 = 8;
export const S_SOURCE_START: i32 = 9;
export const S_SOURCE_END: i32 = 10;
export const S_NAME_START: i32 = 11;
export const S_NAME_END: i32 = 12;
export const S_RECORD_START: i32 = 13;
export const S_STOP: i32 = 14;
export const S_SKIPPED: i32 = 15; // records skipped after the last entry
export const S_TOKENS: i32 = 16; // token bits of the open record
export const S_UNICODE: i32 = 17; // 1 when the open record's bytes hold `\u`

// Table entry fields: the record's start (-1: before this window), its end (just past `}`), the hint
// positions, 1 when the hints cannot be trusted, how many records were skipped just before it, and its token
// bits (bit k: a string in the record equals token k; TOKENS_UNKNOWN: not known).
export const E_START: i32 = 0;
export const E_END: i32 = 1;
export const E_SOURCE_START: i32 = 2;
export const E_SOURCE_END: i32 = 3;
export const E_NAME_START: i32 = 4;
export const E_NAME_END: i32 = 5;
export const E_UNSURE: i32 = 6;
export const E_SKIPPED_BEFORE: i32 = 7;
export const E_TOKENS: i32 = 8;

// Splitter states, the same numbers as in record-splitter.ts.
export const ARRAY_FIRST_ELEMENT: i32 = 7;
export const ARRAY_ELEMENT: i32 = 8;
export const ARRAY_AFTER_ELEMENT: i32 = 9;
export const IN_RECORD: i32 = 10;
