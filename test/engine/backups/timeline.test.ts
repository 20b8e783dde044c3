// The timeline APIs: change volume per minute of one table (inserts, modifications, removals and
// TTL expiries apart, other tables left out), the table's backups and PITR window, and a preview
// of the table at a time T (counts and sizes then and now, the differing keys with both versions)
// that agrees with tableAt and restores nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodedItemSize } from '../../../src/engine/codec/item-codec';
import { tableAt, whenSettled } from '../../../src/engine/backups/pitr';
import { MINUTE_MS, preview, timeline } from '../../../src/engine/backups/timeline';
import { Clock, enablePitr, openMemory, simpleTable } from './pitr-helpers';

const put = (db: Awaited<ReturnType<typeof openMemory>>, table: string, pk: string, extra: Record<string, unknown> = {}) =>
  db.execute('PutItem', { TableName: table, Item: { pk: { S: pk }, ...extra } });

test('change volume counts each minute\'s inserts, modifications, removals and TTL expiries of the table, and nothing of other tables', async () => {
  const clock = new Clock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const db = await openMemory(clock, { ttlTransitionMs: 0 });
  await simpleTable(db, 'Tab');
  await simpleTable(db, 'Other');
  await enablePitr(db, 'Tab');
  await enablePitr(db, 'Other');
  const minute0 = clock.ms;
  await put(db, 'Tab', 'a');
  await put(db, 'Tab', 'b');
  await put(db, 'Tab', 'a', { v: { N: '1' } });
  await put(db, 'Other', 'x');
  clock.advance(2 * MINUTE_MS + 5000);
  await db.execute('DeleteItem', { TableName: 'Tab', Key: { pk: { S: 'b' } } });
  await db.execute('UpdateTimeToLive', { TableName: 'Tab', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } });
  await put(db, 'Tab', 'old', { exp: { N: String(Math.floor(clock.ms / 1000) - 10) } });
  await db.ttl.sweepNow();
  const t = await timeline(db, 'Tab');
  assert.deepEqual(t.volume, [
    { start: minute0, inserts: 2, modifications: 1, removals: 0, expiries: 0 },
    { start: minute0 + 2 * MINUTE_MS, inserts: 1, modifications: 0, removals: 2, expiries: 1 },
  ]);
  assert.deepEqual(t.pitr && { earliest: t.pitr.earliest, latest: t.pitr.latest, days: t.pitr.recoveryPeriodInDays }, { earliest: minute0, latest: clock.ms, days: 35 });
  const fiveMinutes = await timeline(db, 'Tab', { bucketMs: 5 * MINUTE_MS });
  assert.deepEqual(fiveMinutes.volume.map((b) => b.inserts + b.modifications + b.removals), [6]);
  await db.close();
});

test('the timeline lists the table\'s backups and has no PITR window while PITR is off', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await simpleTable(db, 'Tab');
  await put(db, 'Tab', 'a');
  await db.execute('CreateBackup', { TableName: 'Tab', BackupName: 'first' });
  const t = await timeline(db, 'Tab');
  assert.deepEqual(t.backups.map((b) => [b.BackupName, b.BackupType]), [['first', 'USER']]);
  assert.equal(t.pitr, undefined);
  assert.deepEqual(t.volume, [], 'without PITR in memory no history is kept');
  await db.close();
});

