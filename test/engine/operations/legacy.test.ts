// Rules where DynamoDB answers differently from DynamoDB Local (the oracle the fixture replays).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { memoryDb, rejects } from '../helpers';

async function seeded(): Promise<Database> {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'LLL',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (let s = 0; s < 3; s++) await db.execute('PutItem', { TableName: 'LLL', Item: { pk: { S: 'a' }, sk: { N: String(s) }, x: { N: String(s) } } });
  return db;
}

const invalid = (p: Promise<unknown>, message: string) => rejects(p, 'ValidationException', message);

const PK = { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } };

test('any legacy parameter with any expression parameter is refused, KeyConditions with FilterExpression too', async () => {
  const db = await seeded();
  await invalid(
    db.execute('Query', { TableName: 'LLL', KeyConditions: PK, FilterExpression: 'x > :v', ExpressionAttributeValues: { ':v': { N: '0' } } }),
    'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {FilterExpression}',
  );
  await invalid(
    db.execute('Query', { TableName: 'LLL', KeyConditions: PK, ProjectionExpression: 'x' }),
    'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {ProjectionExpression}',
  );
});

test('AttributeUpdates: PUT is the default action; an unknown action fails the enum constraint', async () => {
  const db = await seeded();
  const r = (await db.execute('UpdateItem', { TableName: 'LLL', Key: { pk: { S: 'n' }, sk: { N: '1' } }, AttributeUpdates: { v: { Value: { S: 'put' } } }, ReturnValues: 'ALL_NEW' })) as any;
  assert.deepEqual(r.Attributes, { pk: { S: 'n' }, sk: { N: '1' }, v: { S: 'put' } });
  await invalid(
    db.execute('UpdateItem', { TableName: 'LLL', Key: { pk: { S: 'n' }, sk: { N: '1' } }, AttributeUpdates: { v: { Action: 'FOO', Value: { S: 'x' } } } }),
    "1 validation error detected: Value 'FOO' at 'attributeUpdates.v.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]",
  );
});

test('Query: starting keys, filters on key attributes, empty key values', async () => {
  const db = await seeded();
  const q = (extra: Record<string, unknown>) =>
    db.execute('Query', { TableName: 'LLL', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } }, ...extra });
  await invalid(q({ ExclusiveStartKey: { pk: { S: 'a' } } }), 'The provided starting key is invalid');
  await invalid(q({ ExclusiveStartKey: { pk: { S: 'b' }, sk: { N: '1' } } }), 'The provided starting key does not match the range key predicate');
  await invalid(
    q({ FilterExpression: 'x > :x AND sk > :x', ExpressionAttributeValues: { ':p': { S: 'a' }, ':x': { N: '1' } } }),
    'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk',
  );
  await invalid(
    db.execute('Query', { TableName: 'LLL', KeyConditions: PK, QueryFilter: { pk: { ComparisonOperator: 'NOT_NULL' } } }),
    'QueryFilter can only contain non-primary key attributes: Primary key attribute: pk',
  );
  await invalid(
    q({ ExpressionAttributeValues: { ':p': { S: '' } } }),
    'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
  );
  await invalid(q({ Select: 'ALL_PROJECTED_ATTRIBUTES' }), 'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  await invalid(q({ Select: 'SPECIFIC_ATTRIBUTES' }), 'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES');
  await invalid(q({ Select: 'COUNT', ProjectionExpression: 'x' }), 'Cannot specify the ProjectionExpression when choosing to get only the Count');
  await invalid(db.execute('Query', { TableName: 'LLL' }), 'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
  const legacy = (await db.execute('Query', { TableName: 'LLL', KeyConditions: { ...PK, sk: { ComparisonOperator: 'GE', AttributeValueList: [{ N: '1' }] } }, AttributesToGet: ['x'], ScanIndexForward: false })) as any;
  assert.deepEqual(legacy.Items, [{ x: { N: '2' } }, { x: { N: '1' } }]);
});

test('GetItem: AttributesToGet duplicates and names without a projection', async () => {
  const db = await seeded();
  const key = { pk: { S: 'a' }, sk: { N: '1' } };
  await invalid(db.execute('GetItem', { TableName: 'LLL', Key: key, AttributesToGet: ['x', 'x'] }), 'Cannot have two attributes with the same name');
  await invalid(db.execute('GetItem', { TableName: 'LLL', Key: key, ExpressionAttributeNames: { '#x': 'x' } }), 'ExpressionAttributeNames can only be specified when using expressions');
  const r = (await db.execute('GetItem', { TableName: 'LLL', Key: key, AttributesToGet: ['x', 'nope'] })) as any;
  assert.deepEqual(r.Item, { x: { N: '1' } });
});
