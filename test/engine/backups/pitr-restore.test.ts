// RestoreTableToPointInTime in the engine: the new table is CREATING with its RestoreSummary, then
// ACTIVE with exactly the source's items and indexes of that moment (indexes rebuilt and
// queryable); tags, streams, TTL and PITR are not copied; overrides apply; the present second
// can be restored; the restored table survives a reopen; and bad requests get DynamoDB's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { rejects } from '../indexes/helpers';
import { Clock, enablePitr, liveItems, openMemory, options, withDataDir } from './pitr-helpers';

type Description = { TableDescription: Record<string, any> };

async function pitrTable(db: Database): Promise<void> {
  await db.execute('CreateTable', {
    TableName: 'Src',
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  });
  await db.execute('UpdateTimeToLive', { TableName: 'Src', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } });
  await enablePitr(db, 'Src');
}

const put = (db: Database, pk: string, g: string) => db.execute('PutItem', { TableName: 'Src', Item: { pk: { S: pk }, g: { S: g } } });

async function untilActive(db: Database, name: string): Promise<Record<string, any>> {
  for (let i = 0; i < 500; i++) {
    const { Table } = (await db.execute('DescribeTable', { TableName: name })) as { Table: Record<string, any> };
    if (Table.TableStatus === 'ACTIVE') return Table;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${name} never became ACTIVE`);
}

test('a restore answers CREATING with its RestoreSummary, then the table is ACTIVE with the items and indexes of that second', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await pitrTable(db);
  await put(db, 'a', 'x');
  await put(db, 'b', 'y');
  clock.advance(1000);
  const then = clock.ms;
  clock.advance(1000);
  await put(db, 'a', 'changed');
  await db.execute('DeleteItem', { TableName: 'Src', Key: { pk: { S: 'b' } } });
  await put(db, 'c', 'x');
  const out = (await db.execute('RestoreTableToPointInTime', { SourceTableName: 'Src', TargetTableName: 'Dst', RestoreDateTime: then / 1000 })) as Description;
  assert.equal(out.TableDescription.TableStatus, 'CREATING');
  assert.equal(out.TableDescription.TableName, 'Dst');
  assert.deepEqual(out.TableDescription.RestoreSummary, { SourceTableArn: db.table('Src').meta.arn, RestoreDateTime: then / 1000, RestoreInProgress: true });
  const active = await untilActive(db, 'Dst');
  assert.deepEqual(active.RestoreSummary, { SourceTableArn: db.table('Src').meta.arn, RestoreDateTime: then / 1000, RestoreInProgress: false });
  assert.equal(active.ItemCount, 2);
  assert.deepEqual(liveItems(db, 'Dst').sort(), [JSON.stringify({ g: { S: 'x' }, pk: { S: 'a' } }), JSON.stringify({ g: { S: 'y' }, pk: { S: 'b' } })].sort());
  const byG = (await db.execute('Query', { TableName: 'Dst', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'x' } } })) as { Items: unknown[] };
  assert.deepEqual(byG.Items, [{ pk: { S: 'a' }, g: { S: 'x' } }]);
  // Not copied: streams, TTL, PITR.
  assert.equal(active.StreamSpecification, undefined);
  assert.deepEqual(await db.execute('DescribeTimeToLive', { TableName: 'Dst' }), { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
  const pitr = (await db.execute('DescribeContinuousBackups', { TableName: 'Dst' })) as { ContinuousBackupsDescription: { PointInTimeRecoveryDescription: unknown } };
  assert.deepEqual(pitr.ContinuousBackupsDescription.PointInTimeRecoveryDescription, { PointInTimeRecoveryStatus: 'DISABLED' });
  await db.close();
});

test('UseLatestRestorableTime restores the present second, the write just acknowledged included, by ARN too', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await pitrTable(db);
  await put(db, 'last', 'z');
  await db.execute('RestoreTableToPointInTime', { SourceTableArn: db.table('Src').meta.arn, TargetTableName: 'Now', UseLatestRestorableTime: true });
  await untilActive(db, 'Now');
  assert.deepEqual(liveItems(db, 'Now'), liveItems(db, 'Src'));
  assert.equal(liveItems(db, 'Now').length, 1);
  await db.close();
});

test('overrides apply: billing mode and throughput, and a GSI override that drops the index', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await pitrTable(db);
  await put(db, 'a', 'x');
  await db.execute('RestoreTableToPointInTime', {
    SourceTableName: 'Src',
    TargetTableName: 'Prov',
    UseLatestRestorableTime: true,
    BillingModeOverride: 'PROVISIONED',
    ProvisionedThroughputOverride: { ReadCapacityUnits: 5, WriteCapacityUnits: 6 },
    GlobalSecondaryIndexOverride: [],
  });
  const table = await untilActive(db, 'Prov');
  assert.equal(table.ProvisionedThroughput.ReadCapacityUnits, 5);
  assert.equal(table.ProvisionedThroughput.WriteCapacityUnits, 6);
  assert.equal(table.GlobalSecondaryIndexes, undefined);
  assert.equal(table.ItemCount, 1);
  await db.close();
});

test('bad restores get DynamoDB error types: target taken, source missing, PITR off, time outside the window, conflicting members', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await pitrTable(db);
  const start = clock.ms;
  clock.advance(10_000);
  await db.execute('CreateTable', { TableName: 'Plain', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] });
  const r = (input: Record<string, unknown>, type: string, message: string | RegExp) => rejects(db, 'RestoreTableToPointInTime', { TargetTableName: 'Dst', ...input }, type, message);
  await rejects(db, 'RestoreTableToPointInTime', { SourceTableName: 'Src', TargetTableName: 'Plain', UseLatestRestorableTime: true }, 'TableAlreadyExistsException', 'Table already exists: Plain');
  await r({ SourceTableName: 'Nope', UseLatestRestorableTime: true }, 'TableNotFoundException', 'Table not found: Nope');
  await r({ SourceTableName: 'Plain', UseLatestRestorableTime: true }, 'PointInTimeRecoveryUnavailableException', "Point in time recovery is not enabled for table 'Plain'");
  await r({ SourceTableName: 'Src', RestoreDateTime: (start - 1000) / 1000 }, 'InvalidRestoreTimeException', /RestoreDateTime must be between EarliestRestorableDateTime/);
  await r({ SourceTableName: 'Src', RestoreDateTime: (clock.ms + 1000) / 1000 }, 'InvalidRestoreTimeException', /RestoreDateTime must be between/);
  await r({ UseLatestRestorableTime: true }, 'ValidationException', 'Either SourceTableArn or SourceTableName must be specified');
  await r({ SourceTableName: 'Src', SourceTableArn: db.table('Src').meta.arn, UseLatestRestorableTime: true }, 'ValidationException', /Only one of SourceTableArn or SourceTableName/);
  await r({ SourceTableName: 'Src', UseLatestRestorableTime: true, RestoreDateTime: start / 1000 }, 'ValidationException', /Only one of RestoreDateTime or UseLatestRestorableTime/);
  await r({ SourceTableName: 'Src' }, 'ValidationException', /RestoreDateTime must be specified/);
  await r({ SourceTableName: 'Src', RestoreDateTime: 'yesterday' }, 'SerializationException', /RestoreDateTime must be a number/);
  await rejects(db, 'RestoreTableToPointInTime', { SourceTableName: 'Src', UseLatestRestorableTime: true }, 'ValidationException', /Value null at 'targetTableName' failed to satisfy constraint: Member must not be null/);
  await r({ SourceTableName: 'Src', UseLatestRestorableTime: true, BillingModeOverride: 'PROVISIONED' }, 'ValidationException', /ReadCapacityUnits and WriteCapacityUnits must both be specified/);
  assert.equal(db.tables.has('Dst'), false, 'no failed restore leaves a table behind');
  await db.close();
});

test('on disk, a table restored to a point in time is still there, whole, after a reopen', async () => {
  await withDataDir(async (dir) => {
    const clock = new Clock();
    let db = await Database.open(dir, options(clock));
    await pitrTable(db);
    for (let i = 0; i < 50; i++) await put(db, `k${i}`, `g${i % 4}`);
    clock.advance(1000);
    const then = clock.ms;
    clock.advance(1000);
    for (let i = 0; i < 50; i += 2) await db.execute('DeleteItem', { TableName: 'Src', Key: { pk: { S: `k${i}` } } });
    await db.execute('RestoreTableToPointInTime', { SourceTableName: 'Src', TargetTableName: 'Back', RestoreDateTime: then / 1000 });
    await untilActive(db, 'Back');
    const restored = liveItems(db, 'Back');
    assert.equal(restored.length, 50);
    await db.close();
    db = await Database.open(dir, options(clock));
    assert.deepEqual(liveItems(db, 'Back'), restored);
    assert.equal(liveItems(db, 'Src').length, 25);
    await db.close();
  });
});

test('a restore reads a long history in slices: a write made meanwhile is answered first and is not in the restored table', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await pitrTable(db);
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 60_000; i++) writes.push(put(db, `k${i % 1000}`, `v${i}`));
  await Promise.all(writes);
  const order: string[] = [];
  const restore = db.execute('RestoreTableToPointInTime', { SourceTableName: 'Src', TargetTableName: 'Sliced', UseLatestRestorableTime: true }).then(() => order.push('restore'));
  const before = liveItems(db, 'Src');
  const meanwhile = new Promise((resolve) => setImmediate(resolve)).then(() => put(db, 'k0', 'written during the restore')).then(() => order.push('put'));
  await Promise.all([restore, meanwhile]);
  assert.deepEqual(order, ['put', 'restore']);
  await untilActive(db, 'Sliced');
  assert.deepEqual(liveItems(db, 'Sliced'), before);
  assert.notDeepEqual(liveItems(db, 'Src'), before);
  await db.close();
});
