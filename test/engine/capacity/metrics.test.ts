// Counters for the last hour (per second, per index, per partition), hot keys, per-operation
// figures and money: the figures the explorer plots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { priceList } from '../../../src/engine/capacity';
import { addIndexes, compositeTable, hashTable, openDb, sized } from './helpers';

const K = (pk: string) => ({ pk: { S: pk } });
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12 * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

test('Per-second series over the window, summed per step, with totals and the busiest second', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Met');
  const start = Math.floor(clock.now / 1000);
  for (let s = 0; s < 10; s++) {
    for (let i = 0; i <= s; i++) await db.execute('PutItem', { TableName: 'Met', Item: sized(K(`k${s}-${i}`), 1500) }); // 2 WCU each
    await db.execute('GetItem', { TableName: 'Met', Key: K('k0-0'), ConsistentRead: true });
    clock.advance(1000);
  }
  clock.advance(-1000); // now is the tenth second
  const m = db.metrics.table('Met', { window: 10 });
  assert.equal(m.kind, 'TABLE');
  assert.equal(m.billingMode, 'PAY_PER_REQUEST');
  assert.equal(m.provisioned, undefined);
  assert.equal(m.series.start, start);
  assert.equal(m.series.step, 1);
  assert.deepEqual(m.series.points.writeUnits, [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
  assert.deepEqual(m.series.points.writeRequests, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(m.series.points.readUnits, Array(10).fill(1));
  assert.equal(m.series.writeUnits, 110);
  assert.equal(m.series.peakWriteUnits, 20);
  const coarse = db.metrics.table('Met', { window: 10, step: 5 });
  assert.deepEqual(coarse.series.points.writeUnits, [30, 80]);
  assert.equal(db.metrics.table('Met').series.points.writeUnits.length, 3600);
  clock.advance(3600 * 1000);
  assert.equal(db.metrics.table('Met').series.writeUnits, 0, 'an hour later the counters have aged out');
  assert.deepEqual(db.metrics.tables(), ['Met']);
  assert.equal(m.itemCount, 55);
  assert.equal(m.tableClass, 'STANDARD');
});

test('Index counters: GSI and LSI units apart from the table; reads of an index', async () => {
  const { db } = await openDb();
  await compositeTable(db, 'Ixm', { read: 10, write: 10 });
  addIndexes(
    db,
    'Ixm',
    [
      { name: 'lsi', kind: 'LSI', keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }], projection: { type: 'ALL' }, status: 'ACTIVE' },
      { name: 'gsi', kind: 'GSI', keySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], projection: { type: 'ALL' }, status: 'ACTIVE', read: 3, write: 4 },
    ],
    [{ AttributeName: 'l', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
  );
  await db.execute('PutItem', { TableName: 'Ixm', Item: sized({ pk: { S: 'a' }, sk: { S: '1' }, l: { S: 'L' }, g: { S: 'G' } }, 2000) });
  const m = db.metrics.table('Ixm');
  assert.equal(m.series.writeUnits, 4, 'the table and its LSI: 2 + 2');
  assert.equal(m.series.writeRequests, 1);
  const lsi = m.indexes.find((i) => i.name === 'lsi')!;
  const gsi = m.indexes.find((i) => i.name === 'gsi')!;
  assert.equal(lsi.kind, 'LSI');
  assert.equal(lsi.series.writeUnits, 2);
  assert.equal(lsi.provisioned, undefined);
  assert.equal(gsi.series.writeUnits, 2);
  assert.deepEqual(gsi.provisioned, { read: 3, write: 4 });
  assert.deepEqual(gsi.available, { read: 900, write: 1198 });
  assert.equal(gsi.partitions, 1);
  // A read of the GSI spends the GSI's bucket, an LSI read the table's.
  const q = db.capacity.read('Query', { ReturnConsumedCapacity: 'INDEXES' }, db.table('Ixm'), { index: 'gsi', key: undefined, bytes: 5000, consistent: false });
  assert.deepEqual(q, { TableName: 'Ixm', CapacityUnits: 1, Table: { CapacityUnits: 0 }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 1 } } });
  const l = db.capacity.read('Query', { ReturnConsumedCapacity: 'INDEXES' }, db.table('Ixm'), { index: 'lsi', bytes: 100, consistent: true, fetched: [5000, 100] });
  assert.deepEqual(l, { TableName: 'Ixm', CapacityUnits: 4, Table: { CapacityUnits: 3 }, LocalSecondaryIndexes: { lsi: { CapacityUnits: 1 } } });
  const after = db.metrics.table('Ixm');
  assert.equal(after.indexes.find((i) => i.name === 'gsi')!.available!.read, 899);
  assert.equal(after.available!.read, 2996, 'the LSI read and its table fetches: 4 of the table\'s 3000 units');
  assert.equal(db.metrics.index('Ixm', 'lsi').series.readUnits, 1);
});

