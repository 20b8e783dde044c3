// On-demand backups through the real AWS SDK v3 client over HTTP: CreateBackup, DescribeBackup,
// ListBackups, DeleteBackup, RestoreTableFromBackup, and the SYSTEM backup DeleteTable keeps for a
// table with PITR on. Shapes and error types follow DynamoDB's API reference and botocore's
// service model; messages are matched loosely (they must name what was wrong), types exactly.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBackupCommand,
  CreateTableCommand,
  DeleteBackupCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  ListBackupsCommand,
  PutItemCommand,
  QueryCommand,
  RestoreTableFromBackupCommand,
  UpdateContinuousBackupsCommand,
  type BackupDescription,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createKeyedTable, sdkError, startHarness, type Harness } from './harness';
import { putItems, scanAll, waitActive, waitUntil } from './backup-helpers';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const BACKUP_ARN = /^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]+\/backup\/[A-Za-z0-9_.-]+$/;

/** A pk/sk table with a GSI on `g`, holding `n` items. */
async function tableWithGsi(client: DynamoDBClient, TableName: string, n: number): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitActive(client, TableName);
  await putItems(client, TableName, n, 'before');
}

function waitAvailable(client: DynamoDBClient, BackupArn: string): Promise<BackupDescription> {
  return waitUntil(
    async () => (await client.send(new DescribeBackupCommand({ BackupArn }))).BackupDescription!,
    (d) => d.BackupDetails?.BackupStatus === 'AVAILABLE',
    `backup ${BackupArn} AVAILABLE`,
  );
}

