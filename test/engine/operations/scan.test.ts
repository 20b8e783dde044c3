import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { segmentHashRange } from '../../../src/engine/operations/scan';
import { memoryDb, rejects } from '../helpers';

async function seeded(partitions = 20, perPartition = 5): Promise<Database> {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'SSS',
    KeySchema: [{ AttributeName: 'p', KeyType: 'HASH' }, { AttributeName: 's', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'p', AttributeType: 'S' }, { AttributeName: 's', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (let p = 0; p < partitions; p++) {
    for (let s = 0; s < perPartition; s++) {
      await db.execute('PutItem', { TableName: 'SSS', Item: { p: { S: `p${p}` }, s: { N: String(s) }, n: { N: String(p * 10 + s) }, tag: { S: s % 2 ? 'odd' : 'even' } } });
    }
  }
  return db;
}

const scan = (db: Database, extra: Record<string, unknown> = {}) => db.execute('Scan', { TableName: 'SSS', ...extra }) as Promise<any>;
const ids = (r: any) => r.Items.map((i: any) => `${i.p.S}/${i.s.N}`);

test('a full Scan returns every item, partitions in hash order, sort keys ascending within one', async () => {
  const db = await seeded();
  const r = await scan(db);
  assert.equal(r.Count, 100);
  assert.equal(r.ScannedCount, 100);
  assert.equal(r.LastEvaluatedKey, undefined);
  const seen = ids(r);
  assert.equal(new Set(seen).size, 100);
  // Each partition is contiguous and ascending.
  const order = r.Items.map((i: any) => i.p.S);
  const firstIndex = new Map<string, number>();
  order.forEach((p: string, i: number) => { if (!firstIndex.has(p)) firstIndex.set(p, i); });
  for (const [p, i] of firstIndex) assert.deepEqual(order.slice(i, i + 5), [p, p, p, p, p]);
});

test('Limit pages with LastEvaluatedKey until the table is exhausted; the filter applies after Limit', async () => {
  const db = await seeded();
  const seen: string[] = [];
  let start: unknown;
  let pages = 0;
  let scanned = 0;
  do {
    const r = await scan(db, { Limit: 7, ExclusiveStartKey: start, FilterExpression: 'tag = :t', ExpressionAttributeValues: { ':t': { S: 'odd' } } });
    assert.ok(r.ScannedCount <= 7);
    scanned += r.ScannedCount;
    seen.push(...ids(r));
    start = r.LastEvaluatedKey;
    pages++;
  } while (start);
  assert.equal(scanned, 100);
  assert.equal(seen.length, 40);
  assert.equal(pages, 15); // 100 items / 7 → 15 pages, the last one not full
});

test('a page cut exactly at the last item still carries LastEvaluatedKey (no look-ahead)', async () => {
  const db = await seeded(2, 2);
  const r = await scan(db, { Limit: 4 });
  assert.equal(r.Count, 4);
  assert.ok(r.LastEvaluatedKey);
  const next = await scan(db, { Limit: 4, ExclusiveStartKey: r.LastEvaluatedKey });
  assert.equal(next.Count, 0);
  assert.equal(next.LastEvaluatedKey, undefined);
});

test('the 1 MB page limit applies to items read, before the filter', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'Big', KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  });
  const pad = 'x'.repeat(100 * 1024);
  for (let i = 0; i < 25; i++) await db.execute('PutItem', { TableName: 'Big', Item: { k: { S: `k${i}` }, padding: { S: pad } } });
  const r = (await db.execute('Scan', { TableName: 'Big', FilterExpression: 'attribute_not_exists(padding)', ReturnConsumedCapacity: 'TOTAL' })) as any;
  assert.equal(r.Count, 0);
  // 100 KB items: the page stops at the first item that reaches 1 MB (the 11th).
  assert.equal(r.ScannedCount, 11);
  assert.ok(r.LastEvaluatedKey);
  assert.equal(r.ConsumedCapacity.CapacityUnits, Math.ceil((11 * (100 * 1024 + 3 + 1 + 7)) / 4096) / 2);
  let total = r.ScannedCount;
  let start = r.LastEvaluatedKey;
  while (start) {
    const n = (await db.execute('Scan', { TableName: 'Big', Select: 'COUNT', ExclusiveStartKey: start })) as any;
    total += n.ScannedCount;
    start = n.LastEvaluatedKey;
  }
  assert.equal(total, 25);
});

