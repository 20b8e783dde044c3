// Random histories for the PITR property tests: steps (puts, updates, deletes, GSI additions and
// deletions, clock moves, checkpoints) run against a database, and the expected table at a time:
// the steps up to that time replayed into a fresh in-memory database.
import fc from 'fast-check';
import type { Database } from '../../../src/engine/database';
import { Clock, liveItems, openMemory, simpleTable } from './pitr-helpers';

export type Step =
  | { kind: 'put'; pk: string; v: number }
  | { kind: 'update'; pk: string; n: number }
  | { kind: 'delete'; pk: string }
  | { kind: 'addIndex' }
  | { kind: 'dropIndex' }
  | { kind: 'wait'; ms: number }
  | { kind: 'checkpoint' };

const pk = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
export const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('put' as const), pk, v: fc.integer({ min: 0, max: 9 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('update' as const), pk, n: fc.integer({ min: -5, max: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pk }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'addIndex' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'dropIndex' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2500 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
);

export const TIMINGS = { indexTimings: { allocationMs: 0, deletionMs: 0 } };

async function settleIndexes(db: Database): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const indexes = db.table('Tab').meta.indexes ?? [];
    if (indexes.every((x) => x.status === 'ACTIVE')) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('indexes did not settle');
}

/** Runs one step (clock steps move `clock`); index changes wait until the index is ACTIVE or gone. */
export async function run(db: Database, clock: Clock, s: Step): Promise<void> {
  switch (s.kind) {
    case 'put':
      await db.execute('PutItem', { TableName: 'Tab', Item: { pk: { S: s.pk }, v: { N: String(s.v) }, g: { S: `g${s.v % 3}` } } });
      return;
    case 'update':
      await db.execute('UpdateItem', { TableName: 'Tab', Key: { pk: { S: s.pk } }, UpdateExpression: 'ADD n :n SET u = :u', ExpressionAttributeValues: { ':n': { N: String(s.n) }, ':u': { BOOL: s.n > 0 } } });
      return;
    case 'delete':
      await db.execute('DeleteItem', { TableName: 'Tab', Key: { pk: { S: s.pk } } });
      return;
    case 'addIndex':
      if ((db.table('Tab').meta.indexes ?? []).length > 0) return;
      await db.execute('UpdateTable', {
        TableName: 'Tab',
        AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
      });
      await settleIndexes(db);
      return;
    case 'dropIndex':
      if ((db.table('Tab').meta.indexes ?? []).length === 0) return;
      await db.execute('UpdateTable', { TableName: 'Tab', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }] });
      for (let i = 0; i < 200 && (db.table('Tab').meta.indexes ?? []).length > 0; i++) await new Promise((r) => setTimeout(r, 2));
      return;
    case 'wait':
      clock.advance(s.ms);
      return;
    case 'checkpoint':
      await db.checkpoint();
      return;
  }
}

/** Replays the steps that ran at or before `time` into a fresh in-memory database: the expected table. */
export async function replayUntil(steps: Array<{ step: Step; at: number }>, start: number, time: number): Promise<{ items: string[]; indexes: string[] }> {
  const clock = new Clock(start);
  const db = await openMemory(clock, TIMINGS);
  try {
    await simpleTable(db);
    for (const { step: s, at } of steps) {
      if (at > time) break;
      clock.ms = at;
      if (s.kind !== 'wait') await run(db, clock, s);
    }
    return { items: liveItems(db, 'Tab'), indexes: (db.table('Tab').meta.indexes ?? []).map((i) => i.name) };
  } finally {
    await db.close();
  }
}

/** How many keys have a different item (or none) in one list than in the other. */
export function differingKeys(a: string[], b: string[]): number {
  const byKey = (items: string[]) => new Map(items.map((i) => [JSON.stringify((JSON.parse(i) as { pk: unknown }).pk), i]));
  const left = byKey(a);
  const right = byKey(b);
  return [...new Set([...left.keys(), ...right.keys()])].filter((k) => left.get(k) !== right.get(k)).length;
}

