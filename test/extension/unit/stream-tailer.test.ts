// The stream view's reader against the real engine, through the Streams API only: what LATEST and
// TRIM_HORIZON deliver, in what order across shard rollovers, resuming after a reload, backing
// off while idle, and the same reads through the HTTP endpoint with the AWS SDK (a remote
// connection), since the view must tail a real DynamoDB stream the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { maintainStreams } from '../../../src/engine/streams/shards';
import { startServer } from '../../../src/server';
import { RemoteConnection } from '../../../src/extension/remote';
import type { Connection } from '../../../src/extension/connection';
import { MAX_POLL_MS, MIN_POLL_MS, StreamTailer } from '../../../src/extension/panels/stream-tailer';
import type { StreamRecordView } from '../../../src/protocol/stream-view';
import { displayValue } from '../../../src/protocol/dynamo-json';

function clock(start = Date.UTC(2026, 11, 6, 2, 0, 0)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function openWithStream(c = clock()) {
  const db = await Database.open('', { inMemory: true, now: c.now, streamShardRolloverMs: 60_000 });
  await db.execute('CreateTable', {
    TableName: 'Orders',
    KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'orderId', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'customer', AttributeType: 'S' }, { AttributeName: 'orderId', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
  const arn = ((await db.execute('DescribeTable', { TableName: 'Orders' })) as any).Table.LatestStreamArn as string;
  const streams: Pick<Connection, 'sendStreams'> = { sendStreams: (op, input) => db.streams.execute(op, input) };
  const put = (customer: string, orderId: number, extra: Record<string, unknown> = {}) =>
    db.execute('PutItem', { TableName: 'Orders', Item: { customer: { S: customer }, orderId: { N: String(orderId) }, ...extra } });
  const rollover = async () => {
    c.advance(60_000);
    await maintainStreams(db, { rolloverMs: db.shardRolloverMs });
  };
  return { db, arn, streams, put, rollover, clock: c };
}

function collector() {
  const got: StreamRecordView[] = [];
  return { got, onRecords: (r: StreamRecordView[]) => got.push(...r) };
}

const summary = (r: StreamRecordView) => `${r.event} ${displayValue(r.keys.customer)}/${displayValue(r.keys.orderId)}`;

test('LATEST shows only what is written after the view starts, put, update and delete in order with their images', async () => {
  const { db, arn, streams, put } = await openWithStream();
  await put('old', 1);
  const c = collector();
  const tailer = new StreamTailer(streams, { arn, start: 'LATEST', onRecords: c.onRecords });
  assert.equal(await tailer.round(), 0, 'the record written before the start is not shown');
  await put('alice', 1, { amount: { N: '10' } });
  await db.execute('UpdateItem', { TableName: 'Orders', Key: { customer: { S: 'alice' }, orderId: { N: '1' } }, UpdateExpression: 'SET amount = :t', ExpressionAttributeValues: { ':t': { N: '12' } } });
  await db.execute('DeleteItem', { TableName: 'Orders', Key: { customer: { S: 'alice' }, orderId: { N: '1' } } });
  assert.equal(await tailer.round(), 3);
  assert.deepEqual(c.got.map(summary), ['INSERT alice/1', 'MODIFY alice/1', 'REMOVE alice/1']);
  assert.deepEqual(c.got.map((r) => r.n), [0, 1, 2]);
  assert.equal(displayValue(c.got[1]!.oldImage!.amount), '10');
  assert.equal(displayValue(c.got[1]!.newImage!.amount), '12');
  assert.equal(c.got[2]!.newImage, undefined);
  assert.ok(c.got[0]!.time > Date.UTC(2026, 0, 1), 'ApproximateCreationDateTime becomes milliseconds');
  await db.close();
});

test('TRIM_HORIZON reads a parent shard to its end before its child, so rollovers keep the write order', async () => {
  const { db, arn, streams, put, rollover } = await openWithStream();
  for (let i = 0; i < 4; i++) {
    await put('bob', i);
    await rollover();
  }
  await put('bob', 4);
  const c = collector();
  const tailer = new StreamTailer(streams, { arn, start: 'TRIM_HORIZON', onRecords: c.onRecords });
  for (let i = 0; i < 12 && c.got.length < 5; i++) await tailer.round();
  assert.deepEqual(c.got.map(summary), [0, 1, 2, 3, 4].map((i) => `INSERT bob/${i}`));
  assert.ok(new Set(c.got.map((r) => r.shardId)).size >= 4, 'the records came from several shards');
  await db.close();
});

test('a child shard waits until its parent, longer than one page of GetRecords, is read to its end', async () => {
  const { db, arn, streams, put, rollover } = await openWithStream();
  for (let i = 0; i < 1100; i++) await put('bulk', i);
  await rollover();
  await put('after', 0);
  const c = collector();
  const tailer = new StreamTailer(streams, { arn, start: 'TRIM_HORIZON', onRecords: c.onRecords });
  for (let i = 0; i < 6 && c.got.length < 1101; i++) await tailer.round();
  assert.equal(c.got.length, 1101);
  assert.equal(summary(c.got[1100]!), 'INSERT after/0', 'the child shard\'s record comes after all of its parent\'s');
  assert.deepEqual(c.got.map((r) => r.n), [...Array(1101).keys()]);
  await db.close();
});

test('LATEST follows the open shard into the child that replaces it', async () => {
  const { db, arn, streams, put, rollover } = await openWithStream();
  await put('before', 0);
  const c = collector();
  const tailer = new StreamTailer(streams, { arn, start: 'LATEST', onRecords: c.onRecords });
  await tailer.round();
  await put('carol', 1);
  await rollover();
  await put('carol', 2);
  for (let i = 0; i < 6 && c.got.length < 2; i++) await tailer.round();
  assert.deepEqual(c.got.map(summary), ['INSERT carol/1', 'INSERT carol/2']);
  assert.notEqual(c.got[0]!.shardId, c.got[1]!.shardId);
  await db.close();
});

test('a tailer resumed from the positions of another delivers only the records after them', async () => {
  const { db, arn, streams, put } = await openWithStream();
  const first = collector();
  const a = new StreamTailer(streams, { arn, start: 'TRIM_HORIZON', onRecords: first.onRecords });
  await put('dave', 1);
  await put('dave', 2);
  await a.round();
  await put('dave', 3);
  const second = collector();
  const b = new StreamTailer(streams, { arn, start: 'LATEST', resume: a.positions(), firstN: first.got.length, onRecords: second.onRecords });
  await b.round();
  assert.deepEqual(second.got.map(summary), ['INSERT dave/3']);
  assert.equal(second.got[0]!.n, 2, 'arrival numbers go on from where the first left off');
  await db.close();
});

test('each round makes at most one GetRecords call per shard, and idle rounds back off to the slowest pace', async () => {
  const { db, arn, streams } = await openWithStream();
  const statuses: number[] = [];
  const tailer = new StreamTailer(streams, { arn, start: 'LATEST', onRecords: () => undefined, onStatus: (s) => s.pollMs && statuses.push(s.pollMs) });
  await tailer.round();
  assert.equal(tailer.calls.GetRecords, 1);
  tailer.start();
  while (statuses.length < 4) await new Promise((r) => setTimeout(r, 50));
  tailer.stop();
  assert.deepEqual(statuses.slice(0, 4), [MIN_POLL_MS * 2, MIN_POLL_MS * 4, MAX_POLL_MS, MAX_POLL_MS]);
  assert.equal(tailer.isRunning, false);
  await db.close();
});

test('stopped and started again while a round is in flight, the tailer runs one loop and delivers each record once', async () => {
  const { db, arn, streams, put } = await openWithStream();
  const c = collector();
  let inFlight = 0;
  let most = 0;
  // every GetRecords takes a while, so stop() and start() land while one is waiting
  const slow: Pick<Connection, 'sendStreams'> = {
    sendStreams: async (op, input) => {
      if (op !== 'GetRecords') return streams.sendStreams(op, input);
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 30));
      try {
        return await streams.sendStreams(op, input);
      } finally {
        inFlight--;
      }
    },
  };
  const tailer = new StreamTailer(slow, { arn, start: 'TRIM_HORIZON', onRecords: c.onRecords });
  for (let i = 0; i < 5; i++) await put('flip', i);
  tailer.start();
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 10));
    tailer.stop();
    tailer.start();
  }
  while (c.got.length < 5) await new Promise((r) => setTimeout(r, 20));
  await put('flip', 5);
  while (c.got.length < 6) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 600));
  tailer.stop();
  assert.deepEqual(c.got.map(summary), [0, 1, 2, 3, 4, 5].map((i) => `INSERT flip/${i}`));
  assert.equal(most, 1, 'never two GetRecords of the shard at once');
  await db.close();
});

