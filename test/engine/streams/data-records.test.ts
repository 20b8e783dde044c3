// Stream records as DynamoDB writes them: the event kinds, the images each view type carries,
// SizeBytes (Keys plus the images carried, as DynamoDB Local reports it), no record for a write
// that changed nothing, images of every attribute type decoded right (the JSON text the endpoint
// sends and the objects in-process callers get agree), eventIDs stable and unique, and TTL
// deletions marked with DynamoDB's service identity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSequenceNumber, sequenceNumber, type StreamViewType } from '../../../src/engine/streams/model';
import { createStreamTable, drain, drainStream, iterator, key, openMemory, put, shardsOf, streamArnOf, testClock } from './data-helpers';

const VIEW_TYPES: StreamViewType[] = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];

for (const viewType of VIEW_TYPES) {
  test(`${viewType}: INSERT, MODIFY and REMOVE records carry the images the view type names, and SizeBytes counts exactly those`, async () => {
    const db = await openMemory();
    await createStreamTable(db, viewType);
    const first = { ...key('a', 1) };
    const second = { ...key('a', 1), v: { S: 'hello' }, s: { SS: ['x', 'y'] } };
    await put(db, first);
    await put(db, second);
    await db.execute('DeleteItem', { TableName: 'Events', Key: key('a', 1) });
    const records = await drainStream(db, await streamArnOf(db));
    assert.deepEqual(
      records.map((r) => r.eventName),
      ['INSERT', 'MODIFY', 'REMOVE'],
    );
    const withNew = viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
    const withOld = viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES';
    const expected = [
      { NewImage: first, OldImage: undefined },
      { NewImage: second, OldImage: first },
      { NewImage: undefined, OldImage: second },
    ];
    // Sizes by DynamoDB's rules: key pk "a" + sk 1 is 7 bytes, `first` 7, `second` 16.
    const size = (item: object | undefined) => (item === undefined ? 0 : item === first ? 7 : 16);
    records.forEach((r, i) => {
      assert.equal(r.eventVersion, '1.1');
      assert.equal(r.eventSource, 'aws:dynamodb');
      assert.equal(r.awsRegion, 'us-east-1');
      assert.deepEqual(r.dynamodb.Keys, key('a', 1));
      assert.equal(r.dynamodb.StreamViewType, viewType);
      assert.match(r.dynamodb.SequenceNumber, /^\d{21}$/);
      const newImage = withNew ? expected[i].NewImage : undefined;
      const oldImage = withOld ? expected[i].OldImage : undefined;
      assert.deepEqual(r.dynamodb.NewImage, newImage, `NewImage of record ${i}`);
      assert.deepEqual(r.dynamodb.OldImage, oldImage, `OldImage of record ${i}`);
      assert.equal(r.dynamodb.SizeBytes, 7 + size(newImage) + size(oldImage), `SizeBytes of record ${i}`);
      assert.equal(r.userIdentity, undefined);
    });
    await db.close();
  });
}

test('a write that changed nothing has no record, whatever the order of its attributes or of its sets', async () => {
  const db = await openMemory();
  await createStreamTable(db);
  const item = { ...key('a', 1), v: { S: 'x' }, s: { SS: ['p', 'q'] }, n: { NS: ['1', '2.50'] }, m: { M: { b: { N: '1' }, a: { L: [{ S: 'z' }] } } } };
  await put(db, item);
  // The same data written again: attributes, set members and map entries in another order, numbers written otherwise.
  await put(db, { m: { M: { a: { L: [{ S: 'z' }] }, b: { N: '1.0' } } }, n: { NS: ['2.5', '1'] }, s: { SS: ['q', 'p'] }, v: { S: 'x' }, ...key('a', 1) });
  await db.execute('UpdateItem', { TableName: 'Events', Key: key('a', 1), UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } });
  await db.execute('DeleteItem', { TableName: 'Events', Key: key('nothing', 0) });
  // A real change after the no-ops still shows up.
  await db.execute('UpdateItem', { TableName: 'Events', Key: key('a', 1), UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: 'y' } } });
  const records = await drainStream(db, await streamArnOf(db));
  assert.deepEqual(
    records.map((r) => r.eventName),
    ['INSERT', 'MODIFY'],
  );
  assert.deepEqual(records[1].dynamodb.NewImage?.v, { S: 'y' });
  await db.close();
});

/** Attribute values of every type DynamoDB has, nested. */
const attributeValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.record({ S: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) }),
    fc.record({ N: fc.integer({ min: -1e9, max: 1e9 }).map(String) }),
    fc.record({ B: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.from(b).toString('base64')) }),
    fc.record({ BOOL: fc.boolean() }),
    fc.constant({ NULL: true }),
    fc.record({ SS: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }) }),
    fc.record({ NS: fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 4 }).map((ns) => ns.map(String)) }),
    fc.record({ BS: fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }).map((bs) => bs.map((b) => Buffer.from([b]).toString('base64'))) }),
    fc.record({ L: fc.array(tie('value'), { maxLength: 3 }) }),
    fc.record({ M: fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), tie('value'), { maxKeys: 3 }) }),
  ),
})).value;

const items = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).filter((n) => n !== 'pk' && n !== 'sk'),
  attributeValue,
  { minKeys: 0, maxKeys: 5 },
);

