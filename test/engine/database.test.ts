import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database, DatabaseLockedError } from '../../src/engine/database';
import { DynamoDBError } from '../../src/engine/errors';
import { nodeFileSystem } from '../../src/engine/log/file-system';
import { HEADER_BYTES, listSegments as listSegmentsIn, segmentName } from '../../src/engine/log/format';
import { memoryDb, rejects, tempDir } from './helpers';

const listSegments = (dir: string) => listSegmentsIn(nodeFileSystem, dir);

const KEYED = {
  TableName: 'Orders',
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

test('CreateTable, DescribeTable, ListTables, UpdateTable and DeleteTable report what DynamoDB reports', async () => {
  const db = await memoryDb();
  const created = (await db.execute('CreateTable', KEYED)) as any;
  assert.equal(created.TableDescription.TableStatus, 'CREATING');
  assert.equal(created.TableDescription.TableArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/Orders');
  assert.deepEqual(created.TableDescription.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST' });
  const described = (await db.execute('DescribeTable', { TableName: 'Orders' })) as any;
  assert.equal(described.Table.TableStatus, 'ACTIVE');
  assert.equal(described.Table.ItemCount, 0);
  assert.deepEqual(described.Table.ProvisionedThroughput, { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 });
  await rejects(db.execute('CreateTable', KEYED), 'ResourceInUseException', 'Table already exists: Orders');
  await rejects(db.execute('DescribeTable', { TableName: 'Nope' }), 'ResourceNotFoundException', 'Requested resource not found: Table: Nope not found');

  for (const name of ['b-table', 'a-table', 'c-table']) {
    await db.execute('CreateTable', { ...KEYED, TableName: name, BillingMode: undefined, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } });
  }
  const page1 = (await db.execute('ListTables', { Limit: 2 })) as any;
  assert.deepEqual(page1, { TableNames: ['Orders', 'a-table'], LastEvaluatedTableName: 'a-table' });
  const page2 = (await db.execute('ListTables', { Limit: 2, ExclusiveStartTableName: 'a-table' })) as any;
  assert.deepEqual(page2, { TableNames: ['b-table', 'c-table'] });

  const updated = (await db.execute('UpdateTable', { TableName: 'a-table', ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 } })) as any;
  assert.equal(updated.TableDescription.TableStatus, 'UPDATING');
  assert.equal(updated.TableDescription.ProvisionedThroughput.ReadCapacityUnits, 10);
  assert.equal(typeof updated.TableDescription.ProvisionedThroughput.LastIncreaseDateTime, 'number');
  await rejects(
    db.execute('UpdateTable', { TableName: 'a-table', ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 } }),
    'ValidationException',
    /^The provisioned throughput for the table will not change/,
  );
  const ondemand = (await db.execute('UpdateTable', { TableName: 'a-table', BillingMode: 'PAY_PER_REQUEST' })) as any;
  assert.equal(ondemand.TableDescription.BillingModeSummary.BillingMode, 'PAY_PER_REQUEST');
  assert.equal(typeof ondemand.TableDescription.BillingModeSummary.LastUpdateToPayPerRequestDateTime, 'number');
  await rejects(
    db.execute('UpdateTable', { TableName: 'a-table', BillingMode: 'PROVISIONED' }),
    'ValidationException',
    'One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED',
  );

  const deleted = (await db.execute('DeleteTable', { TableName: 'b-table' })) as any;
  assert.equal(deleted.TableDescription.TableStatus, 'DELETING');
  await rejects(db.execute('DeleteTable', { TableName: 'b-table' }), 'ResourceNotFoundException', 'Requested resource not found: Table: b-table not found');
  await db.close();
});

