// ExecuteStatement on the engine: which request each statement becomes (GetItem, Query, Scan,
// PutItem, UpdateItem, DeleteItem), that it reports the capacity that request reports, pages with
// Limit and NextToken, reads indexes, binds parameters, and writes through the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Database } from '../../../src/engine/database';
import { DynamoDBError } from '../../../src/engine/errors';
import { prepare } from '../../../src/engine/partiql';
import fc from 'fast-check';
import { memoryDb, refusal, tempDir } from '../helpers';

const TABLE = {
  TableName: 'orders',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
    { AttributeName: 'status', AttributeType: 'S' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
  GlobalSecondaryIndexes: [{ IndexName: 'by_status', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
};

async function seeded(dir = ''): Promise<Database> {
  const db = await Database.open(dir, { inMemory: dir === '' });
  await db.execute('CreateTable', TABLE);
  for (let i = 0; i < 12; i++) {
    await db.execute('PutItem', {
      TableName: 'orders',
      Item: { pk: { S: i < 8 ? 'alice' : 'bob' }, sk: { N: String(i) }, status: { S: i % 3 === 0 ? 'open' : 'done' }, total: { N: String(i * 10) }, note: { S: 'x'.repeat(i * 500) } },
    });
  }
  return db;
}

type Answer = { Items: Record<string, any>[]; NextToken?: string; ConsumedCapacity?: Record<string, unknown> };
const run = (db: Database, input: Record<string, unknown>) => db.execute('ExecuteStatement', input) as Promise<Answer>;

test('each statement becomes the request DynamoDB would run: GetItem, Query (table or index), Scan, or a write', async () => {
  const db = await seeded();
  const op = (Statement: string, Parameters?: unknown[]) => prepare(db, { Statement, Parameters }).operation;
  assert.equal(op("SELECT * FROM orders WHERE pk = 'alice' AND sk = 3"), 'GetItem');
  assert.equal(op('SELECT * FROM orders WHERE sk = ? AND pk = ?', [{ N: '3' }, { S: 'alice' }]), 'GetItem');
  assert.equal(op("SELECT total FROM orders WHERE pk = 'alice' AND sk > 3 AND total > 10"), 'Query');
  assert.equal(op(`SELECT * FROM "orders"."by_status" WHERE status = 'open'`), 'Query');
  assert.equal(op("SELECT * FROM orders WHERE total > 10"), 'Scan');
  assert.equal(op("SELECT * FROM orders WHERE pk = 'alice' OR pk = 'bob'"), 'Query');
  assert.equal(op("SELECT * FROM orders WHERE pk = 'alice' OR total = 3"), 'Scan');
  assert.equal(op("SELECT * FROM orders WHERE pk IN ['alice'] AND sk IN [1, 2]"), 'Scan');
  assert.equal(op("INSERT INTO orders VALUE {'pk': 'carol', 'sk': 1}"), 'PutItem');
  assert.equal(op("UPDATE orders SET total = total + 1 WHERE pk = 'alice' AND sk = 1"), 'UpdateItem');
  assert.equal(op("DELETE FROM orders WHERE pk = 'alice' AND sk = 1"), 'DeleteItem');
  await db.close();
});

test('each statement reports the ConsumedCapacity its equivalent request reports', async () => {
  const db = await seeded();
  const cc = async (op: string, input: Record<string, unknown>) => ((await db.execute(op, { ...input, ReturnConsumedCapacity: 'INDEXES' })) as any).ConsumedCapacity;
  const key = { pk: { S: 'alice' }, sk: { N: '7' } };
  assert.deepEqual(await cc('ExecuteStatement', { Statement: "SELECT * FROM orders WHERE pk = 'alice' AND sk = 7" }), await cc('GetItem', { TableName: 'orders', Key: key }));
  const strong = await cc('ExecuteStatement', { Statement: "SELECT * FROM orders WHERE pk = 'alice' AND sk = 7", ConsistentRead: true });
  assert.deepEqual(strong, await cc('GetItem', { TableName: 'orders', Key: key, ConsistentRead: true }));
  assert.equal(strong.CapacityUnits, 1, 'a 3.5 KB item read strongly is one unit');
  const query = await cc('Query', { TableName: 'orders', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'alice' } } });
  assert.deepEqual(await cc('ExecuteStatement', { Statement: "SELECT * FROM orders WHERE pk = 'alice'" }), query);
  assert.ok(query.CapacityUnits > 1, 'the partition holds more than 4 KB');
  assert.deepEqual(await cc('ExecuteStatement', { Statement: 'SELECT * FROM orders WHERE total > 0' }), await cc('Scan', { TableName: 'orders' }));
  const index = await cc('ExecuteStatement', { Statement: `SELECT * FROM "orders"."by_status" WHERE status = 'open'` });
  assert.deepEqual(index, await cc('Query', { TableName: 'orders', IndexName: 'by_status', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'open' } } }));
  assert.ok(index.GlobalSecondaryIndexes?.by_status, 'the index read is charged to the index');
  const put = await cc('ExecuteStatement', { Statement: "INSERT INTO orders VALUE {'pk': 'carol', 'sk': 1, 'status': 'open'}" });
  assert.deepEqual(put, await cc('PutItem', { TableName: 'orders', Item: { pk: { S: 'carol' }, sk: { N: '2' }, status: { S: 'open' } } }));
  const update = await cc('ExecuteStatement', { Statement: "UPDATE orders SET total = 5 WHERE pk = 'carol' AND sk = 1" });
  assert.deepEqual(update, await cc('UpdateItem', { TableName: 'orders', Key: { pk: { S: 'carol' }, sk: { N: '2' } }, UpdateExpression: 'SET #t = :t', ExpressionAttributeNames: { '#t': 'total' }, ExpressionAttributeValues: { ':t': { N: '5' } } }));
  const del = await cc('ExecuteStatement', { Statement: "DELETE FROM orders WHERE pk = 'carol' AND sk = 1" });
  assert.deepEqual(del, await cc('DeleteItem', { TableName: 'orders', Key: { pk: { S: 'carol' }, sk: { N: '2' } } }));
  assert.ok(del.GlobalSecondaryIndexes?.by_status, 'removing an indexed item writes the index too');
  await db.close();
});

