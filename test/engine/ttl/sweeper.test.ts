// The TTL sweeper (src/engine/ttl/sweeper.ts) on the real engine: it deletes items whose TTL
// passed and nothing else, through ordinary logged deletions (origin 'ttl') that indexes follow,
// re-checks each item right before deleting it, consumes no capacity, leaves expired items
// readable until it gets to them, and picks up where it left off after a reopen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { expiredDeletions } from '../../../src/engine/ttl';
import { itemSize } from '../../../src/engine/types/attribute-validation';
import type { Item } from '../../../src/engine/types/attribute-value';
import type { Mutation } from '../../../src/engine/log';
import { AD, KS, gsi, indexedTable, N, S } from '../indexes/helpers';
import { SETTLED, ttlMemoryDb, withDataDir } from './helpers';
import { memoryDb } from '../helpers';

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Table `Tab` (pk S) with a GSI on g and TTL on `exp`, settled at once. */
async function ttlTable(db: Database, extra: Record<string, unknown> = {}): Promise<void> {
  await db.execute('CreateTable', {
    TableName: 'Tab', KeySchema: KS('pk'), AttributeDefinitions: AD(['pk', 'S'], ['g', 'S']),
    GlobalSecondaryIndexes: [gsi('byG', 'g')], BillingMode: 'PAY_PER_REQUEST', ...extra,
  });
  await db.execute('UpdateTimeToLive', { TableName: 'Tab', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } });
}

async function put(db: Database, pk: string, exp: Record<string, unknown> | undefined, g = 'G'): Promise<void> {
  await db.execute('PutItem', { TableName: 'Tab', Item: { pk: S(pk), g: S(g), ...(exp ? { exp } : {}) } });
}

/** Writes items in one commit without going through PutItem (no capacity used), as a restore would. */
async function commitItems(db: Database, items: Item[]): Promise<void> {
  const table = db.tables.get('Tab')!;
  const mutations: Mutation[] = items.map((item) => {
    const added = { names: [] as string[], shapes: [] as number[][] };
    const encoded = table.codec.encode(item, itemSize(item), added);
    return { kind: 'put', tableId: table.meta.id, key: table.keyOf(item), item: encoded, old: table.get(table.keyOf(item)), added };
  });
  await db.commit(mutations);
}

async function keys(db: Database, index?: string): Promise<string[]> {
  const out = (await db.execute('Scan', { TableName: 'Tab', ...(index ? { IndexName: index } : {}) })) as { Items: Array<{ pk: { S: string } }> };
  return out.Items.map((i) => i.pk.S).sort();
}

test('a pass deletes exactly the items whose TTL passed; other types, future times and old mistakes stay', async () => {
  const db = await ttlMemoryDb();
  await ttlTable(db);
  const now = nowSeconds();
  await put(db, 'past', N(now - 60));
  await put(db, 'decimal-past', N(`${now - 1}.5`));
  await put(db, 'future', N(now + 3600));
  await put(db, 'string', S(String(now - 60)));
  await put(db, 'set', { NS: [String(now - 60)] });
  await put(db, 'none', undefined);
  await put(db, 'six-years-ago', N(now - 6 * 365 * 86400));
  const result = await db.ttl.sweepNow();
  assert.equal(result.deleted, 2);
  assert.deepEqual(await keys(db), ['future', 'none', 'set', 'six-years-ago', 'string']);
  assert.deepEqual(await keys(db, 'byG'), ['future', 'none', 'set', 'six-years-ago', 'string'], 'the GSI follows the deletions');
  await db.close();
});

test('every local and global secondary index of the table follows the deletions', async () => {
  const db = await ttlMemoryDb();
  await indexedTable(db);
  await db.execute('UpdateTimeToLive', { TableName: 'TTT', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } });
  const now = nowSeconds();
  for (let i = 0; i < 40; i++) {
    await db.execute('PutItem', {
      TableName: 'TTT',
      Item: { pk: S(`p${i % 4}`), sk: S(`s${i}`), g: S(`g${i % 3}`), n: N(i), l: N(i), l2: S(`x${i}`), a: S('kept'), exp: N(i % 2 === 0 ? now - 30 : now + 3600) },
    });
  }
  const collection = () => db.tables.get('TTT')!.secondary.collectionSize(db.tables.get('TTT')!.keyOf({ pk: S('p1'), sk: S('s1') }));
  const before = collection();
  assert.equal((await db.ttl.sweepNow()).deleted, 20);
  for (const index of [undefined, 'byG', 'byGN', 'byL', 'byLK']) {
    const out = (await db.execute('Scan', { TableName: 'TTT', ...(index ? { IndexName: index } : {}) })) as { Items: Array<{ sk: { S: string } }> };
    const left = out.Items.map((i) => Number(i.sk.S.slice(1))).sort((a, b) => a - b);
    assert.deepEqual(left, Array.from({ length: 20 }, (_, k) => 2 * k + 1), `${index ?? 'table'} holds exactly the unexpired items`);
  }
  // Partition p1 held only odd (unexpired) items; p0's collection shrank with its deletions.
  assert.equal(collection(), before);
  const p0 = db.tables.get('TTT')!.secondary.collectionSize(db.tables.get('TTT')!.keyOf({ pk: S('p0'), sk: S('s0') }));
  assert.equal(p0, 0, 'p0 held only expired items: its item collection is empty');
  await db.close();
});