test('CreateTable validation messages', async () => {
  const db = await memoryDb();
  await rejects(
    db.execute('CreateTable', { ...KEYED, TableName: 'ab' }),
    'ValidationException',
    "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
  );
  await rejects(
    db.execute('CreateTable', { TableName: 'x!x', AttributeDefinitions: [] }),
    'ValidationException',
    "2 validation errors detected: Value 'x!x' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
  );
  await rejects(
    db.execute('CreateTable', { ...KEYED, KeySchema: [{ AttributeName: 'sk', KeyType: 'RANGE' }, { AttributeName: 'pk', KeyType: 'HASH' }] }),
    'ValidationException',
    'Invalid KeySchema: The first KeySchemaElement is not a HASH key type',
  );
  await rejects(
    db.execute('CreateTable', { ...KEYED, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }),
    'ValidationException',
    'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [sk], AttributeDefinitions: [pk]',
  );
  await rejects(
    db.execute('CreateTable', { ...KEYED, BillingMode: 'PROVISIONED' }),
    'ValidationException',
    'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
  );
  await rejects(db.execute('CreateTable', { ...KEYED, TableName: 5 }), 'SerializationException', /cannot be converted to String/);
  await rejects(db.execute('NoSuchOp', {}), 'UnknownOperationException', /NoSuchOp/);
  await db.close();
});

test('items round-trip every data type, with numbers normalised', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', KEYED);
  const item = {
    pk: { S: 'user#1' },
    sk: { N: '001.500' },
    s: { S: 'héllo ✓' },
    n: { N: '-12.3400' },
    b: { B: Buffer.from([0, 1, 2, 255]).toString('base64') },
    t: { BOOL: true },
    f: { BOOL: false },
    z: { NULL: true },
    l: { L: [{ S: 'a' }, { N: '1e3' }, { L: [] }, { M: {} }] },
    m: { M: { deep: { M: { x: { SS: ['a', 'b'] } } } } },
    ss: { SS: ['x', 'y'] },
    ns: { NS: ['1', '2.50'] },
    bs: { BS: ['AQ==', 'Ag=='] },
  };
  await db.execute('PutItem', { TableName: 'Orders', Item: item });
  const got = (await db.execute('GetItem', { TableName: 'Orders', Key: { pk: { S: 'user#1' }, sk: { N: '1.5' } } })) as any;
  assert.deepEqual(got.Item, {
    ...item,
    sk: { N: '1.5' },
    n: { N: '-12.34' },
    l: { L: [{ S: 'a' }, { N: '1000' }, { L: [] }, { M: {} }] },
    ns: { NS: ['1', '2.5'] },
  });
  const projected = (await db.execute('GetItem', {
    TableName: 'Orders',
    Key: { pk: { S: 'user#1' }, sk: { N: '1.5' } },
    ProjectionExpression: '#s, m.deep.x, l[1]',
    ExpressionAttributeNames: { '#s': 's' },
  })) as any;
  assert.deepEqual(projected.Item, { s: item.s, m: { M: { deep: { M: { x: { SS: ['a', 'b'] } } } } }, l: { L: [{ N: '1000' }] } });
  const missing = (await db.execute('GetItem', { TableName: 'Orders', Key: { pk: { S: 'nobody' }, sk: { N: '1' } } })) as any;
  assert.deepEqual(missing, {});
  const described = (await db.execute('DescribeTable', { TableName: 'Orders' })) as any;
  assert.equal(described.Table.ItemCount, 1);
  assert.ok(described.Table.TableSizeBytes > 50);
  await db.close();
});

