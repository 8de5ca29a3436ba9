export { readCloudTrailLog } from './read-log.js';
export { eventSourcePrefilter } from './prefilter.js';
export type { ByteSource } from './source-chunks.js';
export type * from './types.js';
