// The Streams control plane across reopens of a real data folder: every open closes each open
// shard and starts a child; a deleted table's stream survives a reopen (from the log, and from a
// checkpoint, which then says version 2) and is gone once 24 hours have passed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import { findStream, listStreams } from '../../../src/engine/streams/catalog';
import { STREAM_RETENTION_MS } from '../../../src/engine/streams/model';
import { MANIFEST_FILE } from '../../../src/engine/log/snapshot';
import { tempDir } from '../helpers';

const KEYS = {
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
};

function clock(start = Date.UTC(2026, 11, 6, 2, 0, 0)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

/** The manifest's version field (its JSON follows a 16-byte header). */
function manifestVersion(dir: string): number {
  return (JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE)).subarray(16).toString('utf8')) as { version: number }).version;
}

async function describe(db: Database, arn: string): Promise<any> {
  return ((await db.streams.execute('DescribeStream', { StreamArn: arn })) as any).StreamDescription;
}

test('each reopen closes the open shard where the last run ended and opens a child shard with it as parent', async () => {
  const dir = tempDir('dw-streams-control-');
  const c = clock();
  try {
    let db = await Database.open(dir, { now: c.now });
    await db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } });
    await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: 'a' } } });
    const lastLsnBefore = db.nextLsn - 1;
    const arn = db.table('things').meta.streams![0].arn;
    await db.close();
    c.advance(1000);
    db = await Database.open(dir, { now: c.now });
    let d = await describe(db, arn);
    assert.equal(d.Shards.length, 2);
    assert.equal(d.Shards[1].ParentShardId, d.Shards[0].ShardId);
    assert.equal(d.Shards[1].SequenceNumberRange.EndingSequenceNumber, undefined);
    const [first, second] = db.table('things').meta.streams![0].shards;
    // The old shard holds everything the last run wrote; the child starts at the rollover record.
    assert.ok(first.lastLsn! >= lastLsnBefore);
    assert.equal(second.firstLsn, first.lastLsn! + 1);
    await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: 'b' } } });
    await db.checkpoint();
    await db.close();
    db = await Database.open(dir, { now: c.now });
    d = await describe(db, arn);
    assert.deepEqual(d.Shards.map((s: any) => s.ParentShardId ?? null), [null, d.Shards[0].ShardId, d.Shards[1].ShardId]);
    assert.equal(d.StreamStatus, 'ENABLED');
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const checkpoint of [false, true]) {
  test(`a deleted table's stream is listed and describable after a reopen ${checkpoint ? 'from a checkpoint' : 'from the log'}, and gone after 24 hours`, async () => {
    const dir = tempDir('dw-streams-control-');
    const c = clock();
    try {
      let db = await Database.open(dir, { now: c.now });
      await db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } });
      await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: 'a' }, colour: { S: 'red' } } });
      const arn = db.table('things').meta.streams![0].arn;
      const dictionary = db.table('things').codec.dictionary();
      await db.execute('DeleteTable', { TableName: 'things' });
      await db.execute('CreateTable', { TableName: 'things', ...KEYS });
      if (checkpoint) {
        await db.checkpoint();
        assert.equal(manifestVersion(dir), 2, 'a checkpoint naming a retired table is version 2');
      }
      await db.close();
      c.advance(60_000);
      db = await Database.open(dir, { now: c.now });
      const found = findStream(db, arn);
      assert.ok(found, 'the stream is found after the reopen');
      assert.equal(found.deleted, true);
      assert.deepEqual(found.table.codec.dictionary(), dictionary);
      assert.equal((await describe(db, arn)).StreamStatus, 'DISABLED');
      assert.deepEqual(listStreams(db).map((f) => f.stream.arn), [arn]);
      assert.equal(db.table('things').meta.streams, undefined, 'the new table of that name has no stream');
      await db.close();
      c.advance(STREAM_RETENTION_MS);
      db = await Database.open(dir, { now: c.now });
      assert.equal(findStream(db, arn), undefined);
      assert.equal(db.retiredTables.size, 0);
      await assert.rejects(db.streams.execute('DescribeStream', { StreamArn: arn }), { name: 'ResourceNotFoundException' });
      await db.checkpoint();
      assert.equal(manifestVersion(dir), 1, 'with no retired table the checkpoint is version 1 again');
      await db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
