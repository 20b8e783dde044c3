// DynamoDB's errors as the AWS SDK v3 client sees them (name, message, HTTP status, fault),
// from a real Database over HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { sdkError, startHarness, type Harness } from './harness';

let h: Harness;
let table: string;
before(async () => {
  h = await startHarness();
  table = h.name('errors');
  await h.client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
after(async () => {
  await h.close();
});

async function putError(Item: Record<string, AttributeValue>, TableName = table) {
  return sdkError(() => h.client.send(new PutItemCommand({ TableName, Item })));
}

function assertValidation(err: Awaited<ReturnType<typeof sdkError>>, message: string): void {
  assert.equal(err.name, 'ValidationException');
  assert.equal(err.message, message);
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.$fault, 'client');
  assert.ok(err.$metadata.requestId);
}

describe('errors through the SDK', () => {
  test('an item operation on a missing table is ResourceNotFoundException', async () => {
    const err = await putError({ pk: { S: 'a' } }, h.name('missing'));
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.equal(err.message, 'Requested resource not found');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.$fault, 'client');
  });

  test('a key that does not match the schema', async () => {
    const err = await sdkError(() => h.client.send(new GetItemCommand({ TableName: table, Key: { nope: { S: 'a' } } })));
    assertValidation(err, 'The provided key element does not match the schema');
  });

  test('an item without its key', async () => {
    assertValidation(await putError({ other: { S: 'a' } }), 'One or more parameter values were invalid: Missing the key pk in the item');
  });

  test('a key of the wrong type', async () => {
    assertValidation(await putError({ pk: { N: '1' } }), 'One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N');
  });

  test('an empty string key', async () => {
    assertValidation(
      await putError({ pk: { S: '' } }),
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
    );
  });

  test('an empty set', async () => {
    assertValidation(await putError({ pk: { S: 'a' }, s: { SS: [] } }), 'One or more parameter values were invalid: An string set  may not be empty');
  });

  test('a set with duplicates', async () => {
    const err = await putError({ pk: { S: 'a' }, s: { SS: ['x', 'x'] } });
    assert.equal(err.name, 'ValidationException');
    assert.match(err.message, /^One or more parameter values were invalid: Input collection \[x, x\].* contains duplicates/);
  });

  test('an item over 400 KB', async () => {
    assertValidation(await putError({ pk: { S: 'a' }, big: { S: 'x'.repeat(400 * 1024) } }), 'Item size has exceeded the maximum allowed size');
  });

  test('a number that is not a number', async () => {
    const err = await putError({ pk: { S: 'a' }, n: { N: 'twelve' } });
    assert.equal(err.name, 'ValidationException');
    assert.match(err.message, /numeric|number/i);
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test('a number out of range', async () => {
    const err = await putError({ pk: { S: 'a' }, n: { N: '1E+126' } });
    assertValidation(err, 'Number overflow. Attempting to store a number with magnitude larger than supported range');
  });

  test('the server stays healthy after errors', async () => {
    await h.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'fine' } } }));
    const got = await h.client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'fine' } } }));
    assert.deepEqual(got.Item, { pk: { S: 'fine' } });
  });
});
