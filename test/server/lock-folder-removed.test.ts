// The data folder deleted under a serving database: its owner refuses writes (InternalServerError)
// within a couple of seconds instead of acknowledging writes that are lost, and a second server
// opened on the same path keeps its own LOCK, ENDPOINT and data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Database } from '../../src/engine/database';
import { startServer, type RunningServer } from '../../src/server/index';
import { sdkClient, sdkError } from './harness';

const TABLE = 'things';

async function serveFolder(dir: string): Promise<{ db: Database; server: RunningServer; client: DynamoDBClient; close(): Promise<void> }> {
  const db = await Database.open(dir);
  const server = await startServer({ db, port: 0 });
  await db.advertiseEndpoint(server.url);
  const client = sdkClient(server.url);
  return {
    db,
    server,
    client,
    async close() {
      client.destroy();
      await server.close();
      await db.close();
    },
  };
}

async function createTable(client: DynamoDBClient, db: Database): Promise<void> {
  await db.execute('CreateTable', {
    TableName: TABLE,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'before' } } }));
}

test('after rm -rf of its data folder a server refuses the next writes within 2 s, and a second server on the path is not disturbed', async () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'dw-removed-'));
  const dir = path.join(parent, 'data');
  const first = await serveFolder(dir);
  let second: Awaited<ReturnType<typeof serveFolder>> | undefined;
  try {
    await createTable(first.client, first.db);

    rmSync(dir, { recursive: true, force: true });
    const removedAt = Date.now();
    // Another server opens the same path at once, as a second window or the CLI would.
    second = await serveFolder(dir);
    await createTable(second.client, second.db);
    const secondLock = readFileSync(path.join(dir, 'LOCK'), 'utf8');

    // Writes to the first server until it refuses; never more than ~2 s of them.
    let refusal: Awaited<ReturnType<typeof sdkError>> | undefined;
    let n = 0;
    while (refusal === undefined) {
      assert.ok(Date.now() - removedAt < 2_500, `writes still acknowledged ${Date.now() - removedAt} ms after the folder was removed`);
      try {
        await first.client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: `after-${n++}` } } }));
        await new Promise((r) => setTimeout(r, 50));
      } catch (err) {
        refusal = err as typeof refusal;
      }
    }
    assert.equal(refusal!.name, 'InternalServerError');
    assert.match(refusal!.message, /The data folder .* was removed or taken over by another process; writes are refused until the database is reopened/);
    // Reads go on from memory.
    const read = await first.client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'before' } } }));
    assert.deepEqual(read.Item, { pk: { S: 'before' } });

    // Closing the first server leaves the second's LOCK and ENDPOINT in place.
    await first.close();
    assert.equal(readFileSync(path.join(dir, 'LOCK'), 'utf8'), secondLock);
    assert.equal(readFileSync(path.join(dir, 'ENDPOINT'), 'utf8').trim(), second.server.url);
    await second.client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'second' } } }));
    await second.close();
    second = undefined;

    // What is in the folder is the second server's data only.
    const reopened = await Database.open(dir);
    try {
      const get = async (pk: string) => ((await reopened.execute('GetItem', { TableName: TABLE, Key: { pk: { S: pk } } })) as { Item?: unknown }).Item;
      assert.deepEqual(await get('second'), { pk: { S: 'second' } });
      assert.deepEqual(await get('before'), { pk: { S: 'before' } }, 'the second server wrote its own "before"');
      assert.equal(await get('after-0'), undefined, 'a write to the first server landed in the second one\'s folder');
    } finally {
      await reopened.close();
    }
    assert.ok(!existsSync(path.join(dir, 'LOCK')));
  } finally {
    await second?.close();
    await first.close().catch(() => undefined);
    rmSync(parent, { recursive: true, force: true });
  }
});
