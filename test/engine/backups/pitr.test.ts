// Point-in-time recovery in the engine: UpdateContinuousBackups and DescribeContinuousBackups
// with DynamoDB's shapes and errors, and tableAt: the table (items, indexes, settings) exactly as
// it was at a moment of the window, in memory and from the log on disk, across a reopen and a
// checkpoint, and with the window's start moved when the history cap cuts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { tableAt, pitrWindow, whenSettled, DAY_MS } from '../../../src/engine/backups/pitr';
import { rejects } from '../indexes/helpers';
import { Clock, decodeContents, enablePitr, openMemory, options, simpleTable, withDataDir } from './pitr-helpers';

const put = (db: Database, pk: string, v: string) => db.execute('PutItem', { TableName: 'Tab', Item: { pk: { S: pk }, v: { S: v } } });
const del = (db: Database, pk: string) => db.execute('DeleteItem', { TableName: 'Tab', Key: { pk: { S: pk } } });

function itemsAt(db: Database, time: number): string[] {
  const { meta, contents } = tableAt(db, { tableName: 'Tab' }, time);
  return decodeContents(meta, contents);
}
const item = (pk: string, v: string) => JSON.stringify({ pk: { S: pk }, v: { S: v } });

test('DescribeContinuousBackups says PITR is disabled until UpdateContinuousBackups enables it, then gives the window in seconds', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await simpleTable(db);
  assert.deepEqual(await db.execute('DescribeContinuousBackups', { TableName: 'Tab' }), {
    ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } },
  });
  const enabledAt = clock.ms;
  const updated = await enablePitr(db);
  const expected = (latest: number) => ({
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED', RecoveryPeriodInDays: 35, EarliestRestorableDateTime: enabledAt / 1000, LatestRestorableDateTime: latest / 1000 },
    },
  });
  assert.deepEqual(updated, expected(enabledAt));
  clock.advance(90_000);
  assert.deepEqual(await db.execute('DescribeContinuousBackups', { TableName: db.table('Tab').meta.arn }), expected(clock.ms));
  await db.close();
});

test('a shorter recovery period moves the earliest restorable time forward once the period has passed, and disabling ends the window', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await simpleTable(db);
  const enabledAt = clock.ms;
  await enablePitr(db);
  clock.advance(3 * DAY_MS);
  const out = (await enablePitr(db, 'Tab', 1)) as { ContinuousBackupsDescription: { PointInTimeRecoveryDescription: Record<string, unknown> } };
  assert.equal(out.ContinuousBackupsDescription.PointInTimeRecoveryDescription.RecoveryPeriodInDays, 1);
  assert.equal(out.ContinuousBackupsDescription.PointInTimeRecoveryDescription.EarliestRestorableDateTime, (clock.ms - DAY_MS) / 1000);
  assert.ok(clock.ms - DAY_MS > enabledAt);
  const off = await db.execute('UpdateContinuousBackups', { TableName: 'Tab', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } });
  assert.deepEqual(off, { ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } } });
  assert.equal(pitrWindow(db, 'Tab'), undefined);
  await db.close();
});

test('UpdateContinuousBackups and DescribeContinuousBackups refuse bad input with DynamoDB error types', async () => {
  const db = await openMemory(new Clock());
  await simpleTable(db);
  await rejects(db, 'DescribeContinuousBackups', { TableName: 'Nope' }, 'TableNotFoundException', 'Table not found: Nope');
  await rejects(db, 'UpdateContinuousBackups', { TableName: 'Nope', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }, 'TableNotFoundException', 'Table not found: Nope');
  await rejects(db, 'DescribeContinuousBackups', { TableName: 'arn:aws:dynamodb:us-east-1:000000000000:table/Gone' }, 'TableNotFoundException', 'Table not found: arn:aws:dynamodb:us-east-1:000000000000:table/Gone');
  for (const days of [0, 36]) {
    await rejects(db, 'UpdateContinuousBackups', { TableName: 'Tab', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: days } }, 'ValidationException',
      new RegExp(`Value '${days}' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value (greater|less) than or equal to (1|35)`));
  }
  await rejects(db, 'UpdateContinuousBackups', { TableName: 'Tab' }, 'ValidationException', /Value null at 'pointInTimeRecoverySpecification' failed to satisfy constraint: Member must not be null/);
  await rejects(db, 'UpdateContinuousBackups', { TableName: 'Tab', PointInTimeRecoverySpecification: {} }, 'ValidationException', /pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled/);
  await rejects(db, 'UpdateContinuousBackups', { TableName: 'Tab', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false, RecoveryPeriodInDays: 3 } }, 'ValidationException', /RecoveryPeriodInDays can only be specified/);
  await db.close();
});

