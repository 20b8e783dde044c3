// On-demand backups through the engine's operations, in memory and on disk: CreateBackup holds the
// table exactly as it was, RestoreTableFromBackup gives it back (items, indexes, settings, with the
// overrides applied) as a new table CREATING then ACTIVE, ListBackups filters and pages,
// DeleteBackup forgets durably, backups survive reopening, the SYSTEM backup of a deleted table
// with point-in-time recovery on is kept and restorable, and every refusal has DynamoDB's type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import type { Item } from '../../../src/engine/types/attribute-value';
import { listBackupSummaries } from '../../../src/engine/backups/catalog';
import { nodeFileSystem, type FileHandle } from '../../../src/engine/log/file-system';
import { wrapHandles } from '../log/helpers';
import { refusal, tempDir } from '../helpers';

type Mode = 'memory' | 'disk';
const MODES: Mode[] = ['memory', 'disk'];

async function open(mode: Mode, dir = tempDir('dw-backup-'), now?: () => number): Promise<Database> {
  return Database.open(dir, { inMemory: mode === 'memory', now });
}

/** A PROVISIONED table keyed by pk (S) and sk (N), with an LSI on `l` and a GSI on `g`. */
async function createTable(db: Database, name: string): Promise<void> {
  await db.execute('CreateTable', {
    TableName: name,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'g', AttributeType: 'S' },
      { AttributeName: 'l', AttributeType: 'S' },
    ],
    ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 9 },
    LocalSecondaryIndexes: [{ IndexName: 'byL', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byG',
        KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
        ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
      },
    ],
  });
}

function item(i: number): Item {
  return { pk: { S: `p${i % 5}` }, sk: { N: String(i) }, g: { S: `g${i % 3}` }, l: { S: `l${i}` }, v: { S: `value ${i} ${'é'.repeat(i % 4)}` } };
}

async function put(db: Database, name: string, items: Item[]): Promise<void> {
  for (const it of items) await db.execute('PutItem', { TableName: name, Item: it });
}

