// Time to live through the real AWS SDK v3 clients over HTTP, against a real Database:
// UpdateTimeToLive and DescribeTimeToLive with DynamoDB's rules and messages, the sweeper deleting
// expired items (a 1 s sweep interval), expired items still returned until swept, and each TTL
// deletion reaching the stream as a REMOVE made by the service (userIdentity), as DynamoDB shows it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteItemCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { sdkError } from './harness';
import { listShards, StreamConsumer } from './stream-consumer';
import { createHashTable, openEndpoint, type Endpoint } from './streams-harness';

let counter = 0;
const tableName = (prefix = 'ttl'): string => `${prefix}-${Date.now().toString(36)}-${++counter}`;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

async function createTable(ddb: DynamoDBClient, TableName: string, stream = false): Promise<string | undefined> {
  return createHashTable(ddb, TableName, stream ? 'NEW_AND_OLD_IMAGES' : undefined);
}

async function describeTtl(ddb: DynamoDBClient, TableName: string) {
  return (await ddb.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription!;
}

/** Polls `check` every 100 ms until it returns a value, for at most `ms`. */
async function eventually<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function enableTtl(e: Endpoint, TableName: string, AttributeName = 'exp'): Promise<void> {
  await e.ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName } }));
  await eventually('TTL ENABLED', 10_000, async () => ((await describeTtl(e.ddb, TableName)).TimeToLiveStatus === 'ENABLED' ? true : undefined));
}

const getItem = async (ddb: DynamoDBClient, TableName: string, pk: string) =>
  (await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;

describe('UpdateTimeToLive and DescribeTimeToLive', () => {
  let e: Endpoint;
  before(async () => {
    // A short transition, so ENABLING and DISABLING are seen and then left within the test.
    e = await openEndpoint('', { inMemory: true, ttlTransitionMs: 400, ttlSweepIntervalMs: 0 });
  });
  after(() => e.close());

  test('a new table has TTL DISABLED and names no attribute', async () => {
    const name = tableName();
    await createTable(e.ddb, name);
    assert.deepEqual(await describeTtl(e.ddb, name), { TimeToLiveStatus: 'DISABLED' });
  });

  test('enabling answers with the specification, is ENABLING for a moment, refuses changes meanwhile, then is ENABLED', async () => {
    const name = tableName();
    await createTable(e.ddb, name);
    const out = await e.ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
    assert.deepEqual(out.TimeToLiveSpecification, { Enabled: true, AttributeName: 'exp' });
    assert.deepEqual(await describeTtl(e.ddb, name), { TimeToLiveStatus: 'ENABLING', AttributeName: 'exp' });
    const busy = await sdkError(() => e.ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: false, AttributeName: 'exp' } })));
    assert.equal(busy.name, 'ValidationException');
    assert.equal(busy.message, 'Time to live has been modified multiple times within a fixed interval');
    await eventually('ENABLED', 10_000, async () => ((await describeTtl(e.ddb, name)).TimeToLiveStatus === 'ENABLED' ? true : undefined));
    assert.deepEqual(await describeTtl(e.ddb, name), { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' });
  });

  test('once enabled, enabling again or naming another attribute is refused with DynamoDB’s messages; disabling goes through DISABLING to DISABLED', async () => {
    const name = tableName();
    await createTable(e.ddb, name);
    await enableTtl(e, name);
    const again = await sdkError(() => e.ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } })));
    assert.equal(again.name, 'ValidationException');
    assert.equal(again.message, 'TimeToLive is already enabled');
    for (const Enabled of [true, false]) {
      const other = await sdkError(() => e.ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled, AttributeName: 'other' } })));
      assert.equal(other.name, 'ValidationException');
      assert.equal(other.message, 'TimeToLive is active on a different AttributeName');
    }
    const off = await e.ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: false, AttributeName: 'exp' } }));
    assert.deepEqual(off.TimeToLiveSpecification, { Enabled: false, AttributeName: 'exp' });
    assert.equal((await describeTtl(e.ddb, name)).TimeToLiveStatus, 'DISABLING');
    await eventually('DISABLED', 10_000, async () => ((await describeTtl(e.ddb, name)).TimeToLiveStatus === 'DISABLED' ? true : undefined));
    const already = await sdkError(() => e.ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: false, AttributeName: 'exp' } })));
    assert.equal(already.name, 'ValidationException');
    assert.equal(already.message, 'TimeToLive is already disabled');
  });

  test('a missing specification or an attribute name outside 1 to 255 characters is a ValidationException', async () => {
    const name = tableName();
    await createTable(e.ddb, name);
    const cases: unknown[] = [undefined, { Enabled: true }, { Enabled: true, AttributeName: '' }, { Enabled: true, AttributeName: 'x'.repeat(256) }, { AttributeName: 'exp' }];
    for (const spec of cases) {
      const err = await sdkError(() => e.ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: spec as never })));
      assert.equal(err.name, 'ValidationException', JSON.stringify(spec));
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.ok(err.message.length > 10, err.message);
    }
    // Nothing was changed by the refused requests.
    assert.deepEqual(await describeTtl(e.ddb, name), { TimeToLiveStatus: 'DISABLED' });
  });

  test('both operations on a table that does not exist are a ResourceNotFoundException', async () => {
    const missing = tableName('missing');
    const update = await sdkError(() => e.ddb.send(new UpdateTimeToLiveCommand({ TableName: missing, TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } })));
    const describeErr = await sdkError(() => e.ddb.send(new DescribeTimeToLiveCommand({ TableName: missing })));
    for (const err of [update, describeErr]) {
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.ok(err.message.includes(missing), err.message);
    }
  });
});

