import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Database } from '../../../src/engine/database';
import { rejects, tempDir } from '../helpers';

async function open(dir = ''): Promise<Database> {
  const db = await Database.open(dir, { inMemory: dir === '' });
  if (db.tables.size === 0) {
    await db.execute('CreateTable', {
      TableName: 'Composite',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    await db.execute('CreateTable', {
      TableName: 'Simple', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
    });
  }
  return db;
}

const K = (pk: string, sk: number) => ({ pk: { S: pk }, sk: { N: String(sk) } });
const put = (item: Record<string, unknown>) => ({ PutRequest: { Item: item } });
const del = (key: Record<string, unknown>) => ({ DeleteRequest: { Key: key } });
const write = (db: Database, RequestItems: unknown, extra: Record<string, unknown> = {}) => db.execute('BatchWriteItem', { RequestItems, ...extra }) as Promise<any>;
const get = (db: Database, RequestItems: unknown, extra: Record<string, unknown> = {}) => db.execute('BatchGetItem', { RequestItems, ...extra }) as Promise<any>;

test('BatchWriteItem puts and deletes across tables; UnprocessedItems is always an empty map', async () => {
  const db = await open();
  const r = await write(db, {
    Composite: [put({ ...K('a', 1), v: { S: 'one' } }), put({ ...K('a', 2), v: { S: 'two' } })],
    Simple: [put({ id: { S: 'x' } })],
  });
  assert.deepEqual(r, { UnprocessedItems: {} });
  const r2 = await write(db, { Composite: [del(K('a', 1)), del(K('zz', 9))], Simple: [put({ id: { S: 'y' }, n: { N: '1' } })] }, { ReturnConsumedCapacity: 'TOTAL' });
  assert.deepEqual(r2.ConsumedCapacity, [{ TableName: 'Composite', CapacityUnits: 2 }, { TableName: 'Simple', CapacityUnits: 1 }]);
  const g = await get(db, { Composite: { Keys: [K('a', 1), K('a', 2)] }, Simple: { Keys: [{ id: { S: 'x' } }, { id: { S: 'y' } }] } });
  assert.deepEqual(g.Responses.Composite, [{ ...K('a', 2), v: { S: 'two' } }]);
  assert.equal(g.Responses.Simple.length, 2);
  assert.deepEqual(g.UnprocessedKeys, {});
});

test('BatchWriteItem capacity: each item rounded up to 1 KB on its own, the larger of old and new', async () => {
  const db = await open();
  const big = 'x'.repeat(1500);
  const r = await write(db, { Composite: [put({ ...K('c', 1), big: { S: big } }), put(K('c', 2))] }, { ReturnConsumedCapacity: 'INDEXES' });
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: 'Composite', CapacityUnits: 3, Table: { CapacityUnits: 3 } }]);
  const over = await write(db, { Composite: [put(K('c', 1))] }, { ReturnConsumedCapacity: 'TOTAL' });
  assert.deepEqual(over.ConsumedCapacity, [{ TableName: 'Composite', CapacityUnits: 2 }]);
});

