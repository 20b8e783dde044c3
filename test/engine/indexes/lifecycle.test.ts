import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import { cancelIndexWork } from '../../../src/engine/indexes/backfill';
import { AD, KS, N, S, gsi, memoryDb, rejects } from './helpers';
import { tempDir } from '../helpers';

const turn = () => new Promise((r) => setImmediate(r));
const describe = async (db: Database, name = 'LIFE') => ((await db.execute('DescribeTable', { TableName: name })) as any).Table;
const P = 'One or more parameter values were invalid: ';

async function plainTable(db: Database, items: number, provisioned = false): Promise<void> {
  await db.execute('CreateTable', {
    TableName: 'LIFE',
    KeySchema: KS('pk'),
    AttributeDefinitions: AD(['pk', 'S']),
    ...(provisioned ? { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } : { BillingMode: 'PAY_PER_REQUEST' }),
  });
  for (let i = 0; i < items; i++) {
    await db.execute('PutItem', { TableName: 'LIFE', Item: { pk: S(`p${String(i).padStart(4, '0')}`), g: i === 3 ? N(3) : S(`g${i % 4}`), v: N(i) } });
  }
}

const createG = (extra: Record<string, unknown> = {}) => ({
  TableName: 'LIFE',
  AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
  GlobalSecondaryIndexUpdates: [{ Create: { ...gsi('byG', 'g', undefined, { ProjectionType: 'KEYS_ONLY' }), ...extra } }],
});

async function until(db: Database, pred: (t: any) => boolean, what: string): Promise<any> {
  for (let i = 0; i < 10_000; i++) {
    const t = await describe(db);
    if (pred(t)) return t;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a GSI added to a non-empty table: allocation, backfill with writes flowing, then ACTIVE', async () => {
  const db = await memoryDb({ indexTimings: { allocationMs: 30, backfillSliceItems: 25 } });
  await plainTable(db, 400);
  const res = ((await db.execute('UpdateTable', createG())) as any).TableDescription;
  assert.equal(res.TableStatus, 'UPDATING');
  assert.deepEqual(res.GlobalSecondaryIndexes.map((g: any) => [g.IndexName, g.IndexStatus, g.Backfilling]), [['byG', 'CREATING', false]]);
  assert.deepEqual(res.AttributeDefinitions.map((d: any) => d.AttributeName), ['pk', 'g']);
  // Resource allocation: the table is UPDATING, the index can be neither read nor deleted.
  const allocating = await describe(db);
  assert.equal(allocating.TableStatus, 'UPDATING');
  const query = { TableName: 'LIFE', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('g1') } };
  await rejects(db, 'Query', query, 'ValidationException', 'Cannot read from backfilling global secondary index: byG');
  await rejects(db, 'Scan', { TableName: 'LIFE', IndexName: 'byG' }, 'ValidationException', 'Cannot read from backfilling global secondary index: byG');
  await rejects(db, 'UpdateTable', { TableName: 'LIFE', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }] }, 'ResourceInUseException',
    'Attempt to change a resource which is still in use: Index is being created but not backfilling.');
  await rejects(db, 'UpdateTable', { ...createG(), GlobalSecondaryIndexUpdates: [{ Create: gsi('other', 'g') }] }, 'LimitExceededException',
    'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table');
  await rejects(db, 'UpdateTable', createG(), 'ResourceInUseException', 'Attempt to change a resource which is still in use: Index is being created.');
  // Backfilling: the table is ACTIVE again; writes keep flowing and reach the index.
  const filling = await until(db, (t) => t.GlobalSecondaryIndexes[0].Backfilling === true, 'the backfill');
  assert.equal(filling.TableStatus, 'ACTIVE');
  assert.equal(filling.GlobalSecondaryIndexes[0].IndexStatus, 'CREATING');
  await db.execute('PutItem', { TableName: 'LIFE', Item: { pk: S('p9999'), g: S('g1') } }); // ahead of the backfill
  await db.execute('PutItem', { TableName: 'LIFE', Item: { pk: S('p0000'), g: S('g1') } }); // behind it
  await db.execute('DeleteItem', { TableName: 'LIFE', Key: { pk: S('p0399') } });
  await db.execute('UpdateItem', { TableName: 'LIFE', Key: { pk: S('p0398') }, UpdateExpression: 'REMOVE g' });
  await rejects(db, 'PutItem', { TableName: 'LIFE', Item: { pk: S('bad'), g: N(1) } }, 'ValidationException', `${P}Type mismatch for Index Key g Expected: S Actual: N IndexName: byG`);
  const active = await until(db, (t) => t.GlobalSecondaryIndexes[0].IndexStatus === 'ACTIVE', 'ACTIVE');
  assert.equal(active.GlobalSecondaryIndexes[0].Backfilling, false);
  // 400 items - p0003 (g is a number: skipped, as DynamoDB's backfill skips it) - p0399 - p0398 + p9999.
  assert.equal(active.GlobalSecondaryIndexes[0].ItemCount, 398);
  const g1 = (await db.execute('Query', query)) as any;
  const expected = [...Array.from({ length: 400 }, (_, i) => i).filter((i) => i % 4 === 1 && i !== 3 && i < 398).map((i) => `p${String(i).padStart(4, '0')}`), 'p0000', 'p9999'].sort();
  assert.deepEqual(g1.Items.map((i: any) => i.pk.S).sort(), expected);
  // The backfilled index holds exactly what a fresh build would.
  const live = db.tables.get('LIFE')!.secondary.get('byG')!;
  const size = live.sizeBytes;
  const count = live.itemCount;
  const keys: string[] = [];
  const values: string[] = [];
  for (const [k, v] of db.tables.get('LIFE')!.index.range()) {
    keys.push(k);
    values.push(v);
  }
  live.build(keys, values);
  assert.equal(live.sizeBytes, size);
  assert.equal(live.itemCount, count);
});