test('key and item validation uses DynamoDB messages', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', KEYED);
  const put = (Item: unknown) => db.execute('PutItem', { TableName: 'Orders', Item });
  await rejects(put({ pk: { S: 'a' } }), 'ValidationException', 'One or more parameter values were invalid: Missing the key sk in the item');
  await rejects(put({ pk: { S: 'a' }, sk: { S: '1' } }), 'ValidationException', 'One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S');
  await rejects(
    put({ pk: { S: '' }, sk: { N: '1' } }),
    'ValidationException',
    'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
  );
  await rejects(
    put({ pk: { S: 'x'.repeat(2049) }, sk: { N: '1' } }),
    'ValidationException',
    'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
  );
  await rejects(put({ pk: { S: 'a' }, sk: { N: '1' }, big: { S: 'x'.repeat(400 * 1024) } }), 'ValidationException', 'Item size has exceeded the maximum allowed size');
  await rejects(put({ pk: { S: 'a' }, sk: { N: '1' }, e: { SS: [] } }), 'ValidationException', 'One or more parameter values were invalid: An string set  may not be empty');
  await rejects(put({ pk: { S: 'a' }, sk: { N: '1' }, e: {} }), 'ValidationException', 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  await rejects(put({ pk: { S: 'a' }, sk: { N: '1e126' } }), 'ValidationException', 'Number overflow. Attempting to store a number with magnitude larger than supported range');
  await rejects(
    db.execute('GetItem', { TableName: 'Orders', Key: { pk: { S: 'a' } } }),
    'ValidationException',
    'The provided key element does not match the schema',
  );
  await rejects(
    db.execute('GetItem', { TableName: 'Orders', Key: { pk: { S: 'a' }, sk: { S: '1' } } }),
    'ValidationException',
    'The provided key element does not match the schema',
  );
  await rejects(db.execute('GetItem', { TableName: 'Missing', Key: { pk: { S: 'a' } } }), 'ResourceNotFoundException', 'Requested resource not found');
  await rejects(
    db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: 'a' }, sk: { N: '1' } }, ReturnValues: 'ALL_NEW' }),
    'ValidationException',
    'ReturnValues can only be ALL_OLD or NONE',
  );
  await db.close();
});

