// BatchGetItem and BatchWriteItem through the real AWS SDK v3 client, over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BatchGetItemCommand, BatchWriteItemCommand, CreateTableCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createKeyedTable, sdkRejects as expectError, startHarness, type Harness } from './harness';

let h: Harness;
let composite: string;
let simple: string;

before(async () => {
  h = await startHarness();
  composite = h.name('bc');
  simple = h.name('bs');
  await createKeyedTable(h.client, composite);
  await h.client.send(
    new CreateTableCommand({
      TableName: simple,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
after(async () => {
  await h.close();
});

const K = (pk: string, sk: number): Record<string, AttributeValue> => ({ pk: { S: pk }, sk: { N: String(sk) } });

test('BatchWriteItem then BatchGetItem across two tables, with ConsumedCapacity per table', async () => {
  const w = await h.client.send(
    new BatchWriteItemCommand({
      RequestItems: {
        [composite]: Array.from({ length: 20 }, (_, i) => ({ PutRequest: { Item: { ...K('w', i), n: { N: String(i) } } } })),
        [simple]: [{ PutRequest: { Item: { id: { S: 'a' }, flag: { BOOL: true } } } }, { DeleteRequest: { Key: { id: { S: 'nope' } } } }],
      },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  assert.deepEqual(w.UnprocessedItems, {});
  assert.deepEqual(w.ConsumedCapacity, [
    { TableName: composite, CapacityUnits: 20 },
    { TableName: simple, CapacityUnits: 2 },
  ]);
  const g = await h.client.send(
    new BatchGetItemCommand({
      RequestItems: {
        [composite]: { Keys: [K('w', 1), K('w', 2), K('w', 99)], ProjectionExpression: '#n', ExpressionAttributeNames: { '#n': 'n' }, ConsistentRead: true },
        [simple]: { Keys: [{ id: { S: 'a' } }] },
      },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  assert.deepEqual(g.Responses![composite]!.map((i) => i.n!.N).sort(), ['1', '2']);
  assert.deepEqual(g.Responses![simple], [{ id: { S: 'a' }, flag: { BOOL: true } }]);
  assert.deepEqual(g.UnprocessedKeys, {});
  assert.deepEqual(g.ConsumedCapacity, [
    { TableName: composite, CapacityUnits: 3 }, // two items and a missing key, one unit each
    { TableName: simple, CapacityUnits: 0.5 },
  ]);
  const del = await h.client.send(new BatchWriteItemCommand({ RequestItems: { [composite]: [{ DeleteRequest: { Key: K('w', 1) } }] } }));
  assert.deepEqual(del.UnprocessedItems, {});
  const again = await h.client.send(new BatchGetItemCommand({ RequestItems: { [composite]: { Keys: [K('w', 1)], AttributesToGet: ['n'] } } }));
  assert.deepEqual(again.Responses![composite], []);
});

test('BatchGetItem: a response over 16 MB leaves UnprocessedKeys to send again', async () => {
  const pad = 'x'.repeat(380 * 1024);
  for (let start = 0; start < 50; start += 10) {
    await h.client.send(
      new BatchWriteItemCommand({ RequestItems: { [composite]: Array.from({ length: 10 }, (_, i) => ({ PutRequest: { Item: { ...K('big', start + i), pad: { S: pad } } } })) } }),
    );
  }
  const keys = Array.from({ length: 50 }, (_, i) => K('big', i));
  const first = await h.client.send(new BatchGetItemCommand({ RequestItems: { [composite]: { Keys: keys } } }));
  const got = first.Responses![composite]!.length;
  assert.ok(got > 0 && got < 50);
  assert.equal(first.UnprocessedKeys![composite]!.Keys!.length, 50 - got);
  const rest = await h.client.send(new BatchGetItemCommand({ RequestItems: first.UnprocessedKeys }));
  assert.equal(rest.Responses![composite]!.length, 50 - got);
  assert.deepEqual(rest.UnprocessedKeys, {});
});

test('BatchWriteItem errors', async () => {
  const put = (item: Record<string, AttributeValue>) => ({ PutRequest: { Item: item } });
  await expectError(() => h.client.send(new BatchWriteItemCommand({ RequestItems: {} })), 'ValidationException', 'The requestItems parameter is required for BatchWriteItem');
  await expectError(
    () => h.client.send(new BatchWriteItemCommand({ RequestItems: { [composite]: Array.from({ length: 26 }, (_, i) => put(K('e', i))) } })),
    'ValidationException',
    'Too many items requested for the BatchWriteItem call',
  );
  await expectError(() => h.client.send(new BatchWriteItemCommand({ RequestItems: { [composite]: [put(K('e', 1)), { DeleteRequest: { Key: K('e', 1) } }] } })), 'ValidationException', 'Provided list of item keys contains duplicates');
  await expectError(() => h.client.send(new BatchWriteItemCommand({ RequestItems: { [composite]: [put({ pk: { S: 'e' }, sk: { S: '1' } })] } })), 'ValidationException', 'The provided key element does not match the schema');
  await expectError(() => h.client.send(new BatchWriteItemCommand({ RequestItems: { [composite]: [put({ ...K('e', 1), big: { S: 'x'.repeat(401 * 1024) } })] } })), 'ValidationException', 'Item size has exceeded the maximum allowed size');
  await expectError(() => h.client.send(new BatchWriteItemCommand({ RequestItems: { [`${composite}-missing`]: [put(K('e', 1))] } })), 'ResourceNotFoundException', 'Requested resource not found');
  await expectError(
    () => h.client.send(new BatchWriteItemCommand({ RequestItems: { [composite]: [{ PutRequest: { Item: K('e', 2) }, DeleteRequest: { Key: K('e', 2) } }] } })),
    'ValidationException',
    'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
  );
});

test('BatchGetItem errors', async () => {
  await expectError(() => h.client.send(new BatchGetItemCommand({ RequestItems: {} })), 'ValidationException', 'The requestItems parameter is required for BatchGetItem');
  await expectError(
    () => h.client.send(new BatchGetItemCommand({ RequestItems: { [composite]: { Keys: Array.from({ length: 101 }, (_, i) => K('e', i)) } } })),
    'ValidationException',
    'Too many items requested for the BatchGetItem call',
  );
  await expectError(() => h.client.send(new BatchGetItemCommand({ RequestItems: { [composite]: { Keys: [K('e', 1), K('e', 1)] } } })), 'ValidationException', 'Provided list of item keys contains duplicates');
  await expectError(() => h.client.send(new BatchGetItemCommand({ RequestItems: { [composite]: { Keys: [{ pk: { S: 'e' } }] } } })), 'ValidationException', 'The provided key element does not match the schema');
  await expectError(() => h.client.send(new BatchGetItemCommand({ RequestItems: { [`${simple}-missing`]: { Keys: [{ id: { S: 'a' } }] } } })), 'ResourceNotFoundException', 'Requested resource not found');
  await expectError(
    () => h.client.send(new BatchGetItemCommand({ RequestItems: { [composite]: { Keys: [K('e', 1)], ProjectionExpression: 'n', AttributesToGet: ['n'] } } })),
    'ValidationException',
    'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}',
  );
  await expectError(
    () => h.client.send(new BatchGetItemCommand({ RequestItems: { [composite]: { Keys: [K('e', 1)], AttributesToGet: ['n', 'n'] } } })),
    'ValidationException',
    'One or more parameter values were invalid: Duplicate value in attribute name: n',
  );
});
