// Property tests over random histories, random faults (a full disk; a write that lands in part
// once; failing syncs) and random crashes (FaultFileSystem), with
// reopening after each crash and going on from there for a few rounds. After every reopen the
// tables must hold exactly the effect of a PREFIX of the writes issued (so nothing stale came
// back and nothing is out of order), that prefix must include every write that had to survive
// ('disk' mode: all acknowledged; 'process' mode: all acknowledged before the last successful
// sync for a power loss, all acknowledged for a kill), and it never includes a refused write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { DynamoDBError } from '../../../src/engine/errors';
import { FaultFileSystem } from './fault-fs';
import { THINGS } from './helpers';

const DIR = '/data';

type State = Map<string, string>;
interface Write {
  key: string;
  value: string | undefined;
  status: 'pending' | 'acked' | 'refused';
}

// `shape` adds one of a few extra attributes, so writes bring new dictionary names and shapes
// while checkpoints run (a checkpoint that missed one made the table unreadable after a crash).
const op = fc.record({ key: fc.integer({ min: 0, max: 5 }), del: fc.boolean(), value: fc.integer({ min: 0, max: 999 }), wide: fc.boolean(), shape: fc.integer({ min: 0, max: 40 }) });
const round = fc.record({
  batches: fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
  end: fc.constantFrom('kill' as const, 'power' as const, 'close' as const),
  syncAfter: fc.option(fc.nat(7), { nil: undefined }),
  faultAfterWrites: fc.option(fc.nat(12), { nil: undefined }),
  faultKind: fc.constantFrom('sticky' as const, 'partial' as const, 'sync' as const),
  partial: fc.integer({ min: 1, max: 300 }),
  seed: fc.nat(),
});

function apply(base: State, writes: Write[], upTo: number): State {
  const s = new Map(base);
  for (const w of writes.slice(0, upTo)) {
    if (w.value === undefined) s.delete(w.key);
    else s.set(w.key, w.value);
  }
  return s;
}

async function observe(db: Database): Promise<State> {
  const items = ((await db.execute('Scan', { TableName: 'Things' })) as any).Items as any[];
  // The value and the extra attribute's name (if any): a write is seen whole or not at all.
  return new Map(items.map((i) => [i.pk.S as string, [i.v.S as string, ...Object.keys(i).filter((n) => n.startsWith('extra')).sort()].join(' ')]));
}

const show = (s: State) => JSON.stringify([...s].sort());

for (const durability of ['process', 'disk'] as const) {
  test(`'${durability}' mode: after any crash or fault, reopening gives a prefix of the writes holding every one that had to survive`, async (t) => {
    t.mock.method(console, 'error', () => undefined);
    await fc.assert(
      fc.asyncProperty(fc.array(round, { minLength: 1, maxLength: 3 }), async (rounds) => {
        let files = new FaultFileSystem();
        const options = { durability, segmentBytes: 1024, checkpointBytes: 1024, syncIntervalMs: 3 };
        let db = await Database.open(DIR, { ...options, fileSystem: files });
        await db.execute('CreateTable', THINGS);
        await db.logStore!.sync();
        let base: State = new Map();
        for (const r of rounds) {
          const writes: Write[] = [];
          const promises: Promise<unknown>[] = [];
          let required = 0;
          if (r.faultAfterWrites !== undefined) {
            if (r.faultKind === 'sticky') files.failAfter({ writes: r.faultAfterWrites, code: 'ENOSPC' });
            else if (r.faultKind === 'partial') files.failAfter({ writes: r.faultAfterWrites, code: 'ENOSPC', once: true, partialBytes: r.partial });
            else files.failAfter({ syncs: r.faultAfterWrites, code: 'EIO' });
          }
          const acked = () => writes.filter((w) => w.status === 'acked').length;
          for (const [b, batch] of r.batches.entries()) {
            const settled = batch.map((o) => {
              // Values of one length make records of one size, so old frames line up with new ones.
              const v = `${o.wide ? '\ud800' : 'v'}${String(o.value).padStart(40, '0')}`;
              const extra = o.shape > 0 ? `extra${o.shape}` : undefined;
              const value = o.del ? undefined : extra ? `${v} ${extra}` : v;
              const w: Write = { key: `k${o.key}`, value, status: 'pending' };
              writes.push(w);
              const p = value === undefined
                ? db.execute('DeleteItem', { TableName: 'Things', Key: { pk: { S: w.key } } })
                : db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: w.key }, v: { S: v }, ...(extra ? { [extra]: { N: String(o.value) } } : {}) } });
              return p.then(
                () => void (w.status = 'acked'),
                (e) => {
                  assert.ok(e instanceof DynamoDBError && e.type === 'InternalServerError', String(e));
                  w.status = 'refused';
                },
              );
            });
            promises.push(...settled);
            // The last batch is still in flight when the crash comes.
            if (b < r.batches.length - 1 || r.end === 'close') await Promise.all(settled);
            if (r.syncAfter === b && r.end !== 'close') {
              const n = acked();
              if (await db.logStore!.sync().then(() => true, () => false)) required = n;
            }
          }
          let next: FaultFileSystem;
          if (r.end === 'close') {
            // A close on a full disk fails to write its checkpoint; the log still holds everything.
            await db.close().catch(() => undefined);
            next = files.crash({ seed: r.seed });
            // After a failed flush, 'process' mode's close cannot make its acknowledged writes durable.
            if (!(r.faultAfterWrites !== undefined && r.faultKind === 'sync' && durability === 'process')) required = acked();
          } else if (r.end === 'kill') {
            next = files.crashProcessOnly();
            required = acked();
          } else {
            next = files.crash({ seed: r.seed });
            if (durability === 'disk') required = acked();
          }
          const ackedAtCrash = writes.filter((w) => w.status === 'acked').length;
          await Promise.all(promises);
          // Refused writes come last (a failed log refuses everything after): only the others count.
          const candidates = writes.filter((w) => w.status !== 'refused');
          assert.ok(candidates.length >= ackedAtCrash);
          files = next;
          db = await Database.open(DIR, { ...options, fileSystem: files });
          const got = await observe(db);
          const allowed = [];
          for (let p = required; p <= candidates.length; p++) allowed.push(show(apply(base, candidates, p)));
          assert.ok(allowed.includes(show(got)), `after '${r.end}': ${show(got)} is none of the prefixes from ${required}: ${allowed.join(' | ')}`);
          base = got;
        }
        await db.close();
      }),
      { numRuns: 60, seed: durability === 'disk' ? 20261206 : 1206 },
    );
  });
}
