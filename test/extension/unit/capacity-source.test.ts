// What the capacity panel and the throttling status item read from a real engine: consumed units
// per second against provisioned capacity, throttles at the seconds they happened, hot keys and
// the cost estimate; and the plain answers for connections that keep no counters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capacitySnapshot, keyText, metricsOf, throttleSummary, throttledTables } from '../../../src/extension/capacity-source';
import type { Connection } from '../../../src/extension/connection';
import { hashTable, openDb } from '../../engine/capacity/helpers';

/** Writes `count` one-unit items to `table`, one per tick of the clock; returns how many throttled. */
async function write(db: Awaited<ReturnType<typeof openDb>>['db'], table: string, count: number, pk: (i: number) => string): Promise<number> {
  let throttled = 0;
  for (let i = 0; i < count; i++) {
    try {
      await db.execute('PutItem', { TableName: table, Item: { pk: { S: pk(i) } } });
    } catch (e) {
      assert.equal((e as { type?: string }).type ?? (e as Error).name, 'ProvisionedThroughputExceededException');
      throttled++;
    }
  }
  return throttled;
}

describe('the capacity snapshot of a table', () => {
  it('shows writes above the provisioned 1 WCU until the burst runs out, then throttles at that second', async () => {
    const { db, clock } = await openDb();
    await hashTable(db, 'Orders', { read: 1, write: 1 });
    // the bucket starts with 300 s of unused capacity: 300 one-unit writes pass in the first second
    const first = await write(db, 'Orders', 320, (i) => `order#${i % 3}`);
    assert.equal(first, 20);
    clock.advance(5000);
    // five seconds at 1 WCU refill five units: five writes pass, five throttle
    const later = await write(db, 'Orders', 10, () => 'order#0');
    assert.equal(later, 5);
    const snap = capacitySnapshot(db.metrics, 'Orders', undefined, '5m', clock.now);
    assert.equal(snap.billingMode, 'PROVISIONED');
    assert.deepEqual(snap.provisioned, { read: 1, write: 1 });
    assert.equal(snap.series.step, 1000);
    const n = snap.series.writeUnits.length;
    assert.equal(n, 300);
    // the last point is now; the burst was five seconds earlier
    assert.equal(snap.series.start + (n - 1) * snap.series.step, Math.floor(clock.now / 1000) * 1000);
    const burst = n - 6;
    assert.equal(snap.series.writeUnits[burst], 300);
    assert.ok(snap.series.writeUnits[burst]! > snap.provisioned!.write, 'consumed above provisioned');
    assert.equal(snap.series.throttledWrites[burst], 20);
    assert.equal(snap.series.throttledWrites[n - 1], later);
    assert.equal(snap.totals.throttledWrites, 20 + later);
    assert.equal(snap.series.throttledWrites.reduce((a, b) => a + b, 0), 20 + later);
    // the hot keys: order#0 took most writes
    assert.equal(snap.hotKeys[0]!.key, 'order#0');
    assert.equal(snap.hotKeys[0]!.attribute, 'pk');
    assert.ok(snap.hotKeys[0]!.throttled > 0);
    await db.close();
  });

  it('says since when it counted only where the window reaches back before that', async () => {
    const { db, clock } = await openDb();
    await hashTable(db, 'Since', { read: 1, write: 1 });
    const openedAt = clock.now - 60_000;
    assert.equal(capacitySnapshot(db.metrics, 'Since', undefined, '5m', clock.now, openedAt).countingSince, openedAt);
    assert.equal(capacitySnapshot(db.metrics, 'Since', undefined, '5m', clock.now, clock.now - 3_600_000).countingSince, undefined);
    assert.equal(capacitySnapshot(db.metrics, 'Since', undefined, '5m', clock.now).countingSince, undefined);
    await db.close();
  });

  it('turns step sums into rates per second for coarser steps', async () => {
    const { db, clock } = await openDb();
    await hashTable(db, 'Rates', { read: 100, write: 100 });
    await write(db, 'Rates', 50, (i) => `k${i}`);
    const snap = capacitySnapshot(db.metrics, 'Rates', undefined, '1h', clock.now);
    assert.equal(snap.series.step, 10_000);
    assert.equal(snap.series.writeUnits.length, 360);
    assert.equal(snap.series.writeUnits.reduce((a, b) => a + b, 0), 5, '50 units over a 10 s step are 5 per second');
    assert.equal(snap.totals.writeUnits, 50);
    await db.close();
  });

  it('prices both capacity modes and both table classes, the table as configured among them', async () => {
    const { db, clock } = await openDb();
    await hashTable(db, 'Priced', { read: 5, write: 5 });
    await write(db, 'Priced', 10, (i) => `k${i}`);
    const { cost } = capacitySnapshot(db.metrics, 'Priced', undefined, '1h', clock.now);
    assert.equal(cost.current.billingMode, 'PROVISIONED');
    assert.equal(cost.current.perMonth, cost.perMonth.STANDARD.provisioned.total);
    assert.ok(cost.perMonth.STANDARD.provisioned.capacity > cost.perMonth.STANDARD_INFREQUENT_ACCESS.provisioned.capacity * 0.5);
    assert.ok(cost.perMonth.STANDARD.onDemand.requests > 0);
    assert.equal(cost.writeUnits, 10);
    await db.close();
  });

  it('reads an index of the table, and refuses a table or index that does not exist with DynamoDB\'s error', async () => {
    const { db, clock } = await openDb();
    await db.execute('CreateTable', {
      TableName: 'Idx',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    });
    await db.execute('PutItem', { TableName: 'Idx', Item: { pk: { S: 'a' }, g: { S: 'group-1' } } });
    const snap = capacitySnapshot(db.metrics, 'Idx', 'byG', '5m', clock.now);
    assert.deepEqual(snap.resource, { name: 'byG', kind: 'GSI' });
    assert.deepEqual(snap.indexes, [{ name: 'byG', kind: 'GSI' }]);
    assert.equal(snap.totals.writeUnits, 1);
    assert.equal(snap.hotKeys[0]?.key, 'group-1');
    assert.throws(() => capacitySnapshot(db.metrics, 'Nope', undefined, '5m'), { name: 'ResourceNotFoundException', message: /Table: Nope not found/ });
    assert.throws(() => capacitySnapshot(db.metrics, 'Idx', 'nope', '5m'), { name: 'ResourceNotFoundException', message: /Index: nope/ });
    await db.close();
  });
});

