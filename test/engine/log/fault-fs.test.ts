// The fault-injecting file system is only as good as its model: these tests pin what survives a
// crash (synced data and synced folder entries always; unsynced ones sometimes, sometimes torn),
// that failures fire exactly where armed, and, with no crash, that it reads back what the real
// file system reads back for the same random operations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { nodeFileSystem, type FileHandle, type FileSystem } from '../../../src/engine/log/file-system';
import { FaultFileSystem, PAGE_SIZE, seededRandom } from './fault-fs';
import { tempDir } from '../helpers';

const DIR = '/data';

function fresh(): FaultFileSystem {
  const ffs = new FaultFileSystem();
  ffs.mkdir(DIR);
  return ffs;
}

function fill(length: number, byte: number): Buffer {
  return Buffer.alloc(length, byte);
}

test('synced bytes and a synced folder entry survive every kind of crash', () => {
  for (const mode of ['lose', 'keep', 'random'] as const) {
    for (let seed = 0; seed < 20; seed++) {
      const ffs = fresh();
      const h = ffs.open(`${DIR}/a`, { create: true });
      h.write(fill(10_000, 7), 0);
      h.datasync();
      ffs.syncDir(DIR);
      const after = ffs.crash({ mode, seed });
      assert.deepEqual(after.readFile(`${DIR}/a`), fill(10_000, 7), `${mode} seed ${seed}`);
    }
  }
});

test('unsynced bytes are all gone when the crash loses everything, and all there when it keeps everything', () => {
  const ffs = fresh();
  const h = ffs.open(`${DIR}/a`, { create: true });
  h.write(fill(5000, 1), 0);
  h.datasync();
  ffs.syncDir(DIR);
  h.write(fill(3 * PAGE_SIZE, 2), 5000);
  assert.equal(ffs.hasUnsynced(), true);
  assert.deepEqual(ffs.crash({ mode: 'lose' }).readFile(`${DIR}/a`), fill(5000, 1));
  assert.deepEqual(ffs.crash({ mode: 'keep' }).readFile(`${DIR}/a`), Buffer.concat([fill(5000, 1), fill(3 * PAGE_SIZE, 2)]));
});

test('random crashes lose, keep and tear unsynced pages independently, and reproduce from their seed', () => {
  const ffs = fresh();
  const h = ffs.open(`${DIR}/a`, { create: true });
  ffs.syncDir(DIR);
  const pages = 8;
  for (let p = 0; p < pages; p++) h.write(fill(PAGE_SIZE, 0x10 + p), p * PAGE_SIZE);
  const outcomes = new Set<string>();
  for (let seed = 0; seed < 200; seed++) {
    const content = ffs.crash({ seed }).readFile(`${DIR}/a`);
    assert.deepEqual(ffs.crash({ seed }).readFile(`${DIR}/a`), content, 'same seed, same result');
    for (let p = 0; p < pages; p++) {
      const page = content.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
      const written = page.filter((b) => b === 0x10 + p).length;
      // Every byte is either the new one or a zero (a hole or never written), and new bytes form a prefix.
      assert.equal(page.subarray(0, written).every((b) => b === 0x10 + p), true);
      assert.equal(page.subarray(written).every((b) => b === 0), true);
      outcomes.add(written === 0 ? 'lost' : written === PAGE_SIZE ? 'kept' : 'torn');
    }
    // Reordering: a later page may survive when an earlier one did not.
    if (content.length > PAGE_SIZE && content[0] === 0) outcomes.add('reordered');
  }
  assert.deepEqual([...outcomes].sort(), ['kept', 'lost', 'reordered', 'torn']);
});

test('a new file whose folder was never synced may vanish even though its content was synced', () => {
  const ffs = fresh();
  const h = ffs.open(`${DIR}/new`, { create: true });
  h.write(fill(100, 3), 0);
  h.datasync();
  assert.equal(ffs.crash({ mode: 'lose' }).exists(`${DIR}/new`), false);
  assert.deepEqual(ffs.crash({ mode: 'keep' }).readFile(`${DIR}/new`), fill(100, 3));
  ffs.syncDir(DIR);
  assert.deepEqual(ffs.crash({ mode: 'lose' }).readFile(`${DIR}/new`), fill(100, 3));
});

