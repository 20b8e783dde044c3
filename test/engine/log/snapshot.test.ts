// Table snapshots and checkpoints: exact round trips of random tables, bounded buffers on tables of
// many chunks (the property that lets a table over 2 GiB write and read back), detection of torn,
// truncated and corrupted files, atomic checkpoints across crashes at any point, and serialized
// concurrent runs. BIG=1 also runs a real round trip of a table over 2 GiB on the real file system.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { nodeFileSystem, type FileHandle, type FileSystem } from '../../../src/engine/log/file-system';
import {
  CorruptSnapshotError,
  MANIFEST_FILE,
  SnapshotWriter,
  readCheckpoint,
  readTableSnapshot,
  readTableSnapshotAsync,
  writeCheckpoint,
  writeTableSnapshot,
  type LsnTableSnapshot,
  type TableSnapshot,
} from '../../../src/engine/log/snapshot';
import { FaultFileSystem } from './fault-fs';
import { wrapHandles } from './helpers';
import { tempDir } from '../helpers';

const DIR = '/data';
const FILE = `${DIR}/t.tsnap`;

function fresh(): FaultFileSystem {
  const ffs = new FaultFileSystem();
  ffs.mkdir(DIR);
  return ffs;
}

/** Any UTF-16 code unit, lone surrogates included. */
const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/** Strings that hit both encodings: mostly latin1, sometimes with wide units. */
const text = fc.oneof(fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 300 }), fc.string({ unit, maxLength: 300 }));

const tableArb: fc.Arbitrary<LsnTableSnapshot> = fc
  .record({
    meta: fc.record({ TableName: fc.string({ maxLength: 20 }), note: fc.string({ unit, maxLength: 20 }), n: fc.integer() }),
    names: fc.array(fc.string({ unit, maxLength: 12 }), { maxLength: 10 }),
    shapes: fc.array(fc.array(fc.nat(1000), { maxLength: 6 }), { maxLength: 6 }),
    items: fc.array(fc.tuple(text, text), { maxLength: 60 }),
    lsn: fc.nat(),
  })
  .map(({ meta, names, shapes, items, lsn }) => ({ meta: { ...meta }, dictionary: { names, shapes }, keys: items.map(([k]) => k), values: items.map(([, v]) => v), lsn }));

function sampleTable(items: number, valueSize = 200): LsnTableSnapshot {
  const keys: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < items; i++) {
    keys.push(`key-${i}\u0000`);
    values.push((i % 7 === 0 ? '\ud800wide' : 'v') + String(i).padEnd(valueSize, 'x'));
  }
  return { meta: { TableName: 'T', created: 1 }, dictionary: { names: ['a', 'b\udc00'], shapes: [[0, 1]] }, keys, values, lsn: 42 };
}

interface Hooks {
  /** Sees each buffer handed to a read or a write. */
  buffer?(buf: Buffer, write: boolean): void;
  opened?(file: string): void;
  closed?(file: string): void;
}

/** A file system that passes everything to `inner`, telling `hooks` what goes through it. */
function observed(inner: FileSystem, hooks: Hooks): FileSystem {
  const wrap = (h: FileHandle): FileHandle => ({
    path: h.path,
    read: (buf, offset, length, position) => (hooks.buffer?.(buf, false), h.read(buf, offset, length, position)),
    write: (buf, position) => (hooks.buffer?.(buf, true), h.write(buf, position)),
    writeAsync: (buf, position) => (hooks.buffer?.(buf, true), h.writeAsync(buf, position)),
    datasync: () => h.datasync(),
    datasyncAsync: () => h.datasyncAsync(),
    sync: () => h.sync(),
    size: () => h.size(),
    truncate: (n) => h.truncate(n),
    close: () => (hooks.closed?.(h.path), h.close()),
  });
  return wrapHandles(inner, (h, file) => {
    const wrapped = wrap(h);
    hooks.opened?.(file);
    return wrapped;
  });
}

test('random tables round-trip exactly, lone surrogates, empty tables and strings spanning chunks included', async () => {
  await fc.assert(
    fc.asyncProperty(tableArb, fc.integer({ min: 16, max: 300 }), async (table, chunkSize) => {
      const ffs = fresh();
      await writeTableSnapshot(ffs, FILE, table, { chunkSize });
      assert.deepEqual(readTableSnapshot(ffs, FILE), table);
    }),
    { numRuns: 200 },
  );
});