describe('CreateBackup and DescribeBackup', () => {
  test('a backup of a table describes itself, its source table and its indexes, and becomes AVAILABLE', async () => {
    const name = h.name();
    await tableWithGsi(h.client, name, 12);
    const created = await h.client.send(new CreateBackupCommand({ TableName: name, BackupName: 'nightly-1' }));
    const details = created.BackupDetails!;
    assert.match(details.BackupArn!, BACKUP_ARN);
    assert.ok(details.BackupArn!.includes(`:table/${name}/backup/`));
    assert.equal(details.BackupName, 'nightly-1');
    assert.equal(details.BackupType, 'USER');
    assert.ok(details.BackupStatus === 'CREATING' || details.BackupStatus === 'AVAILABLE');
    assert.ok(details.BackupCreationDateTime instanceof Date);
    assert.ok(Math.abs(details.BackupCreationDateTime.getTime() - Date.now()) < 60_000);

    const d = await waitAvailable(h.client, details.BackupArn!);
    assert.equal(d.BackupDetails!.BackupArn, details.BackupArn);
    assert.ok((d.BackupDetails!.BackupSizeBytes ?? 0) > 0, 'a backup of 12 items has a size');
    const src = d.SourceTableDetails!;
    const table = (await h.client.send(new DescribeTableCommand({ TableName: name }))).Table!;
    assert.equal(src.TableName, name);
    assert.equal(src.TableArn, table.TableArn);
    assert.equal(src.TableId, table.TableId);
    assert.equal(src.ItemCount, 12);
    assert.deepEqual(src.KeySchema, table.KeySchema);
    assert.equal(src.BillingMode, 'PAY_PER_REQUEST');
    assert.equal(src.TableCreationDateTime?.getTime(), table.CreationDateTime?.getTime());
    const gsis = d.SourceTableFeatureDetails?.GlobalSecondaryIndexes ?? [];
    assert.deepEqual(gsis.map((g) => g.IndexName), ['byG']);
    assert.deepEqual(gsis[0]!.KeySchema, [{ AttributeName: 'g', KeyType: 'HASH' }]);
  });

  test('CreateBackup of a missing table is TableNotFoundException naming the table', async () => {
    const missing = h.name('missing');
    const err = await sdkError(() => h.client.send(new CreateBackupCommand({ TableName: missing, BackupName: 'b1-x' })));
    assert.equal(err.name, 'TableNotFoundException');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.match(err.message, new RegExp(missing));
  });

  test('a backup name that is too short or has characters outside [a-zA-Z0-9_.-] is a ValidationException', async () => {
    const name = h.name();
    await createKeyedTable(h.client, name);
    for (const BackupName of ['ab', 'has space', 'slash/no', 'x'.repeat(256)]) {
      const err = await sdkError(() => h.client.send(new CreateBackupCommand({ TableName: name, BackupName })));
      assert.equal(err.name, 'ValidationException', BackupName);
      assert.match(err.message, /backupName|BackupName/, BackupName);
    }
  });

  test('DescribeBackup of an ARN no backup has is BackupNotFoundException', async () => {
    const arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${h.name()}/backup/01700000000000-deadbeef`;
    const err = await sdkError(() => h.client.send(new DescribeBackupCommand({ BackupArn: arn })));
    assert.equal(err.name, 'BackupNotFoundException');
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test('a BackupArn shorter than 37 characters is a ValidationException', async () => {
    const err = await sdkError(() => h.client.send(new DescribeBackupCommand({ BackupArn: 'arn:short' })));
    assert.equal(err.name, 'ValidationException');
  });
});

describe('RestoreTableFromBackup', () => {
  test('restores the items as they were at the backup, with the index rebuilt and a RestoreSummary; later writes stay out', async () => {
    const source = h.name();
    await tableWithGsi(h.client, source, 30);
    const backup = (await h.client.send(new CreateBackupCommand({ TableName: source, BackupName: 'before-changes' }))).BackupDetails!;
    await waitAvailable(h.client, backup.BackupArn!);
    const atBackup = await scanAll(h.client, source);
    // Changes after the backup must not reach the restored table.
    await h.client.send(new DeleteItemCommand({ TableName: source, Key: { pk: { S: 'p0' }, sk: { N: '0' } } }));
    await putItems(h.client, source, 5, 'after', 100);

    const target = h.name('restored');
    const restored = (await h.client.send(new RestoreTableFromBackupCommand({ TargetTableName: target, BackupArn: backup.BackupArn }))).TableDescription!;
    assert.equal(restored.TableName, target);
    assert.ok(restored.TableStatus === 'CREATING' || restored.TableStatus === 'ACTIVE');
    const summary = restored.RestoreSummary!;
    assert.equal(summary.SourceBackupArn, backup.BackupArn);
    assert.equal(summary.SourceTableArn, (await h.client.send(new DescribeTableCommand({ TableName: source }))).Table!.TableArn);
    assert.ok(summary.RestoreDateTime instanceof Date);
    assert.equal(typeof summary.RestoreInProgress, 'boolean');

    const active = await waitActive(h.client, target);
    assert.equal(active.RestoreSummary?.RestoreInProgress, false);
    assert.equal(active.ItemCount, 30);
    assert.deepEqual(await scanAll(h.client, target), atBackup);
    const g1 = await h.client.send(
      new QueryCommand({ TableName: target, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g1' } } }),
    );
    assert.equal(g1.Count, atBackup.filter((i) => i.g?.S === 'g1').length);
    assert.ok((g1.Count ?? 0) > 0);
  });

  test('the billing mode, throughput and index overrides shape the restored table', async () => {
    const source = h.name();
    await tableWithGsi(h.client, source, 4);
    const backup = (await h.client.send(new CreateBackupCommand({ TableName: source, BackupName: 'for-overrides' }))).BackupDetails!;
    await waitAvailable(h.client, backup.BackupArn!);
    const target = h.name('over');
    await h.client.send(
      new RestoreTableFromBackupCommand({
        TargetTableName: target,
        BackupArn: backup.BackupArn,
        BillingModeOverride: 'PROVISIONED',
        ProvisionedThroughputOverride: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
        GlobalSecondaryIndexOverride: [],
      }),
    );
    const t = await waitActive(h.client, target);
    assert.equal(t.BillingModeSummary?.BillingMode ?? 'PROVISIONED', 'PROVISIONED');
    assert.equal(t.ProvisionedThroughput?.ReadCapacityUnits, 3);
    assert.equal(t.ProvisionedThroughput?.WriteCapacityUnits, 4);
    assert.equal(t.GlobalSecondaryIndexes, undefined);
    assert.equal(t.ItemCount, 4);
  });

  test('restoring onto a name a table already has is TableAlreadyExistsException, and the table is untouched', async () => {
    const source = h.name();
    await createKeyedTable(h.client, source);
    await putItems(h.client, source, 3, 'x');
    const backup = (await h.client.send(new CreateBackupCommand({ TableName: source, BackupName: 'clash' }))).BackupDetails!;
    await waitAvailable(h.client, backup.BackupArn!);
    const other = h.name();
    await createKeyedTable(h.client, other);
    const err = await sdkError(() => h.client.send(new RestoreTableFromBackupCommand({ TargetTableName: other, BackupArn: backup.BackupArn })));
    assert.equal(err.name, 'TableAlreadyExistsException');
    assert.match(err.message, new RegExp(other));
    assert.deepEqual(await scanAll(h.client, other), []);
  });

  test('restoring from a backup that does not exist is BackupNotFoundException and leaves no table', async () => {
    const target = h.name('none');
    const arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${h.name()}/backup/01700000000000-deadbeef`;
    const err = await sdkError(() => h.client.send(new RestoreTableFromBackupCommand({ TargetTableName: target, BackupArn: arn })));
    assert.equal(err.name, 'BackupNotFoundException');
    const gone = await sdkError(() => h.client.send(new DescribeTableCommand({ TableName: target })));
    assert.equal(gone.name, 'ResourceNotFoundException');
  });

  test('a backup outlives its table and still restores it', async () => {
    const source = h.name();
    await createKeyedTable(h.client, source);
    await putItems(h.client, source, 7, 'kept');
    const items = await scanAll(h.client, source);
    const backup = (await h.client.send(new CreateBackupCommand({ TableName: source, BackupName: 'outlives' }))).BackupDetails!;
    await waitAvailable(h.client, backup.BackupArn!);
    await h.client.send(new DeleteTableCommand({ TableName: source }));
    const target = h.name('revived');
    await h.client.send(new RestoreTableFromBackupCommand({ TargetTableName: target, BackupArn: backup.BackupArn }));
    await waitActive(h.client, target);
    assert.deepEqual(await scanAll(h.client, target), items);
  });
});

