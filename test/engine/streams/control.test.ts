// The Streams control plane in memory: StreamSpecification's rules and messages against what
// DynamoDB Local answered (fixtures/control-oracle.json), DescribeTable's stream members, new
// streams after disabling, ListStreams and DescribeStream with their pagination, shards rolling
// over with an injected clock, and a deleted table's stream kept for 24 hours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../src/engine/database';
import { DynamoDBError } from '../../../src/engine/errors';
import { findStream, listStreams, streamStatus } from '../../../src/engine/streams/catalog';
import { STREAM_RETENTION_MS } from '../../../src/engine/streams/model';
import { maintainStreams } from '../../../src/engine/streams/shards';
import { memoryDb } from '../helpers';

const KEYS = {
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
};

interface OracleCase {
  name: string;
  setup: 'none' | 'plain' | 'enabled' | 'disabled';
  target?: 'streams';
  operation: string;
  input: Record<string, unknown>;
  oracle: { error?: string; message?: string; ok?: true; StreamSpecification?: unknown; hasLatestStreamArn?: boolean };
}

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'control-oracle.json'), 'utf8')) as { cases: OracleCase[] };

/** A clock tests move by hand. */
function clock(start = Date.UTC(2026, 11, 6, 2, 0, 0)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

async function tableWith(db: Database, name: string, setup: OracleCase['setup']): Promise<void> {
  if (setup === 'none') return;
  await db.execute('CreateTable', { TableName: name, ...KEYS, ...(setup === 'plain' ? {} : { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }) });
  if (setup === 'disabled') await db.execute('UpdateTable', { TableName: name, StreamSpecification: { StreamEnabled: false } });
}

async function outcome(run: () => Promise<unknown>): Promise<OracleCase['oracle']> {
  try {
    const r = (await run()) as Record<string, any>;
    const d = r.TableDescription ?? r.Table ?? r.StreamDescription ?? r;
    return { ok: true, StreamSpecification: d.StreamSpecification ?? null, hasLatestStreamArn: d.LatestStreamArn !== undefined };
  } catch (e) {
    if (!(e instanceof DynamoDBError)) throw e;
    return { error: e.type, message: e.message };
  }
}

for (const c of fixture.cases) {
  test(`as DynamoDB Local: ${c.name}`, async () => {
    const db = await memoryDb();
    const name = 'oracle_table';
    await tableWith(db, name, c.setup);
    // The fixture's arns name DynamoDB Local's region; ours names the database's, which must not matter to the refusals.
    const input = JSON.parse(JSON.stringify(c.input).replaceAll('$TABLE', name));
    if (c.operation === 'CreateTable') Object.assign(input, { TableName: name, ...KEYS });
    const got = await outcome(() => (c.target === 'streams' ? db.streams.execute(c.operation, input) : db.execute(c.operation, input)));
    const expected = c.oracle.error === 'ResourceNotFoundException' ? { ...c.oracle, message: `Requested resource not found: Stream: ${input.StreamArn} not found` } : c.oracle;
    assert.deepEqual(got, expected);
    await db.close();
  });
}

test('a view type outside the enum is refused by validation, listing the four view types as DynamoDB does', async () => {
  const db = await memoryDb();
  await assert.rejects(db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'BOGUS' } }), {
    name: 'ValidationException',
    message: "1 validation error detected: Value 'BOGUS' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]",
  });
  assert.equal(db.tables.has('things'), false);
  await db.close();
});

test('replica updates are still refused with a clear message', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', { TableName: 'things', ...KEYS });
  await assert.rejects(db.execute('UpdateTable', { TableName: 'things', ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] }), {
    name: 'ValidationException',
    message: /Replica updates \(global tables\) are not supported/,
  });
  await db.close();
});

