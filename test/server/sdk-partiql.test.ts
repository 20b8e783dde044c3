// PartiQL through the real AWS SDK v3 client over HTTP: ExecuteStatement (reads, writes,
// parameters, paging, DuplicateItemException as the SDK's modelled exception),
// BatchExecuteStatement (per-statement errors) and ExecuteTransaction (all or nothing,
// cancellation reasons, reads).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BatchExecuteStatementCommand, DuplicateItemException, ExecuteStatementCommand, ExecuteTransactionCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { createKeyedTable, sdkError, startHarness, type Harness } from './harness';

let h: Harness;
let table: string;

before(async () => {
  h = await startHarness();
  table = h.name('pq');
  await createKeyedTable(h.client, table);
});
after(async () => {
  await h.close();
});

const exec = (Statement: string, extra: Record<string, unknown> = {}) => h.client.send(new ExecuteStatementCommand({ Statement, ...extra }));

test('INSERT, SELECT with parameters and paging, UPDATE with RETURNING and DELETE through the SDK', async () => {
  for (let i = 0; i < 5; i++) await exec(`INSERT INTO "${table}" VALUE {'pk': 'a', 'sk': ?, 'n': ?}`, { Parameters: [{ N: String(i) }, { N: String(i * i) }] });
  const dup = await sdkError(() => exec(`INSERT INTO "${table}" VALUE {'pk': 'a', 'sk': 1}`));
  assert.ok(dup instanceof DuplicateItemException, dup.name);
  assert.equal(dup.message, 'Duplicate primary key exists in table');

  const first = await exec(`SELECT sk FROM "${table}" WHERE pk = ?`, { Parameters: [{ S: 'a' }], Limit: 3, ReturnConsumedCapacity: 'TOTAL' });
  assert.deepEqual(first.Items?.map((i) => i.sk.N), ['0', '1', '2']);
  assert.equal(first.ConsumedCapacity?.TableName, table);
  assert.ok(first.NextToken);
  const rest = await exec(`SELECT sk FROM "${table}" WHERE pk = ?`, { Parameters: [{ S: 'a' }], NextToken: first.NextToken });
  assert.deepEqual(rest.Items?.map((i) => i.sk.N), ['3', '4']);

  const updated = await exec(`UPDATE "${table}" SET n = n + 100 WHERE pk = 'a' AND sk = 2 RETURNING ALL NEW *`);
  assert.deepEqual(updated.Items, [{ pk: { S: 'a' }, sk: { N: '2' }, n: { N: '104' } }]);
  const filtered = await exec(`SELECT sk FROM "${table}" WHERE pk = 'a' AND n > 10`);
  assert.deepEqual(filtered.Items?.map((i) => i.sk.N), ['2', '4']);
  await exec(`DELETE FROM "${table}" WHERE pk = 'a' AND sk = 4`);
  assert.deepEqual((await exec(`SELECT * FROM "${table}" WHERE pk = 'a' AND sk = 4`)).Items, []);

  const bad = await sdkError(() => exec(`SELECT * FROM "${table}" WHERE`));
  assert.equal(bad.name, 'ValidationException');
  assert.equal(bad.message, `Statement wasn't well formed, can't be processed: SELECT * FROM "${table}" WHERE`);
});

test('BatchExecuteStatement answers each statement on its own, with DynamoDB error codes', async () => {
  const r = await h.client.send(
    new BatchExecuteStatementCommand({
      Statements: [
        { Statement: `INSERT INTO "${table}" VALUE {'pk': 'b', 'sk': 1}` },
        { Statement: `INSERT INTO "${table}" VALUE {'pk': 'a', 'sk': 0}` },
        { Statement: `UPDATE "${table}" SET n = 1 WHERE pk = 'a' AND sk = 1 AND n = 99`, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
        { Statement: `UPDATE "${table}" SET n = 1 WHERE pk = 'a'` },
      ],
    }),
  );
  assert.deepEqual(r.Responses?.map((x) => x.Error?.Code ?? 'ok'), ['ok', 'DuplicateItem', 'ConditionalCheckFailed', 'ValidationError']);
  assert.deepEqual(r.Responses?.[2].Error?.Item, { pk: { S: 'a' }, sk: { N: '1' }, n: { N: '1' } });
  const reads = await h.client.send(new BatchExecuteStatementCommand({ Statements: [{ Statement: `SELECT * FROM "${table}" WHERE pk = 'b' AND sk = 1` }, { Statement: `SELECT * FROM "${table}" WHERE pk = 'b' AND sk = 2` }] }));
  assert.deepEqual(reads.Responses, [{ TableName: table, Item: { pk: { S: 'b' }, sk: { N: '1' } } }, { TableName: table }]);
});

test('ExecuteTransaction commits all statements or none, and reads in one state', async () => {
  await h.client.send(
    new ExecuteTransactionCommand({
      TransactStatements: [
        { Statement: `INSERT INTO "${table}" VALUE {'pk': 't', 'sk': 1, 'n': 10}` },
        { Statement: `INSERT INTO "${table}" VALUE {'pk': 't', 'sk': 2, 'n': 0}` },
      ],
    }),
  );
  const refused = await sdkError(() =>
    h.client.send(
      new ExecuteTransactionCommand({
        TransactStatements: [
          { Statement: `UPDATE "${table}" SET n = n - 20 WHERE pk = 't' AND sk = 1 AND n >= 20`, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
          { Statement: `UPDATE "${table}" SET n = n + 20 WHERE pk = 't' AND sk = 2` },
        ],
      }),
    ),
  );
  assert.ok(refused instanceof TransactionCanceledException, refused.name);
  assert.deepEqual(refused.CancellationReasons?.map((c: { Code?: string }) => c.Code), ['ConditionalCheckFailed', 'None']);
  assert.deepEqual(refused.CancellationReasons?.[0].Item, { pk: { S: 't' }, sk: { N: '1' }, n: { N: '10' } });
  await h.client.send(
    new ExecuteTransactionCommand({
      TransactStatements: [
        { Statement: `UPDATE "${table}" SET n = n - 4 WHERE pk = 't' AND sk = 1 AND n >= 4` },
        { Statement: `UPDATE "${table}" SET n = n + 4 WHERE pk = 't' AND sk = 2` },
      ],
      ClientRequestToken: 'pq-sdk-token',
    }),
  );
  const read = await h.client.send(
    new ExecuteTransactionCommand({
      TransactStatements: [{ Statement: `SELECT n FROM "${table}" WHERE pk = 't' AND sk = 1` }, { Statement: `SELECT n FROM "${table}" WHERE pk = ? AND sk = ?`, Parameters: [{ S: 't' }, { N: '2' }] }],
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  assert.deepEqual(read.Responses?.map((x) => x.Item?.n.N), ['6', '4']);
  assert.equal(read.ConsumedCapacity?.[0].CapacityUnits, 4, 'two transactional reads of small items: 2 units each');
});
