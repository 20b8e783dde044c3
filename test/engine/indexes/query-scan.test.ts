import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../src/engine/database';
import { AD, KS, N, S, gsi, indexedTable, memoryDb, rejects } from './helpers';

async function seeded(): Promise<Database> {
  const db = await memoryDb();
  await indexedTable(db);
  for (let i = 0; i < 10; i++) {
    const item: Record<string, unknown> = { pk: S(i < 5 ? 'p1' : 'p2'), sk: S(`s${i}`), a: S(`a${i}`), b: S(`b${i}`), l: N(10 - i), l2: S(`x${i % 3}`) };
    if (i !== 9) item.g = S(i % 2 === 0 ? 'even' : 'odd');
    if (i % 3 !== 0) item.n = N(i);
    await db.execute('PutItem', { TableName: 'TTT', Item: item });
  }
  return db;
}

const q = (db: Database, extra: Record<string, unknown>) => db.execute('Query', { TableName: 'TTT', ...extra }) as Promise<any>;
const sks = (r: any) => r.Items.map((i: any) => i.sk.S);

test('a GSI query returns the projected entries of one index partition; sparse items are absent', async () => {
  const db = await seeded();
  const r = await q(db, { IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('odd') } });
  assert.deepEqual(sks(r).sort(), ['s1', 's3', 's5', 's7']);
  // KEYS_ONLY: the index key and the table keys.
  assert.deepEqual(r.Items[0], { pk: r.Items[0].pk, sk: r.Items[0].sk, g: S('odd') });
  // s9 has no g: it is in no index partition.
  const all = await db.execute('Scan', { TableName: 'TTT', IndexName: 'byG' }) as any;
  assert.equal(all.Count, 9);
  // INCLUDE: keys plus a; items without n are not in byGN.
  const inc = await q(db, { IndexName: 'byGN', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('even') } });
  assert.deepEqual(inc.Items.map((i: any) => Object.keys(i).sort().join()), ['a,g,n,pk,sk', 'a,g,n,pk,sk', 'a,g,n,pk,sk']);
  assert.deepEqual(inc.Items.map((i: any) => i.n.N), ['2', '4', '8']);
});

test('sort key conditions on an index select the right ranges, both directions', async () => {
  const db = await seeded();
  const ns = (r: any) => r.Items.map((i: any) => Number(i.n.N));
  const cases: Array<[string, Record<string, unknown>, number[]]> = [
    ['n = :v', { ':v': N(5) }, [5]],
    ['n < :v', { ':v': N(5) }, [1, 2, 4]],
    ['n <= :v', { ':v': N(5) }, [1, 2, 4, 5]],
    ['n > :v', { ':v': N(5) }, [7, 8]],
    ['n >= :v', { ':v': N(5) }, [5, 7, 8]],
    ['n BETWEEN :v AND :w', { ':v': N(2), ':w': N(7) }, [2, 4, 5, 7]],
  ];
  for (const [cond, values, want] of cases) {
    const all = { ':g': S('even'), ...values };
    const even = await q(db, { IndexName: 'byGN', KeyConditionExpression: `g = :g AND ${cond}`, ExpressionAttributeValues: all });
    const odd = await q(db, { IndexName: 'byGN', KeyConditionExpression: `g = :h AND ${cond}`, ExpressionAttributeValues: { ...values, ':h': S('odd') } });
    assert.deepEqual([...ns(even), ...ns(odd)].sort((x, y) => x - y), want, cond);
    const back = await q(db, { IndexName: 'byGN', KeyConditionExpression: `g = :g AND ${cond}`, ExpressionAttributeValues: all, ScanIndexForward: false });
    assert.deepEqual(ns(back), [...ns(even)].reverse(), cond);
  }
  // LSI, string sort key: begins_with, and items ordered by the LSI key, then by the table key.
  const lsi = await q(db, { IndexName: 'byLK', KeyConditionExpression: 'pk = :p AND begins_with(l2, :x)', ExpressionAttributeValues: { ':p': S('p1'), ':x': S('x') } });
  assert.deepEqual(lsi.Items.map((i: any) => `${i.l2.S}/${i.sk.S}`), ['x0/s0', 'x0/s3', 'x1/s1', 'x1/s4', 'x2/s2']);
  const byL = await q(db, { IndexName: 'byL', KeyConditionExpression: 'pk = :p AND l > :l', ExpressionAttributeValues: { ':p': S('p2'), ':l': N(2) } });
  assert.deepEqual(sks(byL), ['s7', 's6', 's5']);
});