test('Limit and NextToken page through a partition in key order, and ORDER BY DESC reads it backwards', async () => {
  const db = await seeded();
  const Statement = "SELECT sk FROM orders WHERE pk = 'alice'";
  const seen: string[] = [];
  let NextToken: string | undefined;
  let pages = 0;
  do {
    const r = await run(db, { Statement, Limit: 3, ...(NextToken ? { NextToken } : {}) });
    seen.push(...r.Items.map((i) => i.sk.N));
    NextToken = r.NextToken;
    pages++;
  } while (NextToken);
  assert.deepEqual(seen, ['0', '1', '2', '3', '4', '5', '6', '7']);
  assert.equal(pages, 3);
  const desc = await run(db, { Statement: "SELECT * FROM orders WHERE pk = 'alice' ORDER BY sk DESC", Limit: 2 });
  assert.deepEqual(desc.Items.map((i) => i.sk.N), ['7', '6']);
  assert.equal((await refusal(run(db, { Statement, NextToken: 'not-a-token' }))).message, 'Invalid NextToken');
  await db.close();
});

test('WHERE beyond the key filters, with nested paths, functions and IS MISSING, and parameters bind in order', async () => {
  const db = await seeded();
  await run(db, { Statement: "UPDATE orders SET info = {'tags': ['a', 'b'], 'city': 'Lyon'} WHERE pk = 'bob' AND sk = 9" });
  const ids = async (Statement: string, Parameters?: unknown[]) => (await run(db, { Statement, ...(Parameters ? { Parameters } : {}) })).Items.map((i) => Number(i.sk.N)).sort((a, b) => a - b);
  assert.deepEqual(await ids("SELECT sk FROM orders WHERE pk = 'alice' AND sk BETWEEN 2 AND 5 AND total <> 30"), [2, 4, 5]);
  assert.deepEqual(await ids('SELECT sk FROM orders WHERE info.city = ? AND size(info.tags) = ?', [{ S: 'Lyon' }, { N: '2' }]), [9]);
  assert.deepEqual(await ids("SELECT sk FROM orders WHERE contains(info.tags, 'b') AND begins_with(status, 'o')"), [9]);
  assert.deepEqual(await ids("SELECT sk FROM orders WHERE info IS NOT MISSING OR attribute_type(total, 'S')"), [9]);
  assert.equal((await ids('SELECT sk FROM orders WHERE info IS MISSING')).length, 11);
  const nested = await run(db, { Statement: "SELECT info.city, info.tags[1] FROM orders WHERE pk = 'bob' AND sk = 9" });
  assert.deepEqual(nested.Items, [{ city: { S: 'Lyon' }, 'tags[1]': { S: 'b' } }]);
  assert.equal((await refusal(run(db, { Statement: 'SELECT * FROM orders WHERE pk = ? AND sk = ?', Parameters: [{ S: 'a' }] }))).message, "Number of parameters in request and statement don't match.");
  await db.close();
});

