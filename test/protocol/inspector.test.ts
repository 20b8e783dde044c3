// The request inspector's pure rules: filters, merging newest first under a cap, request shapes
// without values, groups with their N+1 and Scan hints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RequestRecord } from '../../src/protocol/request-record';
import { amountText, dollarsText, groupRequests, matchesFilter, mergeNewestFirst, NO_FILTER, requestShape, rowMarks, shownRecords, densestBurst } from '../../src/protocol/inspector';

let nextId = 1;
function rec(over: Partial<RequestRecord> & { request?: unknown }): RequestRecord {
  return {
    id: nextId++,
    time: 1_000_000,
    durationMs: 3,
    target: 'DynamoDB_20120810',
    operation: 'GetItem',
    table: 'Orders',
    summary: '',
    status: 'ok',
    httpStatus: 200,
    requestBytes: 10,
    responseBytes: 20,
    client: { explorer: false, sdk: 'aws-sdk-js', sdkVersion: '3.700.0' },
    ...over,
  };
}

test('the explorer’s own requests are hidden unless the toggle shows them', () => {
  const mine = rec({ client: { explorer: true } });
  assert.equal(matchesFilter(mine, NO_FILTER), false);
  assert.equal(matchesFilter(mine, { ...NO_FILTER, showExplorer: true }), true);
});

test('filters by operation, table, status and text each narrow the list', () => {
  const a = rec({ operation: 'PutItem', table: 'A', status: 'conditional-check-failed', summary: 'pk=alice' });
  const b = rec({ operation: 'Scan', table: 'B', status: 'ok', summary: 'filter status = "open"' });
  const all = [b, a];
  assert.deepEqual(shownRecords(all, { ...NO_FILTER, operations: ['Scan'] }).map((r) => r.id), [b.id]);
  assert.deepEqual(shownRecords(all, { ...NO_FILTER, tables: ['A'] }).map((r) => r.id), [a.id]);
  assert.deepEqual(shownRecords(all, { ...NO_FILTER, statuses: ['conditional-check-failed'] }).map((r) => r.id), [a.id]);
  assert.deepEqual(shownRecords(all, { ...NO_FILTER, text: 'ALICE' }).map((r) => r.id), [a.id]);
  assert.deepEqual(shownRecords(all, { ...NO_FILTER, text: 'condition failed' }).map((r) => r.id), [a.id]);
});

test('a pause point hides records newer than it', () => {
  const old = rec({});
  const fresh = rec({});
  assert.deepEqual(shownRecords([fresh, old], NO_FILTER, old.id).map((r) => r.id), [old.id]);
});

test('failed, throttled and slow rows are marked, ordinary ones are not', () => {
  assert.deepEqual(rowMarks(rec({})), []);
  assert.deepEqual(rowMarks(rec({ status: 'validation' })), ['failed']);
  assert.deepEqual(rowMarks(rec({ status: 'throttled', durationMs: 150 })), ['throttled', 'slow']);
  assert.deepEqual(rowMarks(rec({ durationMs: 50 }), 40), ['slow']);
});

test('merging keeps every id once, newest first, and at most the cap, whatever order batches arrive in', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 30 }), { maxLength: 10 }), fc.integer({ min: 1, max: 50 }), (batches, cap) => {
      let kept: RequestRecord[] = [];
      const all = new Set<number>();
      for (const ids of batches) {
        kept = mergeNewestFirst(kept, ids.map((id) => rec({ id })), cap);
        ids.forEach((id) => all.add(id));
      }
      const ids = kept.map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length);
      for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! > ids[i]!);
      assert.ok(ids.length <= cap);
      // the newest ids seen are the ones kept, unless an older id arrived after the cap let it go
      assert.ok(ids.every((id) => all.has(id)));
    }),
  );
});

test('two calls that differ only in their values have one shape; a different key or expression makes another', () => {
  const get = (v: string) => rec({ request: { TableName: 'Orders', Key: { pk: { S: v } } } });
  assert.equal(requestShape(get('a')), requestShape(get('b')));
  const q = (v: string, expr: string) =>
    rec({ operation: 'Query', request: { TableName: 'Orders', KeyConditionExpression: expr, ExpressionAttributeNames: { '#p': 'pk' }, ExpressionAttributeValues: { ':v': { S: v } } } });
  assert.equal(requestShape(q('x', '#p = :v')), requestShape(q('y', '#p   =  :v')));
  assert.notEqual(requestShape(q('x', '#p = :v')), requestShape(q('x', '#p > :v')));
  assert.match(requestShape(q('secret-value', '#p = :v')), /where pk = \?/);
  assert.doesNotMatch(requestShape(q('secret-value', '#p = :v')), /secret-value/);
});

