import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table, type TableMeta } from '../../../src/engine/table';
import { indexWriteImpact } from '../../../src/engine/indexes/impact';
import type { IndexMeta } from '../../../src/engine/indexes/types';

function table(indexes: IndexMeta[]): Table {
  const meta: TableMeta = {
    id: 'id', name: 'tbl', arn: 'arn', createdAt: 0, billingMode: 'PROVISIONED', read: 5, write: 5, decreasesToday: 0,
    tableClass: 'STANDARD', deletionProtection: false,
    keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    attributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'g', AttributeType: 'S' }, { AttributeName: 'l', AttributeType: 'N' },
    ],
    indexes,
  };
  return new Table(meta);
}

const gsi = (name: string, projection: IndexMeta['projection'], status: IndexMeta['status'] = 'ACTIVE'): IndexMeta => ({
  name, kind: 'GSI', keySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], projection, status, read: 1, write: 2,
});
const lsi: IndexMeta = {
  name: 'byL', kind: 'LSI', keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }],
  projection: { type: 'ALL' }, status: 'ACTIVE',
};

const base = { pk: { S: 'p' }, sk: { S: 's' } }; // 4 bytes of keys

test('an item entering, changing in and leaving an index', () => {
  const t = table([gsi('keys', { type: 'KEYS_ONLY' }), gsi('inc', { type: 'INCLUDE', nonKeyAttributes: ['a'] }), gsi('all', { type: 'ALL' }), lsi]);
  const v1 = { ...base, g: { S: 'x' }, a: { S: 'aa' }, b: { S: 'bbbb' } };
  // keys: pk(2+1) sk(2+1) g(1+1) = 8; inc adds a(1+2) = 11; all adds b(1+4) = 16
  assert.deepEqual(indexWriteImpact(t, undefined, v1), [
    { indexName: 'keys', kind: 'GSI', oldSize: 0, newSize: 8, keyChanged: false },
    { indexName: 'inc', kind: 'GSI', oldSize: 0, newSize: 11, keyChanged: false },
    { indexName: 'all', kind: 'GSI', oldSize: 0, newSize: 16, keyChanged: false },
  ]);
  // A change of a non-projected attribute touches ALL only.
  const v2 = { ...v1, b: { S: 'b' } };
  assert.deepEqual(indexWriteImpact(t, v1, v2).map((i) => i.indexName), ['all']);
  // A change of an included attribute touches INCLUDE and ALL.
  const v3 = { ...v1, a: { S: 'a' } };
  assert.deepEqual(indexWriteImpact(t, v1, v3).map((i) => i.indexName), ['inc', 'all']);
  // A key change touches all three, as a delete and a put.
  const v4 = { ...v1, g: { S: 'y' } };
  assert.deepEqual(indexWriteImpact(t, v1, v4).map((i) => [i.indexName, i.keyChanged]), [['keys', true], ['inc', true], ['all', true]]);
  // Leaving: the index key attribute removed.
  const { g: _g, ...v5 } = v1;
  assert.deepEqual(indexWriteImpact(t, v1, v5), [
    { indexName: 'keys', kind: 'GSI', oldSize: 8, newSize: 0, keyChanged: false },
    { indexName: 'inc', kind: 'GSI', oldSize: 11, newSize: 0, keyChanged: false },
    { indexName: 'all', kind: 'GSI', oldSize: 16, newSize: 0, keyChanged: false },
  ]);
  // The LSI: entering with l, deleting.
  const v6 = { ...v5, l: { N: '10' } };
  assert.deepEqual(indexWriteImpact(t, v5, v6), [{ indexName: 'byL', kind: 'LSI', oldSize: 0, newSize: 3 + 3 + 3 + 5 + 3, keyChanged: false }]);
  assert.deepEqual(indexWriteImpact(t, v6, undefined).map((i) => [i.indexName, i.oldSize, i.newSize]), [['byL', 17, 0]]);
  // An identical rewrite touches nothing; set order does not matter.
  const s1 = { ...v1, ss: { SS: ['a', 'b'] } };
  const s2 = { ...v1, ss: { SS: ['b', 'a'] } };
  assert.deepEqual(indexWriteImpact(t, s1, s2), []);
});

test('indexes being deleted are not written; table.indexes lists what capacity needs', () => {
  const t = table([gsi('gone', { type: 'ALL' }, 'DELETING'), gsi('new', { type: 'ALL' }, 'CREATING')]);
  assert.deepEqual(indexWriteImpact(t, undefined, { ...base, g: { S: 'x' } }).map((i) => i.indexName), ['new']);
  assert.deepEqual(t.indexes.map((i) => [i.name, i.kind, i.status, i.provisioned, i.backfilling]), [
    ['gone', 'GSI', 'DELETING', { read: 1, write: 2 }, false],
    ['new', 'GSI', 'CREATING', { read: 1, write: 2 }, true],
  ]);
});