test('BatchWriteItem validation messages; nothing is written when any request is invalid', async () => {
  const db = await open();
  await rejects(write(db, {}), 'ValidationException', 'The requestItems parameter is required for BatchWriteItem');
  await rejects(db.execute('BatchWriteItem', {}), 'ValidationException', 'The requestItems parameter is required for BatchWriteItem');
  await rejects(write(db, { Composite: [] }), 'ValidationException', 'The batch write request list for a table cannot be null or empty: Composite');
  const many = Array.from({ length: 26 }, (_, i) => put(K('m', i)));
  await rejects(write(db, { Composite: many }), 'ValidationException', 'Too many items requested for the BatchWriteItem call');
  await rejects(write(db, { Composite: many.slice(0, 20), Simple: Array.from({ length: 6 }, (_, i) => put({ id: { S: `s${i}` } })) }), 'ValidationException', 'Too many items requested for the BatchWriteItem call');
  const both = 'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes';
  await rejects(write(db, { Composite: [{}] }), 'ValidationException', both);
  await rejects(write(db, { Composite: [{ ...put(K('q', 1)), ...del(K('q', 1)) }] }), 'ValidationException', both);
  await rejects(write(db, { Composite: [{ PutRequest: {} }] }), 'ValidationException', /Value null at 'requestItems.Composite.member.1.member.putRequest.item' failed to satisfy constraint: Member must not be null/);
  await rejects(write(db, { Composite: [put(K('q', 1)), put(K('q', 1))] }), 'ValidationException', 'Provided list of item keys contains duplicates');
  await rejects(write(db, { Composite: [put(K('q', 1)), del(K('q', 1))] }), 'ValidationException', 'Provided list of item keys contains duplicates');
  const schema = 'The provided key element does not match the schema';
  await rejects(write(db, { Composite: [put({ pk: { S: 'q' } })] }), 'ValidationException', schema);
  await rejects(write(db, { Composite: [put({ pk: { S: 'q' }, sk: { S: '1' } })] }), 'ValidationException', schema);
  await rejects(write(db, { Composite: [del({ pk: { S: 'q' } })] }), 'ValidationException', schema);
  await rejects(
    write(db, { Composite: [put({ pk: { S: '' }, sk: { N: '1' } })] }),
    'ValidationException',
    'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
  );
  await rejects(write(db, { Composite: [put({ ...K('q', 1), big: { S: 'x'.repeat(410000) } })] }), 'ValidationException', 'Item size has exceeded the maximum allowed size');
  await rejects(write(db, { Composite: [put({ ...K('q', 1), e: { SS: [] } })] }), 'ValidationException', 'One or more parameter values were invalid: An string set  may not be empty');
  await rejects(write(db, { Composite: [put(K('q', 1))], Nope: [put({ id: { S: 'q' } })] }), 'ResourceNotFoundException', 'Requested resource not found');
  await rejects(write(db, { ab: [put(K('q', 1))] }), 'ValidationException', /at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint/);
  const g = await get(db, { Composite: { Keys: [K('q', 1)] } });
  assert.deepEqual(g.Responses.Composite, []);
});

test('BatchWriteItem is durable: every write is in the log', async () => {
  const dir = tempDir('dw-batch-');
  try {
    let db = await open(dir);
    await write(db, { Composite: Array.from({ length: 25 }, (_, i) => put({ ...K('d', i), n: { N: String(i) } })) });
    await write(db, { Composite: [del(K('d', 0))] });
    await db.close();
    db = await open(dir);
    const r = (await db.execute('Query', { TableName: 'Composite', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'd' } }, Select: 'COUNT' })) as any;
    assert.equal(r.Count, 24);
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('BatchGetItem: per-table projection, AttributesToGet and consistency; missing keys are simply absent', async () => {
  const db = await open();
  await write(db, { Composite: [put({ ...K('g', 1), a: { S: 'A' }, b: { N: '2' } }), put({ ...K('g', 2), a: { S: 'B' } })], Simple: [put({ id: { S: 'i' }, c: { BOOL: true } })] });
  const r = await get(
    db,
    {
      Composite: { Keys: [K('g', 1), K('g', 2), K('g', 3)], ProjectionExpression: '#a, sk', ExpressionAttributeNames: { '#a': 'a' }, ConsistentRead: true },
      Simple: { Keys: [{ id: { S: 'i' } }], ProjectionExpression: 'c, zz' },
    },
    { ReturnConsumedCapacity: 'TOTAL' },
  );
  assert.deepEqual(r.Responses.Composite, [{ a: { S: 'A' }, sk: { N: '1' } }, { a: { S: 'B' }, sk: { N: '2' } }]);
  assert.deepEqual(r.Responses.Simple, [{ c: { BOOL: true } }]);
  // The missing key is charged like a GetItem of a missing item (one unit, strongly consistent).
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: 'Composite', CapacityUnits: 3 }, { TableName: 'Simple', CapacityUnits: 0.5 }]);
  const idx = await get(db, { Simple: { Keys: [{ id: { S: 'i' } }], AttributesToGet: ['c', 'zz'] } }, { ReturnConsumedCapacity: 'INDEXES' });
  assert.deepEqual(idx.Responses.Simple, [{ c: { BOOL: true } }]);
  assert.deepEqual(idx.ConsumedCapacity, [{ TableName: 'Simple', CapacityUnits: 0.5, Table: { CapacityUnits: 0.5 } }]);
});

