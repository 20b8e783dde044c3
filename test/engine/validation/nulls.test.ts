// JSON nulls in requests, as the issue 12 probe sent them: every one must come back as DynamoDB's
// ValidationException (never a TypeError from inside an operation, which the endpoint turns into
// a 500 that SDKs retry). A null structure member means "absent"; a null list element or map
// value is refused with "Member must not be null" at its wire path, or, for the batch request
// lists and KeySchema, with the message DynamoDB Local (the oracle) gives. Numbers a Long member cannot
// hold are refused by the deserializer, as DynamoDB's does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, rejects } from '../capacity/helpers';

const KEY = [{ AttributeName: 'pk', KeyType: 'HASH' }];
const DEFS = [{ AttributeName: 'pk', AttributeType: 'S' }];

const notNull = (at: string): string => `1 validation error detected: Value null at '${at}' failed to satisfy constraint: Member must not be null`;

test('a null write request in BatchWriteItem is refused as a null list member', async () => {
  const { db } = await openDb();
  await rejects(db.execute('BatchWriteItem', { RequestItems: { T_1: [null] } }), 'ValidationException', 'The batch write request list for a table cannot be null or empty');
  await rejects(db.execute('BatchWriteItem', { RequestItems: { T_1: null } }), 'ValidationException', 'The batch write request list for a table cannot be null or empty: T_1');
});

test("a null table entry in BatchGetItem's RequestItems is refused as a null map value", async () => {
  const { db } = await openDb();
  await rejects(db.execute('BatchGetItem', { RequestItems: { T_1: null } }), 'ValidationException', 'The list of keys in RequestItems for BatchGetItem is required: T_1 has empty list');
});

test('a null key in BatchGetItem is refused as a null list member', async () => {
  const { db } = await openDb();
  await rejects(
    db.execute('BatchGetItem', { RequestItems: { T_1: { Keys: [{ pk: { S: 'a' } }, null] } } }),
    'ValidationException',
    'The list of keys in RequestItems for BatchGetItem may not contain null or empty values: T_1 has one or more empty keys',
  );
});

test('a null KeySchema element in CreateTable is refused', async () => {
  const { db } = await openDb();
  await rejects(
    db.execute('CreateTable', { TableName: 'T_1', KeySchema: [null], AttributeDefinitions: DEFS, BillingMode: 'PAY_PER_REQUEST' }),
    'ValidationException',
    'Key schema element is invalid.',
  );
});

test('NonKeyAttributes: null reads as absent, so an INCLUDE projection gets the missing-attributes message', async () => {
  const { db } = await openDb();
  await rejects(
    db.execute('CreateTable', {
      TableName: 'T_1',
      KeySchema: KEY,
      AttributeDefinitions: [...DEFS, { AttributeName: 'g', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{ IndexName: 'gsi', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: null } }],
    }),
    'ValidationException',
    'One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified',
  );
});

test('NonKeyAttributes: null with a KEYS_ONLY projection creates the table as if it were absent', async () => {
  const { db } = await openDb();
  const out = (await db.execute('CreateTable', {
    TableName: 'T_1',
    KeySchema: KEY,
    AttributeDefinitions: [...DEFS, { AttributeName: 'g', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [{ IndexName: 'gsi', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY', NonKeyAttributes: null } }],
  })) as { TableDescription: { GlobalSecondaryIndexes: { Projection: Record<string, unknown> }[] } };
  assert.deepEqual(out.TableDescription.GlobalSecondaryIndexes[0]!.Projection, { ProjectionType: 'KEYS_ONLY' });
});

test('a null GlobalSecondaryIndexUpdates element in UpdateTable is refused', async () => {
  const { db } = await openDb();
  await db.execute('CreateTable', { TableName: 'T_1', KeySchema: KEY, AttributeDefinitions: DEFS, BillingMode: 'PAY_PER_REQUEST' });
  await rejects(db.execute('UpdateTable', { TableName: 'T_1', GlobalSecondaryIndexUpdates: [null] }), 'ValidationException', notNull('globalSecondaryIndexUpdates.1.member'));
});

test('null optional members at every depth of an ordinary request read as absent', async () => {
  const { db } = await openDb();
  await db.execute('CreateTable', { TableName: 'T_1', KeySchema: KEY, AttributeDefinitions: DEFS, BillingMode: 'PAY_PER_REQUEST', TableClass: null, Tags: null });
  await db.execute('PutItem', { TableName: 'T_1', Item: { pk: { S: 'a' } }, ConditionExpression: null, ReturnValues: null });
  const got = await db.execute('BatchGetItem', { RequestItems: { T_1: { Keys: [{ pk: { S: 'a' } }], ProjectionExpression: null, ConsistentRead: null } }, ReturnConsumedCapacity: null });
  assert.deepEqual((got as { Responses: unknown }).Responses, { T_1: [{ pk: { S: 'a' } }] });
});

test('an integer member beyond the 64-bit range is a SerializationException, not a number the engine acts on', async () => {
  const { db } = await openDb();
  await rejects(
    db.execute('CreateTable', { TableName: 'T_1', KeySchema: KEY, AttributeDefinitions: DEFS, ProvisionedThroughput: { ReadCapacityUnits: 1e30, WriteCapacityUnits: 1 } }),
    'SerializationException',
    'NUMBER_VALUE cannot be converted to Long',
  );
  await rejects(db.execute('Scan', { TableName: 'T_1', Limit: 2 ** 63 }), 'SerializationException', 'NUMBER_VALUE cannot be converted to Long');
});

test('a null condition in Query’s KeyConditions or QueryFilter is refused like one in Scan’s ScanFilter', async () => {
  const { db } = await openDb();
  await db.execute('CreateTable', { TableName: 'T_1', KeySchema: KEY, AttributeDefinitions: DEFS, BillingMode: 'PAY_PER_REQUEST' });
  const nullCondition = (attribute: string) => `The filter condition for an attribute cannot be null: ${attribute}`;
  await rejects(db.execute('Query', { TableName: 'T_1', KeyConditions: { pk: null } }), 'ValidationException', nullCondition('pk'));
  const eq = { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } };
  await rejects(db.execute('Query', { TableName: 'T_1', KeyConditions: eq, QueryFilter: { x: null } }), 'ValidationException', nullCondition('x'));
  await rejects(db.execute('Scan', { TableName: 'T_1', ScanFilter: { x: null } }), 'ValidationException', nullCondition('x'));
});

test('a null entry in Expected is refused with the attribute’s name', async () => {
  const { db } = await openDb();
  await db.execute('CreateTable', { TableName: 'T_1', KeySchema: KEY, AttributeDefinitions: DEFS, BillingMode: 'PAY_PER_REQUEST' });
  await rejects(
    db.execute('DeleteItem', { TableName: 'T_1', Key: { pk: { S: 'a' } }, Expected: { x: null } }),
    'ValidationException',
    'One or more parameter values were invalid: ExpectedAttributeValue must not be null for Attribute: x',
  );
});

test('a constraint failure elsewhere in the request is reported before a null batch entry', async () => {
  const { db } = await openDb();
  await rejects(
    db.execute('BatchWriteItem', { RequestItems: { T_1: [null] }, ReturnConsumedCapacity: 'ALL' }),
    'ValidationException',
    "1 validation error detected: Value 'ALL' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
  );
});
