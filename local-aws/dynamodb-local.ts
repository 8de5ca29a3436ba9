// A real DynamoDB API on loopback for tests: dynalite (https://github.com/architect/dynalite), in memory (no path
// given, so its memory-level store; classic-level's prebuilt addon is loaded by `level` but opens nothing), with the
// real @aws-sdk/client-dynamodb against it.
// Tables are created as template.yaml's AlertDedupeTable is: one string partition key `pk`, on demand.
// Limits: those dynalite implements (it aims at DynamoDB's own validation and error messages); nothing is added
// here. It does not implement UpdateTimeToLive (see createDedupeTable).
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export interface LocalDynamoDb {
  endpoint: string;
  client(config?: DynamoDBClientConfig): DynamoDBClient;
  /** Creates a dedupe table (pk string, on demand, TTL on expiresAt) and returns its name. */
  createDedupeTable(name?: string): Promise<string>;
  close(): Promise<void>;
}

let tables = 0;

export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = (config: DynamoDBClientConfig = {}) =>
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      ...config,
    });
  const admin = client();
  return {
    endpoint,
    client,
    async createDedupeTable(name = `trailwatch-dedupe-${++tables}`) {
      await admin.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      try {
        await admin.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          }),
        );
      } catch {
        // dynalite does not implement UpdateTimeToLive; TTL only deletes items late, which no test relies on.
      }
      return name;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
