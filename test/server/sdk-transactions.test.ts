// TransactWriteItems and TransactGetItems through the real AWS SDK v3 client, over HTTP: results,
// TransactionCanceledException with its CancellationReasons, idempotency, and 32 clients moving
// money between 100 accounts while they read all accounts with TransactGetItems.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, GetItemCommand, PutItemCommand, ScanCommand, TransactGetItemsCommand, TransactWriteItemsCommand,
  TransactionCanceledException, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createKeyedTable, sdkClient, sdkError, startHarness, type Harness } from './harness';

let h: Harness;
let keyed: string;
let accounts: string;

before(async () => {
  h = await startHarness();
  keyed = h.name('tx');
  accounts = h.name('acct');
  await createKeyedTable(h.client, keyed);
  await h.client.send(
    new CreateTableCommand({
      TableName: accounts,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
after(async () => {
  await h.close();
});

const K = (pk: string, sk: number) => ({ pk: { S: pk }, sk: { N: String(sk) } });

test('a Put, an Update, a Delete and a ConditionCheck over two tables commit together, and TransactGetItems reads them back in order', async () => {
  await h.client.send(new PutItemCommand({ TableName: keyed, Item: { ...K('a', 1), n: { N: '1' } } }));
  await h.client.send(new PutItemCommand({ TableName: keyed, Item: { ...K('a', 2) } }));
  await h.client.send(new PutItemCommand({ TableName: accounts, Item: { id: { S: 'check' }, isOpen: { BOOL: true } } }));
  const out = await h.client.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: keyed, Item: { ...K('a', 3), s: { S: 'new' } } } },
        { Update: { TableName: keyed, Key: K('a', 1), UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
        { Delete: { TableName: keyed, Key: K('a', 2) } },
        { ConditionCheck: { TableName: accounts, Key: { id: { S: 'check' } }, ConditionExpression: 'isOpen = :t', ExpressionAttributeValues: { ':t': { BOOL: true } } } },
      ],
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  assert.deepEqual(out.ConsumedCapacity, [
    { TableName: keyed, CapacityUnits: 6, WriteCapacityUnits: 6 },
    { TableName: accounts, CapacityUnits: 2, WriteCapacityUnits: 2 },
  ]);
  const got = await h.client.send(
    new TransactGetItemsCommand({
      TransactItems: [1, 2, 3].map((sk) => ({ Get: { TableName: keyed, Key: K('a', sk) } })),
    }),
  );
  assert.deepEqual(got.Responses, [{ Item: { ...K('a', 1), n: { N: '2' } } }, {}, { Item: { ...K('a', 3), s: { S: 'new' } } }]);
});

test('a failed condition cancels everything: the SDK error carries the reasons in action order, with the item asked for', async () => {
  await h.client.send(new PutItemCommand({ TableName: keyed, Item: { ...K('c', 1), v: { N: '10' } } }));
  const err = await sdkError(() =>
    h.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: keyed, Item: K('c', 2) } },
          {
            Update: {
              TableName: keyed, Key: K('c', 1), UpdateExpression: 'SET v = :v', ConditionExpression: 'v > :v',
              ExpressionAttributeValues: { ':v': { N: '50' } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      }),
    ),
  );
  assert.ok(err instanceof TransactionCanceledException);
  assert.equal(err.message, 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]');
  assert.deepEqual(err.CancellationReasons, [
    { Code: 'None' },
    { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { ...K('c', 1), v: { N: '10' } } },
  ]);
  assert.equal((await h.client.send(new GetItemCommand({ TableName: keyed, Key: K('c', 2) }))).Item, undefined);
});

test('malformed transactions are ValidationExceptions with DynamoDB messages', async () => {
  const same = await sdkError(() =>
    h.client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: keyed, Item: K('d', 1) } }, { Delete: { TableName: keyed, Key: K('d', 1) } }] })),
  );
  assert.equal(same.name, 'ValidationException');
  assert.equal(same.message, 'Transaction request cannot include multiple operations on one item');
  const empty = await sdkError(() => h.client.send(new TransactGetItemsCommand({ TransactItems: [] })));
  assert.equal(empty.name, 'ValidationException');
  assert.equal(empty.message, "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
  const missing = await sdkError(() => h.client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'no-such-table', Item: K('d', 1) } }] })));
  assert.equal(missing.name, 'ResourceNotFoundException');
});

