// Secondary indexes through the real AWS SDK v3 client, over HTTP: CreateTable's index rules,
// DescribeTable's index blocks, Query and Scan on GSIs and LSIs, index key checks on writes,
// ItemCollectionMetrics and the item collection limit, and a GSI's life through UpdateTable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { sdkClient, sdkError, startHarness, type Harness } from './harness';

let h: Harness;
let table: string;
const P = 'One or more parameter values were invalid: ';

const defs = (...d: Array<[string, 'S' | 'N' | 'B']>) => d.map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
const keys = (hash: string, range?: string) => [
  { AttributeName: hash, KeyType: 'HASH' as const },
  ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : []),
];

before(async () => {
  h = await startHarness();
  table = h.name('ix');
  await h.client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: defs(['pk', 'S'], ['sk', 'S'], ['g', 'S'], ['n', 'N'], ['l', 'N']),
      KeySchema: keys('pk', 'sk'),
      GlobalSecondaryIndexes: [
        { IndexName: 'byG', KeySchema: keys('g', 'n'), Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] } },
        { IndexName: 'byGAll', KeySchema: keys('g'), Projection: { ProjectionType: 'ALL' } },
      ],
      LocalSecondaryIndexes: [{ IndexName: 'byL', KeySchema: keys('pk', 'l'), Projection: { ProjectionType: 'KEYS_ONLY' } }],
    }),
  );
  for (let i = 0; i < 12; i++) {
    const Item: Record<string, any> = { pk: { S: `p${i % 3}` }, sk: { S: `s${String(i).padStart(2, '0')}` }, a: { S: `a${i}` }, b: { S: `b${i}` }, l: { N: String(100 - i) } };
    if (i % 4 !== 3) {
      Item.g = { S: i % 2 ? 'odd' : 'even' };
      Item.n = { N: String(i) };
    }
    await h.client.send(new PutItemCommand({ TableName: table, Item }));
  }
});

after(async () => {
  await h.close();
});

async function validationError(input: CreateTableCommandInput): Promise<string> {
  const err = await sdkError(() => h.client.send(new CreateTableCommand(input)));
  assert.equal(err.name, 'ValidationException');
  assert.equal(err.$metadata.httpStatusCode, 400);
  return err.message;
}

test('CreateTable refuses bad index definitions with DynamoDB messages', async () => {
  const base = { TableName: h.name('bad'), BillingMode: 'PAY_PER_REQUEST' as const, KeySchema: keys('pk', 'sk') };
  assert.equal(
    await validationError({ ...base, AttributeDefinitions: defs(['pk', 'S'], ['sk', 'S'], ['g', 'S']), GlobalSecondaryIndexes: [
      { IndexName: 'idx', KeySchema: keys('g'), Projection: { ProjectionType: 'ALL' } },
      { IndexName: 'idx', KeySchema: keys('g'), Projection: { ProjectionType: 'KEYS_ONLY' } },
    ] }),
    `${P}Duplicate index name: idx`,
  );
  assert.equal(
    await validationError({ ...base, AttributeDefinitions: defs(['pk', 'S'], ['sk', 'S'], ['g', 'S'], ['x', 'S']), GlobalSecondaryIndexes: [
      { IndexName: 'idx', KeySchema: keys('g'), Projection: { ProjectionType: 'ALL' } },
    ] }),
    `${P}Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, g, x], keys used: [pk, sk, g]`,
  );
  assert.equal(
    await validationError({ ...base, AttributeDefinitions: defs(['pk', 'S'], ['sk', 'S']), GlobalSecondaryIndexes: [
      { IndexName: 'idx', KeySchema: keys('g'), Projection: { ProjectionType: 'ALL' } },
    ] }),
    `${P}Some index key attributes are not defined in AttributeDefinitions. Keys: [g], AttributeDefinitions: [pk, sk]`,
  );
  assert.equal(
    await validationError({ ...base, AttributeDefinitions: defs(['pk', 'S'], ['sk', 'S'], ['g', 'S']), LocalSecondaryIndexes: [
      { IndexName: 'idx', KeySchema: keys('g', 'sk'), Projection: { ProjectionType: 'ALL' } },
    ] }),
    `${P}Index KeySchema does not have the same leading hash key as table KeySchema for index: idx. index hash key: g, table hash key: pk`,
  );
  assert.equal(
    await validationError({ ...base, AttributeDefinitions: defs(['pk', 'S'], ['sk', 'S'], ['g', 'S']), GlobalSecondaryIndexes: [
      { IndexName: 'idx', KeySchema: keys('g'), Projection: { ProjectionType: 'KEYS_ONLY', NonKeyAttributes: ['a'] } },
    ] }),
    `${P}ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified`,
  );
  assert.equal(
    await validationError({ ...base, AttributeDefinitions: defs(['pk', 'S'], ['sk', 'S'], ['g', 'S']), GlobalSecondaryIndexes: [
      { IndexName: 'idx', KeySchema: keys('g'), Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
    ] }),
    `${P}ProvisionedThroughput should not be specified for index: idx when BillingMode is PAY_PER_REQUEST`,
  );
  assert.equal(
    await validationError({ ...base, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }, AttributeDefinitions: defs(['pk', 'S'], ['sk', 'S'], ['g', 'S']), GlobalSecondaryIndexes: [
      { IndexName: 'idx', KeySchema: keys('g'), Projection: { ProjectionType: 'ALL' } },
    ] }),
    `${P}ProvisionedThroughput is not specified for index: idx`,
  );
  assert.equal(
    await validationError({ ...base, KeySchema: keys('pk'), AttributeDefinitions: defs(['pk', 'S'], ['l', 'N']), LocalSecondaryIndexes: [
      { IndexName: 'idx', KeySchema: keys('pk', 'l'), Projection: { ProjectionType: 'ALL' } },
    ] }),
    `${P}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`,
  );
});

