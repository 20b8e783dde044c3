// The log's in-memory tail: while a consumer keeps history, readers of recent history are served
// without reading segment files, get exactly what the files hold, never see a record the log did
// not acknowledge, and fall back to the files for anything older than the cache holds. With no
// consumer it keeps nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mutation } from '../../../src/engine/log';
import type { FileHandle } from '../../../src/engine/log/file-system';
import { FaultFileSystem } from './fault-fs';
import { change, storeOpener, wrapHandles } from './helpers';

const DIR = '/data';

/** A fault file system that counts bytes read from segment files. */
function counting(files: FaultFileSystem): { fs: ReturnType<typeof wrapHandles>; segmentReads: () => number } {
  let reads = 0;
  const fs = wrapHandles(files, (h: FileHandle, file) => {
    if (!/\.seg$/.test(file)) return h;
    return new Proxy(h, {
      get(target, prop, receiver) {
        if (prop === 'read') return (...args: Parameters<FileHandle['read']>) => ((reads += 1), target.read(...args));
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  });
  return { fs, segmentReads: () => reads };
}

const openStore = storeOpener(DIR, 4096);

const keys = (it: Iterable<{ lsn: number; mutations: Mutation[] }>) => [...it].map((r) => `${r.lsn}:${(r.mutations[0] as { key: string }).key}`);

test('recent history is read from memory, and equals what the segment files hold', async () => {
  const files = new FaultFileSystem();
  const { fs, segmentReads } = counting(files);
  const cached = await openStore(fs);
  cached.retain('stream', { lsn: 1 });
  for (let i = 1; i <= 40; i++) await cached.append(change(i), i * 1000);
  const before = segmentReads();
  const fromLsn = keys(cached.read({ fromLsn: 31, toLsn: 38 }));
  const fromTime = keys(cached.read({ fromTime: 35_500 }));
  assert.equal(segmentReads(), before, 'no segment file was read');
  assert.deepEqual(fromLsn, ['31:k31', '32:k32', '33:k33', '34:k34', '35:k35', '36:k36', '37:k37', '38:k38']);
  assert.deepEqual(fromTime, ['36:k36', '37:k37', '38:k38', '39:k39', '40:k40']);
  await cached.close();
  // the same history written by a store without a cache is read from its files: the same records
  const plainFiles = new FaultFileSystem();
  const { fs: plainFs, segmentReads: plainReads } = counting(plainFiles);
  const plain = await openStore(plainFs, { tailCacheBytes: 0 });
  for (let i = 1; i <= 40; i++) await plain.append(change(i), i * 1000);
  assert.deepEqual(keys(plain.read({ fromLsn: 31, toLsn: 38 })), fromLsn);
  assert.deepEqual(keys(plain.read({ fromTime: 35_500 })), fromTime);
  assert.ok(plainReads() > 0, 'without a cache the files were read');
  await plain.close();
});

test('the cache is bounded: older ranges come from the files, whole and in order', async () => {
  const files = new FaultFileSystem();
  const { fs, segmentReads } = counting(files);
  // room for about ten of these records
  const log = await openStore(fs, { tailCacheBytes: 10 * 500 });
  log.retain('stream', { lsn: 1 });
  for (let i = 1; i <= 60; i++) await log.append(change(i), i * 1000);
  assert.ok(log.tailCache.records <= 10 && log.tailCache.records >= 5, JSON.stringify(log.tailCache));
  assert.ok(log.tailCache.bytes <= 10 * 500);
  const before = segmentReads();
  assert.deepEqual(keys(log.read({ fromLsn: 58 })), ['58:k58', '59:k59', '60:k60']);
  assert.equal(segmentReads(), before, 'the newest records came from memory');
  const old = keys(log.read({ fromLsn: 3, toLsn: 7 }));
  assert.ok(segmentReads() > before, 'older records were read from the files');
  assert.deepEqual(old, ['3:k3', '4:k4', '5:k5', '6:k6', '7:k7']);
  // a time range reaching before the cache is not served from it
  assert.equal([...log.read({ fromTime: 1 })].length, 60);
  await log.close();
});

test('a record the log refused is never read, from memory or from the files', async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files);
  log.retain('stream', { lsn: 1 });
  for (let i = 1; i <= 5; i++) await log.append(change(i), i * 1000);
  // the disk is full from the next write on
  files.failAfter({ writes: 0, code: 'ENOSPC' });
  await assert.rejects(log.append(change(6), 6000));
  await assert.rejects(log.append(change(7), 7000));
  assert.deepEqual(keys(log.read({ fromLsn: 1 })), ['1:k1', '2:k2', '3:k3', '4:k4', '5:k5']);
  assert.deepEqual(keys(log.read({ fromTime: 4500 })), ['5:k5']);
  await log.close().catch(() => undefined);
});

test('a record is readable from the cache only once the log acknowledged it', async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files);
  log.retain('stream', { lsn: 1 });
  for (let i = 1; i <= 3; i++) await log.append(change(i), i * 1000);
  const pending = log.append(change(4), 4000);
  // appended, not yet written (group commit waits for the next turn of the event loop)
  assert.deepEqual(keys(log.read({ fromLsn: 3 })), ['3:k3']);
  await pending;
  assert.deepEqual(keys(log.read({ fromLsn: 3 })), ['3:k3', '4:k4']);
  await log.close();
});

test('with no consumer keeping history the tail holds nothing, and lets go of what it held when the last one leaves', async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files);
  for (let i = 1; i <= 20; i++) await log.append(change(i), i * 1000);
  assert.deepEqual(log.tailCache, { records: 0, bytes: 0 });
  log.retain('stream', { lsn: 1 });
  for (let i = 21; i <= 30; i++) await log.append(change(i), i * 1000);
  assert.equal(log.tailCache.records, 10);
  log.release('stream');
  assert.deepEqual(log.tailCache, { records: 0, bytes: 0 });
  await log.close();
});