async function scanAll(db: Database, name: string, index?: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: unknown;
  do {
    const page = (await db.execute('Scan', { TableName: name, IndexName: index, ExclusiveStartKey: start })) as { Items: Item[]; LastEvaluatedKey?: unknown };
    out.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return out.sort((a, b) => Number((a.sk as { N: string }).N) - Number((b.sk as { N: string }).N));
}

async function describe(db: Database, name: string): Promise<Record<string, any>> {
  return ((await db.execute('DescribeTable', { TableName: name })) as { Table: Record<string, any> }).Table;
}

/** Waits (polling DescribeTable, as a client does) until the restored table is ACTIVE. */
async function untilActive(db: Database, name: string): Promise<Record<string, any>> {
  for (;;) {
    const t = await describe(db, name).catch(() => undefined);
    if (t?.TableStatus === 'ACTIVE') return t;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function backup(db: Database, table: string, name: string): Promise<Record<string, any>> {
  return ((await db.execute('CreateBackup', { TableName: table, BackupName: name })) as { BackupDetails: Record<string, any> }).BackupDetails;
}

async function enablePitr(db: Database, name: string): Promise<void> {
  await db.execute('UpdateContinuousBackups', { TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
}

for (const mode of MODES) {
  test(`${mode}: a restored backup holds exactly the items, indexes and settings the table had at CreateBackup, not later writes`, async () => {
    const db = await open(mode);
    try {
      await createTable(db, 'src');
      const before = Array.from({ length: 40 }, (_, i) => item(i));
      await put(db, 'src', before);
      const details = await backup(db, 'src', 'first-backup');
      assert.equal(details.BackupStatus, 'AVAILABLE');
      assert.equal(details.BackupType, 'USER');
      assert.equal(details.BackupName, 'first-backup');
      const arn = (await describe(db, 'src')).TableArn as string;
      assert.match(details.BackupArn, new RegExp(`^${arn}/backup/\\d{14}-[0-9a-f]{8}$`));
      // Changes after the backup must not reach it.
      await put(db, 'src', [item(100), { ...item(3), v: { S: 'changed' } }]);
      await db.execute('DeleteItem', { TableName: 'src', Key: { pk: item(7).pk, sk: item(7).sk } });

      const restored = (await db.execute('RestoreTableFromBackup', { TargetTableName: 'copy', BackupArn: details.BackupArn })) as { TableDescription: Record<string, any> };
      assert.equal(restored.TableDescription.TableStatus, 'CREATING');
      assert.deepEqual(restored.TableDescription.RestoreSummary, {
        SourceBackupArn: details.BackupArn,
        SourceTableArn: arn,
        RestoreDateTime: details.BackupCreationDateTime,
        RestoreInProgress: true,
      });
      const table = await untilActive(db, 'copy');
      assert.equal(table.RestoreSummary.RestoreInProgress, false);
      assert.equal(table.ItemCount, 40);
      assert.deepEqual(table.ProvisionedThroughput.ReadCapacityUnits, 7);
      assert.deepEqual(table.GlobalSecondaryIndexes.map((g: any) => [g.IndexName, g.IndexStatus, g.ProvisionedThroughput.ReadCapacityUnits]), [['byG', 'ACTIVE', 3]]);
      assert.deepEqual(table.LocalSecondaryIndexes.map((l: any) => l.IndexName), ['byL']);
      assert.notEqual(table.TableId, (await describe(db, 'src')).TableId);
      assert.deepEqual(await scanAll(db, 'copy'), before);
      // The indexes were rebuilt from the items, not left empty.
      assert.deepEqual((await scanAll(db, 'copy', 'byG')).length, 40);
      const q = (await db.execute('Query', { TableName: 'copy', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g1' } } })) as { Count: number };
      assert.equal(q.Count, before.filter((x) => (x.g as { S: string }).S === 'g1').length);
    } finally {
      await db.close();
    }
  });

  test(`${mode}: DescribeBackup describes the backup and its source table as they were, and DeleteBackup forgets it`, async () => {
    const db = await open(mode);
    try {
      await createTable(db, 'src');
      await put(db, 'src', [item(1), item(2), item(3)]);
      const { BackupArn } = await backup(db, 'src', 'bkp1');
      await put(db, 'src', [item(4)]);
      const d = ((await db.execute('DescribeBackup', { BackupArn })) as { BackupDescription: Record<string, any> }).BackupDescription;
      assert.equal(d.BackupDetails.BackupArn, BackupArn);
      assert.equal(d.BackupDetails.BackupStatus, 'AVAILABLE');
      assert.ok(d.BackupDetails.BackupSizeBytes > 0);
      assert.equal(d.SourceTableDetails.TableName, 'src');
      assert.equal(d.SourceTableDetails.ItemCount, 3);
      assert.equal(d.SourceTableDetails.BillingMode, 'PROVISIONED');
      assert.deepEqual(d.SourceTableDetails.ProvisionedThroughput, { ReadCapacityUnits: 7, WriteCapacityUnits: 9 });
      assert.deepEqual(d.SourceTableDetails.KeySchema.map((k: any) => k.AttributeName), ['pk', 'sk']);
      assert.deepEqual(d.SourceTableFeatureDetails.GlobalSecondaryIndexes, [
        { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 } },
      ]);
      assert.equal(d.SourceTableFeatureDetails.LocalSecondaryIndexes[0].IndexName, 'byL');

      const deleted = ((await db.execute('DeleteBackup', { BackupArn })) as { BackupDescription: Record<string, any> }).BackupDescription;
      assert.equal(deleted.BackupDetails.BackupStatus, 'DELETED');
      const gone = await refusal(db.execute('DescribeBackup', { BackupArn }));
      assert.equal(gone.type, 'BackupNotFoundException');
      assert.equal(gone.message, `Backup not found: ${BackupArn}`);
      assert.equal((await refusal(db.execute('DeleteBackup', { BackupArn }))).type, 'BackupNotFoundException');
      assert.equal((await refusal(db.execute('RestoreTableFromBackup', { TargetTableName: 'xx1', BackupArn }))).type, 'BackupNotFoundException');
      assert.deepEqual(((await db.execute('ListBackups', {})) as { BackupSummaries: unknown[] }).BackupSummaries, []);
    } finally {
      await db.close();
    }
  });

  test(`${mode}: the backup operations refuse bad requests with DynamoDB's error types`, async () => {
    const db = await open(mode);
    try {
      await createTable(db, 'src');
      await put(db, 'src', [item(1)]);
      const missing = await refusal(db.execute('CreateBackup', { TableName: 'nope', BackupName: 'bkp1' }));
      assert.deepEqual([missing.type, missing.message], ['TableNotFoundException', 'Table not found: nope']);
      const shortName = await refusal(db.execute('CreateBackup', { TableName: 'src', BackupName: 'b' }));
      assert.equal(shortName.type, 'ValidationException');
      assert.match(shortName.message, /Value 'b' at 'backupName' failed to satisfy constraint: Member must have length greater than or equal to 3/);
      const badName = await refusal(db.execute('CreateBackup', { TableName: 'src', BackupName: 'no spaces' }));
      assert.match(badName.message, /Member must satisfy regular expression pattern: \[a-zA-Z0-9_.-\]\+/);
      assert.equal((await refusal(db.execute('DescribeBackup', { BackupArn: 'short' }))).type, 'ValidationException');
      assert.equal((await refusal(db.execute('DescribeBackup', {}))).type, 'ValidationException');
      assert.equal((await refusal(db.execute('ListBackups', { BackupType: 'MINE' }))).type, 'ValidationException');
      assert.equal((await refusal(db.execute('ListBackups', { Limit: 0 }))).type, 'ValidationException');
      assert.equal((await refusal(db.execute('ListBackups', { TimeRangeLowerBound: 'yesterday' }))).type, 'SerializationException');

      const { BackupArn } = await backup(db, 'src', 'bkp1');
      const exists = await refusal(db.execute('RestoreTableFromBackup', { TargetTableName: 'src', BackupArn }));
      assert.deepEqual([exists.type, exists.message], ['TableAlreadyExistsException', 'Table already exists: src']);
      // A second restore into a name still being restored into.
      const first = db.execute('RestoreTableFromBackup', { TargetTableName: 'copy', BackupArn });
      const busy = refusal(db.execute('RestoreTableFromBackup', { TargetTableName: 'copy', BackupArn }));
      // A table still being restored cannot be backed up either (asked in the same turn, so it is surely still CREATING).
      const backingUpCreating = refusal(db.execute('CreateBackup', { TableName: 'copy', BackupName: 'too-early' }));
      assert.equal((await busy).type, 'TableInUseException');
      assert.equal((await backingUpCreating).type, 'TableInUseException');
      await first;
      await untilActive(db, 'copy');
      assert.equal((await backup(db, 'copy', 'now-fine')).BackupStatus, 'AVAILABLE');

      const overrideNoThroughput = await refusal(
        db.execute('RestoreTableFromBackup', { TargetTableName: 'xx2', BackupArn, BillingModeOverride: 'PAY_PER_REQUEST', ProvisionedThroughputOverride: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }),
      );
      assert.equal(overrideNoThroughput.type, 'ValidationException');
      const unknownIndex = await refusal(
        db.execute('RestoreTableFromBackup', {
          TargetTableName: 'xx3',
          BackupArn,
          GlobalSecondaryIndexOverride: [{ IndexName: 'other', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
        }),
      );
      assert.equal(unknownIndex.type, 'ValidationException');
      assert.match(unknownIndex.message, /other/);
      const gsi = { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } };
      const twice = await refusal(db.execute('RestoreTableFromBackup', { TargetTableName: 'xx4', BackupArn, GlobalSecondaryIndexOverride: [gsi, gsi] }));
      assert.equal(twice.type, 'ValidationException');
      const otherKeys = await refusal(
        db.execute('RestoreTableFromBackup', { TargetTableName: 'xx5', BackupArn, GlobalSecondaryIndexOverride: [{ ...gsi, KeySchema: [{ AttributeName: 'l', KeyType: 'HASH' }] }] }),
      );
      assert.equal(otherKeys.type, 'ValidationException');
      assert.match(otherKeys.message, /key schema of index byG does not match/);
      // Nothing half-made by the refusals.
      assert.deepEqual(((await db.execute('ListTables', {})) as { TableNames: string[] }).TableNames, ['copy', 'src']);
    } finally {
      await db.close();
    }
  });

  test(`${mode}: a backup still being created is listed CREATING and refuses deletion and restore (BackupInUseException)`, async () => {
    const db = await open(mode);
    try {
      await createTable(db, 'src');
      await put(db, 'src', Array.from({ length: 20 }, (_, i) => item(i)));
      // Operations run synchronously up to their first wait, so the backup is CREATING until this test yields.
      const creating = db.execute('CreateBackup', { TableName: 'src', BackupName: 'slow' });
      const [listed] = listBackupSummaries(db);
      assert.equal(listed.BackupStatus, 'CREATING');
      const deleting = refusal(db.execute('DeleteBackup', { BackupArn: listed.BackupArn }));
      const restoringEarly = refusal(db.execute('RestoreTableFromBackup', { TargetTableName: 'copy', BackupArn: listed.BackupArn }));
      const described = db.execute('DescribeBackup', { BackupArn: listed.BackupArn }) as Promise<{ BackupDescription: Record<string, any> }>;
      assert.equal((await deleting).type, 'BackupInUseException');
      assert.equal((await restoringEarly).type, 'BackupInUseException');
      assert.equal((await described).BackupDescription.BackupDetails.BackupStatus, 'CREATING');
      const done = ((await creating) as { BackupDetails: Record<string, any> }).BackupDetails;
      assert.equal(done.BackupArn, listed.BackupArn);
      assert.equal(done.BackupStatus, 'AVAILABLE');
      // While a restore reads it, it cannot be deleted either.
      const restoring = db.execute('RestoreTableFromBackup', { TargetTableName: 'copy', BackupArn: done.BackupArn });
      const deletingWhileRead = refusal(db.execute('DeleteBackup', { BackupArn: done.BackupArn }));
      await restoring;
      assert.equal((await deletingWhileRead).type, 'BackupInUseException');
      await untilActive(db, 'copy');
      await db.execute('DeleteBackup', { BackupArn: done.BackupArn });
    } finally {
      await db.close();
    }
  });

  test(`${mode}: deleting a table with point-in-time recovery on keeps a restorable SYSTEM backup; without it, none`, async () => {
    const db = await open(mode);
    try {
      await createTable(db, 'kept');
      await createTable(db, 'plain');
      const items = Array.from({ length: 12 }, (_, i) => item(i));
      await put(db, 'kept', items);
      await put(db, 'plain', items);
      await enablePitr(db, 'kept');
      const deleting = db.execute('DeleteTable', { TableName: 'kept' }) as Promise<{ TableDescription: Record<string, any> }>;
      // A second DeleteTable while the first makes the backup: the table is in use, as while DynamoDB deletes one.
      const again = await refusal(db.execute('DeleteTable', { TableName: 'kept' }));
      assert.deepEqual([again.type, again.message], ['ResourceInUseException', 'Attempt to change a resource which is still in use: Table is being deleted: kept']);
      const deleted = await deleting;
      assert.equal(deleted.TableDescription.TableStatus, 'DELETING');
      await db.execute('DeleteTable', { TableName: 'plain' });
      assert.deepEqual(((await db.execute('ListBackups', {})) as { BackupSummaries: unknown[] }).BackupSummaries, [], 'USER is the default filter');
      const system = ((await db.execute('ListBackups', { BackupType: 'SYSTEM' })) as { BackupSummaries: Record<string, any>[] }).BackupSummaries;
      assert.equal(system.length, 1);
      assert.equal(system[0].BackupName, 'kept$DeletedTableBackup');
      assert.equal(system[0].BackupType, 'SYSTEM');
      assert.equal(system[0].TableName, 'kept');
      assert.equal(system[0].BackupExpiryDateTime - system[0].BackupCreationDateTime, 35 * 24 * 3600);
      await db.execute('RestoreTableFromBackup', { TargetTableName: 'kept', BackupArn: system[0].BackupArn });
      await untilActive(db, 'kept');
      assert.deepEqual(await scanAll(db, 'kept'), items);
      // Restored tables do not inherit point-in-time recovery: deleting this one keeps no second backup.
      await db.execute('DeleteTable', { TableName: 'kept' });
      assert.equal(((await db.execute('ListBackups', { BackupType: 'ALL' })) as { BackupSummaries: unknown[] }).BackupSummaries.length, 1);
    } finally {
      await db.close();
    }
  });
}

test('a write acknowledged while DeleteTable makes the SYSTEM backup is in that backup (the backup is taken again)', async () => {
  for (const mode of MODES) {
    const db = await open(mode);
    try {
      await createTable(db, 'busy');
      await put(db, 'busy', [item(1)]);
      await enablePitr(db, 'busy');
      const deleting = db.execute('DeleteTable', { TableName: 'busy' });
      // The table stays until its backup is durable, so this write lands and is acknowledged.
      await db.execute('PutItem', { TableName: 'busy', Item: item(2) });
      await deleting;
      const [system] = ((await db.execute('ListBackups', { BackupType: 'SYSTEM' })) as { BackupSummaries: Record<string, any>[] }).BackupSummaries;
      await db.execute('RestoreTableFromBackup', { TargetTableName: 'busy', BackupArn: system.BackupArn });
      await untilActive(db, 'busy');
      assert.deepEqual(await scanAll(db, 'busy'), [item(1), item(2)], mode);
    } finally {
      await db.close();
    }
  }
});

test('a table written to without pause while DeleteTable keeps its SYSTEM backup: the backup holds every acknowledged write, and none comes after', async () => {
  for (const mode of MODES) {
    const db = await open(mode);
    try {
      await db.execute('CreateTable', { TableName: 'hot', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }], BillingMode: 'PAY_PER_REQUEST' });
      await put(db, 'hot', Array.from({ length: 500 }, (_, i) => item(i)));
      await enablePitr(db, 'hot');
      let acked = 500;
      let refused: string | undefined;
      // Four writers, each putting new items until the table is gone.
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; refused === undefined; i++) {
          try {
            await db.execute('PutItem', { TableName: 'hot', Item: item(1000 + i * 4 + w) });
            acked++;
          } catch (e) {
            refused = (e as { type: string }).type;
          }
        }
      });
      await db.execute('DeleteTable', { TableName: 'hot' });
      await Promise.all(writers);
      assert.equal(refused, 'ResourceNotFoundException');
      const [system] = ((await db.execute('ListBackups', { BackupType: 'SYSTEM' })) as { BackupSummaries: Record<string, any>[] }).BackupSummaries;
      await db.execute('RestoreTableFromBackup', { TargetTableName: 'hot', BackupArn: system.BackupArn });
      assert.equal((await untilActive(db, 'hot')).ItemCount, acked, mode);
    } finally {
      await db.close();
    }
  }
});

test('restore overrides: a dropped index is gone (with its attribute definitions), the billing mode and throughput are the ones asked for', async () => {
  const db = await open('memory');
  try {
    await createTable(db, 'src');
    await put(db, 'src', [item(1), item(2)]);
    const { BackupArn } = await backup(db, 'src', 'bkp1');
    await db.execute('RestoreTableFromBackup', { TargetTableName: 'lean', BackupArn, GlobalSecondaryIndexOverride: [], LocalSecondaryIndexOverride: [], BillingModeOverride: 'PAY_PER_REQUEST' });
    const lean = await untilActive(db, 'lean');
    assert.equal(lean.GlobalSecondaryIndexes, undefined);
    assert.equal(lean.LocalSecondaryIndexes, undefined);
    assert.deepEqual(lean.AttributeDefinitions.map((d: any) => d.AttributeName), ['pk', 'sk']);
    assert.equal(lean.BillingModeSummary.BillingMode, 'PAY_PER_REQUEST');
    assert.equal(lean.ItemCount, 2);
    await db.execute('RestoreTableFromBackup', {
      TargetTableName: 'fat',
      BackupArn,
      ProvisionedThroughputOverride: { ReadCapacityUnits: 20, WriteCapacityUnits: 30 },
      GlobalSecondaryIndexOverride: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 6 } }],
    });
    const fat = await untilActive(db, 'fat');
    assert.deepEqual([fat.ProvisionedThroughput.ReadCapacityUnits, fat.ProvisionedThroughput.WriteCapacityUnits], [20, 30]);
    assert.deepEqual(fat.GlobalSecondaryIndexes.map((g: any) => [g.IndexName, g.ProvisionedThroughput.ReadCapacityUnits, g.ProvisionedThroughput.WriteCapacityUnits]), [['byG', 5, 6]]);
    assert.equal(fat.LocalSecondaryIndexes.length, 1, 'no LSI override: all kept');
  } finally {
    await db.close();
  }
});

