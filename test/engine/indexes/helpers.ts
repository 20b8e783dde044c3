// Shared pieces of the index tests: a database, table definitions, and error assertions.
import assert from 'node:assert/strict';
import { Database, type DatabaseOptions } from '../../../src/engine/database';

export const AD = (...defs: Array<[string, 'S' | 'N' | 'B']>) => defs.map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
export const KS = (hash: string, range?: string) => [
  { AttributeName: hash, KeyType: 'HASH' },
  ...(range === undefined ? [] : [{ AttributeName: range, KeyType: 'RANGE' }]),
];
export const gsi = (name: string, hash: string, range?: string, projection: Record<string, unknown> = { ProjectionType: 'ALL' }, extra: Record<string, unknown> = {}) => ({
  IndexName: name,
  KeySchema: KS(hash, range),
  Projection: projection,
  ...extra,
});

export async function memoryDb(options: DatabaseOptions = {}): Promise<Database> {
  return Database.open('', { inMemory: true, throttling: false, ...options });
}

/** Runs an operation that must fail; checks the error type and message. */
export async function rejects(db: Database, op: string, input: unknown, type: string, message: string | RegExp): Promise<void> {
  try {
    await db.execute(op, input);
  } catch (e) {
    const err = e as { type: string; message: string };
    assert.equal(err.type, type, `${op}: ${err.message}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return;
  }
  assert.fail(`${op} should have failed with ${type}: ${String(message)}`);
}

/**
 * Table `TTT`: pk (S) + sk (S); GSI byG (g S, hash only, KEYS_ONLY), GSI byGN (g S + n N, INCLUDE a),
 * LSI byL (pk + l N, ALL), LSI byLK (pk + l2 S, KEYS_ONLY).
 */
export async function indexedTable(db: Database, name = 'TTT', options: Record<string, unknown> = {}): Promise<void> {
  await db.execute('CreateTable', {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: KS('pk', 'sk'),
    AttributeDefinitions: AD(['pk', 'S'], ['sk', 'S'], ['g', 'S'], ['n', 'N'], ['l', 'N'], ['l2', 'S']),
    GlobalSecondaryIndexes: [
      gsi('byG', 'g', undefined, { ProjectionType: 'KEYS_ONLY' }),
      gsi('byGN', 'g', 'n', { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] }),
    ],
    LocalSecondaryIndexes: [gsi('byL', 'pk', 'l'), gsi('byLK', 'pk', 'l2', { ProjectionType: 'KEYS_ONLY' })],
    ...options,
  });
}

export const S = (s: string) => ({ S: s });
export const N = (n: number | string) => ({ N: String(n) });
