// The expiry index (src/engine/ttl/expiry-index.ts) against a model: after any sequence of puts,
// deletes, TTL toggles, clock moves and sweeps, it holds exactly the items with a Number TTL
// value, and a pass deletes exactly the items due at that moment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isExpired } from '../../../src/engine/ttl';
import type { Database } from '../../../src/engine/database';
import { AD, KS, N, S } from '../indexes/helpers';
import { ttlMemoryDb } from './helpers';

const START_MS = 1_800_000_000_000;

type Op =
  | { kind: 'put'; key: number; ttl: { N: string } | { S: string } | undefined }
  | { kind: 'delete'; key: number }
  | { kind: 'tick'; seconds: number }
  | { kind: 'sweep' }
  | { kind: 'toggle' };

const ttlValue = fc.oneof(
  fc.integer({ min: -120, max: 120 }).map((d) => N(START_MS / 1000 + d)),
  fc.integer({ min: -120_000, max: 120_000 }).map((d) => N(((START_MS + d) / 1000).toFixed(3))),
  fc.constant(S('1800000000')),
  fc.constant(undefined),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), key: fc.integer({ min: 0, max: 30 }), ttl: ttlValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'sweep' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'toggle' as const }) },
);

async function items(db: Database): Promise<Map<string, Record<string, unknown>>> {
  const out = (await db.execute('Scan', { TableName: 'Tab' })) as { Items: Array<Record<string, { S: string }>> };
  return new Map(out.Items.map((i) => [i.pk.S, i]));
}

test('the expiry index and the sweeps agree with a model under any sequence of writes, clock moves and TTL toggles', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
      let now = START_MS;
      const db = await ttlMemoryDb({ now: () => now });
      await db.execute('CreateTable', { TableName: 'Tab', KeySchema: KS('pk'), AttributeDefinitions: AD(['pk', 'S']), BillingMode: 'PAY_PER_REQUEST' });
      let enabled = false;
      const model = new Map<string, { N: string } | { S: string } | undefined>();
      for (const o of ops) {
        if (o.kind === 'put') {
          await db.execute('PutItem', { TableName: 'Tab', Item: { pk: S(`k${o.key}`), ...(o.ttl ? { exp: o.ttl } : {}) } });
          model.set(`k${o.key}`, o.ttl);
        } else if (o.kind === 'delete') {
          await db.execute('DeleteItem', { TableName: 'Tab', Key: { pk: S(`k${o.key}`) } });
          model.delete(`k${o.key}`);
        } else if (o.kind === 'tick') {
          now += o.seconds * 1000;
        } else if (o.kind === 'toggle') {
          enabled = !enabled;
          await db.execute('UpdateTimeToLive', { TableName: 'Tab', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: enabled } });
        } else {
          const { deleted } = await db.ttl.sweepNow();
          let expected = 0;
          if (enabled) {
            for (const [k, v] of model) {
              if (isExpired(v, now)) {
                model.delete(k);
                expected++;
              }
            }
          }
          assert.equal(deleted, expected);
        }
        const table = db.tables.get('Tab')!;
        if (enabled && table.expiry!.complete) {
          const withNumber = [...model.values()].filter((v) => v !== undefined && 'N' in v).length;
          assert.equal(table.expiry!.size, withNumber, 'one entry per item with a Number TTL');
        }
        if (!enabled) assert.equal(table.expiry, undefined, 'no index while TTL is disabled');
      }
      assert.deepEqual([...(await items(db)).keys()].sort(), [...model.keys()].sort());
      await db.close();
    }),
    { numRuns: 150 },
  );
});