test('a rename without syncDir may be lost, leaving the old names, and is atomic when it survives', () => {
  const ffs = fresh();
  ffs.writeFile(`${DIR}/current`, fill(10, 1));
  const tmp = ffs.open(`${DIR}/current.tmp`, { create: true });
  tmp.write(fill(20, 2), 0);
  tmp.sync();
  ffs.rename(`${DIR}/current.tmp`, `${DIR}/current`);
  const lost = ffs.crash({ mode: 'lose' });
  assert.deepEqual(lost.readFile(`${DIR}/current`), fill(10, 1));
  assert.equal(lost.exists(`${DIR}/current.tmp`), false, 'the creation of the temp file was not synced either');
  for (let seed = 0; seed < 50; seed++) {
    const after = ffs.crash({ seed });
    const content = after.readFile(`${DIR}/current`);
    assert.ok(content.equals(fill(10, 1)) || content.equals(fill(20, 2)), 'old or new, never a mix');
  }
  ffs.syncDir(DIR);
  const kept = ffs.crash({ mode: 'lose' });
  assert.deepEqual(kept.readFile(`${DIR}/current`), fill(20, 2));
  assert.deepEqual(kept.list(DIR), ['current']);
});

test('a removal is undone by a crash until the folder is synced', () => {
  const ffs = fresh();
  ffs.writeFile(`${DIR}/old`, fill(5, 9));
  ffs.remove(`${DIR}/old`);
  assert.equal(ffs.exists(`${DIR}/old`), false);
  assert.equal(ffs.crash({ mode: 'lose' }).exists(`${DIR}/old`), true);
  ffs.syncDir(DIR);
  assert.equal(ffs.crash({ mode: 'lose' }).exists(`${DIR}/old`), false);
});

test('a file opened with dsync keeps every write that returned', () => {
  const ffs = fresh();
  ffs.writeFile(`${DIR}/log`, Buffer.alloc(0));
  const h = ffs.open(`${DIR}/log`, { dsync: true });
  h.write(fill(6000, 4), 0);
  assert.equal(ffs.hasUnsynced(), false);
  assert.deepEqual(ffs.crash({ mode: 'lose' }).readFile(`${DIR}/log`), fill(6000, 4));
});

test('a cut by truncate is durable only after sync: datasync leaves the stale tail a crash can bring back', () => {
  const ffs = fresh();
  ffs.writeFile(`${DIR}/seg`, fill(3 * PAGE_SIZE, 5));
  const h = ffs.open(`${DIR}/seg`);
  h.truncate(100);
  h.write(fill(10, 6), 100);
  h.datasync();
  assert.equal(h.size(), 110);
  const stale = ffs.crash({ mode: 'lose' }).readFile(`${DIR}/seg`);
  assert.equal(stale.length, 3 * PAGE_SIZE, 'the old length came back');
  assert.deepEqual(stale.subarray(100, 110), fill(10, 6), 'the synced write is there');
  assert.deepEqual(stale.subarray(110, 120), fill(10, 5), 'stale bytes follow it');
  h.sync();
  assert.deepEqual(ffs.crash({ mode: 'lose' }).readFile(`${DIR}/seg`), Buffer.concat([fill(100, 5), fill(10, 6)]));
});

test('a kill -9 keeps everything written, and a later power loss can still drop what was never synced', () => {
  const ffs = fresh();
  const h = ffs.open(`${DIR}/a`, { create: true });
  h.write(fill(50, 8), 0);
  const killed = ffs.crashProcessOnly();
  assert.deepEqual(killed.readFile(`${DIR}/a`), fill(50, 8));
  assert.equal(killed.crash({ mode: 'lose' }).exists(`${DIR}/a`), false);
});

