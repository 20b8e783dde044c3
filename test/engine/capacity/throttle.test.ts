// Provisioned throttling on a hand-driven clock: the table bucket and its 300 s burst, debt after
// a large item, per-partition limits (a hot key), GSI back-pressure, batches, and the modes that
// never throttle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashOfKey } from '../../../src/engine/codec/key-codec';
import type { Database } from '../../../src/engine/database';
import { GSI_THROTTLE, TABLE_THROTTLE, addIndexes, compositeTable, hashTable, openDb, rejects, sized } from './helpers';

const K = (pk: string) => ({ pk: { S: pk } });
const ARN = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;

async function putMany(db: Database, table: string, n: number, key: (i: number) => Record<string, unknown> = (i) => K(`k${i}`)): Promise<void> {
  for (let i = 0; i < n; i++) await db.execute('PutItem', { TableName: table, Item: key(i) });
}

/** Keys whose items fall into distinct partitions of the table. */
function keysInPartitions(db: Database, table: string): string[] {
  const t = db.table(table);
  const parts = db.capacity.state(t).table.throughput.partitions;
  const found = new Map<number, string>();
  for (let i = 0; found.size < parts && i < 10000; i++) {
    const k = `key${i}`;
    const p = Math.min(parts - 1, Math.floor((hashOfKey(t.keyOf(K(k) as never)) * parts) / 2 ** 32));
    if (!found.has(p)) found.set(p, k);
  }
  return [...found.values()];
}

test('A provisioned table admits its 300 s burst, then its rate; PTEE carries the reason and the table ARN', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Prov', { read: 5, write: 5 });
  // 300 s × 5 WCU of burst; the partition takes at most 1,000 WCU in one second.
  await putMany(db, 'Prov', 1000);
  await rejects(db.execute('PutItem', { TableName: 'Prov', Item: K('over') }), 'ProvisionedThroughputExceededException', TABLE_THROTTLE);
  clock.advance(1000); // the partition refills; the table bucket gains 5
  await putMany(db, 'Prov', 505, (i) => K(`r${i}`));
  const e = await rejects(db.execute('PutItem', { TableName: 'Prov', Item: K('over') }), 'ProvisionedThroughputExceededException', TABLE_THROTTLE);
  assert.deepEqual(e.extra, { ThrottlingReasons: [{ reason: 'TableWriteProvisionedThroughputExceeded', resource: ARN('Prov') }] });
  const partitionThrottle = db.metrics.table('Prov').series.throttledWrites;
  assert.equal(partitionThrottle, 2);
  assert.equal(e.statusCode, 400);
  assert.equal((await db.execute('GetItem', { TableName: 'Prov', Key: K('over') }) as any).Item, undefined, 'nothing was written');
  clock.advance(1000);
  await putMany(db, 'Prov', 5, (i) => K(`s${i}`));
  await rejects(db.execute('PutItem', { TableName: 'Prov', Item: K('again') }), 'ProvisionedThroughputExceededException');
  // Unused capacity accrues for at most 300 s.
  clock.advance(3600 * 1000);
  await putMany(db, 'Prov', 1000, (i) => K(`t${i}`));
  clock.advance(1000);
  await putMany(db, 'Prov', 505, (i) => K(`u${i}`));
  await rejects(db.execute('PutItem', { TableName: 'Prov', Item: K('again') }), 'ProvisionedThroughputExceededException');
  // Reads have their own bucket: 300 s × 5 RCU strongly consistent reads, twice as many eventually consistent.
  for (let i = 0; i < 1500; i++) await db.execute('GetItem', { TableName: 'Prov', Key: K('k1'), ConsistentRead: true });
  const r = await rejects(db.execute('GetItem', { TableName: 'Prov', Key: K('k1') }), 'ProvisionedThroughputExceededException', TABLE_THROTTLE);
  assert.equal(r.extra.ThrottlingReasons[0].reason, 'TableReadProvisionedThroughputExceeded');
  clock.advance(1000);
  for (let i = 0; i < 10; i++) await db.execute('GetItem', { TableName: 'Prov', Key: K('k1') });
  await rejects(db.execute('GetItem', { TableName: 'Prov', Key: K('k1') }), 'ProvisionedThroughputExceededException');
  const m = db.metrics.table('Prov', { window: 60 });
  assert.equal(m.series.throttledReads, 2);
  assert.equal(m.series.throttledWrites, 1, 'one write throttle in the last minute');
  assert.equal(db.metrics.table('Prov').series.throttledWrites, 1, 'the first three fell outside the last hour');
});

