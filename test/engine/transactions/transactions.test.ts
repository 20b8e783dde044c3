// TransactWriteItems and TransactGetItems in the engine: one log record per transaction, nothing
// of a cancelled one visible (items, dictionary entries, log records), serializability against
// concurrent requests (a property test over random transfers), ClientRequestToken idempotency
// (replay, mismatch, waiting for an unacknowledged first attempt, the 10-minute window), capacity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { DynamoDBError } from '../../../src/engine/errors';
import { IDEMPOTENCY_WINDOW_MS } from '../../../src/engine/transactions';
import { memoryDb, refusal, tempDir } from '../helpers';

const S = (s: string) => ({ S: s });
const N = (n: number) => ({ N: String(n) });

async function openWithTables(options: Partial<import('../../../src/engine/database').DatabaseOptions> = {}, dir = ''): Promise<Database> {
  const db = await Database.open(dir, dir === '' ? { inMemory: true, ...options } : options);
  for (const TableName of ['aaa', 'bbb']) {
    await db.execute('CreateTable', {
      TableName, BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    });
  }
  return db;
}

async function item(db: Database, table: string, pk: string): Promise<any> {
  return ((await db.execute('GetItem', { TableName: table, Key: { pk: S(pk) }, ConsistentRead: true })) as any).Item;
}

const put = (TableName: string, Item: Record<string, unknown>, more = {}) => ({ Put: { TableName, Item, ...more } });

test('a transaction over two tables is one log record, and survives a reopen whole', async () => {
  const dir = tempDir('dw-tx-');
  const db = await openWithTables({}, dir);
  const before = db.nextLsn;
  await db.execute('TransactWriteItems', {
    TransactItems: [put('aaa', { pk: S('x'), v: N(1) }), put('bbb', { pk: S('y'), v: N(2) }), { Delete: { TableName: 'aaa', Key: { pk: S('none') } } }],
  });
  assert.equal(db.nextLsn, before + 1);
  await db.close();
  const again = await Database.open(dir);
  assert.deepEqual(await item(again, 'aaa', 'x'), { pk: S('x'), v: N(1) });
  assert.deepEqual(await item(again, 'bbb', 'y'), { pk: S('y'), v: N(2) });
  await again.close();
});

test('a cancelled transaction writes no log record, no item and no dictionary entry', async () => {
  const db = await openWithTables();
  await db.execute('PutItem', { TableName: 'aaa', Item: { pk: S('k'), v: N(1) } });
  const before = db.nextLsn;
  const names = db.table('bbb').codec.dictionary().names.length;
  const e = await refusal(db.execute('TransactWriteItems', {
    TransactItems: [
      put('bbb', { pk: S('new'), brandNewAttribute: S('z'), anotherNewOne: N(5) }),
      { ConditionCheck: { TableName: 'aaa', Key: { pk: S('k') }, ConditionExpression: 'v = :two', ExpressionAttributeValues: { ':two': N(2) }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    ],
  }));
  assert.equal(e.type, 'TransactionCanceledException');
  assert.deepEqual(e.extra?.CancellationReasons, [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: S('k'), v: N(1) } }]);
  assert.equal(db.nextLsn, before);
  assert.equal(await item(db, 'bbb', 'new'), undefined);
  const dictionary = db.table('bbb').codec.dictionary();
  assert.equal(dictionary.names.length, names);
  assert.ok(!dictionary.names.includes('brandNewAttribute'));
  await db.close();
});

test('an update that fails on the stored item cancels with a ValidationError reason and changes nothing', async () => {
  const db = await openWithTables();
  await db.execute('PutItem', { TableName: 'aaa', Item: { pk: S('s'), txt: S('not a number') } });
  const e = await refusal(db.execute('TransactWriteItems', {
    TransactItems: [
      put('bbb', { pk: S('p') }),
      { Update: { TableName: 'aaa', Key: { pk: S('s') }, UpdateExpression: 'SET txt = txt + :one', ExpressionAttributeValues: { ':one': N(1) } } },
    ],
  }));
  assert.deepEqual(e.extra?.CancellationReasons, [{ Code: 'None' }, { Code: 'ValidationError', Message: 'An operand in the update expression has an incorrect data type' }]);
  assert.equal(await item(db, 'bbb', 'p'), undefined);
  await db.close();
});