test('deleting a GSI: DELETING, unreadable, then gone with its attribute definitions', async () => {
  const db = await memoryDb({ indexTimings: { deletionMs: 40 } });
  await db.execute('CreateTable', {
    TableName: 'LIFE', BillingMode: 'PAY_PER_REQUEST', KeySchema: KS('pk', 'sk'), AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S'], ['g', 'S'], ['l', 'N']),
    GlobalSecondaryIndexes: [gsi('byG', 'g'), gsi('byPk', 'pk')],
    LocalSecondaryIndexes: [gsi('byL', 'pk', 'l')],
  });
  await db.execute('PutItem', { TableName: 'LIFE', Item: { pk: S('p'), sk: S('s'), g: S('x') } });
  await rejects(db, 'UpdateTable', { TableName: 'LIFE', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byL' } }] }, 'ValidationException', 'Cannot delete an index that is not a GlobalSecondaryIndex: byL');
  await rejects(db, 'UpdateTable', { TableName: 'LIFE', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'ghost' } }] }, 'ResourceNotFoundException', 'Requested resource not found: Index ghost for table LIFE');
  await rejects(db, 'UpdateTable', { TableName: 'LIFE', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }, { Delete: { IndexName: 'byPk' } }] }, 'LimitExceededException',
    'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table');
  const res = ((await db.execute('UpdateTable', { TableName: 'LIFE', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }] })) as any).TableDescription;
  assert.equal(res.TableStatus, 'UPDATING');
  assert.deepEqual(res.GlobalSecondaryIndexes.map((g: any) => [g.IndexName, g.IndexStatus]), [['byG', 'DELETING'], ['byPk', 'ACTIVE']]);
  const deleting = await describe(db);
  assert.equal(deleting.TableStatus, 'UPDATING');
  await rejects(db, 'Query', { TableName: 'LIFE', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('x') } }, 'ValidationException',
    'The table does not have the specified index: byG');
  await rejects(db, 'UpdateTable', { TableName: 'LIFE', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }] }, 'ResourceInUseException', 'Attempt to change a resource which is still in use: Index is being deleted.');
  await rejects(db, 'UpdateTable', { TableName: 'LIFE', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byPk' } }] }, 'LimitExceededException',
    'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table');
  // Writes no longer check or reach the index being deleted.
  await db.execute('PutItem', { TableName: 'LIFE', Item: { pk: S('q'), sk: S('s'), g: N(1) } });
  const gone = await until(db, (t) => t.GlobalSecondaryIndexes.length === 1, 'the deletion');
  assert.equal(gone.TableStatus, 'ACTIVE');
  assert.deepEqual(gone.GlobalSecondaryIndexes.map((g: any) => g.IndexName), ['byPk']);
  assert.deepEqual(gone.AttributeDefinitions.map((d: any) => d.AttributeName), ['pk', 'sk', 'l']);
});

