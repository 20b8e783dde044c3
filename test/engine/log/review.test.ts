// The recovery bugs a review of the log store found (issue 11, second round), each reproduced
// through the database: a checkpoint taken inside the write that adds dictionary entries, a
// damaged header on the last segment, a flipped bit in synced data of the last segment, a damaged
// old-format log, a refused write whose clearing write fails, a missing checkpoint manifest, the
// repair plan for a missing segment, and a reader meeting a damaged header. Every test here
// failed before its fix; damage is planted with plain file writes, never through the code tested.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import { LogCorruptionError, repairLog } from '../../../src/engine/log';
import type { FileHandle, FileSystem } from '../../../src/engine/log/file-system';
import { readCheckpoint } from '../../../src/engine/log/snapshot';
import { nodeFileSystem } from '../../../src/engine/log/file-system';
import { FaultFileSystem, fsError } from './fault-fs';
import { THINGS, wrapHandles } from './helpers';
import { tempDir } from '../helpers';

const segmentsOf = (dir: string) => fs.readdirSync(dir).filter((f) => /^log-\d{12}\.seg$/.test(f)).sort();
/** Every file of the folder and its bytes: "nothing was changed" is compared with this. */
const contents = (dir: string) => new Map(fs.readdirSync(dir).filter((f) => f !== 'LOCK').map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]));
const put = (db: Database, k: string, extra: Record<string, unknown> = {}) =>
  db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: k }, v: { S: 'x'.repeat(200) }, ...extra } });
/** What a kill leaves of a real folder: the files as they are, and the lock no process holds. */
const kill = (dir: string) => fs.rmSync(path.join(dir, 'LOCK'), { force: true });

function flipBit(file: string, offset: number): void {
  const b = fs.readFileSync(file);
  b[offset] ^= 1;
  fs.writeFileSync(file, b);
}

/** Offsets of a segment's frames (after its 64-byte header), up to the first zero length. */
function frameOffsets(file: string): number[] {
  const b = fs.readFileSync(file);
  const out: number[] = [];
  for (let at = 64; at + 8 <= b.length && b.readUInt32LE(at) !== 0; at += 8 + b.readUInt32LE(at)) out.push(at);
  return out;
}

/** A database in `dir` with 100 puts of 200 B over segments of 8 KiB (several of them), no checkpoint. */
async function segmentedLog(dir: string): Promise<Database> {
  const db = await Database.open(dir, { segmentBytes: 8192, checkpointBytes: 1e12 });
  await db.execute('CreateTable', THINGS);
  for (let i = 0; i < 100; i++) await put(db, `k${i}`);
  return db;
}

async function count(db: Database): Promise<number> {
  return ((await db.execute('Scan', { TableName: 'Things' })) as { Count: number }).Count;
}

test('a checkpoint that a write adding new attribute names starts holds those names: after a kill the item reads back', async () => {
  const dir = tempDir('dw-review-');
  const db = await Database.open(dir, { checkpointBytes: 1 });
  await db.execute('CreateTable', THINGS);
  await db.checkpoint();
  await db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: 'k1' }, color: { S: 'red' }, size: { N: '3' } } });
  // The put's own append started a checkpoint, which snapshots at once: wait until it is on disk.
  for (let i = 0; i < 200 && (readCheckpoint(nodeFileSystem, dir)?.lsn ?? 0) < db.logStore!.lastLsn; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(readCheckpoint(nodeFileSystem, dir)?.lsn, db.logStore!.lastLsn, 'the checkpoint covers the put, so replay skips its record');
  kill(dir);
  const reopened = await Database.open(dir);
  const got = (await reopened.execute('GetItem', { TableName: 'Things', Key: { pk: { S: 'k1' } } })) as { Item: unknown };
  assert.deepEqual(got.Item, { pk: { S: 'k1' }, color: { S: 'red' }, size: { N: '3' } });
  await reopened.close();
  await db.close().catch(() => undefined);
});

test('a damaged header on the last segment refuses the open, naming the file and byte 0, and changes nothing', async () => {
  const dir = tempDir('dw-review-');
  const db = await segmentedLog(dir);
  kill(dir);
  const segments = segmentsOf(dir);
  assert.ok(segments.length >= 3);
  const last = segments[segments.length - 1];
  flipBit(path.join(dir, last), 12);
  const before = contents(dir);
  await assert.rejects(Database.open(dir, { segmentBytes: 8192 }), (e: Error) => e instanceof LogCorruptionError && e.message.includes(`${last} at byte 0`) && /header/.test(e.message));
  assert.deepEqual(contents(dir), before);
  await db.close().catch(() => undefined);
});