test('a table of many chunks is written and read with no buffer larger than one chunk', async () => {
  const table = sampleTable(5000, 300); // about 1.6 MB of strings
  const chunkSize = 4096;
  const largest = { read: 0, write: 0 };
  let writes = 0;
  const rec = observed(fresh(), {
    buffer(buf, write) {
      if (write) writes++;
      largest[write ? 'write' : 'read'] = Math.max(largest[write ? 'write' : 'read'], buf.length);
    },
  });
  await writeTableSnapshot(rec, FILE, table, { chunkSize });
  assert.ok(writes > 300, `${writes} chunk writes`);
  const back = readTableSnapshot(rec, FILE);
  assert.ok(largest.write <= chunkSize + 8 && largest.read <= chunkSize + 8, `largest buffers: ${JSON.stringify(largest)}`);
  assert.deepEqual(back, table);
});

test('a string longer than a chunk is split across chunks and comes back whole', async () => {
  const ffs = fresh();
  const long = 'a'.repeat(10_000) + '\udfff' + 'b'.repeat(5_000);
  const table = { meta: null, dictionary: { names: [], shapes: [] }, keys: ['k', 'j'], values: [long, 'x'.repeat(9_999)], lsn: 1 };
  await writeTableSnapshot(ffs, FILE, table, { chunkSize: 1001 });
  assert.deepEqual(readTableSnapshot(ffs, FILE), table);
});

test('writing yields to the event loop between chunks', async () => {
  const ffs = fresh();
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  try {
    await writeTableSnapshot(ffs, FILE, sampleTable(3000), { chunkSize: 1024 });
  } finally {
    clearInterval(timer);
  }
  assert.ok(ticks > 0, 'a timer ran while the snapshot was written');
});

test('every torn or reordered version of an unsynced snapshot reads back exactly or fails as corrupt, naming file and offset', async () => {
  const source = fresh();
  const table = sampleTable(400);
  await writeTableSnapshot(source, FILE, table, { chunkSize: 2048 });
  const bytes = source.readFile(FILE);
  const outcomes = { exact: 0, corrupt: 0 };
  for (let seed = 0; seed < 150; seed++) {
    // The same bytes written to a file whose name is durable but whose content was never synced.
    const ffs = fresh();
    const h = ffs.open(FILE, { create: true });
    ffs.syncDir(DIR);
    h.write(bytes, 0);
    const after = ffs.crash({ seed });
    try {
      assert.deepEqual(readTableSnapshot(after, FILE), table);
      outcomes.exact++;
    } catch (e) {
      assert.ok(e instanceof CorruptSnapshotError, String(e));
      assert.equal(e.file, FILE);
      assert.ok(e.offset >= 0 && e.offset <= bytes.length, `offset ${e.offset}`);
      assert.match(e.message, /^\/data\/t\.tsnap is not a valid snapshot at byte \d+: /);
      outcomes.corrupt++;
    }
  }
  assert.ok(outcomes.corrupt > 100, JSON.stringify(outcomes));
});

test('a snapshot cut at any length fails as truncated instead of reading as a shorter table', async () => {
  const source = fresh();
  const table = sampleTable(50);
  await writeTableSnapshot(source, FILE, table, { chunkSize: 512 });
  const bytes = source.readFile(FILE);
  for (let cut = 0; cut < bytes.length; cut += 37) {
    const ffs = fresh();
    ffs.writeFile(FILE, bytes.subarray(0, cut));
    assert.throws(() => readTableSnapshot(ffs, FILE), CorruptSnapshotError, `cut at ${cut}`);
  }
  const longer = fresh();
  longer.writeFile(FILE, Buffer.concat([bytes, Buffer.alloc(3)]));
  assert.throws(() => readTableSnapshot(longer, FILE), /3 bytes follow the trailer/);
});

test('one flipped bit anywhere in a snapshot is detected', async () => {
  const source = fresh();
  await writeTableSnapshot(source, FILE, sampleTable(30), { chunkSize: 256 });
  const bytes = source.readFile(FILE);
  fc.assert(
    fc.property(fc.nat(bytes.length - 1), fc.nat(7), (offset, bit) => {
      const ffs = fresh();
      ffs.writeFile(FILE, bytes);
      ffs.flipBit(FILE, offset, bit);
      assert.throws(() => readTableSnapshot(ffs, FILE), CorruptSnapshotError);
    }),
    { numRuns: 300 },
  );
});

