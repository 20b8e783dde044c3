// Quotas and null members through the endpoint (issue 12.2 and 12.3): the AWS SDK v3 sees
// LimitExceededException as its modelled class, ValidationException as a client fault (never a
// retried 5xx), and DescribeLimits as DynamoDB answers it; the null requests, sent as raw
// JSON (an SDK would not send them), get 400 with DynamoDB's ValidationException.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DescribeLimitsCommand, DynamoDBServiceException, LimitExceededException, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { sdkError, startHarness, type Harness } from './harness';
import { post } from './raw-http';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

function provisioned(name: string, read: number, write: number): CreateTableCommand {
  return new CreateTableCommand({
    TableName: name,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: write },
  });
}

test('DescribeLimits through the SDK returns the four default quotas', async () => {
  const out = await h.client.send(new DescribeLimitsCommand({}));
  assert.equal(out.AccountMaxReadCapacityUnits, 80000);
  assert.equal(out.AccountMaxWriteCapacityUnits, 80000);
  assert.equal(out.TableMaxReadCapacityUnits, 40000);
  assert.equal(out.TableMaxWriteCapacityUnits, 40000);
});

test('a table above the per-table quota is a LimitExceededException instance, a client fault with status 400', async () => {
  const err = await sdkError(() => h.client.send(provisioned(h.name(), 1_000_000_000_000, 1)));
  assert.ok(err instanceof LimitExceededException, `got ${err.name}`);
  assert.equal(err.$fault, 'client');
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.match(err.message, /^The requested ReadCapacityUnits, 1000000000000, is above the per table maximum for the account in us-east-1\. Per table maximum: 40000\.$/);
});

test('raising a table above the quota with UpdateTable is a LimitExceededException too', async () => {
  const name = h.name();
  await h.client.send(provisioned(name, 5, 5));
  const err = await sdkError(() => h.client.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 40001 } })));
  assert.ok(err instanceof LimitExceededException, `got ${err.name}`);
});

test('a constraint failure is a ValidationException the SDK reports as a client fault', async () => {
  const err = await sdkError(() => h.client.send(provisioned(h.name(), 0, 1)));
  assert.ok(err instanceof DynamoDBServiceException);
  assert.equal(err.name, 'ValidationException');
  assert.equal(err.$fault, 'client');
  assert.equal(err.$metadata.httpStatusCode, 400);
});

for (const [op, body] of [
  ['BatchWriteItem', '{"RequestItems":{"T_1":[null]}}'],
  ['BatchGetItem', '{"RequestItems":{"T_1":null}}'],
  ['BatchGetItem', '{"RequestItems":{"T_1":{"Keys":[null]}}}'],
  ['CreateTable', '{"TableName":"T_1","KeySchema":[null],"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}'],
  ['UpdateTable', '{"TableName":"T_1","GlobalSecondaryIndexUpdates":[null]}'],
] as const) {
  test(`${op} ${body} is answered 400 ValidationException, not 500`, async () => {
    const res = await post(h.url, `DynamoDB_20120810.${op}`, body);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json().__type, 'com.amazon.coral.validate#ValidationException');
    assert.match(res.json().message ?? res.json().Message, /Member must not be null|cannot be null|null or empty|element is invalid|is required/);
  });
}