test('ClientRequestToken: a retry answers without writing again, a different request with the token is refused', async () => {
  const request = {
    TransactItems: [{ Update: { TableName: keyed, Key: K('tok', 1), UpdateExpression: 'ADD c :one', ExpressionAttributeValues: { ':one': { N: '1' } } } }],
    ClientRequestToken: `token-${h.name()}`,
  };
  await h.client.send(new TransactWriteItemsCommand(structuredClone(request)));
  await h.client.send(new TransactWriteItemsCommand(structuredClone(request)));
  assert.deepEqual((await h.client.send(new GetItemCommand({ TableName: keyed, Key: K('tok', 1) }))).Item, { ...K('tok', 1), c: { N: '1' } });
  const other = structuredClone(request);
  other.TransactItems[0]!.Update.ExpressionAttributeValues[':one'] = { N: '5' };
  const err = await sdkError(() => h.client.send(new TransactWriteItemsCommand(other)));
  assert.equal(err.name, 'IdempotentParameterMismatchException');
});

test('32 clients moving money between 100 accounts: the total never changes and no TransactGetItems sees a state between two transactions', async () => {
  const ACCOUNTS = 100;
  const START = 1000;
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => `acct-${i}`);
  for (const id of ids) await h.client.send(new PutItemCommand({ TableName: accounts, Item: { id: { S: id }, balance: { N: String(START) } } }));
  const clients: DynamoDBClient[] = Array.from({ length: 32 }, () => sdkClient(h.url));
  let committed = 0;
  let cancelled = 0;
  let reads = 0;
  const readAll = async (client: DynamoDBClient): Promise<void> => {
    const r = await client.send(new TransactGetItemsCommand({ TransactItems: ids.map((id) => ({ Get: { TableName: accounts, Key: { id: { S: id } } } })) }));
    const balances = r.Responses!.map((x) => Number(x.Item!.balance!.N));
    assert.equal(balances.reduce((s, b) => s + b, 0), ACCOUNTS * START);
    assert.ok(balances.every((b) => b >= 0));
    reads++;
  };
  // A fixed pseudo-random sequence per client, so that a failure can be run again as it was.
  const rounds = async (client: DynamoDBClient, seed: number): Promise<void> => {
    let x = seed;
    const next = (n: number): number => ((x = (x * 1103515245 + 12345) % 2147483648) % n);
    for (let round = 0; round < 12; round++) {
      // Few accounts at a time, so that transactions conflict and conditions fail.
      const from = ids[next(8)]!;
      let to = ids[next(ACCOUNTS)]!;
      if (to === from) to = ids[(ids.indexOf(from) + 1) % ACCOUNTS]!;
      const amount = String(1 + next(900));
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Update: { TableName: accounts, Key: { id: { S: from } }, UpdateExpression: 'SET balance = balance - :x', ConditionExpression: 'balance >= :x', ExpressionAttributeValues: { ':x': { N: amount } } } },
              { Update: { TableName: accounts, Key: { id: { S: to } }, UpdateExpression: 'SET balance = balance + :x', ExpressionAttributeValues: { ':x': { N: amount } } } },
            ],
          }),
        );
        committed++;
      } catch (e) {
        assert.ok(e instanceof TransactionCanceledException, String(e));
        assert.deepEqual(e.CancellationReasons?.map((r) => r.Code), ['ConditionalCheckFailed', 'None']);
        cancelled++;
      }
      await readAll(client);
    }
  };
  try {
    await Promise.all(clients.map((c, i) => rounds(c, i + 1)));
  } finally {
    for (const c of clients) c.destroy();
  }
  const scan = await h.client.send(new ScanCommand({ TableName: accounts, ConsistentRead: true }));
  const total = scan.Items!.filter((i) => i.balance !== undefined).reduce((s, i) => s + Number(i.balance!.N), 0);
  assert.equal(total, ACCOUNTS * START);
  assert.equal(committed + cancelled, 32 * 12);
  assert.equal(reads, 32 * 12);
  assert.ok(committed > 0 && cancelled > 0, `committed ${committed}, cancelled ${cancelled}: both kinds must happen for the test to mean something`);
});