test('with a one-second interval expired items disappear on their own, and stay readable until then', async () => {
  const db = await ttlMemoryDb({ ttlSweepIntervalMs: 1000 });
  await ttlTable(db);
  const now = nowSeconds();
  for (let i = 0; i < 50; i++) await put(db, `old${i}`, N(now - 10));
  await put(db, 'soon', N(now + 2));
  await put(db, 'later', N(now + 3600));
  // Right after the writes no pass has run yet: expired items are still there, as in DynamoDB.
  const got = (await db.execute('GetItem', { TableName: 'Tab', Key: { pk: S('old0') } })) as { Item?: unknown };
  assert.ok(got.Item, 'an expired item not yet swept is still returned');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && (await keys(db)).length > 1) await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await keys(db), ['later'], 'the expired items and the one that expired meanwhile are gone');
  await db.close();
});

test('nothing is deleted while TTL is ENABLING, DISABLING or DISABLED', async () => {
  let t = Date.now();
  const db = await ttlMemoryDb({ now: () => t, ttlTransitionMs: 60_000 });
  await ttlTable(db);
  await put(db, 'a', N(Math.floor(t / 1000) - 10));
  assert.equal((await db.ttl.sweepNow()).deleted, 0, 'ENABLING');
  t += 60_000;
  await db.execute('UpdateTimeToLive', { TableName: 'Tab', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: false } });
  assert.equal((await db.ttl.sweepNow()).deleted, 0, 'DISABLING');
  t += 60_000;
  assert.equal((await db.ttl.sweepNow()).deleted, 0, 'DISABLED');
  assert.deepEqual(await keys(db), ['a']);
  // Enabled again: the items written meanwhile are found by the index build.
  await db.execute('UpdateTimeToLive', { TableName: 'Tab', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } });
  t += 60_000;
  assert.equal((await db.ttl.sweepNow()).deleted, 1);
  await db.close();
});

test('an item rewritten or deleted between being found due and being deleted is left alone', async () => {
  const db = await ttlMemoryDb();
  await ttlTable(db);
  const now = nowSeconds();
  for (const k of ['extended', 'deleted', 'untyped', 'still-due']) await put(db, k, N(now - 10));
  const table = db.tables.get('Tab')!;
  const found = ['extended', 'deleted', 'untyped', 'still-due'].map((k) => table.keyOf({ pk: S(k) }));
  // The writes land after the sweeper found its batch and before it deletes it.
  await put(db, 'extended', N(now + 3600));
  await db.execute('DeleteItem', { TableName: 'Tab', Key: { pk: S('deleted') } });
  await put(db, 'untyped', S('not a number'));
  const deletions = expiredDeletions(table, found, Date.now());
  assert.deepEqual(deletions.map((m) => m.key), [table.keyOf({ pk: S('still-due') })]);
  const m = deletions[0];
  assert.ok(m.old === table.get(m.key), 'the deletion carries the current image as its old image');
  await db.close();
});

test('writers racing the sweeper never lose an item they extended', async () => {
  const db = await ttlMemoryDb();
  await ttlTable(db);
  const now = nowSeconds();
  const total = 3000;
  for (let i = 0; i < total; i++) await put(db, `k${i}`, N(now - 10));
  // While a pass runs, every third item gets a future expiry.
  const sweep = db.ttl.sweepNow();
  const extended: string[] = [];
  for (let i = 0; i < total; i += 3) {
    await put(db, `k${i}`, N(now + 3600));
    extended.push(`k${i}`);
  }
  await sweep;
  await db.ttl.sweepNow();
  assert.deepEqual(await keys(db), extended.sort(), 'exactly the extended items remain');
  assert.deepEqual(await keys(db, 'byG'), extended.sort());
  for (const k of extended.slice(0, 50)) {
    const got = (await db.execute('GetItem', { TableName: 'Tab', Key: { pk: S(k) } })) as { Item: { exp: { N: string } } };
    assert.equal(got.Item.exp.N, String(now + 3600));
  }
  await db.close();
});