test('chunks of another snapshot spliced in are refused because the checksums are chained', async () => {
  const ffs = fresh();
  const a = sampleTable(100);
  const b = { ...sampleTable(100), lsn: 43 };
  await writeTableSnapshot(ffs, `${DIR}/a`, a, { chunkSize: 1024 });
  await writeTableSnapshot(ffs, `${DIR}/b`, b, { chunkSize: 1024 });
  const bytesA = ffs.readFile(`${DIR}/a`);
  const bytesB = ffs.readFile(`${DIR}/b`);
  // Same chunk boundaries, same payloads except the header's lsn: only the chain tells them apart.
  ffs.writeFile(FILE, Buffer.concat([bytesA.subarray(0, 32), bytesB.subarray(32)]));
  assert.throws(() => readTableSnapshot(ffs, FILE), /chunk checksum does not match/);
});

test('reading a missing snapshot fails with ENOENT and a file of another kind fails as corrupt', () => {
  const ffs = fresh();
  assert.throws(() => readTableSnapshot(ffs, FILE), { code: 'ENOENT' });
  ffs.writeFile(FILE, Buffer.from('{"not":"a snapshot"} and some more bytes to fill a header'));
  assert.throws(() => readTableSnapshot(ffs, FILE), /does not start with the table snapshot magic/);
});

test('a failed snapshot write leaves the previous file and no temp file behind', async () => {
  const ffs = fresh();
  const old = sampleTable(10);
  await writeTableSnapshot(ffs, FILE, old);
  ffs.failAfter({ writes: 3, code: 'ENOSPC' });
  await assert.rejects(writeTableSnapshot(ffs, FILE, { ...sampleTable(2000), lsn: 99 }, { chunkSize: 1024 }), { code: 'ENOSPC' });
  ffs.heal();
  assert.deepEqual(ffs.list(DIR), ['t.tsnap']);
  assert.deepEqual(readTableSnapshot(ffs, FILE), old);
});

// ---- checkpoints ----

function tables(seed: number, count: number): TableSnapshot[] {
  return Array.from({ length: count }, (_, t) => {
    const { lsn: _lsn, ...table } = sampleTable(20 + t * 10);
    return { ...table, meta: { TableName: `T${t}`, seed }, values: table.values.map((v) => `${seed}:${v}`) };
  });
}

test('a checkpoint reads back with its lsn, replay position and tables, and replaces the previous one', async () => {
  const ffs = fresh();
  assert.equal(readCheckpoint(ffs, DIR), undefined);
  await writeCheckpoint(ffs, DIR, 10, { segment: 1, offset: 0 }, tables(1, 3));
  await writeCheckpoint(ffs, DIR, 20, { segment: 2, offset: 77 }, tables(2, 2));
  assert.deepEqual(readCheckpoint(ffs, DIR), { lsn: 20, from: { segment: 2, offset: 77 }, tables: tables(2, 2) });
  assert.deepEqual(ffs.list(DIR), ['checkpoint-000000000002-0.tsnap', 'checkpoint-000000000002-1.tsnap', MANIFEST_FILE], 'the older files are gone');
  await writeCheckpoint(ffs, DIR, 30, { segment: 3, offset: 0 }, []);
  assert.deepEqual(readCheckpoint(ffs, DIR), { lsn: 30, from: { segment: 3, offset: 0 }, tables: [] });
});

test('a crash at any point of a checkpoint leaves the previous one or the new one, whole', async () => {
  const before = tables(1, 3);
  const after = tables(2, 3);
  await fc.assert(
    fc.asyncProperty(fc.nat(60), fc.boolean(), fc.nat(), async (point, onSync, seed) => {
      const ffs = fresh();
      await writeCheckpoint(ffs, DIR, 10, { segment: 1, offset: 0 }, before, { chunkSize: 512 });
      // The process stops at the chosen write or sync (it throws there and nothing later runs).
      ffs.failAfter(onSync ? { syncs: point % 12, code: 'EIO' } : { writes: point, code: 'EIO' });
      const finished = await writeCheckpoint(ffs, DIR, 20, { segment: 2, offset: 5 }, after, { chunkSize: 512 }).then(
        () => true,
        () => false,
      );
      const survivor = readCheckpoint(ffs.crash({ seed }), DIR);
      if (finished) assert.deepEqual(survivor, { lsn: 20, from: { segment: 2, offset: 5 }, tables: after });
      else assert.ok(survivor !== undefined && [10, 20].includes(survivor.lsn) && JSON.stringify(survivor.tables) === JSON.stringify(survivor.lsn === 10 ? before : after));
    }),
    { numRuns: 150 },
  );
});

