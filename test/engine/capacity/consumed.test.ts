// ConsumedCapacity of every operation on items of chosen sizes: 4 KB read units (halved when
// eventually consistent), 1 KB write units of the larger of the old and new item, Query and Scan
// summing before rounding, batches rounding per item and listing per table, secondary indexes
// charged by how their entries change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addIndexes, compositeTable, hashTable, openDb, rejects, sized } from './helpers';

const K = (pk: string) => ({ pk: { S: pk } });
const CK = (pk: string, sk: string) => ({ pk: { S: pk }, sk: { S: sk } });

test('GetItem: 4 KB units, eventually consistent halves, a missing item costs one unit; projection changes nothing', async () => {
  const { db } = await openDb();
  await hashTable(db, 'Tab');
  await db.execute('PutItem', { TableName: 'Tab', Item: sized(K('a'), 4096) });
  await db.execute('PutItem', { TableName: 'Tab', Item: sized(K('b'), 4097) });
  const get = async (key: any, extra: Record<string, unknown> = {}) => ((await db.execute('GetItem', { TableName: 'Tab', Key: key, ReturnConsumedCapacity: 'TOTAL', ...extra })) as any).ConsumedCapacity;
  assert.deepEqual(await get(K('a'), { ConsistentRead: true }), { TableName: 'Tab', CapacityUnits: 1 });
  assert.deepEqual(await get(K('a')), { TableName: 'Tab', CapacityUnits: 0.5 });
  assert.deepEqual(await get(K('b'), { ConsistentRead: true }), { TableName: 'Tab', CapacityUnits: 2 });
  assert.deepEqual(await get(K('b')), { TableName: 'Tab', CapacityUnits: 1 });
  assert.deepEqual(await get(K('b'), { ConsistentRead: true, ProjectionExpression: 'pk' }), { TableName: 'Tab', CapacityUnits: 2 });
  assert.deepEqual(await get(K('zz'), { ConsistentRead: true }), { TableName: 'Tab', CapacityUnits: 1 });
  assert.deepEqual(await get(K('zz')), { TableName: 'Tab', CapacityUnits: 0.5 });
  assert.deepEqual(await get(K('b'), { ReturnConsumedCapacity: 'INDEXES' }), { TableName: 'Tab', CapacityUnits: 1, Table: { CapacityUnits: 1 } });
  assert.equal(await get(K('b'), { ReturnConsumedCapacity: 'NONE' }), undefined);
  const plain = (await db.execute('GetItem', { TableName: 'Tab', Key: K('a') })) as any;
  assert.equal('ConsumedCapacity' in plain, false);
});

test('PutItem, UpdateItem, DeleteItem: 1 KB units of the larger of the old and the new item', async () => {
  const { db } = await openDb();
  await hashTable(db, 'Tab');
  const put = async (item: any, extra: Record<string, unknown> = {}) => ((await db.execute('PutItem', { TableName: 'Tab', Item: item, ReturnConsumedCapacity: 'TOTAL', ...extra })) as any).ConsumedCapacity.CapacityUnits;
  assert.equal(await put(sized(K('a'), 1024)), 1);
  assert.equal(await put(sized(K('b'), 1025)), 2);
  assert.equal(await put(sized(K('c'), 2049)), 3);
  assert.equal(await put(K('c')), 3, 'a small item over a 2049-byte one costs what the old one does');
  assert.equal(await put(K('c')), 1);
  assert.equal(await put(sized(K('d'), 400 * 1024)), 400);
  const update = async (key: any, expr: string, values?: any) =>
    ((await db.execute('UpdateItem', { TableName: 'Tab', Key: key, UpdateExpression: expr, ExpressionAttributeValues: values, ReturnConsumedCapacity: 'INDEXES' })) as any).ConsumedCapacity;
  assert.deepEqual(await update(K('c'), 'SET v = :v', { ':v': { S: 'x'.repeat(2100) } }), { TableName: 'Tab', CapacityUnits: 3, Table: { CapacityUnits: 3 } });
  assert.deepEqual(await update(K('c'), 'REMOVE v'), { TableName: 'Tab', CapacityUnits: 3, Table: { CapacityUnits: 3 } });
  assert.deepEqual(await update(K('new'), 'SET v = :v', { ':v': { N: '1' } }), { TableName: 'Tab', CapacityUnits: 1, Table: { CapacityUnits: 1 } });
  const del = async (key: any) => ((await db.execute('DeleteItem', { TableName: 'Tab', Key: key, ReturnConsumedCapacity: 'TOTAL' })) as any).ConsumedCapacity.CapacityUnits;
  assert.equal(await del(K('b')), 2);
  assert.equal(await del(K('b')), 1, 'deleting a missing item costs one unit');
  assert.equal(await del(K('d')), 400);
});

