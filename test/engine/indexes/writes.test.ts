import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../src/engine/database';
import { AD, KS, N, S, gsi, indexedTable, memoryDb, rejects } from './helpers';

const entries = async (db: Database, index: string) =>
  ((await db.execute('Scan', { TableName: 'TTT', IndexName: index })) as any).Items.map((i: any) => i.sk.S).sort();

test('every write keeps every index in step: entering, moving, leaving, deleting', async () => {
  const db = await memoryDb();
  await indexedTable(db);
  const key = { pk: S('p'), sk: S('s') };
  await db.execute('PutItem', { TableName: 'TTT', Item: { ...key, a: S('x') } });
  assert.deepEqual(await entries(db, 'byG'), []);
  await db.execute('UpdateItem', { TableName: 'TTT', Key: key, UpdateExpression: 'SET g = :g, n = :n, l = :l', ExpressionAttributeValues: { ':g': S('one'), ':n': N(1), ':l': N(5) } });
  assert.deepEqual(await entries(db, 'byG'), ['s']);
  assert.deepEqual(await entries(db, 'byGN'), ['s']);
  assert.deepEqual(await entries(db, 'byL'), ['s']);
  // The index key moves: the entry moves with it.
  await db.execute('UpdateItem', { TableName: 'TTT', Key: key, UpdateExpression: 'SET g = :g', ExpressionAttributeValues: { ':g': S('two') } });
  const one = (await db.execute('Query', { TableName: 'TTT', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('one') } })) as any;
  const two = (await db.execute('Query', { TableName: 'TTT', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('two') } })) as any;
  assert.equal(one.Count, 0);
  assert.equal(two.Count, 1);
  // A projected attribute changes in place.
  await db.execute('UpdateItem', { TableName: 'TTT', Key: key, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': S('changed') } });
  const inc = (await db.execute('Scan', { TableName: 'TTT', IndexName: 'byGN' })) as any;
  assert.equal(inc.Items[0].a.S, 'changed');
  // Losing the sort key attribute leaves byGN only.
  await db.execute('UpdateItem', { TableName: 'TTT', Key: key, UpdateExpression: 'REMOVE n' });
  assert.deepEqual(await entries(db, 'byGN'), []);
  assert.deepEqual(await entries(db, 'byG'), ['s']);
  // A put replacing the item without index keys empties every index.
  await db.execute('PutItem', { TableName: 'TTT', Item: { ...key } });
  for (const idx of ['byG', 'byGN', 'byL', 'byLK']) assert.deepEqual(await entries(db, idx), [], idx);
  await db.execute('PutItem', { TableName: 'TTT', Item: { ...key, g: S('g'), l: N(1) } });
  await db.execute('DeleteItem', { TableName: 'TTT', Key: key });
  for (const idx of ['byG', 'byL']) assert.deepEqual(await entries(db, idx), [], idx);
  const t = ((await db.execute('DescribeTable', { TableName: 'TTT' })) as any).Table;
  for (const i of [...t.GlobalSecondaryIndexes, ...t.LocalSecondaryIndexes]) {
    assert.equal(i.ItemCount, 0, i.IndexName);
    assert.equal(i.IndexSizeBytes, 0, i.IndexName);
  }
  // BatchWriteItem too.
  await db.execute('BatchWriteItem', { RequestItems: { TTT: [{ PutRequest: { Item: { pk: S('b'), sk: S('1'), g: S('x') } } }, { PutRequest: { Item: { pk: S('b'), sk: S('2'), g: S('x') } } }] } });
  assert.deepEqual(await entries(db, 'byG'), ['1', '2']);
  await db.execute('BatchWriteItem', { RequestItems: { TTT: [{ DeleteRequest: { Key: { pk: S('b'), sk: S('1') } } }] } });
  assert.deepEqual(await entries(db, 'byG'), ['2']);
});

