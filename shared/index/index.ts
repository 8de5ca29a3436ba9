export { toIndexEvent, type IndexSource } from './index-event.js';
export { trailwatchFields } from './trailwatch-fields.js';
export { MIN_TRIM_TARGET_BYTES } from './trim.js';
export { logStreamName, type StreamNameFallback } from './stream-name.js';
export {
  LogBatcher,
  toPutLogEventsInput,
  type BatchableEvent,
  type BatcherOptions,
  type LogBatch,
} from './batcher.js';
export { classifyEventAge, type RejectionReason } from './age.js';
export { rejectedEvents, type RejectedEvent } from './rejected.js';
export { putLogEventsBody, putLogEventsBodyBytes } from './request-body.js';
export { scanForIndex } from './index-scan.js';
export { releaseEvents } from './encoded-event.js';
export {
  scopePlan,
  parseIndexScope,
  INDEX_SCOPES,
  DEFAULT_INDEX_SCOPE,
  INDEX_SCOPE_MEANINGS,
  type IndexScope,
} from './scope.js';
export * from './limits.js';
export type * from './types.js';
