// GetRecords: Limit (1 to 1,000, default 1,000) and about 1 MB per call, pages that go on where
// the last one stopped, NextShardIterator absent once a closed shard is drained and present (with
// an empty page) on an open one, records exactly once and in order across a shard and its child,
// and TrimmedDataAccessException once the history a position needs is gone (size cap or age),
// TRIM_HORIZON then starting at the oldest record still held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bodyText } from '../../../src/engine/results';
import { maintainStreams } from '../../../src/engine/streams/shards';
import { createStreamTable, drain, drainStream, getRecords, iterator, key, openMemory, put, rejects, shardsOf, streamArnOf, testClock } from './data-helpers';

const sks = (records: { dynamodb: { Keys: Record<string, unknown> } }[]) => records.map((r) => Number((r.dynamodb.Keys.sk as { N: string }).N));

test('Limit pages through a shard in order; the default is 1,000; an open shard then gives empty pages with an iterator', async () => {
  const db = await openMemory();
  await createStreamTable(db);
  for (let i = 0; i < 1205; i++) void put(db, key('a', i));
  const arn = await streamArnOf(db);
  const shard = (await shardsOf(db, arn))[0].ShardId;
  let it = await iterator(db, arn, shard, 'TRIM_HORIZON');
  const first = await getRecords(db, it);
  assert.equal(first.Records.length, 1000, 'the default Limit');
  const seen = sks(first.Records);
  it = first.NextShardIterator!;
  for (const expected of [150, 55, 0, 0]) {
    const page = await getRecords(db, it, 150);
    assert.equal(page.Records.length, expected);
    seen.push(...sks(page.Records));
    assert.ok(page.NextShardIterator, 'an open shard always has a next iterator');
    it = page.NextShardIterator;
  }
  assert.deepEqual(seen, Array.from({ length: 1205 }, (_, i) => i));
  await db.close();
});

