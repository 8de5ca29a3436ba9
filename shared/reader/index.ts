// The streaming CloudTrail log reader: bytes (gzip or plain JSON) -> records, in bounded memory.
// readCloudTrailLog is the entry point; recordPrefilter lets it skip parsing records no rule needs.
export { readCloudTrailLog } from './read-log.js';
export { eventSourcePrefilter, recordPrefilter } from './prefilter.js';
export type { ByteSource } from './source-chunks.js';
export type * from './types.js';