test('backups, deletions and SYSTEM backups survive closing and reopening the data folder', async () => {
  const dir = tempDir('dw-backup-');
  let db = await open('disk', dir);
  await createTable(db, 'src');
  await put(db, 'src', [item(1), item(2)]);
  const a = await backup(db, 'src', 'keep-me');
  const b = await backup(db, 'src', 'drop-me');
  await db.execute('DeleteBackup', { BackupArn: b.BackupArn });
  await enablePitr(db, 'src');
  await db.execute('DeleteTable', { TableName: 'src' });
  await db.close();

  db = await open('disk', dir);
  try {
    const all = ((await db.execute('ListBackups', { BackupType: 'ALL' })) as { BackupSummaries: Record<string, any>[] }).BackupSummaries;
    assert.deepEqual(all.map((s) => [s.BackupName, s.BackupStatus]), [['keep-me', 'AVAILABLE'], ['src$DeletedTableBackup', 'AVAILABLE']]);
    assert.equal(all[0].BackupArn, a.BackupArn);
    await db.execute('RestoreTableFromBackup', { TargetTableName: 'again', BackupArn: a.BackupArn });
    await untilActive(db, 'again');
    assert.deepEqual(await scanAll(db, 'again'), [item(1), item(2)]);
    // Exactly one snapshot file per listed backup, plus the catalog.
    assert.deepEqual(fs.readdirSync(path.join(dir, 'backups')).sort().length, 3);
  } finally {
    await db.close();
  }
});