test('DescribeTable shows the specification while enabled and the latest arn and label after disabling', async () => {
  const c = clock();
  const db = await memoryDb({ now: c.now, region: 'eu-west-1', accountId: '123456789012' });
  await db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } });
  const enabled = ((await db.execute('DescribeTable', { TableName: 'things' })) as any).Table;
  assert.deepEqual(enabled.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  assert.equal(enabled.LatestStreamLabel, '2026-12-06T02:00:00.000');
  assert.equal(enabled.LatestStreamArn, 'arn:aws:dynamodb:eu-west-1:123456789012:table/things/stream/2026-12-06T02:00:00.000');
  c.advance(5);
  await db.execute('UpdateTable', { TableName: 'things', StreamSpecification: { StreamEnabled: false } });
  const disabled = ((await db.execute('DescribeTable', { TableName: 'things' })) as any).Table;
  assert.equal(disabled.StreamSpecification, undefined);
  assert.equal(disabled.LatestStreamArn, enabled.LatestStreamArn);
  assert.equal(disabled.LatestStreamLabel, enabled.LatestStreamLabel);
  await db.close();
});

test('disabling then enabling makes a new stream, and labels stay unique when the clock does not move', async () => {
  const c = clock();
  const db = await memoryDb({ now: c.now });
  await db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
  await db.execute('UpdateTable', { TableName: 'things', StreamSpecification: { StreamEnabled: false } });
  await db.execute('UpdateTable', { TableName: 'things', StreamSpecification: { StreamEnabled: true, StreamViewType: 'OLD_IMAGE' } });
  const streams = db.table('things').meta.streams!;
  assert.equal(streams.length, 2);
  assert.notEqual(streams[0].arn, streams[1].arn);
  assert.equal(streams[1].label, '2026-12-06T02:00:00.001');
  assert.equal(streamStatus(streams[0]), 'DISABLED');
  assert.equal(streamStatus(streams[1]), 'ENABLED');
  const listed = ((await db.streams.execute('ListStreams', { TableName: 'things' })) as any).Streams.map((s: any) => s.StreamLabel);
  assert.deepEqual(listed, ['2026-12-06T02:00:00.001', '2026-12-06T02:00:00.000']);
  await db.close();
});

test('the enabling record is the stream\'s enabledLsn, its first shard starts after it, and disabling closes the shard at the record before', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', { TableName: 'things', ...KEYS });
  await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: 'a' } } });
  const enablingLsn = db.nextLsn;
  await db.execute('UpdateTable', { TableName: 'things', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
  await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: 'b' } } });
  await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: 'c' } } });
  const disablingLsn = db.nextLsn;
  await db.execute('UpdateTable', { TableName: 'things', StreamSpecification: { StreamEnabled: false } });
  const [stream] = db.table('things').meta.streams!;
  assert.equal(stream.enabledLsn, enablingLsn);
  assert.equal(stream.shards[0].firstLsn, enablingLsn + 1);
  assert.equal(stream.disabledLsn, disablingLsn - 1);
  assert.equal(stream.shards[0].lastLsn, disablingLsn - 1);
  const shard = ((await db.streams.execute('DescribeStream', { StreamArn: stream.arn })) as any).StreamDescription.Shards[0];
  assert.deepEqual(shard.SequenceNumberRange, { StartingSequenceNumber: String((enablingLsn + 1) * 1000).padStart(21, '0'), EndingSequenceNumber: String((disablingLsn - 1) * 1000 + 999).padStart(21, '0') });
  await db.close();
});

