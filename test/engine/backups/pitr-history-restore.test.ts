// RestoreTableToPointInTime on disk logs the new table as a reference to the history it was read
// from (a `loadTable` with `restoredFrom`, FORMAT.md "Tables restored from history"), not as a
// snapshot file: replay rebuilds its items from the source table as replay has it just before the
// record and the log after the restore time. These tests hold that to what a restore promises,
// over random histories and random crash and fault points:
// - after a kill -9 or a power loss at any moment (during the history read, at the record, after
//   it, during a checkpoint), the restored table is absent or whole, present if it was ACTIVE, and
//   exactly the source at T plus the writes made to it and acknowledged since;
// - the history it needs stays on disk until a checkpoint covers the record, even when PITR is
//   disabled, the source deleted, or the segments roll over many times meanwhile;
// - no loaded-table file is written for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { tableStatus } from '../../../src/engine/backups/restore';
import { FaultFileSystem } from '../log/fault-fs';
import { Clock, enablePitr, liveItems, options, simpleTable, sortedItem } from './pitr-helpers';

const DIR = '/data';
const KEYS = ['a', 'b', 'c\ud800', 'd', 'e', 'f'];

type Write = { key: string; value: string | undefined; extra: string | undefined };

const writeArb: fc.Arbitrary<Write> = fc.record({
  key: fc.constantFrom(...KEYS),
  /** undefined: a delete. Any code point, so old images come as UTF-8 of one to four bytes a character. */
  value: fc.option(fc.string({ unit: fc.oneof(fc.constant('grapheme-ascii' as const), fc.constant('binary' as const)).chain((unit) => fc.string({ unit, maxLength: 3 })), maxLength: 6 }), { nil: undefined, freq: 4 }),
  /** An attribute name new to the dictionary part of the time. */
  extra: fc.option(fc.constantFrom('x1', 'x2', 'x3\udc00', 'x4'), { nil: undefined }),
});

const afterArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), table: fc.constantFrom('Src', 'Dst'), write: writeArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('checkpoint' as const, 'disablePitr' as const, 'deleteSource' as const) }) },
);

const scenario = fc.record({
  /** Writes before the restore, each after 0 to 2 seconds of the clock. */
  before: fc.array(fc.record({ write: writeArb, seconds: fc.nat(2) }), { minLength: 1, maxLength: 30 }),
  /** The restore time: the clock when this many writes were made (clamped). */
  at: fc.nat(30),
  /** A checkpoint after this many of the writes before the restore: what replay reads then starts after T. */
  checkpointAfter: fc.oneof(fc.constant(undefined), fc.nat(30)),
  after: fc.array(afterArb, { maxLength: 12 }),
  /** Small segments: the history spans many of them, and checkpoints move past them. */
  segmentBytes: fc.constantFrom(600, 2048, 64 * 1024),
  /** Turns of the event loop from the restore call to the crash (undefined: after everything). */
  crashAfterTurns: fc.oneof(fc.constant(undefined), fc.nat(10)),
  /** A fault of the disk (a full disk, a write that lands in part, a failing sync) from the restore on, in a quarter of the runs. */
  fault: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.record({ after: fc.nat(8), kind: fc.constantFrom('sticky' as const, 'partial' as const, 'sync' as const), partial: fc.integer({ min: 1, max: 200 }) }) },
  ),
  end: fc.constantFrom('kill' as const, 'power' as const),
  seed: fc.nat(),
});

const turn = () => new Promise<void>((r) => setImmediate(r));

function itemOf(w: Write): Record<string, unknown> {
  const item: Record<string, unknown> = { pk: { S: w.key }, v: { S: w.value } };
  if (w.extra !== undefined) item[w.extra] = { N: '1' };
  return item;
}

function write(db: Database, table: string, w: Write): Promise<unknown> {
  return w.value === undefined ? db.execute('DeleteItem', { TableName: table, Key: { pk: { S: w.key } } }) : db.execute('PutItem', { TableName: table, Item: itemOf(w) });
}

/** A table as liveItems prints its items (sorted as text: the table's key order is its encoded keys'), from a model of its items by key. */
function printed(model: Map<string, Write>): string[] {
  return [...model.values()]
    .filter((w) => w.value !== undefined)
    .map((w) => JSON.stringify(sortedItem(itemOf(w))))
    .sort();
}

const itemsOf = (db: Database, name: string): string[] => liveItems(db, name).sort();

