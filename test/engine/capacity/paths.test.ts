// A single-item request on a table nothing throttles (on-demand, or a database opened with
// throttling: false) is counted without the admission machinery; a provisioned table that never
// runs out goes through it. The same requests must come to the same ConsumedCapacity and the
// same metrics either way. Also: partition counts follow the data size exactly, however often
// the throughput state is synced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../src/engine/database';
import { PARTITION_BYTES, Throughput } from '../../../src/engine/capacity/throttle';
import { compositeTable, openDb, sized, type Clock } from './helpers';

const key = (p: number, s: number) => ({ pk: { S: `p${p}` }, sk: { S: `s${s}` } });
const modes = ['TOTAL', 'INDEXES', 'NONE', undefined];

/** A mixed workload over several seconds and a minute boundary; every response's ConsumedCapacity. */
async function workload(db: Database, clock: Clock): Promise<unknown[]> {
  const out: unknown[] = [];
  const run = async (op: string, input: Record<string, unknown>) => {
    try {
      const r = (await db.execute(op, { TableName: 'Paths', ...input })) as Record<string, unknown>;
      out.push([op, r.ConsumedCapacity]);
    } catch (e) {
      out.push([op, (e as { type?: string }).type]);
    }
  };
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 40; i++) {
      const p = (i * 7 + round) % 13;
      const rcc = modes[i % modes.length];
      await run('PutItem', { Item: sized(key(p, i % 3), 100 + ((i * 997) % 5000)), ReturnConsumedCapacity: rcc });
      await run('GetItem', { Key: key(p, i % 4), ConsistentRead: i % 2 === 0, ReturnConsumedCapacity: rcc });
      if (i % 5 === 0) await run('PutItem', { Item: key(p, 0), ConditionExpression: 'attribute_not_exists(pk)', ReturnConsumedCapacity: rcc });
      if (i % 6 === 0) await run('UpdateItem', { Key: key(p, 1), UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: `${i}` } }, ReturnConsumedCapacity: rcc });
      if (i % 7 === 0) await run('DeleteItem', { Key: key(p, 2), ReturnConsumedCapacity: rcc });
      if (i % 8 === 0) await run('Query', { KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: `p${p}` } }, ReturnConsumedCapacity: rcc });
    }
    await run('Scan', { Limit: 5, ReturnConsumedCapacity: 'TOTAL' });
    await run('BatchGetItem', { RequestItems: { Paths: { Keys: [key(1, 0), key(2, 1), key(3, 9)] } }, ReturnConsumedCapacity: 'INDEXES' });
    await run('BatchWriteItem', { RequestItems: { Paths: [{ PutRequest: { Item: sized(key(4, 5), 3000) } }, { DeleteRequest: { Key: key(5, 0) } }] }, ReturnConsumedCapacity: 'TOTAL' });
    clock.advance(round === 1 ? 45_000 : 1_300);
  }
  return out;
}

function metricsOf(db: Database) {
  const t = db.metrics.table('Paths', { window: 600 });
  return {
    partitions: t.partitions,
    series: t.series,
    perPartition: db.metrics.partitions('Paths', { window: 600 }),
    hot: db.metrics.hotKeys('Paths', { window: 600, limit: 100 }),
    operations: db.metrics.operations('Paths', { window: 600 }),
  };
}

async function run(throughput: { read: number; write: number } | undefined, throttling: boolean) {
  const { db, clock } = await openDb({ throttling });
  await compositeTable(db, 'Paths', throughput);
  const responses = await workload(db, clock);
  return { responses, metrics: metricsOf(db) };
}

test('Unthrottled requests are counted exactly as admitted ones (ConsumedCapacity, series, partitions, hot keys, operations)', async () => {
  // 12,000 RCU / 4,000 WCU: the eight partitions an on-demand table starts with.
  const admitted = await run({ read: 12_000, write: 4_000 }, true);
  const off = await run({ read: 12_000, write: 4_000 }, false);
  const onDemand = await run(undefined, true);
  assert.equal(admitted.metrics.partitions, 8);
  assert.ok(admitted.metrics.series.readRequests > 100 && admitted.metrics.series.writeRequests > 100);
  assert.deepEqual(off, admitted);
  assert.deepEqual(onDemand, admitted);
});

test('The same with a single partition (no key hashing needed)', async () => {
  const admitted = await run({ read: 50, write: 50 }, true);
  const off = await run({ read: 50, write: 50 }, false);
  assert.equal(admitted.metrics.partitions, 1);
  assert.ok(!admitted.responses.some((r) => (r as unknown[])[1] === 'ProvisionedThroughputExceededException'));
  assert.deepEqual(off, admitted);
});

test('Partition count follows the size across each 10 GB boundary, synced every call or not', () => {
  const t = new Throughput();
  const now = 0;
  t.sync(false, 0, 0, 0, now);
  assert.equal(t.partitions, 8);
  t.sync(false, 0, 0, 8 * PARTITION_BYTES, now);
  assert.equal(t.partitions, 8, 'exactly full still fits');
  t.sync(false, 0, 0, 8 * PARTITION_BYTES + 1, now);
  assert.equal(t.partitions, 9);
  t.sync(false, 0, 0, 0, now);
  assert.equal(t.partitions, 9, 'partitions never merge');
  t.sync(false, 0, 0, 9 * PARTITION_BYTES + 1, now);
  assert.equal(t.partitions, 10);
  // Back to provisioned: buckets appear, and a changed rate applies at once.
  t.sync(true, 5, 5, 0, now);
  assert.equal(t.bucket('read')!.capacity, 1500);
  t.sync(true, 5, 5, 0, now);
  assert.equal(t.bucket('read')!.capacity, 1500);
  t.sync(true, 7, 5, 0, now);
  assert.equal(t.bucket('read')!.capacity, 2100);
  t.sync(false, 7, 5, 0, now);
  assert.equal(t.bucket('read'), undefined);
});