describe('expired items before the sweeper reaches them', () => {
  let e: Endpoint;
  before(async () => {
    // No sweep on its own: the expired item stays until something deletes it.
    e = await openEndpoint('', { inMemory: true, ttlTransitionMs: 0, ttlSweepIntervalMs: 0 });
  });
  after(() => e.close());

  test('an expired item not yet swept is still returned by GetItem, Query and Scan, as DynamoDB does', async () => {
    const name = tableName();
    await createTable(e.ddb, name);
    await enableTtl(e, name);
    const item = { pk: { S: 'stale' }, exp: { N: String(nowSeconds() - 3600) } };
    await e.ddb.send(new PutItemCommand({ TableName: name, Item: item }));
    assert.deepEqual(await getItem(e.ddb, name, 'stale'), item);
    const q = await e.ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'stale' } } }));
    assert.deepEqual(q.Items, [item]);
    assert.deepEqual((await e.ddb.send(new ScanCommand({ TableName: name }))).Items, [item]);
  });
});

describe('the sweeper, with a one-second interval', () => {
  let e: Endpoint;
  before(async () => {
    e = await openEndpoint('', { inMemory: true, ttlTransitionMs: 0, ttlSweepIntervalMs: 1000 });
  });
  after(() => e.close());

  test('deletes items whose TTL passed within seconds and leaves every other item alone', async () => {
    const name = tableName();
    await createTable(e.ddb, name);
    await enableTtl(e, name);
    const now = nowSeconds();
    const items: Record<string, Record<string, AttributeValue>> = {
      expired: { pk: { S: 'expired' }, exp: { N: String(now - 5) } },
      expiredLongAgo: { pk: { S: 'expiredLongAgo' }, exp: { N: String(now - 86_400) } },
      future: { pk: { S: 'future' }, exp: { N: String(now + 3600) } },
      // DynamoDB ignores a TTL attribute that is not a Number, and one more than five years in the past.
      text: { pk: { S: 'text' }, exp: { S: String(now - 5) } },
      ancient: { pk: { S: 'ancient' }, exp: { N: String(now - 6 * 366 * 86_400) } },
      none: { pk: { S: 'none' } },
      otherAttribute: { pk: { S: 'otherAttribute' }, expires: { N: String(now - 5) } },
    };
    for (const item of Object.values(items)) await e.ddb.send(new PutItemCommand({ TableName: name, Item: item }));
    await eventually('the sweep', 15_000, async () =>
      (await getItem(e.ddb, name, 'expired')) === undefined && (await getItem(e.ddb, name, 'expiredLongAgo')) === undefined ? true : undefined,
    );
    for (const key of ['future', 'text', 'ancient', 'none', 'otherAttribute']) assert.deepEqual(await getItem(e.ddb, name, key), items[key], key);
  });

  test('an item whose TTL was moved into the future before the sweep is kept', async () => {
    const name = tableName();
    await createTable(e.ddb, name);
    await enableTtl(e, name);
    await e.ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'canary' }, exp: { N: String(nowSeconds() - 5) } } }));
    const kept = { pk: { S: 'kept' }, exp: { N: String(nowSeconds() - 5) } };
    await e.ddb.send(new PutItemCommand({ TableName: name, Item: kept }));
    const renewed = { pk: { S: 'kept' }, exp: { N: String(nowSeconds() + 3600) } };
    await e.ddb.send(new PutItemCommand({ TableName: name, Item: renewed }));
    await eventually('the canary swept', 15_000, async () => ((await getItem(e.ddb, name, 'canary')) === undefined ? true : undefined));
    assert.deepEqual(await getItem(e.ddb, name, 'kept'), renewed);
  });

  test('each TTL deletion is a REMOVE stream record made by the service; an application delete is not', async () => {
    const name = tableName();
    const arn = (await createTable(e.ddb, name, true))!;
    await enableTtl(e, name);
    const expiredItems = ['a', 'b', 'c'].map((k) => ({ pk: { S: k }, exp: { N: String(nowSeconds() - 10) }, body: { S: `item ${k}` } }));
    for (const item of expiredItems) await e.ddb.send(new PutItemCommand({ TableName: name, Item: item }));
    await e.ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'mine' } } }));
    await e.ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: 'mine' } } }));

    const consumer = new StreamConsumer(e.streams, arn);
    const seen: _Record[] = [];
    await eventually('three TTL removals in the stream', 15_000, async () => {
      seen.push(...(await consumer.poll()));
      return seen.filter((r) => r.userIdentity !== undefined).length >= 3 ? true : undefined;
    });
    const removals = seen.filter((r) => r.eventName === 'REMOVE');
    const byService = removals.filter((r) => r.userIdentity !== undefined);
    assert.deepEqual(
      byService.map((r) => r.dynamodb!.Keys!.pk!.S).sort(),
      ['a', 'b', 'c'],
    );
    for (const r of byService) {
      assert.deepEqual(r.userIdentity, { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' });
      assert.deepEqual(r.dynamodb!.OldImage, expiredItems.find((i) => i.pk.S === r.dynamodb!.Keys!.pk!.S));
      assert.equal(r.dynamodb!.NewImage, undefined);
    }
    const mine = removals.filter((r) => r.dynamodb!.Keys!.pk!.S === 'mine');
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.userIdentity, undefined, 'an application delete carries no userIdentity');
    // Exactly once: a TTL deletion is not repeated by later sweeps.
    await new Promise((r) => setTimeout(r, 2500));
    seen.push(...(await consumer.poll()));
    assert.equal(seen.filter((r) => r.userIdentity !== undefined).length, 3);
    assert.ok((await listShards(e.streams, arn)).length >= 1);
  });
});