test('Per-operation figures: requests, units and on-demand price per request and per million', async () => {
  const { db } = await openDb();
  await hashTable(db, 'Ops');
  for (let i = 0; i < 4; i++) await db.execute('PutItem', { TableName: 'Ops', Item: sized(K(`k${i}`), 3000) });
  for (let i = 0; i < 10; i++) await db.execute('GetItem', { TableName: 'Ops', Key: K('k0') });
  const ops = db.metrics.operations('Ops');
  assert.deepEqual(ops.map((o) => o.operation), ['GetItem', 'PutItem']);
  const put = ops.find((o) => o.operation === 'PutItem')!;
  assert.equal(put.requests, 4);
  assert.equal(put.writeUnits, 12);
  assert.equal(put.meanWriteUnits, 3);
  close(put.costPerRequest.STANDARD, 3 * 0.625e-6);
  close(put.costPerRequest.STANDARD_INFREQUENT_ACCESS, 3 * 0.78e-6);
  close(put.costPerMillion.STANDARD, 1.875);
  close(put.cost.STANDARD, 12 * 0.625e-6);
  const get = ops.find((o) => o.operation === 'GetItem')!;
  assert.equal(get.readUnits, 5);
  close(get.costPerMillion.STANDARD, 0.0625);
  close(get.costPerMillion.STANDARD_INFREQUENT_ACCESS, 0.0775);
  close(db.metrics.requestCost(2, 1), 2 * 0.125e-6 + 0.625e-6);
});

test('Hourly cost: on-demand from the window’s traffic, provisioned from the capacity, storage for both classes', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Cst');
  for (let s = 0; s < 60; s++) {
    await db.execute('PutItem', { TableName: 'Cst', Item: sized(K(`k${s}`), 2048) }); // 2 WRU
    for (let i = 0; i < 8; i++) await db.execute('GetItem', { TableName: 'Cst', Key: K('k0') }); // 0.5 RRU
    clock.advance(1000);
  }
  clock.advance(-1000);
  const t = db.table('Cst');
  const c = db.metrics.cost('Cst', { window: 60 });
  assert.equal(c.region, 'us-east-1');
  assert.equal(c.regionFallback, false);
  assert.equal(c.usage.writeUnits, 120);
  assert.equal(c.usage.readUnits, 240);
  assert.equal(c.usage.provisionedRead, 4, 'the busiest second: 8 eventually consistent reads');
  assert.equal(c.usage.provisionedWrite, 2);
  const storageHour = (cls: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS', gbMonth: number) => (((t.sizeBytes + t.itemCount * 100) / 1024 ** 3) * gbMonth) / 730;
  // 120 WRU and 240 RRU a minute: 7200 and 14400 an hour.
  close(c.perHour.STANDARD.onDemand.requests, 7200 * 0.625e-6 + 14400 * 0.125e-6);
  close(c.perHour.STANDARD_INFREQUENT_ACCESS.onDemand.requests, 7200 * 0.78e-6 + 14400 * 0.155e-6);
  close(c.perHour.STANDARD.onDemand.storage, storageHour('STANDARD', 0.25));
  close(c.perHour.STANDARD_INFREQUENT_ACCESS.onDemand.storage, storageHour('STANDARD_INFREQUENT_ACCESS', 0.1));
  close(c.perHour.STANDARD.provisioned.capacity, 4 * 0.00013 + 2 * 0.00065);
  close(c.perHour.STANDARD_INFREQUENT_ACCESS.provisioned.capacity, 4 * 0.00016 + 2 * 0.00081);
  close(c.perMonth.STANDARD.onDemand.total, c.perHour.STANDARD.onDemand.total * 730);
  assert.equal(c.current.billingMode, 'PAY_PER_REQUEST');
  close(c.current.perHour, c.perHour.STANDARD.onDemand.total);

  await hashTable(db, 'Prv', { read: 10, write: 5 });
  await db.execute('UpdateTable', { TableName: 'Prv', TableClass: 'STANDARD_INFREQUENT_ACCESS' });
  db.table('Prv').sizeBytes = 1024 ** 3;
  const p = db.metrics.cost('Prv');
  close(p.perHour.STANDARD.provisioned.capacity, 10 * 0.00013 + 5 * 0.00065);
  close(p.perHour.STANDARD_INFREQUENT_ACCESS.provisioned.capacity, 10 * 0.00016 + 5 * 0.00081);
  close(p.perHour.STANDARD.provisioned.storage, 0.25 / 730);
  close(p.perHour.STANDARD_INFREQUENT_ACCESS.provisioned.storage, 0.1 / 730);
  assert.equal(p.perHour.STANDARD.onDemand.requests, 0);
  assert.equal(p.current.tableClass, 'STANDARD_INFREQUENT_ACCESS');
  close(p.current.perMonth, (10 * 0.00016 + 5 * 0.00081 + 0.1 / 730) * 730);
  const elsewhere = db.metrics.cost('Prv', { region: 'eu-west-3' });
  assert.equal(elsewhere.regionFallback, true);
  assert.equal(elsewhere.region, 'eu-west-3');
});