test('a preview gives the counts and sizes then and now and every differing key with both versions, as tableAt would restore it', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await simpleTable(db, 'Tab');
  await enablePitr(db, 'Tab');
  for (const pk of ['a', 'b', 'c', 'd']) await put(db, 'Tab', pk, { v: { S: `first-${pk}` } });
  clock.advance(1000);
  const then = clock.ms;
  clock.advance(1000);
  await put(db, 'Tab', 'a', { v: { S: 'second, and longer than the first' } });
  await db.execute('DeleteItem', { TableName: 'Tab', Key: { pk: { S: 'b' } } });
  await put(db, 'Tab', 'e');
  await put(db, 'Tab', 'f');
  await db.execute('DeleteItem', { TableName: 'Tab', Key: { pk: { S: 'f' } } });
  await put(db, 'Tab', 'c', { v: { S: 'other' } });
  await put(db, 'Tab', 'c', { v: { S: 'first-c' } });
  const p = await preview(db, 'Tab', then);
  await whenSettled(db);
  const restored = tableAt(db, { tableName: 'Tab' }, then).contents;
  assert.deepEqual(p.then, { itemCount: restored.values.length, sizeBytes: restored.values.reduce((n, v) => n + encodedItemSize(v), 0) });
  assert.deepEqual(p.now, { itemCount: db.table('Tab').itemCount, sizeBytes: db.table('Tab').sizeBytes });
  assert.equal(p.then.itemCount, 4);
  assert.equal(p.now.itemCount, 4);
  const byKey = Object.fromEntries(p.differences.map((d) => [(d.key.pk as { S: string }).S, d]));
  assert.deepEqual(Object.keys(byKey).sort(), ['a', 'b', 'e'], 'c came back to its value then, f came and went');
  assert.equal(p.differenceCount, 3);
  assert.deepEqual(byKey.a.then, { pk: { S: 'a' }, v: { S: 'first-a' } });
  assert.deepEqual(byKey.a.now, { pk: { S: 'a' }, v: { S: 'second, and longer than the first' } });
  assert.deepEqual(byKey.b, { key: { pk: { S: 'b' } }, then: { pk: { S: 'b' }, v: { S: 'first-b' } } });
  assert.deepEqual(byKey.e, { key: { pk: { S: 'e' } }, now: { pk: { S: 'e' } } });
  const limited = await preview(db, 'Tab', then, { limit: 1 });
  assert.equal(limited.differences.length, 1);
  assert.equal(limited.differenceCount, 3);
  assert.equal(db.tables.size, 1, 'a preview creates no table');
  await db.close();
});

test('a preview outside the window or of a table without PITR gets the restore errors', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await simpleTable(db, 'Tab');
  await assert.rejects(preview(db, 'Tab', clock.ms), { name: 'PointInTimeRecoveryUnavailableException' });
  await enablePitr(db, 'Tab');
  await assert.rejects(preview(db, 'Tab', clock.ms - 1), { name: 'InvalidRestoreTimeException' });
  await assert.rejects(preview(db, 'Nope', clock.ms), { name: 'TableNotFoundException' });
  await db.close();
});

test('a preview of a long history is read in slices, and its "now" is the moment of the call even if writes land meanwhile', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await simpleTable(db, 'Tab');
  await enablePitr(db, 'Tab');
  await put(db, 'Tab', 'k0', { v: { S: 'at first' } });
  const then = clock.ms;
  clock.advance(1000);
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 60_000; i++) writes.push(put(db, 'Tab', `k${i % 1000}`, { v: { N: String(i) } }));
  await Promise.all(writes);
  const atCall = db.table('Tab').codec.decode(db.table('Tab').get(db.table('Tab').keyOf({ pk: { S: 'k0' } }))!);
  const order: string[] = [];
  const seen = preview(db, 'Tab', then, { limit: 5000 }).then((p) => (order.push('preview'), p));
  const meanwhile = new Promise((resolve) => setImmediate(resolve))
    .then(() => Promise.all([put(db, 'Tab', 'k0', { v: { S: 'during the preview' } }), put(db, 'Tab', 'brand-new')]))
    .then(() => order.push('writes'));
  const [p] = await Promise.all([seen, meanwhile]);
  assert.deepEqual(order, ['writes', 'preview']);
  assert.deepEqual(p.now, { itemCount: 1000, sizeBytes: p.now.sizeBytes });
  assert.equal(p.then.itemCount, 1);
  assert.equal(p.differenceCount, 1000);
  const k0 = p.differences.find((d) => (d.key.pk as { S: string }).S === 'k0')!;
  assert.deepEqual(k0.then, { pk: { S: 'k0' }, v: { S: 'at first' } });
  assert.deepEqual(k0.now, atCall);
  assert.equal(p.differences.some((d) => (d.key.pk as { S: string }).S === 'brand-new'), false);
  await db.close();
});