test('the same reads work through the HTTP endpoint with the AWS SDK, as a remote connection tails DynamoDB', async () => {
  const { db, arn, put } = await openWithStream();
  const server = await startServer({ db, host: '127.0.0.1', port: 0 });
  const remote = new RemoteConnection({ id: 'remote:test', label: 'test', endpoint: server.url });
  try {
    const c = collector();
    const tailer = new StreamTailer(remote, { arn, start: 'LATEST', onRecords: c.onRecords });
    await tailer.round();
    await put('erin', 1, { note: { S: 'hi' } });
    await db.execute('DeleteItem', { TableName: 'Orders', Key: { customer: { S: 'erin' }, orderId: { N: '1' } } });
    for (let i = 0; i < 5 && c.got.length < 2; i++) await tailer.round();
    assert.deepEqual(c.got.map(summary), ['INSERT erin/1', 'REMOVE erin/1']);
    assert.equal(displayValue(c.got[1]!.oldImage!.note), 'hi');
    assert.ok(Math.abs(c.got[0]!.time - Date.UTC(2026, 11, 6, 2, 0, 0)) < 1000, 'the SDK Date comes back as the same time');
  } finally {
    await remote.dispose();
    await server.close();
    await db.close();
  }
});

test('a stream turned off is read to its end and then reported DISABLED, so the view can look for the next one', async () => {
  const { db, arn, streams, put } = await openWithStream();
  const c = collector();
  const tailer = new StreamTailer(streams, { arn, start: 'LATEST', onRecords: c.onRecords });
  const status = () => tailer.streamStatus;
  await tailer.round();
  assert.equal(status(), 'ENABLED');
  await put('last', 1);
  await db.execute('UpdateTable', { TableName: 'Orders', StreamSpecification: { StreamEnabled: false } });
  for (let i = 0; i < 4 && status() !== 'DISABLED'; i++) await tailer.round();
  assert.deepEqual(c.got.map(summary), ['INSERT last/1']);
  assert.equal(status(), 'DISABLED');
  await db.close();
});

test('a stream that no longer exists is reported as a failed round, not a crash', async () => {
  const { db, streams } = await openWithStream();
  const tailer = new StreamTailer(streams, { arn: 'arn:aws:dynamodb:ddblocal:000000000000:table/Nope/stream/2026-01-01T00:00:00.000', start: 'LATEST', onRecords: () => undefined });
  await assert.rejects(() => tailer.round(), (e: any) => e.type === 'ResourceNotFoundException' || e.name === 'ResourceNotFoundException');
  await db.close();
});