test('index keys with NUL characters, negative numbers and binaries keep their order', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', {
    TableName: 'ORD', BillingMode: 'PAY_PER_REQUEST', KeySchema: KS('pk'),
    AttributeDefinitions: AD(['pk', 'S'], ['h', 'S'], ['s', 'S'], ['n', 'N'], ['b', 'B']),
    GlobalSecondaryIndexes: [gsi('byS', 'h', 's'), gsi('byN', 'h', 'n'), gsi('byB', 'h', 'b')],
  });
  const strings = ['a', 'a\u0000', 'a\u0000b', 'a\u0001', 'ab', 'b', 'é'];
  const numbers = ['-100', '-1.5', '-1', '0', '0.001', '1', '99', '1E+10'];
  const binaries = ['', 'AA==', 'AAA=', 'AAE=', 'AQ==', '/w=='].filter((b) => b !== '');
  let i = 0;
  for (const s of strings) await db.execute('PutItem', { TableName: 'ORD', Item: { pk: S(`s${i++}`), h: S('x'), s: S(s) } });
  for (const n of numbers) await db.execute('PutItem', { TableName: 'ORD', Item: { pk: S(`n${i++}`), h: S('x'), n: N(n) } });
  for (const b of binaries) await db.execute('PutItem', { TableName: 'ORD', Item: { pk: S(`b${i++}`), h: S('x'), b: { B: b } } });
  const read = async (index: string, extra: Record<string, unknown> = {}) =>
    (await db.execute('Query', { TableName: 'ORD', IndexName: index, KeyConditionExpression: 'h = :h', ExpressionAttributeValues: { ':h': S('x') }, ...extra }) as any).Items;
  assert.deepEqual((await read('byS')).map((x: any) => x.s.S), strings);
  assert.deepEqual((await read('byN')).map((x: any) => x.n.N), ['-100', '-1.5', '-1', '0', '0.001', '1', '99', '10000000000']);
  assert.deepEqual((await read('byB')).map((x: any) => x.b.B), binaries);
  const eq = await read('byS', { KeyConditionExpression: 'h = :h AND s = :s', ExpressionAttributeValues: { ':h': S('x'), ':s': S('a') } });
  assert.deepEqual(eq.map((x: any) => x.s.S), ['a']);
  const begins = await read('byS', { KeyConditionExpression: 'h = :h AND begins_with(s, :s)', ExpressionAttributeValues: { ':h': S('x'), ':s': S('a\u0000') } });
  assert.deepEqual(begins.map((x: any) => x.s.S), ['a\u0000', 'a\u0000b']);
  const lt = await read('byS', { KeyConditionExpression: 'h = :h AND s < :s', ExpressionAttributeValues: { ':h': S('x'), ':s': S('a\u0001') } });
  assert.deepEqual(lt.map((x: any) => x.s.S), ['a', 'a\u0000', 'a\u0000b']);
});