test('Select COUNT, SPECIFIC_ATTRIBUTES, ProjectionExpression and AttributesToGet', async () => {
  const db = await seeded(3, 2);
  const count = await scan(db, { Select: 'COUNT' });
  assert.deepEqual(count, { Count: 6, ScannedCount: 6 });
  const proj = await scan(db, { ProjectionExpression: 'n' });
  assert.ok(proj.Items.every((i: any) => Object.keys(i).join() === 'n'));
  const atg = await scan(db, { Select: 'SPECIFIC_ATTRIBUTES', AttributesToGet: ['tag', 'missing'] });
  assert.ok(atg.Items.every((i: any) => Object.keys(i).join() === 'tag'));
  const none = await scan(db, { AttributesToGet: ['missing'] });
  assert.deepEqual(none.Items, [{}, {}, {}, {}, {}, {}]);
  // A filter may read key attributes in a Scan.
  const onKey = await scan(db, { FilterExpression: 'p = :p', ExpressionAttributeValues: { ':p': { S: 'p1' } } });
  assert.equal(onKey.Count, 2);
});

test('Select rules and messages', async () => {
  const db = await seeded(1, 1);
  await rejects(scan(db, { Select: 'ALL_PROJECTED_ATTRIBUTES' }), 'ValidationException', 'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  await rejects(scan(db, { Select: 'SPECIFIC_ATTRIBUTES' }), 'ValidationException', 'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES');
  await rejects(scan(db, { Select: 'ALL_ATTRIBUTES', ProjectionExpression: 'n' }), 'ValidationException', 'Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES');
  await rejects(scan(db, { Select: 'ALL_ATTRIBUTES', AttributesToGet: ['n'] }), 'ValidationException', 'Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES');
  await rejects(scan(db, { Select: 'COUNT', ProjectionExpression: 'n' }), 'ValidationException', 'Cannot specify the ProjectionExpression when choosing to get only the Count');
  await rejects(scan(db, { Select: 'COUNT', AttributesToGet: ['n'] }), 'ValidationException', 'Cannot specify the AttributesToGet when choosing to get only the Count');
  await rejects(scan(db, { Select: 'ALL_ATTRIBUTES', ProjectionExpression: 'a b' }), 'ValidationException', 'Invalid ProjectionExpression: Syntax error; token: "b", near: "a b"');
  await rejects(scan(db, { IndexName: 'byTag' }), 'ValidationException', 'The table does not have the specified index: byTag');
  await rejects(scan(db, { TableName: 'Nope' }), 'ResourceNotFoundException', 'Requested resource not found');
});

test('ExclusiveStartKey checks', async () => {
  const db = await seeded(1, 1);
  const invalid = 'The provided starting key is invalid: The provided key element does not match the schema';
  await rejects(scan(db, { ExclusiveStartKey: { p: { S: 'a' } } }), 'ValidationException', invalid);
  await rejects(scan(db, { ExclusiveStartKey: { p: { S: 'a' }, s: { S: '1' } } }), 'ValidationException', invalid);
  await rejects(scan(db, { ExclusiveStartKey: { p: { S: 'a' }, s: { N: '1' }, x: { N: '1' } } }), 'ValidationException', invalid);
  // A key that no longer exists is a valid position.
  const r = await scan(db, { ExclusiveStartKey: { p: { S: 'zz' }, s: { N: '1' } }, Select: 'COUNT' });
  assert.ok(r.ScannedCount <= 1);
});

test('parallel segments are hash ranges: together they return every item exactly once', async () => {
  const db = await seeded(50, 3);
  for (const total of [1, 2, 3, 7, 16, 1000]) {
    const seen: string[] = [];
    for (let segment = 0; segment < total; segment++) {
      let start: unknown;
      do {
        const r = await scan(db, { Segment: segment, TotalSegments: total, Limit: 4, ExclusiveStartKey: start });
        seen.push(...ids(r));
        start = r.LastEvaluatedKey;
      } while (start);
    }
    assert.equal(seen.length, 150, `TotalSegments ${total}`);
    assert.equal(new Set(seen).size, 150, `TotalSegments ${total}`);
  }
  // A partition never straddles two segments.
  const a = await scan(db, { Segment: 0, TotalSegments: 2 });
  const b = await scan(db, { Segment: 1, TotalSegments: 2 });
  const pa = new Set(a.Items.map((i: any) => i.p.S));
  assert.ok(b.Items.every((i: any) => !pa.has(i.p.S)));
  assert.deepEqual(segmentHashRange(0, 1), [0, 2 ** 32]);
  assert.deepEqual(segmentHashRange(999999, 1000000)[1], 2 ** 32);
});

test('Segment / TotalSegments validation', async () => {
  const db = await seeded(2, 1);
  await rejects(scan(db, { Segment: 0 }), 'ValidationException', 'The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
  await rejects(scan(db, { TotalSegments: 2 }), 'ValidationException', 'The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
  await rejects(scan(db, { Segment: 2, TotalSegments: 2 }), 'ValidationException', 'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not less than TotalSegments: 2');
  await rejects(scan(db, { Segment: 0, TotalSegments: 1000001 }), 'ValidationException', /at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000$/);
  await rejects(scan(db, { Segment: -1, TotalSegments: 4 }), 'ValidationException', /at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0$/);
  await rejects(scan(db, { Segment: 0, TotalSegments: 0 }), 'ValidationException', /at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1$/);
  // A start key from another segment.
  const all = await scan(db, { TotalSegments: 2, Segment: 0 });
  const other = await scan(db, { TotalSegments: 2, Segment: 1 });
  const key = (all.Items[0] ?? other.Items[0]) as any;
  const owner = all.Items.length > 0 ? 0 : 1;
  await rejects(
    scan(db, { TotalSegments: 2, Segment: 1 - owner, ExclusiveStartKey: { p: key.p, s: key.s } }),
    'ValidationException',
    `The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: ${1 - owner}`,
  );
});

test('ConsumedCapacity: item sizes summed, then rounded up to 4 KB; halved unless ConsistentRead', async () => {
  const db = await seeded(4, 5);
  const r = await scan(db, { ReturnConsumedCapacity: 'TOTAL' });
  assert.deepEqual(r.ConsumedCapacity, { TableName: 'SSS', CapacityUnits: 0.5 });
  const c = await scan(db, { ReturnConsumedCapacity: 'INDEXES', ConsistentRead: true, Select: 'COUNT' });
  assert.deepEqual(c.ConsumedCapacity, { TableName: 'SSS', CapacityUnits: 1, Table: { CapacityUnits: 1 } });
  const none = await scan(db, { ReturnConsumedCapacity: 'NONE' });
  assert.equal(none.ConsumedCapacity, undefined);
});

test('ExpressionAttributeNames/Values without expressions, and mixing with legacy parameters', async () => {
  const db = await seeded(1, 1);
  await rejects(scan(db, { ExpressionAttributeValues: { ':v': { S: 'a' } } }), 'ValidationException', 'ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null');
  await rejects(scan(db, { ExpressionAttributeNames: { '#v': 'a' } }), 'ValidationException', 'ExpressionAttributeNames can only be specified when using expressions');
  await rejects(
    scan(db, { ScanFilter: { n: { ComparisonOperator: 'NULL' } }, ConditionalOperator: 'OR', AttributesToGet: ['n'], FilterExpression: 'a = :a', ProjectionExpression: 'n', ExpressionAttributeValues: { ':a': { S: 'a' } } }),
    'ValidationException',
    'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} Expression parameters: {ProjectionExpression, FilterExpression}',
  );
});