async function settleRestore(db: Database): Promise<boolean> {
  for (;;) {
    const status = tableStatus(db, 'Dst');
    if (status !== 'CREATING') return status === 'ACTIVE';
    await new Promise((r) => setTimeout(r, 1));
  }
}

test('after a crash or a fault at any point of a restore and what follows, the restored table is absent or the source at T plus its acknowledged writes, and present once it was ACTIVE', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  let fromHistory = 0;
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const clock = new Clock();
      let files = new FaultFileSystem();
      const opts = options(clock, { durability: s.end === 'power' ? 'disk' : 'process', checkpointBytes: Number.MAX_SAFE_INTEGER, segmentBytes: s.segmentBytes });
      let db = await Database.open(DIR, { ...opts, fileSystem: files });
      await simpleTable(db, 'Src');
      await enablePitr(db, 'Src');
      const source = new Map<string, Write>();
      // The restore time is the clock after this many writes; every write at that time or
      // before (later ones in the same millisecond too) is part of the table then.
      const cut = Math.min(s.at, s.before.length);
      let restoreTime = clock.ms;
      const then = new Map<string, Write>();
      for (let i = 0; i < s.before.length; i++) {
        clock.advance(s.before[i].seconds * 1000);
        if (i < cut) restoreTime = clock.ms;
        await write(db, 'Src', s.before[i].write);
        source.set(s.before[i].write.key, s.before[i].write);
        if (clock.ms <= restoreTime) then.set(s.before[i].write.key, s.before[i].write);
        if (i + 1 === s.checkpointAfter) await db.checkpoint();
      }
      clock.advance(1000);

      if (s.fault) {
        if (s.fault.kind === 'sticky') files.failAfter({ writes: s.fault.after, code: 'ENOSPC' });
        else if (s.fault.kind === 'partial') files.failAfter({ writes: s.fault.after, code: 'ENOSPC', once: true, partialBytes: s.fault.partial });
        else files.failAfter({ syncs: s.fault.after, code: 'EIO' });
      }
      const restore = db.execute('RestoreTableToPointInTime', { SourceTableName: 'Src', TargetTableName: 'Dst', RestoreDateTime: restoreTime / 1000 }).then(
        () => true,
        () => false,
      );
      let crashed: FaultFileSystem | undefined;
      let activeAtCrash = false;
      const crashNow = () => (s.end === 'kill' ? files.crashProcessOnly() : files.crash({ seed: s.seed }));
      if (s.crashAfterTurns !== undefined) {
        for (let i = 0; i < s.crashAfterTurns; i++) await turn();
        crashed = crashNow();
        activeAtCrash = tableStatus(db, 'Dst') === 'ACTIVE';
      }
      const active = (await restore) && (await settleRestore(db));
      if (active && s.fault === undefined) {
        assert.deepEqual(itemsOf(db, 'Dst'), printed(then), 'the restored table in the run is the source at T');
        assert.deepEqual(files.list(DIR).filter((f) => f.startsWith('loaded-')), [], 'no loaded-table file is written for a restore from history');
        fromHistory++;
      }
      const restored = new Map(then);
      let sourceGone = false;
      for (const step of s.after) {
        clock.advance(500);
        if (step.kind === 'write') {
          if (step.table === 'Dst' ? !active : sourceGone) continue;
          const ok = await write(db, step.table, step.write).then(
            () => true,
            () => false,
          );
          if (ok) (step.table === 'Dst' ? restored : source).set(step.write.key, step.write);
        } else if (step.kind === 'checkpoint') await db.checkpoint().catch(() => undefined);
        else if (step.kind === 'disablePitr' && !sourceGone) {
          await db.execute('UpdateContinuousBackups', { TableName: 'Src', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } }).catch(() => undefined);
        } else if (step.kind === 'deleteSource' && !sourceGone) {
          sourceGone = await db.execute('DeleteTable', { TableName: 'Src' }).then(
            () => true,
            () => false,
          );
        }
      }
      const atEnd = crashed === undefined;
      crashed ??= crashNow();
      await db.close().catch(() => undefined);

      files = crashed;
      db = await Database.open(DIR, { ...opts, fileSystem: files });
      const present = db.tables.has('Dst');
      if (atEnd ? active : activeAtCrash) assert.ok(present, 'a restored table that was ACTIVE is kept');
      if (atEnd && !active) assert.ok(!present, 'a restore that failed leaves no table');
      if (present) assert.deepEqual(itemsOf(db, 'Dst'), atEnd ? printed(restored) : printed(then));
      if (atEnd && !sourceGone && db.tables.has('Src')) assert.deepEqual(itemsOf(db, 'Src'), printed(source));
      // And once more from the checkpoint that now covers the record (its history may then go).
      await db.close();
      db = await Database.open(DIR, { ...opts, fileSystem: files });
      assert.equal(db.tables.has('Dst'), present);
      if (present) assert.deepEqual(itemsOf(db, 'Dst'), atEnd ? printed(restored) : printed(then));
      await db.close();
    }),
    { numRuns: 150, seed: 1407, verbose: Number(process.env.FC_VERBOSE ?? 0) },
  );
  assert.ok(fromHistory > 20, `only ${fromHistory} runs restored from history`);
});

