// Capacity through the AWS SDK against the endpoint: exact ConsumedCapacity of every operation on
// items of chosen sizes, throttling (error type, message, ThrottlingReasons, unprocessed batch
// requests) on the database's hand-driven clock, GSI back-pressure, and UpdateTable's limits.
// The client makes one attempt per call (the SDK would otherwise retry throttled requests).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchGetItemCommand, BatchWriteItemCommand, CreateTableCommand, DeleteItemCommand, DynamoDBClient, GetItemCommand,
  PutItemCommand, QueryCommand, ScanCommand, UpdateItemCommand, UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { Database } from '../../src/engine/database';
import { startServer } from '../../src/server/index';
import { itemSize } from '../../src/engine/types/attribute-validation';
import { sdkClient, sdkError } from './harness';

const TABLE_THROTTLE =
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
const GSI_THROTTLE =
  'The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API.';

let db: Database;
let server: { url: string; close(): Promise<void> };
let client: DynamoDBClient;
const clock = { now: Date.UTC(2026, 2, 1, 10, 0, 0) };

before(async () => {
  db = await Database.open('', { inMemory: true, now: () => clock.now });
  server = await startServer({ db, port: 0 });
  client = sdkClient(server.url);
});

after(async () => {
  client.destroy();
  await server.close();
  await db.close();
});

const S = (s: string) => ({ S: s });
function sized(base: Record<string, any>, size: number): Record<string, any> {
  const item = { ...base, x: { S: 'y'.repeat(size - itemSize(base as never) - 1) } };
  assert.equal(itemSize(item as never), size);
  return item;
}

async function table(name: string, provisioned?: [number, number], sortKey = false): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: sortKey ? [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] : [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: sortKey ? [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }] : [{ AttributeName: 'pk', AttributeType: 'S' }],
      ...(provisioned ? { ProvisionedThroughput: { ReadCapacityUnits: provisioned[0], WriteCapacityUnits: provisioned[1] } } : { BillingMode: 'PAY_PER_REQUEST' }),
    }),
  );
}

