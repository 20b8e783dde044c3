// GSIs with multi-attribute keys through the real AWS SDK v3 client over HTTP: CreateTable with
// two HASH and two RANGE elements, DescribeTable, Query by every partition attribute and a leading
// run of sort attributes, paging with LastEvaluatedKey, and DynamoDB's refusals as modelled errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DescribeTableCommand, PutItemCommand, QueryCommand, type AttributeValue, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { sdkError, startHarness, type Harness } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const KEY: KeySchemaElement[] = [
  { AttributeName: 'tournament', KeyType: 'HASH' },
  { AttributeName: 'region', KeyType: 'HASH' },
  { AttributeName: 'round', KeyType: 'RANGE' },
  { AttributeName: 'bracket', KeyType: 'RANGE' },
];

async function matches(): Promise<string> {
  const TableName = h.name();
  await h.client.send(new CreateTableCommand({
    TableName,
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'tournament', AttributeType: 'S' },
      { AttributeName: 'region', AttributeType: 'S' },
      { AttributeName: 'round', AttributeType: 'N' },
      { AttributeName: 'bracket', AttributeType: 'S' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [{ IndexName: 'byTournament', KeySchema: KEY, Projection: { ProjectionType: 'ALL' } }],
  }));
  let n = 0;
  for (const region of ['NA', 'EU']) {
    for (const round of [3, 1, 2]) {
      for (const bracket of ['upper', 'lower']) {
        const Item: Record<string, AttributeValue> = { id: { S: `m${n++}` }, tournament: { S: 'WINTER' }, region: { S: region }, round: { N: String(round) }, bracket: { S: bracket } };
        await h.client.send(new PutItemCommand({ TableName, Item }));
      }
    }
  }
  // No bracket: not in the index.
  await h.client.send(new PutItemCommand({ TableName, Item: { id: { S: 'sparse' }, tournament: { S: 'WINTER' }, region: { S: 'NA' }, round: { N: '1' } } }));
  return TableName;
}

const rows = (items: Record<string, AttributeValue>[] | undefined) => (items ?? []).map((i) => `${i.round!.N}/${i.bracket!.S}`);

test('a GSI keyed on two partition and two sort attributes is created and described as given', async () => {
  const TableName = await matches();
  const index = (await h.client.send(new DescribeTableCommand({ TableName }))).Table!.GlobalSecondaryIndexes![0]!;
  assert.deepEqual(index.KeySchema, KEY);
  assert.equal(index.ItemCount, 12);
});

test('Query by both partition attributes returns the partition ordered by round then bracket, and pages through LastEvaluatedKey', async () => {
  const TableName = await matches();
  const base = { TableName, IndexName: 'byTournament', KeyConditionExpression: 'tournament = :t AND #r = :r', ExpressionAttributeNames: { '#r': 'region' }, ExpressionAttributeValues: { ':t': { S: 'WINTER' }, ':r': { S: 'NA' } } };
  const all = await h.client.send(new QueryCommand(base));
  assert.deepEqual(rows(all.Items), ['1/lower', '1/upper', '2/lower', '2/upper', '3/lower', '3/upper']);
  const seen: string[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await h.client.send(new QueryCommand({ ...base, Limit: 4, ExclusiveStartKey }));
    seen.push(...rows(page.Items));
    ExclusiveStartKey = page.LastEvaluatedKey;
    if (ExclusiveStartKey) assert.deepEqual(Object.keys(ExclusiveStartKey).sort(), ['bracket', 'id', 'region', 'round', 'tournament']);
  } while (ExclusiveStartKey);
  assert.deepEqual(seen, rows(all.Items));
});

test('conditions on a leading run of sort attributes narrow the range; the last may be a range condition', async () => {
  const TableName = await matches();
  const q = (cond: string, values: Record<string, AttributeValue>, ScanIndexForward = true) =>
    h.client.send(new QueryCommand({
      TableName, IndexName: 'byTournament', ScanIndexForward,
      KeyConditionExpression: `tournament = :t AND #r = :r AND ${cond}`, ExpressionAttributeNames: { '#r': 'region', '#round': 'round' },
      ExpressionAttributeValues: { ':t': { S: 'WINTER' }, ':r': { S: 'EU' }, ...values },
    }));
  assert.deepEqual(rows((await q('#round >= :n', { ':n': { N: '2' } })).Items), ['2/lower', '2/upper', '3/lower', '3/upper']);
  assert.deepEqual(rows((await q('#round = :n AND begins_with(bracket, :b)', { ':n': { N: '3' }, ':b': { S: 'up' } })).Items), ['3/upper']);
  assert.deepEqual(rows((await q('#round = :n', { ':n': { N: '1' } }, false)).Items), ['1/upper', '1/lower']);
});

test('a missing partition attribute or a gap in the sort attributes is a ValidationException with DynamoDB\'s message', async () => {
  const TableName = await matches();
  const missing = await sdkError(() => h.client.send(new QueryCommand({ TableName, IndexName: 'byTournament', KeyConditionExpression: 'tournament = :t', ExpressionAttributeValues: { ':t': { S: 'WINTER' } } })));
  assert.equal(missing.name, 'ValidationException');
  assert.equal(missing.message, 'HASH key attributes region must have equality conditions specified in the query');
  const gap = await sdkError(() => h.client.send(new QueryCommand({
    TableName, IndexName: 'byTournament', KeyConditionExpression: 'tournament = :t AND #r = :r AND bracket = :b', ExpressionAttributeNames: { '#r': 'region' },
    ExpressionAttributeValues: { ':t': { S: 'WINTER' }, ':r': { S: 'NA' }, ':b': { S: 'upper' } },
  })));
  assert.equal(gap.message, 'RANGE key attributes round must have equality conditions specified in the query because a condition is present on key attribute bracket');
  const five = await sdkError(() => h.client.send(new CreateTableCommand({
    TableName: h.name(), KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['id', 'a', 'b', 'c', 'd', 'e'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    GlobalSecondaryIndexes: [{ IndexName: 'five', KeySchema: ['a', 'b', 'c', 'd', 'e'].map((AttributeName) => ({ AttributeName, KeyType: 'HASH' as const })), Projection: { ProjectionType: 'ALL' } }],
  })));
  assert.equal(five.message, 'Too many partition keys. GSI can have at most 4 partition keys');
});