test('a GetItem loop is one group with its count and an N+1 hint; a lone GetItem has no hint', () => {
  const loop = Array.from({ length: 8 }, (_, i) => rec({ time: 5000 + i * 20, capacity: { read: 0.5, write: 0 }, request: { TableName: 'Orders', Key: { pk: { S: `k${i}` } } } }));
  const lone = rec({ table: 'Other', time: 9000, request: { TableName: 'Other', Key: { id: { S: 'x' } } } });
  const groups = groupRequests([...loop, lone]);
  assert.equal(groups[0]!.count, 8);
  assert.equal(groups[0]!.read, 4);
  assert.match(groups[0]!.hints.join(), /N\+1: 8 GetItem calls/);
  assert.equal(groups[1]!.count, 1);
  assert.deepEqual(groups[1]!.hints, []);
});

test('spread-out GetItems of one shape are not called a loop', () => {
  const spread = Array.from({ length: 8 }, (_, i) => rec({ time: i * 5000, request: { TableName: 'Orders', Key: { pk: { S: `k${i}` } } } }));
  assert.deepEqual(groupRequests(spread)[0]!.hints, []);
  assert.equal(densestBurst([0, 5000, 5100, 5200, 99999], 1000), 3);
});

test('a Scan that reads far more than it returns gets a hint naming the Query that would do, with the ratio', () => {
  const scan = rec({
    operation: 'Scan',
    table: 'Orders',
    count: 2,
    scannedCount: 60,
    request: { TableName: 'Orders', FilterExpression: '#c = :c', ExpressionAttributeNames: { '#c': 'customer' }, ExpressionAttributeValues: { ':c': { S: 'bob' } } },
  });
  const [byIndex] = groupRequests([scan], { Orders: { hash: 'orderId', indexes: [{ name: 'byCustomer', hash: 'customer' }] } });
  assert.match(byIndex!.hints[0]!, /30× more items than it returns/);
  assert.match(byIndex!.hints[0]!, /a Query on the index byCustomer \(key customer\) would read 30× less/);
  const [noIndex] = groupRequests([scan], { Orders: { hash: 'orderId', indexes: [] } });
  assert.match(noIndex!.hints[0]!, /an index on the filtered attribute/);
  const efficient = rec({ operation: 'Scan', count: 10, scannedCount: 12, request: { TableName: 'Orders' } });
  assert.deepEqual(groupRequests([efficient])[0]!.hints, []);
});


test('a request\'s price reads as dollars, or as what a million of them cost when it is under a hundredth of a cent', () => {
  // one eventually consistent read unit on demand: $0.125 per million units, half a unit
  assert.equal(dollarsText(0.5 * 0.125e-6), '$0.063 per 1M');
  assert.equal(dollarsText(0.625e-6), '$0.63 per 1M');
  assert.equal(dollarsText(0.000125), '$0.00013');
  assert.equal(dollarsText(1.5), '$1.50');
  assert.equal(dollarsText(0), '$0');
  assert.equal(dollarsText(undefined), '—');
  // never the exponent form, whatever the amount
  fc.assert(fc.property(fc.double({ min: 1e-12, max: 1e4, noNaN: true }), (usd) => !/\de[-+]?\d/i.test(dollarsText(usd))));
});

test('a group\'s total price is written out in full, with two significant digits when under a cent', () => {
  assert.equal(amountText(80 * 0.625e-6), '$0.000050');
  assert.equal(amountText(6.3e-8), '$0.000000063');
  assert.equal(amountText(0.0123), '$0.01');
  assert.equal(amountText(12.345), '$12.35');
  fc.assert(fc.property(fc.double({ min: 1e-10, max: 1e4, noNaN: true }), (usd) => {
    const text = amountText(usd);
    return /^\$\d+\.\d+$/.test(text) && Math.abs(Number(text.slice(1)) - usd) <= Math.max(0.005, usd * 0.05);
  }));
});
