// The log store's writing side in both durability modes: acknowledgement, reading back, the
// background flush of 'process' mode, growth and rollover across segments, a failed write, and
// an empty database starting small (issue 10).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import { nodeFileSystem, type FileSystem } from '../../../src/engine/log/file-system';
import { listSegments, segmentName } from '../../../src/engine/log/format';
import { LogStore, type LogRecord, type LogStoreOptions, type Mutation } from '../../../src/engine/log';
import { recover } from '../../../src/engine/log/recovery';
import type { Durability } from '../../../src/engine/log/writer';
import { FaultFileSystem } from './fault-fs';
import { tempDir } from '../helpers';

const MODES: Durability[] = ['process', 'disk'];

/** A change whose size grows with `size` (a delete carries its old image). */
function change(n: number, size = 100): Mutation[] {
  return [{ kind: 'delete', tableId: 't', key: `k${n}`, old: String(n % 10).repeat(size) }];
}

/** A log store with no tables behind it: what it replays is collected. */
async function openLog(dir: string, options: Partial<LogStoreOptions> = {}): Promise<{ log: LogStore; replayed: LogRecord[]; failures: Error[] }> {
  const replayed: LogRecord[] = [];
  const failures: Error[] = [];
  const log = await LogStore.open(dir, { now: Date.now, ...options }, {
    load: () => undefined,
    apply: (r) => replayed.push(r),
    snapshot: () => [],
    acknowledged: () => undefined,
    failed: (e) => void failures.push(e),
  });
  // These tests read the whole log back: a consumer keeps it from being pruned after checkpoints.
  log.retain('test', { lsn: 0 });
  return { log, replayed, failures };
}

/** Every record recovery would replay, read without changing anything. */
function readAll(dir: string, files: FileSystem = nodeFileSystem): LogRecord[] {
  const records: LogRecord[] = [];
  recover(files, dir, undefined, 0, (r) => records.push(r));
  return records;
}

