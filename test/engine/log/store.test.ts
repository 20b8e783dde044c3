// The log store's reading and retention: readers over a range of lsns or times that change
// nothing, segments removed once no consumer needs them (whatever their age on disk), consumers
// keeping history, and a size cap that drops the oldest history and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogStore, type Mutation } from '../../../src/engine/log';
import { listSegments } from '../../../src/engine/log/format';
import { FaultFileSystem } from './fault-fs';
import { change, NO_TABLES, storeOpener } from './helpers';

const DIR = '/data';

const openStore = storeOpener(DIR, 2048);

/** Appends records 1..n with times 1000, 2000, ... */
async function fill(log: LogStore, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await log.append(change(i), i * 1000);
}

test('a reader returns the records of a range of lsns or of times, in order, across segments, and deletes nothing', async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files);
  await fill(log, 60);
  const segments = listSegments(files, DIR);
  assert.ok(segments.length > 5, `${segments.length} segments`);
  const keys = (it: Iterable<{ mutations: Mutation[] }>) => [...it].map((r) => (r.mutations[0] as { key: string }).key);
  assert.deepEqual(keys(log.read({ fromLsn: 10, toLsn: 14 })), ['k10', 'k11', 'k12', 'k13', 'k14']);
  assert.deepEqual(keys(log.read({ fromTime: 57_500 })), ['k58', 'k59', 'k60']);
  assert.equal([...log.read()].length, 60);
  assert.deepEqual(listSegments(files, DIR), segments, 'reading removed nothing');
  await log.close();
});

test('with no consumer, a checkpoint removes the segments it covers (by lsn, not by file age), and replay still works', async () => {
  const files = new FaultFileSystem();
  let log = await openStore(files);
  await fill(log, 40);
  const before = listSegments(files, DIR);
  await log.checkpoint();
  const after = listSegments(files, DIR);
  assert.ok(after.length < before.length && after.length <= 2, `${before.length} segments, then ${after.length}`);
  assert.equal(log.earliestRetainedTime, log.segments[0].firstTime);
  await log.append(change(41), 41_000);
  await log.close();
  log = await openStore(files.crashProcessOnly());
  await log.close();
});

test('a consumer keeps history from its lsn or time until it releases it', async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files);
  log.retain('streams', { time: 20_000 });
  log.retain('backup', { lsn: 30 });
  await fill(log, 40);
  await log.checkpoint();
  const first = [...log.read()][0];
  assert.ok(first.time <= 20_000, `history from ${first.time} kept for the 'streams' consumer`);
  log.release('streams');
  const kept = [...log.read()];
  assert.ok(kept[0].lsn <= 30 && kept[0].lsn > 20, `after the release, from lsn ${kept[0].lsn}: what 'backup' needs`);
  log.release('backup');
  assert.ok([...log.read()].every((r) => r.lsn > 30));
  await log.close();
});

test('the size cap drops the oldest history even if a consumer wanted it, and the earliest retained time moves forward', async () => {
  const files = new FaultFileSystem();
  const log = await openStore(files, { logHistoryBytes: 4096 });
  log.retain('pitr', { lsn: 0 });
  await fill(log, 10);
  const early = log.earliestRetainedTime!;
  await fill(log, 60);
  await log.checkpoint();
  const later = log.earliestRetainedTime!;
  assert.ok(later > early, `earliest retained time ${early} -> ${later}`);
  const sealedBytes = log.segments.slice(0, -1).reduce((n, s) => n + s.end, 0);
  assert.ok(sealedBytes <= 4096 + 2048, `history kept: ${sealedBytes} bytes`);
  assert.equal([...log.read()][0].time, later);
  await log.close();
});

test('checkpoints asked for at once run one at a time: calls made during a run share one queued run', async () => {
  const files = new FaultFileSystem();
  let snapshots = 0;
  const log = await LogStore.open(DIR, { now: () => 0, fileSystem: files }, { ...NO_TABLES, snapshot: () => (snapshots++, []) });
  await fill(log, 5);
  await Promise.all([log.checkpoint(), log.checkpoint(), log.checkpoint(), log.checkpoint()]);
  assert.equal(snapshots, 2, 'the first run, then one run for the three calls made while it ran');
  assert.deepEqual(files.list(DIR).filter((f) => f.includes('.tmp')), [], 'no temporary file left over');
  await log.close();
});

test('history a consumer kept stays readable after a reopen, indexed from the segment headers', async () => {
  const files = new FaultFileSystem();
  let log = await openStore(files);
  log.retain('pitr', { lsn: 0 });
  await fill(log, 30);
  await log.checkpoint();
  await log.close();
  log = await openStore(files.crashProcessOnly());
  const records = [...log.read({ fromLsn: 1 })];
  assert.equal(records.length, 30, 'every record, though the checkpoint covers them all');
  assert.deepEqual(records.map((r) => r.lsn), Array.from({ length: 30 }, (_, i) => i + 1));
  assert.ok(log.earliestRetainedTime! <= records[0].time, 'history reaches back at least to the first record');
  assert.deepEqual([...log.read({ fromTime: 29_500 })].map((r) => r.lsn), [30]);
  await log.close();
});