test('UpdateTable index updates: DynamoDB checks and messages', async () => {
  const db = await memoryDb();
  await plainTable(db, 0, true);
  await db.execute('UpdateTable', createG({ ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } }));
  await until(db, (t) => t.GlobalSecondaryIndexes[0].IndexStatus === 'ACTIVE', 'ACTIVE');
  const u = (updates: unknown[], extra: Record<string, unknown> = {}) => ({ TableName: 'LIFE', GlobalSecondaryIndexUpdates: updates, ...extra });
  const cases: Array<[unknown, string, string]> = [
    [u([]), 'ValidationException', `${P}List of GlobalSecondaryIndexUpdates is empty`],
    [u([{}]), 'ValidationException', `${P}One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`],
    [u([{ Delete: { IndexName: 'byG' }, Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }]), 'ValidationException',
      `${P}Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object`],
    [u([{ Delete: { IndexName: 'byG' } }, { Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }]), 'ValidationException',
      `${P}Only one global secondary index update per index is allowed simultaneously. Index: byG`],
    [u([{ Create: gsi('byG', 'g', undefined, undefined, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }) }], { AttributeDefinitions: AD(['g', 'S']) }), 'ValidationException',
      'Attempting to create an index which already exists'],
    [u([{ Create: gsi('byH', 'h', undefined, undefined, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }) }]), 'ValidationException',
      `${P}AttributeDefinitions is not specified for index: byH`],
    [u([{ Create: gsi('byH', 'h', undefined, undefined, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }) }], { AttributeDefinitions: AD(['x', 'S']) }), 'ValidationException',
      `${P}Some index key attributes are not defined in AttributeDefinitions. Keys: [h], AttributeDefinitions: [pk, g, x]`],
    [u([{ Create: gsi('byH', 'h') }], { AttributeDefinitions: AD(['h', 'S']) }), 'ValidationException', `${P}ProvisionedThroughput must be specified for index: byH`],
    [u([{ Update: { IndexName: 'byG' } }]), 'ValidationException', `${P}ProvisionedThroughput must be specified for index: byG`],
    [u([{ Update: { IndexName: 'ghost', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }]), 'ResourceNotFoundException', 'Requested resource not found: Index ghost for table LIFE'],
    [u([{ Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } } }]), 'ValidationException',
      'The provisioned throughput for the index byG will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the index: 2. Requested ReadCapacityUnits: 2. Current WriteCapacityUnits provisioned for the index: 2. Requested WriteCapacityUnits: 2. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.'],
  ];
  for (const [input, type, message] of cases) await rejects(db, 'UpdateTable', input, type, message);
  // Throughput of a GSI changes on its own; the table's stays.
  const up = ((await db.execute('UpdateTable', u([{ Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 1 } } }]))) as any).TableDescription;
  const tp = up.GlobalSecondaryIndexes[0].ProvisionedThroughput;
  assert.equal(tp.ReadCapacityUnits, 7);
  assert.equal(tp.WriteCapacityUnits, 1);
  assert.equal(tp.NumberOfDecreasesToday, 1);
  assert.equal(typeof tp.LastIncreaseDateTime, 'number');
  assert.equal(typeof tp.LastDecreaseDateTime, 'number');
  assert.equal(up.ProvisionedThroughput.ReadCapacityUnits, 5);
  assert.deepEqual(db.tables.get('LIFE')!.indexes.find((i) => i.name === 'byG')!.provisioned, { read: 7, write: 1 });
  // On-demand: GSIs report zero throughput and take no throughput updates.
  await db.execute('UpdateTable', { TableName: 'LIFE', BillingMode: 'PAY_PER_REQUEST' });
  const ppr = await describe(db);
  assert.deepEqual(ppr.GlobalSecondaryIndexes[0].ProvisionedThroughput, { NumberOfDecreasesToday: 1, ReadCapacityUnits: 0, WriteCapacityUnits: 0 });
  await rejects(db, 'UpdateTable', u([{ Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }]), 'ValidationException',
    `${P}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: byG when BillingMode is PAY_PER_REQUEST`);
  await rejects(db, 'UpdateTable', u([{ Create: gsi('byH', 'h', undefined, undefined, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }) }], { AttributeDefinitions: AD(['h', 'S']) }),
    'ValidationException', `${P}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: byH when BillingMode is PAY_PER_REQUEST`);
  // Back to provisioned: every GSI needs its throughput in the same request.
  await rejects(db, 'UpdateTable', { TableName: 'LIFE', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }, 'ValidationException',
    `${P}ProvisionedThroughput must be specified for index: byG`);
  const back = ((await db.execute('UpdateTable', {
    TableName: 'LIFE', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 3 } } }],
  })) as any).TableDescription;
  assert.equal(back.GlobalSecondaryIndexes[0].ProvisionedThroughput.ReadCapacityUnits, 3);
  // 20 GSIs at most.
  const defs = AD(...Array.from({ length: 20 }, (_, i) => [`k${i}`, 'S'] as [string, 'S']));
  for (let i = 0; i < 19; i++) {
    await db.execute('UpdateTable', u([{ Create: gsi(`idx${i}`, `k${i}`, undefined, undefined, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }) }], { AttributeDefinitions: defs.slice(i, i + 1) }));
    await until(db, (t) => t.GlobalSecondaryIndexes.every((g: any) => g.IndexStatus === 'ACTIVE'), 'ACTIVE');
  }
  await rejects(db, 'UpdateTable', u([{ Create: gsi('idx19', 'k19', undefined, undefined, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }) }], { AttributeDefinitions: defs.slice(19) }),
    'LimitExceededException', 'GlobalSecondaryIndex count exceeds the per-table limit of 20');
});

