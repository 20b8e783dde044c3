// A real Database (in memory or in a folder) served by a real server, with both SDK clients
// (DynamoDB and DynamoDB Streams) pointed at it: what the Streams and TTL suites run against.
// Unlike harness.ts it takes DatabaseOptions (a movable clock, the TTL sweep interval, shard
// rollover) and can be closed and reopened on the same folder.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Database, DatabaseOptions } from '../../src/engine/database';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index';
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