test('tableAt gives the items as they were at each moment: before and after puts, overwrites and deletes', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await simpleTable(db);
  await put(db, 'a', 'before-pitr');
  await enablePitr(db);
  const t0 = clock.ms;
  clock.advance(1000);
  await put(db, 'b', '1');
  const t1 = clock.ms;
  clock.advance(1000);
  await put(db, 'a', '2');
  await del(db, 'b');
  const t2 = clock.ms;
  clock.advance(1000);
  await put(db, 'c', '3');
  await put(db, 'b', '4');
  assert.deepEqual(itemsAt(db, t0), [item('a', 'before-pitr')]);
  assert.deepEqual(itemsAt(db, t1).sort(), [item('a', 'before-pitr'), item('b', '1')].sort());
  assert.deepEqual(itemsAt(db, t2), [item('a', '2')]);
  assert.deepEqual(itemsAt(db, clock.ms).sort(), [item('a', '2'), item('b', '4'), item('c', '3')].sort());
  await db.close();
});

test('tableAt refuses a table without PITR, a missing table, and a time outside the window', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await simpleTable(db);
  assert.throws(() => tableAt(db, { tableName: 'Tab' }, clock.ms), { name: 'PointInTimeRecoveryUnavailableException' });
  assert.throws(() => tableAt(db, { tableName: 'Nope' }, clock.ms), { name: 'TableNotFoundException', message: 'Table not found: Nope' });
  await enablePitr(db);
  const start = clock.ms;
  clock.advance(5000);
  assert.throws(() => tableAt(db, { tableName: 'Tab' }, start - 1), { name: 'InvalidRestoreTimeException' });
  assert.throws(() => tableAt(db, { tableName: 'Tab' }, clock.ms + 1), { name: 'InvalidRestoreTimeException' });
  assert.doesNotThrow(() => tableAt(db, { tableArn: db.table('Tab').meta.arn }, start));
  await db.close();
});

test('tableAt gives the indexes and settings the table had then: a GSI added later is absent, one deleted later is present', async () => {
  const clock = new Clock();
  const db = await openMemory(clock, { indexTimings: { allocationMs: 0, deletionMs: 0 } });
  await simpleTable(db);
  await enablePitr(db);
  clock.advance(1000);
  const before = clock.ms;
  clock.advance(1000);
  await db.execute('UpdateTable', {
    TableName: 'Tab',
    AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
  });
  for (let i = 0; i < 100 && db.table('Tab').meta.indexes?.[0]?.status !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 5));
  clock.advance(1000);
  const withIndex = clock.ms;
  clock.advance(1000);
  await db.execute('UpdateTable', { TableName: 'Tab', DeletionProtectionEnabled: true });
  clock.advance(1000);
  await db.execute('UpdateTable', { TableName: 'Tab', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }] });
  for (let i = 0; i < 100 && (db.table('Tab').meta.indexes?.length ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(tableAt(db, { tableName: 'Tab' }, before).meta.indexes?.length ?? 0, 0);
  const then = tableAt(db, { tableName: 'Tab' }, withIndex).meta;
  assert.deepEqual(then.indexes?.map((i) => i.name), ['byG']);
  assert.equal(then.deletionProtection, false);
  const now = tableAt(db, { tableName: 'Tab' }, clock.ms).meta;
  assert.equal(now.deletionProtection, true);
  assert.equal(now.indexes?.length ?? 0, 0);
  assert.equal(now.priorMeta, undefined, 'what tableAt gives carries no history of its own');
  await db.close();
});