function assertChanges(got: LogRecord[], count: number, sizeOf: (n: number) => number = () => 100): void {
  assert.equal(got.length, count);
  got.forEach((r, i) => assert.deepEqual(r.mutations, change(i + 1, sizeOf(i + 1))));
  for (let i = 1; i < got.length; i++) assert.ok(got[i].lsn > got[i - 1].lsn && got[i].time >= got[i - 1].time, 'lsns increase, times never go back');
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test("'process' is the default: records are in the file once acknowledged, and come back after reopening", async () => {
  const dir = tempDir('dw-log-');
  let { log } = await openLog(dir);
  await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(change(i + 1), Date.now())));
  // Read while the log is still open, as after a kill: nothing may be waiting in this process.
  assertChanges(readAll(dir), 200);
  assert.ok(log.unsyncedBytes > 0, 'acknowledged before any fdatasync');
  await log.close();
  assert.equal(log.unsyncedBytes, 0, 'close flushes to disk');
  assertChanges(readAll(dir), 200);
  ({ log } = await openLog(dir));
  await log.append(change(201), Date.now());
  await log.close();
  assertChanges(readAll(dir), 201);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a clock that goes back does not take record times back with it', async () => {
  const dir = tempDir('dw-log-');
  const { log } = await openLog(dir);
  await log.append(change(1), 5_000_000_000_000);
  await log.append(change(2), 1_000);
  await log.close();
  const [a, b] = readAll(dir);
  assert.equal(a.time, 5_000_000_000_000);
  assert.equal(b.time, 5_000_000_000_000);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("'process' mode flushes in the background, at most once per syncIntervalMs", async () => {
  const dir = tempDir('dw-log-');
  const opened = performance.now();
  const { log } = await openLog(dir, { syncIntervalMs: 400 });
  assert.equal(log.unsyncedBytes, 0);
  await log.append(change(1), Date.now());
  assert.ok(log.unsyncedBytes > 0);
  await waitFor(() => log.unsyncedBytes === 0, 5000);
  assert.ok(performance.now() - opened >= 390, 'not before the interval since the last flush (at open) is over');
  let flushes = 0;
  let n = 2;
  const started = performance.now();
  while (performance.now() - started < 1000) {
    await log.append(change(n++), Date.now());
    const before = log.unsyncedBytes;
    await new Promise((r) => setTimeout(r, 2));
    if (log.unsyncedBytes < before) flushes++;
  }
  assert.ok(flushes >= 1 && flushes <= 4, `flushes in one second at a 400 ms interval: ${flushes}`);
  await log.close();
  assertChanges(readAll(dir), n - 1);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("sync() flushes at once; 'disk' mode never has unsynced bytes", async () => {
  const dir = tempDir('dw-log-');
  let { log } = await openLog(dir, { syncIntervalMs: 60_000 });
  await log.append(change(1), Date.now());
  assert.ok(log.unsyncedBytes > 0);
  await log.sync();
  assert.equal(log.unsyncedBytes, 0);
  await log.close();
  ({ log } = await openLog(dir, { durability: 'disk' }));
  await log.append(change(2), Date.now());
  assert.equal(log.unsyncedBytes, 0);
  await log.close();
  assertChanges(readAll(dir), 2);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a checkpoint is written only once the records it holds are on disk in the log', async () => {
  const dir = tempDir('dw-log-');
  const db = await Database.open(dir, { syncIntervalMs: 60_000 });
  await db.execute('CreateTable', {
    TableName: 'Things',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  // Still on their way to the log when the checkpoint starts: it must wait for them too.
  const puts = Array.from({ length: 50 }, (_, i) => db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: `p${i}` } } }));
  assert.ok(db.logStore!.unsyncedBytes > 0, 'the table creation is not flushed yet');
  await db.checkpoint();
  await Promise.all(puts);
  assert.equal(db.logStore!.unsyncedBytes, 0);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an empty database starts with a small log file, not a whole segment, and opening it without writing leaves nothing behind', async () => {
  const dir = tempDir('dw-log-');
  const segmentFiles = () => listSegments(nodeFileSystem, dir).map((n) => path.join(dir, segmentName(n)));
  for (let run = 0; run < 3; run++) {
    const db = await Database.open(dir);
    const files = segmentFiles();
    assert.equal(files.length, 1);
    assert.ok(fs.statSync(files[0]).size <= 256 * 1024, `first segment ${fs.statSync(files[0]).size} bytes`);
    await db.close();
  }
  assert.deepEqual(segmentFiles(), [], 'no empty segment per open piles up');
  fs.rmSync(dir, { recursive: true, force: true });
});

for (const durability of MODES) {
  test(`'${durability}' mode: records grow a segment, roll over across small segments, one larger than a segment included`, async () => {
    const dir = tempDir('dw-log-');
    const segmentBytes = 8192;
    const sizeOf = (n: number) => (n === 77 ? 20_000 : (n * 37) % 1500);
    let { log } = await openLog(dir, { segmentBytes, durability, syncIntervalMs: 5 });
    let n = 1;
    // Bursts appended in one turn (one group commit each, split at segment ends) and single records.
    for (let burst = 0; burst < 20; burst++) {
      const count = burst % 3 === 0 ? 1 : 9;
      await Promise.all(Array.from({ length: count }, () => log.append(change(n, sizeOf(n++)), Date.now())));
    }
    assertChanges(readAll(dir), n - 1, sizeOf);
    await log.close();
    const segments = listSegments(nodeFileSystem, dir);
    assert.ok(segments.length > 10, `segments: ${segments.length}`);
    const big = segments.map((s) => fs.statSync(path.join(dir, segmentName(s))).size).filter((s) => s > segmentBytes);
    assert.ok(big.length >= 1, 'a batch larger than a segment got a segment of its own size');
    assertChanges(readAll(dir), n - 1, sizeOf);
    ({ log } = await openLog(dir, { segmentBytes, durability }));
    await Promise.all(Array.from({ length: 10 }, () => log.append(change(n, sizeOf(n++)), Date.now())));
    await log.close();
    assertChanges(readAll(dir), n - 1, sizeOf);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(`'${durability}' mode: the database works and its data survives reopening`, async () => {
    const dir = tempDir('dw-log-');
    let db = await Database.open(dir, { durability, segmentBytes: 32 * 1024, checkpointBytes: 64 * 1024 });
    await db.execute('CreateTable', {
      TableName: 'Things',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 300 }, (_, i) => db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: `p${i}` }, v: { N: String(round) }, pad: { S: 'y'.repeat(200) } } })));
    }
    // The abandoned instance lives on in this process: let its checkpoints finish first.
    await db.checkpoint();
    fs.rmSync(path.join(dir, 'LOCK'));
    db = await Database.open(dir, { durability });
    const got = (await db.execute('Scan', { TableName: 'Things' })) as any;
    assert.equal(got.Count, 300);
    assert.ok(got.Items.every((item: any) => item.v.N === '2'));
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(`'${durability}' mode: a failed write is not acknowledged, the owner hears of it first, and the log accepts nothing after it`, async () => {
    const files = new FaultFileSystem();
    const dir = '/data';
    const { log, failures } = await openLog(dir, { durability, fileSystem: files });
    await log.append(change(1), Date.now());
    files.failAfter({ writes: 0, code: 'ENOSPC' });
    const results = await Promise.allSettled([log.append(change(2), Date.now()), log.append(change(3), Date.now())]);
    for (const r of results) assert.equal(r.status === 'rejected' && (r.reason as NodeJS.ErrnoException).code, 'ENOSPC');
    assert.equal(failures.length, 1);
    await assert.rejects(log.append(change(4), Date.now()), { code: 'ENOSPC' });
    await log.close();
    files.heal();
    assertChanges(readAll(dir, files), 1);
  });
}