describe('ListBackups and DeleteBackup', () => {
  test('lists a table\'s backups, pages them with Limit and LastEvaluatedBackupArn, and filters by type and time', async () => {
    const name = h.name();
    await createKeyedTable(h.client, name);
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) {
      arns.push((await h.client.send(new CreateBackupCommand({ TableName: name, BackupName: `b-${i}` }))).BackupDetails!.BackupArn!);
    }
    const seen: string[] = [];
    let ExclusiveStartBackupArn: string | undefined;
    let pages = 0;
    do {
      const page = await h.client.send(new ListBackupsCommand({ TableName: name, Limit: 2, ExclusiveStartBackupArn }));
      assert.ok((page.BackupSummaries ?? []).length <= 2);
      for (const s of page.BackupSummaries ?? []) {
        assert.equal(s.TableName, name);
        assert.equal(s.BackupType, 'USER');
        assert.ok(s.BackupCreationDateTime instanceof Date);
        seen.push(s.BackupArn!);
      }
      ExclusiveStartBackupArn = page.LastEvaluatedBackupArn;
      pages++;
    } while (ExclusiveStartBackupArn && pages < 10);
    assert.deepEqual([...seen].sort(), [...arns].sort());
    assert.ok(pages >= 3, `5 backups at 2 a page take at least 3 pages, took ${pages}`);

    const system = await h.client.send(new ListBackupsCommand({ TableName: name, BackupType: 'SYSTEM' }));
    assert.deepEqual(system.BackupSummaries ?? [], []);
    const future = await h.client.send(new ListBackupsCommand({ TableName: name, TimeRangeLowerBound: new Date(Date.now() + 3_600_000) }));
    assert.deepEqual(future.BackupSummaries ?? [], []);
    const past = await h.client.send(new ListBackupsCommand({ TableName: name, TimeRangeUpperBound: new Date(Date.now() - 3_600_000) }));
    assert.deepEqual(past.BackupSummaries ?? [], []);
  });

  test('a BackupType outside USER, SYSTEM, AWS_BACKUP and ALL is a ValidationException', async () => {
    const err = await sdkError(() => h.client.send(new ListBackupsCommand({ BackupType: 'NIGHTLY' as never })));
    assert.equal(err.name, 'ValidationException');
  });

  test('DeleteBackup answers the backup as DELETED; it is then gone from Describe and List', async () => {
    const name = h.name();
    await createKeyedTable(h.client, name);
    const arn = (await h.client.send(new CreateBackupCommand({ TableName: name, BackupName: 'doomed' }))).BackupDetails!.BackupArn!;
    await waitAvailable(h.client, arn);
    const deleted = (await h.client.send(new DeleteBackupCommand({ BackupArn: arn }))).BackupDescription!;
    assert.equal(deleted.BackupDetails?.BackupArn, arn);
    assert.equal(deleted.BackupDetails?.BackupStatus, 'DELETED');
    const err = await sdkError(() => h.client.send(new DescribeBackupCommand({ BackupArn: arn })));
    assert.equal(err.name, 'BackupNotFoundException');
    const listed = await h.client.send(new ListBackupsCommand({ TableName: name }));
    assert.ok(!(listed.BackupSummaries ?? []).some((s) => s.BackupArn === arn));
    const again = await sdkError(() => h.client.send(new DeleteBackupCommand({ BackupArn: arn })));
    assert.equal(again.name, 'BackupNotFoundException');
  });
});

