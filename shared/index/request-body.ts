// The body of a PutLogEvents request, as the AWS SDK writes it (awsJson1_1: one JSON object, members in the model's
// order), written by V8's native JSON.stringify. Why: the SDK's JSON codec (@smithy/core, JsonShapeSerializer2)
// writes every string one UTF-16 unit at a time in JavaScript; an index event's message is a whole CloudTrail record,
// JSON text full of quotes to escape, and on `npm run bench -- --profile-row indexer-handler-all` that loop was the
// largest single cost of indexing every event (16 % of the handler's CPU time). The writer hands the SDK this text
// as the request body (functions/indexer/cloudwatch-writer.ts); test/indexer-request-body.test.ts checks that it is
// byte for byte the body the SDK's own serializer produces for the same input.
import type { PutLogEventsInput } from './types.js';

export function putLogEventsBody(input: PutLogEventsInput): string {
  // Member order as the SDK's serializer writes them (PutLogEventsRequest: logGroupName, logStreamName, logEvents;
  // InputLogEvent: timestamp, message). A new object per event keeps only the two members the API takes.
  return JSON.stringify({
    logGroupName: input.logGroupName,
    logStreamName: input.logStreamName,
    logEvents: input.logEvents.map((e) => ({ timestamp: e.timestamp, message: e.message })),
  });
}
