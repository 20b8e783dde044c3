// Child process of the restore crash test: creates tables with their items one after another (as
// plain items, or as a copy of the table before it), checkpointing now and then, printing
// "start <name> <count>" before each load and "ok <name> <count>" once it resolved, until killed.
//   node child.js <dir> <process|disk>
import { Database } from '../../../src/engine/database';
import { createTableWithItems, type TableContents } from '../../../src/engine/backups/restore';
import type { Item } from '../../../src/engine/types/attribute-value';
import { crashItem, crashItemCount, metaFor } from './restore-helpers';

async function main(): Promise<void> {
  const durability = process.argv[3] as 'process' | 'disk';
  if (durability !== 'process' && durability !== 'disk') throw new Error(`durability must be process or disk, not ${durability}`);
  const db = await Database.open(process.argv[2], { checkpointBytes: 256 * 1024, segmentBytes: 512 * 1024, durability });
  process.stdout.write('ready\n');
  let previous: { name: string; count: number } | undefined;
  for (let i = 0; ; i++) {
    const name = `L${process.pid}-${i}`;
    const copy = previous !== undefined && i % 3 === 2;
    const count = copy ? previous!.count : crashItemCount(name);
    let contents: TableContents | AsyncIterable<Item>;
    if (copy) {
      const source = db.table(previous!.name);
      contents = { dictionary: source.codec.dictionary(), ...source.index.snapshot() };
    } else {
      contents = (async function* () {
        for (let n = 0; n < count; n++) yield crashItem(n);
      })();
    }
    process.stdout.write(`start ${name} ${count}\n`);
    await createTableWithItems(db, metaFor(db, name), contents);
    process.stdout.write(`ok ${name} ${count}\n`);
    previous = { name, count };
    if (i % 4 === 3) await db.checkpoint();
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