test('BatchGetItem returns at most 16 MB; the rest comes back in UnprocessedKeys with the table parameters', async () => {
  const db = await open();
  const pad = 'p'.repeat(300 * 1024 - 20);
  for (let start = 0; start < 100; start += 25) {
    await write(db, { Composite: Array.from({ length: 25 }, (_, i) => put({ ...K('big', start + i), pad: { S: pad } })) });
  }
  const keys = Array.from({ length: 100 }, (_, i) => K('big', i));
  const r = await get(db, { Composite: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'sk' } });
  // DynamoDB's own example: 100 items of 300 KB → 52 returned.
  assert.equal(r.Responses.Composite.length, 52);
  assert.deepEqual(r.UnprocessedKeys.Composite, { Keys: keys.slice(52), ConsistentRead: true, ProjectionExpression: 'sk' });
  const rest = await get(db, r.UnprocessedKeys);
  assert.equal(rest.Responses.Composite.length, 48);
  assert.deepEqual(rest.UnprocessedKeys, {});
});

test('BatchGetItem validation messages', async () => {
  const db = await open();
  await rejects(get(db, {}), 'ValidationException', 'The requestItems parameter is required for BatchGetItem');
  await rejects(get(db, { Composite: { Keys: [] } }), 'ValidationException', /Value '\[\]' at 'requestItems.Composite.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1/);
  await rejects(get(db, { Composite: {} }), 'ValidationException', /Value null at 'requestItems.Composite.member.keys' failed to satisfy constraint: Member must not be null/);
  await rejects(get(db, { Composite: { Keys: Array.from({ length: 101 }, (_, i) => K('a', i)) } }), 'ValidationException', 'Too many items requested for the BatchGetItem call');
  await rejects(
    get(db, { Composite: { Keys: Array.from({ length: 60 }, (_, i) => K('a', i)) }, Simple: { Keys: Array.from({ length: 41 }, (_, i) => ({ id: { S: `${i}` } })) } }),
    'ValidationException',
    'Too many items requested for the BatchGetItem call',
  );
  await rejects(get(db, { Composite: { Keys: [K('a', 1), K('a', 1)] } }), 'ValidationException', 'Provided list of item keys contains duplicates');
  await rejects(get(db, { Composite: { Keys: [{ pk: { S: 'a' } }] } }), 'ValidationException', 'The provided key element does not match the schema');
  await rejects(get(db, { Nope: { Keys: [K('a', 1)] } }), 'ResourceNotFoundException', 'Requested resource not found');
  const mixed = 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}';
  await rejects(get(db, { Composite: { Keys: [K('a', 1)], ProjectionExpression: 'a', AttributesToGet: ['a'] } }), 'ValidationException', mixed);
  await rejects(get(db, { Composite: { Keys: [K('a', 1)], ProjectionExpression: 'a' }, Simple: { Keys: [{ id: { S: 'a' } }], AttributesToGet: ['a'] } }), 'ValidationException', mixed);
  await rejects(get(db, { Composite: { Keys: [K('a', 1)], ExpressionAttributeNames: { '#a': 'a' } } }), 'ValidationException', 'ExpressionAttributeNames can only be specified when using expressions');
  await rejects(
    get(db, { Composite: { Keys: [K('a', 1)], ProjectionExpression: '#y', ExpressionAttributeNames: { '#x': 'x', '#y': 'y' } } }),
    'ValidationException',
    'Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}',
  );
  await rejects(get(db, { Composite: { Keys: [K('a', 1)], AttributesToGet: ['x', 'x'] } }), 'ValidationException', 'One or more parameter values were invalid: Duplicate value in attribute name: x');
  await rejects(get(db, { Composite: { Keys: [K('a', 1)], ProjectionExpression: 'a, a' } }), 'ValidationException', 'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]');
  await rejects(
    get(db, { Composite: { Keys: [{ pk: { S: '' }, sk: { N: '1' } }] } }),
    'ValidationException',
    'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
  );
});
