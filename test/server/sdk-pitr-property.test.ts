// Issue 14's property, through the SDK and the HTTP endpoint: for a random history of puts,
// updates and deletes, RestoreTableToPointInTime to a random second gives exactly the table that
// replaying the history up to that second gives. The server runs on a clock the test moves, so
// every write lands at a known millisecond without sleeping. Only seconds that no write falls
// inside are chosen: the state at such a second is the same whichever instant of it a server
// takes, so the property holds for any reading of "restore to second T".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DeleteItemCommand,
  PutItemCommand,
  RestoreTableToPointInTimeCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { createKeyedTable, startHarness, type Harness } from './harness';
import { scanAll, waitActive } from './backup-helpers';

let h: Harness;
/** The server's clock, in ms; only the test moves it, and only forwards. */
let clock = Date.UTC(2026, 0, 1);
before(async () => {
  h = await startHarness({ now: () => clock });
});
after(async () => {
  await h.close();
});

type Step =
  | { kind: 'put'; k: number; v: number; gapMs: number }
  | { kind: 'update'; k: number; v: number; gapMs: number }
  | { kind: 'delete'; k: number; gapMs: number };

const KEYS = 6;
const gap = fc.integer({ min: 0, max: 2500 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), k: fc.nat(KEYS - 1), v: fc.nat(1000), gapMs: gap }),
  fc.record({ kind: fc.constant('update' as const), k: fc.nat(KEYS - 1), v: fc.nat(1000), gapMs: gap }),
  fc.record({ kind: fc.constant('delete' as const), k: fc.nat(KEYS - 1), gapMs: gap }),
);

type Model = Map<number, Record<string, AttributeValue>>;
const keyOf = (k: number) => ({ pk: { S: `k${k}` }, sk: { N: String(k) } });

/** What the step does to the model: the same as DynamoDB does to the table. */
function apply(model: Model, s: Step): void {
  if (s.kind === 'delete') model.delete(s.k);
  else if (s.kind === 'put') model.set(s.k, { ...keyOf(s.k), v: { N: String(s.v) } });
  else model.set(s.k, { ...(model.get(s.k) ?? keyOf(s.k)), u: { N: String(s.v) } });
}

async function send(table: string, s: Step): Promise<void> {
  if (s.kind === 'delete') await h.client.send(new DeleteItemCommand({ TableName: table, Key: keyOf(s.k) }));
  else if (s.kind === 'put') await h.client.send(new PutItemCommand({ TableName: table, Item: { ...keyOf(s.k), v: { N: String(s.v) } } }));
  else await h.client.send(new UpdateItemCommand({ TableName: table, Key: keyOf(s.k), UpdateExpression: 'SET u = :u', ExpressionAttributeValues: { ':u': { N: String(s.v) } } }));
}

const sorted = (model: Model) => [...model.keys()].sort((a, b) => String(a).localeCompare(String(b))).map((k) => model.get(k)!);

test('restoring to a random second of a random history gives the history replayed to that second', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), fc.double({ min: 0, max: 1, noNaN: true }), async (steps, pick) => {
      const table = h.name('prop');
      await createKeyedTable(h.client, table);
      await h.client.send(new UpdateContinuousBackupsCommand({ TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
      const enabledAt = clock;
      // Whole seconds inside the window with the state at each: a second is usable when no write falls in it.
      const model: Model = new Map();
      const busy = new Set<number>([Math.floor(enabledAt / 1000)]);
      const states: { second: number; items: Record<string, AttributeValue>[] }[] = [];
      for (const s of steps) {
        const before = clock;
        clock += s.gapMs;
        for (let sec = Math.floor(before / 1000) + 1; sec < Math.floor(clock / 1000); sec++) {
          if (!busy.has(sec)) states.push({ second: sec, items: sorted(model) });
        }
        busy.add(Math.floor(clock / 1000));
        await send(table, s);
        apply(model, s);
      }
      clock += 2000;
      states.push({ second: Math.floor(clock / 1000) - 1, items: sorted(model) });
      const chosen = states[Math.min(states.length - 1, Math.floor(pick * states.length))]!;

      const target = `${table}-at`;
      await h.client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: target, RestoreDateTime: new Date(chosen.second * 1000) }));
      await waitActive(h.client, target);
      const got = (await scanAll(h.client, target)).sort((a, b) => a.pk!.S!.localeCompare(b.pk!.S!));
      assert.deepEqual(got, chosen.items, `restored to second ${chosen.second} (${chosen.second * 1000 - enabledAt} ms after PITR was enabled)`);
      run++;
    }),
    { numRuns: 25 },
  );
  assert.equal(run, 25);
});