test('ReturnValues of PutItem, UpdateItem and DeleteItem, and conditions', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', KEYED);
  const Key = { pk: { S: 'k' }, sk: { N: '1' } };
  const first = (await db.execute('PutItem', { TableName: 'Orders', Item: { ...Key, a: { N: '1' }, b: { S: 'x' } }, ReturnValues: 'ALL_OLD' })) as any;
  assert.deepEqual(first, {});
  const second = (await db.execute('PutItem', { TableName: 'Orders', Item: { ...Key, a: { N: '2' }, b: { S: 'x' } }, ReturnValues: 'ALL_OLD' })) as any;
  assert.deepEqual(second.Attributes, { ...Key, a: { N: '1' }, b: { S: 'x' } });

  const update = (rv: string, expr = 'SET a = a + :one') =>
    db.execute('UpdateItem', { TableName: 'Orders', Key, UpdateExpression: expr, ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: rv }) as Promise<any>;
  assert.deepEqual((await update('UPDATED_OLD')).Attributes, { a: { N: '2' } });
  assert.deepEqual((await update('UPDATED_NEW')).Attributes, { a: { N: '4' } });
  assert.deepEqual((await update('ALL_OLD')).Attributes, { ...Key, a: { N: '4' }, b: { S: 'x' } });
  assert.deepEqual((await update('ALL_NEW')).Attributes, { ...Key, a: { N: '6' }, b: { S: 'x' } });
  assert.deepEqual(await update('NONE'), {});
  await rejects(
    db.execute('UpdateItem', { TableName: 'Orders', Key, UpdateExpression: 'SET pk = :v', ExpressionAttributeValues: { ':v': { S: 'z' } } }),
    'ValidationException',
    'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key',
  );
  // UpdateItem on a missing item creates it from the key
  const created = (await db.execute('UpdateItem', {
    TableName: 'Orders', Key: { pk: { S: 'new' }, sk: { N: '2' } }, UpdateExpression: 'SET c = :v', ExpressionAttributeValues: { ':v': { S: 'hi' } }, ReturnValues: 'ALL_NEW',
  })) as any;
  assert.deepEqual(created.Attributes, { pk: { S: 'new' }, sk: { N: '2' }, c: { S: 'hi' } });

  await rejects(
    db.execute('PutItem', { TableName: 'Orders', Item: Key, ConditionExpression: 'attribute_not_exists(pk)' }),
    'ConditionalCheckFailedException',
    'The conditional request failed',
  );
  await assert.rejects(
    db.execute('DeleteItem', { TableName: 'Orders', Key, ConditionExpression: 'a = :v', ExpressionAttributeValues: { ':v': { N: '0' } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
    (e: any) => e.type === 'ConditionalCheckFailedException' && e.extra.Item.a.N === '7',
  );
  const removed = (await db.execute('DeleteItem', { TableName: 'Orders', Key, ReturnValues: 'ALL_OLD' })) as any;
  assert.equal(removed.Attributes.a.N, '7');
  assert.deepEqual(await db.execute('GetItem', { TableName: 'Orders', Key }), {});
  assert.deepEqual(await db.execute('DeleteItem', { TableName: 'Orders', Key, ReturnValues: 'ALL_OLD' }), {});
  await db.close();
});

test('ConsumedCapacity for single-item operations', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', KEYED);
  const Key = { pk: { S: 'k' }, sk: { N: '1' } };
  const big = { ...Key, data: { S: 'x'.repeat(5000) } }; // ~5 KB: 5 WCU, 2 RCU strongly consistent
  const put = (await db.execute('PutItem', { TableName: 'Orders', Item: big, ReturnConsumedCapacity: 'TOTAL' })) as any;
  assert.deepEqual(put.ConsumedCapacity, { TableName: 'Orders', CapacityUnits: 5 });
  const strong = (await db.execute('GetItem', { TableName: 'Orders', Key, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' })) as any;
  assert.equal(strong.ConsumedCapacity.CapacityUnits, 2);
  const eventual = (await db.execute('GetItem', { TableName: 'Orders', Key, ReturnConsumedCapacity: 'INDEXES' })) as any;
  assert.deepEqual(eventual.ConsumedCapacity, { TableName: 'Orders', CapacityUnits: 1, Table: { CapacityUnits: 1 } });
  await db.close();
});

test('data survives close and reopen, through the log and through a checkpoint', async () => {
  const dir = tempDir('dw-db-');
  let db = await Database.open(dir, { segmentBytes: 256 * 1024 });
  await db.execute('CreateTable', KEYED);
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 3000; i++) {
    writes.push(db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: `p${i % 50}` }, sk: { N: String(i) }, v: { S: 'x'.repeat(i % 300) } } }));
  }
  await Promise.all(writes);
  for (let i = 0; i < 3000; i += 3) await db.execute('DeleteItem', { TableName: 'Orders', Key: { pk: { S: `p${i % 50}` }, sk: { N: String(i) } } });
  assert.ok(listSegments(dir).length > 2, 'the log rolled over to several segments');
  const wide = { pk: { S: 'wïde ✓ 😀' }, sk: { N: '7' }, v: { S: 'naïve ✓ \u2028 😀' }, m: { M: { 'ключ': { SS: ['☃', 'x'] } } } };
  await db.execute('PutItem', { TableName: 'Orders', Item: wide });
  await db.close();
  db = await Database.open(dir);
  assert.deepEqual(((await db.execute('GetItem', { TableName: 'Orders', Key: { pk: wide.pk, sk: wide.sk } })) as any).Item, wide);
  await db.execute('DeleteItem', { TableName: 'Orders', Key: { pk: wide.pk, sk: wide.sk } });
  const described = (await db.execute('DescribeTable', { TableName: 'Orders' })) as any;
  assert.equal(described.Table.ItemCount, 2000);
  const got = (await db.execute('GetItem', { TableName: 'Orders', Key: { pk: { S: 'p1' }, sk: { N: '1' } } })) as any;
  assert.equal(got.Item.v.S, 'x');
  // writes after the checkpoint come back from the log alone
  await db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: 'late' }, sk: { N: '1' } } });
  fs.rmSync(path.join(dir, 'LOCK')); // simulate a crash: no close, no checkpoint
  const again = await Database.open(dir);
  assert.equal(((await again.execute('DescribeTable', { TableName: 'Orders' })) as any).Table.ItemCount, 2001);
  assert.ok(((await again.execute('GetItem', { TableName: 'Orders', Key: { pk: { S: 'late' }, sk: { N: '1' } } })) as any).Item);
  await again.close();
});

