// Kills (SIGKILL) a child process that creates tables with their items, at random moments, many
// times in a row, and checks after each kill that every table whose load the child saw resolve is
// there whole (every item, its GSI), that any other table it started is whole or absent, and that
// no loaded-table file outlives the checkpoint that follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundledChild } from '../bundled-child';
import { Database } from '../../../src/engine/database';
import { crashItem } from './restore-helpers';

const KILLS = Number(process.env.RESTORE_CRASH_KILLS ?? 15);
const child = bundledChild(path.join(__dirname, 'restore-crash-child.ts'), 'dw-restore-crash-');

for (const durability of ['process', 'disk'] as const) {
  test(`durability '${durability}': every resolved load survives ${KILLS} SIGKILLs at random moments, and no load is ever half there`, { timeout: 30 * 60 * 1000 }, () =>
    killRepeatedly(durability),
  );
}

async function killRepeatedly(durability: 'process' | 'disk'): Promise<void> {
  const dir = path.join(child.work, `data-${durability}`);
  let resolved = 0;
  let partial = 0;
  for (let round = 0; round < KILLS; round++) {
    const started = new Map<string, number>();
    const acked = new Set<string>();
    const proc = spawn(process.execPath, [child.script, dir, durability], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    proc.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const [what, name, count] = line.split(' ');
      if (what === 'ready') ready();
      else if (what === 'start') started.set(name, Number(count));
      else if (what === 'ok') acked.add(name);
    });
    const exited = new Promise<void>((r) => proc.on('exit', () => r()));
    await Promise.race([isReady, exited]);
    assert.equal(stderr, '', 'the child failed');
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 1500));
    proc.kill('SIGKILL');
    await exited;

    const db = await Database.open(dir, { durability });
    for (const [name, count] of started) {
      const table = db.tables.get(name);
      if (acked.has(name)) assert.ok(table, `round ${round}: ${name} resolved but is missing`);
      if (table === undefined) {
        partial++;
        continue;
      }
      if (acked.has(name)) resolved++;
      assert.equal(table.itemCount, count, `round ${round}: ${name} holds ${table.itemCount} of its ${count} items`);
      const { keys, values } = table.index.snapshot();
      const expected = new Map(Array.from({ length: count }, (_, n) => crashItem(n)).map((item) => [table.keyOf(item), item]));
      keys.forEach((key, i) => assert.deepEqual(table.codec.decode(values[i]), expected.get(key), `round ${round}: ${name} item ${key}`));
      const gsi = ((await db.execute('DescribeTable', { TableName: name })) as { Table: { GlobalSecondaryIndexes: { ItemCount: number }[] } }).Table.GlobalSecondaryIndexes[0];
      assert.equal(gsi.ItemCount, count);
    }
    const ids = new Set([...db.tables.values()].map((t) => t.meta.id));
    for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('loaded-'))) {
      assert.ok(ids.has(f.slice('loaded-'.length, -'.tsnap'.length)), `round ${round}: ${f} belongs to no table`);
    }
    // The next child starts from an empty folder of the same log.
    for (const name of [...db.tables.keys()]) await db.execute('DeleteTable', { TableName: name });
    await db.close();
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('loaded-')), [], 'the checkpoint at close removes every loaded-table file');
  }
  // Each child gets at least 50 ms before its kill; over all rounds some loads must have resolved.
  assert.ok(resolved > 0, `the children resolved ${resolved} loads`);
  console.log(`restore crash test ('${durability}'): ${KILLS} kills, ${resolved} resolved loads checked whole, ${partial} loads cut short left no table`);
}