test('DescribeStream reports the stream, its key schema and its shards, paged with ExclusiveStartShardId', async () => {
  const c = clock();
  const db = await memoryDb({ now: c.now, streamShardRolloverMs: 60_000 });
  await db.execute('CreateTable', {
    TableName: 'things',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
  // Five rollovers: each needs a record in the open shard and the shard's age past the rollover time.
  for (let i = 0; i < 5; i++) {
    await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: 'a' }, sk: { N: String(i) } } });
    c.advance(60_000);
    await maintainStreams(db, { rolloverMs: db.shardRolloverMs });
  }
  const arn = db.table('things').meta.streams![0].arn;
  const all = ((await db.streams.execute('DescribeStream', { StreamArn: arn })) as any).StreamDescription;
  assert.equal(all.StreamStatus, 'ENABLED');
  assert.equal(all.StreamViewType, 'NEW_AND_OLD_IMAGES');
  assert.equal(all.TableName, 'things');
  assert.equal(all.CreationRequestDateTime, Date.UTC(2026, 11, 6, 2, 0, 0) / 1000);
  assert.deepEqual(all.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
  assert.equal(all.Shards.length, 6);
  assert.equal(all.LastEvaluatedShardId, undefined);
  assert.equal(all.Shards[0].ParentShardId, undefined);
  for (let i = 1; i < 6; i++) {
    assert.equal(all.Shards[i].ParentShardId, all.Shards[i - 1].ShardId);
    // Consecutive: a child starts right after its parent's last possible sequence number.
    assert.equal(BigInt(all.Shards[i].SequenceNumberRange.StartingSequenceNumber), BigInt(all.Shards[i - 1].SequenceNumberRange.EndingSequenceNumber) + 1n);
    assert.match(all.Shards[i].ShardId, /^shardId-\d{20}-[0-9a-f]{8}$/);
  }
  assert.equal(all.Shards[5].SequenceNumberRange.EndingSequenceNumber, undefined);
  const pages: string[][] = [];
  let start: string | undefined;
  do {
    const page = ((await db.streams.execute('DescribeStream', { StreamArn: arn, Limit: 4, ExclusiveStartShardId: start })) as any).StreamDescription;
    pages.push(page.Shards.map((s: any) => s.ShardId));
    start = page.LastEvaluatedShardId;
  } while (start !== undefined);
  assert.deepEqual(pages, [all.Shards.slice(0, 4).map((s: any) => s.ShardId), all.Shards.slice(4).map((s: any) => s.ShardId)]);
  const children = ((await db.streams.execute('DescribeStream', { StreamArn: arn, ShardFilter: { Type: 'CHILD_SHARDS', ShardId: all.Shards[2].ShardId } })) as any).StreamDescription.Shards;
  assert.deepEqual(children, [all.Shards[3]]);
  const ofTheOpenShard = ((await db.streams.execute('DescribeStream', { StreamArn: arn, ShardFilter: { Type: 'CHILD_SHARDS', ShardId: all.Shards[5].ShardId } })) as any).StreamDescription.Shards;
  assert.deepEqual(ofTheOpenShard, []);
  await db.close();
});

test('a shard younger than the rollover time, or one no record could be in yet, stays open', async () => {
  const c = clock();
  const db = await memoryDb({ now: c.now, streamShardRolloverMs: 60_000 });
  await db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
  c.advance(120_000);
  await maintainStreams(db, { rolloverMs: 60_000 });
  assert.equal(db.table('things').meta.streams![0].shards.length, 1, 'no record since enabling');
  await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: 'a' } } });
  c.advance(-90_000);
  await maintainStreams(db, { rolloverMs: 60_000 });
  assert.equal(db.table('things').meta.streams![0].shards.length, 1, 'younger than the rollover time');
  c.advance(90_000);
  await maintainStreams(db, { rolloverMs: 60_000 });
  assert.equal(db.table('things').meta.streams![0].shards.length, 2);
  await db.close();
});

test('the rollover timer rolls shards over once the injected clock passes the rollover time', async () => {
  const c = clock();
  const db = await memoryDb({ now: c.now, streamShardRolloverMs: 400 });
  await db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
  await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: 'a' } } });
  const shards = () => db.table('things').meta.streams![0].shards;
  c.advance(500);
  for (let i = 0; i < 200 && shards().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(shards().length, 2);
  assert.equal(shards()[1].parent, shards()[0].id);
  await db.close();
});