for (const durability of ['process', 'disk'] as const) {
  test(`'${durability}' mode: a flipped bit in synced records of the last segment refuses the open, but a torn write after the synced point still opens`, async () => {
    const dir = tempDir('dw-review-');
    // No background sync: what is synced is exactly what sync() made so.
    const options = { durability, syncIntervalMs: 3_600_000, checkpointBytes: 1e12 };
    const db = await Database.open(dir, options);
    await db.execute('CreateTable', THINGS);
    for (let i = 0; i < 100; i++) await put(db, `k${i}`);
    await db.logStore!.sync();
    for (let i = 100; i < 105; i++) await put(db, `k${i}`);
    kill(dir);
    const file = path.join(dir, segmentsOf(dir)[0]);
    const frames = frameOffsets(file);
    assert.equal(frames.length, 106);
    const saved = fs.readFileSync(file);
    const savedMark = fs.readFileSync(path.join(dir, 'log.mark'));

    // Damage in the middle of synced data: refused, nothing changed.
    flipBit(file, frames[10] + 30);
    const before = contents(dir);
    await assert.rejects(Database.open(dir, options), (e: Error) => e instanceof LogCorruptionError && e.message.includes(`at byte ${frames[10]}`));
    assert.deepEqual(contents(dir), before);
    // Cutting it there on purpose makes it open (the mark, which says more was synced, goes too).
    repairLog(dir, { apply: true });
    const repaired = await Database.open(dir, options);
    assert.equal(await count(repaired), 9, 'k0-k8: the damaged frame held k9');
    await repaired.close();

    // A torn last write (after the synced point): accepted as the tail, every synced put kept.
    for (const f of segmentsOf(dir)) if (f !== path.basename(file)) fs.rmSync(path.join(dir, f));
    fs.writeFileSync(file, saved);
    fs.writeFileSync(path.join(dir, 'log.mark'), savedMark);
    flipBit(file, frames[104] + 30);
    const reopened = await Database.open(dir, options);
    assert.equal(await count(reopened), 103, 'k0-k102: the torn frame k103 and the one after it are gone');
    await reopened.close();
    await db.close().catch(() => undefined);
  });
}

const FIXTURE = path.join(__dirname, 'fixtures', 'v0-folder');

/** Offsets of an old-format (headerless) segment's frames. */
function legacyFrames(file: string): number[] {
  const b = fs.readFileSync(file);
  const out: number[] = [];
  for (let at = 0; at + 8 <= b.length && b.readUInt32LE(at) !== 0; at += 8 + b.readUInt32LE(at)) out.push(at);
  return out;
}

test('an old-format folder with a damaged frame before its last segment is refused, its files kept; a torn tail of the last one still upgrades', async () => {
  const dir = tempDir('dw-review-');
  for (const f of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
  const first = path.join(dir, 'wal-000000000001.log');
  const frames = legacyFrames(first);
  flipBit(first, frames[frames.length - 5] + 28);
  const before = contents(dir);
  await assert.rejects(Database.open(dir), (e: Error) => e instanceof LogCorruptionError && e.message.includes(`wal-000000000001.log at byte ${frames[frames.length - 5]}`) && /build that wrote it/.test(e.message));
  assert.deepEqual(contents(dir), before);

  const torn = tempDir('dw-review-');
  for (const f of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, f), path.join(torn, f));
  const second = path.join(torn, 'wal-000000000002.log');
  const last = legacyFrames(second);
  flipBit(second, last[last.length - 1] + 28);
  const db = await Database.open(torn);
  assert.equal(((await db.execute('Scan', { TableName: 'After' })) as { Count: number }).Count, 299, 'the last old record was the torn one');
  await db.close();
});

/**
 * A disk that is full for the log's segments: a segment write lands whole and then fails with
 * ENOSPC, and every later segment write (the 8-byte clearing one too) fails, as on a full
 * copy-on-write disk. Other files still take writes.
 */
function fullForSegments(inner: FaultFileSystem, state: { mode: 'ok' | 'landThenFail' | 'fail' }): FileSystem {
  return wrapHandles(inner, (h, file) => {
    const write = (buf: Buffer, pos: number) => {
      if (file.endsWith('.seg') && state.mode === 'landThenFail') {
        h.write(buf, pos);
        state.mode = 'fail';
        throw fsError('ENOSPC', 'write', file);
      }
      if (file.endsWith('.seg') && state.mode === 'fail') throw fsError('ENOSPC', 'write', file);
      h.write(buf, pos);
    };
    return { ...bound(h), write, writeAsync: async (b: Buffer, p: number) => write(b, p) };
  });
}

