// Child process of the TTL crash test.
//   node child.js <dir> populate   creates table Exp (GSI byG) with TTL on `exp`, writes the items, exits
//   node child.js <dir> sweep      opens the folder and sweeps, printing the table's item count
//                                  every millisecond or so, until it is killed (or prints "done")
import { Database } from '../../../src/engine/database';
import { EXPIRED, LIVE, itemFor } from './crash-items';

const dir = process.argv[2];
const mode = process.argv[3];

async function populate(): Promise<void> {
  const db = await Database.open(dir, { ttlSweepIntervalMs: 0, ttlTransitionMs: 0 });
  await db.execute('CreateTable', {
    TableName: 'Exp',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await db.execute('UpdateTimeToLive', { TableName: 'Exp', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } });
  const now = Math.floor(Date.now() / 1000);
  const all = [...Array.from({ length: EXPIRED }, (_, i) => itemFor(`e${i}`, now)), ...Array.from({ length: LIVE }, (_, i) => itemFor(`l${i}`, now))];
  // Half before a checkpoint, half after it: the sweep finds items both loaded and replayed.
  for (let i = 0; i < all.length; i += 25) {
    if (i === Math.floor(all.length / 2 / 25) * 25) await db.checkpoint();
    await db.execute('BatchWriteItem', { RequestItems: { Exp: all.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } });
  }
  await db.close();
  process.stdout.write('populated\n');
}

async function sweep(): Promise<void> {
  const db = await Database.open(dir, { ttlSweepIntervalMs: 0, ttlTransitionMs: 0 });
  const table = db.tables.get('Exp')!;
  process.stdout.write(`count ${table.itemCount}\n`);
  const timer = setInterval(() => process.stdout.write(`count ${table.itemCount}\n`), 1);
  await db.ttl.sweepNow();
  clearInterval(timer);
  process.stdout.write(`count ${table.itemCount}\ndone\n`);
  await db.close();
}

(mode === 'populate' ? populate() : sweep()).catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
