// The items panel's Query form on GSIs with multi-attribute keys (up to 4 HASH and 4 RANGE
// attributes). The table's description is read the way the extension reads it (tables.ts), the
// form's spec is turned into a request by the query builder, and the request goes to the real
// engine: every key condition the builder writes must be accepted by Query and return exactly the
// items a Scan of the same index filtered by the same conditions returns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Database } from '../../src/engine/database';
import type { Item } from '../../src/engine/types/attribute-value';
import { tableInfo, type TableDescription } from '../../src/extension/tables';
import type { Connection } from '../../src/extension/connection';
import type { KeyElement, QuerySpec, SortCondition, TableInfo } from '../../src/protocol/items';
import { SpecError, buildRequest, keyOperatorsFor, keysOf, sortFieldsShown, trimSortConditions } from '../../src/protocol/query-builder';

const SUPPORTS = { query: true, scan: true, batchWrite: true, consumedCapacity: true };
const CONNECTION = { id: 'c', label: 'workspace' } as Connection;

async function database(): Promise<Database> {
  return Database.open('', { inMemory: true, throttling: false });
}

/** A table keyed by pk whose GSI "multi" is keyed by a + b (partition) and c + d (sort). */
async function multiKeyTable(db: Database, items: Item[]): Promise<TableInfo> {
  await db.execute('CreateTable', {
    TableName: 'Events',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'a', AttributeType: 'S' }, { AttributeName: 'b', AttributeType: 'N' },
      { AttributeName: 'c', AttributeType: 'S' }, { AttributeName: 'd', AttributeType: 'N' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [{
      IndexName: 'multi',
      KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }, { AttributeName: 'b', KeyType: 'HASH' }, { AttributeName: 'c', KeyType: 'RANGE' }, { AttributeName: 'd', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    }],
  });
  for (const Item of items) await db.execute('PutItem', { TableName: 'Events', Item });
  const desc = (await db.execute('DescribeTable', { TableName: 'Events' })) as { Table: TableDescription };
  return tableInfo(CONNECTION, desc.Table, SUPPORTS);
}

