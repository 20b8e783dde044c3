// The log store under injected faults (FaultFileSystem: a full or failing disk, a kill -9, a power
// loss that drops, keeps or tears what was not synced): problems 2 and 4 of issue 11, and the
// dictionary rule of problem 9 as a refused write exercises it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { DynamoDBError } from '../../../src/engine/errors';
import type { Durability } from '../../../src/engine/log/writer';
import { FaultFileSystem } from './fault-fs';
import { THINGS } from './helpers';

const DIR = '/data';
const MODES: Durability[] = ['process', 'disk'];

const put = (db: Database, pk: string, v: string, extra: Record<string, unknown> = {}) =>
  db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: pk }, v: { S: v }, ...extra } });
const get = async (db: Database, pk: string): Promise<Record<string, any> | undefined> =>
  ((await db.execute('GetItem', { TableName: 'Things', Key: { pk: { S: pk } } })) as { Item?: Record<string, any> }).Item;

function isRefusal(e: unknown): boolean {
  assert.ok(e instanceof DynamoDBError, `a DynamoDB error, not ${String(e)}`);
  assert.equal(e.type, 'InternalServerError');
  assert.doesNotMatch(e.message, /ENOSPC|EIO|no space/i, 'the raw system error stays out of what clients see');
  assert.match(e.message, /must be reopened/);
  return true;
}

for (const durability of MODES) {
  test(`problem 4 ('${durability}'): a write the log refuses, and the writes queued behind it, are never visible; later writes are refused, reads go on`, async (t) => {
    t.mock.method(console, 'error', () => undefined);
    const files = new FaultFileSystem();
    const db = await Database.open(DIR, { fileSystem: files, durability });
    await db.execute('CreateTable', THINGS);
    await put(db, 'a', 'one');
    await db.execute('DeleteItem', { TableName: 'Things', Key: { pk: { S: 'gone' } } });
    await put(db, 'd', 'kept');
    files.failAfter({ writes: 0, code: 'ENOSPC' });
    // One batch: an overwrite, a new item, a delete; and a read issued while they are in memory.
    const writes = [
      put(db, 'a', 'two'),
      put(db, 'b', 'new', { fresh: { N: '1' } }),
      db.execute('DeleteItem', { TableName: 'Things', Key: { pk: { S: 'd' } } }),
      db.execute('UpdateItem', { TableName: 'Things', Key: { pk: { S: 'c' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: 'c' } } }),
    ];
    const racingRead = get(db, 'a');
    for (const r of await Promise.allSettled(writes)) assert.ok(r.status === 'rejected' && isRefusal(r.reason));
    assert.equal((await racingRead)?.v.S, 'one', 'a read that saw the refused write answers from what is really there');
    assert.equal((await get(db, 'a'))?.v.S, 'one');
    assert.equal(await get(db, 'b'), undefined);
    assert.equal(await get(db, 'c'), undefined);
    assert.equal((await get(db, 'd'))?.v.S, 'kept');
    assert.equal(((await db.execute('Scan', { TableName: 'Things' })) as any).Count, 2);
    await assert.rejects(put(db, 'e', 'later'), isRefusal);
    await assert.rejects(db.execute('CreateTable', { ...THINGS, TableName: 'Other' }), isRefusal);
    assert.equal(((await db.execute('ListTables', {})) as any).TableNames.length, 1, 'the refused CreateTable left no table');
    await db.close();
    // Reopened on a healthy disk, the folder holds the acknowledged writes only.
    files.heal();
    const again = await Database.open(DIR, { fileSystem: files.crashProcessOnly() });
    assert.equal((await get(again, 'a'))?.v.S, 'one');
    assert.equal(await get(again, 'b'), undefined);
    assert.equal((await get(again, 'd'))?.v.S, 'kept');
    await put(again, 'b', 'after the reopen', { fresh: { N: '2' } });
    assert.equal((await get(again, 'b'))?.fresh.N, '2');
    await again.close();
  });
}

test("problem 4: a failed background flush ('process' mode) stops the log: later writes are refused with InternalServerError", async (t) => {
  t.mock.method(console, 'error', () => undefined);
  const files = new FaultFileSystem();
  const db = await Database.open(DIR, { fileSystem: files, syncIntervalMs: 1 });
  await db.execute('CreateTable', THINGS);
  files.failAfter({ syncs: 0, code: 'EIO' });
  await put(db, 'a', 'acknowledged before the flush failed');
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(put(db, 'b', 'after'), isRefusal);
  assert.equal((await get(db, 'a'))?.v.S, 'acknowledged before the flush failed', 'reads go on');
  await db.close();
});

test('problem 2: what recovery replayed is made durable at open, so a power loss after the next run cannot open a hole before it', async () => {
  let files = new FaultFileSystem();
  // Run 1 is killed with its writes only in the page cache (no flush for a minute).
  let db = await Database.open(DIR, { fileSystem: files, syncIntervalMs: 60_000 });
  await db.execute('CreateTable', THINGS);
  for (let i = 0; i < 20; i++) await put(db, `run1-${i}`, 'x'.repeat(100));
  files = files.crashProcessOnly();
  // Run 2 replays them, writes durably ('disk'), then the power goes: everything not synced is lost.
  db = await Database.open(DIR, { fileSystem: files, durability: 'disk' });
  for (let i = 0; i < 5; i++) await put(db, `run2-${i}`, 'y');
  files = files.crash({ mode: 'lose' });
  db = await Database.open(DIR, { fileSystem: files });
  const scan = (await db.execute('Scan', { TableName: 'Things' })) as any;
  assert.equal(scan.Count, 25, 'every write of both runs');
  await db.close();
});

test('problem 9: a write refused after its item was encoded leaves no dictionary entry behind that later records would lack', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  const files = new FaultFileSystem();
  let db = await Database.open(DIR, { fileSystem: files });
  await db.execute('CreateTable', THINGS);
  await put(db, 'plain', 'v');
  const codec = db.tables.get('Things')!.codec;
  const before = codec.dictionary();
  files.failAfter({ writes: 0, code: 'ENOSPC' });
  await assert.rejects(put(db, 'odd', 'v', { brandNew: { S: 'attribute' } }), isRefusal);
  await assert.rejects(put(db, 'odd2', 'v', { brandNew: { S: 'again' } }), isRefusal);
  assert.deepEqual(codec.dictionary(), before, 'neither the name nor the shape of the refused items stayed');
  await db.close();
  files.heal();
  const healthy = files.crashProcessOnly();
  db = await Database.open(DIR, { fileSystem: healthy });
  await put(db, 'odd', 'v', { brandNew: { S: 'now it commits' } });
  await db.close();
  db = await Database.open(DIR, { fileSystem: healthy.crashProcessOnly() });
  assert.equal((await get(db, 'odd'))?.brandNew.S, 'now it commits');
  await db.close();
});