test('Limit must be 1 to 1,000, with DynamoDB Local messages', async () => {
  const db = await openMemory();
  await createStreamTable(db);
  const arn = await streamArnOf(db);
  const it = await iterator(db, arn, (await shardsOf(db, arn))[0].ShardId, 'LATEST');
  await rejects(() => getRecords(db, it, 0), 'ValidationException', "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
  await rejects(() => getRecords(db, it, 1001), 'ValidationException', 'One or more parameter values were invalid: Limit should be less than or equal to 1000');
  await rejects(() => db.streams.execute('GetRecords', {}), 'ValidationException', "1 validation error detected: Value null at 'shardIterator' failed to satisfy constraint: Member must not be null");
  await db.close();
});

test('a call returns about 1 MB of records at most, and the next call goes on from there', async () => {
  const db = await openMemory();
  await createStreamTable(db, 'NEW_IMAGE');
  const big = 'x'.repeat(100_000);
  for (let i = 0; i < 30; i++) await put(db, { ...key('a', i), v: { S: big } });
  const arn = await streamArnOf(db);
  const it = await iterator(db, arn, (await shardsOf(db, arn))[0].ShardId, 'TRIM_HORIZON');
  const page = await getRecords(db, it);
  const bytes = Buffer.byteLength(await db.streams.executeJson('GetRecords', { ShardIterator: it }));
  assert.ok(page.Records.length >= 5 && page.Records.length <= 11, `${page.Records.length} records of 100 KB`);
  assert.ok(bytes <= 1.2 * 1024 * 1024, `${bytes} bytes`);
  const rest = await drain(db, page.NextShardIterator);
  assert.deepEqual([...sks(page.Records), ...sks(rest.records)], Array.from({ length: 30 }, (_, i) => i));
  await db.close();
});

test('a closed shard, once drained, gives no NextShardIterator; its child goes on, each record once and in order', async () => {
  const clock = testClock();
  const db = await openMemory({ now: clock.now });
  await createStreamTable(db);
  const arn = await streamArnOf(db);
  for (let i = 0; i < 10; i++) await put(db, { ...key(`p${i % 3}`, i), v: { N: String(i) } });
  clock.advance(1000);
  await maintainStreams(db, { reopened: true, rolloverMs: 1 });
  for (let i = 10; i < 20; i++) await put(db, { ...key(`p${i % 3}`, i), v: { N: String(i) } });
  const shards = await shardsOf(db, arn);
  assert.equal(shards.length, 2);
  assert.equal(shards[1].ParentShardId, shards[0].ShardId);
  const parent = await drain(db, await iterator(db, arn, shards[0].ShardId, 'TRIM_HORIZON'), 4);
  assert.equal(parent.next, undefined, 'the closed parent is drained: no next iterator');
  assert.deepEqual(sks(parent.records), Array.from({ length: 10 }, (_, i) => i));
  const child = await drain(db, await iterator(db, arn, shards[1].ShardId, 'TRIM_HORIZON'), 4);
  assert.ok(child.next, 'the open child has a next iterator');
  assert.deepEqual(sks(child.records), Array.from({ length: 10 }, (_, i) => i + 10));
  // Disabling the stream closes the child: drained, it ends too.
  await db.execute('UpdateTable', { TableName: 'Events', StreamSpecification: { StreamEnabled: false } });
  await put(db, key('after', 1));
  const end = await getRecords(db, child.next!);
  assert.deepEqual(end.Records, []);
  assert.equal(end.NextShardIterator, undefined);
  await db.close();
});

test('past the history size cap, an older position is TrimmedDataAccessException and TRIM_HORIZON starts at the oldest record held', async () => {
  const db = await openMemory({ logHistoryBytes: 64 * 1024 });
  await createStreamTable(db, 'NEW_IMAGE');
  const arn = await streamArnOf(db);
  const shard = (await shardsOf(db, arn))[0].ShardId;
  await put(db, { ...key('a', 0), v: { S: 'first' } });
  const early = await iterator(db, arn, shard, 'TRIM_HORIZON');
  const firstSeq = (await getRecords(db, early)).Records[0].dynamodb.SequenceNumber;
  for (let i = 1; i < 200; i++) await put(db, { ...key('a', i), v: { S: 'y'.repeat(1000) } });
  const message = 'The operation attempted to read past the oldest stream record in a shard.';
  await rejects(() => getRecords(db, early), 'TrimmedDataAccessException', message);
  await rejects(() => iterator(db, arn, shard, 'AT_SEQUENCE_NUMBER', firstSeq), 'TrimmedDataAccessException', message);
  const held = (await drain(db, await iterator(db, arn, shard, 'TRIM_HORIZON'))).records;
  assert.ok(held.length > 10 && held.length < 199, `${held.length} records held`);
  assert.deepEqual(sks(held), Array.from({ length: held.length }, (_, i) => 200 - held.length + i), 'the newest, contiguous');
  await db.close();
});

test('records older than 24 hours are trimmed', async () => {
  const clock = testClock();
  const db = await openMemory({ now: clock.now });
  await createStreamTable(db);
  const arn = await streamArnOf(db);
  await put(db, key('old', 1));
  clock.advance(23 * 3600 * 1000);
  await put(db, key('new', 2));
  assert.deepEqual(sks(await drainStream(db, arn)), [1, 2]);
  clock.advance(2 * 3600 * 1000);
  await put(db, key('newer', 3));
  assert.deepEqual(sks(await drainStream(db, arn)), [2, 3]);
  await db.close();
});

test("records of other tables and a table's own no-op writes are skipped without ending a page early", async () => {
  const db = await openMemory();
  await createStreamTable(db);
  await createStreamTable(db, 'KEYS_ONLY', 'Other');
  for (let i = 0; i < 30; i++) {
    await put(db, key('o', i), 'Other');
    await put(db, key('a', i));
    await put(db, key('a', i));
  }
  const arn = await streamArnOf(db);
  const page = await getRecords(db, await iterator(db, arn, (await shardsOf(db, arn))[0].ShardId, 'TRIM_HORIZON'), 25);
  assert.deepEqual(sks(page.Records), Array.from({ length: 25 }, (_, i) => i));
  await db.close();
});

test('whatever the writes, rollovers and page sizes, a consumer following parent then child shards sees each change once, in order', async () => {
  const step = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), item: fc.integer({ min: 0, max: 4 }), value: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('delete' as const), item: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ kind: fc.constant('rollover' as const) }),
    fc.record({ kind: fc.constant('read' as const), limit: fc.integer({ min: 1, max: 7 }) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
      const clock = testClock();
      const db = await openMemory({ now: clock.now });
      await createStreamTable(db, 'NEW_AND_OLD_IMAGES');
      const arn = await streamArnOf(db);
      // The model: each item's value, and the changes a consumer must see (no-ops excluded).
      const values = new Map<number, number>();
      const expected: string[] = [];
      const seen: string[] = [];
      // The consumer: the shard it is on and its iterator (undefined: ask for one at TRIM_HORIZON).
      let shardIndex = 0;
      let it: string | undefined;
      const read = async (limit: number) => {
        for (;;) {
          const shards = await shardsOf(db, arn);
          if (it === undefined) it = await iterator(db, arn, shards[shardIndex].ShardId, 'TRIM_HORIZON');
          const page = await getRecords(db, it, limit);
          for (const r of page.Records) {
            const image = (r.dynamodb.NewImage ?? r.dynamodb.OldImage) as Record<string, { S?: string; N?: string }>;
            seen.push(`${r.eventName}:${image.pk.S}:${r.dynamodb.NewImage ? (r.dynamodb.NewImage as Record<string, { N: string }>).v.N : '-'}`);
          }
          if (page.NextShardIterator !== undefined || shardIndex + 1 >= shards.length) {
            it = page.NextShardIterator;
            return;
          }
          // Drained a closed shard: on to its child.
          shardIndex++;
          it = undefined;
        }
      };
      for (const s of steps) {
        if (s.kind === 'put') {
          const before = values.get(s.item);
          await put(db, { ...key(`i${s.item}`, 0), v: { N: String(s.value) } });
          values.set(s.item, s.value);
          if (before !== s.value) expected.push(`${before === undefined ? 'INSERT' : 'MODIFY'}:i${s.item}:${s.value}`);
        } else if (s.kind === 'delete') {
          await db.execute('DeleteItem', { TableName: 'Events', Key: key(`i${s.item}`, 0) });
          if (values.delete(s.item)) expected.push(`REMOVE:i${s.item}:-`);
        } else if (s.kind === 'rollover') {
          clock.advance(1000);
          await maintainStreams(db, { reopened: true, rolloverMs: 1 });
        } else await read(s.limit);
      }
      for (let i = 0; i < 100 && seen.length < expected.length; i++) await read(7);
      assert.deepEqual(seen, expected);
      await db.close();
    }),
    { numRuns: 60 },
  );
});