test('index key attributes must have the declared type and may not be empty', async () => {
  const db = await memoryDb();
  await indexedTable(db);
  const P = 'One or more parameter values were invalid: ';
  const put = (item: Record<string, unknown>) => ({ TableName: 'TTT', Item: { pk: S('p'), sk: S('s'), ...item } });
  await rejects(db, 'PutItem', put({ g: N(1) }), 'ValidationException', `${P}Type mismatch for Index Key g Expected: S Actual: N IndexName: byG`);
  await rejects(db, 'PutItem', put({ n: S('1') }), 'ValidationException', `${P}Type mismatch for Index Key n Expected: N Actual: S IndexName: byGN`);
  await rejects(db, 'PutItem', put({ l: { NULL: true } }), 'ValidationException', `${P}Type mismatch for Index Key l Expected: N Actual: NULL IndexName: byL`);
  await rejects(db, 'PutItem', put({ l2: { L: [S('x')] } }), 'ValidationException', `${P}Type mismatch for Index Key l2 Expected: S Actual: L IndexName: byLK`);
  await rejects(db, 'PutItem', put({ g: S('') }), 'ValidationException',
    'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: byG, IndexKey: g');
  await rejects(db, 'BatchWriteItem', { RequestItems: { TTT: [{ PutRequest: put({ g: N(1) }) }] } }, 'ValidationException', `${P}Type mismatch for Index Key g Expected: S Actual: N IndexName: byG`);
  await db.execute('PutItem', put({ a: S('ok') }));
  const key = { pk: S('p'), sk: S('s') };
  await rejects(db, 'UpdateItem', { TableName: 'TTT', Key: key, UpdateExpression: 'SET l = :v', ExpressionAttributeValues: { ':v': S('z') } }, 'ValidationException', `${P}Type mismatch for Index Key l Expected: N Actual: S IndexName: byL`);
  await rejects(db, 'UpdateItem', { TableName: 'TTT', Key: key, UpdateExpression: 'SET g = :v', ExpressionAttributeValues: { ':v': S('') } }, 'ValidationException',
    'One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value.');
  await rejects(db, 'UpdateItem', { TableName: 'TTT', Key: key, AttributeUpdates: { g: { Action: 'PUT', Value: N(5) } } }, 'ValidationException', `${P}Type mismatch for Index Key g Expected: S Actual: N IndexName: byG`);
  // A failed condition wins over the index check of an update.
  await rejects(db, 'UpdateItem', { TableName: 'TTT', Key: { pk: S('q'), sk: S('s') }, UpdateExpression: 'SET g = :v', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':v': N(5) } },
    'ConditionalCheckFailedException', 'The conditional request failed');
  // Binary index keys: the empty binary message.
  await db.execute('CreateTable', {
    TableName: 'BIN', BillingMode: 'PAY_PER_REQUEST', KeySchema: KS('pk'), AttributeDefinitions: AD(['pk', 'S'], ['b', 'B']), GlobalSecondaryIndexes: [gsi('byB', 'b')],
  });
  await rejects(db, 'PutItem', { TableName: 'BIN', Item: { pk: S('x'), b: { B: '' } } }, 'ValidationException',
    'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty binary value. IndexName: byB, IndexKey: b');
  // An attribute keying several indexes: the first index by name is named.
  await db.execute('CreateTable', {
    TableName: 'TWO', BillingMode: 'PAY_PER_REQUEST', KeySchema: KS('pk'), AttributeDefinitions: AD(['pk', 'S'], ['g', 'S']),
    GlobalSecondaryIndexes: [gsi('zeta', 'g'), gsi('alpha', 'g')],
  });
  await rejects(db, 'PutItem', { TableName: 'TWO', Item: { pk: S('x'), g: N(1) } }, 'ValidationException', `${P}Type mismatch for Index Key g Expected: S Actual: N IndexName: alpha`);
});

