// The `spec` argument of the open-items command, as the request inspector hands it: a query the
// panel can run, or nothing (then the panel opens on its own query) when any field is off.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { querySpecField } from '../../../src/extension/command-args';
import { itemsPanelTarget } from '../../../src/protocol/request-code';
import type { RequestRecord } from '../../../src/protocol/request-record';

const record = (operation: string, request: unknown): RequestRecord => ({ id: 1, time: 0, durationMs: 1, target: 'DynamoDB_20120810', operation, summary: '', status: 'ok', httpStatus: 200, requestBytes: 0, responseBytes: 0, client: { explorer: false }, request });

test('the query made from a recorded Query passes the command check unchanged', () => {
  const target = itemsPanelTarget(record('Query', { TableName: 't', IndexName: 'gsi', KeyConditionExpression: 'a = :a', ExpressionAttributeValues: { ':a': { S: 'x' } }, ScanIndexForward: false, ConsistentRead: true }));
  assert.ok(target?.kind === 'query');
  assert.deepEqual(querySpecField({ connectionId: 'c', ...target }), target.spec);
});

test('a spec with a wrong mode, page size, index or raw field is dropped', () => {
  const good = { mode: 'scan', pageSize: 10, filters: [] };
  assert.ok(querySpecField({ spec: good }));
  for (const bad of [{ ...good, mode: 'delete' }, { ...good, pageSize: 0 }, { ...good, pageSize: 1.5 }, { ...good, indexName: 3 }, { ...good, raw: { filterExpression: 1 } }, { ...good, raw: { other: 'x' } }, { ...good, raw: 'x' }])
    assert.equal(querySpecField({ spec: bad }), undefined, JSON.stringify(bad));
  // a tree row is never a spec carrier
  assert.equal(querySpecField({ type: 'table', spec: good }), undefined);
});