test('images of every attribute type come back as GetItem returns the item, and the JSON text agrees with the objects', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(items, { minLength: 1, maxLength: 4 }), async (versions) => {
      const db = await openMemory();
      await createStreamTable(db);
      const stored: unknown[] = [];
      for (const attributes of versions) {
        await put(db, { ...attributes, ...key('k', 7) });
        stored.push(((await db.execute('GetItem', { TableName: 'Events', Key: key('k', 7) })) as { Item: unknown }).Item);
      }
      const arn = await streamArnOf(db);
      const shard = (await shardsOf(db, arn))[0].ShardId;
      const it = await iterator(db, arn, shard, 'TRIM_HORIZON');
      const objects = (await drain(db, it)).records;
      const text = JSON.parse(await db.streams.executeJson('GetRecords', { ShardIterator: it })) as { Records: unknown[] };
      assert.deepEqual(text.Records, JSON.parse(JSON.stringify(objects)));
      // Each record's new image is the item as stored then; no-op rewrites have no record.
      let previous: unknown;
      let r = 0;
      for (const item of stored) {
        if (r < objects.length && JSON.stringify(objects[r].dynamodb.NewImage) === JSON.stringify(item)) {
          assert.deepEqual(objects[r].dynamodb.OldImage, previous);
          r++;
        }
        previous = item;
      }
      assert.equal(r, objects.length, 'every record matched a stored version, in order');
      await db.close();
    }),
    { numRuns: 40 },
  );
});

test('eventIDs are the same each time a record is read, and differ between records', async () => {
  const db = await openMemory();
  await createStreamTable(db);
  for (let i = 0; i < 20; i++) await put(db, { ...key('a', i), v: { N: String(i) } });
  const arn = await streamArnOf(db);
  const once = await drainStream(db, arn);
  const again = await drainStream(db, arn);
  assert.equal(once.length, 20);
  assert.deepEqual(
    once.map((r) => r.eventID),
    again.map((r) => r.eventID),
  );
  assert.equal(new Set(once.map((r) => r.eventID)).size, 20);
  const sequence = once.map((r) => BigInt(r.dynamodb.SequenceNumber));
  assert.ok(sequence.every((s, i) => i === 0 || s > sequence[i - 1]), 'sequence numbers grow');
  await db.close();
});

test("the TTL sweeper's deletions show up in the stream as REMOVE records with DynamoDB's service identity", async () => {
  const clock = testClock();
  const db = await openMemory({ now: clock.now });
  await createStreamTable(db, 'NEW_AND_OLD_IMAGES');
  await db.execute('UpdateTimeToLive', { TableName: 'Events', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } });
  const expires = String(Math.floor(clock.now() / 1000) + 60);
  await put(db, { ...key('a', 1), expires: { N: expires } });
  await put(db, { ...key('a', 2) });
  clock.advance(120_000);
  await db.ttl.sweepNow();
  const records = await drainStream(db, await streamArnOf(db));
  assert.deepEqual(
    records.map((r) => [r.eventName, r.userIdentity]),
    [
      ['INSERT', undefined],
      ['INSERT', undefined],
      ['REMOVE', { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' }],
    ],
  );
  assert.deepEqual(records[2].dynamodb.OldImage, { ...key('a', 1), expires: { N: expires } });
  await db.close();
});

test("a TTL deletion's REMOVE record carries DynamoDB's service identity; a user's does not", async () => {
  const db = await openMemory();
  await createStreamTable(db, 'OLD_IMAGE');
  await put(db, { ...key('a', 1), expires: { N: '1' } });
  await put(db, { ...key('a', 2) });
  const table = db.table('Events');
  const k = table.keyOf(key('a', 1) as never);
  await db.commit([{ kind: 'delete', tableId: table.meta.id, key: k, old: table.get(k)! }], 'ttl');
  await db.execute('DeleteItem', { TableName: 'Events', Key: key('a', 2) });
  const records = (await drainStream(db, await streamArnOf(db))).filter((r) => r.eventName === 'REMOVE');
  assert.deepEqual(records[0].userIdentity, { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' });
  assert.deepEqual(records[0].dynamodb.OldImage, { ...key('a', 1), expires: { N: '1' } });
  assert.equal(records[1].userIdentity, undefined);
  await db.close();
});

test('ApproximateCreationDateTime is the write time in epoch seconds', async () => {
  let now = Date.UTC(2026, 5, 1, 12, 0, 0, 750);
  const db = await openMemory({ now: () => now });
  await createStreamTable(db);
  await put(db, key('a', 1));
  now += 61_000;
  await put(db, key('a', 2));
  const records = await drainStream(db, await streamArnOf(db));
  assert.deepEqual(
    records.map((r) => r.dynamodb.ApproximateCreationDateTime),
    [Date.UTC(2026, 5, 1, 12, 0, 0) / 1000, Date.UTC(2026, 5, 1, 12, 1, 1) / 1000],
  );
  await db.close();
});

test('a sequence number is lsn * 1000 + the mutation index in 21 digits, and parses back', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 43 }), fc.integer({ min: 0, max: 999 }), (lsn, index) => {
      const text = sequenceNumber(lsn, index);
      assert.equal(text, (BigInt(lsn) * 1000n + BigInt(index)).toString().padStart(21, '0'));
      assert.deepEqual(parseSequenceNumber(text), { lsn, index });
    }),
  );
});