test('on disk, the window and the history survive a checkpoint and a reopen, and tableAt reads them from the log', async () => {
  await withDataDir(async (dir) => {
    const clock = new Clock();
    let db = await Database.open(dir, options(clock, { segmentBytes: 64 * 1024 }));
    await simpleTable(db);
    await enablePitr(db);
    const enabledAt = clock.ms;
    const snapshots: Array<[number, string[]]> = [];
    for (let round = 0; round < 6; round++) {
      clock.advance(1000);
      for (let i = 0; i < 200; i++) await put(db, `k${(i * 7 + round) % 150}`, `r${round}-${'x'.repeat(100)}`);
      if (round % 2 === 1) await del(db, `k${round}`);
      await whenSettled(db);
      snapshots.push([clock.ms, itemsAt(db, clock.ms)]);
      if (round === 2) await db.checkpoint();
    }
    await db.close();
    db = await Database.open(dir, options(clock, { segmentBytes: 64 * 1024 }));
    assert.ok(db.logStore!.segments.length > 2, 'the history spans several segments');
    assert.equal(pitrWindow(db, 'Tab')?.earliest, enabledAt);
    for (const [time, items] of snapshots) assert.deepEqual(itemsAt(db, time), items, `at ${time}`);
    await db.close();
  });
});

test('when the history cap cuts the history, the earliest restorable time moves to the oldest change kept, and DescribeContinuousBackups says so', async () => {
  const clock = new Clock();
  const db = await openMemory(clock, { logHistoryBytes: 20_000 });
  await simpleTable(db);
  await enablePitr(db);
  const enabledAt = clock.ms;
  for (let i = 0; i < 200; i++) {
    clock.advance(1000);
    await put(db, `k${i % 10}`, 'y'.repeat(200));
  }
  const window = pitrWindow(db, 'Tab')!;
  assert.ok(window.earliest > enabledAt + 100_000, `earliest ${window.earliest - enabledAt} ms after enabling`);
  const described = (await db.execute('DescribeContinuousBackups', { TableName: 'Tab' })) as { ContinuousBackupsDescription: { PointInTimeRecoveryDescription: { EarliestRestorableDateTime: number } } };
  assert.equal(described.ContinuousBackupsDescription.PointInTimeRecoveryDescription.EarliestRestorableDateTime, window.earliest / 1000);
  assert.throws(() => tableAt(db, { tableName: 'Tab' }, window.earliest - 1), { name: 'InvalidRestoreTimeException' });
  assert.equal(itemsAt(db, window.earliest).length, 10);
  await db.close();
});

test('PITR alone keeps history in the segment files, not in the log\'s in-memory tail (which would slow every write), and restores read it from there', async () => {
  await withDataDir(async (dir) => {
    const clock = new Clock();
    const db = await Database.open(dir, options(clock));
    await simpleTable(db);
    await enablePitr(db);
    const start = clock.ms;
    for (let i = 0; i < 20; i++) {
      clock.advance(100);
      await put(db, `k${i % 5}`, `v${i}`);
    }
    assert.equal(db.logStore!.tailCache.records, 0);
    await whenSettled(db);
    assert.deepEqual(itemsAt(db, start + 250).sort(), [item('k0', 'v0'), item('k1', 'v1')]);
    await db.close();
  });
});

test('deleting the last table with PITR on lets the log drop the history PITR kept, at the next checkpoint', async () => {
  await withDataDir(async (dir) => {
    const clock = new Clock();
    const db = await Database.open(dir, options(clock, { segmentBytes: 4096 }));
    await simpleTable(db);
    await simpleTable(db, 'Other');
    await enablePitr(db);
    const fill = async (n: number) => {
      for (let i = 0; i < n; i++) await db.execute('PutItem', { TableName: 'Other', Item: { pk: { S: `o${i}` }, pad: { S: 'z'.repeat(300) } } });
      await db.checkpoint();
    };
    await fill(40);
    const oldest = db.logStore!.segments[0].firstLsn;
    await fill(10);
    assert.equal(db.logStore!.segments[0].firstLsn, oldest, 'kept while PITR is on');
    await db.execute('DeleteTable', { TableName: 'Tab' });
    await fill(10);
    assert.ok(db.logStore!.segments[0].firstLsn > oldest, 'dropped once no table has PITR');
    await db.close();
  });
});
