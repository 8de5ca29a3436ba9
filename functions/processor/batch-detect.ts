// Whether an invocation is an S3 Batch Operations task (issue 18), without loading what reads one: the handler
// imports batch-operations.ts (and zod, its schema) only for such an event, so every other cold start skips them.

/** True when the event is shaped like an S3 Batch Operations invocation (checked in full by parseBatchEvent). */
export function isBatchOperationsEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'invocationSchemaVersion' in event && 'tasks' in event;
}