test('keys that are one number written two ways are one item', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'nnn', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
  });
  const e = await refusal(db.execute('TransactWriteItems', {
    TransactItems: [put('nnn', { id: { N: '1' } }), { Delete: { TableName: 'nnn', Key: { id: { N: '1.0' } } } }],
  }));
  assert.equal(e.message, 'Transaction request cannot include multiple operations on one item');
  await db.close();
});

test('TransactWriteItems reports two write units per KB per item, per table, including condition checks', async () => {
  const db = await openWithTables();
  await db.execute('PutItem', { TableName: 'aaa', Item: { pk: S('big'), blob: S('x'.repeat(2500)) } });
  const out = (await db.execute('TransactWriteItems', {
    TransactItems: [put('bbb', { pk: S('q') }), { ConditionCheck: { TableName: 'aaa', Key: { pk: S('big') }, ConditionExpression: 'attribute_exists(pk)' } }, put('aaa', { pk: S('r') })],
    ReturnConsumedCapacity: 'TOTAL',
  })) as any;
  // a: the checked item (3 KB → 3 units, doubled) and the new one (1 unit, doubled); b: one item.
  assert.deepEqual(out.ConsumedCapacity, [
    { TableName: 'bbb', CapacityUnits: 2, WriteCapacityUnits: 2 },
    { TableName: 'aaa', CapacityUnits: 8, WriteCapacityUnits: 8 },
  ]);
  const got = (await db.execute('TransactGetItems', {
    TransactItems: [{ Get: { TableName: 'aaa', Key: { pk: S('big') } } }, { Get: { TableName: 'bbb', Key: { pk: S('none') } } }],
    ReturnConsumedCapacity: 'TOTAL',
  })) as any;
  assert.deepEqual(got.ConsumedCapacity, [
    { TableName: 'aaa', CapacityUnits: 2, ReadCapacityUnits: 2 },
    { TableName: 'bbb', CapacityUnits: 2, ReadCapacityUnits: 2 },
  ]);
  assert.equal(JSON.parse(JSON.stringify(got.Responses))[0].Item.blob.S.length, 2500);
  assert.deepEqual(JSON.parse(JSON.stringify(got.Responses))[1], {});
  await db.close();
});

test('the same ClientRequestToken and request answers again without writing; another request is a mismatch', async () => {
  let now = 1_000_000;
  const db = await openWithTables({ now: () => now });
  const request = {
    TransactItems: [{ Update: { TableName: 'aaa', Key: { pk: S('counter') }, UpdateExpression: 'ADD c :one', ExpressionAttributeValues: { ':one': N(1) } } }],
    ClientRequestToken: 'tok-1',
  };
  await db.execute('TransactWriteItems', structuredClone(request));
  const lsn = db.nextLsn;
  const again = (await db.execute('TransactWriteItems', { ...structuredClone(request), ReturnConsumedCapacity: 'TOTAL' })) as any;
  assert.deepEqual(again.ConsumedCapacity, [{ TableName: 'aaa', CapacityUnits: 2, ReadCapacityUnits: 2 }]);
  assert.equal(db.nextLsn, lsn);
  assert.deepEqual(await item(db, 'aaa', 'counter'), { pk: S('counter'), c: N(1) });
  const other = structuredClone(request);
  other.TransactItems[0]!.Update.ExpressionAttributeValues[':one'] = N(2);
  assert.equal((await refusal(db.execute('TransactWriteItems', other))).type, 'IdempotentParameterMismatchException');
  // After ten minutes the token is free again: the same request writes once more.
  now += IDEMPOTENCY_WINDOW_MS + 1;
  await db.execute('TransactWriteItems', structuredClone(request));
  assert.deepEqual(await item(db, 'aaa', 'counter'), { pk: S('counter'), c: N(2) });
  await db.close();
});

test('a cancelled transaction leaves its token free to be sent again', async () => {
  const db = await openWithTables();
  const request = (expected: number) => ({
    TransactItems: [{ Put: { TableName: 'aaa', Item: { pk: S('t') }, ConditionExpression: 'attribute_not_exists(pk) OR v = :v', ExpressionAttributeValues: { ':v': N(expected) } } }],
    ClientRequestToken: 'tok-2',
  });
  await db.execute('PutItem', { TableName: 'aaa', Item: { pk: S('t'), v: N(1) } });
  assert.equal((await refusal(db.execute('TransactWriteItems', request(5)))).type, 'TransactionCanceledException');
  await db.execute('TransactWriteItems', request(1));
  assert.deepEqual(await item(db, 'aaa', 't'), { pk: S('t') });
  await db.close();
});