test('INSERT refuses a taken key with DuplicateItemException, UPDATE needs the item and the whole key, RETURNING gives the item', async () => {
  const db = await seeded();
  const dup = await refusal(run(db, { Statement: "INSERT INTO orders VALUE {'pk': 'alice', 'sk': 1}" }));
  assert.equal(dup.type, 'DuplicateItemException');
  assert.equal(dup.message, 'Duplicate primary key exists in table');
  assert.equal((await refusal(run(db, { Statement: "UPDATE orders SET total = 1 WHERE pk = 'zed' AND sk = 1" }))).type, 'ConditionalCheckFailedException');
  assert.equal((await refusal(run(db, { Statement: "UPDATE orders SET total = 1 WHERE pk = 'alice'" }))).message, 'Where clause does not contain a mandatory equality on all key attributes');
  const r = await run(db, { Statement: "UPDATE orders SET total = total + 5, tags = list_append([1], [2]) REMOVE note WHERE pk = 'alice' AND sk = 2 RETURNING MODIFIED NEW *" });
  assert.deepEqual(r.Items, [{ total: { N: '25' }, tags: { L: [{ N: '1' }, { N: '2' }] } }]);
  const old = await run(db, { Statement: "DELETE FROM orders WHERE pk = 'alice' AND sk = 2 RETURNING ALL OLD *" });
  assert.equal(old.Items[0].total.N, '25');
  assert.deepEqual((await run(db, { Statement: "SELECT * FROM orders WHERE pk = 'alice' AND sk = 2" })).Items, []);
  await db.close();
});

test('PartiQL writes go through the log: they are there after the database is reopened', async () => {
  const dir = tempDir('dw-partiql-');
  try {
    let db = await seeded(dir);
    await run(db, { Statement: "INSERT INTO orders VALUE {'pk': 'dave', 'sk': 1, 'total': 3}" });
    await run(db, { Statement: "UPDATE orders SET total = total * 1 WHERE pk = 'dave' AND sk = 1" }).catch(() => undefined);
    await run(db, { Statement: "UPDATE orders SET total = total + 4 WHERE pk = 'dave' AND sk = 1" });
    await run(db, { Statement: "DELETE FROM orders WHERE pk = 'alice' AND sk = 0" });
    await db.execute('ExecuteTransaction', { TransactStatements: [{ Statement: "INSERT INTO orders VALUE {'pk': 'erin', 'sk': 1}" }, { Statement: "DELETE FROM orders WHERE pk = 'alice' AND sk = 1" }] });
    await db.close();
    db = await Database.open(dir);
    assert.deepEqual((await run(db, { Statement: "SELECT total FROM orders WHERE pk = 'dave' AND sk = 1" })).Items, [{ total: { N: '7' } }]);
    assert.deepEqual((await run(db, { Statement: "SELECT sk FROM orders WHERE pk = 'alice' AND sk < 2" })).Items, []);
    assert.equal((await run(db, { Statement: "SELECT * FROM orders WHERE pk = 'erin' AND sk = 1" })).Items.length, 1);
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no statement text, however it mixes the grammar\'s pieces, answers with anything but a DynamoDB error', async () => {
  const db = await seeded();
  const pieces = ['SELECT', '*', 'FROM', 'orders', '"orders"."by_status"', 'WHERE', 'pk', 'sk', 'status', 'total', 'info.city', 'l[0]', '=', '<>', '<', '>=', "'alice'", '7', '?', 'AND', 'OR', 'NOT', '(', ')', '[', ']', '{', '}', ',', ':', "'k'", '<<', '>>', 'UPDATE', 'SET', 'REMOVE', 'DELETE', 'INSERT', 'INTO', 'VALUE', 'RETURNING', 'ALL', 'OLD', 'NEW', 'MODIFIED', 'IS', 'MISSING', 'BETWEEN', 'IN', 'size(total)', "begins_with(pk, 'a')", 'list_append', '+', '-', 'ORDER', 'BY', 'DESC', 'EXISTS'];
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 16 }), fc.array(fc.constantFrom<unknown>({ S: 'alice' }, { N: '3' }, { BOOL: true }, { S: 1 }, {}), { maxLength: 3 }), async (parts, Parameters) => {
      try {
        await db.execute('ExecuteStatement', { Statement: parts.join(' '), ...(Parameters.length ? { Parameters } : {}) });
      } catch (e) {
        assert.ok(e instanceof DynamoDBError && e.statusCode === 400, `${parts.join(' ')}: ${e instanceof Error ? e.stack : e}`);
      }
    }),
    { numRuns: 1500 },
  );
  await db.close();
});

