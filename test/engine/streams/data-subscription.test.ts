// subscribeStream: the engine's own stream consumer. It delivers the records GetRecords returns,
// as they become readable, from the oldest record or from now on, across shard rollovers, each
// once and in order, and stops when asked or when its stream ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { maintainStreams } from '../../../src/engine/streams/shards';
import { subscribeStream } from '../../../src/engine/streams/subscription';
import type { StreamRecord } from '../../../src/engine/streams/records';
import { FaultFileSystem } from '../log/fault-fs';
import { createStreamTable, drainStream, key, openMemory, put, rejects, streamArnOf, testClock } from './data-helpers';

const sk = (r: StreamRecord) => Number((r.dynamodb.Keys.sk as { N: string }).N);

/** Resolves once `records` holds `n` records (the subscription delivers from the event loop). */
async function until(records: StreamRecord[], n: number): Promise<void> {
  for (let i = 0; i < 500 && records.length < n; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(records.length, n);
}

test('from TRIM_HORIZON a subscriber gets the records already there, then each new one, the same as GetRecords gives', async () => {
  const db = await openMemory();
  await createStreamTable(db);
  for (let i = 0; i < 3; i++) await put(db, key('a', i));
  const got: StreamRecord[] = [];
  const stop = subscribeStream(db, 'Events', { from: 'TRIM_HORIZON' }, (records) => got.push(...records));
  await until(got, 3);
  for (let i = 3; i < 6; i++) await put(db, key('a', i));
  await until(got, 6);
  assert.deepEqual(got, await drainStream(db, await streamArnOf(db)));
  stop();
  await db.close();
});

test('from LATEST a subscriber gets only what comes after, and nothing once it stops', async () => {
  const db = await openMemory();
  await createStreamTable(db);
  await put(db, key('a', 0));
  const got: StreamRecord[] = [];
  const stop = subscribeStream(db, 'Events', { from: 'LATEST' }, (records) => got.push(...records));
  await put(db, key('a', 1));
  await until(got, 1);
  stop();
  await put(db, key('a', 2));
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(got.map(sk), [1]);
  await db.close();
});

test('a subscription follows shard rollovers without a gap or a repeat, and ends with its stream', async () => {
  const clock = testClock();
  const db = await openMemory({ now: clock.now });
  await createStreamTable(db);
  const got: StreamRecord[] = [];
  subscribeStream(db, 'Events', { from: 'TRIM_HORIZON' }, (records) => got.push(...records));
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5; i++) await put(db, key('a', round * 5 + i));
    clock.advance(1000);
    await maintainStreams(db, { rolloverMs: 1 });
  }
  await until(got, 15);
  assert.deepEqual(got.map(sk), Array.from({ length: 15 }, (_, i) => i));
  await db.execute('UpdateTable', { TableName: 'Events', StreamSpecification: { StreamEnabled: false } });
  await put(db, key('a', 99));
  await db.execute('UpdateTable', { TableName: 'Events', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
  await put(db, key('a', 100));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(got.length, 15, "a disabled stream's subscription ends; a new stream is another subscription's");
  await db.close();
});

test("on a data folder in 'process' durability, records are delivered once synced", async () => {
  const db = await Database.open('/data', { fileSystem: new FaultFileSystem(), syncIntervalMs: 3_600_000 });
  await createStreamTable(db);
  const got: StreamRecord[] = [];
  const stop = subscribeStream(db, 'Events', { from: 'TRIM_HORIZON' }, (records) => got.push(...records));
  await put(db, key('a', 1));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(got.length, 0, 'not synced yet');
  await db.logStore!.sync();
  await until(got, 1);
  stop();
  await db.close();
});

test('a table without a stream, or no table, cannot be subscribed to', async () => {
  const db = await openMemory();
  await db.execute('CreateTable', {
    TableName: 'Plain',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await rejects(async () => subscribeStream(db, 'Plain', { from: 'LATEST' }, () => undefined), 'ValidationException', 'Table Plain has no readable stream');
  await rejects(async () => subscribeStream(db, 'Missing', { from: 'LATEST' }, () => undefined), 'ResourceNotFoundException', /not found/);
  await db.close();
});
