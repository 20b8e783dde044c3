// Scan, Query's remaining rules and the legacy parameters through the real AWS SDK v3 client, over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { createKeyedTable, sdkError, sdkRejects, startHarness, type Harness } from './harness';

let h: Harness;
let table: string;
const PARTITIONS = 12;
const PER = 4;

before(async () => {
  h = await startHarness();
  table = h.name('qs');
  await createKeyedTable(h.client, table);
  for (let p = 0; p < PARTITIONS; p++) {
    for (let s = 0; s < PER; s++) {
      await h.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `p${p}` }, sk: { N: String(s) }, n: { N: String(p * PER + s) }, odd: { BOOL: s % 2 === 1 } } }));
    }
  }
});
after(async () => {
  await h.close();
});

async function expectError(fn: () => Promise<unknown>, name: string, message: string): Promise<void> {
  const err = await sdkRejects(fn, name, message);
  assert.equal(err.$metadata.httpStatusCode, 400);
}

const id = (i: Record<string, AttributeValue>) => `${i.pk!.S}/${i.sk!.N}`;

test('Scan: every item, Count and ScannedCount, paging with Limit and LastEvaluatedKey', async () => {
  const all = await h.client.send(new ScanCommand({ TableName: table, ReturnConsumedCapacity: 'TOTAL' }));
  assert.equal(all.Count, PARTITIONS * PER);
  assert.equal(all.ScannedCount, PARTITIONS * PER);
  assert.deepEqual(all.ConsumedCapacity, { TableName: table, CapacityUnits: 0.5 });
  const seen: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const r = await h.client.send(new ScanCommand({ TableName: table, Limit: 5, ExclusiveStartKey: start, FilterExpression: 'odd = :t', ExpressionAttributeValues: { ':t': { BOOL: true } } }));
    assert.ok(r.ScannedCount! <= 5);
    seen.push(...r.Items!.map(id));
    start = r.LastEvaluatedKey;
  } while (start);
  assert.equal(seen.length, (PARTITIONS * PER) / 2);
  assert.equal(new Set(seen).size, seen.length);
});

test('Scan: parallel segments together return every item exactly once', async () => {
  const seen: string[] = [];
  for (let segment = 0; segment < 4; segment++) {
    const r = await h.client.send(new ScanCommand({ TableName: table, Segment: segment, TotalSegments: 4 }));
    seen.push(...r.Items!.map(id));
  }
  assert.equal(seen.length, PARTITIONS * PER);
  assert.equal(new Set(seen).size, seen.length);
});

test('Scan: Select, projections and the legacy ScanFilter / AttributesToGet', async () => {
  const count = await h.client.send(new ScanCommand({ TableName: table, Select: 'COUNT' }));
  assert.equal(count.Items, undefined);
  assert.equal(count.Count, PARTITIONS * PER);
  const proj = await h.client.send(new ScanCommand({ TableName: table, ProjectionExpression: 'n', Limit: 3 }));
  assert.ok(proj.Items!.every((i) => Object.keys(i).join() === 'n'));
  const legacy = await h.client.send(
    new ScanCommand({
      TableName: table,
      ScanFilter: { n: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '4' }, { N: '7' }] }, odd: { ComparisonOperator: 'EQ', AttributeValueList: [{ BOOL: true }] } },
      ConditionalOperator: 'AND',
      AttributesToGet: ['n'],
    }),
  );
  assert.deepEqual(legacy.Items!.map((i) => i.n!.N).sort(), ['5', '7']);
});