test('partition key IN [...] runs one Query per value: their items, their summed capacity, and pages across values', async () => {
  const db = await seeded();
  const p = prepare(db, { Statement: "SELECT sk FROM orders WHERE pk IN ['bob', 'zed', 'alice'] AND total > 20" });
  assert.equal(p.operation, 'Query');
  assert.deepEqual(p.partitions?.values, [{ S: 'bob' }, { S: 'zed' }, { S: 'alice' }]);
  const all = await run(db, { Statement: "SELECT sk FROM orders WHERE pk IN ['bob', 'zed', 'alice'] AND total > 20", ReturnConsumedCapacity: 'TOTAL' });
  assert.deepEqual(all.Items.map((i) => i.sk.N), ['8', '9', '10', '11', '3', '4', '5', '6', '7'], 'each partition in the order given, in key order');
  const units = async (pk: string) => ((await db.execute('Query', { TableName: 'orders', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: pk } }, ReturnConsumedCapacity: 'TOTAL' })) as any).ConsumedCapacity.CapacityUnits;
  assert.deepEqual(all.ConsumedCapacity, { TableName: 'orders', CapacityUnits: (await units('bob')) + (await units('zed')) + (await units('alice')) });
  const ored = await run(db, { Statement: "SELECT sk FROM orders WHERE (pk = 'bob' OR pk = 'zed' OR pk = 'alice') AND total > 20" });
  assert.deepEqual(ored.Items, all.Items);
  const paged: string[] = [];
  let NextToken: string | undefined;
  do {
    const r = await run(db, { Statement: "SELECT sk FROM orders WHERE pk IN ['bob', 'zed', 'alice']", Limit: 3, ...(NextToken ? { NextToken } : {}) });
    assert.ok(r.Items.length <= 3);
    paged.push(...r.Items.map((i) => i.sk.N));
    NextToken = r.NextToken;
  } while (NextToken);
  assert.deepEqual(paged, ['8', '9', '10', '11', '0', '1', '2', '3', '4', '5', '6', '7']);
  await db.close();
});

test('PartiQL writes, single and transactional, reach the table\'s stream as the equivalent calls do', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'streamed',
    KeySchema: TABLE.KeySchema,
    AttributeDefinitions: TABLE.AttributeDefinitions.slice(0, 2),
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
  await run(db, { Statement: "INSERT INTO streamed VALUE {'pk': 'a', 'sk': 1, 'n': 1}" });
  await run(db, { Statement: "UPDATE streamed SET n = n + 1 WHERE pk = 'a' AND sk = 1" });
  await run(db, { Statement: "UPDATE streamed SET n = 9 WHERE pk = 'a' AND sk = 1 AND n = 100" }).catch(() => undefined);
  await db.execute('ExecuteTransaction', { TransactStatements: [{ Statement: "DELETE FROM streamed WHERE pk = 'a' AND sk = 1" }, { Statement: "INSERT INTO streamed VALUE {'pk': 'b', 'sk': 1}" }] });
  const arn = ((await db.streams.execute('ListStreams', { TableName: 'streamed' })) as any).Streams[0].StreamArn;
  const shard = ((await db.streams.execute('DescribeStream', { StreamArn: arn })) as any).StreamDescription.Shards[0];
  const it = ((await db.streams.execute('GetShardIterator', { StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })) as any).ShardIterator;
  const records = ((await db.streams.execute('GetRecords', { ShardIterator: it })) as any).Records;
  assert.deepEqual(records.map((r: any) => [r.eventName, r.dynamodb.Keys.pk.S, r.dynamodb.NewImage?.n?.N ?? null]), [
    ['INSERT', 'a', '1'],
    ['MODIFY', 'a', '2'],
    ['REMOVE', 'a', null],
    ['INSERT', 'b', null],
  ]);
  await db.close();
});

