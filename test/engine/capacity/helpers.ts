// Shared pieces of the capacity tests: a database on a hand-driven clock, tables, items of an
// exact size (by DynamoDB's item-size rules) and error assertions.
import assert from 'node:assert/strict';
import type { Database, DatabaseOptions } from '../../../src/engine/database';
import { memoryDb, rejects as rejectsWith } from '../helpers';
import { itemSize } from '../../../src/engine/types/attribute-validation';
import type { IndexMeta } from '../../../src/engine/indexes/types';

export interface Clock {
  now: number;
  advance(ms: number): void;
}

export async function openDb(options: DatabaseOptions = {}): Promise<{ db: Database; clock: Clock }> {
  const clock: Clock = {
    now: Date.UTC(2026, 0, 15, 12, 0, 0),
    advance(ms: number) {
      this.now += ms;
    },
  };
  const db = await memoryDb({ now: () => clock.now, ...options });
  return { db, clock };
}

export async function hashTable(db: Database, name: string, provisioned?: { read: number; write: number }): Promise<void> {
  await db.execute('CreateTable', {
    TableName: name,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ...(provisioned
      ? { ProvisionedThroughput: { ReadCapacityUnits: provisioned.read, WriteCapacityUnits: provisioned.write } }
      : { BillingMode: 'PAY_PER_REQUEST' }),
  });
}

export async function compositeTable(db: Database, name: string, provisioned?: { read: number; write: number }): Promise<void> {
  await db.execute('CreateTable', {
    TableName: name,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    ...(provisioned
      ? { ProvisionedThroughput: { ReadCapacityUnits: provisioned.read, WriteCapacityUnits: provisioned.write } }
      : { BillingMode: 'PAY_PER_REQUEST' }),
  });
}

/**
 * Gives a table secondary indexes straight in its metadata (as CreateTable/UpdateTable record them),
 * with the attribute definitions they need: capacity reads nothing else.
 */
export function addIndexes(db: Database, table: string, indexes: IndexMeta[], defs: Array<{ AttributeName: string; AttributeType: 'S' | 'N' | 'B' }>): void {
  const t = db.table(table);
  t.meta = { ...t.meta, attributeDefinitions: [...t.meta.attributeDefinitions, ...defs], indexes };
}

/** `base` padded with attribute `x` to exactly `size` bytes. */
export function sized(base: Record<string, any>, size: number): Record<string, any> {
  const without = itemSize(base as never);
  const pad = size - without - 1; // the name 'x' is one byte
  assert.ok(pad >= 0, `base item is already ${without} bytes`);
  const item = { ...base, x: { S: 'y'.repeat(pad) } };
  assert.equal(itemSize(item as never), size);
  return item;
}

/** ../helpers.ts rejects, typed loosely: the throttling tests read the error's `extra` members. */
export const rejects = (p: Promise<unknown>, type: string, message?: string | RegExp): Promise<any> => rejectsWith(p, type, message);

export const TABLE_THROTTLE =
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
export const GSI_THROTTLE =
  'The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API.';
