// Property tests of createTableWithItems over random tables, random faults (a full disk, a write
// that lands in part, a failing sync) and random crashes (a kill -9 or a power loss, in memory:
// test/engine/log/fault-fs.ts) at a random moment: before the snapshot file, while it is written,
// between the file and the log record, after the record, during the checkpoint that covers it.
// After reopening, the table is whole (every item, its GSI) or absent, present whenever the load
// had resolved, absent whenever it was refused; no loaded-table file outlives the next checkpoint;
// and a write to another table acknowledged meanwhile is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { DynamoDBError } from '../../../src/engine/errors';
import { createTableWithItems, type TableContents } from '../../../src/engine/backups/restore';
import type { Item } from '../../../src/engine/types/attribute-value';
import { FaultFileSystem } from '../log/fault-fs';
import { THINGS } from '../log/helpers';
import { metaFor, scanAll, sortItems } from './restore-helpers';
import { memoryDb } from '../helpers';

const DIR = '/data';

/** Items with keys and attributes drawn so that dictionaries get varied names and shapes, lone surrogates included. */
const itemArb: fc.Arbitrary<Item> = fc
  .record({
    pk: fc.constantFrom('a', 'b', 'c\ud800', 'd'),
    sk: fc.integer({ min: -50, max: 50 }),
    g: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
    extra: fc.dictionary(fc.constantFrom('e1', 'e2', 'e3\udc00', 'n'), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
  })
  .map(({ pk, sk, g, extra }) => {
    const item: Item = { pk: { S: pk }, sk: { N: String(sk) } };
    if (g !== undefined) item.g = { S: g };
    for (const [k, v] of Object.entries(extra)) item[k] = { S: v };
    return item;
  });

const scenario = fc.record({
  items: fc.array(itemArb, { maxLength: 80 }),
  /** Hand the items over as plain items, or as another table's encoded contents. */
  asContents: fc.boolean(),
  fault: fc.option(
    fc.record({ after: fc.nat(6), kind: fc.constantFrom('sticky' as const, 'partial' as const, 'sync' as const), partial: fc.integer({ min: 1, max: 300 }) }),
    { nil: undefined },
  ),
  /** Turns of the event loop between the start of the load and the crash (undefined: after it settled). */
  crashAfterTurns: fc.option(fc.nat(12), { nil: undefined }),
  /** After the load settled: a checkpoint, crashed into after this many turns (undefined: none). */
  checkpointTurns: fc.option(fc.nat(6), { nil: undefined }),
  end: fc.constantFrom('kill' as const, 'power' as const),
  seed: fc.nat(),
});

const turn = () => new Promise<void>((r) => setImmediate(r));

/** The last item of each primary key, in key order: what the loaded table must hold. */
function expectedOf(items: Item[]): Item[] {
  const byKey = new Map<string, Item>();
  for (const i of items) byKey.set(JSON.stringify([i.pk, i.sk]), i);
  return sortItems([...byKey.values()]);
}

test('after any fault or crash during a load, the reopened table is whole or absent, and present if the load resolved', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      let files = new FaultFileSystem();
      const options = { durability: s.end === 'power' ? ('disk' as const) : ('process' as const), checkpointBytes: Number.MAX_SAFE_INTEGER };
      let db = await Database.open(DIR, { ...options, fileSystem: files });
      await db.execute('CreateTable', THINGS);
      let contents: TableContents | AsyncIterable<Item> = (async function* () {
        yield* s.items;
      })();
      if (s.asContents) {
        // Another table's encoded strings, made in memory from the same items.
        const source = await memoryDb();
        const st = await createTableWithItems(source, metaFor(source, 'Source'), contents);
        contents = { dictionary: st.codec.dictionary(), ...st.index.snapshot() };
        await source.close();
      }
      if (s.fault) {
        if (s.fault.kind === 'sticky') files.failAfter({ writes: s.fault.after, code: 'ENOSPC' });
        else if (s.fault.kind === 'partial') files.failAfter({ writes: s.fault.after, code: 'ENOSPC', once: true, partialBytes: s.fault.partial });
        else files.failAfter({ syncs: s.fault.after, code: 'EIO' });
      }
      let outcome = 'pending' as 'pending' | 'resolved' | 'refused';
      const load = createTableWithItems(db, metaFor(db, 'Loaded'), contents).then(
        () => void (outcome = 'resolved'),
        (e) => {
          assert.ok(e instanceof DynamoDBError, `a failed load rejects with DynamoDB's error type, not ${e}`);
          outcome = 'refused';
        },
      );
      // A write elsewhere while the load runs: it must not be lost or taken back by the load.
      let otherAcked = false;
      const other = db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: 'other' }, v: { S: 'kept' } } }).then(
        () => void (otherAcked = true),
        () => undefined,
      );
      let crashed: FaultFileSystem | undefined;
      const crashNow = () => (s.end === 'kill' ? files.crashProcessOnly() : files.crash({ seed: s.seed }));
      if (s.crashAfterTurns !== undefined) {
        for (let i = 0; i < s.crashAfterTurns; i++) await turn();
        crashed = crashNow();
      }
      const outcomeAtCrash = outcome as 'pending' | 'resolved' | 'refused';
      const otherAtCrash = otherAcked;
      await load;
      await other;
      if (outcome === 'refused') assert.equal(db.tables.has('Loaded'), false, 'a refused load leaves no table behind');
      if (crashed === undefined && s.checkpointTurns !== undefined) {
        const cp = db.checkpoint().catch(() => undefined);
        for (let i = 0; i < s.checkpointTurns; i++) await turn();
        crashed = crashNow();
        await cp;
      }
      const finalOutcome = crashed === undefined ? outcome : outcomeAtCrash;
      const otherSurvives = crashed === undefined ? otherAcked : otherAtCrash;
      crashed ??= crashNow();
      await db.close().catch(() => undefined);

      files = crashed;
      db = await Database.open(DIR, { ...options, fileSystem: files });
      const present = db.tables.has('Loaded');
      if (finalOutcome === 'resolved') assert.ok(present, 'a load that resolved before the crash is kept');
      if (finalOutcome === 'refused') assert.ok(!present, 'a load that was refused does not come back');
      if (present) {
        const expected = expectedOf(s.items);
        assert.deepEqual(sortItems(await scanAll(db, 'Loaded')), expected);
        assert.equal((await scanAll(db, 'Loaded', 'byG')).length, expected.filter((i) => i.g !== undefined).length);
      } else {
        // The name is free: a new load of it works.
        await createTableWithItems(db, metaFor(db, 'Loaded'), (async function* () {})());
      }
      if (otherSurvives) assert.deepEqual(((await db.execute('GetItem', { TableName: 'Things', Key: { pk: { S: 'other' } } })) as { Item?: Item }).Item?.v, { S: 'kept' });
      await db.checkpoint();
      assert.deepEqual(files.list(DIR).filter((f) => f.startsWith('loaded-')), [], 'a checkpoint leaves no loaded-table file');
      await db.close();
    }),
    { numRuns: 120, seed: 1214 },
  );
});