test('A request is admitted while the bucket is above zero and may leave it in debt', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Tiny', { read: 1, write: 1 });
  await db.execute('PutItem', { TableName: 'Tiny', Item: sized(K('big'), 350 * 1024) }); // 350 WCU from a 300-unit bucket
  await rejects(db.execute('PutItem', { TableName: 'Tiny', Item: K('a') }), 'ProvisionedThroughputExceededException');
  clock.advance(50_000); // back to zero: still refused
  await rejects(db.execute('PutItem', { TableName: 'Tiny', Item: K('a') }), 'ProvisionedThroughputExceededException');
  clock.advance(1_000);
  await db.execute('PutItem', { TableName: 'Tiny', Item: K('a') });
  // A failed condition on a throttled table is the throttle, not the condition.
  await rejects(db.execute('PutItem', { TableName: 'Tiny', Item: K('a'), ConditionExpression: 'attribute_not_exists(pk)' }), 'ProvisionedThroughputExceededException');
  clock.advance(2_000);
  await rejects(db.execute('PutItem', { TableName: 'Tiny', Item: K('a'), ConditionExpression: 'attribute_not_exists(pk)' }), 'ConditionalCheckFailedException');
});

test('A hot key throttles at 1,000 WCU per second in its partition while the table has room', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Wide', { read: 3000, write: 4000 });
  const parts = db.capacity.state(db.table('Wide')).table.throughput.partitions;
  assert.equal(parts, 5, 'ceil(3000/3000 + 4000/1000) partitions');
  const [hot, cold] = keysInPartitions(db, 'Wide');
  for (let i = 0; i < 1000; i++) await db.execute('UpdateItem', { TableName: 'Wide', Key: K(hot!), UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } });
  const e = await rejects(
    db.execute('UpdateItem', { TableName: 'Wide', Key: K(hot!), UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } }),
    'ProvisionedThroughputExceededException',
    TABLE_THROTTLE,
  );
  assert.deepEqual(e.extra.ThrottlingReasons, [{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: ARN('Wide') }]);
  await db.execute('PutItem', { TableName: 'Wide', Item: K(cold!) }); // another partition is fine
  clock.advance(500);
  for (let i = 0; i < 500; i++) await db.execute('PutItem', { TableName: 'Wide', Item: K(hot!) });
  await rejects(db.execute('PutItem', { TableName: 'Wide', Item: K(hot!) }), 'ProvisionedThroughputExceededException');
  const hotKeys = db.metrics.hotKeys('Wide');
  assert.deepEqual(hotKeys[0]!.key, { pk: { S: hot } });
  assert.equal(hotKeys[0]!.writeUnits, 1500);
  assert.equal(hotKeys[0]!.throttled, 2);
  const partitions = db.metrics.partitions('Wide');
  assert.equal(partitions.length, 5);
  const hotPartition = partitions.find((p) => p.series.writeUnits === 1500)!;
  assert.equal(hotPartition.series.throttledWrites, 2);
  assert.equal(partitions.reduce((s, p) => s + p.series.writeUnits, 0), 1501);
});