test('A failed condition is charged for the stored item (at least one unit), nothing for the new one', async () => {
  const { db } = await openDb();
  await hashTable(db, 'Tab');
  await db.execute('PutItem', { TableName: 'Tab', Item: sized(K('a'), 3000) });
  const written = () => db.metrics.table('Tab').series.writeUnits;
  const before = written();
  await rejects(db.execute('PutItem', { TableName: 'Tab', Item: sized(K('a'), 5000), ConditionExpression: 'attribute_not_exists(pk)' }), 'ConditionalCheckFailedException');
  assert.equal(written() - before, 3);
  await rejects(db.execute('UpdateItem', { TableName: 'Tab', Key: K('a'), UpdateExpression: 'SET v = :v', ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': { N: '1' } } }), 'ConditionalCheckFailedException');
  assert.equal(written() - before, 6);
  await rejects(db.execute('DeleteItem', { TableName: 'Tab', Key: K('zz'), ConditionExpression: 'attribute_exists(pk)' }), 'ConditionalCheckFailedException');
  assert.equal(written() - before, 7);
  const ops = db.metrics.operations('Tab');
  assert.equal(ops.find((o) => o.operation === 'UpdateItem')?.writeUnits, 3);
});

test('Query and Scan sum the sizes of every item read, filtered out or not, then round once', async () => {
  const { db } = await openDb();
  await compositeTable(db, 'Com');
  for (let i = 0; i < 3; i++) await db.execute('PutItem', { TableName: 'Com', Item: sized(CK('p', `s${i}`), 1500) });
  await db.execute('PutItem', { TableName: 'Com', Item: sized(CK('q', 's0'), 1000) });
  const query = async (extra: Record<string, unknown>) =>
    ((await db.execute('Query', { TableName: 'Com', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' }, ...(extra.values as object) }, ReturnConsumedCapacity: 'TOTAL', ...extra, values: undefined })) as any).ConsumedCapacity.CapacityUnits;
  assert.equal(await query({ ConsistentRead: true }), 2, '4500 bytes: two 4 KB units');
  assert.equal(await query({}), 1);
  assert.equal(await query({ ConsistentRead: true, FilterExpression: 'attribute_exists(nothing)' }), 2, 'filtered-out items still count');
  assert.equal(await query({ ConsistentRead: true, Select: 'COUNT' }), 2);
  assert.equal(await query({ ConsistentRead: true, Limit: 2 }), 1, 'two items read: 3000 bytes');
  const empty = (await db.execute('Query', { TableName: 'Com', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'none' } }, ReturnConsumedCapacity: 'INDEXES', ConsistentRead: true })) as any;
  assert.deepEqual(empty.ConsumedCapacity, { TableName: 'Com', CapacityUnits: 1, Table: { CapacityUnits: 1 } });
  const scan = async (extra: Record<string, unknown>) => ((await db.execute('Scan', { TableName: 'Com', ReturnConsumedCapacity: 'TOTAL', ...extra })) as any).ConsumedCapacity.CapacityUnits;
  assert.equal(await scan({ ConsistentRead: true }), 2, '5500 bytes: two units');
  assert.equal(await scan({ ConsistentRead: true, FilterExpression: 'attribute_exists(nothing)' }), 2);
  assert.equal(await scan({}), 1);
  let total = 0;
  for (let s = 0; s < 4; s++) total += await scan({ ConsistentRead: true, Segment: s, TotalSegments: 4 });
  assert.ok(total >= 4 && total <= 6, `each parallel segment rounds its own page, empty ones too (${total})`);
});

test('BatchGetItem rounds each item, charges missing keys, and reports one entry per table', async () => {
  const { db } = await openDb();
  await compositeTable(db, 'Com');
  await hashTable(db, 'Has');
  await db.execute('PutItem', { TableName: 'Com', Item: sized(CK('e', '1'), 1536) });
  await db.execute('PutItem', { TableName: 'Com', Item: sized(CK('e', '2'), 6656) });
  await db.execute('PutItem', { TableName: 'Has', Item: K('h') });
  const r = (await db.execute('BatchGetItem', {
    RequestItems: { Com: { Keys: [CK('e', '1'), CK('e', '2'), CK('e', '3')], ConsistentRead: true }, Has: { Keys: [K('h'), K('nope')] } },
    ReturnConsumedCapacity: 'INDEXES',
  })) as any;
  assert.deepEqual(r.ConsumedCapacity, [
    { TableName: 'Com', CapacityUnits: 4, Table: { CapacityUnits: 4 } }, // 1 + 2 (not ceil(8 KB / 4 KB) = 2) + 1 missing
    { TableName: 'Has', CapacityUnits: 1, Table: { CapacityUnits: 1 } }, // 0.5 + 0.5 missing
  ]);
});

test('BatchWriteItem rounds each item to 1 KB, the larger of old and new; a missing delete costs one unit', async () => {
  const { db } = await openDb();
  await hashTable(db, 'Has');
  await db.execute('PutItem', { TableName: 'Has', Item: sized(K('big'), 2500) });
  const r = (await db.execute('BatchWriteItem', {
    RequestItems: { Has: [{ PutRequest: { Item: sized(K('a'), 1100) } }, { PutRequest: { Item: K('big') } }, { DeleteRequest: { Key: K('none') } }] },
    ReturnConsumedCapacity: 'TOTAL',
  })) as any;
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: 'Has', CapacityUnits: 2 + 3 + 1 }]);
  assert.deepEqual(r.UnprocessedItems, {});
});

test('Writes charge each secondary index whose entry changes: put, in-place update, key move, removal', async () => {
  const { db } = await openDb();
  await compositeTable(db, 'Idx');
  addIndexes(
    db,
    'Idx',
    [
      { name: 'lsi', kind: 'LSI', keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }], projection: { type: 'KEYS_ONLY' }, status: 'ACTIVE' },
      { name: 'gsi', kind: 'GSI', keySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], projection: { type: 'INCLUDE', nonKeyAttributes: ['p'] }, status: 'ACTIVE' },
      { name: 'all', kind: 'GSI', keySchema: [{ AttributeName: 'a', KeyType: 'HASH' }], projection: { type: 'ALL' }, status: 'ACTIVE' },
    ],
    [
      { AttributeName: 'l', AttributeType: 'S' },
      { AttributeName: 'g', AttributeType: 'S' },
      { AttributeName: 'a', AttributeType: 'S' },
    ],
  );
  const cc = async (op: string, body: Record<string, unknown>) => ((await db.execute(op, { TableName: 'Idx', ReturnConsumedCapacity: 'INDEXES', ...body })) as any).ConsumedCapacity;
  // Not in any index: the table alone.
  assert.deepEqual(await cc('PutItem', { Item: sized(CK('a', '1'), 3000) }), { TableName: 'Idx', CapacityUnits: 3, Table: { CapacityUnits: 3 } });
  // Into the LSI and the INCLUDE GSI (small entries: the big attribute is not projected).
  assert.deepEqual(await cc('PutItem', { Item: sized({ ...CK('a', '2'), g: { S: 'G1' }, l: { S: 'L1' }, p: { S: 'pp' } }, 3000) }), {
    TableName: 'Idx', CapacityUnits: 5, Table: { CapacityUnits: 3 }, LocalSecondaryIndexes: { lsi: { CapacityUnits: 1 } }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 1 } },
  });
  // TOTAL includes the index units.
  assert.deepEqual(await cc('PutItem', { Item: { ...CK('a', '3'), g: { S: 'G1' }, l: { S: 'L1' }, p: { S: 'pp' } }, ReturnConsumedCapacity: 'TOTAL' }), { TableName: 'Idx', CapacityUnits: 3 });
  // An identical overwrite changes no entry.
  assert.deepEqual(await cc('PutItem', { Item: { ...CK('a', '3'), g: { S: 'G1' }, l: { S: 'L1' }, p: { S: 'pp' } } }), { TableName: 'Idx', CapacityUnits: 1, Table: { CapacityUnits: 1 } });
  // An attribute no index projects.
  assert.deepEqual(await cc('UpdateItem', { Key: CK('a', '3'), UpdateExpression: 'SET q = :v', ExpressionAttributeValues: { ':v': { S: 'v' } } }), { TableName: 'Idx', CapacityUnits: 1, Table: { CapacityUnits: 1 } });
  // A projected attribute: one write to the GSI.
  assert.deepEqual(await cc('UpdateItem', { Key: CK('a', '3'), UpdateExpression: 'SET p = :v', ExpressionAttributeValues: { ':v': { S: 'v2' } } }), {
    TableName: 'Idx', CapacityUnits: 2, Table: { CapacityUnits: 1 }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 1 } },
  });
  // The GSI key moves: a delete and a put there.
  assert.deepEqual(await cc('UpdateItem', { Key: CK('a', '3'), UpdateExpression: 'SET g = :v', ExpressionAttributeValues: { ':v': { S: 'G2' } } }), {
    TableName: 'Idx', CapacityUnits: 3, Table: { CapacityUnits: 1 }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 2 } },
  });
  // The GSI key removed: one delete.
  assert.deepEqual(await cc('UpdateItem', { Key: CK('a', '3'), UpdateExpression: 'REMOVE g' }), {
    TableName: 'Idx', CapacityUnits: 2, Table: { CapacityUnits: 1 }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 1 } },
  });
  // Deleting the item removes its LSI entry.
  assert.deepEqual(await cc('DeleteItem', { Key: CK('a', '3') }), {
    TableName: 'Idx', CapacityUnits: 2, Table: { CapacityUnits: 1 }, LocalSecondaryIndexes: { lsi: { CapacityUnits: 1 } },
  });
  // An ALL index entry is the whole item: sized like the table's write, larger of old and new...
  assert.deepEqual(await cc('PutItem', { Item: sized({ ...CK('d', '1'), a: { S: 'A' } }, 2500) }), {
    TableName: 'Idx', CapacityUnits: 6, Table: { CapacityUnits: 3 }, GlobalSecondaryIndexes: { all: { CapacityUnits: 3 } },
  });
  assert.deepEqual(await cc('PutItem', { Item: { ...CK('d', '1'), a: { S: 'A' } } }), {
    TableName: 'Idx', CapacityUnits: 6, Table: { CapacityUnits: 3 }, GlobalSecondaryIndexes: { all: { CapacityUnits: 3 } },
  });
  // ...and a moved key costs the old entry's delete plus the new entry's put.
  assert.deepEqual(await cc('PutItem', { Item: sized({ ...CK('d', '1'), a: { S: 'B' } }, 2500) }), {
    TableName: 'Idx', CapacityUnits: 7, Table: { CapacityUnits: 3 }, GlobalSecondaryIndexes: { all: { CapacityUnits: 4 } },
  });
  // Batch writes charge indexes per request too.
  const b = (await db.execute('BatchWriteItem', {
    RequestItems: { Idx: [{ PutRequest: { Item: { ...CK('b', '1'), g: { S: 'G' }, l: { S: 'L' } } } }, { DeleteRequest: { Key: CK('zz', '1') } }] },
    ReturnConsumedCapacity: 'INDEXES',
  })) as any;
  assert.deepEqual(b.ConsumedCapacity, [
    { TableName: 'Idx', CapacityUnits: 4, Table: { CapacityUnits: 2 }, LocalSecondaryIndexes: { lsi: { CapacityUnits: 1 } }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 1 } } },
  ]);
});
