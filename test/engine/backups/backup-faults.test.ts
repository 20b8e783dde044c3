// Backups against a file system that loses, tears and reorders what was not synced (test/engine/log/fault-fs.ts):
// a power loss at a random moment of CreateBackup, DeleteBackup and a DeleteTable that keeps a
// SYSTEM backup leaves, once reopened, every backup listed whole (its snapshot passes its checks
// and holds the items it was taken with), every acknowledged backup listed, every acknowledged
// deletion gone, no file no backup names, and the deleted table either still there or kept whole
// as its SYSTEM backup. A full disk fails a CreateBackup cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { DynamoDBError } from '../../../src/engine/errors';
import { catalogOf, listBackupSummaries } from '../../../src/engine/backups/catalog';
import { FaultFileSystem, fsError, type FaultCode } from '../log/fault-fs';
import { wrapHandles } from '../log/helpers';
import type { FileHandle } from '../../../src/engine/log/file-system';
import * as path from 'node:path';

/**
 * A fault file system that takes its power loss at the `at`-th file operation (write, sync, folder
 * change) from `arm()` on: the state a crash right before that operation leaves, kept in `crashed`,
 * while the process goes on as if nothing happened. `at` past the last operation: the final state.
 */
class CrashAt extends FaultFileSystem {
  crashed: FaultFileSystem | undefined;
  private count = -1;
  private at = -1;
  private seed = 1;
  private onCrash: () => void = () => undefined;

  arm(at: number, seed: number, onCrash: () => void): void {
    this.count = 0;
    this.at = at;
    this.seed = seed;
    this.onCrash = onCrash;
  }

  private tick(): void {
    if (this.count < 0 || this.crashed !== undefined) return;
    if (this.count++ === this.at) {
      this.crashed = super.crash({ seed: this.seed });
      this.onCrash();
    }
  }

  override beforeWrite(length: number): { landed: number; fails?: FaultCode } {
    this.tick();
    return super.beforeWrite(length);
  }

  override beforeSync(syscall: string, file: string): void {
    this.tick();
    super.beforeSync(syscall, file);
  }

  override rename(from: string, to: string): void {
    this.tick();
    super.rename(from, to);
  }

  override remove(file: string): void {
    this.tick();
    super.remove(file);
  }

  override syncDir(dir: string): void {
    this.tick();
    super.syncDir(dir);
  }

  /** The crash's state, or the state now if the armed operation never came. */
  takeCrash(seed: number): FaultFileSystem {
    this.count = -1;
    return this.crashed ?? super.crash({ seed });
  }
}

const DIR = '/data';

function item(i: number): Record<string, unknown> {
  return { pk: { S: `k${String(i).padStart(3, '0')}` }, v: { S: `v${i}`.repeat(1 + (i % 9)) } };
}

async function openDb(files: FaultFileSystem): Promise<Database> {
  return Database.open(DIR, { fileSystem: files, durability: 'disk', syncIntervalMs: 1 });
}

async function fill(db: Database, table: string, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await db.execute('PutItem', { TableName: table, Item: item(i) });
}