/** The handle's methods, callable apart from it. */
function bound(h: FileHandle): FileHandle {
  return {
    path: h.path,
    read: h.read.bind(h),
    write: h.write.bind(h),
    writeAsync: h.writeAsync.bind(h),
    datasync: h.datasync.bind(h),
    datasyncAsync: h.datasyncAsync.bind(h),
    sync: h.sync.bind(h),
    size: h.size.bind(h),
    truncate: h.truncate.bind(h),
    close: h.close.bind(h),
  };
}

for (const durability of ['process', 'disk'] as const) {
  test(`'${durability}' mode: a refused write that landed stays gone after a restart even when clearing it fails too`, async (t) => {
    t.mock.method(console, 'error', () => undefined);
    const state: { mode: 'ok' | 'landThenFail' | 'fail' } = { mode: 'ok' };
    const files = new FaultFileSystem();
    const db = await Database.open('/data', { durability, fileSystem: fullForSegments(files, state) });
    await db.execute('CreateTable', THINGS);
    await db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: 'a' }, v: { S: 'acked' } } });
    state.mode = 'landThenFail';
    await assert.rejects(db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: 'a' }, v: { S: 'REFUSED' } } }), { name: 'InternalServerError' });
    await db.close().catch(() => undefined);
    state.mode = 'ok';
    const reopened = await Database.open('/data', { durability, fileSystem: fullForSegments(files.crashProcessOnly(), state) });
    const got = (await reopened.execute('GetItem', { TableName: 'Things', Key: { pk: { S: 'a' } } })) as { Item: { v: { S: string } } };
    assert.equal(got.Item.v.S, 'acked');
    await reopened.close();
  });
}

test('a folder whose checkpoint manifest is missing, with a log that does not start at the beginning, is refused rather than opened empty', async () => {
  const dir = tempDir('dw-review-');
  const options = { segmentBytes: 8192, checkpointBytes: 1e12 };
  const db = await Database.open(dir, options);
  await db.execute('CreateTable', THINGS);
  for (let i = 0; i < 50; i++) await put(db, `a${i}`);
  await db.checkpoint();
  for (let i = 0; i < 50; i++) await put(db, `b${i}`);
  await db.close();
  fs.rmSync(path.join(dir, 'checkpoint.manifest'));
  const before = contents(dir);
  await assert.rejects(Database.open(dir, options), (e: Error) => e instanceof LogCorruptionError && /checkpoint\.manifest is missing/.test(e.message));
  assert.deepEqual(contents(dir), before);
});

test("repair's plan for a missing segment keeps the segment before it whole and says up to which lsn", async () => {
  const dir = tempDir('dw-review-');
  const db = await segmentedLog(dir);
  kill(dir);
  const segments = segmentsOf(dir);
  assert.ok(segments.length >= 4);
  // The lsns of segment 2's records: the first after its header, and one per frame.
  const second = path.join(dir, segments[1]);
  const firstLsn = fs.readFileSync(second).readDoubleLE(24);
  const lastOfSecond = firstLsn + frameOffsets(second).length - 1;
  fs.rmSync(path.join(dir, segments[2]));
  const plan = repairLog(dir)!;
  assert.equal(plan.segment, 2);
  assert.equal(plan.lastLsnKept, lastOfSecond);
  assert.deepEqual(plan.laterSegments.map((s) => s.segment), segments.slice(3).map((f) => Number(f.slice(4, 16))));
  await db.close().catch(() => undefined);
});

test('a reader that meets a damaged segment header throws LogCorruptionError instead of ending the history there', async () => {
  const dir = tempDir('dw-review-');
  const db = await segmentedLog(dir);
  flipBit(path.join(dir, segmentsOf(dir)[1]), 12);
  assert.throws(() => [...db.logStore!.read()], (e: Error) => e instanceof LogCorruptionError && e.message.includes(`${segmentsOf(dir)[1]} at byte 0`));
  await db.close();
});

test('a log store that gave up its folder writes no more marks there (the folder may be another owner\'s now)', async () => {
  const files = new FaultFileSystem();
  const db = await Database.open('/data', { durability: 'disk', syncIntervalMs: 5, fileSystem: files });
  await db.execute('CreateTable', THINGS);
  await put(db, 'a');
  await new Promise((r) => setTimeout(r, 50));
  const before = files.readFile('/data/log.mark');
  db.logStore!.abandon(new Error('the folder was taken over'));
  // Straight to the log store, past the database's own refusal: only the mark is under test.
  await db.logStore!.append([], Date.now());
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(files.readFile('/data/log.mark'), before);
  await db.close();
});
