// The write-ahead log in both durability modes: acknowledgement, reading back, the background
// flush of 'process' mode, rollover across segments, and a failed write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import type { LogRecord } from '../../../src/engine/storage/records';
import { WriteAheadLog, listSegments, readLog, type Durability } from '../../../src/engine/storage/wal';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dw-wal-'));
const MODES: Durability[] = ['process', 'disk'];

/** A record whose size grows with `size` (a delete mutation carries its old image). */
function record(lsn: number, size = 100): LogRecord {
  return { lsn, time: 1_700_000_000_000 + lsn, mutations: [{ kind: 'delete', tableId: 't', key: `k${lsn}`, old: String(lsn % 10).repeat(size) }] };
}

function readAll(dir: string): { records: LogRecord[]; end: { segment: number; offset: number; lsn: number } } {
  const records: LogRecord[] = [];
  const end = readLog(dir, (r) => records.push(r));
  return { records, end };
}

function assertRecords(got: LogRecord[], count: number, sizeOf: (lsn: number) => number = () => 100): void {
  assert.equal(got.length, count);
  got.forEach((r, i) => assert.deepEqual(r, record(i + 1, sizeOf(i + 1))));
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test("'process' is the default: records are in the file once acknowledged, and come back after reopening", async () => {
  const dir = tmp();
  let wal = await WriteAheadLog.open(dir, { segment: 1, offset: 0 });
  await Promise.all(Array.from({ length: 200 }, (_, i) => wal.append(record(i + 1))));
  // Read while the log is still open, as after a kill: nothing may be waiting in this process.
  assertRecords(readAll(dir).records, 200);
  assert.ok(wal.unsyncedBytes > 0, 'acknowledged before any fdatasync');
  await wal.close();
  assert.equal(wal.unsyncedBytes, 0, 'close flushes to disk');
  const { records, end } = readAll(dir);
  assertRecords(records, 200);
  wal = await WriteAheadLog.open(dir, end);
  await wal.append(record(201));
  assertRecords(readAll(dir).records, 201);
  await wal.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("'process' mode through the database: acknowledged items survive an unclean reopen and a clean one", async () => {
  const dir = tmp();
  const table = {
    TableName: 'Things',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
  let db = await Database.open(dir, { durability: 'process', segmentBytes: 64 * 1024 });
  await db.execute('CreateTable', table);
  await Promise.all(Array.from({ length: 500 }, (_, i) => db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: `p${i}` }, v: { S: 'x'.repeat(i) } } })));
  fs.rmSync(path.join(dir, 'LOCK')); // no close: what a killed process leaves
  db = await Database.open(dir);
  assert.equal(((await db.execute('DescribeTable', { TableName: 'Things' })) as any).Table.ItemCount, 500);
  assert.equal(((await db.execute('GetItem', { TableName: 'Things', Key: { pk: { S: 'p499' } } })) as any).Item.v.S, 'x'.repeat(499));
  await db.execute('DeleteItem', { TableName: 'Things', Key: { pk: { S: 'p0' } } });
  await db.close();
  db = await Database.open(dir);
  assert.equal(((await db.execute('DescribeTable', { TableName: 'Things' })) as any).Table.ItemCount, 499);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("'process' mode flushes in the background, at most once per syncIntervalMs", async () => {
  const dir = tmp();
  const opened = performance.now();
  const wal = await WriteAheadLog.open(dir, { segment: 1, offset: 0 }, { syncIntervalMs: 400 });
  assert.equal(wal.unsyncedBytes, 0);
  await wal.append(record(1));
  assert.ok(wal.unsyncedBytes > 0);
  assert.equal(wal.syncedOffset, 0);
  await waitFor(() => wal.unsyncedBytes === 0, 5000);
  assert.ok(performance.now() - opened >= 390, 'not before the interval since the last flush (at open) is over');
  assert.equal(wal.syncedOffset, wal.end.offset);
  // Writes keep coming: each interval flushes what is there by then.
  const flushed: number[] = [];
  let lsn = 2;
  const started = performance.now();
  while (performance.now() - started < 1000) {
    await wal.append(record(lsn++));
    if (flushed.at(-1) !== wal.syncedOffset) flushed.push(wal.syncedOffset);
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.ok(flushed.length >= 2 && flushed.length <= 4, `flushes in one second at a 400 ms interval: ${flushed.length - 1}`);
  await waitFor(() => wal.unsyncedBytes === 0, 5000);
  await wal.close();
  assertRecords(readAll(dir).records, lsn - 1);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("sync() flushes at once; 'disk' mode never has unsynced bytes", async () => {
  const dir = tmp();
  let wal = await WriteAheadLog.open(dir, { segment: 1, offset: 0 }, { syncIntervalMs: 60_000 });
  await wal.append(record(1));
  assert.ok(wal.unsyncedBytes > 0);
  await wal.sync();
  assert.equal(wal.unsyncedBytes, 0);
  assert.equal(wal.syncedOffset, wal.end.offset);
  await wal.close();
  wal = await WriteAheadLog.open(dir, readAll(dir).end, { durability: 'disk' });
  await wal.append(record(2));
  assert.equal(wal.unsyncedBytes, 0);
  assert.equal(wal.syncedOffset, wal.end.offset);
  await wal.close();
  assertRecords(readAll(dir).records, 2);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a checkpoint is written only once the records it holds are on disk in the log', async () => {
  const dir = tmp();
  const db = await Database.open(dir, { syncIntervalMs: 60_000 });
  const wal = (db as unknown as { wal: WriteAheadLog }).wal;
  await db.execute('CreateTable', {
    TableName: 'Things',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  // Still on their way to the log when the checkpoint starts: it must wait for them too.
  const puts = Array.from({ length: 50 }, (_, i) => db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: `p${i}` } } }));
  assert.ok(wal.unsyncedBytes > 0, 'the table creation is not flushed yet');
  await db.checkpoint();
  await Promise.all(puts);
  assert.equal(wal.unsyncedBytes, 0);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

for (const durability of MODES) {
  test(`'${durability}' mode: records roll over across small segments, one larger than a segment included`, async () => {
    const dir = tmp();
    const segmentBytes = 4096;
    const sizeOf = (lsn: number) => (lsn === 77 ? 10_000 : (lsn * 37) % 1500);
    let wal = await WriteAheadLog.open(dir, { segment: 1, offset: 0 }, { segmentBytes, durability, syncIntervalMs: 5 });
    let lsn = 1;
    // Bursts appended in one turn (one group commit each, split at segment ends) and single records.
    for (let burst = 0; burst < 20; burst++) {
      const n = burst % 3 === 0 ? 1 : 9;
      await Promise.all(Array.from({ length: n }, () => wal.append(record(lsn, sizeOf(lsn++)))));
      if (durability === 'process') assert.ok(wal.unsyncedBytes <= wal.end.offset);
    }
    assertRecords(readAll(dir).records, lsn - 1, sizeOf);
    await wal.close();
    const segments = listSegments(dir);
    assert.ok(segments.length > 10, `segments: ${segments.length}`);
    const big = segments.map((n) => fs.statSync(path.join(dir, `wal-${String(n).padStart(12, '0')}.log`)).size).filter((s) => s > segmentBytes);
    assert.equal(big.length, 1, 'the large record got a segment of its own size');
    const { records, end } = readAll(dir);
    assertRecords(records, lsn - 1, sizeOf);
    assert.equal(end.segment, segments.at(-1));
    // Appending resumes where reading stopped.
    wal = await WriteAheadLog.open(dir, end, { segmentBytes, durability });
    await Promise.all(Array.from({ length: 10 }, () => wal.append(record(lsn, sizeOf(lsn++)))));
    await wal.close();
    assertRecords(readAll(dir).records, lsn - 1, sizeOf);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(`'${durability}' mode: the database works and its data survives reopening`, async () => {
    const dir = tmp();
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
    // The abandoned instance lives on in this process: let its checkpoint finish first.
    await (db as unknown as { checkpointRun?: Promise<void> }).checkpointRun;
    fs.rmSync(path.join(dir, 'LOCK'));
    db = await Database.open(dir, { durability });
    const got = (await db.execute('Scan', { TableName: 'Things' })) as any;
    assert.equal(got.Count, 300);
    assert.ok(got.Items.every((item: any) => item.v.N === '2'));
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(`'${durability}' mode: a failed write is not acknowledged and the log accepts nothing after it`, async () => {
    const dir = tmp();
    const wal = await WriteAheadLog.open(dir, { segment: 1, offset: 0 }, { durability });
    await wal.append(record(1));
    // Swap the segment for a device on which every write fails (ENOSPC), as a full disk would.
    const internals = wal as unknown as { fd: number };
    const segmentFd = internals.fd;
    internals.fd = fs.openSync('/dev/full', 'r+');
    const results = await Promise.allSettled([wal.append(record(2)), wal.append(record(3))]);
    for (const r of results) assert.equal(r.status === 'rejected' && (r.reason as NodeJS.ErrnoException).code, 'ENOSPC');
    await assert.rejects(wal.append(record(4)), { code: 'ENOSPC' });
    await wal.close();
    fs.closeSync(segmentFd);
    assertRecords(readAll(dir).records, 1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
