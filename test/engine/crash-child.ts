// Child process of the crash test: writes and overwrites items as fast as it can, printing
// "key version" for each acknowledged write, until it is killed.
//   node child.js <dir> <process|disk>
import { Database } from '../../src/engine/database';
import { payloadFor } from './crash-payload';

const dir = process.argv[2];
const durability = process.argv[3] as 'process' | 'disk';
const KEYS = 3000;
const DELETABLE_FROM = 2000;

async function main(): Promise<void> {
  if (durability !== 'process' && durability !== 'disk') throw new Error(`durability must be process or disk, not ${durability}`);
  const db = await Database.open(dir, { checkpointBytes: 2 * 1024 * 1024, segmentBytes: 1024 * 1024, durability });
  try {
    await db.execute('CreateTable', {
      TableName: 'crash',
      KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  } catch (e) {
    if ((e as { type?: string }).type !== 'ResourceInUseException') throw e;
  }
  process.stdout.write('ready\n');
  let counter = 0;
  const base = Date.now() * 1000;
  const writer = async (): Promise<void> => {
    for (;;) {
      const version = base + counter++;
      const op = version % 10 === 0 ? 'DeleteItem' : 'PutItem';
      // Deletes touch only the upper third of the keys, so a missing lower key is always a loss.
      const key = `key-${op === 'DeleteItem' ? DELETABLE_FROM + (version % (KEYS - DELETABLE_FROM)) : (version * 7919) % KEYS}`;
      if (op === 'DeleteItem') {
        await db.execute('DeleteItem', { TableName: 'crash', Key: { k: { S: key } } });
        process.stdout.write(`${key} -${version}\n`);
      } else {
        await db.execute('PutItem', { TableName: 'crash', Item: { k: { S: key }, v: { N: String(version) }, p: { S: payloadFor(key, version) } } });
        process.stdout.write(`${key} ${version}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: 24 }, writer));
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
