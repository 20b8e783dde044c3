import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeKey, parseKey } from '../../../src/engine/operations/common.js';
import type { Table } from '../../../src/engine/table.js';
import { memoryDb } from '../helpers';

async function tableWith(partitionType: string, sortType?: string): Promise<Table> {
  const db = await memoryDb();
  const attrs = [{ AttributeName: 'pk', AttributeType: partitionType }];
  const schema = [{ AttributeName: 'pk', KeyType: 'HASH' }];
  if (sortType) {
    attrs.push({ AttributeName: 'sk', AttributeType: sortType });
    schema.push({ AttributeName: 'sk', KeyType: 'RANGE' });
  }
  await db.execute('CreateTable', { TableName: 'keys', AttributeDefinitions: attrs, KeySchema: schema, BillingMode: 'PAY_PER_REQUEST' });
  return db.table('keys');
}

function outcome(fn: () => string): string {
  try {
    return `ok ${JSON.stringify(fn())}`;
  } catch (e) {
    return `${(e as { type?: string }).type}: ${(e as Error).message}`;
  }
}

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ maxLength: 6, unit: 'grapheme' }),
  fc.constantFrom('', '\u0000', 'a\u0000b', 'é', '\u{1F600}'),
  fc.integer({ min: 300, max: 1100 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 300, max: 400 }).map((n) => '€'.repeat(n)),
);
const value = fc.oneof(
  { weight: 6, arbitrary: text.map((S) => ({ S })) },
  { weight: 1, arbitrary: fc.constantFrom('1', '1.50', '-0', 'x', '1e400').map((N) => ({ N })) },
  { weight: 1, arbitrary: fc.constantFrom('AQ==', '', 'not base64').map((B) => ({ B })) },
  { weight: 1, arbitrary: text.map((S) => ({ S, N: '1' })) },
  { weight: 1, arbitrary: text.map((S) => ({ S, note: 1 })) },
  { weight: 1, arbitrary: text.map((S) => ({ S, N: null })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'a', 1, [], {}, { S: 1 }, { S: null }) },
);
const key = fc.record({ pk: value, sk: value, other: value }, { requiredKeys: [] });

for (const [p, s] of [['S', 'S'], ['S', undefined], ['S', 'N'], ['N', 'S'], ['B', 'S']] as const) {
  test(`encodeKey agrees with parseKey on ${p}${s ? `/${s}` : ''} keys: the same key or the same error`, async () => {
    const table = await tableWith(p, s);
    fc.assert(
      fc.property(key, (raw) => {
        assert.equal(outcome(() => encodeKey(table, raw)), outcome(() => parseKey(table, raw).encoded));
      }),
      { numRuns: 1500 },
    );
  });
}