async function createTable(db: Database, name: string): Promise<void> {
  await db.execute('CreateTable', { TableName: name, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
}

async function enablePitr(db: Database, name: string): Promise<void> {
  await db.execute('UpdateContinuousBackups', { TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
}

/** Backup names say how many items (item(0)..item(n-1)) the table held: `n<count>-<tag>`. */
const countIn = (name: string): number => Number(/^n(\d+)-/.exec(name)?.[1] ?? /* SYSTEM */ NaN);

test('a power loss at any moment of backup work leaves every listed backup whole and every acknowledged change in place', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 40 }), fc.boolean(), async (seed, at, dropTable) => {
      const files = new CrashAt();
      const db = await openDb(files);
      await createTable(db, 'src');
      await fill(db, 'src', 0, 20);
      const first = ((await db.execute('CreateBackup', { TableName: 'src', BackupName: 'n20-first' })) as any).BackupDetails.BackupArn as string;
      await fill(db, 'src', 20, 35);
      const second = ((await db.execute('CreateBackup', { TableName: 'src', BackupName: 'n35-second' })) as any).BackupDetails.BackupArn as string;
      await enablePitr(db, 'src');
      const tableId = db.tables.get('src')!.meta.id;

      // In flight when the power goes: a backup, a deletion and (sometimes) a DeleteTable keeping a SYSTEM backup.
      const acked = new Set<string>();
      const deleted = new Set<string>();
      let tableDeleted = false;
      let settledBeforeCrash: { acked: Set<string>; deleted: Set<string>; tableDeleted: boolean } | undefined;
      files.arm(at, seed, () => (settledBeforeCrash = { acked: new Set(acked), deleted: new Set(deleted), tableDeleted }));
      const work = [
        db.execute('CreateBackup', { TableName: 'src', BackupName: 'n35-third' }).then((r: any) => acked.add(r.BackupDetails.BackupArn)),
        db.execute('DeleteBackup', { BackupArn: first }).then(() => deleted.add(first)),
        dropTable ? db.execute('DeleteTable', { TableName: 'src' }).then(() => (tableDeleted = true)) : Promise.resolve(),
      ];
      await Promise.all(work);
      settledBeforeCrash ??= { acked: new Set(acked), deleted: new Set(deleted), tableDeleted };
      const after = files.takeCrash(seed);
      await db.close();

      const again = await openDb(after);
      try {
        const listed = listBackupSummaries(again, { type: 'ALL' });
        const arns = new Set(listed.map((s) => s.BackupArn));
        // A deletion not acknowledged may or may not have landed; an acknowledged one has.
        if (settledBeforeCrash.deleted.has(first)) assert.ok(!arns.has(first), 'an acknowledged deletion stays done');
        assert.ok(arns.has(second), 'an acknowledged backup survives');
        for (const arn of settledBeforeCrash.acked) assert.ok(arns.has(arn), 'an acknowledged backup survives');
        for (const s of listed) {
          assert.equal(s.BackupStatus, 'AVAILABLE');
          const opened = catalogOf(again).open(s.BackupArn);
          const snapshot = await opened.snapshot(); // throws if torn
          opened.release();
          const expected = s.BackupType === 'SYSTEM' ? 35 : countIn(s.BackupName);
          assert.equal(snapshot.keys.length, expected, `${s.BackupName} holds every item it was taken with`);
        }
        const table = again.tables.get('src');
        const system = listed.filter((s) => s.BackupType === 'SYSTEM');
        if (table === undefined) {
          assert.equal(system.length, 1, 'a deleted table with PITR on is kept as a SYSTEM backup');
        } else {
          assert.equal(table.meta.id, tableId);
          assert.ok(!settledBeforeCrash.tableDeleted, 'an acknowledged DeleteTable stays done');
          assert.equal(system.length, 0, 'no SYSTEM backup of a table that is still there');
        }
        // No file that no backup names (the catalog aside).
        const names = after.list(`${DIR}/backups`).filter((n) => n !== 'catalog').sort();
        const files_ = listed.map((s) => `${s.BackupArn.slice(s.BackupArn.lastIndexOf('/') + 1)}.tsnap`).sort();
        assert.deepEqual(names, files_);
        // And a restore of what survived gives the items back.
        const pick = listed[listed.length - 1];
        await again.execute('RestoreTableFromBackup', { TargetTableName: 'restored', BackupArn: pick.BackupArn });
        for (;;) {
          const t = (await again.execute('DescribeTable', { TableName: 'restored' })) as any;
          if (t.Table.TableStatus === 'ACTIVE') {
            assert.equal(t.Table.ItemCount, pick.BackupType === 'SYSTEM' ? 35 : countIn(pick.BackupName));
            break;
          }
          await new Promise((r) => setTimeout(r, 2));
        }
      } finally {
        await again.close();
      }
    }),
    { numRuns: Number(process.env.BACKUP_FAULT_RUNS ?? 150) },
  );
});

