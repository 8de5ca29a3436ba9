// Publishing a file's (or a fast-path event's) messages to one topic at most once per alert, with the dedupe
// store (dedupe-store.ts). Without a store this is publishMessages as it is.
//
// Per topic: claim every message's key; publish only the ones claimed; mark those SNS took `published`; release
// those it did not, and fail. What each failure leads to (README.md, "Exactly-once alerts and the fast path"):
// - the store fails while claiming: nothing of this topic is published, our claims are released (best effort),
//   and the DedupeStoreError fails the file: retried, never published unrecorded;
// - SNS fails some messages: the ones it took are marked published, the others released, the PublishError fails
//   the file: the retry publishes only what is missing;
// - SNS took a message but marking it failed: the alert was delivered, so the file does not fail (failing it
//   would only send the duplicate sooner); the claim stays `in-progress` and a later delivery of the same record
//   re-takes it once the lease ran out and publishes it again. A duplicate, never a lost alert.
import { randomUUID } from 'node:crypto';
import type { SNSClient } from '@aws-sdk/client-sns';
import { dedupeKey } from '../../shared/dedupe/claims.js';
import { PublishError } from '../lib/errors.js';
import type { AlertMessage } from './alert-messages.js';
import { DedupeStoreError } from './dedupe-errors.js';
import type { DedupeStore } from './dedupe-store.js';
import { publishMessages, type PublishOptions } from './publish-alerts.js';

export interface PublishOnceResult {
  /** The messages SNS took now. */
  published: AlertMessage[];
  /** Messages some earlier delivery already published (not sent again). */
  alreadyPublished: number;
  /** Labels of messages another delivery holds a live claim on (not sent; the caller fails so they are retried). */
  busy: string[];
  /** Published, but recording that failed (logged by the caller; a later delivery may publish them again). */
  unrecorded: DedupeStoreError[];
}

/** How many claims (UpdateItem calls) are in flight at once. */
const CLAIM_CONCURRENCY = 8;

export async function publishOnce(
  sns: SNSClient,
  topicArn: string,
  messages: readonly AlertMessage[],
  store: DedupeStore | undefined,
  options: PublishOptions = {},
): Promise<PublishOnceResult> {
  const result: PublishOnceResult = { published: [], alreadyPublished: 0, busy: [], unrecorded: [] };
  if (messages.length === 0) return result;
  if (!store) {
    await publishMessages(sns, topicArn, messages, options);
    result.published = [...messages];
    return result;
  }

  const owner = randomUUID();
  const keyed = messages.map((message) => ({ message, key: dedupeKey(topicArn, message.alert) }));
  const claimed: typeof keyed = [];
  try {
    await forEachLimited(keyed, CLAIM_CONCURRENCY, async (item) => {
      const outcome = await store.claim(item.key, owner, options.signal);
      if (outcome === 'claimed') claimed.push(item);
      else if (outcome === 'published') result.alreadyPublished++;
      else result.busy.push(item.message.label);
    });
  } catch (error) {
    await releaseAll(
      store,
      claimed.map((c) => c.key),
      owner,
    );
    throw error;
  }
  // Keep the file's order (claims finish in any order).
  const toSend = keyed.filter((item) => claimed.includes(item));
  if (toSend.length === 0) return result;

  try {
    await publishMessages(
      sns,
      topicArn,
      toSend.map((c) => c.message),
      options,
    );
  } catch (error) {
    if (!(error instanceof PublishError)) {
      // Not an answer from SNS about entries (an abort, a bug): which ones SNS took is unknown. Releasing them all
      // lets the retry publish them again: a possible duplicate rather than a lost alert.
      await releaseAll(
        store,
        toSend.map((c) => c.key),
        owner,
      );
      throw error;
    }
    const failedIds = new Set(error.failed.map((f) => f.id));
    // publishMessages names entries `m<index>` in the order given.
    const sent = toSend.filter((_, i) => !failedIds.has(`m${i}`));
    const notSent = toSend.filter((_, i) => failedIds.has(`m${i}`));
    result.unrecorded.push(
      ...(await markAll(
        store,
        sent.map((c) => c.key),
        owner,
        options.signal,
      )),
    );
    await releaseAll(
      store,
      notSent.map((c) => c.key),
      owner,
    );
    throw error;
  }
  result.published = toSend.map((c) => c.message);
  result.unrecorded.push(
    ...(await markAll(
      store,
      toSend.map((c) => c.key),
      owner,
      options.signal,
    )),
  );
  return result;
}

async function markAll(
  store: DedupeStore,
  keys: string[],
  owner: string,
  signal?: AbortSignal,
): Promise<DedupeStoreError[]> {
  const errors: DedupeStoreError[] = [];
  await forEachLimited(keys, CLAIM_CONCURRENCY, async (key) => {
    try {
      await store.markPublished(key, owner, signal);
    } catch (error) {
      if (!(error instanceof DedupeStoreError)) throw error;
      errors.push(error);
    }
  });
  return errors;
}

/** Best effort: a claim not released expires with its lease. */
async function releaseAll(store: DedupeStore, keys: string[], owner: string): Promise<void> {
  await forEachLimited(keys, CLAIM_CONCURRENCY, async (key) => {
    try {
      await store.release(key, owner);
    } catch {
      // The lease runs out on its own (DEFAULT_LEASE_SECONDS).
    }
  });
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}