test('The price list: us-east-1 after the November 2024 on-demand reduction', () => {
  const p = priceList('us-east-1');
  assert.deepEqual(p.classes.STANDARD, { readRequestUnitsPerMillion: 0.125, writeRequestUnitsPerMillion: 0.625, readCapacityUnitHour: 0.00013, writeCapacityUnitHour: 0.00065, storageGbMonth: 0.25 });
  assert.deepEqual(p.classes.STANDARD_INFREQUENT_ACCESS, { readRequestUnitsPerMillion: 0.155, writeRequestUnitsPerMillion: 0.78, readCapacityUnitHour: 0.00016, writeCapacityUnitHour: 0.00081, storageGbMonth: 0.1 });
  assert.equal(priceList().region, 'us-east-1');
});

test('Hot keys stay tracked while many one-off keys pass through', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Hkt');
  for (let i = 0; i < 5000; i++) {
    await db.execute('PutItem', { TableName: 'Hkt', Item: K(`once${i}`) });
    if (i % 10 === 0) await db.execute('PutItem', { TableName: 'Hkt', Item: K('hot') });
    if (i % 25 === 0) await db.execute('PutItem', { TableName: 'Hkt', Item: K('warm') });
    if (i % 1000 === 999) clock.advance(1000);
  }
  const top = db.metrics.hotKeys('Hkt', { limit: 2 });
  assert.deepEqual(top.map((t) => [t.key.pk, t.writeUnits]), [[{ S: 'hot' }, 500], [{ S: 'warm' }, 200]]);
});

test('Above 2,000 requests a second hot keys are sampled, and their weighted counts stay close', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Busy');
  await db.execute('PutItem', { TableName: 'Busy', Item: K('hot') });
  for (let i = 0; i < 200; i++) await db.execute('PutItem', { TableName: 'Busy', Item: K(`cold${i}`) });
  clock.advance(60_000);
  // Three seconds of 10,000 reads each: one in five is the hot key, the rest spread over 200 keys.
  const start = clock.now;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < 10_000; i++) {
      await db.execute('GetItem', { TableName: 'Busy', Key: K(i % 5 === 0 ? 'hot' : `cold${i % 200}`) });
    }
    clock.advance(1000);
  }
  clock.advance(-1000);
  assert.ok(clock.now - start < 3000);
  const [top, next] = db.metrics.hotKeys('Busy', { window: 600, limit: 2 });
  assert.deepEqual(top.key.pk, { S: 'hot' });
  // 6,000 hot reads; the first second is counted exactly, the next two one in five, weighted by five.
  assert.ok(Math.abs(top.requests - 6000) <= 600, `hot key counted ${top.requests} requests`);
  assert.ok(next.requests < top.requests / 10);
});