test('a full disk fails CreateBackup with InternalServerError and lists nothing; once space is back, backups work', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  const files = new FaultFileSystem();
  const db = await Database.open(DIR, { fileSystem: files });
  try {
    await createTable(db, 'src');
    await fill(db, 'src', 0, 10);
    // Load the catalog first, so that the fault hits the backup's own writes.
    listBackupSummaries(db);
    files.failAfter({ writes: 0, code: 'ENOSPC', once: true });
    const failed = await db.execute('CreateBackup', { TableName: 'src', BackupName: 'n10-full' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(failed instanceof DynamoDBError);
    assert.equal(failed.type, 'InternalServerError');
    assert.deepEqual(listBackupSummaries(db), []);
    assert.deepEqual(files.list(`${DIR}/backups`), [], 'the failed backup left no file');
    files.heal();
    const ok = ((await db.execute('CreateBackup', { TableName: 'src', BackupName: 'n10-later' })) as any).BackupDetails;
    assert.equal(ok.BackupStatus, 'AVAILABLE');
  } finally {
    await db.close();
  }
});

test('a catalog whose bytes were damaged is reported at open and by every backup operation, not misread', async (t) => {
  const reported: string[] = [];
  t.mock.method(console, 'error', (message: string) => reported.push(message));
  const files = new FaultFileSystem();
  let db = await Database.open(DIR, { fileSystem: files });
  await createTable(db, 'src');
  await fill(db, 'src', 0, 3);
  await db.execute('CreateBackup', { TableName: 'src', BackupName: 'n3-one' });
  await db.close();
  files.flipBit(`${DIR}/backups/catalog`, 30);
  db = await Database.open(DIR, { fileSystem: files });
  try {
    assert.equal(reported.length, 1);
    assert.match(reported[0], /backups\/catalog is not a valid backup catalog/);
    await assert.rejects(db.execute('ListBackups', {}), (e: unknown) => {
      assert.ok(e instanceof DynamoDBError);
      assert.equal(e.type, 'InternalServerError');
      assert.match(e.message, /backups\/catalog is not a valid backup catalog: the checksum does not match/);
      return true;
    });
  } finally {
    await db.close();
  }
});

test('a DeleteTable the log refuses deletes nothing and keeps no SYSTEM backup (its file goes too)', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  const files = new FaultFileSystem();
  let logFull = false;
  // Only the log's segments fail: the backup's own file is written, then the deletion is refused.
  const fs = wrapHandles(files, (h, file) =>
    !path.basename(file).startsWith('log-')
      ? h
      : (Object.assign(Object.create(h) as FileHandle, {
          write: (buf: Buffer, at: number) => {
            if (logFull) throw fsError('ENOSPC', 'write', file);
            h.write(buf, at);
          },
          writeAsync: async (buf: Buffer, at: number) => {
            if (logFull) throw fsError('ENOSPC', 'write', file);
            await h.writeAsync(buf, at);
          },
        }) as FileHandle),
  );
  const db = await Database.open(DIR, { fileSystem: fs });
  try {
    await createTable(db, 'src');
    await fill(db, 'src', 0, 10);
    await enablePitr(db, 'src');
    listBackupSummaries(db);
    logFull = true;
    await assert.rejects(db.execute('DeleteTable', { TableName: 'src' }), (e: unknown) => e instanceof DynamoDBError && e.type === 'InternalServerError');
    assert.ok(db.tables.has('src'), 'the refused deletion was undone');
    assert.deepEqual(listBackupSummaries(db, { type: 'ALL' }), []);
    assert.deepEqual(files.list(`${DIR}/backups`), []);
  } finally {
    await db.close().catch(() => undefined);
  }
});