test('Partitions follow the highest throughput ever provisioned and 10 GB of data', async () => {
  const { db } = await openDb();
  await hashTable(db, 'Grow', { read: 1, write: 1 });
  const t = db.table('Grow');
  assert.equal(db.capacity.state(t).table.throughput.partitions, 1);
  await db.execute('UpdateTable', { TableName: 'Grow', ProvisionedThroughput: { ReadCapacityUnits: 6000, WriteCapacityUnits: 2500 } });
  assert.equal(db.capacity.state(t).table.throughput.partitions, 5);
  await db.execute('UpdateTable', { TableName: 'Grow', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
  assert.equal(db.capacity.state(t).table.throughput.partitions, 5, 'partitions never merge');
  await hashTable(db, 'Demand');
  assert.equal(db.capacity.state(db.table('Demand')).table.throughput.partitions, 8, 'on-demand: 12,000 reads and 4,000 writes per second');
  const big = db.table('Demand');
  big.sizeBytes = 95 * 1024 ** 3; // as if 95 GB were stored
  assert.equal(db.capacity.state(big).table.throughput.partitions, 10);
});

test('A GSI short of write capacity throttles writes to its base table; writes that skip it pass', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Base', { read: 100, write: 100 });
  addIndexes(
    db,
    'Base',
    [{ name: 'byG', kind: 'GSI', keySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], projection: { type: 'KEYS_ONLY' }, status: 'ACTIVE', read: 1, write: 1 }],
    [{ AttributeName: 'g', AttributeType: 'S' }],
  );
  for (let i = 0; i < 300; i++) await db.execute('PutItem', { TableName: 'Base', Item: { ...K(`a${i}`), g: { S: `g${i % 7}` } } });
  const e = await rejects(db.execute('PutItem', { TableName: 'Base', Item: { ...K('x'), g: { S: 'g' } } }), 'ProvisionedThroughputExceededException', GSI_THROTTLE);
  assert.deepEqual(e.extra.ThrottlingReasons, [{ reason: 'IndexWriteProvisionedThroughputExceeded', resource: `${ARN('Base')}/index/byG` }]);
  assert.equal((await db.execute('GetItem', { TableName: 'Base', Key: K('x') }) as any).Item, undefined);
  await db.execute('PutItem', { TableName: 'Base', Item: K('no-g') }); // not in the index
  await db.execute('UpdateItem', { TableName: 'Base', Key: K('a1'), UpdateExpression: 'SET #o = :v', ExpressionAttributeNames: { '#o': 'other' }, ExpressionAttributeValues: { ':v': { N: '1' } } }); // entry unchanged (KEYS_ONLY)
  const m = db.metrics.table('Base');
  assert.equal(m.series.throttledWrites, 1);
  assert.equal(m.indexes[0]!.name, 'byG');
  assert.equal(m.indexes[0]!.series.writeUnits, 300);
  assert.equal(m.indexes[0]!.series.throttledWrites, 1);
  assert.deepEqual(m.indexes[0]!.provisioned, { read: 1, write: 1 });
  clock.advance(1000);
  await db.execute('PutItem', { TableName: 'Base', Item: { ...K('x'), g: { S: 'g' } } });
});

