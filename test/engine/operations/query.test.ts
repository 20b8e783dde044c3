import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { memoryDb } from '../helpers';

async function seeded(): Promise<Database> {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'TTT',
    KeySchema: [{ AttributeName: 'p', KeyType: 'HASH' }, { AttributeName: 's', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'p', AttributeType: 'S' }, { AttributeName: 's', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (const p of ['a', 'b', 'a\x00', 'ab']) {
    for (const s of [-10, -1.5, 0, 2, 3.25, 10, 100]) {
      await db.execute('PutItem', { TableName: 'TTT', Item: { p: { S: p }, s: { N: String(s) }, even: { BOOL: s % 2 === 0 } } });
    }
  }
  return db;
}

const q = (db: Database, extra: Record<string, unknown>) =>
  db.execute('Query', { TableName: 'TTT', KeyConditionExpression: 'p = :p', ExpressionAttributeValues: { ':p': { S: 'a' } }, ...extra }) as Promise<any>;
const sks = (r: any) => r.Items.map((i: any) => Number(i.s.N));

test('Query reads one partition in sort-key order, both directions', async () => {
  const db = await seeded();
  assert.deepEqual(sks(await q(db, {})), [-10, -1.5, 0, 2, 3.25, 10, 100]);
  assert.deepEqual(sks(await q(db, { ScanIndexForward: false })), [100, 10, 3.25, 2, 0, -1.5, -10]);
});

test('every sort-key condition selects the right range', async () => {
  const db = await seeded();
  const cases: Array<[string, Record<string, unknown>, number[]]> = [
    ['s = :v', { ':v': { N: '2' } }, [2]],
    ['s < :v', { ':v': { N: '2' } }, [-10, -1.5, 0]],
    ['s <= :v', { ':v': { N: '2' } }, [-10, -1.5, 0, 2]],
    ['s > :v', { ':v': { N: '2' } }, [3.25, 10, 100]],
    ['s >= :v', { ':v': { N: '2' } }, [2, 3.25, 10, 100]],
    ['s BETWEEN :v AND :w', { ':v': { N: '-1.5' }, ':w': { N: '10' } }, [-1.5, 0, 2, 3.25, 10]],
  ];
  for (const [cond, values, expected] of cases) {
    const r = await q(db, { KeyConditionExpression: `p = :p AND ${cond}`, ExpressionAttributeValues: { ':p': { S: 'a' }, ...values } });
    assert.deepEqual(sks(r), expected, cond);
  }
});

test('Limit, LastEvaluatedKey and ExclusiveStartKey page through a partition; filters apply after Limit', async () => {
  const db = await seeded();
  const seen: number[] = [];
  let start: unknown;
  let pages = 0;
  do {
    const r = await q(db, { Limit: 3, ExclusiveStartKey: start });
    seen.push(...sks(r));
    assert.equal(r.ScannedCount, r.Count);
    start = r.LastEvaluatedKey;
    pages++;
  } while (start);
  assert.deepEqual(seen, [-10, -1.5, 0, 2, 3.25, 10, 100]);
  assert.equal(pages, 3);
  const filtered = await q(db, { Limit: 4, FilterExpression: 'even = :t', ExpressionAttributeValues: { ':p': { S: 'a' }, ':t': { BOOL: true } } });
  assert.equal(filtered.ScannedCount, 4);
  assert.deepEqual(sks(filtered), [-10, 0, 2]);
  assert.deepEqual(filtered.LastEvaluatedKey, { p: { S: 'a' }, s: { N: '2' } });
  const count = await q(db, { Select: 'COUNT', FilterExpression: 'even = :t', ExpressionAttributeValues: { ':p': { S: 'a' }, ':t': { BOOL: true } } });
  assert.equal(count.Items, undefined);
  assert.equal(count.Count, 5); // -10, 0, 2, 10, 100
  assert.equal(count.ScannedCount, 7);
});

test('begins_with on a string sort key, and a partition key containing NUL stays separate', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'SSS',
    KeySchema: [{ AttributeName: 'p', KeyType: 'HASH' }, { AttributeName: 's', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'p', AttributeType: 'S' }, { AttributeName: 's', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (const p of ['x', 'x\x00']) for (const s of ['a', 'ab', 'abc', 'b', 'é']) await db.execute('PutItem', { TableName: 'SSS', Item: { p: { S: p }, s: { S: s } } });
  const r = (await db.execute('Query', {
    TableName: 'SSS', KeyConditionExpression: 'p = :p AND begins_with(s, :b)', ExpressionAttributeValues: { ':p': { S: 'x' }, ':b': { S: 'ab' } },
  })) as any;
  assert.deepEqual(r.Items.map((i: any) => i.s.S), ['ab', 'abc']);
  const all = (await db.execute('Query', { TableName: 'SSS', KeyConditionExpression: 'p = :p', ExpressionAttributeValues: { ':p': { S: 'x' } } })) as any;
  assert.deepEqual(all.Items.map((i: any) => i.s.S), ['a', 'ab', 'abc', 'b', 'é']);
});

test('Query consumed capacity sums item sizes before rounding', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'CCC',
    KeySchema: [{ AttributeName: 'p', KeyType: 'HASH' }, { AttributeName: 's', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'p', AttributeType: 'S' }, { AttributeName: 's', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  // 10 items of ~1,000 bytes: 10,000 bytes → 3 units of 4 KB strongly consistent, 1.5 eventually
  for (let i = 0; i < 10; i++) await db.execute('PutItem', { TableName: 'CCC', Item: { p: { S: 'p' }, s: { N: String(i) }, d: { S: 'x'.repeat(990) } } });
  const strong = (await db.execute('Query', { TableName: 'CCC', KeyConditionExpression: 'p = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' })) as any;
  assert.equal(strong.ConsumedCapacity.CapacityUnits, 3);
  const eventual = (await db.execute('Query', { TableName: 'CCC', KeyConditionExpression: 'p = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, ReturnConsumedCapacity: 'TOTAL' })) as any;
  assert.equal(eventual.ConsumedCapacity.CapacityUnits, 1.5);
});