test('deleting expired items consumes no capacity and is never throttled', async () => {
  const db = await memoryDb({ throttling: true, ttlTransitionMs: 0, ttlSweepIntervalMs: 0 });
  await ttlTable(db, {
    BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    GlobalSecondaryIndexes: [gsi('byG', 'g', undefined, { ProjectionType: 'ALL' }, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })],
  });
  const now = nowSeconds();
  await commitItems(db, Array.from({ length: 500 }, (_, i) => ({ pk: S(`k${i}`), g: S('G'), exp: N(now - 5) })));
  const written = () => db.metrics.table('Tab').series.writeUnits;
  const before = written();
  assert.equal((await db.ttl.sweepNow()).deleted, 500, '500 deletions at 1 WCU would be throttled if they were charged');
  assert.equal(written(), before, 'no write units were recorded');
  // The bucket is untouched: an ordinary write right after still goes through.
  await put(db, 'after', N(now + 60));
  await db.close();
});

test('the deletions are logged with origin ttl and old images, and a reopen finishes what a pass left', async () => {
  await withDataDir(async (dir) => {
    let db = await Database.open(dir, SETTLED);
    await ttlTable(db);
    const now = nowSeconds();
    for (let i = 0; i < 300; i++) await put(db, `k${i}`, N(i % 2 === 0 ? now - 5 : now + 3600));
    const firstLsn = db.nextLsn;
    await db.ttl.sweepNow();
    const records = [...db.logStore!.read({ fromLsn: firstLsn })];
    assert.ok(records.length > 0);
    let deletes = 0;
    for (const r of records) {
      assert.equal(r.origin, 'ttl');
      for (const m of r.mutations) {
        assert.equal(m.kind, 'delete');
        if (m.kind === 'delete') assert.ok(m.old.length > 0);
        deletes++;
      }
    }
    assert.equal(deletes, 150);
    // More items expire while the database is closed; the next open's expiry index finds them.
    for (let i = 0; i < 20; i++) await put(db, `x${i}`, N(now + 1));
    await db.checkpoint();
    for (let i = 0; i < 20; i++) await put(db, `y${i}`, N(now + 1));
    await db.close();
    await new Promise((r) => setTimeout(r, 2100));
    db = await Database.open(dir, SETTLED);
    assert.equal((await db.ttl.sweepNow()).deleted, 40, 'items from the checkpoint and from the replayed log are both found');
    assert.equal((await keys(db)).length, 150);
    assert.equal((await keys(db, 'byG')).length, 150);
    await db.close();
  });
});

test('a pass reads only the items that are due, not the whole table', async () => {
  const db = await ttlMemoryDb();
  await ttlTable(db);
  const table = db.tables.get('Tab')!;
  const now = nowSeconds();
  await commitItems(db, Array.from({ length: 50_000 }, (_, i) => ({ pk: S(`k${i}`), g: S('G'), exp: N(i % 1000 === 0 ? now - 5 : now + 3600) })));
  // The expiry index is built before the count starts: what is measured is a pass's own reads.
  await db.ttl.sweepNow();
  await commitItems(db, Array.from({ length: 50 }, (_, i) => ({ pk: S(`due${i}`), g: S('G'), exp: N(now - 5) })));
  // Count the real codec's attribute reads during a pass (a spy that calls through).
  const attribute = table.codec.attribute.bind(table.codec);
  let reads = 0;
  table.codec.attribute = (s: string, name: string) => {
    reads++;
    return attribute(s, name);
  };
  assert.equal((await db.ttl.sweepNow()).deleted, 50);
  assert.ok(reads <= 50 * 3, `${reads} attribute reads for 50 due items among 50,000 (the GSI reads a few per deletion)`);
  assert.equal(table.itemCount, 49_950);
  await db.close();
});

test('closing the database stops the sweeper, and a pass in progress stops with it', async () => {
  const db = await ttlMemoryDb();
  await ttlTable(db);
  const now = nowSeconds();
  await commitItems(db, Array.from({ length: 20_000 }, (_, i) => ({ pk: S(`k${i}`), exp: N(now - 5) })));
  const pass = db.ttl.sweepNow();
  await new Promise((r) => setImmediate(r));
  await db.close();
  const { deleted } = await pass;
  assert.ok(deleted < 20_000, `the pass stopped at close after ${deleted} deletions`);
});
