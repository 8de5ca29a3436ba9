// What the processor's steps share: its configuration and clients, made once per container by handler.ts.
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { PublicKeyCache } from '../lib/cloudtrail-public-keys.js';
import type { Observability } from '../lib/observability.js';
import type { ProcessorConfig } from './config.js';
import type { DedupeStore } from './dedupe-store.js';
import type { PublishOptions } from './publish-alerts.js';

export interface ProcessorContext {
  config: ProcessorConfig;
  s3: S3Client;
  sns: SNSClient;
  obs: Observability;
  /** The dedupe table (ALERT_DEDUPE_TABLE), or undefined: no dedupe. */
  dedupe?: DedupeStore | undefined;
  /** Retry tuning (tests). */
  publish?: Omit<PublishOptions, 'signal'>;
  /** CloudTrail's public keys for the digest check (default: ListPublicKeys, cached per container). */
  publicKeys?: PublicKeyCache;
  /** Time kept back from the function's timeout (functions/lib/deadline.ts; tests). */
  deadlineMarginMs?: number;
}

/** How this invocation publishes: the context's retry tuning, stopped by the invocation's deadline. */
export function publishOptions(
  ctx: Pick<ProcessorContext, 'publish'>,
  signal: AbortSignal | undefined,
): PublishOptions {
  return { ...ctx.publish, ...(signal ? { signal } : {}) };
}