test('Scan: validation errors', async () => {
  await expectError(() => h.client.send(new ScanCommand({ TableName: table, Segment: 1 })), 'ValidationException', 'The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
  await expectError(() => h.client.send(new ScanCommand({ TableName: table, TotalSegments: 2 })), 'ValidationException', 'The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
  await expectError(
    () => h.client.send(new ScanCommand({ TableName: table, Segment: 3, TotalSegments: 3 })),
    'ValidationException',
    'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 3',
  );
  await expectError(() => h.client.send(new ScanCommand({ TableName: table, Select: 'ALL_PROJECTED_ATTRIBUTES' })), 'ValidationException', 'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  await expectError(() => h.client.send(new ScanCommand({ TableName: table, Select: 'SPECIFIC_ATTRIBUTES' })), 'ValidationException', 'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES');
  await expectError(() => h.client.send(new ScanCommand({ TableName: table, Select: 'COUNT', AttributesToGet: ['n'] })), 'ValidationException', 'Cannot specify the AttributesToGet when choosing to get only the Count');
  await expectError(() => h.client.send(new ScanCommand({ TableName: table, Select: 'ALL_ATTRIBUTES', ProjectionExpression: 'n' })), 'ValidationException', 'Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES');
  await expectError(() => h.client.send(new ScanCommand({ TableName: table, IndexName: 'byN' })), 'ValidationException', 'The table does not have the specified index: byN');
  await expectError(() => h.client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: { pk: { S: 'p1' } } })), 'ValidationException', 'The provided starting key is invalid: The provided key element does not match the schema');
  await expectError(
    () => h.client.send(new ScanCommand({ TableName: table, ScanFilter: { n: { ComparisonOperator: 'NULL' } }, FilterExpression: 'n > :v', ExpressionAttributeValues: { ':v': { N: '1' } } })),
    'ValidationException',
    'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}',
  );
  await expectError(() => h.client.send(new ScanCommand({ TableName: table, ConditionalOperator: 'OR' })), 'ValidationException', 'ConditionalOperator cannot be used without Filter or Expected');
  await expectError(
    () => h.client.send(new ScanCommand({ TableName: table, ScanFilter: { n: { ComparisonOperator: 'LT', AttributeValueList: [{ SS: ['a'] }] } } })),
    'ValidationException',
    'One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type',
  );
  await expectError(() => h.client.send(new ScanCommand({ TableName: `${table}-missing` })), 'ResourceNotFoundException', 'Requested resource not found');
});

test('Query: KeyConditions, QueryFilter and AttributesToGet (legacy form)', async () => {
  const r = await h.client.send(
    new QueryCommand({
      TableName: table,
      KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p3' }] }, sk: { ComparisonOperator: 'GE', AttributeValueList: [{ N: '1' }] } },
      QueryFilter: { odd: { ComparisonOperator: 'EQ', AttributeValueList: [{ BOOL: true }] } },
      AttributesToGet: ['sk'],
      ScanIndexForward: false,
    }),
  );
  assert.deepEqual(r.Items, [{ sk: { N: '3' } }, { sk: { N: '1' } }]);
  assert.equal(r.ScannedCount, 3);
});

