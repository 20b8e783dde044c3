// Kills a child process (test/engine/backups/backup-crash-child.ts) with SIGKILL at random moments
// while it backs a table up, deletes backups and deletes the table (keeping a SYSTEM backup), and
// checks after each kill: every listed backup is AVAILABLE and whole (its snapshot passes its
// checks and holds exactly the items it was taken with), every acknowledged backup is listed,
// every acknowledged deletion is done, every acknowledged table deletion left its SYSTEM backup,
// and no file in backups/ is left that no backup names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundledChild, runUntilKilled } from '../bundled-child';
import { Database } from '../../../src/engine/database';
import { catalogOf, listBackupSummaries } from '../../../src/engine/backups/catalog';

const KILLS = Number(process.env.BACKUP_CRASH_KILLS ?? 30);
const child = bundledChild(path.join(__dirname, 'backup-crash-child.ts'), 'dw-backup-crash-');

const key = (i: number): string => `k${String(i).padStart(6, '0')}`;

test(`no backup is half made or lost across ${KILLS} SIGKILLs during backups, deletions and DeleteTable with PITR`, { timeout: 30 * 60 * 1000 }, async () => {
  const dir = path.join(child.work, 'data');
  const acked = new Set<string>();
  const deleting = new Set<string>();
  const deleted = new Set<string>();
  const dropped = new Set<string>();
  let checked = 0;
  for (let round = 0; round < KILLS; round++) {
    await runUntilKilled(child.script, [dir], 50 + Math.random() * 600, (line) => {
      const [what, arg] = line.split(' ');
      if (what === 'backup') acked.add(arg);
      else if (what === 'deleting') deleting.add(arg);
      else if (what === 'deleted') deleted.add(arg);
      else if (what === 'dropped') dropped.add(arg);
    });

    const db = await Database.open(dir);
    try {
      const listed = listBackupSummaries(db, { type: 'ALL' });
      const arns = new Set(listed.map((s) => s.BackupArn));
      for (const arn of acked) if (!deleting.has(arn)) assert.ok(arns.has(arn), `round ${round}: acknowledged backup ${arn} is missing`);
      for (const arn of deleted) assert.ok(!arns.has(arn), `round ${round}: deleted backup ${arn} is back`);
      const systemOf = new Set(listed.filter((s) => s.BackupType === 'SYSTEM').map((s) => s.TableId));
      for (const id of dropped) assert.ok(systemOf.has(id), `round ${round}: table ${id} was deleted without its SYSTEM backup`);
      const live = db.tables.get('crash')?.meta.id;
      assert.ok(live === undefined || !systemOf.has(live), `round ${round}: a SYSTEM backup of a table that is still there`);
      for (const s of listed) {
        assert.equal(s.BackupStatus, 'AVAILABLE');
        const opened = catalogOf(db).open(s.BackupArn);
        const snapshot = await opened.snapshot(); // throws CorruptSnapshotError if torn
        opened.release();
        const expected = s.BackupType === 'SYSTEM' ? snapshot.keys.length : Number(/^n(\d+)-/.exec(s.BackupName)![1]);
        assert.equal(snapshot.keys.length, expected, `round ${round}: ${s.BackupName} holds ${snapshot.keys.length} items`);
        checked++;
      }
      const files = fs.readdirSync(path.join(dir, 'backups')).filter((f) => f !== 'catalog').sort();
      assert.deepEqual(files, listed.map((s) => `${s.BackupArn.slice(s.BackupArn.lastIndexOf('/') + 1)}.tsnap`).sort(), `round ${round}: files no backup names`);
      // One restore per round, compared item by item.
      const pick = listed[Math.floor(Math.random() * listed.length)];
      if (pick !== undefined) {
        await db.execute('RestoreTableFromBackup', { TargetTableName: `check${round}`, BackupArn: pick.BackupArn });
        while (((await db.execute('DescribeTable', { TableName: `check${round}` })) as any).Table.TableStatus !== 'ACTIVE') await new Promise((r) => setTimeout(r, 5));
        const scan = (await db.execute('Scan', { TableName: `check${round}`, Select: 'ALL_ATTRIBUTES' })) as { Items: { k: { S: string } }[]; LastEvaluatedKey?: unknown };
        const want = Math.min(scan.Items.length, 100);
        const got = scan.Items.map((i) => i.k.S).sort().slice(0, want);
        assert.deepEqual(got, Array.from({ length: want }, (_, i) => key(i)), `round ${round}: restored ${pick.BackupName} lacks its first items`);
        await db.execute('DeleteTable', { TableName: `check${round}` });
      }
    } finally {
      await db.close();
    }
  }
  assert.ok(acked.size > KILLS / 2, `the children acknowledged ${acked.size} backups`);
  console.log(`backup crash test: ${KILLS} kills, ${acked.size} acknowledged backups, ${deleted.size} deletions, ${dropped.size} table deletions, ${checked} listed backups checked`);
});
