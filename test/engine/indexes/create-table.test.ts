import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AD, KS, gsi, indexedTable, memoryDb, rejects } from './helpers';

const base = (extra: Record<string, unknown>) => ({
  TableName: 'CCC',
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: KS('pk', 'sk'),
  AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S'], ['g', 'S'], ['l', 'N']),
  ...extra,
});
const P = 'One or more parameter values were invalid: ';

test('CreateTable index definitions: DynamoDB messages, in its order', async () => {
  const db = await memoryDb();
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['empty GSI list', { AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S']), GlobalSecondaryIndexes: [] }, `${P}List of GlobalSecondaryIndexes is empty`],
    ['empty LSI list', { AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S']), LocalSecondaryIndexes: [] }, `${P}List of LocalSecondaryIndexes is empty`],
    ['GSI first key not HASH', { GlobalSecondaryIndexes: [gsi('idx', 'g')].map((g) => ({ ...g, KeySchema: [{ AttributeName: 'g', KeyType: 'RANGE' }] })) }, 'Invalid KeySchema: The first KeySchemaElement is not a HASH key type'],
    // Two HASH elements make a multi-attribute GSI key (multi-attribute-keys.test.ts), but stay refused for an LSI.
    ['LSI second key not RANGE', { LocalSecondaryIndexes: [{ ...gsi('idx', 'pk'), KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'HASH' }] }] }, 'Invalid KeySchema: The second KeySchemaElement is not a RANGE key type'],
    ['GSI same key twice', { GlobalSecondaryIndexes: [gsi('idx', 'g', 'g')] }, 'Both the Hash Key and the Range Key element in the KeySchema have the same name'],
    ['GSI key undefined', { GlobalSecondaryIndexes: [gsi('idx', 'zz', 'l')] }, `${P}Some index key attributes are not defined in AttributeDefinitions. Keys: [zz, l], AttributeDefinitions: [pk, sk, g, l]`],
    ['no ProjectionType', { GlobalSecondaryIndexes: [gsi('idx', 'g', 'l', {})] }, `${P}Unknown ProjectionType: null`],
    ['INCLUDE without attributes', { GlobalSecondaryIndexes: [gsi('idx', 'g', 'l', { ProjectionType: 'INCLUDE' })] }, `${P}ProjectionType is INCLUDE, but NonKeyAttributes is not specified`],
    ['ALL with attributes', { GlobalSecondaryIndexes: [gsi('idx', 'g', 'l', { ProjectionType: 'ALL', NonKeyAttributes: ['a'] })] }, `${P}ProjectionType is ALL, but NonKeyAttributes is specified`],
    ['KEYS_ONLY with attributes', { GlobalSecondaryIndexes: [gsi('idx', 'g', 'l', { ProjectionType: 'KEYS_ONLY', NonKeyAttributes: ['a'] })] }, `${P}ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified`],
    ['duplicate projected attribute', { GlobalSecondaryIndexes: [gsi('idx', 'g', 'l', { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a', 'a'] })] }, `${P}Duplicate element in NonKeyAttributes: a`],
    ['GSI throughput on on-demand', { GlobalSecondaryIndexes: [gsi('idx', 'g', 'l', undefined, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })] }, `${P}ProvisionedThroughput should not be specified for index: idx when BillingMode is PAY_PER_REQUEST`],
    ['GSI without throughput on provisioned', { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }, GlobalSecondaryIndexes: [gsi('idx', 'g', 'l')] }, `${P}ProvisionedThroughput is not specified for index: idx`],
    ['LSI on a hash-only table', { KeySchema: KS('pk'), AttributeDefinitions: AD(['pk', 'S'], ['l', 'N']), LocalSecondaryIndexes: [gsi('idx', 'pk', 'l')] }, `${P}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`],
    ['LSI without range key', { AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S']), LocalSecondaryIndexes: [gsi('idx', 'pk')] }, `${P}Index KeySchema does not have a range key for index: idx`],
    ['LSI with another hash key', { LocalSecondaryIndexes: [gsi('idx', 'g', 'l')], GlobalSecondaryIndexes: [gsi('other', 'g')] }, `${P}Index KeySchema does not have the same leading hash key as table KeySchema for index: idx. index hash key: g, table hash key: pk`],
    ['duplicate GSI names', { GlobalSecondaryIndexes: [gsi('idx', 'g'), gsi('idx', 'g', 'l')] }, `${P}Duplicate index name: idx`],
    ['GSI and LSI sharing a name', { GlobalSecondaryIndexes: [gsi('idx', 'g')], LocalSecondaryIndexes: [gsi('idx', 'pk', 'l')] }, `${P}Duplicate index name: idx`],
    ['unused definition', { GlobalSecondaryIndexes: [gsi('idx', 'g')] }, `${P}Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, g, l], keys used: [pk, sk, g]`],
  ];
  for (const [what, extra, message] of cases) {
    await rejects(db, 'CreateTable', base(extra), 'ValidationException', message).catch((e) => assert.fail(`${what}: ${e.message}`));
  }
  assert.equal(db.tables.size, 0);
});

test('index limits: 5 LSIs, 20 GSIs, 100 projected attributes, and the request shapes', async () => {
  const db = await memoryDb();
  const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  await rejects(db, 'CreateTable', base({
    AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S'], ...many(6, 'l').map((n) => [n, 'N'] as [string, 'N'])),
    LocalSecondaryIndexes: many(6, 'l').map((n) => gsi(`i${n}`, 'pk', n)),
  }), 'ValidationException', `${P}Number of LocalSecondaryIndexes exceeds per-table limit of 5`);
  await rejects(db, 'CreateTable', base({
    KeySchema: KS('pk'),
    AttributeDefinitions: AD(['pk', 'S'], ...many(21, 'g').map((n) => [n, 'S'] as [string, 'S'])),
    GlobalSecondaryIndexes: many(21, 'g').map((n) => gsi(`i${n}`, n)),
  }), 'ValidationException', `${P}GlobalSecondaryIndex count exceeds the per-table limit of 20`);
  // 20 attributes per index at most (the request shape), 100 across all indexes.
  await rejects(db, 'CreateTable', base({
    KeySchema: KS('pk'),
    AttributeDefinitions: AD(['pk', 'S'], ['g', 'S']),
    GlobalSecondaryIndexes: [gsi('idx', 'g', undefined, { ProjectionType: 'INCLUDE', NonKeyAttributes: many(21, 'a') })],
  }), 'ValidationException', /^1 validation error detected: Value '\[.*\]' at 'globalSecondaryIndexes\.1\.member\.projection\.nonKeyAttributes' failed to satisfy constraint: Member must have length less than or equal to 20$/);
  await rejects(db, 'CreateTable', base({
    KeySchema: KS('pk'),
    AttributeDefinitions: AD(['pk', 'S'], ...many(6, 'g').map((n) => [n, 'S'] as [string, 'S'])),
    GlobalSecondaryIndexes: many(6, 'g').map((n, i) => gsi(`i${n}`, n, undefined, { ProjectionType: 'INCLUDE', NonKeyAttributes: many(i === 5 ? 1 : 20, `a${i}x`) })),
  }), 'ValidationException', `${P}Number of projected attributes in all indexes exceeds limit of 100, number of projected attributes: 101`);
  await rejects(db, 'CreateTable', base({
    GlobalSecondaryIndexes: [{ IndexName: 'g1', KeySchema: [], Projection: { ProjectionType: 'XX' } }],
    LocalSecondaryIndexes: [{ IndexName: 'l1', KeySchema: KS('pk', 'l'), Projection: { ProjectionType: 'ALL' } }],
  }), 'ValidationException',
  "4 validation errors detected: Value 'XX' at 'globalSecondaryIndexes.1.member.projection.projectionType' failed to satisfy constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]; " +
    "Value 'g1' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
    "Value '[]' at 'globalSecondaryIndexes.1.member.keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
    "Value 'l1' at 'localSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3");
  // Exactly at the limits is fine.
  await db.execute('CreateTable', base({
    AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S'], ...many(5, 'l').map((n) => [n, 'N'] as [string, 'N'])),
    LocalSecondaryIndexes: many(5, 'l').map((n) => gsi(`i${n}`, 'pk', n, { ProjectionType: 'INCLUDE', NonKeyAttributes: many(20, `${n}a`) })),
  }));
  assert.equal(db.tables.get('CCC')?.meta.indexes?.length, 5);
});

test('DescribeTable reports each index: key schema, projection, status, throughput, sizes, ARN', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'DDD',
    BillingMode: 'PROVISIONED',
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    KeySchema: KS('pk', 'sk'),
    AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S'], ['g', 'B'], ['l', 'N']),
    GlobalSecondaryIndexes: [gsi('byG', 'g', undefined, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] }, { ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 } })],
    LocalSecondaryIndexes: [gsi('byL', 'pk', 'l', { ProjectionType: 'KEYS_ONLY' })],
  }).then((r: any) => {
    assert.equal(r.TableDescription.TableStatus, 'CREATING');
    assert.equal(r.TableDescription.GlobalSecondaryIndexes[0].IndexStatus, 'CREATING');
  });
  await db.execute('PutItem', { TableName: 'DDD', Item: { pk: { S: 'p' }, sk: { S: 's' }, g: { B: 'AAE=' }, l: { N: '1' }, x: { S: 'xx' }, y: { S: 'yyyy' } } });
  await db.execute('PutItem', { TableName: 'DDD', Item: { pk: { S: 'p' }, sk: { S: 't' }, y: { S: 'y' } } });
  const t = ((await db.execute('DescribeTable', { TableName: 'DDD' })) as any).Table;
  assert.deepEqual(t.LocalSecondaryIndexes, [{
    IndexName: 'byL',
    KeySchema: KS('pk', 'l'),
    Projection: { ProjectionType: 'KEYS_ONLY' },
    IndexSizeBytes: 3 + 3 + 3, // pk, sk, l (1 + 2): the second item has no l
    ItemCount: 1,
    IndexArn: `${t.TableArn}/index/byL`,
  }]);
  assert.deepEqual(t.GlobalSecondaryIndexes, [{
    IndexName: 'byG',
    KeySchema: KS('g'),
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] },
    IndexStatus: 'ACTIVE',
    ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
    IndexSizeBytes: 3 + 3 + 3 + 3, // pk, sk, g (2 bytes), x
    ItemCount: 1,
    IndexArn: `${t.TableArn}/index/byG`,
  }]);
  assert.equal('Backfilling' in t.GlobalSecondaryIndexes[0], false);
});

test('GSIs of an on-demand table report zero throughput', async () => {
  const db = await memoryDb();
  await indexedTable(db);
  const t = ((await db.execute('DescribeTable', { TableName: 'TTT' })) as any).Table;
  assert.deepEqual(t.GlobalSecondaryIndexes.map((g: any) => g.ProvisionedThroughput), [
    { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
    { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
  ]);
  assert.deepEqual(t.LocalSecondaryIndexes.map((l: any) => l.IndexName), ['byL', 'byLK']);
  assert.deepEqual(t.AttributeDefinitions.map((d: any) => d.AttributeName), ['pk', 'sk', 'g', 'n', 'l', 'l2']);
});
