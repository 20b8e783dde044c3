// DynamoDB Streams through the real AWS SDK v3 clients (@aws-sdk/client-dynamodb to write and to
// set StreamSpecification, @aws-sdk/client-dynamodb-streams to read), over HTTP, against a real
// Database: every Streams operation with its errors, records as DynamoDB writes them, and a
// consumer that follows parent and child shards across a database reopen on a real folder.
//
// Each describe opens its own endpoint: the ones that move the clock (iterator expiry, 24-hour
// retention) must not disturb the others.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
  type DynamoDBClient,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type DynamoDBStreamsClient,
  type GetRecordsCommandOutput,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { sigV4Authorizer } from '../../src/server/auth/index';
import { sdkError } from './harness';
import { post } from './raw-http';
import { drainShard, listShards, StreamConsumer } from './stream-consumer';
import { createHashTable, hashTableInput, openEndpoint, streamsClient, type Endpoint } from './streams-harness';

let counter = 0;
const tableName = (prefix = 'st'): string => `${prefix}-${Date.now().toString(36)}-${++counter}`;

/** Creates a table with a stream; returns its stream ARN. */
async function createStreamTable(ddb: DynamoDBClient, name: string, viewType: StreamViewType = 'NEW_AND_OLD_IMAGES'): Promise<string> {
  return (await createHashTable(ddb, name, viewType))!;
}

async function firstShard(streams: DynamoDBStreamsClient, arn: string): Promise<string> {
  const shards = await listShards(streams, arn);
  return shards[0]!.ShardId!;
}

async function iterator(streams: DynamoDBStreamsClient, arn: string, type: 'TRIM_HORIZON' | 'LATEST', shard?: string): Promise<string> {
  const ShardId = shard ?? (await firstShard(streams, arn));
  return (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId, ShardIteratorType: type }))).ShardIterator!;
}

/** Every record of the stream so far, from the start of its first shard. */
async function readAll(streams: DynamoDBStreamsClient, arn: string): Promise<_Record[]> {
  return (await drainShard(streams, await iterator(streams, arn, 'TRIM_HORIZON'))).records;
}

const put = (ddb: DynamoDBClient, TableName: string, Item: Record<string, AttributeValue>) => ddb.send(new PutItemCommand({ TableName, Item }));

describe('StreamSpecification on CreateTable and UpdateTable', () => {
  let e: Endpoint;
  before(async () => {
    e = await openEndpoint('', { inMemory: true });
  });
  after(() => e.close());

  test('a table created with a stream describes its specification, ARN and label', async () => {
    const name = tableName();
    const created = (await e.ddb.send(new CreateTableCommand(hashTableInput(name, 'NEW_AND_OLD_IMAGES')))).TableDescription!;
    assert.deepEqual(created.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    assert.match(created.LatestStreamLabel ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    assert.equal(created.LatestStreamArn, `${created.TableArn}/stream/${created.LatestStreamLabel}`);
    const described = (await e.ddb.send(new DescribeTableCommand({ TableName: name }))).Table!;
    assert.deepEqual(described.StreamSpecification, created.StreamSpecification);
    assert.equal(described.LatestStreamArn, created.LatestStreamArn);
  });

  test('a table created without a stream shows no stream fields', async () => {
    const name = tableName();
    const t = (await e.ddb.send(new CreateTableCommand(hashTableInput(name)))).TableDescription!;
    assert.equal(t.StreamSpecification, undefined);
    assert.equal(t.LatestStreamArn, undefined);
  });

  test('enabling a stream without a view type is refused with a ValidationException', async () => {
    const err = await sdkError(() => e.ddb.send(new CreateTableCommand({ ...hashTableInput(tableName()), StreamSpecification: { StreamEnabled: true } })));
    assert.equal(err.name, 'ValidationException');
    assert.match(err.message, /StreamViewType/);
  });

  test('UpdateTable enables a stream, refuses enabling it again, and a disable then enable makes a new stream', async () => {
    const name = tableName();
    await e.ddb.send(new CreateTableCommand(hashTableInput(name)));
    const first = (await e.ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } })))
      .TableDescription!;
    assert.deepEqual(first.StreamSpecification, { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
    const again = await sdkError(() => e.ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } })));
    assert.equal(again.name, 'ValidationException');
    assert.match(again.message, /already has an enabled stream/);

    const disabled = (await e.ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }))).TableDescription!;
    // The last stream stays named after it is disabled, as DynamoDB shows it.
    assert.equal(disabled.LatestStreamArn, first.LatestStreamArn);
    assert.notEqual(disabled.StreamSpecification?.StreamEnabled, true);
    const none = await sdkError(() => e.ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } })));
    assert.equal(none.name, 'ValidationException');

    const second = (await e.ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } })))
      .TableDescription!;
    assert.notEqual(second.LatestStreamArn, first.LatestStreamArn);
    const listed = (await e.streams.send(new ListStreamsCommand({ TableName: name }))).Streams!;
    assert.deepEqual(new Set(listed.map((s) => s.StreamArn)), new Set([first.LatestStreamArn, second.LatestStreamArn]));
    const old = (await e.streams.send(new DescribeStreamCommand({ StreamArn: first.LatestStreamArn }))).StreamDescription!;
    assert.equal(old.StreamStatus, 'DISABLED');
  });
});