test('paging an index: LastEvaluatedKey holds the index and table keys, and resumes exactly', async () => {
  const db = await seeded();
  const seen: string[] = [];
  let start: Record<string, unknown> | undefined;
  let pages = 0;
  do {
    const r = await q(db, { IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('even') }, Limit: 2, ExclusiveStartKey: start });
    seen.push(...sks(r));
    start = r.LastEvaluatedKey;
    if (start) assert.deepEqual(Object.keys(start).sort(), ['g', 'pk', 'sk']);
    pages++;
  } while (start);
  assert.deepEqual(seen.sort(), ['s0', 's2', 's4', 's6', 's8']);
  assert.equal(pages, 3);
  const lsiPage = await q(db, { IndexName: 'byL', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('p1') }, Limit: 1 });
  assert.deepEqual(Object.keys(lsiPage.LastEvaluatedKey).sort(), ['l', 'pk', 'sk']);
  // Scan pages over an index.
  const scanned: string[] = [];
  start = undefined;
  do {
    const r = await db.execute('Scan', { TableName: 'TTT', IndexName: 'byGN', Limit: 3, ExclusiveStartKey: start }) as any;
    scanned.push(...sks(r));
    start = r.LastEvaluatedKey;
  } while (start);
  assert.deepEqual(scanned.sort(), ['s1', 's2', 's4', 's5', 's7', 's8']);
  // ExclusiveStartKey must name exactly the table keys and the index keys.
  const gq = { IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('even') } };
  await rejects(db, 'Query', { TableName: 'TTT', ...gq, ExclusiveStartKey: { pk: S('p1'), sk: S('s0') } }, 'ValidationException', 'The provided starting key is invalid');
  await rejects(db, 'Query', { TableName: 'TTT', ...gq, ExclusiveStartKey: { pk: S('p1'), sk: S('s0'), g: N(1) } }, 'ValidationException', 'The provided starting key is invalid');
  await rejects(db, 'Query', { TableName: 'TTT', ...gq, ExclusiveStartKey: { pk: S('p1'), sk: S('s0'), g: S('even'), x: S('x') } }, 'ValidationException', 'The provided starting key is invalid');
  await rejects(db, 'Query', { TableName: 'TTT', ...gq, ExclusiveStartKey: { pk: S('p1'), sk: S('s0'), g: S('odd') } }, 'ValidationException', 'The provided starting key does not match the range key predicate');
  await rejects(db, 'Scan', { TableName: 'TTT', IndexName: 'byG', ExclusiveStartKey: { pk: S('p1'), sk: S('s0') } }, 'ValidationException', 'The provided starting key is invalid: The provided key element does not match the schema');
});