test('a torn last record is dropped and writing resumes after it', async () => {
  const dir = tempDir('dw-db-');
  let db = await Database.open(dir);
  await db.execute('CreateTable', KEYED);
  for (let i = 0; i < 10; i++) await db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: 'p' }, sk: { N: String(i) } } });
  fs.rmSync(path.join(dir, 'LOCK'));
  // Tear the last record: overwrite its final bytes as an interrupted write would leave them.
  const seg = path.join(dir, segmentName(listSegments(dir).at(-1)!));
  const buf = fs.readFileSync(seg);
  let end = HEADER_BYTES;
  while (end + 8 <= buf.length && buf.readUInt32LE(end) !== 0) end += 8 + buf.readUInt32LE(end);
  const fd = fs.openSync(seg, 'r+');
  fs.writeSync(fd, Buffer.from([0xde, 0xad]), 0, 2, end - 2);
  fs.closeSync(fd);
  db = await Database.open(dir);
  const count = ((await db.execute('DescribeTable', { TableName: 'Orders' })) as any).Table.ItemCount;
  assert.equal(count, 9, 'the torn tenth put is gone, the nine before it are intact');
  await db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: 'p' }, sk: { N: '99' } } });
  fs.rmSync(path.join(dir, 'LOCK'));
  db = await Database.open(dir);
  assert.equal(((await db.execute('DescribeTable', { TableName: 'Orders' })) as any).Table.ItemCount, 10);
  await db.close();
});

test('one process owns a data folder; the owner advertises its endpoint', async () => {
  const dir = tempDir('dw-db-');
  const db = await Database.open(dir);
  await db.advertiseEndpoint('http://127.0.0.1:8123');
  await assert.rejects(Database.open(dir), (e: unknown) => e instanceof DatabaseLockedError && e.endpoint === 'http://127.0.0.1:8123');
  await db.close();
  const next = await Database.open(dir);
  await next.close();
});

test('reads, writes and deletes are right while the point-read map fills after a large open', async () => {
  const dir = tempDir('dw-db-');
  let db = await Database.open(dir);
  await db.execute('CreateTable', KEYED);
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 120_000; i++) writes.push(db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: `p${i % 1000}` }, sk: { N: String(i) }, v: { N: String(i) } } }));
  await Promise.all(writes);
  await db.close();
  db = await Database.open(dir);
  const key = (i: number) => ({ pk: { S: `p${i % 1000}` }, sk: { N: String(i) } });
  // immediately after open, before the background fill reaches these keys
  await db.execute('DeleteItem', { TableName: 'Orders', Key: key(119_999) });
  await db.execute('PutItem', { TableName: 'Orders', Item: { ...key(119_998), v: { N: '-1' } } });
  assert.deepEqual(await db.execute('GetItem', { TableName: 'Orders', Key: key(119_999) }), {});
  assert.equal(((await db.execute('GetItem', { TableName: 'Orders', Key: key(119_998) })) as any).Item.v.N, '-1');
  assert.equal(((await db.execute('GetItem', { TableName: 'Orders', Key: key(5) })) as any).Item.v.N, '5');
  await new Promise((r) => setTimeout(r, 200)); // let the fill finish
  assert.deepEqual(await db.execute('GetItem', { TableName: 'Orders', Key: key(119_999) }), {});
  assert.equal(((await db.execute('GetItem', { TableName: 'Orders', Key: key(119_998) })) as any).Item.v.N, '-1');
  assert.equal(((await db.execute('GetItem', { TableName: 'Orders', Key: key(119_997) })) as any).Item.v.N, '119997');
  assert.equal(((await db.execute('DescribeTable', { TableName: 'Orders' })) as any).Table.ItemCount, 119_999);
  await db.close();
});

test('a table created with a stream describes it, and one created with StreamEnabled false has none', async () => {
  const db = await memoryDb();
  const created = (await db.execute('CreateTable', { ...KEYED, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } })) as any;
  assert.deepEqual(created.TableDescription.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  await db.execute('DeleteTable', { TableName: KEYED.TableName });
  const plain = (await db.execute('CreateTable', { ...KEYED, StreamSpecification: { StreamEnabled: false } })) as any;
  assert.equal(plain.TableDescription.StreamSpecification, undefined);
  assert.equal(plain.TableDescription.LatestStreamArn, undefined);
  await db.close();
});

