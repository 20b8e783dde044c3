// PITR across crashes: after a random history, writes are left in flight and the process is killed
// (kill -9: the kernel keeps what was written) or the machine loses power (with 'disk' durability:
// what was acknowledged is on disk, in-flight writes may be torn). Reopened, the window still
// starts where it did (new segments and a checkpoint after the reopen included), and the table at any second before the in-flight writes is exactly the
// acknowledged history replayed up to that second: no acknowledged change lost, none half-made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { pitrWindow, tableAt, whenSettled } from '../../../src/engine/backups/pitr';
import { FaultFileSystem } from '../log/fault-fs';
import { Clock, decodeContents, enablePitr, options, simpleTable } from './pitr-helpers';
import { TIMINGS, replayUntil, run, step, type Step } from './pitr-history';

const DIR = '/data';

test('after a kill -9 or a power loss with writes in flight, the table at any earlier second is the acknowledged history replayed up to it', { timeout: 300_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: 30 }),
      fc.nat(),
      fc.integer({ min: 0, max: 20 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 1_000_000 }),
      async (steps, pick, inFlight, powerLoss, seed) => {
        const clock = new Clock();
        const files = new FaultFileSystem();
        const opts = options(clock, { ...TIMINGS, fileSystem: files, segmentBytes: 4096, durability: powerLoss ? 'disk' : 'process' });
        const db = await Database.open(DIR, opts);
        await simpleTable(db);
        await enablePitr(db);
        const start = clock.ms;
        const ran: Array<{ step: Step; at: number }> = [];
        for (const s of steps) {
          ran.push({ step: s, at: clock.ms });
          await run(db, clock, s);
        }
        await whenSettled(db);
        const acknowledgedUntil = clock.ms;
        // Writes a second later, never awaited: the crash may keep all, some, or none of them.
        clock.advance(1000);
        const pending = Array.from({ length: inFlight }, (_, i) => db.execute('PutItem', { TableName: 'Tab', Item: { pk: { S: `late${i % 4}` }, v: { N: String(i) } } }).catch(() => undefined));
        const crashed = powerLoss ? files.crash({ seed }) : files.crashProcessOnly();
        await Promise.all(pending);
        await db.close().catch(() => undefined);

        const reopened = await Database.open(DIR, { ...opts, fileSystem: crashed });
        try {
          // Life goes on after the reopen: new segments, a checkpoint; the window's history must stay.
          clock.advance(1000);
          for (let i = 0; i < 40; i++) await reopened.execute('PutItem', { TableName: 'Tab', Item: { pk: { S: `after${i % 3}` }, pad: { S: 'p'.repeat(200) } } });
          await reopened.checkpoint();
          await whenSettled(reopened);
          assert.equal(pitrWindow(reopened, 'Tab')?.earliest, start);
          const seconds = Math.floor((acknowledgedUntil - start) / 1000);
          const at = start + (pick % (seconds + 1)) * 1000;
          const { meta, contents } = tableAt(reopened, { tableName: 'Tab' }, at);
          const expected = await replayUntil(ran, start, at);
          assert.deepEqual(decodeContents(meta, contents), expected.items);
          assert.deepEqual((meta.indexes ?? []).filter((i) => i.status !== 'DELETING').map((i) => i.name), expected.indexes);
        } finally {
          await reopened.close();
        }
      },
    ),
    { numRuns: 25 },
  );
});
