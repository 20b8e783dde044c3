// A real Database (in memory or in a folder) served by a real server, with both SDK clients
// (DynamoDB and DynamoDB Streams) pointed at it: what the Streams and TTL suites run against.
// Unlike harness.ts it takes DatabaseOptions (a movable clock, the TTL sweep interval, shard
// rollover) and can be closed and reopened on the same folder; `serveFolder` runs the real CLI on
// one instead, for the suites that kill the server.
import * as path from 'node:path';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput, type StreamViewType } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Database, DatabaseOptions } from '../../src/engine/database';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index';
import { startCli, type RunningCli } from './cli-process';
import { sdkClient } from './harness';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

export function streamsClient(endpoint: string, credentials = TEST_CREDENTIALS): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

export interface Endpoint {
  db: Database;
  server: RunningServer;
  ddb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  close(): Promise<void>;
}

/** Opens `dir` ('' with inMemory) and serves it on a free port. */
export async function openEndpoint(dir: string, options: DatabaseOptions, serverOptions: Partial<ServerOptions> = {}): Promise<Endpoint> {
  const { Database } = await import('../../src/engine/database');
  const db = await Database.open(dir, options);
  const server = await startServer({ ...serverOptions, db, port: 0 });
  const ddb = sdkClient(server.url);
  const streams = streamsClient(server.url);
  return {
    db,
    server,
    ddb,
    streams,
    async close() {
      ddb.destroy();
      streams.destroy();
      await server.close();
      await db.close();
    },
  };
}

/** An on-demand table keyed by pk (S), with a stream of `viewType` when one is given. */
export function hashTableInput(TableName: string, viewType?: StreamViewType): CreateTableCommandInput {
  return {
    TableName,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...(viewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } } : {}),
  };
}

/** Creates that table; resolves to its LatestStreamArn (undefined without a stream). */
export async function createHashTable(ddb: DynamoDBClient, TableName: string, viewType?: StreamViewType): Promise<string | undefined> {
  return (await ddb.send(new CreateTableCommand(hashTableInput(TableName, viewType)))).TableDescription!.LatestStreamArn;
}

const ROOT = path.resolve(__dirname, '../..');
const ENDPOINT_LINE = /^Dynamo Workspace endpoint: (http:\/\/127\.0\.0\.1:\d+)$/;

/** `dynamo-workspace serve --dir <dir> --port 0 <args>` from source, as a child process that a test may kill. */
export function serveFolder(dir: string, args: string[] = []): Promise<RunningCli> {
  return startCli(['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'serve', '--dir', dir, '--port', '0', ...args], { cwd: ROOT, endpointLine: ENDPOINT_LINE, timeoutMs: 30_000 });
}