test('parallel scan of an index: segments cover every entry once', async () => {
  const db = await seeded();
  for (const total of [1, 2, 3, 7]) {
    const got: string[] = [];
    for (let segment = 0; segment < total; segment++) {
      const r = await db.execute('Scan', { TableName: 'TTT', IndexName: 'byG', Segment: segment, TotalSegments: total }) as any;
      got.push(...sks(r));
    }
    assert.deepEqual(got.sort(), ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8']);
  }
});

test('Select, projections and filters on indexes follow DynamoDB', async () => {
  const db = await seeded();
  const g = { IndexName: 'byGN', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('even') } };
  const P = 'One or more parameter values were invalid: ';
  await rejects(db, 'Query', { TableName: 'TTT', ...g, Select: 'ALL_ATTRIBUTES' }, 'ValidationException',
    `${P}Select type ALL_ATTRIBUTES is not supported for global secondary index byGN because its projection type is not ALL`);
  await rejects(db, 'Scan', { TableName: 'TTT', IndexName: 'byG', Select: 'ALL_ATTRIBUTES' }, 'ValidationException',
    `${P}Select type ALL_ATTRIBUTES is not supported for global secondary index byG because its projection type is not ALL`);
  await rejects(db, 'Query', { TableName: 'TTT', ...g, ProjectionExpression: 'a, b, l' }, 'ValidationException', `${P}Global secondary index byGN does not project [b, l]`);
  await rejects(db, 'Query', { TableName: 'TTT', ...g, FilterExpression: 'b = :b', ExpressionAttributeValues: { ':g': S('even'), ':b': S('b0') } }, 'ValidationException',
    `${P}Secondary index byGN does not project one or more filter attributes: [b]`);
  await rejects(db, 'Query', { TableName: 'TTT', ...g, FilterExpression: 'n > :n', ExpressionAttributeValues: { ':g': S('even'), ':n': N(1) } }, 'ValidationException',
    'Filter Expression can only contain non-primary key attributes: Primary key attribute: n');
  await rejects(db, 'Query', { TableName: 'TTT', ...g, ConsistentRead: true }, 'ValidationException', 'Consistent reads are not supported on global secondary indexes');
  await rejects(db, 'Scan', { TableName: 'TTT', IndexName: 'byG', ConsistentRead: true }, 'ValidationException', 'Consistent reads are not supported on global secondary indexes');
  await rejects(db, 'Query', { TableName: 'TTT', ...g, IndexName: 'nope' }, 'ValidationException', 'The table does not have the specified index: nope');
  await rejects(db, 'Query', { TableName: 'TTT', IndexName: 'byG', KeyConditionExpression: 'pk = :g', ExpressionAttributeValues: { ':g': S('p1') } }, 'ValidationException', 'Query condition missed key schema element: g');
  // A filter on the table's sort key is fine on a GSI (it is not the index's key); the scan of an index may filter on its keys.
  const f = await q(db, { ...g, FilterExpression: 'sk > :s', ExpressionAttributeValues: { ':g': S('even'), ':s': S('s3') } });
  assert.deepEqual(sks(f), ['s4', 's8']);
  const sf = await db.execute('Scan', { TableName: 'TTT', IndexName: 'byGN', FilterExpression: 'n > :n', ExpressionAttributeValues: { ':n': N(5) } }) as any;
  assert.equal(sf.Count, 2);
  // Projected attributes only; ALL_PROJECTED_ATTRIBUTES is the default.
  const p = await q(db, { ...g, ProjectionExpression: 'a' });
  assert.deepEqual(p.Items, [{ a: S('a2') }, { a: S('a4') }, { a: S('a8') }]);
  const c = await q(db, { ...g, Select: 'COUNT' });
  assert.equal(c.Count, 3);
  assert.equal(c.Items, undefined);
  // LSI: unprojected attributes are fetched from the table (and the fetch is charged to the table).
  const l = { IndexName: 'byLK', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('p1') }, ReturnConsumedCapacity: 'INDEXES' };
  const keys = await q(db, l);
  assert.deepEqual(Object.keys(keys.Items[0]).sort(), ['l2', 'pk', 'sk']);
  assert.deepEqual(keys.ConsumedCapacity, { TableName: 'TTT', CapacityUnits: 0.5, Table: { CapacityUnits: 0 }, LocalSecondaryIndexes: { byLK: { CapacityUnits: 0.5 } } });
  const all = await q(db, { ...l, Select: 'ALL_ATTRIBUTES' });
  assert.deepEqual(Object.keys(all.Items[0]).sort(), ['a', 'b', 'g', 'l', 'l2', 'n', 'pk', 'sk'].filter((k) => all.Items[0][k] !== undefined));
  assert.equal(all.Items[0].b.S, 'b0');
  assert.deepEqual(all.ConsumedCapacity, { TableName: 'TTT', CapacityUnits: 3, Table: { CapacityUnits: 2.5 }, LocalSecondaryIndexes: { byLK: { CapacityUnits: 0.5 } } });
  const some = await q(db, { ...l, ProjectionExpression: 'b' });
  assert.deepEqual(some.Items[0], { b: S('b0') });
  await rejects(db, 'Query', { TableName: 'TTT', ...l, FilterExpression: 'b = :b', ExpressionAttributeValues: { ':p': S('p1'), ':b': S('b') } }, 'ValidationException',
    `${P}Secondary index byLK does not project one or more filter attributes: [b]`);
  // A GSI query's capacity goes to the index.
  const gc = await q(db, { ...g, ReturnConsumedCapacity: 'INDEXES' });
  assert.deepEqual(gc.ConsumedCapacity, { TableName: 'TTT', CapacityUnits: 0.5, Table: { CapacityUnits: 0 }, GlobalSecondaryIndexes: { byGN: { CapacityUnits: 0.5 } } });
  await rejects(db, 'Scan', { TableName: 'TTT', Select: 'ALL_PROJECTED_ATTRIBUTES' }, 'ValidationException', 'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
});