test('ListBackups: any Limit pages through every selected backup once, oldest first, and the filters select by table, type and time', async () => {
  let clock = 1_700_000_000_123;
  const db = await open('memory', undefined, () => clock);
  try {
    await createTable(db, 'aaa');
    await createTable(db, 'bbb');
    const made: { arn: string; table: string; at: number }[] = [];
    for (let i = 0; i < 13; i++) {
      clock += 1237 * (i % 3); // some share a millisecond: the ARN breaks the tie
      const table = i % 3 === 0 ? 'bbb' : 'aaa';
      made.push({ arn: (await backup(db, table, `bkp${i}`)).BackupArn, table, at: clock });
    }
    const order = [...made].sort((x, y) => x.at - y.at || (x.arn < y.arn ? -1 : 1));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 15 }), fc.constantFrom(undefined, 'aaa', 'bbb'), async (limit, table) => {
        const seen: string[] = [];
        let start: string | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = (await db.execute('ListBackups', { Limit: limit, TableName: table, ExclusiveStartBackupArn: start })) as { BackupSummaries: { BackupArn: string }[]; LastEvaluatedBackupArn?: string };
          assert.ok(page.BackupSummaries.length <= limit);
          seen.push(...page.BackupSummaries.map((s) => s.BackupArn));
          start = page.LastEvaluatedBackupArn;
          if (start === undefined) break;
        }
        assert.deepEqual(seen, order.filter((m) => table === undefined || m.table === table).map((m) => m.arn));
      }),
      { numRuns: 40 },
    );
    const tableArn = (await describe(db, 'bbb')).TableArn;
    const byArn = ((await db.execute('ListBackups', { TableName: tableArn })) as { BackupSummaries: { TableName: string }[] }).BackupSummaries;
    assert.deepEqual(new Set(byArn.map((s) => s.TableName)), new Set(['bbb']));
    const lower = order[4].at / 1000;
    const upper = order[9].at / 1000;
    const ranged = ((await db.execute('ListBackups', { TimeRangeLowerBound: lower, TimeRangeUpperBound: upper })) as { BackupSummaries: { BackupArn: string }[] }).BackupSummaries;
    assert.deepEqual(ranged.map((s) => s.BackupArn), order.filter((m) => m.at >= lower * 1000 && m.at < upper * 1000).map((m) => m.arn));
    assert.deepEqual(((await db.execute('ListBackups', { BackupType: 'AWS_BACKUP' })) as { BackupSummaries: unknown[] }).BackupSummaries, []);
  } finally {
    await db.close();
  }
});

