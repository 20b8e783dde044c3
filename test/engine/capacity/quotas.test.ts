// Provisioned-throughput quotas (issue 12.3): DynamoDB's LimitExceededException on CreateTable
// and UpdateTable for tables and GSIs above the per-table quota or the account's total,
// DescribeLimits, quotas set by a database option, and memory that does not follow the
// throughput a client asks for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashTable, openDb, rejects } from './helpers';
import { MAX_PARTITIONS, partitionsFor } from '../../../src/engine/capacity/throttle';
import type { Database } from '../../../src/engine/database';

const KEY = [{ AttributeName: 'pk', KeyType: 'HASH' }];
const DEFS = [{ AttributeName: 'pk', AttributeType: 'S' }];
const tp = (read: number, write: number) => ({ ReadCapacityUnits: read, WriteCapacityUnits: write });

function gsi(name: string, read: number, write: number) {
  return { IndexName: name, KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: tp(read, write) };
}

/** CreateTable of a provisioned table with one GSI, byG, each at the rates given. */
function withGsi(db: Database, name: string, table: [read: number, write: number], index: [read: number, write: number]): Promise<unknown> {
  return db.execute('CreateTable', {
    TableName: name,
    KeySchema: KEY,
    AttributeDefinitions: [...DEFS, { AttributeName: 'g', AttributeType: 'S' }],
    ProvisionedThroughput: tp(...table),
    GlobalSecondaryIndexes: [gsi('byG', ...index)],
  });
}

test('DescribeLimits reports DynamoDB’s default quotas', async () => {
  const { db } = await openDb();
  assert.deepEqual(await db.execute('DescribeLimits', {}), {
    AccountMaxReadCapacityUnits: 80000,
    AccountMaxWriteCapacityUnits: 80000,
    TableMaxReadCapacityUnits: 40000,
    TableMaxWriteCapacityUnits: 40000,
  });
});

test('DescribeLimits reports the quotas the database was opened with, and CreateTable enforces them', async () => {
  const { db } = await openDb({ capacityQuotas: { tableMaxReadCapacityUnits: 100, accountMaxWriteCapacityUnits: 30 } });
  const limits = (await db.execute('DescribeLimits', {})) as Record<string, number>;
  assert.equal(limits.TableMaxReadCapacityUnits, 100);
  assert.equal(limits.AccountMaxWriteCapacityUnits, 30);
  assert.equal(limits.TableMaxWriteCapacityUnits, 40000);
  await rejects(hashTable(db, 'big', { read: 101, write: 1 }), 'LimitExceededException', /ReadCapacityUnits, 101, .*Per table maximum: 100\./);
  await hashTable(db, 'tab-a', { read: 100, write: 20 });
  await rejects(hashTable(db, 'tab-b', { read: 1, write: 11 }), 'LimitExceededException', /WriteCapacityUnits limit to be exceeded .*reserved by the account: 20\. Limit: 30\. Requested: 11\./);
});

test('CreateTable with a trillion read units is refused with the per-table quota message and creates nothing', async () => {
  const { db } = await openDb();
  await rejects(
    db.execute('CreateTable', { TableName: 'huge', KeySchema: KEY, AttributeDefinitions: DEFS, ProvisionedThroughput: tp(1e12, 1) }),
    'LimitExceededException',
    'The requested ReadCapacityUnits, 1000000000000, is above the per table maximum for the account in us-east-1. Per table maximum: 40000.',
  );
  await rejects(db.execute('DescribeTable', { TableName: 'huge' }), 'ResourceNotFoundException');
});

test('CreateTable accepts exactly the per-table quota and refuses one unit of write more', async () => {
  const { db } = await openDb();
  await hashTable(db, 'at-max', { read: 40000, write: 40000 });
  await rejects(
    hashTable(db, 'over', { read: 1, write: 40001 }),
    'LimitExceededException',
    'The requested WriteCapacityUnits, 40001, is above the per table maximum for the account in us-east-1. Per table maximum: 40000.',
  );
});

test('a GSI above the quota is refused in CreateTable', async () => {
  const { db } = await openDb();
  await rejects(
    withGsi(db, 'with-gsi', [5, 5], [5, 50000]),
    'LimitExceededException',
    'The requested WriteCapacityUnits for index byG, 50000, is above the per index maximum for the account in us-east-1. Per index maximum: 40000.',
  );
});

test('the account quota counts every provisioned table and GSI, and on-demand tables not at all', async () => {
  const { db } = await openDb();
  await hashTable(db, 'one', { read: 40000, write: 1 });
  await hashTable(db, 'free'); // on demand: reserves nothing
  await withGsi(db, 'two', [30000, 1], [10000, 1]);
  await rejects(
    hashTable(db, 'three', { read: 1, write: 1 }),
    'LimitExceededException',
    'This request would have caused the ReadCapacityUnits limit to be exceeded for the account in us-east-1. Current ReadCapacityUnits reserved by the account: 80000. Limit: 80000. Requested: 1.',
  );
});