test('BatchWriteItem and BatchGetItem return throttled requests as unprocessed, and fail only when all are', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Bat', { read: 1, write: 1 });
  await hashTable(db, 'Free');
  await putMany(db, 'Bat', 299);
  const put = (t: string, k: string) => ({ PutRequest: { Item: K(k) } });
  const w = (await db.execute('BatchWriteItem', {
    RequestItems: { Bat: [put('Bat', 'b1'), put('Bat', 'b2'), put('Bat', 'b3')], Free: [put('Free', 'f1')] },
    ReturnConsumedCapacity: 'TOTAL',
  })) as any;
  assert.deepEqual(w.UnprocessedItems, { Bat: [put('Bat', 'b2'), put('Bat', 'b3')] });
  assert.deepEqual(w.ConsumedCapacity, [{ TableName: 'Bat', CapacityUnits: 1 }, { TableName: 'Free', CapacityUnits: 1 }]);
  const all = await rejects(db.execute('BatchWriteItem', { RequestItems: { Bat: [put('Bat', 'b2')] } }), 'ProvisionedThroughputExceededException', TABLE_THROTTLE);
  assert.equal(all.extra.ThrottlingReasons[0].reason, 'TableWriteProvisionedThroughputExceeded');
  clock.advance(2000);
  assert.deepEqual(((await db.execute('BatchWriteItem', { RequestItems: { Bat: [put('Bat', 'b2')] } })) as any).UnprocessedItems, {});
  for (let i = 0; i < 299; i++) await db.execute('GetItem', { TableName: 'Bat', Key: K('b1'), ConsistentRead: true });
  const g = (await db.execute('BatchGetItem', { RequestItems: { Bat: { Keys: [K('b1'), K('b2'), K('k1')], ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' })) as any;
  assert.equal(g.Responses.Bat.length, 1);
  assert.deepEqual(g.UnprocessedKeys, { Bat: { Keys: [K('b2'), K('k1')], ConsistentRead: true } });
  assert.deepEqual(g.ConsumedCapacity, [{ TableName: 'Bat', CapacityUnits: 1 }]);
  await rejects(db.execute('BatchGetItem', { RequestItems: { Bat: { Keys: [K('b2')] } } }), 'ProvisionedThroughputExceededException');
});

test('Query and Scan spend the read bucket; a 1 MB page may run it into debt', async () => {
  const { db, clock } = await openDb();
  await compositeTable(db, 'Qry', { read: 1, write: 1000 });
  for (let i = 0; i < 100; i++) await db.execute('PutItem', { TableName: 'Qry', Item: sized({ pk: { S: 'p' }, sk: { S: `s${String(i).padStart(3, '0')}` } }, 10 * 1024) });
  const q = (await db.execute('Query', { TableName: 'Qry', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' })) as any;
  assert.equal(q.ConsumedCapacity.CapacityUnits, 250, '100 × 10 KB = 1000 KB: 250 units');
  assert.equal(q.Count, 100);
  await db.execute('Scan', { TableName: 'Qry', Limit: 1 }); // 50 units left: admitted, takes 1.5
  await db.execute('Scan', { TableName: 'Qry' }); // takes 125 more: 76.5 in debt
  await rejects(db.execute('Scan', { TableName: 'Qry', Limit: 1 }), 'ProvisionedThroughputExceededException');
  clock.advance(76_000);
  await rejects(db.execute('Scan', { TableName: 'Qry', Limit: 1 }), 'ProvisionedThroughputExceededException');
  clock.advance(1_000);
  await db.execute('Query', { TableName: 'Qry', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, Limit: 1 });
});

test('PAY_PER_REQUEST tables and databases opened with throttling: false never throttle', async () => {
  const { db } = await openDb();
  await hashTable(db, 'Demand');
  for (let i = 0; i < 3000; i++) await db.execute('PutItem', { TableName: 'Demand', Item: K('same') });
  assert.equal(db.metrics.table('Demand').series.writeUnits, 3000);
  const off = await openDb({ throttling: false });
  await hashTable(off.db, 'Prov', { read: 1, write: 1 });
  for (let i = 0; i < 2000; i++) await off.db.execute('PutItem', { TableName: 'Prov', Item: K('same') });
  const m = off.db.metrics.table('Prov');
  assert.equal(m.series.writeUnits, 2000);
  assert.equal(m.available, undefined);
  assert.deepEqual(m.provisioned, { read: 1, write: 1 });
});

test('Raising provisioned throughput raises the rate; accrued burst carries over up to the new cap', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Upg', { read: 1, write: 1 });
  await putMany(db, 'Upg', 300);
  await rejects(db.execute('PutItem', { TableName: 'Upg', Item: K('x') }), 'ProvisionedThroughputExceededException');
  await db.execute('UpdateTable', { TableName: 'Upg', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 100 } });
  clock.advance(1000);
  await putMany(db, 'Upg', 100, (i) => K(`n${i}`));
  await rejects(db.execute('PutItem', { TableName: 'Upg', Item: K('x') }), 'ProvisionedThroughputExceededException');
  const m = db.metrics.table('Upg');
  assert.ok(m.available!.write <= 0);
  await db.execute('UpdateTable', { TableName: 'Upg', BillingMode: 'PAY_PER_REQUEST' });
  await putMany(db, 'Upg', 500, (i) => K(`d${i}`));
});

test('A hot GSI key throttles in the GSI’s partition (IndexWriteKeyRangeThroughputExceeded); hot keys per index', async () => {
  const { db } = await openDb();
  await db.execute('CreateTable', {
    TableName: 'HotGsi',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'status', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 10000 },
    GlobalSecondaryIndexes: [
      { IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 10000 } },
    ],
  });
  // Distinct table keys spread over the table's partitions; one status value is one GSI partition.
  for (let i = 0; i < 1000; i++) await db.execute('PutItem', { TableName: 'HotGsi', Item: { pk: { S: `order${i}` }, status: { S: 'active' } } });
  const e = await rejects(db.execute('PutItem', { TableName: 'HotGsi', Item: { pk: { S: 'one-more' }, status: { S: 'active' } } }), 'ProvisionedThroughputExceededException', GSI_THROTTLE);
  assert.deepEqual(e.extra.ThrottlingReasons, [{ reason: 'IndexWriteKeyRangeThroughputExceeded', resource: `${ARN('HotGsi')}/index/byStatus` }]);
  await db.execute('PutItem', { TableName: 'HotGsi', Item: { pk: { S: 'one-more' }, status: { S: 'closed' } } });
  const hot = db.metrics.hotKeys('HotGsi', { index: 'byStatus' });
  assert.deepEqual(hot.map((h) => [h.key, h.writeUnits, h.throttled]), [[{ status: { S: 'active' } }, 1000, 1], [{ status: { S: 'closed' } }, 1, 0]]);
  assert.equal(db.metrics.hotKeys('HotGsi')[0]!.writeUnits, 1, 'table keys are all distinct');
  const gsiPartitions = db.metrics.partitions('HotGsi', { index: 'byStatus' });
  assert.equal(gsiPartitions.length, 11);
  assert.equal(Math.max(...gsiPartitions.map((p) => p.series.writeUnits)), 1000);
});