describe('ConsumedCapacity through the SDK', () => {
  test('GetItem, PutItem, UpdateItem, DeleteItem on items of chosen sizes', async () => {
    await table('cc-items');
    const put = await client.send(new PutItemCommand({ TableName: 'cc-items', Item: sized({ pk: S('a') }, 2049), ReturnConsumedCapacity: 'INDEXES' }));
    assert.deepEqual(put.ConsumedCapacity, { TableName: 'cc-items', CapacityUnits: 3, Table: { CapacityUnits: 3 } });
    const over = await client.send(new PutItemCommand({ TableName: 'cc-items', Item: { pk: S('a') }, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(over.ConsumedCapacity, { TableName: 'cc-items', CapacityUnits: 3 });
    await client.send(new PutItemCommand({ TableName: 'cc-items', Item: sized({ pk: S('b') }, 8193) }));
    const strong = await client.send(new GetItemCommand({ TableName: 'cc-items', Key: { pk: S('b') }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(strong.ConsumedCapacity, { TableName: 'cc-items', CapacityUnits: 3 });
    const eventual = await client.send(new GetItemCommand({ TableName: 'cc-items', Key: { pk: S('b') }, ReturnConsumedCapacity: 'INDEXES' }));
    assert.deepEqual(eventual.ConsumedCapacity, { TableName: 'cc-items', CapacityUnits: 1.5, Table: { CapacityUnits: 1.5 } });
    const missing = await client.send(new GetItemCommand({ TableName: 'cc-items', Key: { pk: S('none') }, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(missing.ConsumedCapacity, { TableName: 'cc-items', CapacityUnits: 0.5 });
    const upd = await client.send(
      new UpdateItemCommand({ TableName: 'cc-items', Key: { pk: S('b') }, UpdateExpression: 'REMOVE x', ReturnConsumedCapacity: 'TOTAL' }),
    );
    assert.deepEqual(upd.ConsumedCapacity, { TableName: 'cc-items', CapacityUnits: 9 }, 'the larger image: 8193 bytes before');
    const del = await client.send(new DeleteItemCommand({ TableName: 'cc-items', Key: { pk: S('nope') }, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(del.ConsumedCapacity, { TableName: 'cc-items', CapacityUnits: 1 });
    const none = await client.send(new GetItemCommand({ TableName: 'cc-items', Key: { pk: S('b') }, ReturnConsumedCapacity: 'NONE' }));
    assert.equal(none.ConsumedCapacity, undefined);
  });

  test('Query and Scan sum sizes before rounding; batches round per item, per table', async () => {
    await table('cc-range', undefined, true);
    for (let i = 0; i < 5; i++) await client.send(new PutItemCommand({ TableName: 'cc-range', Item: sized({ pk: S('p'), sk: S(`${i}`) }, 1000) }));
    const q = await client.send(
      new QueryCommand({ TableName: 'cc-range', KeyConditionExpression: 'pk = :p', FilterExpression: 'attribute_exists(nothing)', ExpressionAttributeValues: { ':p': S('p') }, ConsistentRead: true, ReturnConsumedCapacity: 'INDEXES' }),
    );
    assert.equal(q.Count, 0);
    assert.deepEqual(q.ConsumedCapacity, { TableName: 'cc-range', CapacityUnits: 2, Table: { CapacityUnits: 2 } }, '5000 bytes read, all filtered out');
    const s = await client.send(new ScanCommand({ TableName: 'cc-range', ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(s.ConsumedCapacity, { TableName: 'cc-range', CapacityUnits: 1 });
    const g = await client.send(
      new BatchGetItemCommand({
        RequestItems: { 'cc-range': { Keys: [{ pk: S('p'), sk: S('0') }, { pk: S('p'), sk: S('1') }, { pk: S('p'), sk: S('9') }], ConsistentRead: true } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    assert.deepEqual(g.ConsumedCapacity, [{ TableName: 'cc-range', CapacityUnits: 3 }]);
    const w = await client.send(
      new BatchWriteItemCommand({
        RequestItems: { 'cc-range': [{ PutRequest: { Item: sized({ pk: S('q'), sk: S('0') }, 1025) } }, { DeleteRequest: { Key: { pk: S('p'), sk: S('0') } } }] },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    assert.deepEqual(w.ConsumedCapacity, [{ TableName: 'cc-range', CapacityUnits: 3, Table: { CapacityUnits: 3 } }]);
  });

  test('Secondary indexes in the INDEXES breakdown', async () => {
    await table('cc-gsi', undefined, true);
    const t = db.table('cc-gsi');
    t.meta = {
      ...t.meta,
      attributeDefinitions: [...t.meta.attributeDefinitions, { AttributeName: 'g', AttributeType: 'S' }],
      indexes: [{ name: 'byG', kind: 'GSI', keySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], projection: { type: 'KEYS_ONLY' }, status: 'ACTIVE' }],
    };
    await client.send(new PutItemCommand({ TableName: 'cc-gsi', Item: { pk: S('a'), sk: S('1'), g: S('G') } }));
    const moved = await client.send(
      new UpdateItemCommand({ TableName: 'cc-gsi', Key: { pk: S('a'), sk: S('1') }, UpdateExpression: 'SET g = :g', ExpressionAttributeValues: { ':g': S('H') }, ReturnConsumedCapacity: 'INDEXES' }),
    );
    assert.deepEqual(moved.ConsumedCapacity, { TableName: 'cc-gsi', CapacityUnits: 3, Table: { CapacityUnits: 1 }, GlobalSecondaryIndexes: { byG: { CapacityUnits: 2 } } });
  });
});

describe('Throttling through the SDK', () => {
  test('ProvisionedThroughputExceededException: type, message, status, ThrottlingReasons; capacity returns with time', async () => {
    await table('th-table', [1, 1]);
    const big = sized({ pk: S('big') }, 300 * 1024);
    await client.send(new PutItemCommand({ TableName: 'th-table', Item: big })); // the whole 300 s burst
    const err = await sdkError(() => client.send(new PutItemCommand({ TableName: 'th-table', Item: { pk: S('x') } })));
    assert.equal(err.name, 'ProvisionedThroughputExceededException');
    assert.equal(err.message, TABLE_THROTTLE);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.$fault, 'client');
    assert.deepEqual(err.ThrottlingReasons, [{ reason: 'TableWriteProvisionedThroughputExceeded', resource: db.table('th-table').meta.arn }]);
    clock.now += 1000;
    await client.send(new PutItemCommand({ TableName: 'th-table', Item: { pk: S('x') } }));
    await sdkError(() => client.send(new PutItemCommand({ TableName: 'th-table', Item: { pk: S('y') } })));
    const w = await client.send(
      new BatchWriteItemCommand({ RequestItems: { 'th-table': [{ PutRequest: { Item: { pk: S('z') } } }] } }),
    ).catch((e) => e);
    assert.equal(w.name, 'ProvisionedThroughputExceededException', 'a batch with every request throttled fails');
    clock.now += 1000;
    const partial = await client.send(
      new BatchWriteItemCommand({ RequestItems: { 'th-table': [{ PutRequest: { Item: { pk: S('z1') } } }, { PutRequest: { Item: { pk: S('z2') } } }] } }),
    );
    assert.deepEqual(partial.UnprocessedItems, { 'th-table': [{ PutRequest: { Item: { pk: S('z2') } } }] });
    const metrics = db.metrics.table('th-table');
    assert.equal(metrics.series.throttledWrites, 4);
    assert.equal(metrics.series.writeUnits, 302);
  });

  test('A hot key throttles with KeyRangeThroughputExceeded while the table has capacity', async () => {
    await table('th-hot', [100, 10000]);
    let n = 0;
    let err: any;
    for (; n < 1100 && !err; n++) {
      err = await client.send(new PutItemCommand({ TableName: 'th-hot', Item: { pk: S('hot') } })).then(() => undefined, (e) => e);
    }
    assert.equal(n, 1001, 'a partition takes 1,000 WCU in a second');
    assert.equal(err.name, 'ProvisionedThroughputExceededException');
    assert.equal(err.ThrottlingReasons[0].reason, 'TableWriteKeyRangeThroughputExceeded');
    assert.deepEqual(db.metrics.hotKeys('th-hot', { limit: 1 })[0]!.key, { pk: S('hot') });
  });

  test('A GSI out of write capacity throttles the base-table write', async () => {
    await table('th-gsi', [100, 100]);
    const t = db.table('th-gsi');
    t.meta = {
      ...t.meta,
      attributeDefinitions: [...t.meta.attributeDefinitions, { AttributeName: 'g', AttributeType: 'S' }],
      indexes: [{ name: 'byG', kind: 'GSI', keySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], projection: { type: 'ALL' }, status: 'ACTIVE', read: 1, write: 1 }],
    };
    await client.send(new PutItemCommand({ TableName: 'th-gsi', Item: sized({ pk: S('a'), g: S('G') }, 300 * 1024) }));
    const err = await sdkError(() => client.send(new PutItemCommand({ TableName: 'th-gsi', Item: { pk: S('b'), g: S('G') } })));
    assert.equal(err.name, 'ProvisionedThroughputExceededException');
    assert.equal(err.message, GSI_THROTTLE);
    assert.deepEqual(err.ThrottlingReasons, [{ reason: 'IndexWriteProvisionedThroughputExceeded', resource: `${t.meta.arn}/index/byG` }]);
    await client.send(new PutItemCommand({ TableName: 'th-gsi', Item: { pk: S('c') } })); // not in the index
  });

  test('PAY_PER_REQUEST never throttles', async () => {
    await table('th-demand');
    for (let i = 0; i < 1500; i++) await client.send(new PutItemCommand({ TableName: 'th-demand', Item: { pk: S('same') } }));
  });
});

describe('UpdateTable limits through the SDK', () => {
  test('The fifth decrease of a UTC day is LimitExceededException naming the next allowed time', async () => {
    await table('ut-dec', [10, 10]);
    for (const r of [9, 8, 7, 6]) {
      await client.send(new UpdateTableCommand({ TableName: 'ut-dec', ProvisionedThroughput: { ReadCapacityUnits: r, WriteCapacityUnits: 10 } }));
      clock.now += 1000;
    }
    const err = await sdkError(() => client.send(new UpdateTableCommand({ TableName: 'ut-dec', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 10 } })));
    assert.equal(err.name, 'LimitExceededException');
    assert.match(
      err.message,
      /^Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day\. After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds\. Number of decreases today: 4\. Last decrease at \w+day, March 1, 2026 at \d+:\d\d:\d\d [AP]M Coordinated Universal Time\. Next decrease can be made at \w+day, March 1, 2026 at \d+:\d\d:\d\d [AP]M Coordinated Universal Time$/,
    );
  });
});

describe('Index reads through the SDK', () => {
  test('Query and Scan of a GSI and an LSI: the index carries the read, LSI fetches charge the table', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'ix-reads',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'g', AttributeType: 'S' },
          { AttributeName: 'l', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [{ IndexName: 'gsi', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['p'] } }],
        LocalSecondaryIndexes: [{ IndexName: 'lsi', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
      }),
    );
    const put = await client.send(
      new PutItemCommand({ TableName: 'ix-reads', Item: sized({ pk: S('a'), sk: S('2'), g: S('G1'), l: S('L1'), p: S('pp') }, 3000), ReturnConsumedCapacity: 'INDEXES' }),
    );
    assert.deepEqual(put.ConsumedCapacity, {
      TableName: 'ix-reads', CapacityUnits: 5, Table: { CapacityUnits: 3 }, LocalSecondaryIndexes: { lsi: { CapacityUnits: 1 } }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 1 } },
    });
    await client.send(new PutItemCommand({ TableName: 'ix-reads', Item: sized({ pk: S('a'), sk: S('1') }, 3000) }));
    const gq = await client.send(new QueryCommand({ TableName: 'ix-reads', IndexName: 'gsi', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('G1') }, ReturnConsumedCapacity: 'INDEXES' }));
    assert.deepEqual(gq.ConsumedCapacity, { TableName: 'ix-reads', CapacityUnits: 0.5, Table: { CapacityUnits: 0 }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 0.5 } } });
    const lk = await client.send(new QueryCommand({ TableName: 'ix-reads', IndexName: 'lsi', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('a') }, ReturnConsumedCapacity: 'INDEXES' }));
    assert.deepEqual(lk.ConsumedCapacity, { TableName: 'ix-reads', CapacityUnits: 0.5, Table: { CapacityUnits: 0 }, LocalSecondaryIndexes: { lsi: { CapacityUnits: 0.5 } } });
    const lf = await client.send(
      new QueryCommand({ TableName: 'ix-reads', IndexName: 'lsi', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('a') }, Select: 'ALL_ATTRIBUTES', ReturnConsumedCapacity: 'INDEXES' }),
    );
    assert.deepEqual(lf.ConsumedCapacity, { TableName: 'ix-reads', CapacityUnits: 1, Table: { CapacityUnits: 0.5 }, LocalSecondaryIndexes: { lsi: { CapacityUnits: 0.5 } } });
    const gs = await client.send(new ScanCommand({ TableName: 'ix-reads', IndexName: 'gsi', ReturnConsumedCapacity: 'INDEXES' }));
    assert.deepEqual(gs.ConsumedCapacity, { TableName: 'ix-reads', CapacityUnits: 0.5, Table: { CapacityUnits: 0 }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 0.5 } } });
    const m = db.metrics.table('ix-reads');
    assert.equal(m.indexes.find((i) => i.name === 'gsi')!.series.readUnits, 1);
  });
});

describe('GSI reads through the SDK', () => {
  test('A Query of a GSI spends the GSI’s own read capacity and throttles there', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'ix-prov',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
        ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 100 },
        GlobalSecondaryIndexes: [
          { IndexName: 'gsi', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 5 } },
        ],
      }),
    );
    await client.send(new PutItemCommand({ TableName: 'ix-prov', Item: { pk: S('a'), g: S('G') } }));
    const query = () => client.send(new QueryCommand({ TableName: 'ix-prov', IndexName: 'gsi', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('G') } }));
    for (let i = 0; i < 600; i++) await query(); // 300 s × 1 RCU, 0.5 a query
    const err = await sdkError(query);
    assert.equal(err.name, 'ProvisionedThroughputExceededException');
    assert.equal(err.message, 'The level of configured provisioned throughput for the index was exceeded');
    assert.deepEqual(err.ThrottlingReasons, [{ reason: 'IndexReadProvisionedThroughputExceeded', resource: `${db.table('ix-prov').meta.arn}/index/gsi` }]);
    await client.send(new GetItemCommand({ TableName: 'ix-prov', Key: { pk: S('a') } })); // the table's reads are unaffected
    const m = db.metrics.table('ix-prov');
    assert.equal(m.series.throttledReads, 0);
    assert.equal(m.indexes[0]!.series.throttledReads, 1);
    assert.equal(m.indexes[0]!.series.readUnits, 300);
  });
});
