// Data folders of the format before the versioned log (fixtures/v0-folder, made by fde3f25 with
// fixtures/make-v0-folder.ts) are upgraded on open, also when a crash interrupts the upgrade at
// any sync; folders of a newer format are refused with a message saying which version and what
// to do, and nothing in them is changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { Database } from '../../../src/engine/database';
import { FaultFileSystem } from './fault-fs';
import { THINGS } from './helpers';
import { tempDir } from '../helpers';

const FIXTURE = path.join(__dirname, 'fixtures', 'v0-folder');

function copyFixture(): string {
  const dir = tempDir('dw-upgrade-');
  for (const f of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
  return dir;
}

/** Everything make-v0-folder.ts wrote and acknowledged, checkpoint and log alike. */
async function assertFixtureContent(db: Database): Promise<void> {
  const scan = async (name: string) => ((await db.execute('Scan', { TableName: name })) as any).Items as any[];
  const before = await scan('Before');
  assert.equal(before.length, 55, 'p0-p4 deleted after the checkpoint, p5-p59 left');
  const byKey = new Map(before.map((item) => [item.pk.S, item]));
  assert.equal(byKey.get('p10').v.S, 'overwritten');
  assert.equal(byKey.get('p20').v.S, 'before 20 ✓ 😀');
  assert.equal(byKey.get('p45').v.S, 'after 45');
  assert.deepEqual(byKey.get('p7').m, { M: { deep: { L: [{ BOOL: true }, { NULL: true }] } } });
  assert.equal(byKey.has('p3'), false);
  const after = await scan('After');
  assert.equal(after.length, 300);
  assert.ok(after.every((item) => item.v.S === 'x'.repeat(200)));
}

test('a folder written by the build before the versioned log is upgraded on open: same data, new files, old ones gone', async () => {
  const dir = copyFixture();
  let db = await Database.open(dir);
  await assertFixtureContent(db);
  const files = fs.readdirSync(dir);
  assert.ok(!files.some((f) => f.startsWith('wal-') || f === 'checkpoint.bin'), `old files removed: ${files}`);
  assert.ok(files.includes('checkpoint.manifest') && files.some((f) => /^log-\d{12}\.seg$/.test(f)));
  await db.execute('PutItem', { TableName: 'After', Item: { pk: { S: 'new' }, v: { S: 'written after the upgrade' } } });
  fs.rmSync(path.join(dir, 'LOCK'));
  db = await Database.open(dir);
  const written = (await db.execute('GetItem', { TableName: 'After', Key: { pk: { S: 'new' } } })) as any;
  assert.equal(written.Item.v.S, 'written after the upgrade', 'the new log replays after the upgraded checkpoint');
  await db.execute('DeleteItem', { TableName: 'After', Key: { pk: { S: 'new' } } });
  await assertFixtureContent(db);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an upgrade cut short by a power loss at any of its syncs is redone or complete at the next open, never half', async () => {
  const base = new FaultFileSystem();
  base.mkdir('/data');
  for (const f of fs.readdirSync(FIXTURE)) base.writeFile(path.join('/data', f), fs.readFileSync(path.join(FIXTURE, f)));
  let finished = false;
  let attempts = 0;
  for (let syncs = 0; !finished && syncs < 200; syncs++) {
    attempts++;
    const files = base.crashProcessOnly();
    files.failAfter({ syncs, code: 'EIO' });
    try {
      const db = await Database.open('/data', { fileSystem: files });
      finished = true;
      await db.close();
    } catch (e) {
      assert.equal((e as NodeJS.ErrnoException).code, 'EIO', String(e));
    }
    const after = files.crash({ seed: syncs + 1 });
    const db = await Database.open('/data', { fileSystem: after });
    await assertFixtureContent(db);
    await db.close();
  }
  assert.ok(finished, 'the upgrade completes once no sync fails');
  assert.ok(attempts > 3, `the upgrade was cut at each of its ${attempts - 1} syncs first`);
});

test('a log segment of a newer format version is refused, saying which version, and nothing is changed', async () => {
  const dir = tempDir('dw-future-');
  const db = await Database.open(dir);
  await db.execute('CreateTable', THINGS);
  fs.rmSync(path.join(dir, 'LOCK'));
  const segment = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.seg'))!);
  const bytes = fs.readFileSync(segment);
  bytes.writeUInt16LE(7, 8);
  bytes.writeUInt32LE(crc32(bytes.subarray(0, 60)), 60);
  fs.writeFileSync(segment, bytes);
  const listing = fs.readdirSync(dir).sort();
  await assert.rejects(Database.open(dir), /format version 7.*reads only up to version 3.*newer Dynamo Workspace/s);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f !== 'LOCK').sort(), listing.filter((f) => f !== 'LOCK'));
  assert.deepEqual(fs.readFileSync(segment), bytes);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an old-style checkpoint of another version is refused by name, not misread', async () => {
  const dir = copyFixture();
  const file = path.join(dir, 'checkpoint.bin');
  const bytes = fs.readFileSync(file);
  bytes.write('DWCKPT09', 0, 'latin1');
  fs.writeFileSync(file, bytes);
  await assert.rejects(Database.open(dir), /format 09.*cannot read/);
  assert.ok(fs.existsSync(path.join(dir, 'wal-000000000001.log')), 'the old log is kept');
  fs.rmSync(dir, { recursive: true, force: true });
});