test('a retry sent while the first attempt is not yet acknowledged waits for it and writes nothing more', async () => {
  const dir = tempDir('dw-tx-');
  // 'disk' durability: every commit waits for a sync, so the first attempt is pending for a while.
  const db = await openWithTables({ durability: 'disk' }, dir);
  const request = {
    TransactItems: [{ Update: { TableName: 'aaa', Key: { pk: S('w') }, UpdateExpression: 'ADD c :one', ExpressionAttributeValues: { ':one': N(1) } } }],
    ClientRequestToken: 'tok-3',
  };
  const lsn = db.nextLsn;
  const first = db.execute('TransactWriteItems', structuredClone(request));
  const second = db.execute('TransactWriteItems', structuredClone(request));
  assert.deepEqual(await Promise.all([first, second]), [{}, {}]);
  assert.equal(db.nextLsn, lsn + 1);
  assert.deepEqual(await item(db, 'aaa', 'w'), { pk: S('w'), c: N(1) });
  await db.close();
});

test('requests refused before planning: one operation per action, 100 actions, 4 MB, missing tables', async () => {
  const db = await openWithTables();
  const many = Array.from({ length: 101 }, (_, i) => put('aaa', { pk: S(`m${i}`) }));
  assert.match((await refusal(db.execute('TransactWriteItems', { TransactItems: many }))).message, /Member must have length less than or equal to 100$/);
  await db.execute('TransactWriteItems', { TransactItems: many.slice(0, 100) });
  assert.ok(await item(db, 'aaa', 'm99'));
  const big = Array.from({ length: 11 }, (_, i) => put('bbb', { pk: S(`big${i}`), v: S('x'.repeat(390 * 1024)) }));
  assert.match((await refusal(db.execute('TransactWriteItems', { TransactItems: big }))).message, /^Transaction payload size cannot exceed 4MB\. Payload Size: \d+$/);
  assert.equal(await item(db, 'bbb', 'big0'), undefined);
  const missing = await refusal(db.execute('TransactWriteItems', { TransactItems: [put('nope', { pk: S('x') })] }));
  assert.equal(missing.type, 'ResourceNotFoundException');
  const two = await refusal(db.execute('TransactWriteItems', { TransactItems: [{ ...put('aaa', { pk: S('x') }), Delete: { TableName: 'aaa', Key: { pk: S('x') } } }] }));
  assert.equal(two.message, 'TransactItems can only contain one of Check, Put, Update or Delete');
  await db.close();
});

test('transfers between accounts never change the total, and every TransactGetItems sees a whole state (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ from: fc.nat(5), to: fc.nat(5), amount: fc.integer({ min: 1, max: 40 }) }), { minLength: 1, maxLength: 40 }),
      async (transfers) => {
        const db = await openWithTables();
        const accounts = Array.from({ length: 6 }, (_, i) => `acct${i}`);
        for (const pk of accounts) await db.execute('PutItem', { TableName: 'aaa', Item: { pk: S(pk), balance: N(50) } });
        // All requests are started at once: the engine interleaves them as it likes.
        const writes = transfers.map(({ from, to, amount }) =>
          from === to
            ? Promise.resolve()
            : db.execute('TransactWriteItems', {
              TransactItems: [
                { Update: { TableName: 'aaa', Key: { pk: S(accounts[from]!) }, UpdateExpression: 'SET balance = balance - :x', ConditionExpression: 'balance >= :x', ExpressionAttributeValues: { ':x': N(amount) } } },
                { Update: { TableName: 'aaa', Key: { pk: S(accounts[to]!) }, UpdateExpression: 'SET balance = balance + :x', ExpressionAttributeValues: { ':x': N(amount) } } },
              ],
            }).catch((e: DynamoDBError) => assert.equal(e.type, 'TransactionCanceledException')),
        );
        const reads = transfers.map(() =>
          db.execute('TransactGetItems', { TransactItems: accounts.map((pk) => ({ Get: { TableName: 'aaa', Key: { pk: S(pk) } } })) }).then((r: any) => {
            const balances = JSON.parse(JSON.stringify(r.Responses)).map((x: any) => Number(x.Item.balance.N));
            assert.equal(balances.reduce((s: number, b: number) => s + b, 0), 300);
            assert.ok(balances.every((b: number) => b >= 0));
          }),
        );
        await Promise.all([...writes, ...reads]);
        await db.close();
      },
    ),
    { numRuns: 30 },
  );
});

