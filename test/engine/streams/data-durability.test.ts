// Nothing a crash could take back is shown: on a data folder, a stream record is readable once
// its log record is durable ('process' durability: synced to disk; 'disk': acknowledged), and the
// records of a failed sync never become readable. Then, on a real folder, a consumer that keeps
// its place across a reopen (which rolls the shard over) sees every change exactly once, in order
// per item, and the log keeps the history a stream needs past checkpoints (24 hours of it) and
// lets it go once no stream needs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Database } from '../../../src/engine/database';
import { listSegments } from '../../../src/engine/log/format';
import { FaultFileSystem } from '../log/fault-fs';
import { createStreamTable, drain, drainStream, iterator, key, put, shardsOf, streamArnOf, testClock } from './data-helpers';
import { tempDir } from '../helpers';

/** No background flush: only what the test does syncs. */
const NO_FLUSH = { syncIntervalMs: 3_600_000 };

test("'process' durability: a write's record is readable only once the log has synced it", async () => {
  const files = new FaultFileSystem();
  const db = await Database.open('/data', { fileSystem: files, ...NO_FLUSH });
  await createStreamTable(db);
  await db.logStore!.sync();
  const arn = await streamArnOf(db);
  const shard = (await shardsOf(db, arn))[0].ShardId;
  const it = await iterator(db, arn, shard, 'TRIM_HORIZON');
  await put(db, key('a', 1));
  const before = await drain(db, it);
  assert.deepEqual(before.records, [], 'acknowledged but not synced: not shown');
  await db.logStore!.sync();
  const after = await drain(db, before.next);
  assert.equal(after.records.length, 1);
  await db.close();
});

test("'disk' durability: a write's record is readable as soon as the write is answered", async () => {
  const files = new FaultFileSystem();
  const db = await Database.open('/data', { fileSystem: files, durability: 'disk', ...NO_FLUSH });
  await createStreamTable(db);
  await put(db, key('a', 1));
  assert.equal((await drainStream(db, await streamArnOf(db))).length, 1);
  await db.close();
});

test('the records of a failed sync never become readable', async () => {
  const files = new FaultFileSystem();
  const db = await Database.open('/data', { fileSystem: files, ...NO_FLUSH });
  const quiet = console.error;
  console.error = () => undefined;
  try {
    await createStreamTable(db);
    await put(db, key('a', 1));
    await db.logStore!.sync();
    await put(db, key('a', 2));
    files.failAfter({ syncs: 0, code: 'EIO' });
    await assert.rejects(db.logStore!.sync());
    const arn = await streamArnOf(db);
    assert.deepEqual(
      (await drainStream(db, arn)).map((r) => r.dynamodb.Keys.sk),
      [{ N: '1' }],
    );
    await db.close();
  } finally {
    console.error = quiet;
  }
});

