// Property test of loaded tables inside random histories: loads (plain items or a copy of the
// other table), puts into them, DeleteTable and loading the name again, checkpoints, one after
// another, with a kill -9 or a power loss ('disk' durability) at a random moment of a random step.
// After reopening, every table holds exactly what the acknowledged steps made of it, or that plus
// the step in flight at the crash; replay never trips over a loaded table deleted since, or over a
// name loaded twice; and a checkpoint leaves no loaded-table file behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { DynamoDBError } from '../../../src/engine/errors';
import { createTableWithItems } from '../../../src/engine/backups/restore';
import type { Item } from '../../../src/engine/types/attribute-value';
import { FaultFileSystem } from '../log/fault-fs';
import { metaFor, scanAll } from './restore-helpers';

const DIR = '/data';
const NAMES = ['Alpha', 'Bravo'] as const;
type Name = (typeof NAMES)[number];
/** Each table's items as `pk/sk` -> `v`; a missing name is no table. */
type State = Map<Name, Map<string, string>>;

const step = fc.oneof(
  fc.record({ kind: fc.constant('load' as const), name: fc.constantFrom(...NAMES), keys: fc.array(fc.nat(30), { maxLength: 40 }), tag: fc.nat(9) }),
  fc.record({ kind: fc.constant('copy' as const), name: fc.constantFrom(...NAMES) }),
  fc.record({ kind: fc.constant('put' as const), name: fc.constantFrom(...NAMES), key: fc.nat(30), tag: fc.nat(9) }),
  fc.record({ kind: fc.constant('delete' as const), name: fc.constantFrom(...NAMES) }),
  fc.record({ kind: fc.constant('checkpoint' as const) }),
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const itemOf = (key: number, tag: number): Item => ({ pk: { S: `p${key % 4}` }, sk: { N: String(key) }, v: { S: `v${tag}` } });
const keyText = (key: number) => `p${key % 4}/${key}`;
const other = (name: Name): Name => (name === 'Alpha' ? 'Bravo' : 'Alpha');

/** What `s` does to `state` (a copy), or undefined when DynamoDB refuses it there (and it changes nothing). */
function after(state: State, s: Step): State | undefined {
  const next = new Map(state);
  switch (s.kind) {
    case 'load':
      if (state.has(s.name)) return undefined;
      next.set(s.name, new Map(s.keys.map((k) => [keyText(k), `v${s.tag}`])));
      return next;
    case 'copy': {
      const source = state.get(other(s.name));
      if (state.has(s.name) || source === undefined) return undefined;
      next.set(s.name, new Map(source));
      return next;
    }
    case 'put': {
      const table = state.get(s.name);
      if (table === undefined) return undefined;
      next.set(s.name, new Map(table).set(keyText(s.key), `v${s.tag}`));
      return next;
    }
    case 'delete':
      if (!state.has(s.name)) return undefined;
      next.delete(s.name);
      return next;
    case 'checkpoint':
      return state;
  }
}

async function run(db: Database, s: Step): Promise<void> {
  switch (s.kind) {
    case 'load':
      await createTableWithItems(db, metaFor(db, s.name), (async function* () {
        for (const k of s.keys) yield itemOf(k, s.tag);
      })());
      return;
    case 'copy': {
      const source = db.table(other(s.name));
      await createTableWithItems(db, metaFor(db, s.name), { dictionary: source.codec.dictionary(), ...source.index.snapshot() });
      return;
    }
    case 'put':
      await db.execute('PutItem', { TableName: s.name, Item: itemOf(s.key, s.tag) });
      return;
    case 'delete':
      await db.execute('DeleteTable', { TableName: s.name });
      return;
    case 'checkpoint':
      await db.checkpoint();
      return;
  }
}

async function observe(db: Database): Promise<State> {
  const state: State = new Map();
  for (const name of NAMES) {
    if (!db.tables.has(name)) continue;
    state.set(name, new Map((await scanAll(db, name)).map((i) => [`${(i.pk as { S: string }).S}/${(i.sk as { N: string }).N}`, (i.v as { S: string }).S])));
  }
  return state;
}

const show = (s: State) => JSON.stringify([...s].sort().map(([n, t]) => [n, [...t].sort()]));

test('after a crash at any moment of a random history of loads, puts, deletes and checkpoints, the tables are what the acknowledged steps made, or that and the step in flight', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: 14 }),
      fc.nat(),
      fc.nat(8),
      fc.constantFrom('kill' as const, 'power' as const),
      fc.nat(),
      async (steps, crashStepSeed, turns, end, seed) => {
        const files = new FaultFileSystem();
        const options = { durability: end === 'power' ? ('disk' as const) : ('process' as const), checkpointBytes: Number.MAX_SAFE_INTEGER };
        const db = await Database.open(DIR, { ...options, fileSystem: files });
        const crashAt = crashStepSeed % steps.length;
        let state: State = new Map();
        let crashed: FaultFileSystem | undefined;
        let inFlight: State | undefined;
        for (const [i, s] of steps.entries()) {
          const expected = after(state, s);
          const done = run(db, s).then(
            () => true,
            (e: unknown) => {
              assert.ok(e instanceof DynamoDBError, `step ${i} (${s.kind}) failed with ${e}`);
              return false;
            },
          );
          if (i === crashAt) {
            for (let k = 0; k < turns; k++) await new Promise((r) => setImmediate(r));
            crashed = end === 'kill' ? files.crashProcessOnly() : files.crash({ seed });
            inFlight = expected;
          }
          const ok = await done;
          assert.equal(ok, expected !== undefined, `step ${i} (${s.kind} ${'name' in s ? s.name : ''}) ${ok ? 'succeeded' : 'was refused'} against the model`);
          if (crashed !== undefined) break;
          if (expected !== undefined) state = expected;
        }
        await db.close();
        const reopened = await Database.open(DIR, { ...options, fileSystem: crashed! });
        const got = show(await observe(reopened));
        const allowed = [show(state), ...(inFlight ? [show(inFlight)] : [])];
        assert.ok(allowed.includes(got), `after the ${end}: ${got} is none of ${allowed.join(' | ')}`);
        await reopened.checkpoint();
        assert.deepEqual(crashed!.list(DIR).filter((f) => f.startsWith('loaded-')), []);
        await reopened.close();
      },
    ),
    { numRuns: 80, seed: 1415 },
  );
});
