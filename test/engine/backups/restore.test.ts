// createTableWithItems (src/engine/backups/restore.ts) through a real database, in memory and on
// disk: the table comes whole with its items and indexes, the name is reserved while it fills,
// it survives reopening from the log and from a checkpoint, and a failed load leaves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as fs from 'node:fs';
import { Database } from '../../../src/engine/database';
import { DynamoDBError } from '../../../src/engine/errors';
import { createTableWithItems, tableStatus, type TableContents } from '../../../src/engine/backups/restore';
import type { Item } from '../../../src/engine/types/attribute-value';
import { FaultFileSystem, seededRandom } from '../log/fault-fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { wrapHandles } from '../log/helpers';
import { itemsOf, iterate, metaFor, scanAll, sortItems } from './restore-helpers';
import { drainStream, streamArnOf } from '../streams/data-helpers';
import { streamsAfter } from '../../../src/engine/streams/specification';
import { memoryDb, tempDir } from '../helpers';

const byKey = sortItems;

test('a table created from plain items holds exactly those items, and its GSI answers queries', async () => {
  const db = await memoryDb();
  const items = itemsOf(300);
  const table = await createTableWithItems(db, metaFor(db, 'Restored'), iterate(items));
  assert.equal(table.itemCount, 300);
  assert.deepEqual(byKey(await scanAll(db, 'Restored')), byKey(items));
  const q = (await db.execute('Query', { TableName: 'Restored', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g1' } } })) as { Count: number };
  assert.equal(q.Count, 100);
  const described = (await db.execute('DescribeTable', { TableName: 'Restored' })) as { Table: Record<string, any> };
  assert.equal(described.Table.TableStatus, 'ACTIVE');
  assert.equal(described.Table.ItemCount, 300);
  assert.equal(described.Table.GlobalSecondaryIndexes[0].ItemCount, 300);
  await db.close();
});

test('a table created from another table\'s encoded contents reuses them and decodes to the same items', async () => {
  const db = await memoryDb();
  const source = await createTableWithItems(db, metaFor(db, 'Source'), iterate(itemsOf(120)));
  const contents: TableContents = { dictionary: source.codec.dictionary(), ...source.index.snapshot() };
  const copy = await createTableWithItems(db, metaFor(db, 'Copy'), contents);
  assert.equal(copy.get(contents.keys[5]), contents.values[5]);
  assert.deepEqual(byKey(await scanAll(db, 'Copy')), byKey(await scanAll(db, 'Source')));
  await db.close();
});

test('while the table fills, its name is taken: CREATING in DescribeTable and ListTables, CreateTable and DeleteTable refused, reads find nothing', async () => {
  const db = await memoryDb();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  async function* slow(): AsyncIterable<Item> {
    yield itemsOf(1)[0];
    await gate;
    yield* itemsOf(5).slice(1);
  }
  const done = createTableWithItems(db, metaFor(db, 'Filling'), slow());
  await new Promise((r) => setImmediate(r));
  assert.equal(tableStatus(db, 'Filling'), 'CREATING');
  const described = (await db.execute('DescribeTable', { TableName: 'Filling' })) as { Table: Record<string, unknown> };
  assert.equal(described.Table.TableStatus, 'CREATING');
  assert.deepEqual(((await db.execute('ListTables', {})) as { TableNames: string[] }).TableNames, ['Filling']);
  await assert.rejects(
    db.execute('CreateTable', { TableName: 'Filling', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
    (e: unknown) => e instanceof DynamoDBError && e.type === 'ResourceInUseException' && e.message === 'Table already exists: Filling',
  );
  await assert.rejects(db.execute('DeleteTable', { TableName: 'Filling' }), (e: unknown) => e instanceof DynamoDBError && e.type === 'ResourceInUseException');
  await assert.rejects(db.execute('GetItem', { TableName: 'Filling', Key: { pk: { S: 'p0' }, sk: { N: '0' } } }), (e: unknown) => e instanceof DynamoDBError && e.type === 'ResourceNotFoundException');
  await assert.rejects(createTableWithItems(db, metaFor(db, 'Filling'), iterate([])), (e: unknown) => e instanceof DynamoDBError && e.type === 'ResourceInUseException');
  release();
  await done;
  assert.equal(tableStatus(db, 'Filling'), 'ACTIVE');
  const got = (await db.execute('GetItem', { TableName: 'Filling', Key: { pk: { S: 'p0' }, sk: { N: '0' } } })) as { Item?: Item };
  assert.deepEqual(got.Item, itemsOf(1)[0]);
  await db.close();
});

test('an item that does not fit the key schema rejects the load with a ValidationException and frees the name', async () => {
  const db = await memoryDb();
  const bad = [...itemsOf(3), { pk: { S: 'p' }, sk: { S: 'not a number' } }];
  await assert.rejects(createTableWithItems(db, metaFor(db, 'Bad'), iterate(bad)), (e: unknown) => e instanceof DynamoDBError && e.type === 'ValidationException');
  assert.equal(tableStatus(db, 'Bad'), undefined);
  await createTableWithItems(db, metaFor(db, 'Bad'), iterate(itemsOf(2)));
  assert.equal(db.table('Bad').itemCount, 2);
  await db.close();
});

test('a loaded table comes back whole after a kill, replayed from the log, then from a checkpoint, and its file goes once a checkpoint covers it', async () => {
  let files = new FaultFileSystem();
  const options = { checkpointBytes: Number.MAX_SAFE_INTEGER };
  const loadedFiles = () => files.list('/data').filter((f) => f.startsWith('loaded-'));
  let db = await Database.open('/data', { ...options, fileSystem: files });
  const items = itemsOf(500);
  await createTableWithItems(db, metaFor(db, 'Kept'), iterate(items));
  const later = { pk: { S: 'after' }, sk: { N: '1' }, g: { S: 'g9' } };
  await db.execute('PutItem', { TableName: 'Kept', Item: later });
  assert.equal(loadedFiles().length, 1);
  // A kill: no checkpoint at close, so the next open replays the loadTable record from the log.
  files = files.crashProcessOnly();
  await db.close();
  db = await Database.open('/data', { ...options, fileSystem: files });
  const expected = byKey([...items, later]);
  assert.deepEqual(byKey(await scanAll(db, 'Kept')), expected);
  assert.equal((await scanAll(db, 'Kept', 'byG')).length, 501);
  assert.equal(loadedFiles().length, 1, 'replay still needs the file until a checkpoint covers its record');
  await db.checkpoint();
  assert.deepEqual(loadedFiles(), []);
  files = files.crashProcessOnly();
  await db.close();
  db = await Database.open('/data', { ...options, fileSystem: files });
  assert.deepEqual(byKey(await scanAll(db, 'Kept')), expected);
  await db.close();
});

test('a loaded table survives a real folder being closed and reopened', async () => {
  const dir = tempDir('dw-restore-');
  try {
    let db = await Database.open(dir);
    await createTableWithItems(db, metaFor(db, 'OnDisk'), iterate(itemsOf(50)));
    await db.close();
    db = await Database.open(dir);
    assert.deepEqual(byKey(await scanAll(db, 'OnDisk')), byKey(itemsOf(50)));
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('loaded-')), []);
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('log readers see one loadTable mutation for a loaded table, never a put per item', async () => {
  const files = new FaultFileSystem();
  const db = await Database.open('/data', { fileSystem: files });
  await createTableWithItems(db, metaFor(db, 'Quiet'), iterate(itemsOf(40)), { origin: 'restore' });
  const records = [...db.logStore!.read()];
  const kinds = records.flatMap((r) => r.mutations.map((m) => m.kind));
  assert.deepEqual(kinds, ['loadTable']);
  assert.equal(records[0].origin, 'restore');
  const m = records[0].mutations[0];
  assert.ok(m.kind === 'loadTable' && m.contents === undefined, 'the items stay out of the log and its tail cache');
  await db.close();
});

for (const form of ['plain items', 'another table\'s contents'] as const) {
  test(`closing the database during a load from ${form} refuses the load, writes nothing into the folder after the close, and leaves no table`, async () => {
    let files = new FaultFileSystem();
    // A slow disk for loaded-table files, so the close comes while one is still being written;
    // every change to the folder after the close is noted.
    let closed = false;
    const late: string[] = [];
    const watched = wrapHandles(files, (h, file) => ({
      ...h,
      path: h.path,
      read: (...a) => h.read(...a),
      write: (buf, at) => (closed && late.push(`write ${file}`), h.write(buf, at)),
      writeAsync: (buf, at) => (closed && late.push(`write ${file}`), h.writeAsync(buf, at)),
      datasync: () => h.datasync(),
      datasyncAsync: () => (file.includes('loaded-') ? new Promise((r) => setTimeout(r, 200)).then(() => h.datasyncAsync()) : h.datasyncAsync()),
      sync: () => h.sync(),
      size: () => h.size(),
      truncate: (n) => h.truncate(n),
      close: () => h.close(),
    }));
    const rename = watched.rename;
    watched.rename = (a, b) => (closed && late.push(`rename ${a}`), rename(a, b));
    let db = await Database.open('/data', { fileSystem: watched });
    let contents: TableContents | AsyncIterable<Item> = iterate(itemsOf(5000));
    if (form !== 'plain items') {
      const source = await createTableWithItems(db, metaFor(db, 'Source'), contents);
      contents = { dictionary: source.codec.dictionary(), ...source.index.snapshot() };
    }
    // Closed in the same turn: the load is then encoding its items, or writing its file.
    const load = createTableWithItems(db, metaFor(db, 'Cut'), contents).then(() => undefined, (e: unknown) => e);
    await db.close();
    closed = true;
    const refusal = await load;
    assert.ok(refusal instanceof DynamoDBError && refusal.type === 'InternalServerError', `the load is refused, not ${refusal}`);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(late, [], 'nothing is written into the folder after the close');
    files = files.crashProcessOnly();
    db = await Database.open('/data', { fileSystem: files });
    assert.equal(tableStatus(db, 'Cut'), undefined);
    await db.checkpoint();
    assert.deepEqual(files.list('/data').filter((f) => f.startsWith('loaded-')), []);
    await db.close();
  });
}

test('a 100,000-item table is created with its items (timings printed, not asserted)', async () => {
  const dir = tempDir('dw-restore-');
  try {
    const items = Array.from({ length: 100_000 }, (_, n) => ({ pk: { S: `p${n % 1000}` }, sk: { N: String(n) }, g: { S: `g${n % 50}` }, v: { S: `value-${n}` } }));
    let db = await Database.open(dir);
    let t0 = performance.now();
    const source = await createTableWithItems(db, metaFor(db, 'Big'), iterate(items));
    const fromItems = performance.now() - t0;
    t0 = performance.now();
    await createTableWithItems(db, metaFor(db, 'BigCopy'), { dictionary: source.codec.dictionary(), ...source.index.snapshot() });
    const fromContents = performance.now() - t0;
    await db.close();
    t0 = performance.now();
    db = await Database.open(dir);
    const reopen = performance.now() - t0;
    assert.equal(db.table('Big').itemCount, 100_000);
    assert.equal(db.table('BigCopy').itemCount, 100_000);
    await db.close();
    console.log(`100k items: from plain items ${fromItems.toFixed(0)} ms, from another table's contents ${fromContents.toFixed(0)} ms, reopening both ${reopen.toFixed(0)} ms`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a loaded table\'s LSI answers queries in index order, before and after a reopen, and a GSI left CREATING is backfilled', async () => {
  let files = new FaultFileSystem();
  let db = await Database.open('/data', { fileSystem: files });
  const meta = metaFor(db, 'Local');
  meta.attributeDefinitions.push({ AttributeName: 'l', AttributeType: 'N' });
  meta.indexes = [
    { name: 'byL', kind: 'LSI', status: 'ACTIVE', keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }], projection: { type: 'KEYS_ONLY' } },
    { ...meta.indexes![0], status: 'CREATING', addedLater: true },
  ];
  const items: Item[] = itemsOf(60).map((item, n) => ({ ...item, l: { N: String(1000 - n) } }));
  const numberOf = (i: Item, name: string) => (i[name] as { N: string }).N;
  await createTableWithItems(db, meta, iterate(items));
  const query = async () =>
    ((await db.execute('Query', { TableName: 'Local', IndexName: 'byL', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p3' } } })) as { Items: Item[] }).Items.map((i) => numberOf(i, 'l'));
  const expected = items.filter((i) => (i.pk as { S: string }).S === 'p3').map((i) => numberOf(i, 'l')).sort((a, b) => Number(a) - Number(b));
  assert.deepEqual(await query(), expected);
  // The GSI the meta left CREATING is backfilled in the background and becomes ACTIVE.
  for (let i = 0; i < 200 && db.table('Local').meta.indexes![1].status !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(db.table('Local').meta.indexes![1].status, 'ACTIVE');
  assert.equal((await scanAll(db, 'Local', 'byG')).length, 60);
  files = files.crashProcessOnly();
  await db.close();
  db = await Database.open('/data', { fileSystem: files });
  assert.deepEqual(await query(), expected);
  await db.close();
});

test('contents still being read keep the name CREATING until they arrive; contents that fail to arrive free it', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  const db = await memoryDb();
  const source = await createTableWithItems(db, metaFor(db, 'Source'), iterate(itemsOf(30)));
  let deliver!: (c: TableContents) => void;
  const arriving = new Promise<TableContents>((r) => (deliver = r));
  const done = createTableWithItems(db, metaFor(db, 'Later'), arriving);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(tableStatus(db, 'Later'), 'CREATING');
  deliver({ dictionary: source.codec.dictionary(), ...source.index.snapshot() });
  assert.equal((await done).itemCount, 30);
  assert.equal(tableStatus(db, 'Later'), 'ACTIVE');

  const failing = createTableWithItems(db, metaFor(db, 'Never'), Promise.reject(new Error('the backup file is damaged')));
  assert.equal(tableStatus(db, 'Never'), 'CREATING');
  await assert.rejects(failing, (e: unknown) => e instanceof DynamoDBError && e.type === 'InternalServerError' && /Never/.test(e.message));
  assert.equal(tableStatus(db, 'Never'), undefined);
  await db.close();
});

test('a loaded table\'s items never appear as INSERT records of a stream, even one its metadata enables from the load on', async () => {
  const files = new FaultFileSystem();
  const db = await Database.open('/data', { fileSystem: files });
  const meta = metaFor(db, 'Streamed');
  meta.streams = streamsAfter(db, meta, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' }, db.nextLsn);
  await createTableWithItems(db, meta, iterate(itemsOf(20)));
  await db.execute('PutItem', { TableName: 'Streamed', Item: { pk: { S: 'new' }, sk: { N: '1' } } });
  // A stream shows a record once it is synced ('process' durability).
  await db.logStore!.sync();
  const records = await drainStream(db, await streamArnOf(db, 'Streamed'));
  assert.deepEqual(records.map((r) => [r.eventName, r.dynamodb.Keys]), [['INSERT', { pk: { S: 'new' }, sk: { N: '1' } }]]);
  await db.close();
});

test('contents handed over in any order, a key repeated, load as the last value of each key in key order', async () => {
  const db = await memoryDb();
  const source = await createTableWithItems(db, metaFor(db, 'Source'), iterate(itemsOf(40)));
  const { keys, values } = source.index.snapshot();
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(keys.length - 1), { minLength: 1, maxLength: 80 }), async (picks) => {
      // Each pick takes a key with some item's value (so a repeated key gets different values).
      const given = picks.map((k, i) => [keys[k], values[(k + i) % values.length]] as const);
      const expected = new Map<string, string>();
      for (const [k, v] of given) expected.set(k, v);
      const table = await createTableWithItems(db, metaFor(db, `T${run++}`), { dictionary: source.codec.dictionary(), keys: given.map((g) => g[0]), values: given.map((g) => g[1]) });
      const got = table.index.snapshot();
      assert.deepEqual(got.keys, [...expected.keys()].sort());
      assert.deepEqual(got.values, got.keys.map((k) => expected.get(k)));
    }),
    { numRuns: 60, seed: 1406 },
  );
  await db.close();
});

test('a loaded table\'s file counts toward the next checkpoint, written or replayed, so it does not linger for replays to come', async () => {
  let files = new FaultFileSystem();
  const loadedFiles = () => files.list('/data').filter((f) => f.startsWith('loaded-'));
  const waitForNoFile = async () => {
    for (let i = 0; i < 200 && loadedFiles().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  };
  // The file of 2,000 items is far over 64 KiB, the log's record of it far under.
  let db = await Database.open('/data', { fileSystem: files, checkpointBytes: 64 * 1024 });
  await createTableWithItems(db, metaFor(db, 'Written'), iterate(itemsOf(2000)));
  await waitForNoFile();
  assert.deepEqual(loadedFiles(), [], 'the write of the file started a checkpoint');
  await db.close();

  db = await Database.open('/data', { fileSystem: files, checkpointBytes: Number.MAX_SAFE_INTEGER });
  await createTableWithItems(db, metaFor(db, 'Replayed'), iterate(itemsOf(2000)));
  files = files.crashProcessOnly();
  await db.close();
  assert.equal(loadedFiles().length, 1);
  db = await Database.open('/data', { fileSystem: files, checkpointBytes: 64 * 1024 });
  await waitForNoFile();
  assert.deepEqual(loadedFiles(), [], 'replaying the file started a checkpoint');
  assert.equal(db.table('Replayed').itemCount, 2000);
  await db.close();
});

test('60,000 items in shuffled order, some keys repeated, load in key order as their last versions (sorted in slices; longest stall printed)', async () => {
  const db = await memoryDb();
  const random = seededRandom(7);
  const n = 60_000;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  // Every tenth key comes again later with another value: the later one must win.
  const items: Item[] = order.map((i) => ({ pk: { S: `p${i % 97}` }, sk: { N: String(i) }, v: { N: '1' } }));
  for (let i = 0; i < n; i += 10) items.push({ pk: { S: `p${i % 97}` }, sk: { N: String(i) }, v: { N: '2' } });
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  stalls.enable();
  const table = await createTableWithItems(db, metaFor(db, 'Shuffled'), iterate(items));
  stalls.disable();
  const { keys, values } = table.index.snapshot();
  assert.equal(keys.length, n);
  for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1] < keys[i], `keys ${i - 1} and ${i} out of order`);
  const decoded = values.map((v) => table.codec.decode(v));
  assert.equal(decoded.filter((item) => (item.v as { N: string }).N === '2').length, n / 10);
  assert.deepEqual(new Set(decoded.map((item) => (item.sk as { N: string }).N)).size, n);
  console.log(`60k shuffled items: longest event loop stall ${(stalls.max / 1e6).toFixed(0)} ms`);
  await db.close();
});