test('DescribeTable lists the indexes with status, throughput, counts and ARNs', async () => {
  const t = (await h.client.send(new DescribeTableCommand({ TableName: table }))).Table!;
  assert.deepEqual(t.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.IndexStatus, g.ItemCount, g.ProvisionedThroughput?.ReadCapacityUnits]), [
    ['byG', 'ACTIVE', 9, 0],
    ['byGAll', 'ACTIVE', 9, 0],
  ]);
  assert.equal(t.GlobalSecondaryIndexes?.[0]?.IndexArn, `${t.TableArn}/index/byG`);
  assert.deepEqual(t.GlobalSecondaryIndexes?.[0]?.Projection, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] });
  assert.deepEqual(t.LocalSecondaryIndexes?.map((l) => [l.IndexName, l.ItemCount, l.IndexArn]), [['byL', 12, `${t.TableArn}/index/byL`]]);
  assert.ok((t.GlobalSecondaryIndexes?.[0]?.IndexSizeBytes ?? 0) > 0);
});

test('Query and Scan on a GSI: projected attributes, key order, paging with index keys', async () => {
  const r = await h.client.send(new QueryCommand({
    TableName: table, IndexName: 'byG', KeyConditionExpression: 'g = :g AND n > :n', ExpressionAttributeValues: { ':g': { S: 'even' }, ':n': { N: '2' } },
  }));
  assert.deepEqual(r.Items?.map((i) => i.n?.N), ['4', '6', '8', '10']);
  assert.deepEqual(Object.keys(r.Items![0]!).sort(), ['a', 'g', 'n', 'pk', 'sk']);
  const seen: string[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await h.client.send(new QueryCommand({
      TableName: table, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'odd' } }, Limit: 2, ExclusiveStartKey: start, ScanIndexForward: false,
    }));
    seen.push(...page.Items!.map((i) => i.n!.N!));
    start = page.LastEvaluatedKey;
    if (start) assert.deepEqual(Object.keys(start).sort(), ['g', 'n', 'pk', 'sk']);
  } while (start);
  assert.deepEqual(seen, ['9', '5', '1']);
  const scan = await h.client.send(new ScanCommand({ TableName: table, IndexName: 'byGAll', Segment: 0, TotalSegments: 1 }));
  assert.equal(scan.Count, 9);
  assert.ok(scan.Items!.every((i) => i.b !== undefined));
});