test('indexes survive a restart: rebuilt from a checkpoint, replayed from the log, a backfill resumed', async () => {
  const dir = tempDir('dw-idx-');
  let db = await Database.open(dir, { throttling: false, indexTimings: { backfillSliceItems: 10 } });
  await db.execute('CreateTable', {
    TableName: 'LIFE', BillingMode: 'PAY_PER_REQUEST', KeySchema: KS('pk', 'sk'), AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S'], ['g', 'S'], ['l', 'N']),
    GlobalSecondaryIndexes: [gsi('byG', 'g', 'sk', { ProjectionType: 'INCLUDE', NonKeyAttributes: ['v'] })],
    LocalSecondaryIndexes: [gsi('byL', 'pk', 'l')],
  });
  for (let i = 0; i < 300; i++) {
    await db.execute('PutItem', { TableName: 'LIFE', Item: { pk: S(`p${i % 7}`), sk: S(`s${i}`), g: S(`g${i % 3}`), l: N(i), v: S('x'.repeat(i % 50)) } });
  }
  const snapshot = async (d: Database) => {
    const t = await describe(d);
    const q = (await d.execute('Query', { TableName: 'LIFE', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('g1') } })) as any;
    const l = (await d.execute('Query', { TableName: 'LIFE', IndexName: 'byL', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('p2') }, ScanIndexForward: false })) as any;
    return {
      sizes: [...t.GlobalSecondaryIndexes, ...t.LocalSecondaryIndexes].map((i: any) => [i.IndexName, i.IndexStatus, i.ItemCount, i.IndexSizeBytes]),
      g1: q.Items.map((i: any) => i.sk.S),
      p2: l.Items.map((i: any) => i.l.N),
    };
  };
  const before = await snapshot(db);
  assert.equal(before.g1.length, 100);
  await db.close(); // a checkpoint: indexes are rebuilt from it
  db = await Database.open(dir, { throttling: false, indexTimings: { backfillSliceItems: 10, allocationMs: 60_000 } });
  assert.deepEqual(await snapshot(db), before);
  // Writes after the checkpoint, and a GSI added but not yet backfilled, come back from the log alone.
  await db.execute('DeleteItem', { TableName: 'LIFE', Key: { pk: S('p1'), sk: S('s1') } });
  await db.execute('UpdateTable', {
    TableName: 'LIFE', AttributeDefinitions: AD(['v', 'S']),
    GlobalSecondaryIndexUpdates: [{ Create: gsi('byV', 'v', undefined, { ProjectionType: 'KEYS_ONLY' }) }],
  });
  const afterWrites = await snapshot(db);
  cancelIndexWork(db.tables.get('LIFE')!, 'byV');
  fs.rmSync(path.join(dir, 'LOCK')); // a crash: no close, no checkpoint
  db = await Database.open(dir, { throttling: false, indexTimings: { backfillSliceItems: 10 } });
  // The interrupted backfill starts over and finishes.
  const resumed = await until(db, (t) => t.GlobalSecondaryIndexes.every((g: any) => g.IndexStatus === 'ACTIVE'), 'the resumed backfill');
  assert.equal(resumed.GlobalSecondaryIndexes.find((g: any) => g.IndexName === 'byV').ItemCount, 293); // v is '' for 6 items (i % 50 === 0): not indexed
  const again = await snapshot(db);
  assert.deepEqual(again.g1, afterWrites.g1);
  assert.deepEqual(again.p2, afterWrites.p2);
  // A write acknowledged after the ACTIVE record means that record is on disk (the log acknowledges in order).
  await db.execute('UpdateItem', { TableName: 'LIFE', Key: { pk: S('p2'), sk: S('s2') }, UpdateExpression: 'SET z = :z', ExpressionAttributeValues: { ':z': S('z') } });
  fs.rmSync(path.join(dir, 'LOCK')); // another crash: the log holds CREATING, the writes, then ACTIVE
  // The ACTIVE status went through the log: replaying it rebuilds the index.
  db = await Database.open(dir, { throttling: false });
  const v = (await db.execute('Scan', { TableName: 'LIFE', IndexName: 'byV', Select: 'COUNT' })) as any;
  assert.equal(v.Count, 293);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('after a checkpoint load, indexes build in the background; a write first builds them at once', async () => {
  const dir = tempDir('dw-idx-');
  let db = await Database.open(dir, { throttling: false });
  await db.execute('CreateTable', {
    TableName: 'LIFE', BillingMode: 'PAY_PER_REQUEST', KeySchema: KS('pk', 'sk'), AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S'], ['g', 'S'], ['l', 'N']),
    GlobalSecondaryIndexes: [gsi('byG', 'g')], LocalSecondaryIndexes: [gsi('byL', 'pk', 'l')],
  });
  for (let i = 0; i < 5000; i++) await db.execute('PutItem', { TableName: 'LIFE', Item: { pk: S(`p${i % 10}`), sk: S(`s${i}`), g: S(`g${i % 7}`), l: N(i) } });
  await db.close();
  db = await Database.open(dir, { throttling: false, itemCollectionLimitBytes: 10_000_000 });
  const table = db.tables.get('LIFE')!;
  // Before any turn has passed: the first write moves an entry between index partitions.
  await db.execute('UpdateItem', { TableName: 'LIFE', Key: { pk: S('p0'), sk: S('s0') }, UpdateExpression: 'SET g = :g', ExpressionAttributeValues: { ':g': S('g1') } });
  const count = async (g: string) =>
    ((await db.execute('Query', { TableName: 'LIFE', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S(g) }, Select: 'COUNT' })) as any).Count;
  assert.equal(await count('g0'), 715 - 1);
  assert.equal(await count('g1'), 715 + 1);
  const m = (await db.execute('PutItem', { TableName: 'LIFE', Item: { pk: S('p1'), sk: S('new') }, ReturnItemCollectionMetrics: 'SIZE' })) as any;
  assert.deepEqual(m.ItemCollectionMetrics.ItemCollectionKey, { pk: S('p1') });
  assert.ok(table.secondary.collectionSize(table.keyOf({ pk: S('p1'), sk: S('x') })) > 500 * 20);
  await db.close();
  // Left alone, the background build finishes on its own.
  db = await Database.open(dir, { throttling: false });
  for (let i = 0; i < 5; i++) await turn();
  assert.equal(db.tables.get('LIFE')!.secondary.get('byG')!.itemCount, 5000);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
