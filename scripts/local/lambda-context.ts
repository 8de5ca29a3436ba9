// The context object Lambda's Node.js runtime hands a handler, for the places that invoke one outside Lambda:
// the local sandbox (lambda-host.ts), the bench's handler rows and the handler tests.
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  memoryMB: number;
  requestId: string;
  logStreamName: string;
  /** What getRemainingTimeInMillis answers. */
  remainingMs: () => number;
  region?: string;
}

export function lambdaContext(functionName: string, options: LambdaContextOptions): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region ?? 'us-east-1'}:123456789012:function:${functionName}`,
    memoryLimitInMB: String(options.memoryMB),
    awsRequestId: options.requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: options.logStreamName,
    getRemainingTimeInMillis: options.remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