test('index read errors: consistency, Select, projections, filters, unknown index', async () => {
  const q = { TableName: table, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'odd' } } };
  const cases: Array<[() => Promise<unknown>, string]> = [
    [() => h.client.send(new QueryCommand({ ...q, ConsistentRead: true })), 'Consistent reads are not supported on global secondary indexes'],
    [() => h.client.send(new ScanCommand({ TableName: table, IndexName: 'byG', ConsistentRead: true })), 'Consistent reads are not supported on global secondary indexes'],
    [() => h.client.send(new QueryCommand({ ...q, Select: 'ALL_ATTRIBUTES' })), `${P}Select type ALL_ATTRIBUTES is not supported for global secondary index byG because its projection type is not ALL`],
    [() => h.client.send(new QueryCommand({ ...q, ProjectionExpression: 'b' })), `${P}Global secondary index byG does not project [b]`],
    [() => h.client.send(new QueryCommand({ ...q, FilterExpression: 'b = :b', ExpressionAttributeValues: { ':g': { S: 'odd' }, ':b': { S: 'x' } } })), `${P}Secondary index byG does not project one or more filter attributes: [b]`],
    [() => h.client.send(new QueryCommand({ ...q, FilterExpression: 'n = :b', ExpressionAttributeValues: { ':g': { S: 'odd' }, ':b': { N: '1' } } })), 'Filter Expression can only contain non-primary key attributes: Primary key attribute: n'],
    [() => h.client.send(new QueryCommand({ ...q, IndexName: 'missing' })), 'The table does not have the specified index: missing'],
    [() => h.client.send(new QueryCommand({ ...q, ExclusiveStartKey: { pk: { S: 'p0' }, sk: { S: 's00' } } })), 'The provided starting key is invalid'],
  ];
  for (const [call, message] of cases) {
    const err = await sdkError(call);
    assert.equal(err.name, 'ValidationException', message);
    assert.equal(err.message, message);
  }
});

test('an LSI fetches unprojected attributes from the table, and charges the fetch to it', async () => {
  const l = { TableName: table, IndexName: 'byL', KeyConditionExpression: 'pk = :p AND l < :l', ExpressionAttributeValues: { ':p': { S: 'p0' }, ':l': { N: '95' } } };
  const keysOnly = await h.client.send(new QueryCommand(l));
  assert.deepEqual(keysOnly.Items?.map((i) => Object.keys(i).sort().join()), ['l,pk,sk', 'l,pk,sk']);
  assert.deepEqual(keysOnly.Items?.map((i) => i.l?.N), ['91', '94']);
  const all = await h.client.send(new QueryCommand({ ...l, Select: 'ALL_ATTRIBUTES', ReturnConsumedCapacity: 'INDEXES', ConsistentRead: true }));
  assert.equal(all.Items?.[0]?.b?.S, 'b9');
  // Strongly consistent: one unit for the index entries, one per item fetched from the table.
  assert.deepEqual(all.ConsumedCapacity, { TableName: table, CapacityUnits: 3, Table: { CapacityUnits: 2 }, LocalSecondaryIndexes: { byL: { CapacityUnits: 1 } } });
});

test('writes: index key types and empty values are refused, naming the index', async () => {
  const put = (Item: Record<string, any>) => h.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'w' }, sk: { S: 'w' }, ...Item } }));
  let err = await sdkError(() => put({ g: { N: '1' } }));
  assert.equal(err.name, 'ValidationException');
  assert.equal(err.message, `${P}Type mismatch for Index Key g Expected: S Actual: N IndexName: byG`);
  err = await sdkError(() => put({ l: { S: '' } }));
  assert.equal(err.message, `${P}Type mismatch for Index Key l Expected: N Actual: S IndexName: byL`);
  err = await sdkError(() => put({ g: { S: '' } }));
  assert.equal(err.message,
    'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: byG, IndexKey: g');
  err = await sdkError(() => h.client.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'p0' }, sk: { S: 's00' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { S: 'x' } } })));
  assert.equal(err.message, `${P}Type mismatch for Index Key n Expected: N Actual: S IndexName: byG`);
  err = await sdkError(() => h.client.send(new BatchWriteItemCommand({ RequestItems: { [table]: [{ PutRequest: { Item: { pk: { S: 'w' }, sk: { S: 'w' }, n: { B: new Uint8Array([1]) } } } }] } })));
  assert.equal(err.message, `${P}Type mismatch for Index Key n Expected: N Actual: B IndexName: byG`);
});

test('ItemCollectionMetrics for tables with LSIs', async () => {
  const put = await h.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'icm' }, sk: { S: '1' }, l: { N: '1' } }, ReturnItemCollectionMetrics: 'SIZE' }));
  assert.deepEqual(put.ItemCollectionMetrics, { ItemCollectionKey: { pk: { S: 'icm' } }, SizeEstimateRangeGB: [0, 1] });
  const del = await h.client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'icm' }, sk: { S: '1' } }, ReturnItemCollectionMetrics: 'SIZE' }));
  assert.deepEqual(del.ItemCollectionMetrics, { ItemCollectionKey: { pk: { S: 'icm' } }, SizeEstimateRangeGB: [0, 1] });
  const batch = await h.client.send(new BatchWriteItemCommand({ RequestItems: { [table]: [{ PutRequest: { Item: { pk: { S: 'icm' }, sk: { S: '2' } } } }] }, ReturnItemCollectionMetrics: 'SIZE' }));
  assert.deepEqual(batch.ItemCollectionMetrics, { [table]: [{ ItemCollectionKey: { pk: { S: 'icm' } }, SizeEstimateRangeGB: [0, 1] }] });
});