test('failAfter lets exactly n writes through, then fails with a Node-shaped error until healed', () => {
  const ffs = fresh();
  const h = ffs.open(`${DIR}/a`, { create: true });
  ffs.failAfter({ writes: 2, code: 'ENOSPC' });
  h.write(fill(1, 1), 0);
  h.write(fill(1, 2), 1);
  assert.throws(() => h.write(fill(1, 3), 2), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC' && e.syscall === 'write' && /^ENOSPC: no space left on device, write/.test(e.message));
  assert.throws(() => h.write(fill(1, 3), 2), { code: 'ENOSPC' }, 'a full disk stays full');
  assert.deepEqual(ffs.readFile(`${DIR}/a`), Buffer.from([1, 2]), 'the failed writes left nothing');
  ffs.heal();
  h.write(fill(1, 3), 2);
  assert.deepEqual(ffs.readFile(`${DIR}/a`), Buffer.from([1, 2, 3]));
});

test('a failing write can land a prefix first, as a short write before ENOSPC does', () => {
  const ffs = fresh();
  const h = ffs.open(`${DIR}/a`, { create: true });
  ffs.failAfter({ writes: 0, code: 'ENOSPC', partialBytes: 3, once: true });
  assert.throws(() => h.write(fill(10, 1), 0), { code: 'ENOSPC' });
  assert.deepEqual(ffs.readFile(`${DIR}/a`), fill(3, 1));
  h.write(fill(10, 2), 0);
  assert.equal(ffs.stats.writes, 2);
});

test('failAfter on syncs fails the chosen sync, once, and the data it would have synced stays volatile', async () => {
  const ffs = fresh();
  const h = ffs.open(`${DIR}/a`, { create: true });
  ffs.syncDir(DIR);
  h.write(fill(10, 1), 0);
  ffs.failAfter({ syncs: 1, code: 'EIO', once: true });
  h.datasync();
  h.write(fill(10, 2), 10);
  await assert.rejects(h.datasyncAsync(), { code: 'EIO', syscall: 'fdatasync' });
  assert.deepEqual(ffs.crash({ mode: 'lose' }).readFile(`${DIR}/a`), fill(10, 1));
  await h.datasyncAsync();
  assert.equal(ffs.stats.syncs, 2, 'the failed sync is not counted as done');
  assert.equal(ffs.crash({ mode: 'lose' }).readFile(`${DIR}/a`).length, 20);
});

test('opening a missing file without create fails with ENOENT, and reads past the end return nothing', () => {
  const ffs = fresh();
  assert.throws(() => ffs.open(`${DIR}/missing`), { code: 'ENOENT', syscall: 'open' });
  assert.throws(() => ffs.open('/nowhere/x', { create: true }), { code: 'ENOENT' });
  assert.throws(() => ffs.list('/nowhere'), { code: 'ENOENT' });
  const h = ffs.open(`${DIR}/a`, { create: true });
  h.write(fill(4, 1), 0);
  const buf = Buffer.alloc(10);
  assert.equal(h.read(buf, 0, 10, 2), 2);
  assert.equal(h.read(buf, 0, 10, 4), 0);
  assert.equal(h.read(buf, 0, 10, 100), 0);
  h.close();
  assert.throws(() => h.read(buf, 0, 1, 0), { code: 'EBADF' });
});

// ---- the model against the real file system ----

type Op =
  | { op: 'open'; file: number; create: boolean; truncate: boolean }
  | { op: 'write'; file: number; position: number; length: number; byte: number }
  | { op: 'truncate'; file: number; length: number }
  | { op: 'rename'; from: number; to: number }
  | { op: 'remove'; file: number }
  | { op: 'sync'; file: number }
  | { op: 'read'; file: number; position: number; length: number };

const fileIndex = fc.integer({ min: 0, max: 2 });
// Weighted towards opening with create and writing, so most sequences reach interesting states.
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('open' as const), file: fileIndex, create: fc.boolean(), truncate: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('write' as const), file: fileIndex, position: fc.integer({ min: 0, max: 3 * PAGE_SIZE }), length: fc.integer({ min: 1, max: 2 * PAGE_SIZE }), byte: fc.integer({ min: 1, max: 255 }) }), weight: 4 },
  fc.record({ op: fc.constant('truncate' as const), file: fileIndex, length: fc.integer({ min: 0, max: 4 * PAGE_SIZE }) }),
  fc.record({ op: fc.constant('rename' as const), from: fileIndex, to: fileIndex }),
  fc.record({ op: fc.constant('remove' as const), file: fileIndex }),
  fc.record({ op: fc.constant('sync' as const), file: fileIndex }),
  fc.record({ op: fc.constant('read' as const), file: fileIndex, position: fc.integer({ min: 0, max: 5 * PAGE_SIZE }), length: fc.integer({ min: 1, max: 2 * PAGE_SIZE }) }),
);

/** Runs one operation; returns what it observed (a read's bytes, or an error code). */
function run(fsys: FileSystem, dir: string, handles: Map<number, FileHandle>, op: Op): string {
  const name = (i: number) => path.join(dir, `f${i}`);
  try {
    switch (op.op) {
      case 'open': {
        handles.get(op.file)?.close();
        handles.delete(op.file);
        handles.set(op.file, fsys.open(name(op.file), { create: op.create, truncate: op.truncate }));
        return 'ok';
      }
      case 'write':
        handles.get(op.file)?.write(fill(op.length, op.byte), op.position);
        return 'ok';
      case 'truncate':
        handles.get(op.file)?.truncate(op.length);
        return 'ok';
      case 'rename':
        fsys.rename(name(op.from), name(op.to));
        return 'ok';
      case 'remove':
        fsys.remove(name(op.file));
        return 'ok';
      case 'sync':
        handles.get(op.file)?.datasync();
        fsys.syncDir(dir);
        return 'ok';
      case 'read': {
        const h = handles.get(op.file);
        if (!h) return 'no handle';
        const buf = Buffer.alloc(op.length);
        const n = h.read(buf, 0, op.length, op.position);
        return `${h.size()}:${buf.subarray(0, n).toString('hex')}`;
      }
    }
  } catch (e) {
    return `error ${(e as NodeJS.ErrnoException).code}`;
  }
}