test('a checkpoint taken while writes continue is consistent, and the event loop keeps turning while it is written', async () => {
  const dir = tempDir('dw-db-');
  let db = await Database.open(dir, { checkpointBytes: 512 * 1024 });
  await db.execute('CreateTable', KEYED);
  let turns = 0;
  const ticker = setInterval(() => turns++, 1);
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 30_000; i++) {
    writes.push(db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: `p${i % 300}` }, sk: { N: String(i) }, v: { S: 'y'.repeat(i % 200) } } }));
    if (i % 1000 === 999) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  clearInterval(ticker);
  assert.ok(fs.existsSync(path.join(dir, 'checkpoint.manifest')), 'checkpoints were taken while writing');
  assert.ok(turns > 10, `timers kept firing (${turns})`);
  // Crash (no close): the last checkpoint plus the log must give everything back. This process
  // lives on, so first let the background checkpoint finish rather than race the next owner
  // (a checkpoint asked for now runs after the one in progress).
  await db.checkpoint();
  fs.rmSync(path.join(dir, 'LOCK'));
  db = await Database.open(dir);
  assert.equal(((await db.execute('DescribeTable', { TableName: 'Orders' })) as any).Table.ItemCount, 30_000);
  assert.equal(((await db.execute('GetItem', { TableName: 'Orders', Key: { pk: { S: 'p7' }, sk: { N: '29707' } } })) as any).Item.v.S, 'y'.repeat(29707 % 200));
  await db.close();
});

test('a read that sees a write not yet acknowledged answers only after that write is acknowledged', async () => {
  for (const durability of ['process', 'disk'] as const) {
    const dir = tempDir('dw-db-');
    const db = await Database.open(dir, { durability });
    await db.execute('CreateTable', KEYED);
    let putDone = false;
    let readsDone = 0;
    const put = db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'new' } } }).then(() => (putDone = true));
    const get = db.execute('GetItem', { TableName: 'Orders', Key: { pk: { S: 'a' }, sk: { N: '1' } } }).then((r: any) => (readsDone++, r.Item.v.S));
    const query = db.executeJson('Query', { TableName: 'Orders', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } } }).then((j) => (readsDone++, JSON.parse(j).Count));
    // The log writes the record in a later turn of the event loop: until then neither read may answer.
    for (let i = 0; i < 50; i++) await Promise.resolve();
    assert.equal(putDone, false, durability);
    assert.equal(readsDone, 0, durability);
    assert.deepEqual(await Promise.all([put, get, query]), [true, 'new', 1], durability);
    // With nothing waiting for the log, a read answers at once.
    let answered = false;
    const again = db.execute('GetItem', { TableName: 'Orders', Key: { pk: { S: 'a' }, sk: { N: '1' } } }).then(() => (answered = true));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    assert.equal(answered, true, durability);
    await again;
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed condition that found a write not yet acknowledged is answered only after that write is', async () => {
  const dir = tempDir('dw-db-');
  const db = await Database.open(dir, { durability: 'disk' });
  await db.execute('CreateTable', KEYED);
  let putDone = false;
  let refused = false;
  const put = db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: 'c' }, sk: { N: '1' }, v: { S: 'new' } } }).then(() => (putDone = true));
  const conditional = db
    .execute('PutItem', {
      TableName: 'Orders',
      Item: { pk: { S: 'c' }, sk: { N: '1' } },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })
    .catch((e: any) => ((refused = true), e));
  for (let i = 0; i < 50; i++) await Promise.resolve();
  assert.equal(putDone, false);
  assert.equal(refused, false);
  await put;
  const error = (await conditional) as DynamoDBError;
  assert.equal(error.type, 'ConditionalCheckFailedException');
  assert.deepEqual((error.extra?.Item as any).v, { S: 'new' });
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