test('a backup file damaged on disk: the restore answers CREATING, then fails without making a table, and frees the name', async (t) => {
  const errors: unknown[] = [];
  t.mock.method(console, 'error', (...args: unknown[]) => errors.push(args));
  const dir = tempDir('dw-backup-');
  const db = await open('disk', dir);
  try {
    await createTable(db, 'src');
    await put(db, 'src', Array.from({ length: 30 }, (_, i) => item(i)));
    const { BackupArn } = await backup(db, 'src', 'bkp1');
    const file = path.join(dir, 'backups', `${BackupArn.slice(BackupArn.lastIndexOf('/') + 1)}.tsnap`);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 20] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const answer = (await db.execute('RestoreTableFromBackup', { TargetTableName: 'copy', BackupArn })) as { TableDescription: Record<string, any> };
    assert.equal(answer.TableDescription.TableStatus, 'CREATING');
    while (errors.length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.match(String((errors[0] as unknown[])[0]), /restoring .* into copy failed/);
    assert.equal((await refusal(db.execute('DescribeTable', { TableName: 'copy' }))).type, 'ResourceNotFoundException');
    // The name is free again: a table of that name can be created.
    await createTable(db, 'copy');
  } finally {
    await db.close();
  }
});

test('closing the database while a backup is written waits for it: the backup is made, whole, and listed at the next open', async () => {
  const dir = tempDir('dw-backup-');
  // A disk slow to sync backup files, so that close surely comes while one is being written.
  const slow = wrapHandles(nodeFileSystem, (handle, file) =>
    !file.includes(`${path.sep}backups${path.sep}`)
      ? handle
      : (Object.assign(Object.create(handle) as FileHandle, {
          datasyncAsync: async () => {
            await new Promise((r) => setTimeout(r, 300));
            await handle.datasyncAsync();
          },
        }) as FileHandle),
  );
  let db = await Database.open(dir, { fileSystem: slow });
  // On demand: 3000 quick puts would exceed a provisioned table's throughput.
  await db.execute('CreateTable', { TableName: 'src', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }], BillingMode: 'PAY_PER_REQUEST' });
  await put(db, 'src', Array.from({ length: 3000 }, (_, i) => item(i)));
  const creating = db.execute('CreateBackup', { TableName: 'src', BackupName: 'cut-short' }).then(
    () => 'made',
    (e: { type?: string }) => e.type,
  );
  await db.close();
  // Finished before close returned (the folder is no longer ours after): the file and the catalog naming it, nothing half written.
  const atClose = fs.readdirSync(path.join(dir, 'backups')).sort();
  assert.equal(atClose.length, 2);
  assert.match(atClose[0], /^\d{14}-[0-9a-f]{8}\.tsnap$/);
  assert.equal(atClose[1], 'catalog');
  const outcome = await creating;
  db = await open('disk', dir);
  try {
    const listed = listBackupSummaries(db, { type: 'ALL' });
    assert.equal(outcome, 'made');
    assert.equal(listed.length, 1);
    for (const s of listed) {
      await db.execute('RestoreTableFromBackup', { TargetTableName: 'copy', BackupArn: s.BackupArn });
      assert.equal((await untilActive(db, 'copy')).ItemCount, 3000);
    }
    assert.equal(fs.readdirSync(path.join(dir, 'backups')).filter((f) => f !== 'catalog').length, listed.length, 'one file per listed backup, nothing else');
  } finally {
    await db.close();
  }
});