test('the history a restored table is replayed from stays on disk until a checkpoint covers its record, though PITR is disabled and a checkpoint came after the restore time', async () => {
  const clock = new Clock();
  const files = new FaultFileSystem();
  const opts = options(clock, { checkpointBytes: Number.MAX_SAFE_INTEGER, segmentBytes: 600 });
  let db = await Database.open(DIR, { ...opts, fileSystem: files });
  await simpleTable(db, 'Src');
  await enablePitr(db, 'Src');
  for (let i = 0; i < 20; i++) await write(db, 'Src', { key: `k${i % 5}`, value: `first ${i}`, extra: undefined });
  clock.advance(1000);
  const time = clock.ms;
  const then = itemsOf(db, 'Src');
  clock.advance(1000);
  for (let i = 0; i < 20; i++) await write(db, 'Src', { key: `k${i % 7}`, value: `second ${i}`, extra: 'x1' });
  // Replay after this checkpoint starts past the restore time: the record needs the segments before it.
  await db.checkpoint();
  await write(db, 'Src', { key: 'k0', value: 'last', extra: undefined });
  await db.execute('RestoreTableToPointInTime', { SourceTableName: 'Src', TargetTableName: 'Dst', RestoreDateTime: time / 1000 });
  assert.ok(await settleRestore(db));
  assert.deepEqual(itemsOf(db, 'Dst'), then);
  // Nothing retains the history for PITR any more, and the segments roll over.
  await db.execute('UpdateContinuousBackups', { TableName: 'Src', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } });
  for (let i = 0; i < 20; i++) await write(db, 'Src', { key: `k${i}`, value: `third ${i}`, extra: undefined });
  const killed = files.crashProcessOnly();
  await db.close();
  db = await Database.open(DIR, { ...opts, fileSystem: killed });
  assert.deepEqual(itemsOf(db, 'Dst'), then);
  await db.close();
});

test('a restore whose old images fill many arenas of UTF-8 (large items, characters of one to four bytes) gives every item back exactly, in the run and after a kill', async () => {
  const clock = new Clock();
  const files = new FaultFileSystem();
  const opts = options(clock, { checkpointBytes: Number.MAX_SAFE_INTEGER });
  let db = await Database.open(DIR, { ...opts, fileSystem: files });
  await simpleTable(db, 'Src');
  await enablePitr(db, 'Src');
  // About 60 KB an item: 40 of them are a few megabytes of old images, more than one arena.
  const big = (i: number, round: string) => `${round} ${i} ` + 'aé€😀'.repeat(6_000 + i * 97);
  for (let i = 0; i < 40; i++) await write(db, 'Src', { key: `k${i}`, value: big(i, 'then'), extra: undefined });
  clock.advance(1000);
  const time = clock.ms;
  const then = itemsOf(db, 'Src');
  clock.advance(1000);
  for (let i = 0; i < 40; i++) await write(db, 'Src', i % 5 === 0 ? { key: `k${i}`, value: undefined, extra: undefined } : { key: `k${i}`, value: big(i, 'now'), extra: undefined });
  await db.execute('RestoreTableToPointInTime', { SourceTableName: 'Src', TargetTableName: 'Dst', RestoreDateTime: time / 1000 });
  assert.ok(await settleRestore(db));
  assert.deepEqual(itemsOf(db, 'Dst'), then);
  const killed = files.crashProcessOnly();
  await db.close();
  db = await Database.open(DIR, { ...opts, fileSystem: killed });
  assert.deepEqual(itemsOf(db, 'Dst'), then);
  await db.close();
});