test('Query: Select, filter on key attributes, starting keys and KeyConditions errors', async () => {
  const kce = { TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p1' } } as Record<string, AttributeValue> };
  await expectError(() => h.client.send(new QueryCommand({ ...kce, Select: 'ALL_PROJECTED_ATTRIBUTES' })), 'ValidationException', 'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  await expectError(() => h.client.send(new QueryCommand({ ...kce, Select: 'COUNT', ProjectionExpression: 'n' })), 'ValidationException', 'Cannot specify the ProjectionExpression when choosing to get only the Count');
  await expectError(
    () => h.client.send(new QueryCommand({ ...kce, FilterExpression: 'sk > :s', ExpressionAttributeValues: { ':p': { S: 'p1' }, ':s': { N: '1' } } })),
    'ValidationException',
    'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk',
  );
  await expectError(() => h.client.send(new QueryCommand({ ...kce, ExclusiveStartKey: { pk: { S: 'p1' } } })), 'ValidationException', 'The provided starting key is invalid');
  await expectError(
    () => h.client.send(new QueryCommand({ ...kce, ExclusiveStartKey: { pk: { S: 'p2' }, sk: { N: '1' } } })),
    'ValidationException',
    'The provided starting key does not match the range key predicate',
  );
  await expectError(
    () => h.client.send(new QueryCommand({ ...kce, AttributesToGet: ['n'] })),
    'ValidationException',
    'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {KeyConditionExpression}',
  );
  const eq = (v: AttributeValue) => ({ ComparisonOperator: 'EQ' as const, AttributeValueList: [v] });
  await expectError(() => h.client.send(new QueryCommand({ TableName: table, KeyConditions: { sk: eq({ N: '1' }) } })), 'ValidationException', 'Query condition missed key schema element');
  await expectError(() => h.client.send(new QueryCommand({ TableName: table, KeyConditions: { pk: { ComparisonOperator: 'GT', AttributeValueList: [{ S: 'a' }] } } })), 'ValidationException', 'Query key condition not supported');
  await expectError(
    () => h.client.send(new QueryCommand({ TableName: table, KeyConditions: { pk: eq({ S: 'p1' }), sk: { ComparisonOperator: 'IN', AttributeValueList: [{ N: '1' }] } } })),
    'ValidationException',
    'Attempted conditional constraint is not an indexable operation',
  );
  await expectError(() => h.client.send(new QueryCommand({ TableName: table, KeyConditions: { pk: eq({ N: '1' }) } })), 'ValidationException', 'One or more parameter values were invalid: Condition parameter type does not match schema type');
  await expectError(
    () => h.client.send(new QueryCommand({ TableName: table, KeyConditions: { pk: eq({ S: 'p1' }) }, QueryFilter: { sk: { ComparisonOperator: 'NOT_NULL' } } })),
    'ValidationException',
    'QueryFilter can only contain non-primary key attributes: Primary key attribute: sk',
  );
});

test('PutItem, UpdateItem, DeleteItem and GetItem with Expected, AttributeUpdates and AttributesToGet', async () => {
  const Key = { pk: { S: 'legacy' }, sk: { N: '1' } };
  await h.client.send(new PutItemCommand({ TableName: table, Item: { ...Key, v: { N: '1' } }, Expected: { v: { Exists: false } } }));
  const cond = await sdkError(() => h.client.send(new PutItemCommand({ TableName: table, Item: Key, Expected: { v: { Exists: false } } })));
  assert.equal(cond.name, 'ConditionalCheckFailedException');
  assert.equal(cond.message, 'The conditional request failed');
  const u = await h.client.send(
    new UpdateItemCommand({
      TableName: table,
      Key,
      AttributeUpdates: { v: { Action: 'ADD', Value: { N: '41' } }, tags: { Action: 'ADD', Value: { SS: ['a', 'b'] } }, gone: { Action: 'DELETE' } },
      Expected: { v: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '1' }] } },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  assert.equal(u.Attributes!.v!.N, '42');
  assert.deepEqual(u.Attributes!.tags!.SS!.sort(), ['a', 'b']);
  const g = await h.client.send(new GetItemCommand({ TableName: table, Key, AttributesToGet: ['v', 'missing'] }));
  assert.deepEqual(g.Item, { v: { N: '42' } });
  await expectError(
    () => h.client.send(new UpdateItemCommand({ TableName: table, Key, AttributeUpdates: { v: { Action: 'PUT' } } })),
    'ValidationException',
    'One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified',
  );
  await expectError(
    () => h.client.send(new UpdateItemCommand({ TableName: table, Key, AttributeUpdates: { v: { Action: 'PUT', Value: { N: '1' } } }, ConditionExpression: 'attribute_exists(v)' })),
    'ValidationException',
    'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {ConditionExpression}',
  );
  await expectError(
    () => h.client.send(new DeleteItemCommand({ TableName: table, Key, Expected: { v: { Exists: true } } })),
    'ValidationException',
    'One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: v',
  );
  await expectError(
    () => h.client.send(new DeleteItemCommand({ TableName: table, Key, Expected: { v: { Exists: false } }, ConditionalOperator: 'OR' })),
    'ValidationException',
    'ConditionalOperator can only be used when Filter or Expected has two or more elements',
  );
  await h.client.send(new DeleteItemCommand({ TableName: table, Key, Expected: { v: { Value: { N: '42' } }, nothing: { ComparisonOperator: 'NULL' } } }));
  const after = await h.client.send(new GetItemCommand({ TableName: table, Key }));
  assert.equal(after.Item, undefined);
});