test('ListStreams pages with Limit and ExclusiveStartStreamArn in table name order, newest stream first', async () => {
  const c = clock();
  const db = await memoryDb({ now: c.now });
  for (const name of ['gamma', 'alpha', 'beta']) {
    await db.execute('CreateTable', { TableName: name, ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
    c.advance(1);
  }
  await db.execute('CreateTable', { TableName: 'plain', ...KEYS });
  await db.execute('UpdateTable', { TableName: 'beta', StreamSpecification: { StreamEnabled: false } });
  await db.execute('UpdateTable', { TableName: 'beta', StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } });
  const everything = ((await db.streams.execute('ListStreams', {})) as any).Streams;
  assert.deepEqual(everything.map((s: any) => s.TableName), ['alpha', 'beta', 'beta', 'gamma']);
  assert.ok(everything[1].StreamLabel > everything[2].StreamLabel);
  for (const s of everything) assert.equal(s.StreamArn.endsWith(`table/${s.TableName}/stream/${s.StreamLabel}`), true);
  const seen: unknown[] = [];
  let start: string | undefined;
  let pages = 0;
  do {
    const page = (await db.streams.execute('ListStreams', { Limit: 3, ExclusiveStartStreamArn: start })) as any;
    seen.push(...page.Streams);
    start = page.LastEvaluatedStreamArn;
    pages++;
  } while (start !== undefined);
  assert.equal(pages, 2);
  assert.deepEqual(seen, everything);
  const beta = ((await db.streams.execute('ListStreams', { TableName: 'beta' })) as any).Streams;
  assert.deepEqual(beta, everything.slice(1, 3));
  assert.deepEqual(((await db.streams.execute('ListStreams', { TableName: 'missing' })) as any).Streams, []);
  await db.close();
});

test('a deleted table\'s stream stays listed and describable, DISABLED, for 24 hours while its name is free again', async () => {
  const c = clock();
  const db = await memoryDb({ now: c.now });
  await db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } });
  await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: 'a' }, extra: { N: '1' } } });
  const old = db.table('things').meta.streams![0];
  const dictionary = db.table('things').codec.dictionary();
  const deletingLsn = db.nextLsn;
  const deleted = ((await db.execute('DeleteTable', { TableName: 'things' })) as any).TableDescription;
  assert.equal(deleted.LatestStreamArn, old.arn);
  const found = findStream(db, old.arn)!;
  assert.equal(found.deleted, true);
  assert.equal(found.stream.disabledLsn, deletingLsn - 1);
  // What decoding its records needs: the key schema and the codec's dictionary of names.
  assert.deepEqual(found.table.meta.keySchema, KEYS.KeySchema);
  assert.deepEqual(found.table.codec.dictionary(), dictionary);
  assert.equal(found.table.itemCount, 0, 'its items are not kept');
  c.advance(1);
  await db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
  const fresh = db.table('things').meta.streams![0];
  assert.notEqual(fresh.arn, old.arn);
  const listed = ((await db.streams.execute('ListStreams', { TableName: 'things' })) as any).Streams.map((s: any) => s.StreamArn);
  assert.deepEqual(listed, [fresh.arn, old.arn]);
  const description = ((await db.streams.execute('DescribeStream', { StreamArn: old.arn })) as any).StreamDescription;
  assert.equal(description.StreamStatus, 'DISABLED');
  assert.equal(description.Shards.length, 1);
  assert.ok(description.Shards[0].SequenceNumberRange.EndingSequenceNumber);
  c.advance(STREAM_RETENTION_MS - 2);
  assert.equal(listStreams(db).length, 2, 'still readable just before 24 hours');
  c.advance(2);
  assert.deepEqual(listStreams(db).map((f) => f.stream.arn), [fresh.arn]);
  await assert.rejects(db.streams.execute('DescribeStream', { StreamArn: old.arn }), { name: 'ResourceNotFoundException', message: `Requested resource not found: Stream: ${old.arn} not found` });
  await maintainStreams(db, { rolloverMs: db.shardRolloverMs });
  assert.equal(db.retiredTables.size, 0, 'the retired table is released');
  await db.close();
});