async function everyPage(db: Database, op: 'Query' | 'Scan', input: Record<string, unknown>): Promise<Item[]> {
  const items: Item[] = [];
  let start: unknown;
  do {
    const out = (await db.execute(op, { ...input, ...(start ? { ExclusiveStartKey: start } : {}) })) as { Items: Item[]; LastEvaluatedKey?: unknown };
    items.push(...out.Items);
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const pks = (items: Item[]) => items.map((i) => (i.pk as { S: string }).S).sort();

describe('the Query form on a multi-attribute GSI key', () => {
  it('reads every HASH and RANGE attribute of the index, in key-schema order, with their types', async () => {
    const table = await multiKeyTable(await database(), []);
    const keys = keysOf(table, 'multi');
    assert.deepEqual(keys.partitions, [{ name: 'a', type: 'S' }, { name: 'b', type: 'N' }]);
    assert.deepEqual(keys.sorts, [{ name: 'c', type: 'S' }, { name: 'd', type: 'N' }]);
    assert.deepEqual(keysOf(table).partitions, [{ name: 'pk', type: 'S' }]);
  });

  it('offers the next sort attribute only once the one before holds an equality with a value', async () => {
    const keys = keysOf(await multiKeyTable(await database(), []), 'multi');
    assert.equal(sortFieldsShown(keys, []), 1);
    assert.equal(sortFieldsShown(keys, [{ operator: '>', values: ['x'] }]), 1);
    assert.equal(sortFieldsShown(keys, [{ operator: '=', values: [''] }]), 1);
    assert.equal(sortFieldsShown(keys, [{ operator: '=', values: ['x'] }]), 2);
    // turning the first condition into a range drops the second, which DynamoDB would refuse
    assert.deepEqual(trimSortConditions(keys, [{ operator: 'begins_with', values: ['x'] }, { operator: '=', values: ['1'] }]), [{ operator: 'begins_with', values: ['x'] }]);
  });

  it('names every partition attribute that lacks a value, and refuses a sort condition after a gap or after a range', async () => {
    const table = await multiKeyTable(await database(), []);
    const spec = (partitionValues: string[], sortConditions: SortCondition[] = []): QuerySpec => ({ mode: 'query', indexName: 'multi', partitionValues, sortConditions, filters: [], pageSize: 0 });
    assert.throws(() => buildRequest(table, spec(['x', ''])), (e: Error) => e instanceof SpecError && /every partition key attribute \(missing b\)/.test(e.message));
    assert.throws(() => buildRequest(table, spec(['', ''])), /missing a, b/);
    assert.throws(() => buildRequest(table, spec(['x', '1'], [{ operator: '=', values: [''] }, { operator: '=', values: ['2'] }])), /d needs conditions on every sort key attribute before it \(c\)/);
    assert.throws(() => buildRequest(table, spec(['x', '1'], [{ operator: '>', values: ['c'] }, { operator: '=', values: ['2'] }])), /only the last sort key attribute with a condition may have one other than =/);
  });

  it('refuses, before sending, an inverted BETWEEN and begins_with on a Number, which the engine refuses too', async () => {
    const db = await database();
    const table = await multiKeyTable(db, []);
    const cases: SortCondition[][] = [
      [{ operator: '=', values: ['k'] }, { operator: 'BETWEEN', values: ['9', '10'].reverse() }],
      [{ operator: '=', values: ['k'] }, { operator: 'begins_with', values: ['1'] }],
    ];
    for (const sortConditions of cases) {
      const spec: QuerySpec = { mode: 'query', indexName: 'multi', partitionValues: ['x', '1'], sortConditions, filters: [], pageSize: 0 };
      assert.throws(() => buildRequest(table, spec), SpecError);
      // the same condition written by hand reaches the engine, which answers with a ValidationException
      const d = sortConditions[1]!;
      const condition = d.operator === 'BETWEEN' ? '#d BETWEEN :lo AND :hi' : 'begins_with(#d, :lo)';
      await assert.rejects(db.execute('Query', {
        TableName: 'Events', IndexName: 'multi', KeyConditionExpression: `#a = :a AND #b = :b AND #c = :c AND ${condition}`,
        ExpressionAttributeNames: { '#a': 'a', '#b': 'b', '#c': 'c', '#d': 'd' },
        ExpressionAttributeValues: { ':a': { S: 'x' }, ':b': { N: '1' }, ':c': { S: 'k' }, ':lo': { N: d.values[0]! }, ...(d.operator === 'BETWEEN' ? { ':hi': { N: d.values[1]! } } : {}) },
      }), (e: { type?: string }) => e.type === 'ValidationException');
    }
  });

  it('writes an equality per partition attribute and the sort run, which the engine accepts', async () => {
    const db = await database();
    const table = await multiKeyTable(db, [
      { pk: { S: '1' }, a: { S: 'x' }, b: { N: '1' }, c: { S: 'k' }, d: { N: '5' } },
      { pk: { S: '2' }, a: { S: 'x' }, b: { N: '1' }, c: { S: 'k' }, d: { N: '9' } },
      { pk: { S: '3' }, a: { S: 'x' }, b: { N: '2' }, c: { S: 'k' }, d: { N: '9' } },
    ]);
    const { input } = buildRequest(table, {
      mode: 'query', indexName: 'multi', partitionValues: ['x', '1'], sortConditions: [{ operator: '=', values: ['k'] }, { operator: '>', values: ['6'] }], filters: [], pageSize: 0,
    }, false);
    assert.equal(input.KeyConditionExpression, '#n0 = :v0 AND #n1 = :v1 AND #n2 = :v2 AND #n3 > :v3');
    assert.deepEqual(input.ExpressionAttributeNames, { '#n0': 'a', '#n1': 'b', '#n2': 'c', '#n3': 'd' });
    assert.deepEqual(pks(await everyPage(db, 'Query', input)), ['2']);
  });

  it('returns, for any condition the form can express, the items a filtered Scan of the index returns', async () => {
    const A = ['x', 'y'];
    const C = ['k', 'ka', 'm'];
    const item = fc.record({
      a: fc.option(fc.constantFrom(...A), { nil: undefined, freq: 8 }),
      b: fc.integer({ min: 0, max: 2 }),
      c: fc.constantFrom(...C),
      d: fc.option(fc.integer({ min: -3, max: 3 }), { nil: undefined, freq: 8 }),
    });
    // the operators the form offers for the attribute's type, with BETWEEN's bounds in order
    const condition = (key: KeyElement, values: fc.Arbitrary<string>, order: (x: string, y: string) => number) => fc.record({
      operator: fc.constantFrom(...keyOperatorsFor(key)),
      values: fc.tuple(values, values).map((pair) => pair.sort(order)),
    });
    const spec = fc.record({
      a: fc.constantFrom(...A), b: fc.integer({ min: 0, max: 2 }),
      c: condition({ name: 'c', type: 'S' }, fc.constantFrom('k', 'ka', 'm', 'l'), (x, y) => (x < y ? -1 : x > y ? 1 : 0)),
      d: condition({ name: 'd', type: 'N' }, fc.integer({ min: -3, max: 3 }).map(String), (x, y) => Number(x) - Number(y)),
      run: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(fc.asyncProperty(fc.array(item, { maxLength: 25 }), spec, async (rows, s) => {
      const db = await database();
      const items: Item[] = rows.map((r, i) => ({
        pk: { S: String(i) }, b: { N: String(r.b) }, c: { S: r.c },
        ...(r.a === undefined ? {} : { a: { S: r.a } }), ...(r.d === undefined ? {} : { d: { N: String(r.d) } }),
      }));
      const table = await multiKeyTable(db, items);
      const keys = keysOf(table, 'multi');
      // what the form lets one enter: the run is cut where an earlier condition is not an equality
      const sortConditions = trimSortConditions(keys, [s.c, s.d].slice(0, s.run));
      const { input } = buildRequest(table, { mode: 'query', indexName: 'multi', partitionValues: [s.a, String(s.b)], sortConditions, filters: [], pageSize: 7 }, false);
      const queried = await everyPage(db, 'Query', input);
      const { KeyConditionExpression, Limit: _limit, ...rest } = input;
      const scanned = await everyPage(db, 'Scan', { ...rest, FilterExpression: KeyConditionExpression });
      assert.deepEqual(pks(queried), pks(scanned));
    }), { numRuns: 60 });
  });
});
