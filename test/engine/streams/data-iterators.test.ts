// GetShardIterator and the iterators it hands out: each iterator type starts where DynamoDB's
// does, the SequenceNumber member rules with DynamoDB Local's messages, unknown streams and shards,
// expiry after 15 minutes by the database's clock, and garbled iterators refused as invalid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamTable, drain, getRecords, iterator, key, openMemory, put, rejects, shardsOf, streamArnOf, testClock } from './data-helpers';

async function withFiveWrites(now?: () => number) {
  const db = await openMemory(now ? { now } : {});
  await createStreamTable(db);
  for (let i = 1; i <= 5; i++) await put(db, key('a', i));
  const arn = await streamArnOf(db);
  const shard = (await shardsOf(db, arn))[0].ShardId;
  const all = (await drain(db, await iterator(db, arn, shard, 'TRIM_HORIZON'))).records;
  return { db, arn, shard, all, sks: (records: typeof all) => records.map((r) => Number((r.dynamodb.Keys.sk as { N: string }).N)) };
}

test('TRIM_HORIZON starts at the oldest record, LATEST after the newest, AT and AFTER at and after a sequence number', async () => {
  const { db, arn, shard, all, sks } = await withFiveWrites();
  assert.deepEqual(sks(all), [1, 2, 3, 4, 5]);
  const third = all[2].dynamodb.SequenceNumber;
  assert.deepEqual(sks((await drain(db, await iterator(db, arn, shard, 'AT_SEQUENCE_NUMBER', third))).records), [3, 4, 5]);
  assert.deepEqual(sks((await drain(db, await iterator(db, arn, shard, 'AFTER_SEQUENCE_NUMBER', third))).records), [4, 5]);
  const latest = await iterator(db, arn, shard, 'LATEST');
  const empty = await getRecords(db, latest);
  assert.deepEqual(empty.Records, []);
  assert.ok(empty.NextShardIterator, 'an open shard always gives a next iterator');
  await put(db, key('a', 6));
  assert.deepEqual(sks((await drain(db, latest)).records), [6], 'LATEST sees only what came after it');
  await db.close();
});

test('SequenceNumber is required by AT and AFTER, refused with TRIM_HORIZON and LATEST, and must lie in the shard', async () => {
  const { db, arn, shard, all } = await withFiveWrites();
  const seq = all[0].dynamodb.SequenceNumber;
  await rejects(() => iterator(db, arn, shard, 'TRIM_HORIZON', seq), 'ValidationException', 'One or more parameter values were invalid: SequenceNumber should not be passed for this iterator type');
  await rejects(() => iterator(db, arn, shard, 'LATEST', seq), 'ValidationException', 'One or more parameter values were invalid: SequenceNumber should not be passed for this iterator type');
  await rejects(() => iterator(db, arn, shard, 'AT_SEQUENCE_NUMBER'), 'ValidationException', 'One or more parameter values were invalid: Invalid SequenceNumber');
  await rejects(() => iterator(db, arn, shard, 'AFTER_SEQUENCE_NUMBER', '0'.repeat(21)), 'ValidationException', 'Invalid SequenceNumber for the shard');
  await rejects(() => iterator(db, arn, shard, 'AT_SEQUENCE_NUMBER', 'x'.repeat(21)), 'ValidationException', 'Invalid SequenceNumber for the shard');
  await rejects(
    () => iterator(db, arn, shard, 'AT_SEQUENCE_NUMBER', 'abc'),
    'ValidationException',
    "1 validation error detected: Value 'abc' at 'sequenceNumber' failed to satisfy constraint: Member must have length greater than or equal to 21",
  );
  await rejects(
    () => iterator(db, arn, shard, 'BOGUS'),
    'ValidationException',
    "1 validation error detected: Value 'BOGUS' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]",
  );
  await db.close();
});

test('a closed shard refuses a sequence number past its end', async () => {
  const { db, arn, shard, all } = await withFiveWrites();
  await db.execute('UpdateTable', { TableName: 'Events', StreamSpecification: { StreamEnabled: false } });
  await put(db, key('a', 9));
  const last = all[4].dynamodb.SequenceNumber;
  const beyond = String(BigInt(last) + 100_000n).padStart(21, '0');
  await rejects(() => iterator(db, arn, shard, 'AT_SEQUENCE_NUMBER', beyond), 'ValidationException', 'Invalid SequenceNumber for the shard');
  assert.equal((await drain(db, await iterator(db, arn, shard, 'AT_SEQUENCE_NUMBER', last))).records.length, 1);
  await db.close();
});

test('an unknown stream or shard is ResourceNotFoundException', async () => {
  const { db, arn, shard } = await withFiveWrites();
  await rejects(() => iterator(db, arn.replace('Events', 'Nothing'), shard, 'LATEST'), 'ResourceNotFoundException', /Stream: .*Nothing.* not found/);
  await rejects(() => iterator(db, arn, 'shardId-00000000000000000000-00000000', 'LATEST'), 'ResourceNotFoundException', /Shard: shardId-00000000000000000000-00000000 .*not found/);
  await db.close();
});

test('an iterator works for 15 minutes by the database clock, then is ExpiredIteratorException; the next one it gave is fresh', async () => {
  const clock = testClock();
  const { db, arn, shard } = await withFiveWrites(clock.now);
  const it = await iterator(db, arn, shard, 'TRIM_HORIZON');
  clock.advance(15 * 60 * 1000);
  const page = await getRecords(db, it, 2);
  assert.equal(page.Records.length, 2, 'still valid at exactly 15 minutes');
  clock.advance(1);
  await rejects(() => getRecords(db, it), 'ExpiredIteratorException', 'Shard iterator has expired');
  assert.equal((await getRecords(db, page.NextShardIterator!)).Records.length, 3, 'the iterator a call returns starts its own 15 minutes');
  await db.close();
});

test('a garbled, truncated or re-addressed iterator is "Invalid ShardIterator", never a crash', async () => {
  const { db, arn, shard } = await withFiveWrites();
  const it = await iterator(db, arn, shard, 'TRIM_HORIZON');
  const payloadAt = it.lastIndexOf('|') + 1;
  const flipped = it.slice(0, payloadAt + 5) + (it[payloadAt + 5] === 'A' ? 'B' : 'A') + it.slice(payloadAt + 6);
  const otherArn = arn.replace('Events', 'Evented');
  for (const bad of ['garbage', it.slice(0, -3), flipped, `${arn}|1|`, `${arn}|2|${it.slice(payloadAt)}`, `${otherArn}|1|${it.slice(payloadAt)}`, `${it}|x`]) {
    await rejects(() => getRecords(db, bad), 'ValidationException', 'Invalid ShardIterator');
  }
  await db.close();
});

test('GetShardIterator checks its members as DynamoDB does', async () => {
  const { db, arn, shard } = await withFiveWrites();
  await rejects(
    () => db.streams.execute('GetShardIterator', { StreamArn: arn, ShardId: shard }),
    'ValidationException',
    "1 validation error detected: Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null",
  );
  await rejects(
    () => db.streams.execute('GetShardIterator', { StreamArn: arn, ShardId: 'short', ShardIteratorType: 'LATEST' }),
    'ValidationException',
    "1 validation error detected: Value 'short' at 'shardId' failed to satisfy constraint: Member must have length greater than or equal to 28",
  );
  await db.close();
});