test('a table deleted with no readable stream is not kept', async () => {
  const c = clock();
  const db = await memoryDb({ now: c.now });
  await db.execute('CreateTable', { TableName: 'plain', ...KEYS });
  await db.execute('DeleteTable', { TableName: 'plain' });
  await db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } });
  await db.execute('UpdateTable', { TableName: 'things', StreamSpecification: { StreamEnabled: false } });
  c.advance(STREAM_RETENTION_MS);
  await db.execute('DeleteTable', { TableName: 'things' });
  assert.equal(db.retiredTables.size, 0);
  await db.close();
});

test('retention drops shards closed over 24 hours ago and old disabled streams, keeping the latest for LatestStreamArn', async () => {
  const c = clock();
  const db = await memoryDb({ now: c.now, streamShardRolloverMs: 60 * 60_000 });
  await db.execute('CreateTable', { TableName: 'things', ...KEYS, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
  await db.execute('UpdateTable', { TableName: 'things', StreamSpecification: { StreamEnabled: false } });
  await db.execute('UpdateTable', { TableName: 'things', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
  for (let h = 0; h < 30; h++) {
    await db.execute('PutItem', { TableName: 'things', Item: { pk: { S: `k${h}` } } });
    c.advance(60 * 60_000);
    await maintainStreams(db, { rolloverMs: db.shardRolloverMs });
  }
  const streams = db.table('things').meta.streams!;
  assert.equal(streams.length, 1, 'the disabled stream is gone');
  const shards = streams[0].shards;
  for (const s of shards) assert.ok(s.closedAt === undefined || c.now() - s.closedAt < STREAM_RETENTION_MS);
  assert.equal(shards.length, 25, '24 closed within the day and the open one');
  await db.execute('UpdateTable', { TableName: 'things', StreamSpecification: { StreamEnabled: false } });
  c.advance(STREAM_RETENTION_MS);
  await maintainStreams(db, { rolloverMs: db.shardRolloverMs });
  const table = ((await db.execute('DescribeTable', { TableName: 'things' })) as any).Table;
  assert.equal(table.LatestStreamArn, streams[0].arn);
  assert.deepEqual(listStreams(db), []);
  await db.close();
});

test('paging ListStreams with any Limit gives every readable stream once, in listing order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ table: fc.integer({ min: 0, max: 4 }), cycles: fc.integer({ min: 1, max: 3 }), drop: fc.boolean() }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 7 }),
      async (tables, limit) => {
        const c = clock();
        const db = await memoryDb({ now: c.now });
        for (const t of tables) {
          const TableName = `table${t.table}`;
          if (!db.tables.has(TableName)) await db.execute('CreateTable', { TableName, ...KEYS });
          const streams = db.table(TableName).meta.streams ?? [];
          if (streams[streams.length - 1]?.disabledAt === undefined && streams.length > 0) await db.execute('UpdateTable', { TableName, StreamSpecification: { StreamEnabled: false } });
          for (let i = 0; i < t.cycles; i++) {
            await db.execute('UpdateTable', { TableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
            await db.execute('UpdateTable', { TableName, StreamSpecification: { StreamEnabled: false } });
          }
          if (t.drop) await db.execute('DeleteTable', { TableName });
        }
        const everything = ((await db.streams.execute('ListStreams', {})) as any).Streams;
        assert.equal(everything.length, new Set(everything.map((s: any) => s.StreamArn)).size, 'no arn twice');
        const paged: unknown[] = [];
        let start: string | undefined;
        do {
          const page = (await db.streams.execute('ListStreams', { Limit: limit, ExclusiveStartStreamArn: start })) as any;
          assert.ok(page.Streams.length <= limit);
          paged.push(...page.Streams);
          start = page.LastEvaluatedStreamArn;
        } while (start !== undefined);
        assert.deepEqual(paged, everything);
        await db.close();
      },
    ),
    { numRuns: 40, seed: 1206 },
  );
});
