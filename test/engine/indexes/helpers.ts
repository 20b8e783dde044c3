// Shared pieces of the index tests: a database, table definitions, and error assertions.
import type { Database, DatabaseOptions } from '../../../src/engine/database';
import { memoryDb as openMemory, rejects as rejectsWith } from '../helpers';

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

/** An in-memory database without throttling (the index tests run far past any provisioned rate). */
export function memoryDb(options: DatabaseOptions = {}): Promise<Database> {
  return openMemory({ throttling: false, ...options });
}

/** Runs operation `op`, which must fail with `type` and `message` (see ../helpers.ts rejects). */
export async function rejects(db: Database, op: string, input: unknown, type: string, message: string | RegExp): Promise<void> {
  await rejectsWith(db.execute(op, input), type, message, op);
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