describe('tables that throttle now', () => {
  it('lists a table while it throttled in the last ten seconds, and not after', async () => {
    const { db, clock } = await openDb();
    await hashTable(db, 'Orders', { read: 1, write: 1 });
    await hashTable(db, 'Quiet', { read: 1, write: 1 });
    assert.deepEqual(throttledTables(db.metrics), []);
    await write(db, 'Orders', 305, (i) => `o${i}`);
    assert.deepEqual(throttledTables(db.metrics), [{ table: 'Orders', throttled: 5 }]);
    clock.advance(9000);
    assert.equal(throttledTables(db.metrics).length, 1);
    clock.advance(2000);
    assert.deepEqual(throttledTables(db.metrics), []);
    await db.close();
  });
});

describe('the throttling status item\'s words', () => {
  it('names the most throttled table, counts the others, and opens the first', () => {
    assert.equal(throttleSummary([]), undefined);
    const one = throttleSummary([{ connectionId: 'workspace:a', connectionLabel: 'app', table: 'Orders', throttled: 1 }])!;
    assert.equal(one.text, '$(warning) Orders throttled');
    assert.deepEqual(one.lines, ['Orders (app): 1 throttled request in the last 10 s']);
    const three = throttleSummary([
      { connectionId: 'workspace:a', connectionLabel: 'app', table: 'Orders', throttled: 1200 },
      { connectionId: 'workspace:a', connectionLabel: 'app', table: 'Users', throttled: 3 },
      { connectionId: 'workspace:b', connectionLabel: 'api', table: 'Carts', throttled: 2 },
    ])!;
    assert.equal(three.text, '$(warning) Orders throttled (+2 more)');
    assert.equal(three.lines[0], 'Orders (app): 1,200 throttled requests in the last 10 s');
    assert.equal(three.open.table, 'Orders');
  });
});

describe('connections without counters', () => {
  const conn = (kind: Connection['kind'], extra: object = {}) => ({ id: kind, label: 'prod', kind, endpoint: undefined, detail: '', ...extra }) as unknown as Connection;

  it('says a remote connection needs the workspace database, and a shared one the other window', () => {
    const remote = metricsOf(conn('remote'));
    assert.ok('reason' in remote);
    assert.match(remote.reason, /need the workspace database/);
    assert.match(remote.reason, /CloudWatch/);
    const shared = metricsOf(conn('shared'));
    assert.ok('reason' in shared);
    assert.match(shared.reason, /another process/);
  });

  it('reads the workspace engine\'s counters, and since when it has kept them', async () => {
    const { db } = await openDb();
    const got = metricsOf(conn('workspace', { metrics: db.metrics, openedAt: 1234 }));
    assert.ok('metrics' in got && got.metrics === db.metrics);
    assert.equal(got.since, 1234);
    await db.close();
  });

  it('writes key values as a person reads them', () => {
    assert.equal(keyText({ S: 'user#1' }), 'user#1');
    assert.equal(keyText({ N: '42' }), '42');
    assert.equal(keyText({ B: 'AAE=' }), '<binary AAE=>');
  });
});