test('ItemCollectionMetrics on tables with LSIs; none on tables without', async () => {
  const db = await memoryDb();
  await indexedTable(db);
  const m = { ItemCollectionKey: { pk: S('p') }, SizeEstimateRangeGB: [0, 1] };
  const put = (await db.execute('PutItem', { TableName: 'TTT', Item: { pk: S('p'), sk: S('s'), l: N(1) }, ReturnItemCollectionMetrics: 'SIZE' })) as any;
  assert.deepEqual(put.ItemCollectionMetrics, m);
  const upd = (await db.execute('UpdateItem', { TableName: 'TTT', Key: { pk: S('p'), sk: S('s') }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': S('x') }, ReturnItemCollectionMetrics: 'SIZE' })) as any;
  assert.deepEqual(upd.ItemCollectionMetrics, m);
  const del = (await db.execute('DeleteItem', { TableName: 'TTT', Key: { pk: S('p'), sk: S('s') }, ReturnItemCollectionMetrics: 'SIZE' })) as any;
  assert.deepEqual(del.ItemCollectionMetrics, m);
  const none = (await db.execute('PutItem', { TableName: 'TTT', Item: { pk: S('p'), sk: S('s') }, ReturnItemCollectionMetrics: 'NONE' })) as any;
  assert.equal(none.ItemCollectionMetrics, undefined);
  const batch = (await db.execute('BatchWriteItem', {
    RequestItems: { TTT: [{ PutRequest: { Item: { pk: S('a'), sk: S('1') } } }, { DeleteRequest: { Key: { pk: S('b'), sk: S('1') } } }] },
    ReturnItemCollectionMetrics: 'SIZE',
  })) as any;
  assert.deepEqual(batch.ItemCollectionMetrics, {
    TTT: [{ ItemCollectionKey: { pk: S('a') }, SizeEstimateRangeGB: [0, 1] }, { ItemCollectionKey: { pk: S('b') }, SizeEstimateRangeGB: [0, 1] }],
  });
  // Numbers and binaries come back as the key value they were written with.
  await db.execute('CreateTable', {
    TableName: 'NUM', BillingMode: 'PAY_PER_REQUEST', KeySchema: KS('pk', 'sk'), AttributeDefinitions: AD(['pk', 'N'], ['sk', 'S'], ['l', 'B']),
    LocalSecondaryIndexes: [gsi('byL', 'pk', 'l')],
  });
  const num = (await db.execute('PutItem', { TableName: 'NUM', Item: { pk: N('-12.5'), sk: S('s') }, ReturnItemCollectionMetrics: 'SIZE' })) as any;
  assert.deepEqual(num.ItemCollectionMetrics.ItemCollectionKey, { pk: N('-12.5') });
  await db.execute('CreateTable', { TableName: 'PLAIN', BillingMode: 'PAY_PER_REQUEST', KeySchema: KS('pk'), AttributeDefinitions: AD(['pk', 'S']) });
  const plain = (await db.execute('PutItem', { TableName: 'PLAIN', Item: { pk: S('p') }, ReturnItemCollectionMetrics: 'SIZE' })) as any;
  assert.equal(plain.ItemCollectionMetrics, undefined);
});

test('the item collection limit: growing writes refused, shrinking writes allowed', async () => {
  const db = await memoryDb({ itemCollectionLimitBytes: 1000 });
  await indexedTable(db);
  const big = 'x'.repeat(300);
  const item = (sk: string, extra: Record<string, unknown> = {}) => ({ pk: S('p'), sk: S(sk), a: S(big), l: N(1), ...extra });
  // Each item: ~313 bytes, plus its byL entry (ALL: the same again) = ~626 per item.
  await db.execute('PutItem', { TableName: 'TTT', Item: item('1') });
  await rejects(db, 'PutItem', { TableName: 'TTT', Item: item('2') }, 'ItemCollectionSizeLimitExceededException', 'Collection size exceeded');
  await rejects(db, 'BatchWriteItem', { RequestItems: { TTT: [{ PutRequest: { Item: item('2') } }] } }, 'ItemCollectionSizeLimitExceededException', 'Collection size exceeded');
  await rejects(db, 'UpdateItem', { TableName: 'TTT', Key: { pk: S('p'), sk: S('3') }, UpdateExpression: 'SET a = :a, l = :l', ExpressionAttributeValues: { ':a': S(big), ':l': N(2) } },
    'ItemCollectionSizeLimitExceededException', 'Collection size exceeded');
  // Another partition key is another collection.
  await db.execute('PutItem', { TableName: 'TTT', Item: { ...item('1'), pk: S('q') } });
  // Shrinking (or not growing) the collection is allowed even past the limit.
  await db.execute('UpdateItem', { TableName: 'TTT', Key: { pk: S('p'), sk: S('1') }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': S('small') } });
  await db.execute('PutItem', { TableName: 'TTT', Item: { pk: S('p'), sk: S('2'), a: S('y'.repeat(200)) } });
  await db.execute('DeleteItem', { TableName: 'TTT', Key: { pk: S('p'), sk: S('2') } });
  assert.equal(db.tables.get('TTT')!.secondary.collectionSize(db.tables.get('TTT')!.keyOf({ pk: S('p'), sk: S('1') })) > 0, true);
});
