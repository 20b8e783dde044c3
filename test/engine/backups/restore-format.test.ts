// The on-disk side of loaded tables (src/engine/log/FORMAT.md, "Loaded tables", format version 2):
// a damaged or missing loaded-table file refuses the open by name and changes nothing (its table
// is never brought back half or empty), segments are written as version 2, and a folder whose
// segments say version 1 (the format before loaded tables) opens as it did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { createTableWithItems } from '../../../src/engine/backups/restore';
import { FORMAT_VERSION, HEADER_BYTES, listSegments, segmentName } from '../../../src/engine/log/format';
import { FaultFileSystem } from '../log/fault-fs';
import { itemsOf, iterate, metaFor, scanAll, sortItems } from './restore-helpers';

const DIR = '/data';

/** A folder, after a kill, whose log holds a loadTable record not yet covered by a checkpoint. */
async function killedAfterLoad(): Promise<{ files: FaultFileSystem; file: string }> {
  const files = new FaultFileSystem();
  const db = await Database.open(DIR, { fileSystem: files, checkpointBytes: Number.MAX_SAFE_INTEGER });
  await createTableWithItems(db, metaFor(db, 'Loaded'), iterate(itemsOf(200)));
  const killed = files.crashProcessOnly();
  await db.close();
  const file = killed.list(DIR).find((f) => f.startsWith('loaded-'));
  assert.ok(file, 'the loaded-table file is there until a checkpoint covers its record');
  return { files: killed, file: `${DIR}/${file}` };
}

/** Every file of the folder with its bytes, to show an open changed nothing. */
function folderState(files: FaultFileSystem): Map<string, string> {
  return new Map(files.list(DIR).map((f) => [f, files.readFile(`${DIR}/${f}`).toString('hex')]));
}

test('any flipped bit in a loaded-table file refuses the open with CorruptSnapshotError naming the file, and changes nothing', async () => {
  const { files, file } = await killedAfterLoad();
  const size = files.readFile(file).length;
  await fc.assert(
    fc.asyncProperty(fc.nat(size - 1), fc.nat(7), async (offset, bit) => {
      const copy = files.crashProcessOnly();
      copy.flipBit(file, offset, bit);
      const before = folderState(copy);
      await assert.rejects(Database.open(DIR, { fileSystem: copy }), (e: unknown) => {
        assert.ok(e instanceof Error && e.name === 'CorruptSnapshotError', `not a CorruptSnapshotError: ${e}`);
        assert.ok(e.message.includes(file), e.message);
        return true;
      });
      assert.deepEqual(folderState(copy), before);
    }),
    { numRuns: 40, seed: 614 },
  );
});

test('a missing loaded-table file refuses the open, saying that the log loads a table from it', async () => {
  const { files, file } = await killedAfterLoad();
  files.remove(file);
  await assert.rejects(Database.open(DIR, { fileSystem: files }), /is missing, but the log's record of table .* loads the table's items from it/);
});

test('a loaded-table file of another table, under the name the record gives, refuses the open', async () => {
  const { files, file } = await killedAfterLoad();
  // Another load's file copied over this one: a whole, valid snapshot, but not this table's.
  const other = await killedAfterLoad();
  files.writeFile(file, other.files.readFile(other.file));
  await assert.rejects(Database.open(DIR, { fileSystem: files }), /holds another table than the one its record names/);
});

/** Rewrites a segment as format 1 wrote it: the version in its header, and so its CRC and every frame's chained CRC. */
function relabelAsVersion1(files: FaultFileSystem, name: string): void {
  const bytes = files.readFile(name);
  bytes.writeUInt16LE(1, 8);
  let crc = crc32(bytes.subarray(0, 60));
  bytes.writeUInt32LE(crc, 60);
  for (let at = HEADER_BYTES; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32LE(at);
    if (length === 0) break;
    crc = crc32(bytes.subarray(at + 8, at + 8 + length), crc);
    bytes.writeUInt32LE(crc, at + 4);
    at += 8 + length;
  }
  files.writeFile(name, bytes);
}

test(`segments are written in format version ${FORMAT_VERSION}; a folder of version 1 segments opens whole and takes loaded tables after`, async () => {
  let files = new FaultFileSystem();
  let db = await Database.open(DIR, { fileSystem: files, checkpointBytes: Number.MAX_SAFE_INTEGER });
  await db.execute('CreateTable', { TableName: 'Old', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
  for (let i = 0; i < 20; i++) await db.execute('PutItem', { TableName: 'Old', Item: { pk: { S: `k${i}` }, n: { N: String(i) } } });
  files = files.crashProcessOnly();
  await db.close();
  const segments = listSegments(files, DIR);
  assert.equal(segments.length, 1, 'one run, one segment, no checkpoint');
  const name = `${DIR}/${segmentName(segments[0])}`;
  assert.equal(files.readFile(name).readUInt16LE(8), FORMAT_VERSION);
  assert.equal(FORMAT_VERSION, 3);
  relabelAsVersion1(files, name);
  db = await Database.open(DIR, { fileSystem: files, checkpointBytes: Number.MAX_SAFE_INTEGER });
  assert.equal((await scanAll(db, 'Old')).length, 20);
  await createTableWithItems(db, metaFor(db, 'Loaded'), iterate(itemsOf(50)));
  files = files.crashProcessOnly();
  await db.close();
  db = await Database.open(DIR, { fileSystem: files });
  assert.equal((await scanAll(db, 'Old')).length, 20);
  assert.deepEqual(sortItems(await scanAll(db, 'Loaded')), sortItems(itemsOf(50)));
  await db.close();
});
