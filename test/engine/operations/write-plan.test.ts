// The one write path (src/engine/operations/write-plan.ts): plans read and check, change nothing,
// and build the mutation only when asked; the single-item operations keep their answers on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { compileExpressions } from '../../../src/engine/expressions';
import { mutationOf, planDelete, planPut, planUpdate } from '../../../src/engine/operations/write-plan';
import { memoryDb } from '../helpers';

const S = (s: string) => ({ S: s });

async function open(): Promise<Database> {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'plans', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  });
  await db.execute('PutItem', { TableName: 'plans', Item: { pk: S('a'), v: S('old') } });
  return db;
}

test('a plan whose condition fails is marked failed, keeps the stored item, and builds no mutation', async () => {
  const db = await open();
  const table = db.table('plans');
  const condition = compileExpressions({ ConditionExpression: 'attribute_not_exists(pk)' }).condition;
  const plan = planPut(db, 'PutItem', table, { pk: S('a'), v: S('new') }, condition);
  assert.equal(plan.failed, true);
  assert.deepEqual(plan.old, { pk: S('a'), v: S('old') });
  assert.equal(mutationOf(plan), undefined);
  assert.deepEqual(table.codec.decode(table.get(plan.key)!), { pk: S('a'), v: S('old') });
  await db.close();
});

test('planning changes nothing until the mutation is committed', async () => {
  const db = await open();
  const table = db.table('plans');
  const update = compileExpressions({ UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': S('planned') } }).update;
  const plan = planUpdate(db, 'UpdateItem', table, { pk: S('a') }, update, undefined);
  assert.deepEqual(plan.item, { pk: S('a'), v: S('planned') });
  assert.deepEqual(table.codec.decode(table.get(plan.key)!), { pk: S('a'), v: S('old') });
  await db.commit([mutationOf(plan)!]);
  assert.deepEqual(table.codec.decode(table.get(plan.key)!), { pk: S('a'), v: S('planned') });
  await db.close();
});

test('deleting an absent item plans no mutation', async () => {
  const db = await open();
  const table = db.table('plans');
  assert.equal(mutationOf(planDelete(db, 'DeleteItem', table, table.keyOf({ pk: S('none') }), undefined)), undefined);
  await db.close();
});

test("UpdateItem refuses an item grown past 400 KB with DynamoDB's message for updates", async () => {
  const db = await open();
  await assert.rejects(
    db.execute('UpdateItem', { TableName: 'plans', Key: { pk: S('a') }, UpdateExpression: 'SET big = :b', ExpressionAttributeValues: { ':b': S('x'.repeat(401 * 1024)) } }),
    { name: 'ValidationException', message: 'Item size to update has exceeded the maximum allowed size' },
  );
  await db.close();
});
