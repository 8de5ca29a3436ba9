export {
  toIndexEvent,
  eventTimestamp,
  withTrailwatch,
  type IndexSource,
  type IndexEventOptions,
} from './index-event.js';
export { trailwatchFields, type RaisedRule } from './trailwatch-fields.js';
export { trimMessage, MIN_TRIM_TARGET_BYTES } from './trim.js';
export { logStreamName, UNKNOWN_ACCOUNT, UNKNOWN_REGION, type StreamNameFallback } from './stream-name.js';
export {
  LogBatcher,
  toPutLogEventsInput,
  DEFAULT_MAX_WINDOWS_PER_STREAM,
  DEFAULT_MAX_HELD_BYTES,
  type BatchableEvent,
  type BatchCloseReason,
  type BatcherOptions,
  type BatcherStats,
  type LogBatch,
} from './batcher.js';
export { classifyEventAge, type EventAge, type RejectionReason } from './age.js';
export { rejectedEvents, type RejectedEvent } from './rejected.js';
export { putLogEventsBody } from './request-body.js';
export {
  scopePlan,
  parseIndexScope,
  INDEX_SCOPES,
  DEFAULT_INDEX_SCOPE,
  INDEX_SCOPE_MEANINGS,
  type IndexScope,
  type ScopePlan,
} from './scope.js';
export * from './limits.js';
export type * from './types.js';