test('with no crash, random operations read back the same from the model and from the real file system', () => {
  const root = tempDir('fault-fs-');
  try {
    let run_ = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 60, size: 'max' }), (ops) => {
        const real = path.join(root, `r${run_++}`);
        fs.mkdirSync(real);
        const ffs = fresh();
        const realHandles = new Map<number, FileHandle>();
        const fakeHandles = new Map<number, FileHandle>();
        try {
          for (const op of ops) assert.equal(run(ffs, DIR, fakeHandles, op), run(nodeFileSystem, real, realHandles, op), JSON.stringify(op));
          assert.deepEqual(ffs.list(DIR), nodeFileSystem.list(real).sort());
          for (const name of ffs.list(DIR)) assert.ok(ffs.readFile(path.join(DIR, name)).equals(fs.readFileSync(path.join(real, name))), name);
        } finally {
          for (const h of realHandles.values()) h.close();
          fs.rmSync(real, { recursive: true, force: true });
        }
      }),
      { numRuns: 150 },
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('crash choices drawn from a caller-given source follow that source', () => {
  const ffs = fresh();
  const h = ffs.open(`${DIR}/a`, { create: true });
  ffs.syncDir(DIR);
  h.write(fill(PAGE_SIZE, 1), 0);
  // 0.9 is past both the "lost" and "kept" thresholds: the page is torn, at a prefix the next draw picks.
  const draws = [0.9, 0.5];
  const after = ffs.crash({ random: () => draws.shift() ?? 0 });
  const content = after.readFile(`${DIR}/a`);
  assert.ok(content.length > 0 && content.length < PAGE_SIZE, `torn to ${content.length}`);
  assert.equal(typeof seededRandom(3)(), 'number');
});

/** Every name in the folder with its current content. */
function state(ffs: FaultFileSystem, dir: string): Map<string, string> {
  return new Map(ffs.list(dir).map((name) => [name, ffs.readFile(path.join(dir, name)).toString('hex')]));
}

/**
 * Which names an operation changes. A handle writes to its file wherever a rename moved it, so
 * `names` follows each handle's file (undefined once it has no name) and is updated here.
 */
function touched(op: Op, names: Map<number, string | undefined>, ok: boolean): string[] {
  if (!ok) return [];
  switch (op.op) {
    case 'open':
      names.set(op.file, `f${op.file}`);
      return [`f${op.file}`];
    case 'write':
    case 'truncate': {
      const name = names.get(op.file);
      return name ? [name] : [];
    }
    case 'rename': {
      const [from, to] = [`f${op.from}`, `f${op.to}`];
      if (from === to) return [];
      for (const [h, name] of names) if (name === to) names.set(h, undefined);
      for (const [h, name] of names) if (name === from) names.set(h, to);
      return [from, to];
    }
    case 'remove':
      for (const [h, name] of names) if (name === `f${op.file}`) names.set(h, undefined);
      return [`f${op.file}`];
    default:
      return [];
  }
}

test('after any history, a full sync makes the folder durable: a later crash changes only the files touched since', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 40, size: 'max' }), fc.array(opArb.filter((op) => op.op !== 'sync'), { maxLength: 10 }), fc.nat(), (before, after, seed) => {
      const ffs = fresh();
      const handles = new Map<number, FileHandle>();
      const names = new Map<number, string | undefined>();
      for (const op of before) touched(op, names, run(ffs, DIR, handles, op) === 'ok');
      // fsync through any descriptor flushes the file, whichever handle wrote it.
      for (const name of ffs.list(DIR)) ffs.open(path.join(DIR, name)).sync();
      ffs.syncDir(DIR);
      const synced = state(ffs, DIR);
      const changed = new Set<string>();
      for (const op of after) for (const name of touched(op, names, run(ffs, DIR, handles, op) === 'ok')) changed.add(name);
      assert.deepEqual(state(ffs.crash({ mode: 'keep' }), DIR), state(ffs, DIR), 'keeping everything is the current state');
      const crashed = state(ffs.crash({ seed }), DIR);
      for (const name of ['f0', 'f1', 'f2']) {
        if (!changed.has(name)) assert.equal(crashed.get(name), synced.get(name), `${name} was not touched after the sync`);
      }
    }),
    { numRuns: 300 },
  );
});
