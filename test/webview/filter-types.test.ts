// The filter's value type follows the attribute (key schema first, then the loaded items), and an
// empty result explains a type mismatch. Pure functions of src/protocol/query-builder.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { explainEmpty, inferValueType, typesAt, valueAt } from '../../src/protocol/query-builder';
import type { FilterClause, TableInfo } from '../../src/protocol/items';
import type { Item } from '../../src/protocol/dynamo-json';

const table: TableInfo = {
  connectionId: 'c', connectionLabel: 'Local DynamoDB', tableName: 'Orders',
  partitionKey: { name: 'customer', type: 'S' }, sortKey: { name: 'orderId', type: 'N' },
  indexes: [{ name: 'byStatus', kind: 'GSI', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'placedAt', type: 'N' }, projection: 'ALL' }],
  billingMode: 'PAY_PER_REQUEST', supports: { query: true, scan: true, batchWrite: true, consumedCapacity: true },
};

const items: Item[] = [
  { customer: { S: 'alice' }, orderId: { N: '1' }, total: { N: '30.5' }, paid: { BOOL: true }, tags: { SS: ['a'] }, address: { M: { zip: { S: '02134' }, lines: { L: [{ S: 'x' }, { N: '7' }] } } } },
  { customer: { S: 'bob' }, orderId: { N: '2' }, total: { N: '99.99' }, note: { S: 'gift' } },
  { customer: { S: 'carol' }, orderId: { N: '3' }, total: { S: 'n/a' } },
];

const clause = (attribute: string, valueType: FilterClause['valueType'], operator: FilterClause['operator'] = '>'): FilterClause => ({ attribute, operator, values: ['90'], valueType });

describe('the filter value type follows the attribute', () => {
  it('takes the type of a table or index key from the key schema, whatever the items hold', () => {
    assert.equal(inferValueType(table, [], 'orderId'), 'N');
    assert.equal(inferValueType(table, [], 'customer'), 'S');
    assert.equal(inferValueType(table, [], 'placedAt'), 'N');
  });

  it('takes the type most loaded items hold an attribute as', () => {
    assert.equal(inferValueType(table, items, 'total'), 'N');
    assert.equal(inferValueType(table, items, 'paid'), 'BOOL');
    assert.equal(inferValueType(table, items, ' note '), 'S');
  });

  it('compares with one element of a set, and follows nested paths', () => {
    assert.equal(inferValueType(table, items, 'tags'), 'S');
    assert.equal(inferValueType(table, items, 'address.zip'), 'S');
    assert.equal(inferValueType(table, items, 'address.lines[1]'), 'N');
  });

  it('says nothing when neither the schema nor the items tell', () => {
    assert.equal(inferValueType(table, items, 'unknown'), undefined);
    assert.equal(inferValueType(table, items, 'address'), undefined);
    assert.equal(inferValueType(table, items, ''), undefined);
  });

  it('reads a path only where the item has it', () => {
    assert.deepEqual(valueAt(items[0]!, 'address.lines[0]'), { S: 'x' });
    assert.equal(valueAt(items[0]!, 'address.lines[5]'), undefined);
    assert.equal(valueAt(items[0]!, 'total.x'), undefined);
    assert.equal(valueAt(items[0]!, 'a[b'), undefined);
    assert.deepEqual(typesAt(items, 'total'), [['N', 2], ['S', 1]]);
  });

  it('counts every item that holds the attribute, for any mix of types', () => {
    const value = fc.oneof(fc.string().map((s) => ({ S: s })), fc.integer().map((n) => ({ N: String(n) })), fc.boolean().map((b) => ({ BOOL: b })));
    fc.assert(
      fc.property(fc.array(fc.option(value, { nil: undefined })), (values) => {
        const sample: Item[] = values.map((v): Item => (v ? { a: v } : {}));
        const counted = typesAt(sample, 'a').reduce((n, [, c]) => n + c, 0);
        assert.equal(counted, values.filter(Boolean).length);
        const inferred = inferValueType(table, sample, 'a');
        if (counted === 0) assert.equal(inferred, undefined);
        else assert.equal(inferred, typesAt(sample, 'a')[0]![0]);
      }),
    );
  });
});

describe('an empty result says why, when a type does not match', () => {
  it('names the attribute, the type asked for and the type the items hold', () => {
    const only = [items[0]!, items[1]!];
    assert.equal(explainEmpty([clause('total', 'S')], only), 'No item has total as a String; the loaded items hold it as a Number');
  });

  it('lists every type the items hold', () => {
    assert.equal(explainEmpty([clause('paid', 'N')], items), 'No item has paid as a Number; the loaded items hold it as a Boolean');
    assert.match(explainEmpty([clause('note', 'BOOL', '=')], items)!, /as a String$/);
  });

  it('stays quiet when the types match, the attribute is unknown, or the operator takes no value', () => {
    assert.equal(explainEmpty([clause('total', 'N')], items), undefined);
    assert.equal(explainEmpty([clause('total', 'S')], items), undefined, 'carol holds total as a String');
    assert.equal(explainEmpty([clause('unknown', 'S')], items), undefined);
    assert.equal(explainEmpty([clause('total', 'S', 'attribute_exists')], items), undefined);
    assert.equal(explainEmpty([clause('tags', 'S', 'contains')], items), undefined);
  });
});
