// A real server over a real in-memory Database, and an AWS SDK client pointed at it.
// Set DW_TEST_ENDPOINT=http://127.0.0.1:PORT to run the SDK suites against another endpoint
// instead (DynamoDB Local, say) for a differential check.
import assert from 'node:assert/strict';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startServer } from '../../src/server/index';

// The SDK warns once per process that its 2027 releases will need Node 22; tests run on Node 20 on purpose.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning instanceof Error ? warning.message : warning).startsWith('NodeVersionSupportWarning')) return;
  (emitWarning as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

/** An on-demand table keyed by pk (S) and sk (N), the shape most SDK suites work on (ImportTable's TableCreationParameters take it too). */
export const KEYED_TABLE = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'N' as const },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

export async function createKeyedTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand({ TableName: tableName, ...KEYED_TABLE }));
}

export interface Harness {
  url: string;
  client: DynamoDBClient;
  /** A table name no other test uses. */
  name(prefix?: string): string;
  close(): Promise<void>;
}

export function sdkClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });
}

let counter = 0;
const run = Date.now().toString(36);

/** `options`: extra DatabaseOptions for the served database (a buckets root, say). */
export async function startHarness(options: Partial<import('../../src/engine/database').DatabaseOptions> = {}): Promise<Harness> {
  const name = (prefix = 't'): string => `${prefix}-${run}-${++counter}`;
  const external = process.env.DW_TEST_ENDPOINT;
  if (external) {
    const client = sdkClient(external);
    return { url: external, client, name, close: async () => client.destroy() };
  }
  // Loaded here, not at the top, so that DW_TEST_ENDPOINT runs need no engine.
  const { Database } = await import('../../src/engine/database');
  const db = await Database.open('', { inMemory: true, ...options });
  const server = await startServer({ db, port: 0 });
  const client = sdkClient(server.url);
  return {
    url: server.url,
    client,
    name,
    async close() {
      client.destroy();
      await server.close();
      await db.close();
    },
  };
}

/** Runs `fn`, expecting an SDK error; returns it. */
export async function sdkError(fn: () => Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number; requestId?: string }; $fault: string; [k: string]: any }> {
  try {
    await fn();
  } catch (err) {
    return err as never;
  }
  throw new Error('expected the call to fail');
}

/** Runs `fn`, expecting an SDK error named `name` whose message equals `message` (a string) or matches it (a RegExp); returns it. */
export async function sdkRejects(fn: () => Promise<unknown>, name: string, message: string | RegExp): Promise<Awaited<ReturnType<typeof sdkError>>> {
  const err = await sdkError(fn);
  assert.equal(err.name, name);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
  return err;
}

/** An in-memory Database with one on-demand table keyed by pk (S): what the endpoint-hardening suites serve. */
export async function openDatabaseWithTable(tableName: string): Promise<import('../../src/engine/database').Database> {
  const { Database } = await import('../../src/engine/database');
  const db = await Database.open('', { inMemory: true });
  await db.execute('CreateTable', {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return db;
}
