// Table operations through the real AWS SDK v3 client, over HTTP, against a real Database.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  UpdateTableCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { sdkError, startHarness, type Harness } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

function hashTable(TableName: string): CreateTableCommandInput {
  return {
    TableName,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

describe('CreateTable / DescribeTable', () => {
  test('creates an on-demand hash table and describes it', async () => {
    const name = h.name();
    const created = await h.client.send(new CreateTableCommand(hashTable(name)));
    assert.equal(created.$metadata.httpStatusCode, 200);
    assert.ok(created.$metadata.requestId);
    const t = created.TableDescription!;
    assert.equal(t.TableName, name);
    assert.ok(t.TableStatus === 'ACTIVE' || t.TableStatus === 'CREATING');
    assert.deepEqual(t.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
    assert.deepEqual(t.AttributeDefinitions, [{ AttributeName: 'pk', AttributeType: 'S' }]);
    assert.equal(t.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    assert.match(t.TableArn ?? '', new RegExp(`^arn:aws:dynamodb:[a-z0-9-]+:\\d{12}:table/${name}$`));
    assert.ok(t.CreationDateTime instanceof Date);
    assert.ok(Math.abs(t.CreationDateTime.getTime() - Date.now()) < 60_000);
    assert.equal(t.ItemCount, 0);
    assert.equal(t.TableSizeBytes, 0);

    const described = (await h.client.send(new DescribeTableCommand({ TableName: name }))).Table!;
    assert.equal(described.TableName, name);
    assert.equal(described.TableStatus, 'ACTIVE');
    assert.equal(described.TableArn, t.TableArn);
    assert.deepEqual(described.KeySchema, t.KeySchema);
    assert.equal(described.CreationDateTime?.getTime(), t.CreationDateTime.getTime());
  });

  test('creates a provisioned hash+range table', async () => {
    const name = h.name();
    const t = (
      await h.client.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'N' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
        }),
      )
    ).TableDescription!;
    assert.equal(t.ProvisionedThroughput?.ReadCapacityUnits, 5);
    assert.equal(t.ProvisionedThroughput?.WriteCapacityUnits, 7);
    assert.deepEqual(t.KeySchema, [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  test('creates a table with a global secondary index', async () => {
    const name = h.name();
    const t = (
      await h.client.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'g', AttributeType: 'B' },
          ],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          GlobalSecondaryIndexes: [
            {
              IndexName: 'byG',
              KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'KEYS_ONLY' },
            },
          ],
        }),
      )
    ).TableDescription!;
    assert.equal(t.GlobalSecondaryIndexes?.length, 1);
    assert.equal(t.GlobalSecondaryIndexes?.[0]?.IndexName, 'byG');
    assert.match(t.GlobalSecondaryIndexes?.[0]?.IndexArn ?? '', new RegExp(`table/${name}/index/byG$`));
  });

  test('creating an existing table is ResourceInUseException', async () => {
    const name = h.name();
    await h.client.send(new CreateTableCommand(hashTable(name)));
    const err = await sdkError(() => h.client.send(new CreateTableCommand(hashTable(name))));
    assert.equal(err.name, 'ResourceInUseException');
    assert.equal(err.message, `Table already exists: ${name}`);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.$fault, 'client');
  });

  test('key schema and attribute definitions must agree', async () => {
    const err = await sdkError(() =>
      h.client.send(
        new CreateTableCommand({
          ...hashTable(h.name()),
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'extra', AttributeType: 'S' },
          ],
        }),
      ),
    );
    assert.equal(err.name, 'ValidationException');
    assert.equal(
      err.message,
      'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    );
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test('describing a missing table is ResourceNotFoundException', async () => {
    const name = h.name('missing');
    const err = await sdkError(() => h.client.send(new DescribeTableCommand({ TableName: name })));
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.match(err.message, /^Requested resource not found/);
    assert.equal(err.$metadata.httpStatusCode, 400);
  });
});

describe('ListTables', () => {
  test('pages through tables in name order with Limit and LastEvaluatedTableName', async () => {
    const prefix = h.name('list');
    const names = ['e', 'a', 'd', 'b', 'c'].map((s) => `${prefix}-${s}`);
    for (const n of names) await h.client.send(new CreateTableCommand(hashTable(n)));

    const all: string[] = [];
    let start: string | undefined;
    let pages = 0;
    do {
      const page = await h.client.send(new ListTablesCommand({ Limit: 2, ExclusiveStartTableName: start }));
      assert.ok(page.TableNames!.length <= 2);
      all.push(...page.TableNames!);
      start = page.LastEvaluatedTableName;
      if (start !== undefined) assert.equal(start, page.TableNames![page.TableNames!.length - 1]);
      pages++;
    } while (start !== undefined && pages < 1000);
    assert.deepEqual(all, [...all].sort());
    assert.deepEqual(
      all.filter((n) => n.startsWith(prefix)),
      [...names].sort(),
    );

    const unpaged = await h.client.send(new ListTablesCommand({}));
    assert.deepEqual(unpaged.TableNames, all.length <= 100 ? all : all.slice(0, 100));

    const after = await h.client.send(new ListTablesCommand({ ExclusiveStartTableName: `${prefix}-b` }));
    assert.deepEqual(
      after.TableNames!.filter((n) => n.startsWith(prefix)),
      [`${prefix}-c`, `${prefix}-d`, `${prefix}-e`],
    );
  });

  test('Limit outside 1..100 is ValidationException', async () => {
    const err = await sdkError(() => h.client.send(new ListTablesCommand({ Limit: 101 })));
    assert.equal(err.name, 'ValidationException');
    assert.equal(err.message, "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
  });
});

describe('UpdateTable', () => {
  test('switches billing mode and throughput', async () => {
    const name = h.name();
    await h.client.send(new CreateTableCommand(hashTable(name)));
    const updated = await h.client.send(
      new UpdateTableCommand({ TableName: name, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 } }),
    );
    assert.equal(updated.TableDescription?.TableName, name);
    const t = (await h.client.send(new DescribeTableCommand({ TableName: name }))).Table!;
    assert.equal(t.ProvisionedThroughput?.ReadCapacityUnits, 3);
    assert.equal(t.ProvisionedThroughput?.WriteCapacityUnits, 4);
    assert.notEqual(t.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  });

  test('updating a missing table is ResourceNotFoundException', async () => {
    const err = await sdkError(() =>
      h.client.send(new UpdateTableCommand({ TableName: h.name('missing'), BillingMode: 'PAY_PER_REQUEST' })),
    );
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.equal(err.$metadata.httpStatusCode, 400);
  });
});

describe('DeleteTable', () => {
  test('deletes a table: it is no longer described or listed', async () => {
    const name = h.name();
    await h.client.send(new CreateTableCommand(hashTable(name)));
    const deleted = await h.client.send(new DeleteTableCommand({ TableName: name }));
    assert.equal(deleted.TableDescription?.TableName, name);
    assert.ok(['DELETING', 'ACTIVE'].includes(deleted.TableDescription?.TableStatus ?? ''));
    const err = await sdkError(() => h.client.send(new DescribeTableCommand({ TableName: name })));
    assert.equal(err.name, 'ResourceNotFoundException');
    const list = await h.client.send(new ListTablesCommand({}));
    assert.ok(!list.TableNames!.includes(name));
  });

  test('deleting a missing table is ResourceNotFoundException', async () => {
    const err = await sdkError(() => h.client.send(new DeleteTableCommand({ TableName: h.name('missing') })));
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.match(err.message, /^Requested resource not found/);
  });
});