test('a consumer that keeps its place across a reopen sees every change once, in order per item, following the new shard', async () => {
  const dir = tempDir('streams-reopen-');
  try {
    // Small segments and checkpoints, so history lives in sealed segments a checkpoint covers.
    const options = { segmentBytes: 16 * 1024, checkpointBytes: 32 * 1024 };
    let db = await Database.open(dir, options);
    await createStreamTable(db, 'NEW_IMAGE');
    const expected: string[] = [];
    const write = async (round: number) => {
      for (let i = 0; i < 150; i++) {
        const pk = `item${i % 7}`;
        await put(db, { ...key(pk, 0), v: { N: String(round * 1000 + i) }, pad: { S: 'p'.repeat(100) } });
        expected.push(`${pk}:${round * 1000 + i}`);
      }
    };
    await write(1);
    await db.logStore!.sync();
    const arn = await streamArnOf(db);
    const seen: string[] = [];
    const take = (records: { dynamodb: { NewImage?: Record<string, unknown> } }[]) => {
      for (const r of records) {
        const image = r.dynamodb.NewImage as Record<string, { S?: string; N?: string }>;
        seen.push(`${image.pk.S}:${image.v.N}`);
      }
    };
    // Read part of the first shard, keep the last sequence number, as a checkpointing consumer would.
    const firstShard = (await shardsOf(db, arn))[0].ShardId;
    const page = (await db.streams.execute('GetRecords', { ShardIterator: await iterator(db, arn, firstShard, 'TRIM_HORIZON'), Limit: 60 })) as {
      Records: { dynamodb: { SequenceNumber: string; NewImage?: Record<string, unknown> } }[];
    };
    take(page.Records);
    const lastSeq = page.Records[page.Records.length - 1].dynamodb.SequenceNumber;
    await db.checkpoint();
    await db.close();

    db = await Database.open(dir, options);
    await write(2);
    await db.logStore!.sync();
    const shards = await shardsOf(db, arn);
    assert.ok(shards.length >= 2, 'the reopen rolled the shard over');
    assert.equal(shards[1].ParentShardId, shards[0].ShardId);
    take((await drain(db, await iterator(db, arn, firstShard, 'AFTER_SEQUENCE_NUMBER', lastSeq))).records);
    for (const shard of shards.slice(1)) take((await drain(db, await iterator(db, arn, shard.ShardId, 'TRIM_HORIZON'))).records);
    assert.deepEqual(seen, expected);
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a deleted table's stream stays readable from the log after a reopen", async () => {
  const dir = tempDir('streams-deleted-');
  try {
    let db = await Database.open(dir, { durability: 'disk' });
    await createStreamTable(db, 'KEYS_ONLY');
    for (let i = 0; i < 5; i++) await put(db, key('a', i));
    const arn = await streamArnOf(db);
    await db.execute('DeleteTable', { TableName: 'Events' });
    await db.checkpoint();
    await db.close();
    db = await Database.open(dir, { durability: 'disk' });
    const records = await drainStream(db, arn);
    assert.deepEqual(
      records.map((r) => r.dynamodb.Keys),
      [0, 1, 2, 3, 4].map((i) => key('a', i)),
    );
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the log keeps history while a stream may need it, and lets it go 24 hours after the stream ends', async () => {
  const files = new FaultFileSystem();
  const clock = testClock();
  const db = await Database.open('/data', { fileSystem: files, durability: 'disk', segmentBytes: 8 * 1024, now: clock.now });
  await createStreamTable(db, 'NEW_IMAGE');
  for (let i = 0; i < 200; i++) await put(db, { ...key('a', i), pad: { S: 'p'.repeat(200) } });
  await db.checkpoint();
  const kept = listSegments(files, '/data').length;
  assert.ok(kept > 5, `${kept} segments kept past the checkpoint for the stream`);
  assert.equal((await drainStream(db, await streamArnOf(db))).length, 200);
  await db.execute('UpdateTable', { TableName: 'Events', StreamSpecification: { StreamEnabled: false } });
  clock.advance(23 * 3600 * 1000);
  db.history.refresh();
  await db.checkpoint();
  assert.ok(listSegments(files, '/data').length >= kept, 'a disabled stream stays readable for 24 hours');
  assert.equal((await drainStream(db, await streamArnOf(db))).length, 200);
  clock.advance(2 * 3600 * 1000);
  db.history.refresh();
  await db.checkpoint();
  assert.ok(listSegments(files, '/data').length <= 2, `${listSegments(files, '/data').length} segments once no stream needs history`);
  await db.close();
});

test("a reopen whose long replay is checkpointed at once keeps a deleted table's stream history", async () => {
  const files = new FaultFileSystem();
  const options = { fileSystem: files, durability: 'disk' as const, segmentBytes: 8 * 1024 };
  const db = await Database.open('/data', { ...options, checkpointBytes: Number.MAX_SAFE_INTEGER });
  await createStreamTable(db, 'KEYS_ONLY');
  for (let i = 0; i < 100; i++) await put(db, { ...key('a', i), pad: { S: 'p'.repeat(200) } });
  const arn = await streamArnOf(db);
  await db.execute('DeleteTable', { TableName: 'Events' });
  // Killed: the next open replays the whole log, more than a checkpoint's worth, and checkpoints at once.
  const after = files.crashProcessOnly();
  const reopened = await Database.open('/data', { ...options, fileSystem: after, checkpointBytes: 16 * 1024 });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await drainStream(reopened, arn)).length, 100);
  await reopened.close();
});