test('request tokens travel with their checkpoint: a crash at any point leaves the previous tokens or the new ones, whole', async () => {
  const before = tables(1, 2);
  const after = tables(2, 2);
  const old = [{ text: 'a 00', time: 1 }];
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ text: fc.string({ unit: 'binary', maxLength: 120 }), time: fc.integer({ min: 0, max: 2 ** 50 }) }), { minLength: 1, maxLength: 20 }),
      fc.nat(40), fc.boolean(), fc.nat(),
      async (tokens, point, onSync, seed) => {
        const ffs = fresh();
        await writeCheckpoint(ffs, DIR, 10, { segment: 1, offset: 0 }, before, { chunkSize: 512 }, old);
        ffs.failAfter(onSync ? { syncs: point % 10, code: 'EIO' } : { writes: point, code: 'EIO' });
        const finished = await writeCheckpoint(ffs, DIR, 20, { segment: 2, offset: 5 }, after, { chunkSize: 512 }, tokens).then(() => true, () => false);
        const survivor = readCheckpoint(ffs.crash({ seed }), DIR)!;
        if (finished) assert.equal(survivor.lsn, 20);
        assert.deepEqual(survivor.tokens, survivor.lsn === 10 ? old : tokens.map((t) => ({ ...t })));
      },
    ),
    { numRuns: 100 },
  );
});

test('a checkpoint whose snapshot file went missing or holds another lsn is refused, naming the file', async () => {
  const ffs = fresh();
  await writeCheckpoint(ffs, DIR, 10, { segment: 1, offset: 0 }, tables(1, 2));
  const second = `${DIR}/checkpoint-000000000001-1.tsnap`;
  const saved = ffs.readFile(second);
  await writeTableSnapshot(ffs, second, { ...tables(1, 2)[1], lsn: 9 });
  assert.throws(() => readCheckpoint(ffs, DIR), (e: Error) => e instanceof CorruptSnapshotError && e.file === second && /as of lsn 9, the checkpoint of lsn 10/.test(e.message));
  ffs.writeFile(second, saved);
  ffs.remove(second);
  assert.throws(() => readCheckpoint(ffs, DIR), /the checkpoint names it but it is missing/);
});

test('a corrupt manifest is refused rather than read as no checkpoint', async () => {
  const ffs = fresh();
  await writeCheckpoint(ffs, DIR, 10, { segment: 1, offset: 0 }, tables(1, 1));
  ffs.flipBit(`${DIR}/${MANIFEST_FILE}`, 20);
  assert.throws(() => readCheckpoint(ffs, DIR), /checksum does not match/);
});

test('checkpoints asked for at once run one after the other, never sharing a temp file, the last one winning', async () => {
  const inner = fresh();
  let open = 0;
  let most = 0;
  const watched = observed(inner, {
    opened: (file) => void (file.includes('.tmp-') && (most = Math.max(most, ++open))),
    closed: (file) => void (file.includes('.tmp-') && open--),
  });
  await Promise.all([1, 2, 3, 4].map((n) => writeCheckpoint(watched, DIR, n * 10, { segment: n, offset: 0 }, tables(n, 2), { chunkSize: 256 })));
  assert.equal(most, 1, 'at most one temp file open at a time');
  assert.equal(readCheckpoint(inner, DIR)?.lsn, 40);
  assert.equal(inner.list(DIR).filter((n) => n.includes('.tmp-')).length, 0);
});