test('UpdateTable refuses raising a table or a GSI above the quota, and leaves the table as it was', async () => {
  const { db } = await openDb();
  await withGsi(db, 'grow', [5, 5], [5, 5]);
  await rejects(db.execute('UpdateTable', { TableName: 'grow', ProvisionedThroughput: tp(1e12, 5) }), 'LimitExceededException', /ReadCapacityUnits, 1000000000000, is above the per table maximum/);
  await rejects(
    db.execute('UpdateTable', { TableName: 'grow', GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'byG', ProvisionedThroughput: tp(40001, 5) } }] }),
    'LimitExceededException',
    /ReadCapacityUnits for index byG, 40001, is above the per index maximum/,
  );
  const d = (await db.execute('DescribeTable', { TableName: 'grow' })) as { Table: { ProvisionedThroughput: { ReadCapacityUnits: number }; GlobalSecondaryIndexes: { ProvisionedThroughput: { ReadCapacityUnits: number } }[] } };
  assert.equal(d.Table.ProvisionedThroughput.ReadCapacityUnits, 5);
  assert.equal(d.Table.GlobalSecondaryIndexes[0]!.ProvisionedThroughput.ReadCapacityUnits, 5);
});

test('a new GSI above the quota is refused by UpdateTable', async () => {
  const { db } = await openDb();
  await hashTable(db, 'idx', { read: 5, write: 5 });
  await rejects(
    db.execute('UpdateTable', {
      TableName: 'idx',
      AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [{ Create: gsi('byG', 1, 90000) }],
    }),
    'LimitExceededException',
    /WriteCapacityUnits for index byG, 90000, is above the per index maximum/,
  );
});

test('a table already above lowered quotas can still be lowered or changed in other ways', async () => {
  const { db } = await openDb();
  await hashTable(db, 'old', { read: 500, write: 500 });
  (db.options as { capacityQuotas?: object }).capacityQuotas = { tableMaxReadCapacityUnits: 10, tableMaxWriteCapacityUnits: 10 };
  await db.execute('UpdateTable', { TableName: 'old', ProvisionedThroughput: tp(400, 500) });
  await db.execute('UpdateTable', { TableName: 'old', DeletionProtectionEnabled: true });
  await rejects(db.execute('UpdateTable', { TableName: 'old', ProvisionedThroughput: tp(401, 500) }), 'LimitExceededException');
});

test('partitions never exceed the simulation bound, whatever the throughput', () => {
  assert.equal(partitionsFor(1e12, 1e12, 0), MAX_PARTITIONS);
  assert.equal(partitionsFor(40000, 40000, 0), 54);
});

test('a table at the maximum quota serves a Scan and a Query with bounded memory', async () => {
  const { db } = await openDb();
  await db.execute('CreateTable', {
    TableName: 'max',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    ProvisionedThroughput: tp(40000, 40000),
  });
  for (let i = 0; i < 200; i++) await db.execute('PutItem', { TableName: 'max', Item: { pk: { S: `p${i % 20}` }, sk: { N: String(i) } } });
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 50; i++) {
    // Each segment spans a quarter of the table's partitions: every page counts in each of them.
    let total = 0;
    for (let s = 0; s < 4; s++) total += ((await db.execute('Scan', { TableName: 'max', TotalSegments: 4, Segment: s })) as { Count: number }).Count;
    assert.equal(total, 200);
    const query = (await db.execute('Query', { TableName: 'max', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p3' } } })) as { Count: number };
    assert.equal(query.Count, 10);
  }
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(grown < 50 * 1024 * 1024, `heap grew by ${(grown / 1048576).toFixed(1)} MB`);
});

test('quotas raised to a trillion units still leave a Scan with bounded memory (partitions are capped)', async () => {
  const huge = 1e12;
  const { db } = await openDb({ capacityQuotas: { tableMaxReadCapacityUnits: huge, accountMaxReadCapacityUnits: huge } });
  await hashTable(db, 'huge', { read: huge, write: 1 });
  await db.execute('PutItem', { TableName: 'huge', Item: { pk: { S: 'a' } } });
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 20; i++) assert.equal(((await db.execute('Scan', { TableName: 'huge' })) as { Count: number }).Count, 1);
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(grown < 50 * 1024 * 1024, `heap grew by ${(grown / 1048576).toFixed(1)} MB`);
});

test('switching an on-demand table to provisioned above the quota is refused and leaves it on demand', async () => {
  const { db } = await openDb();
  await hashTable(db, 'ondemand');
  await rejects(
    db.execute('UpdateTable', { TableName: 'ondemand', BillingMode: 'PROVISIONED', ProvisionedThroughput: tp(1, 40001) }),
    'LimitExceededException',
    /WriteCapacityUnits, 40001, is above the per table maximum/,
  );
  const d = (await db.execute('DescribeTable', { TableName: 'ondemand' })) as { Table: { BillingModeSummary?: { BillingMode: string } } };
  assert.equal(d.Table.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
});
