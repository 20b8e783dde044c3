// Child process of the backup crash test: fills a table with PITR on, backs it up, deletes older
// backups and now and then deletes the table (keeping a SYSTEM backup) and starts it again, as fast
// as it can, printing each acknowledged step, until it is killed.
//   node child.js <dir>
// Items are k000000, k000001, ... put one after another, never changed, so a backup named
// `n<count>-...` holds exactly the first <count> of them, and so does any snapshot of the table.
// Output lines: "ready", "backup <arn>", "deleting <arn>", "deleted <arn>", "dropped <table id>".
import { Database } from '../../../src/engine/database';
import { listBackupSummaries } from '../../../src/engine/backups/catalog';

const dir = process.argv[2];
const TABLE = 'crash';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function start(db: Database): Promise<number> {
  if (!db.tables.has(TABLE)) {
    await db.execute('CreateTable', { TableName: TABLE, KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
  }
  const table = db.tables.get(TABLE)!;
  if (table.meta.pitr?.enabled !== true) {
    await db.execute('UpdateContinuousBackups', { TableName: TABLE, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
  }
  return table.itemCount;
}

async function main(): Promise<void> {
  const db = await Database.open(dir, { checkpointBytes: 1024 * 1024 });
  let count = await start(db);
  say('ready');
  for (let round = 0; ; round++) {
    for (let i = 0; i < 40; i++, count++) {
      await db.execute('PutItem', { TableName: TABLE, Item: { k: { S: `k${String(count).padStart(6, '0')}` }, pad: { S: 'x'.repeat(200) } } });
    }
    const made = (await db.execute('CreateBackup', { TableName: TABLE, BackupName: `n${count}-${round}` })) as { BackupDetails: { BackupArn: string } };
    say(`backup ${made.BackupDetails.BackupArn}`);
    const users = listBackupSummaries(db, { type: 'USER' });
    if (users.length > 4) {
      // Announced first: a deletion the kill interrupts may have landed without being acknowledged.
      say(`deleting ${users[0].BackupArn}`);
      await db.execute('DeleteBackup', { BackupArn: users[0].BackupArn });
      say(`deleted ${users[0].BackupArn}`);
    }
    if (round % 5 === 4) {
      const id = db.tables.get(TABLE)!.meta.id;
      await db.execute('DeleteTable', { TableName: TABLE });
      say(`dropped ${id}`);
      count = await start(db);
    }
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
