// Import through writeItems into a provisioned table that runs out of capacity: the throttled
// batches are retried until every item is in (the embedded engine itself, no mocks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import type { Connection } from '../../../src/extension/connection';
import type { Item } from '../../../src/protocol/dynamo-json';
import { importItems, writeItems } from '../../../src/extension/transfer';

test('writeItems retries batches refused for lack of provisioned capacity', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const db = await Database.open('', { inMemory: true, now: () => clock });
  await db.execute('CreateTable', {
    TableName: 'tiny',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
  });
  let throttled = 0;
  const connection = {
    send: async (operation: string, input: object) => {
      try {
        return await db.execute(operation, input);
      } catch (e) {
        if ((e as { type?: string }).type === 'ProvisionedThroughputExceededException') {
          throttled++;
          clock += 60_000; // time passes while the importer backs off: the bucket refills
        }
        throw e;
      }
    },
  } as unknown as Connection;
  // 1 WCU with 300 s of burst: 400 items of ~1 KB need more than the bucket holds at the start
  const items = Array.from({ length: 400 }, (_, i) => ({ id: { S: `item-${i}` }, pad: { S: 'x'.repeat(1000) } }));
  const written = await writeItems(connection, 'tiny', items);
  assert.equal(written, 400);
  assert.ok(throttled > 0, 'the table did throttle');
  const count = (await db.execute('Scan', { TableName: 'tiny', Select: 'COUNT' })) as { Count: number };
  assert.equal(count.Count, 400);
  await db.close();
});

test('importItems skips existing keys with a conditional put and counts a bad item as failed, not the whole batch', async () => {
  const db = await Database.open('', { inMemory: true });
  await db.execute('CreateTable', {
    TableName: 'tbl',
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
  });
  await db.execute('PutItem', { TableName: 'tbl', Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'old' } } });
  const connection = { send: (op: string, input: object) => db.execute(op, input) } as unknown as Connection;
  const file: Item[] = [
    { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'new' } },
    { pk: { S: 'a' }, sk: { N: '2' }, v: { S: 'new' } },
    { pk: { S: 'b' }, v: { S: 'no sort key' } },
  ];
  const skipped = await importItems(connection, 'tbl', file, { existing: 'skip', keyNames: ['pk', 'sk'] });
  assert.deepEqual({ ...skipped, errors: skipped.errors.length }, { written: 1, skipped: 1, failed: 1, errors: 1 });
  assert.match(skipped.errors[0]!, /^item 3: ValidationException/);
  const get = async (sk: string) => ((await db.execute('GetItem', { TableName: 'tbl', Key: { pk: { S: 'a' }, sk: { N: sk } } })) as { Item?: { v: { S: string } } }).Item?.v.S;
  assert.equal(await get('1'), 'old');
  // overwrite: the bad item makes BatchWriteItem refuse its batch; the two good ones still go in
  const overwritten = await importItems(connection, 'tbl', file, { existing: 'overwrite', keyNames: ['pk', 'sk'] });
  assert.deepEqual({ written: overwritten.written, skipped: overwritten.skipped, failed: overwritten.failed }, { written: 2, skipped: 0, failed: 1 });
  assert.equal(await get('1'), 'new');
  await db.close();
});
