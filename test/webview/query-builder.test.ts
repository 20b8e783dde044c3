import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildRequest, compareDecimal, compareValues, inferColumns } from '../../src/protocol/query-builder';
import type { TableInfo } from '../../src/protocol/items';

const table: TableInfo = {
  connectionId: 'c', connectionLabel: 'c', tableName: 'Orders',
  partitionKey: { name: 'customer', type: 'S' }, sortKey: { name: 'orderId', type: 'N' },
  indexes: [{ name: 'byStatus', kind: 'GSI', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'total', type: 'N' }, projection: 'ALL' }],
  billingMode: 'PAY_PER_REQUEST', supports: { query: true, scan: true, batchWrite: true, consumedCapacity: true },
};

describe('Scan/Query requests from the form', () => {
  it('builds a Query with a key condition and placeholders for every name and value', () => {
    const r = buildRequest(table, { mode: 'query', partitionValue: 'alice', sortOperator: 'BETWEEN', sortValues: ['1', '5'], filters: [], pageSize: 50, descending: true });
    assert.equal(r.operation, 'Query');
    assert.deepEqual(r.input, {
      TableName: 'Orders', Limit: 50, ReturnConsumedCapacity: 'INDEXES', ScanIndexForward: false,
      KeyConditionExpression: '#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2',
      ExpressionAttributeNames: { '#n0': 'customer', '#n1': 'orderId' },
      ExpressionAttributeValues: { ':v0': { S: 'alice' }, ':v1': { N: '1' }, ':v2': { N: '5' } },
    });
  });

  it('queries an index by its own keys', () => {
    const r = buildRequest(table, { mode: 'query', indexName: 'byStatus', partitionValue: 'open', sortOperator: '>', sortValues: ['10'], filters: [], pageSize: 10 });
    assert.equal(r.input.IndexName, 'byStatus');
    assert.equal(r.input.KeyConditionExpression, '#n0 = :v0 AND #n1 > :v1');
    assert.deepEqual(r.input.ExpressionAttributeNames, { '#n0': 'status', '#n1': 'total' });
  });

  it('builds filters of every kind, with nested paths', () => {
    const r = buildRequest(table, {
      mode: 'scan', pageSize: 0,
      filters: [
        { attribute: 'a.b[0]', operator: '=', values: ['x'], valueType: 'S' },
        { attribute: 'n', operator: 'IN', values: ['1, 2'], valueType: 'N' },
        { attribute: 'gone', operator: 'attribute_not_exists', values: [], valueType: 'S' },
        { attribute: 'tags', operator: 'contains', values: ['red'], valueType: 'S' },
        { attribute: 'flag', operator: '<>', values: ['true'], valueType: 'BOOL' },
      ],
    });
    assert.equal(r.operation, 'Scan');
    assert.equal(r.input.FilterExpression, '#n0.#n1[0] = :v0 AND #n2 IN (:v1, :v2) AND attribute_not_exists(#n3) AND contains(#n4, :v3) AND #n5 <> :v4');
    assert.deepEqual(r.input.ExpressionAttributeValues, { ':v0': { S: 'x' }, ':v1': { N: '1' }, ':v2': { N: '2' }, ':v3': { S: 'red' }, ':v4': { BOOL: true } });
    assert.equal(r.input.Limit, undefined);
  });

  it('rejects what DynamoDB would reject, before sending', () => {
    assert.throws(() => buildRequest(table, { mode: 'query', filters: [], pageSize: 10 }), /partition key customer/);
    assert.throws(() => buildRequest(table, { mode: 'query', partitionValue: 'a', sortOperator: '=', sortValues: ['x'], filters: [], pageSize: 10 }), /not a number/);
    assert.throws(() => buildRequest(table, { mode: 'scan', filters: [], pageSize: 10, raw: { filterExpression: 'a = :a', values: '{":a": {"N": "x"}}' } }), /ExpressionAttributeValues/);
  });

  it('passes raw expressions through', () => {
    const r = buildRequest(table, { mode: 'query', filters: [], pageSize: 5, raw: { keyConditionExpression: '#c = :c', names: '{"#c":"customer"}', values: '{":c":{"S":"bob"}}' } });
    assert.deepEqual([r.input.KeyConditionExpression, r.input.ExpressionAttributeNames, r.input.ExpressionAttributeValues], ['#c = :c', { '#c': 'customer' }, { ':c': { S: 'bob' } }]);
  });
});

describe('columns and sorting of loaded items', () => {
  it('puts key attributes first, then the most common attributes', () => {
    const cols = inferColumns([{ customer: { S: 'a' }, orderId: { N: '1' }, z: { S: '' }, total: { N: '1' } }, { total: { N: '2' } }], ['customer', 'orderId']);
    assert.deepEqual(cols, ['customer', 'orderId', 'total', 'z']);
  });

  it('compares decimals exactly and sorts missing values last', () => {
    assert.equal(compareDecimal('10', '9'), 1);
    assert.equal(compareDecimal('-10', '-9'), -1);
    assert.equal(compareDecimal('0.001', '1e-3'), 0);
    assert.equal(compareDecimal('12345678901234567890.1', '12345678901234567890.2'), -1);
    assert.equal(compareDecimal('0', '-0.5'), 1);
    assert.equal(compareValues({ N: '2' }, undefined), -1);
    assert.equal(compareValues({ S: 'b' }, { S: 'a' }), 1);
  });
});