test('a SYSTEM backup is gone 35 days after it was made, from the listing, DescribeBackup and the folder; a USER backup stays', async () => {
  const dir = tempDir('dw-backup-');
  let clock = 1_750_000_000_000;
  let db = await open('disk', dir, () => clock);
  try {
    await createTable(db, 'src');
    await put(db, 'src', [item(1)]);
    const user = await backup(db, 'src', 'user-kept');
    await enablePitr(db, 'src');
    await db.execute('DeleteTable', { TableName: 'src' });
    const [system] = listBackupSummaries(db, { type: 'SYSTEM' });
    assert.equal(system.BackupExpiryDateTime, clock / 1000 + 35 * 24 * 3600);
    clock += 35 * 24 * 3600 * 1000 - 1000;
    assert.equal(((await db.execute('DescribeBackup', { BackupArn: system.BackupArn })) as any).BackupDescription.BackupDetails.BackupStatus, 'AVAILABLE');
    clock += 1000;
    assert.equal((await refusal(db.execute('DescribeBackup', { BackupArn: system.BackupArn }))).type, 'BackupNotFoundException');
    assert.deepEqual(listBackupSummaries(db, { type: 'ALL' }).map((s) => s.BackupArn), [user.BackupArn]);
    await db.close();
    db = await open('disk', dir, () => clock);
    assert.deepEqual(listBackupSummaries(db, { type: 'ALL' }).map((s) => s.BackupArn), [user.BackupArn]);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'backups')).filter((f) => f.endsWith('.tsnap')).length, 1);
  } finally {
    await db.close();
  }
});