describe('the SYSTEM backup of a deleted table with PITR on', () => {
  test('DeleteTable keeps a SYSTEM backup named <table>$DeletedTableBackup that restores the last items', async () => {
    const name = h.name();
    await createKeyedTable(h.client, name);
    await h.client.send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    await putItems(h.client, name, 9, 'last');
    await h.client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'p3' }, sk: { N: '3' }, tag: { S: 'changed' } } }));
    const items = await scanAll(h.client, name);
    await h.client.send(new DeleteTableCommand({ TableName: name }));

    const system = await waitUntil(
      async () => (await h.client.send(new ListBackupsCommand({ TableName: name, BackupType: 'SYSTEM' }))).BackupSummaries ?? [],
      (l) => l.length === 1,
      'the SYSTEM backup',
    );
    assert.equal(system[0]!.BackupName, `${name}$DeletedTableBackup`);
    assert.equal(system[0]!.BackupType, 'SYSTEM');
    const user = await h.client.send(new ListBackupsCommand({ TableName: name, BackupType: 'USER' }));
    assert.deepEqual(user.BackupSummaries ?? [], []);
    await waitAvailable(h.client, system[0]!.BackupArn!);
    const target = h.name('undeleted');
    await h.client.send(new RestoreTableFromBackupCommand({ TargetTableName: target, BackupArn: system[0]!.BackupArn }));
    await waitActive(h.client, target);
    assert.deepEqual(await scanAll(h.client, target), items);
  });

  test('deleting a table with PITR off keeps no backup', async () => {
    const name = h.name();
    await createKeyedTable(h.client, name);
    await putItems(h.client, name, 2, 'gone');
    await h.client.send(new DeleteTableCommand({ TableName: name }));
    const all = await h.client.send(new ListBackupsCommand({ TableName: name, BackupType: 'ALL' }));
    assert.deepEqual(all.BackupSummaries ?? [], []);
  });
});