const strings = (n: number, prefix = 'v') => Array.from({ length: n }, (_, i) => `'${prefix}${i}'`).join(', ');

test('IN takes at most 100 operands anywhere, counted before the table is looked up, with DynamoDB\'s message', async () => {
  const db = await seeded();
  const tooMany = 'The IN operator is provided with too many operands; number of operands: 101';
  assert.deepEqual((await run(db, { Statement: `SELECT * FROM orders WHERE status IN [${strings(100)}]` })).Items, []);
  for (const Statement of [
    `SELECT * FROM orders WHERE status IN [${strings(101)}]`,
    `SELECT * FROM nowhere WHERE status IN (${strings(101)})`,
    `SELECT * FROM orders WHERE pk = 'alice' AND NOT (sk IN [${Array.from({ length: 101 }, (_, i) => i).join(', ')}])`,
    `UPDATE orders SET total = 1 WHERE pk = 'alice' AND sk = 1 AND status IN [${strings(101)}]`,
  ]) {
    const e = await refusal(run(db, { Statement }));
    assert.equal(e.type, 'ValidationException');
    assert.equal(e.message, tooMany, Statement.slice(0, 60));
  }
  const params = await refusal(run(db, { Statement: `SELECT * FROM orders WHERE status IN [${Array(101).fill('?').join(', ')}]`, Parameters: Array(101).fill({ S: 'open' }) }));
  assert.equal(params.message, tooMany, 'parameters are operands too');
  const tx = await refusal(db.execute('ExecuteTransaction', { TransactStatements: [{ Statement: `EXISTS(SELECT * FROM orders WHERE pk = 'alice' AND sk = 1 AND status IN [${strings(101)}])` }] }));
  assert.equal(tx.message, `Validation failed in TransactStatements[0]: ${tooMany}`);
  await db.close();
});

test('a partition key IN takes at most 50 values, as DynamoDB documents; other attributes keep the 100 limit', async () => {
  const db = await seeded();
  const fifty = await run(db, { Statement: `SELECT * FROM orders WHERE pk IN ['alice', ${strings(49, 'nobody')}]` });
  assert.equal(fifty.Items.length, 8);
  const e = await refusal(run(db, { Statement: `SELECT * FROM orders WHERE pk IN ['alice', ${strings(50, 'nobody')}]` }));
  assert.equal(e.type, 'ValidationException');
  assert.match(e.message, /too many partition key operands; number of operands: 51, maximum: 50/);
  const index = await refusal(run(db, { Statement: `SELECT * FROM "orders"."by_status" WHERE status IN ['open', ${strings(50)}]` }));
  assert.match(index.message, /number of operands: 51, maximum: 50/, "an index's partition key has the same limit");
  await db.close();
});

test('EXISTS outside ExecuteTransaction is refused as DynamoDB refuses it, before the table is looked up', async () => {
  const db = await seeded();
  const message = 'EXISTS can only be used in ExecuteTransaction write requests.';
  for (const table of ['orders', 'nowhere']) {
    const e = await refusal(run(db, { Statement: `EXISTS(SELECT * FROM ${table} WHERE pk = 'alice' AND sk = 1 AND total = 10)` }));
    assert.equal(e.type, 'ValidationException');
    assert.equal(e.message, message, table);
  }
  const batch = (await db.execute('BatchExecuteStatement', { Statements: [{ Statement: "EXISTS(SELECT * FROM orders WHERE pk = 'alice' AND sk = 1 AND total = 10)" }] })) as any;
  assert.deepEqual(batch.Responses, [{ Error: { Code: 'ValidationError', Message: message } }]);
  // Inside ExecuteTransaction it is a condition check: this one holds, so the transaction commits.
  await db.execute('ExecuteTransaction', { TransactStatements: [
    { Statement: "EXISTS(SELECT * FROM orders WHERE pk = 'alice' AND sk = 1 AND total = 10)" },
    { Statement: "UPDATE orders SET checked = true WHERE pk = 'alice' AND sk = 2" },
  ] });
  assert.deepEqual((await run(db, { Statement: "SELECT checked FROM orders WHERE pk = 'alice' AND sk = 2" })).Items, [{ checked: { BOOL: true } }]);
  await db.close();
});
