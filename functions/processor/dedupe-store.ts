// The dedupe table (ALERT_DEDUPE_TABLE): conditional writes on one item per (topic, alert), see
// shared/dedupe/claims.ts for keys and lifetimes and README.md, "Exactly-once alerts and the fast path", for the
// protocol. Three calls, each on one item:
// - claim: UpdateItem that creates the item `in-progress` with a lease, or takes over an in-progress item whose
//   lease ran out; the condition fails when the alert was published or another delivery holds a live lease, and a
//   consistent GetItem then says which (dynalite, the test server, does not implement ReturnValuesOnConditionCheckFailure,
//   so the code does not rely on it);
// - markPublished: UpdateItem to `published`, after SNS took the message;
// - release: UpdateItem that ends our own lease early, when publishing failed, so the retry need not wait for it.
// Conditional writes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { existingClaim, expiresAt, leaseUntil, type ClaimItem, type ClaimOutcome } from '../../shared/dedupe/claims.js';
import { DedupeStoreError } from './dedupe-errors.js';

export interface DedupeStoreOptions {
  /** Seconds a claim holds off other deliveries. Default DEFAULT_LEASE_SECONDS. */
  leaseSeconds?: number;
  /** Epoch seconds now (tests). */
  now?: () => number;
  signal?: AbortSignal;
}

export class DedupeStore {
  constructor(
    private readonly ddb: DynamoDBClient,
    readonly table: string,
    private readonly options: Omit<DedupeStoreOptions, 'signal'> = {},
  ) {}

  private now(): number {
    return this.options.now ? this.options.now() : Math.floor(Date.now() / 1000);
  }

  /** Claims `pk` for `owner`; throws DedupeStoreError when the store cannot answer. */
  async claim(pk: string, owner: string, signal?: AbortSignal): Promise<ClaimOutcome> {
    // A lease that ran out between our failed condition and the read is taken over on the second try.
    for (let attempt = 1; attempt <= 2; attempt++) {
      const now = this.now();
      try {
        await this.ddb.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: { pk: { S: pk } },
            UpdateExpression: 'SET #status = :inProgress, #owner = :owner, leaseUntil = :lease, expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':inProgress': { S: 'in-progress' },
              ':owner': { S: owner },
              ':lease': { N: String(leaseUntil(now, this.options.leaseSeconds)) },
              ':expires': { N: String(expiresAt(now)) },
              ':now': { N: String(now) },
            },
          }),
          signal ? { abortSignal: signal } : {},
        );
        return 'claimed';
      } catch (error) {
        if (!isConditionFailed(error)) throw new DedupeStoreError('claim', this.table, pk, error);
      }
      const found = existingClaim(await this.get(pk, signal), this.now());
      if (found !== 'free') return found;
    }
    return 'busy';
  }

  /** Records that SNS took the message. */
  async markPublished(pk: string, owner: string, signal?: AbortSignal): Promise<void> {
    const now = this.now();
    try {
      await this.ddb.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: pk } },
          // Unconditional: if our lease ran out and another delivery took the claim over, the alert was published
          // (twice, then) either way, and `published` is the truth for both.
          UpdateExpression: 'SET #status = :published, #owner = :owner, expiresAt = :expires',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':published': { S: 'published' },
            ':owner': { S: owner },
            ':expires': { N: String(expiresAt(now)) },
          },
        }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (error) {
      throw new DedupeStoreError('markPublished', this.table, pk, error);
    }
  }

  /** Ends our own in-progress claim now (publishing failed): a retry may take it at once. */
  async release(pk: string, owner: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.ddb.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: pk } },
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: '#owner = :owner AND #status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':zero': { N: '0' },
            ':owner': { S: owner },
            ':inProgress': { S: 'in-progress' },
          },
        }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (error) {
      // Someone else's claim now, or already published: nothing of ours to release.
      if (isConditionFailed(error)) return;
      throw new DedupeStoreError('release', this.table, pk, error);
    }
  }

  /**
   * Adds one to a counter item and returns the new count (the fast path's storm gate: alerts of one rule per
   * window). The item expires with the others.
   */
  async count(pk: string, signal?: AbortSignal): Promise<number> {
    try {
      const { Attributes } = await this.ddb.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: pk } },
          UpdateExpression: 'ADD #count :one SET expiresAt = :expires',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':expires': { N: String(expiresAt(this.now())) } },
          ReturnValues: 'UPDATED_NEW',
        }),
        signal ? { abortSignal: signal } : {},
      );
      return Number(Attributes?.count?.N ?? '1');
    } catch (error) {
      throw new DedupeStoreError('count', this.table, pk, error);
    }
  }

  private async get(pk: string, signal?: AbortSignal): Promise<ClaimItem | undefined> {
    try {
      const { Item } = await this.ddb.send(
        new GetItemCommand({ TableName: this.table, Key: { pk: { S: pk } }, ConsistentRead: true }),
        signal ? { abortSignal: signal } : {},
      );
      return Item ? toClaimItem(Item) : undefined;
    } catch (error) {
      throw new DedupeStoreError('claim', this.table, pk, error);
    }
  }
}

function isConditionFailed(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

function toClaimItem(item: Record<string, AttributeValue>): ClaimItem {
  const status = item.status?.S === 'published' ? 'published' : 'in-progress';
  return {
    pk: item.pk?.S ?? '',
    status,
    leaseUntil: Number(item.leaseUntil?.N ?? '0'),
    owner: item.owner?.S ?? '',
    expiresAt: Number(item.expiresAt?.N ?? '0'),
  };
}