// The rest needs an engine started with short timings and a small collection limit.
const external = process.env.DW_TEST_ENDPOINT !== undefined;

async function customServer(): Promise<{ client: DynamoDBClient; close(): Promise<void> }> {
  const { Database } = await import('../../src/engine/database');
  const { startServer } = await import('../../src/server/index');
  const db = await Database.open('', { inMemory: true, throttling: false, itemCollectionLimitBytes: 2048, indexTimings: { allocationMs: 50, deletionMs: 50, backfillSliceItems: 20 } });
  const server = await startServer({ db, port: 0 });
  const client = sdkClient(server.url);
  return {
    client,
    async close() {
      client.destroy();
      await server.close();
      await db.close();
    },
  };
}

test('the item collection limit: ItemCollectionSizeLimitExceededException', { skip: external }, async () => {
  const s = await customServer();
  try {
    await s.client.send(new CreateTableCommand({
      TableName: 'limited', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: defs(['pk', 'S'], ['sk', 'S'], ['l', 'S']), KeySchema: keys('pk', 'sk'),
      LocalSecondaryIndexes: [{ IndexName: 'byL', KeySchema: keys('pk', 'l'), Projection: { ProjectionType: 'ALL' } }],
    }));
    const item = (sk: string) => ({ pk: { S: 'p' }, sk: { S: sk }, l: { S: 'x' }, v: { S: 'v'.repeat(600) } });
    await s.client.send(new PutItemCommand({ TableName: 'limited', Item: item('1') }));
    const err = await sdkError(() => s.client.send(new PutItemCommand({ TableName: 'limited', Item: item('2') })));
    assert.equal(err.name, 'ItemCollectionSizeLimitExceededException');
    assert.equal(err.message, 'Collection size exceeded');
    assert.equal(err.$metadata.httpStatusCode, 400);
    await s.client.send(new PutItemCommand({ TableName: 'limited', Item: { ...item('1'), pk: { S: 'q' } } }));
  } finally {
    await s.close();
  }
});

test('a GSI added by UpdateTable backfills, refuses reads until ACTIVE, and can be deleted', { skip: external }, async () => {
  const s = await customServer();
  try {
    await s.client.send(new CreateTableCommand({ TableName: 'grow', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: defs(['pk', 'S']), KeySchema: keys('pk') }));
    for (let i = 0; i < 100; i++) await s.client.send(new PutItemCommand({ TableName: 'grow', Item: { pk: { S: `p${i}` }, g: { S: `g${i % 5}` } } }));
    const created = await s.client.send(new UpdateTableCommand({
      TableName: 'grow', AttributeDefinitions: defs(['g', 'S']),
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG', KeySchema: keys('g'), Projection: { ProjectionType: 'KEYS_ONLY' } } }],
    }));
    assert.equal(created.TableDescription?.TableStatus, 'UPDATING');
    assert.deepEqual(created.TableDescription?.GlobalSecondaryIndexes?.map((g) => [g.IndexStatus, g.Backfilling]), [['CREATING', false]]);
    const q = new QueryCommand({ TableName: 'grow', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g1' } } });
    const err = await sdkError(() => s.client.send(q));
    assert.equal(err.name, 'ValidationException');
    assert.equal(err.message, 'Cannot read from backfilling global secondary index: byG');
    await s.client.send(new PutItemCommand({ TableName: 'grow', Item: { pk: { S: 'late' }, g: { S: 'g1' } } }));
    let status = '';
    for (let i = 0; i < 500 && status !== 'ACTIVE'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = (await s.client.send(new DescribeTableCommand({ TableName: 'grow' }))).Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus ?? '';
    }
    assert.equal(status, 'ACTIVE');
    assert.equal((await s.client.send(q)).Count, 21);
    const deleted = await s.client.send(new UpdateTableCommand({ TableName: 'grow', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }] }));
    assert.equal(deleted.TableDescription?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'DELETING');
    let remaining = 1;
    for (let i = 0; i < 500 && remaining > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      remaining = (await s.client.send(new DescribeTableCommand({ TableName: 'grow' }))).Table?.GlobalSecondaryIndexes?.length ?? 0;
    }
    assert.equal(remaining, 0);
    const gone = await sdkError(() => s.client.send(q));
    assert.equal(gone.message, 'The table does not have the specified index: byG');
  } finally {
    await s.close();
  }
});
