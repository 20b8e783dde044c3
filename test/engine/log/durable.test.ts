// The log's durable lsn (what Streams may show: nothing a crash could take back) and readFrom
// (a range read a chunk at a time, going on from a position hint). The durable lsn trails the
// acknowledged one in 'process' mode until a sync covers it, equals it in 'disk' mode, and never
// moves past records whose sync failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogPosition, ReadCursor } from '../../../src/engine/log';
import type { FileHandle } from '../../../src/engine/log/file-system';
import { FaultFileSystem } from './fault-fs';
import { change, storeOpener, wrapHandles } from './helpers';

const DIR = '/data';
const openStore = storeOpener(DIR, 64 * 1024);
/** No background flush within a test: only what the test does syncs. */
const NO_FLUSH = { syncIntervalMs: 3_600_000 };

test("'process' mode: an acknowledged record becomes durable only once a sync covers it, and listeners hear of it", async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files, NO_FLUSH);
  const heard: number[] = [];
  log.onDurable((lsn) => heard.push(lsn));
  for (let i = 1; i <= 5; i++) await log.append(change(i), i);
  assert.equal(log.lastLsn, 5);
  assert.equal(log.durableLsn, 0, 'acknowledged is not durable in process mode');
  await log.sync();
  assert.equal(log.durableLsn, 5);
  assert.deepEqual(heard, [5]);
  await log.close();
});

test("'process' mode: the background flush makes records durable without anyone asking", async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files, { syncIntervalMs: 5 });
  const durable = new Promise<number>((resolve) => log.onDurable(resolve));
  // The flush timer does not keep a process alive (the data is safe from its end): this test does.
  const alive = setInterval(() => undefined, 1000);
  await log.append(change(1), 1);
  assert.equal(await durable, 1);
  clearInterval(alive);
  await log.close();
});

test("'disk' mode: a record is durable as soon as it is acknowledged", async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files, { durability: 'disk', ...NO_FLUSH });
  await log.append(change(1), 1);
  await log.append(change(2), 2);
  assert.equal(log.durableLsn, 2);
  await log.close();
});

test('a rollover syncs the segment it leaves, so its records are durable', async () => {
  const files = new FaultFileSystem();
  const log = await storeOpener(DIR, 2048)(files, NO_FLUSH);
  for (let i = 1; i <= 30; i++) await log.append(change(i), i);
  assert.ok(log.segments.length > 3, `${log.segments.length} segments`);
  const sealed = log.segments[log.segments.length - 2];
  assert.ok(log.durableLsn >= sealed.lastLsn, `durable ${log.durableLsn}, sealed up to ${sealed.lastLsn}`);
  assert.ok(log.durableLsn < 30, 'the records of the segment being written wait for a sync');
  await log.close();
});

test('records of a failed sync never become durable, and a reopened log starts durable at what it recovered', async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files, NO_FLUSH);
  await log.append(change(1), 1);
  await log.sync();
  await log.append(change(2), 2);
  await log.append(change(3), 3);
  files.failAfter({ syncs: 0, code: 'EIO' });
  await assert.rejects(log.sync());
  assert.equal(log.durableLsn, 1, 'the failed sync covered records 2 and 3');
  await assert.rejects(log.append(change(4), 4));
  await log.close();
  assert.equal(log.durableLsn, 1, 'closing a failed log makes nothing more durable');
  // A power loss that keeps only what was synced: the reopened log holds record 1 and calls it durable.
  const after = files.crash({ mode: 'lose' });
  after.heal();
  const reopened = await openStore(after, NO_FLUSH);
  assert.equal(reopened.lastLsn, 1);
  assert.equal(reopened.durableLsn, 1);
  await reopened.close();
});

/** A file system over `inner` that counts the bytes read from segment files. */
function countingReads(inner: FaultFileSystem): { fs: ReturnType<typeof wrapHandles>; read: () => number } {
  let bytes = 0;
  const fs = wrapHandles(inner, (h: FileHandle, file: string): FileHandle => {
    if (!file.endsWith('.seg')) return h;
    return Object.assign(Object.create(h) as FileHandle, {
      read: (buf: Buffer, offset: number, length: number, position: number) => {
        const n = h.read(buf, offset, length, position);
        bytes += n;
        return n;
      },
    });
  });
  return { fs, read: () => bytes };
}

/** Records 1..n in one large segment, no tail cache (every read comes from the file), and a count of the bytes read. */
async function largeSegment(n: number) {
  const { fs, read } = countingReads(new FaultFileSystem());
  const log = await storeOpener(DIR, 64 * 1024 * 1024)(fs, { ...NO_FLUSH, tailCacheBytes: 0 });
  for (let i = 1; i <= n; i++) void log.append(change(i), i);
  await log.settled;
  return { log, read, segmentBytes: log.segments[log.segments.length - 1].end };
}

test('readFrom pages through a segment from position hints, reading it about once rather than once per page', async () => {
  const n = 4000;
  const { log, read, segmentBytes } = await largeSegment(n);
  const pageSize = 100;
  const seen: number[] = [];
  let hint: LogPosition | undefined;
  const before = read();
  for (let from = 1; from <= n; ) {
    const cursor: ReadCursor = { hint };
    let taken = 0;
    for (const r of log.readFrom(from, n, cursor)) {
      seen.push(r.lsn);
      if (++taken === pageSize) break;
    }
    hint = cursor.next;
    from += taken;
  }
  assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i + 1));
  const pages = n / pageSize;
  const bytesRead = read() - before;
  // Without hints every page would read from the segment's start: about pages / 2 times its size.
  assert.ok(bytesRead < 3 * segmentBytes, `read ${bytesRead} bytes of a ${segmentBytes}-byte segment in ${pages} pages`);
  await log.close();
});

test('a hint that does not match the log (stale or forged) is ignored: the segment is read from its start', async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files, { ...NO_FLUSH, tailCacheBytes: 0 });
  for (let i = 1; i <= 20; i++) await log.append(change(i), i);
  const segment = log.segments[0].segment;
  const forged: ReadCursor = { hint: { segment, offset: 100, crc: 12345, lsn: 4 } };
  assert.deepEqual([...log.readFrom(5, 7, forged)].map((r) => r.lsn), [5, 6, 7]);
  await log.close();
});

test('without a hint, a read deep in a segment starts at a position the writer remembered, not at the segment start', async () => {
  const { log, read, segmentBytes } = await largeSegment(5000);
  const before = read();
  assert.deepEqual([...log.readFrom(4990, 4992, {})].map((r) => r.lsn), [4990, 4991, 4992]);
  const bytesRead = read() - before;
  assert.ok(bytesRead < segmentBytes / 4, `read ${bytesRead} bytes of a ${segmentBytes}-byte segment for 3 records`);
  await log.close();
});
