// `dynamo-workspace repair`: on a log damaged in its middle it reports what cutting there would
// lose and changes nothing; with --yes it cuts, and the folder opens with every record before the
// damage. On an intact folder it says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli';
import { Database } from '../../../src/engine/database';
import { THINGS } from './helpers';
import { tempDir } from '../helpers';

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    return { code: await main(args), out };
  } finally {
    process.stdout.write = write;
  }
}

const snapshot = (dir: string) => new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]));

test('repair reports a damaged log without changing it, and with --yes cuts it so that the folder opens again', async () => {
  const dir = tempDir('dw-repair-');
  const db = await Database.open(dir, { segmentBytes: 8 * 1024, checkpointBytes: Number.MAX_SAFE_INTEGER });
  await db.execute('CreateTable', THINGS);
  for (let i = 0; i < 200; i++) await db.execute('PutItem', { TableName: 'Things', Item: { pk: { S: `k${String(i).padStart(3, '0')}` }, v: { S: 'y'.repeat(200) } } });
  fs.rmSync(path.join(dir, 'LOCK')); // killed, not closed: its log is all there is
  assert.equal((await run(['repair', '--dir', dir])).code, 0, 'an intact log needs nothing');
  // Damage the fourth frame of the second segment.
  const second = fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).sort()[1];
  const file = path.join(dir, second);
  const bytes = fs.readFileSync(file);
  let at = 64;
  for (let i = 0; i < 3; i++) at += 8 + bytes.readUInt32LE(at);
  bytes[at + 8 + 40] ^= 0xff;
  fs.writeFileSync(file, bytes);
  const before = snapshot(dir);
  await assert.rejects(Database.open(dir), new RegExp(`${second.replace('.', '\\.')} at byte ${at}`));
  const report = await run(['repair', '--dir', dir]);
  assert.equal(report.code, 1);
  assert.match(report.out, new RegExp(`byte ${at}`));
  assert.match(report.out, /keeps every record up to lsn \d+/);
  assert.match(report.out, /log-000000000003\.seg \(records from lsn \d+, \d+ still readable\)/);
  assert.match(report.out, /Nothing was changed/);
  const after = snapshot(dir);
  after.delete('LOCK');
  before.delete('LOCK');
  assert.deepEqual(after, before);
  const cut = await run(['repair', '--dir', dir, '--yes']);
  assert.equal(cut.code, 0, cut.out);
  const kept = Number(/up to lsn (\d+)/.exec(report.out)![1]);
  const reopened = await Database.open(dir);
  const count = ((await reopened.execute('DescribeTable', { TableName: 'Things' })) as any).Table.ItemCount;
  assert.equal(count, kept - 1, 'every put up to the damage (lsn 1 created the table)');
  await reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