test('a transaction the provisioned throughput cannot carry is cancelled with ThrottlingError reasons and writes nothing', async () => {
  const db = await memoryDb({ now: () => 5_000_000 });
  await db.execute('CreateTable', {
    TableName: 'slow', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
  });
  const tx = (round: number) => ({ TransactItems: Array.from({ length: 100 }, (_, i) => put('slow', { pk: S(`r${round}-${i}`) })) });
  let cancelled: DynamoDBError | undefined;
  let round = 0;
  for (; round < 20 && cancelled === undefined; round++) {
    try {
      await db.execute('TransactWriteItems', tx(round));
    } catch (e) {
      cancelled = e as DynamoDBError;
    }
  }
  assert.ok(cancelled, 'the bucket of a 1-WCU table runs out within 20 transactions of 100 items');
  assert.equal(cancelled.type, 'TransactionCanceledException');
  const codes = (cancelled.extra!.CancellationReasons as { Code: string }[]).map((r) => r.Code);
  assert.equal(codes.length, 100);
  assert.ok(codes.includes('ThrottlingError'));
  assert.ok(codes.every((c) => c === 'None' || c === 'ThrottlingError'));
  const last = round - 1;
  const seen = (await db.execute('TransactGetItems', { TransactItems: [0, 99].map((i) => ({ Get: { TableName: 'slow', Key: { pk: S(`r${last}-${i}`) } } })) })) as any;
  assert.deepEqual(JSON.parse(JSON.stringify(seen.Responses)), [{}, {}]);
  await db.close();
});

/** A database at a fixed clock with on-demand tables aaa, bbb and a 1-RCU/1-WCU table `slow` whose buckets are spent. */
async function withSpentTable(): Promise<Database> {
  const db = await openWithTables({ now: () => 5_000_000 });
  await db.execute('CreateTable', {
    TableName: 'slow', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
  });
  // The clock stands still, so the 300 s of burst each bucket starts with is all there is.
  const spend = async (op: string, req: (i: number) => Record<string, unknown>) => {
    for (let i = 0; i < 2000; i++) {
      try {
        await db.execute(op, req(i));
      } catch (e) {
        if ((e as DynamoDBError).type === 'ProvisionedThroughputExceededException') return;
        throw e;
      }
    }
    assert.fail(`the ${op} bucket of a 1-unit table runs out within 2000 requests`);
  };
  await spend('PutItem', (i) => ({ TableName: 'slow', Item: { pk: S(`w${i}`) } }));
  await spend('GetItem', () => ({ TableName: 'slow', Key: { pk: S('w0') }, ConsistentRead: true }));
  return db;
}

const units = (db: Database, table: string) => db.metrics.table(table).series;

test('a write transaction with one throttled action charges nothing for the actions before or after it', async () => {
  const db = await withSpentTable();
  const e = await refusal(db.execute('TransactWriteItems', {
    TransactItems: [put('aaa', { pk: S('a') }), put('slow', { pk: S('s') }), put('bbb', { pk: S('b') })],
  }));
  assert.equal(e.type, 'TransactionCanceledException');
  assert.deepEqual((e.extra!.CancellationReasons as { Code: string }[]).map((r) => r.Code), ['None', 'ThrottlingError', 'None']);
  assert.equal(units(db, 'aaa').writeUnits, 0, 'the action before the throttled one is not charged');
  assert.equal(units(db, 'bbb').writeUnits, 0, 'the action after the throttled one is not charged');
  // Once admitted, the same actions on tables with room are charged two units each.
  await db.execute('TransactWriteItems', { TransactItems: [put('aaa', { pk: S('a') }), put('bbb', { pk: S('b') })] });
  assert.equal(units(db, 'aaa').writeUnits, 2);
  await db.close();
});

test('a read transaction with one throttled Get charges nothing for the other Gets', async () => {
  const db = await withSpentTable();
  const e = await refusal(db.execute('TransactGetItems', {
    TransactItems: [{ Get: { TableName: 'aaa', Key: { pk: S('a') } } }, { Get: { TableName: 'slow', Key: { pk: S('w0') } } }],
  }));
  assert.equal(e.type, 'TransactionCanceledException');
  assert.deepEqual((e.extra!.CancellationReasons as { Code: string }[]).map((r) => r.Code), ['None', 'ThrottlingError']);
  assert.equal(units(db, 'aaa').readUnits, 0);
  await db.close();
});