describe('ListStreams and DescribeStream', () => {
  let e: Endpoint;
  before(async () => {
    e = await openEndpoint('', { inMemory: true });
  });
  after(() => e.close());

  test('ListStreams names each stream with its table and label, and filters by table', async () => {
    const a = tableName('ls');
    const b = tableName('ls');
    const arnA = await createStreamTable(e.ddb, a);
    const arnB = await createStreamTable(e.ddb, b, 'KEYS_ONLY');
    const all = (await e.streams.send(new ListStreamsCommand({}))).Streams!;
    const byArn = new Map(all.map((s) => [s.StreamArn, s]));
    assert.equal(byArn.get(arnA)?.TableName, a);
    assert.equal(byArn.get(arnB)?.TableName, b);
    assert.equal(arnA.endsWith(`/stream/${byArn.get(arnA)?.StreamLabel}`), true);
    const onlyB = (await e.streams.send(new ListStreamsCommand({ TableName: b }))).Streams!;
    assert.deepEqual(onlyB.map((s) => s.StreamArn), [arnB]);
    const missing = (await e.streams.send(new ListStreamsCommand({ TableName: 'no-such-table' }))).Streams!;
    assert.deepEqual(missing, []);
  });

  test('ListStreams pages with Limit and LastEvaluatedStreamArn, each stream once', async () => {
    const made = new Set<string>();
    for (let i = 0; i < 5; i++) made.add(await createStreamTable(e.ddb, tableName('page')));
    const seen: string[] = [];
    let start: string | undefined;
    let pages = 0;
    do {
      const out = await e.streams.send(new ListStreamsCommand({ Limit: 2, ExclusiveStartStreamArn: start }));
      assert.ok(out.Streams!.length <= 2);
      seen.push(...out.Streams!.map((s) => s.StreamArn!));
      start = out.LastEvaluatedStreamArn;
      pages++;
    } while (start !== undefined && pages < 100);
    assert.equal(new Set(seen).size, seen.length, 'no stream listed twice');
    for (const arn of made) assert.ok(seen.includes(arn), `${arn} listed`);
  });

  test('ListStreams and DescribeStream refuse a Limit out of range with DynamoDB Local’s messages', async () => {
    const arn = await createStreamTable(e.ddb, tableName());
    const tooSmall = "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1";
    for (const [send, message] of [
      [() => e.streams.send(new ListStreamsCommand({ Limit: 0 })), tooSmall],
      [() => e.streams.send(new ListStreamsCommand({ Limit: 101 })), 'One or more parameter values were invalid: Limit cannot be greater than the maximum allowed size: 100'],
      [() => e.streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 0 })), tooSmall],
      [() => e.streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 101 })), 'One or more parameter values were invalid: Limit cannot be greater than the maximum: 100'],
    ] as const) {
      const err = await sdkError(send);
      assert.equal(err.name, 'ValidationException');
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, message);
    }
  });

  test('DescribeStream describes an enabled stream with one open shard', async () => {
    const name = tableName();
    const arn = await createStreamTable(e.ddb, name, 'NEW_IMAGE');
    const d = (await e.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!;
    assert.equal(d.StreamArn, arn);
    assert.equal(d.TableName, name);
    assert.ok(d.StreamStatus === 'ENABLED' || d.StreamStatus === 'ENABLING');
    assert.equal(d.StreamViewType, 'NEW_IMAGE');
    assert.deepEqual(d.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
    assert.ok(d.CreationRequestDateTime instanceof Date);
    assert.ok(Math.abs(d.CreationRequestDateTime.getTime() - Date.now()) < 60_000);
    assert.equal(d.Shards!.length, 1);
    const shard = d.Shards![0]!;
    assert.match(shard.ShardId!, /^shardId-\d{20}-[0-9a-f]{8}$/);
    assert.match(shard.SequenceNumberRange!.StartingSequenceNumber!, /^\d{21,}$/);
    assert.equal(shard.SequenceNumberRange!.EndingSequenceNumber, undefined, 'the open shard has no end');
    assert.equal(d.LastEvaluatedShardId, undefined);
  });

  test('DescribeStream of an unknown ARN is a ResourceNotFoundException naming it', async () => {
    const arn = await createStreamTable(e.ddb, tableName());
    for (const bad of [arn.replace(/stream\/.*$/, 'stream/2001-01-01T00:00:00.000'), `${arn}x`]) {
      const err = await sdkError(() => e.streams.send(new DescribeStreamCommand({ StreamArn: bad })));
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.ok(err.message.includes(bad), err.message);
    }
  });

  test('a disabled stream is DISABLED with its shard closed at the last record', async () => {
    const name = tableName();
    const arn = await createStreamTable(e.ddb, name);
    await put(e.ddb, name, { pk: { S: 'a' } });
    await e.ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
    await put(e.ddb, name, { pk: { S: 'after' } });
    const d = (await e.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!;
    assert.equal(d.StreamStatus, 'DISABLED');
    const shards = d.Shards!;
    assert.ok(shards.every((s) => s.SequenceNumberRange?.EndingSequenceNumber !== undefined), 'every shard closed');
    // The closed shard drains to its end: the put before the disable, not the one after; then no next iterator.
    const drained = await drainShard(e.streams, await iterator(e.streams, arn, 'TRIM_HORIZON', shards.at(-1)!.ShardId));
    assert.deepEqual(
      drained.records.map((r) => r.dynamodb?.Keys?.pk?.S),
      ['a'],
    );
    assert.equal(drained.finished, true);
  });

  test("a deleted table's stream stays listed and readable", async () => {
    const name = tableName();
    const arn = await createStreamTable(e.ddb, name);
    await put(e.ddb, name, { pk: { S: 'kept' }, v: { N: '1' } });
    await e.ddb.send(new DeleteTableCommand({ TableName: name }));
    const d = (await e.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!;
    assert.equal(d.TableName, name);
    assert.ok(d.StreamStatus === 'DISABLED' || d.StreamStatus === 'DISABLING');
    const records = await readAll(e.streams, arn);
    assert.deepEqual(records.map((r) => [r.eventName, r.dynamodb?.NewImage]), [['INSERT', { pk: { S: 'kept' }, v: { N: '1' } }]]);
    const listed = (await e.streams.send(new ListStreamsCommand({ TableName: name }))).Streams!;
    assert.ok(listed.some((s) => s.StreamArn === arn));
    // The name is free again, and the new table gets a stream of its own.
    const again = await createStreamTable(e.ddb, name);
    assert.notEqual(again, arn);
  });
});

describe('GetShardIterator and GetRecords', () => {
  let e: Endpoint;
  before(async () => {
    e = await openEndpoint('', { inMemory: true });
  });
  after(() => e.close());

  test('records carry DynamoDB’s fields, one per change, in order, and none for writes that changed nothing', async () => {
    const name = tableName();
    const arn = await createStreamTable(e.ddb, name, 'NEW_AND_OLD_IMAGES');
    const before = Date.now();
    await put(e.ddb, name, { pk: { S: 'a' }, n: { N: '1' }, tags: { SS: ['x', 'y'] } });
    // The same item again, its set in another order: no change, no record.
    await put(e.ddb, name, { pk: { S: 'a' }, tags: { SS: ['y', 'x'] }, n: { N: '1' } });
    await e.ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: 'a' } }, UpdateExpression: 'SET n = :v', ExpressionAttributeValues: { ':v': { N: '2' } } }));
    // Setting a value it already has changes nothing either.
    await e.ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: 'a' } }, UpdateExpression: 'SET n = :v', ExpressionAttributeValues: { ':v': { N: '2' } } }));
    await e.ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: 'missing' } } }));
    await sdkError(() => e.ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)' })));
    await e.ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: 'a' } } }));

    const records = await readAll(e.streams, arn);
    const one = { pk: { S: 'a' }, n: { N: '1' }, tags: { SS: ['x', 'y'] } };
    const two = { pk: { S: 'a' }, n: { N: '2' }, tags: { SS: ['x', 'y'] } };
    assert.deepEqual(
      records.map((r) => [r.eventName, sortSets(r.dynamodb?.OldImage), sortSets(r.dynamodb?.NewImage)]),
      [
        ['INSERT', undefined, one],
        ['MODIFY', one, two],
        ['REMOVE', two, undefined],
      ],
    );
    for (const r of records) {
      assert.equal(r.eventVersion, '1.1');
      assert.equal(r.eventSource, 'aws:dynamodb');
      assert.equal(r.awsRegion, 'us-east-1');
      assert.match(r.eventID!, /^[0-9a-zA-Z-]{16,}$/);
      assert.deepEqual(r.dynamodb!.Keys, { pk: { S: 'a' } });
      assert.equal(r.dynamodb!.StreamViewType, 'NEW_AND_OLD_IMAGES');
      assert.ok(r.dynamodb!.SizeBytes! > 0);
      assert.ok(r.dynamodb!.ApproximateCreationDateTime instanceof Date);
      // Whole seconds (DynamoDB rounds down), so allow a second either side.
      const t = r.dynamodb!.ApproximateCreationDateTime.getTime();
      assert.ok(t >= before - 61_000 && t <= Date.now() + 1_000, `creation time ${t}`);
      assert.equal(r.userIdentity, undefined, 'an application write has no userIdentity');
    }
    assert.equal(new Set(records.map((r) => r.eventID)).size, records.length, 'event ids are unique');
    assertIncreasing(records);
  });

  test('each view type shows the images it names and no others', async () => {
    const expected: Record<StreamViewType, [boolean, boolean]> = {
      KEYS_ONLY: [false, false],
      NEW_IMAGE: [false, true],
      OLD_IMAGE: [true, false],
      NEW_AND_OLD_IMAGES: [true, true],
    };
    for (const [viewType, [hasOld, hasNew]] of Object.entries(expected) as [StreamViewType, [boolean, boolean]][]) {
      const name = tableName(viewType.toLowerCase().replace(/_/g, ''));
      const arn = await createStreamTable(e.ddb, name, viewType);
      await put(e.ddb, name, { pk: { S: 'k' }, v: { S: 'one' } });
      await put(e.ddb, name, { pk: { S: 'k' }, v: { S: 'two' } });
      const [, modify] = await readAll(e.streams, arn);
      assert.equal(modify?.eventName, 'MODIFY', viewType);
      assert.equal(modify!.dynamodb!.StreamViewType, viewType);
      assert.deepEqual(modify!.dynamodb!.Keys, { pk: { S: 'k' } }, viewType);
      assert.deepEqual(modify!.dynamodb!.OldImage, hasOld ? { pk: { S: 'k' }, v: { S: 'one' } } : undefined, viewType);
      assert.deepEqual(modify!.dynamodb!.NewImage, hasNew ? { pk: { S: 'k' }, v: { S: 'two' } } : undefined, viewType);
    }
  });

  test('a batch write gives one record per item it changed', async () => {
    const name = tableName();
    const arn = await createStreamTable(e.ddb, name, 'KEYS_ONLY');
    await put(e.ddb, name, { pk: { S: 'gone' } });
    await e.ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [name]: [
            { PutRequest: { Item: { pk: { S: 'b1' } } } },
            { PutRequest: { Item: { pk: { S: 'b2' } } } },
            { DeleteRequest: { Key: { pk: { S: 'gone' } } } },
            { DeleteRequest: { Key: { pk: { S: 'never-there' } } } },
          ],
        },
      }),
    );
    const records = await readAll(e.streams, arn);
    assert.deepEqual(
      records.map((r) => `${r.eventName} ${r.dynamodb?.Keys?.pk?.S}`).sort(),
      ['INSERT b1', 'INSERT b2', 'INSERT gone', 'REMOVE gone'].sort(),
    );
  });

  test('LATEST, AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER start where they say', async () => {
    const name = tableName();
    const arn = await createStreamTable(e.ddb, name, 'KEYS_ONLY');
    for (const k of ['r1', 'r2', 'r3']) await put(e.ddb, name, { pk: { S: k } });
    const shard = await firstShard(e.streams, arn);
    const latest = await iterator(e.streams, arn, 'LATEST', shard);
    await put(e.ddb, name, { pk: { S: 'r4' } });
    const keys = (rs: _Record[]): string[] => rs.map((r) => r.dynamodb!.Keys!.pk!.S!);
    assert.deepEqual(keys((await drainShard(e.streams, latest)).records), ['r4']);

    const all = await readAll(e.streams, arn);
    const second = all[1]!.dynamodb!.SequenceNumber!;
    const at = await e.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: second }));
    assert.deepEqual(keys((await drainShard(e.streams, at.ShardIterator!)).records), ['r2', 'r3', 'r4']);
    const after = await e.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: second }));
    assert.deepEqual(keys((await drainShard(e.streams, after.ShardIterator!)).records), ['r3', 'r4']);
  });

  test('GetRecords returns at most Limit records and a NextShardIterator that continues after them', async () => {
    const name = tableName();
    const arn = await createStreamTable(e.ddb, name, 'KEYS_ONLY');
    for (let i = 0; i < 7; i++) await put(e.ddb, name, { pk: { S: `p${i}` } });
    let next: string | undefined = await iterator(e.streams, arn, 'TRIM_HORIZON');
    const pages: number[] = [];
    const keys: string[] = [];
    while (next !== undefined) {
      const out: GetRecordsCommandOutput = await e.streams.send(new GetRecordsCommand({ ShardIterator: next, Limit: 3 }));
      assert.ok(out.NextShardIterator, 'an open shard always gives a next iterator');
      if (out.Records!.length === 0) break;
      pages.push(out.Records!.length);
      keys.push(...out.Records!.map((r) => r.dynamodb!.Keys!.pk!.S!));
      next = out.NextShardIterator;
    }
    assert.deepEqual(pages, [3, 3, 1]);
    assert.deepEqual(keys, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  test('an iterator can be read again and gives the same records', async () => {
    const name = tableName();
    const arn = await createStreamTable(e.ddb, name, 'KEYS_ONLY');
    await put(e.ddb, name, { pk: { S: 'x' } });
    const it = await iterator(e.streams, arn, 'TRIM_HORIZON');
    const a = await e.streams.send(new GetRecordsCommand({ ShardIterator: it }));
    const b = await e.streams.send(new GetRecordsCommand({ ShardIterator: it }));
    assert.deepEqual(b.Records!.map((r) => r.eventID), a.Records!.map((r) => r.eventID));
    assert.equal(a.Records!.length, 1);
  });

  test('GetShardIterator refuses bad member combinations with ValidationException', async () => {
    const arn = await createStreamTable(e.ddb, tableName(), 'KEYS_ONLY');
    const ShardId = await firstShard(e.streams, arn);
    // The messages DynamoDB Local answers (recorded from DynamoDB Local 2026-01-16).
    const notPassed = 'One or more parameter values were invalid: SequenceNumber should not be passed for this iterator type';
    const missing = 'One or more parameter values were invalid: Invalid SequenceNumber';
    const cases: Array<[ConstructorParameters<typeof GetShardIteratorCommand>[0], RegExp | string]> = [
      [{ StreamArn: arn, ShardId, ShardIteratorType: 'TRIM_HORIZON', SequenceNumber: '000000000000000001000' }, notPassed],
      [{ StreamArn: arn, ShardId, ShardIteratorType: 'LATEST', SequenceNumber: '000000000000000001000' }, notPassed],
      [{ StreamArn: arn, ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER' }, missing],
      [{ StreamArn: arn, ShardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' }, missing],
      [{ StreamArn: arn, ShardId, ShardIteratorType: 'BOGUS' as never }, /shardIteratorType/],
    ];
    for (const [input, message] of cases) {
      const err = await sdkError(() => e.streams.send(new GetShardIteratorCommand(input)));
      assert.equal(err.name, 'ValidationException', JSON.stringify(input));
      assert.equal(err.$metadata.httpStatusCode, 400);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
    }
  });

  test('GetShardIterator of an unknown stream or shard is a ResourceNotFoundException', async () => {
    const arn = await createStreamTable(e.ddb, tableName(), 'KEYS_ONLY');
    const ShardId = await firstShard(e.streams, arn);
    const unknownShard = await sdkError(() =>
      e.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: 'shardId-00000000000000000000-00000000', ShardIteratorType: 'TRIM_HORIZON' })),
    );
    assert.equal(unknownShard.name, 'ResourceNotFoundException');
    const unknownStream = await sdkError(() =>
      e.streams.send(new GetShardIteratorCommand({ StreamArn: arn.replace(/stream\/.*$/, 'stream/2001-01-01T00:00:00.000'), ShardId, ShardIteratorType: 'TRIM_HORIZON' })),
    );
    assert.equal(unknownStream.name, 'ResourceNotFoundException');
  });

  test('GetRecords refuses a garbled iterator and a Limit out of range', async () => {
    const arn = await createStreamTable(e.ddb, tableName(), 'KEYS_ONLY');
    const it = await iterator(e.streams, arn, 'TRIM_HORIZON');
    // Flip characters in the middle: tampering must be caught, not read as another position.
    const mid = Math.floor(it.length / 2);
    const tampered = it.slice(0, mid) + (it[mid] === 'A' ? 'B' : 'A') + it.slice(mid + 1);
    for (const ShardIterator of ['garbage', tampered, `${it}x`]) {
      const err = await sdkError(() => e.streams.send(new GetRecordsCommand({ ShardIterator })));
      assert.equal(err.name, 'ValidationException', ShardIterator);
      assert.equal(err.message, 'Invalid ShardIterator');
    }
    for (const [Limit, message] of [
      [0, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"],
      [1001, 'One or more parameter values were invalid: Limit should be less than or equal to 1000'],
    ] as const) {
      const err = await sdkError(() => e.streams.send(new GetRecordsCommand({ ShardIterator: it, Limit })));
      assert.equal(err.name, 'ValidationException');
      assert.equal(err.message, message);
    }
  });

  test('an unknown operation of the Streams target is an UnknownOperationException', async () => {
    const res = await fetch(e.server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDBStreams_20120810.DescribeEverything',
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { __type: string };
    assert.match(body.__type, /#UnknownOperationException$/);
  });
});

describe('iterator expiry and retention, with a movable clock', () => {
  let e: Endpoint;
  let skew = 0;
  before(async () => {
    e = await openEndpoint('', { inMemory: true, now: () => Date.now() + skew });
  });
  after(() => e.close());

  test('a shard iterator expires after 15 minutes with ExpiredIteratorException', async () => {
    const name = tableName();
    const arn = await createStreamTable(e.ddb, name, 'KEYS_ONLY');
    await put(e.ddb, name, { pk: { S: 'a' } });
    const it = await iterator(e.streams, arn, 'TRIM_HORIZON');
    skew += 14 * 60_000;
    assert.equal((await e.streams.send(new GetRecordsCommand({ ShardIterator: it }))).Records!.length, 1, 'still valid at 14 minutes');
    skew += 2 * 60_000;
    const err = await sdkError(() => e.streams.send(new GetRecordsCommand({ ShardIterator: it })));
    assert.equal(err.name, 'ExpiredIteratorException');
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test('records older than 24 hours are trimmed: TRIM_HORIZON starts after them and an old position is TrimmedDataAccessException', async () => {
    const name = tableName();
    const arn = await createStreamTable(e.ddb, name, 'KEYS_ONLY');
    await put(e.ddb, name, { pk: { S: 'old' } });
    const [old] = await readAll(e.streams, arn);
    skew += 25 * 60 * 60_000;
    await put(e.ddb, name, { pk: { S: 'new' } });
    const shards = await listShards(e.streams, arn);
    const keys: string[] = [];
    for (const s of shards) {
      const it = await e.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: s.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      keys.push(...(await drainShard(e.streams, it.ShardIterator!)).records.map((r) => r.dynamodb!.Keys!.pk!.S!));
    }
    assert.deepEqual(keys, ['new']);
    // The old record's position is gone: the shard is still listed, its first records are trimmed.
    const err = await sdkError(() =>
      e.streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId: shards[0]!.ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: old!.dynamodb!.SequenceNumber }),
      ),
    );
    assert.equal(err.name, 'TrimmedDataAccessException');
    assert.equal(err.$metadata.httpStatusCode, 400);
  });
});

describe('signed requests from the Streams client', () => {
  const KEY = 'AKIDSTREAMS01';
  const SECRET = 'streams/secret+KEY/0123456789abcdefghij';
  let e: Endpoint;
  before(async () => {
    e = await openEndpoint('', { inMemory: true }, { authorize: sigV4Authorizer({ keys: new Map([[KEY, SECRET]]) }) });
  });
  after(() => e.close());

  test('the Streams SDK signs for the dynamodb service, and the endpoint accepts it with the right secret only', async () => {
    const good = streamsClient(e.server.url, { accessKeyId: KEY, secretAccessKey: SECRET });
    const bad = streamsClient(e.server.url, { accessKeyId: KEY, secretAccessKey: `${SECRET}x` });
    try {
      const out = await good.send(new ListStreamsCommand({}));
      assert.deepEqual(out.Streams, []);
      const err = await sdkError(() => bad.send(new ListStreamsCommand({})));
      assert.equal(err.name, 'InvalidSignatureException');
    } finally {
      good.destroy();
      bad.destroy();
    }
  });
});

describe('the Streams target on the wire and from web pages', () => {
  const APP = 'http://localhost:5173';
  for (const fastLane of [true, false]) {
    describe(fastLane ? 'through the fast lane' : 'through node:http', () => {
      let e: Endpoint;
      before(async () => {
        e = await openEndpoint('', { inMemory: true }, { allowedOrigins: [APP], fastLane });
      });
      after(() => e.close());

      test('a Streams error body names DynamoDB’s namespace and the exception, with a message', async () => {
        const res = await post(e.server.url, 'DynamoDBStreams_20120810.DescribeStream', JSON.stringify({ StreamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/none/stream/2001-01-01T00:00:00.000' }));
        assert.equal(res.status, 400);
        const body = res.json();
        assert.equal(body.__type, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
        assert.ok(typeof (body.message ?? body.Message) === 'string' && (body.message ?? body.Message).length > 0);
        assert.ok(res.headers['x-amzn-requestid']);
        assert.ok(res.headers['x-amz-crc32']);
      });

      test('a web page of an allowed origin reads streams with CORS headers; any other origin is refused', async () => {
        const allowed = await post(e.server.url, 'DynamoDBStreams_20120810.ListStreams', '{}', { Origin: APP });
        assert.equal(allowed.status, 200);
        assert.equal(allowed.headers['access-control-allow-origin'], APP);
        assert.deepEqual(allowed.json(), { Streams: [] });
        const refused = await post(e.server.url, 'DynamoDBStreams_20120810.ListStreams', '{}', { Origin: 'http://evil.example' });
        assert.equal(refused.status, 403);
        assert.equal(refused.headers['access-control-allow-origin'], undefined);
      });
    });
  }
});

describe('a consumer that follows shards across a reopen of the database', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dw-sdk-streams-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('sees every change exactly once, in order per item, reading the parent shard before its child', async () => {
    const name = 'orders';
    /** What each item's record sequence must be: eventName and new image (NEW_AND_OLD_IMAGES). */
    const expected = new Map<string, Array<[string, Record<string, AttributeValue> | undefined]>>();
    const expect = (key: string, eventName: string, image?: Record<string, AttributeValue>): void => {
      if (!expected.has(key)) expected.set(key, []);
      expected.get(key)!.push([eventName, image]);
    };
    const seen: _Record[] = [];

    let e = await openEndpoint(dir, {});
    let arn: string;
    let consumer: StreamConsumer;
    try {
      arn = await createStreamTable(e.ddb, name, 'NEW_AND_OLD_IMAGES');
      consumer = new StreamConsumer(e.streams, arn);
      // Round 1: puts, updates, a delete, a batch, and writes that change nothing.
      for (let i = 0; i < 20; i++) {
        const item = { pk: { S: `k${i % 5}` }, v: { N: String(i) } };
        await put(e.ddb, name, item);
        expect(`k${i % 5}`, i < 5 ? 'INSERT' : 'MODIFY', item);
      }
      await put(e.ddb, name, { pk: { S: 'k0' }, v: { N: '15' } }); // unchanged: no record
      await e.ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: 'k1' } }, UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': { N: '1' } } }));
      expect('k1', 'MODIFY', { pk: { S: 'k1' }, v: { N: '17' } });
      await e.ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: 'k2' } } }));
      expect('k2', 'REMOVE');
      await e.ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: 'k2' } } })); // already gone: no record
      await e.ddb.send(
        new BatchWriteItemCommand({
          RequestItems: { [name]: [{ PutRequest: { Item: { pk: { S: 'b1' }, v: { N: '1' } } } }, { DeleteRequest: { Key: { pk: { S: 'k3' } } } }] },
        }),
      );
      expect('b1', 'INSERT', { pk: { S: 'b1' }, v: { N: '1' } });
      expect('k3', 'REMOVE');
      seen.push(...(await consumer.poll()));
      // Written but not yet consumed when the database closes.
      await put(e.ddb, name, { pk: { S: 'k4' }, v: { N: '100' } });
      expect('k4', 'MODIFY', { pk: { S: 'k4' }, v: { N: '100' } });
    } finally {
      await e.close();
    }

    e = await openEndpoint(dir, {});
    try {
      consumer.client = e.streams;
      await put(e.ddb, name, { pk: { S: 'k4' }, v: { N: '101' } });
      expect('k4', 'MODIFY', { pk: { S: 'k4' }, v: { N: '101' } });
      await put(e.ddb, name, { pk: { S: 'k2' }, v: { N: '7' } });
      expect('k2', 'INSERT', { pk: { S: 'k2' }, v: { N: '7' } });
      await put(e.ddb, name, { pk: { S: 'k2' }, v: { N: '7' } }); // unchanged: no record
      // A record is readable once the log has synced it (within 200 ms in 'process' durability): poll until all are in.
      const total = [...expected.values()].reduce((n, list) => n + list.length, 0);
      const deadline = Date.now() + 10_000;
      while (seen.length < total && Date.now() < deadline) {
        seen.push(...(await consumer.poll()));
        if (seen.length < total) await new Promise((r) => setTimeout(r, 100));
      }
      // Later polls find nothing new: nothing is handed out twice.
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await consumer.poll(), []);

      const shards = await listShards(e.streams, arn);
      assert.ok(shards.length >= 2, `the reopen rolled the shard over (${shards.length} shard(s))`);
      const [parent, child] = shards.slice(-2);
      assert.equal(child!.ParentShardId, parent!.ShardId);
      assert.ok(parent!.SequenceNumberRange!.EndingSequenceNumber, 'the parent is closed');
      assert.equal(child!.SequenceNumberRange!.EndingSequenceNumber, undefined, 'the child is open');
      assert.ok(consumer.finishedShards.has(parent!.ShardId!), 'the consumer drained the parent to its end');
    } finally {
      await e.close();
    }

    assert.equal(new Set(seen.map((r) => r.dynamodb!.SequenceNumber)).size, seen.length, 'no record twice');
    assertIncreasing(seen);
    const actual = new Map<string, Array<[string, Record<string, AttributeValue> | undefined]>>();
    for (const r of seen) {
      const key = r.dynamodb!.Keys!.pk!.S!;
      if (!actual.has(key)) actual.set(key, []);
      actual.get(key)!.push([r.eventName!, r.dynamodb!.NewImage]);
    }
    assert.deepEqual(actual, expected);
  });
});

/** Sequence numbers grow (compared as decimal numbers of any length). */
function assertIncreasing(records: _Record[]): void {
  for (let i = 1; i < records.length; i++) {
    const a = BigInt(records[i - 1]!.dynamodb!.SequenceNumber!);
    const b = BigInt(records[i]!.dynamodb!.SequenceNumber!);
    assert.ok(b > a, `sequence numbers grow: ${a} then ${b}`);
  }
}

/** String sets compare as sets: DynamoDB does not promise their order. */
function sortSets(image: unknown): unknown {
  if (image === undefined) return undefined;
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(image as Record<string, AttributeValue>)) out[k] = v.SS ? { SS: [...v.SS].sort() } : v;
  return out;
}