test('the writes of one BatchWriteItem (one log record, two tables) are separate records with their own sequence numbers, and a page may end inside them', async () => {
  const db = await openMemory();
  await createStreamTable(db);
  await createStreamTable(db, 'KEYS_ONLY', 'Other');
  const requests = (table: string, from: number) => Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: key(table, from + i) } }));
  await db.execute('BatchWriteItem', { RequestItems: { Events: requests('e', 0), Other: requests('o', 0) } });
  await db.execute('BatchWriteItem', { RequestItems: { Events: requests('e', 5) } });
  const arn = await streamArnOf(db);
  const it = await iterator(db, arn, (await shardsOf(db, arn))[0].ShardId, 'TRIM_HORIZON');
  const pages: number[][] = [];
  let next: string | undefined = it;
  while (next !== undefined) {
    const page = await getRecords(db, next, 3);
    if (page.Records.length === 0) break;
    pages.push(sks(page.Records));
    next = page.NextShardIterator;
  }
  assert.deepEqual(pages, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  const all = await drainStream(db, arn);
  const sequence = all.map((r) => BigInt(r.dynamodb.SequenceNumber));
  assert.equal(new Set(sequence).size, 10);
  assert.ok(sequence.every((s, i) => i === 0 || s > sequence[i - 1]));
  await db.close();
});

test('the endpoint\'s GetRecords body comes in pieces that join to exactly the text of the page, with non-ASCII values in any piece', async () => {
  const db = await openMemory();
  await createStreamTable(db, 'NEW_AND_OLD_IMAGES');
  // Enough records for several pieces of about 16K characters, some with text of two to four UTF-8 bytes per character.
  for (let i = 0; i < 300; i++) await put(db, { ...key('a', i), v: { S: i % 50 === 7 ? `é€😀 ${i}` : 'x'.repeat(i % 200) } });
  for (let i = 0; i < 300; i += 3) await put(db, { ...key('a', i), v: { N: String(i) } });
  const arn = await streamArnOf(db);
  const it = await iterator(db, arn, (await shardsOf(db, arn))[0].ShardId, 'TRIM_HORIZON');
  const body = await db.streams.executeBody('GetRecords', { ShardIterator: it, Limit: 1000 });
  assert.ok(Array.isArray(body) && body.length > 2, 'a page of 400 records comes in several pieces');
  const text = bodyText(body);
  // Each call issues its own NextShardIterator (it records when it was issued): the rest is the same text.
  const withoutIterator = (t: string): string => t.replace(/"NextShardIterator":"[^"]+"/, '');
  const whole = await db.streams.executeJson('GetRecords', { ShardIterator: it, Limit: 1000 });
  assert.ok(withoutIterator(text) === withoutIterator(whole), 'the pieces join to the text executeJson gives');
  const parsed = JSON.parse(text) as { Records: Array<{ dynamodb: { NewImage: { v: { S?: string } } } }>; NextShardIterator: string };
  assert.equal(parsed.Records.length, 400);
  assert.equal(parsed.Records[7].dynamodb.NewImage.v.S, 'é€😀 7');
  assert.equal(typeof parsed.NextShardIterator, 'string');
  // A page with no records is one piece like any other answer's.
  const empty = await db.streams.executeBody('GetRecords', { ShardIterator: parsed.NextShardIterator });
  assert.match(bodyText(empty), /^\{"Records":\[\],"NextShardIterator":"[^"]+"\}$/);
  await db.close();
});