test("a transaction's writes reach the table's stream, one record per item, read back from a log record that carries its token", async () => {
  const dir = tempDir('dw-tx-');
  const db = await Database.open(dir);
  await db.execute('CreateTable', {
    TableName: 'streamed', BillingMode: 'PAY_PER_REQUEST', StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  });
  await db.execute('PutItem', { TableName: 'streamed', Item: { pk: S('old'), v: N(1) } });
  await db.execute('TransactWriteItems', {
    TransactItems: [put('streamed', { pk: S('new'), v: N(2) }), { Delete: { TableName: 'streamed', Key: { pk: S('old') } } }],
    ClientRequestToken: 'streamed-token',
  });
  await db.close();
  const again = await Database.open(dir);
  const arn = ((await again.execute('DescribeTable', { TableName: 'streamed' })) as any).Table.LatestStreamArn;
  const shards = ((await again.streams.execute('DescribeStream', { StreamArn: arn })) as any).StreamDescription.Shards;
  const events: string[] = [];
  for (const shard of shards) {
    let iterator = ((await again.streams.execute('GetShardIterator', { StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })) as any).ShardIterator;
    for (let i = 0; i < 5 && iterator; i++) {
      const out = (await again.streams.execute('GetRecords', { ShardIterator: iterator })) as any;
      for (const r of JSON.parse(JSON.stringify(out.Records))) events.push(`${r.eventName} ${r.dynamodb.Keys.pk.S}`);
      iterator = out.Records.length === 0 ? undefined : out.NextShardIterator;
    }
  }
  assert.deepEqual(events, ['INSERT old', 'INSERT new', 'REMOVE old']);
  await again.close();
});

test('ReturnItemCollectionMetrics SIZE reports the item collections a transaction wrote in tables with local indexes', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'withlsi', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }, { AttributeName: 'alt', AttributeType: 'S' }],
    LocalSecondaryIndexes: [{ IndexName: 'byAlt', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'alt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
  });
  await db.execute('CreateTable', {
    TableName: 'plain', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  });
  const out = (await db.execute('TransactWriteItems', {
    TransactItems: [put('withlsi', { pk: S('p1'), sk: S('a'), alt: S('x') }), put('withlsi', { pk: S('p2'), sk: S('a') }), put('plain', { pk: S('q') })],
    ReturnItemCollectionMetrics: 'SIZE',
  })) as any;
  const metrics = JSON.parse(JSON.stringify(out.ItemCollectionMetrics));
  assert.deepEqual(Object.keys(metrics), ['withlsi']);
  assert.deepEqual(metrics.withlsi.map((m: any) => m.ItemCollectionKey), [{ pk: S('p1') }, { pk: S('p2') }]);
  await db.close();
});

test('a write that would grow an item collection past its limit cancels with ItemCollectionSizeLimitExceeded', async () => {
  const db = await memoryDb({ itemCollectionLimitBytes: 3000 });
  await db.execute('CreateTable', {
    TableName: 'small', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }, { AttributeName: 'alt', AttributeType: 'S' }],
    LocalSecondaryIndexes: [{ IndexName: 'byAlt', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'alt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
  });
  await db.execute('PutItem', { TableName: 'small', Item: { pk: S('p'), sk: S('1'), alt: S('a'), pad: S('x'.repeat(1000)) } });
  for (const action of [
    put('small', { pk: S('p'), sk: S('2'), alt: S('b'), pad: S('x'.repeat(2500)) }),
    { Update: { TableName: 'small', Key: { pk: S('p'), sk: S('1') }, UpdateExpression: 'SET #pad = :pad', ExpressionAttributeNames: { '#pad': 'pad' }, ExpressionAttributeValues: { ':pad': S('x'.repeat(3500)) } } },
  ]) {
    const e = await refusal(db.execute('TransactWriteItems', { TransactItems: [put('small', { pk: S('q'), sk: S('1') }), action] }));
    assert.equal(e.type, 'TransactionCanceledException', e.message);
    assert.deepEqual((e.extra!.CancellationReasons as { Code: string }[]).map((r) => r.Code), ['None', 'ItemCollectionSizeLimitExceeded']);
  }
  assert.equal(((await db.execute('GetItem', { TableName: 'small', Key: { pk: S('q'), sk: S('1') } })) as any).Item, undefined);
  await db.close();
});