test('SnapshotWriter runs jobs in the order asked, and a failed job does not stop the next', async () => {
  const writer = new SnapshotWriter();
  const log: string[] = [];
  const job = (name: string, fail = false) => async () => {
    log.push(`start ${name}`);
    await new Promise((r) => setImmediate(r));
    log.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled([writer.run(job('a')), writer.run(job('b', true)), writer.run(job('c'))]);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
});

// ---- a real table over 2 GiB (slow: BIG=1 only) ----

test('a table over 2 GiB writes and reads back on the real file system', { skip: process.env.BIG !== '1' && 'set BIG=1 to run' }, async () => {
  const dir = tempDir('big-snapshot-');
  try {
    // 2.2 GiB of values: 1.1M strings of 2 KiB, sharing one backing string to keep the test's own memory small.
    const count = 1_100_000;
    const value = 'v'.repeat(2048);
    const keys = Array.from({ length: count }, (_, i) => `k${i}`);
    const values = new Array<string>(count).fill(value);
    values[count - 1] = '\ud83d' + value; // a wide string at the very end
    const file = path.join(dir, 'big.tsnap');
    const started = Date.now();
    await writeTableSnapshot(nodeFileSystem, file, { meta: {}, dictionary: { names: [], shapes: [] }, keys, values, lsn: 7 });
    const wrote = Date.now();
    const size = fs.statSync(file).size;
    assert.ok(size > 2 ** 31, `${size} bytes`);
    const back = readTableSnapshot(nodeFileSystem, file);
    const read = Date.now();
    assert.equal(back.keys.length, count);
    assert.equal(back.keys[count - 1], `k${count - 1}`);
    assert.equal(back.values[count - 1], values[count - 1]);
    assert.equal(back.values[12345], value);
    console.log(`big snapshot: ${size} bytes, write ${wrote - started} ms, read ${read - wrote} ms, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the replay position keeps every field the log store gives it', async () => {
  const ffs = fresh();
  const from = { segment: 3, offset: 4096, lsn: 123, crc: 0xdeadbeef, time: 1_700_000_000_000, epoch: 2 };
  await writeCheckpoint(ffs, DIR, 123, from, tables(1, 1));
  assert.deepEqual(readCheckpoint(ffs, DIR)?.from, from);
});

test('metadata that is not JSON, behind valid checksums, is reported at its offset', async () => {
  const ffs = fresh();
  await writeTableSnapshot(ffs, FILE, { meta: 'x', dictionary: { names: [], shapes: [] }, keys: [], values: [], lsn: 1 }, { chunkSize: 64 });
  // Rewrite the first chunk's payload (meta JSON `"x"`, 3 latin1 units) to `{x}` and fix its checksum.
  const bytes = ffs.readFile(FILE);
  const payloadAt = 32 + 8;
  assert.equal(bytes.toString('latin1', payloadAt + 1, payloadAt + 4), '"x"');
  bytes.write('{x}', payloadAt + 1, 'latin1');
  const length = bytes.readUInt32LE(32);
  const chunkCrc = crc32(bytes.subarray(payloadAt, payloadAt + length), bytes.readUInt32LE(28));
  bytes.writeUInt32LE(chunkCrc, 36);
  bytes.writeUInt32LE(chunkCrc, bytes.length - 4); // the only chunk: the trailer repeats its checksum
  ffs.writeFile(FILE, bytes);
  assert.throws(() => readTableSnapshot(ffs, FILE), (e: Error) => e instanceof CorruptSnapshotError && e.offset === payloadAt && /metadata is not JSON/.test(e.message));
});

test('readTableSnapshotAsync reads exactly what readTableSnapshot reads, giving the event loop turns on the way, and refuses the same damage', async () => {
  const ffs = fresh();
  const keys = Array.from({ length: 5000 }, (_, i) => `k${String(i).padStart(5, '0')}`);
  const values = keys.map((k, i) => `${k}:${'ü'.repeat(i % 7)}\ud800`);
  await writeTableSnapshot(ffs, FILE, { meta: { name: 'async' }, dictionary: { names: ['a'], nameIds: [0], shapes: [], shapeIds: [] }, keys, values, lsn: 9 }, { chunkSize: 4096 });
  let turns = 0;
  const counting = setInterval(() => turns++, 0);
  const read = await readTableSnapshotAsync(ffs, FILE, 100);
  clearInterval(counting);
  assert.deepEqual(read, readTableSnapshot(ffs, FILE));
  assert.ok(turns > 0, 'other work ran while it read');
  ffs.flipBit(FILE, 20_000);
  await assert.rejects(readTableSnapshotAsync(ffs, FILE, 100), CorruptSnapshotError);
});
