// Point-in-time recovery through the real AWS SDK v3 client over HTTP: UpdateContinuousBackups,
// DescribeContinuousBackups and RestoreTableToPointInTime, with DynamoDB's error types. Writes
// are placed on either side of a whole second (secondBetween) so a restore "at" that second has
// exactly one right answer. We let a restore reach the present second (DynamoDB lags ~5 minutes),
// which UseLatestRestorableTime relies on here.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  PutItemCommand,
  RestoreTableToPointInTimeCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { KEYED_TABLE, createKeyedTable, sdkError, startHarness, type Harness } from './harness';
import { putItems, scanAll, secondBetween, waitActive, waitUntil } from './backup-helpers';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

async function enablePitr(TableName: string, RecoveryPeriodInDays?: number) {
  return (
    await h.client.send(
      new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays } }),
    )
  ).ContinuousBackupsDescription!;
}

describe('UpdateContinuousBackups and DescribeContinuousBackups', () => {
  test('a new table has continuous backups ENABLED and point-in-time recovery DISABLED', async () => {
    const name = h.name();
    await createKeyedTable(h.client, name);
    const d = (await h.client.send(new DescribeContinuousBackupsCommand({ TableName: name }))).ContinuousBackupsDescription!;
    assert.equal(d.ContinuousBackupsStatus, 'ENABLED');
    assert.equal(d.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus, 'DISABLED');
    assert.equal(d.PointInTimeRecoveryDescription?.EarliestRestorableDateTime, undefined);
  });

  test('enabling gives the recovery period (35 days unless asked) and a window that starts now and reaches the present', async () => {
    const name = h.name();
    await createKeyedTable(h.client, name);
    const before = Date.now();
    const on = await enablePitr(name);
    assert.equal(on.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus, 'ENABLED');
    assert.equal(on.PointInTimeRecoveryDescription?.RecoveryPeriodInDays, 35);
    await putItems(h.client, name, 1, 'x');
    const d = (await h.client.send(new DescribeContinuousBackupsCommand({ TableName: name }))).ContinuousBackupsDescription!;
    const pitr = d.PointInTimeRecoveryDescription!;
    const earliest = pitr.EarliestRestorableDateTime!.getTime();
    const latest = pitr.LatestRestorableDateTime!.getTime();
    assert.ok(earliest >= before - 1000 && earliest <= Date.now(), `earliest ${earliest} is when PITR was enabled`);
    assert.ok(latest >= earliest && latest <= Date.now() + 1000, `latest ${latest} is the present second`);

    const seven = await enablePitr(name, 7);
    assert.equal(seven.PointInTimeRecoveryDescription?.RecoveryPeriodInDays, 7);
    const off = (
      await h.client.send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } }))
    ).ContinuousBackupsDescription!;
    assert.equal(off.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus, 'DISABLED');
  });

  test('a RecoveryPeriodInDays outside 1 to 35 is a ValidationException', async () => {
    const name = h.name();
    await createKeyedTable(h.client, name);
    for (const days of [0, 36, -1]) {
      const err = await sdkError(() => enablePitr(name, days));
      assert.equal(err.name, 'ValidationException', String(days));
      assert.match(err.message, /recoveryPeriodInDays|RecoveryPeriodInDays/);
    }
  });

  test('a missing PointInTimeRecoverySpecification is a ValidationException', async () => {
    const name = h.name();
    await createKeyedTable(h.client, name);
    const err = await sdkError(() => h.client.send(new UpdateContinuousBackupsCommand({ TableName: name } as never)));
    assert.equal(err.name, 'ValidationException');
  });

  test('either operation on a missing table is TableNotFoundException naming it', async () => {
    const missing = h.name('missing');
    for (const send of [
      () => h.client.send(new DescribeContinuousBackupsCommand({ TableName: missing })),
      () => enablePitr(missing),
    ]) {
      const err = await sdkError(send);
      assert.equal(err.name, 'TableNotFoundException');
      assert.match(err.message, new RegExp(missing));
    }
  });
});

describe('RestoreTableToPointInTime', () => {
  test('restores the items exactly as they were at a second between two rounds of changes', async () => {
    const source = h.name();
    await createKeyedTable(h.client, source);
    await enablePitr(source);
    await putItems(h.client, source, 20, 'first');
    const first = await scanAll(h.client, source);
    const t = await secondBetween();
    await h.client.send(new DeleteItemCommand({ TableName: source, Key: { pk: { S: 'p1' }, sk: { N: '1' } } }));
    await h.client.send(
      new UpdateItemCommand({ TableName: source, Key: { pk: { S: 'p2' }, sk: { N: '2' } }, UpdateExpression: 'SET tag = :t', ExpressionAttributeValues: { ':t': { S: 'second' } } }),
    );
    await putItems(h.client, source, 3, 'second', 50);

    const target = h.name('pitr');
    const restored = (await h.client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: source, TargetTableName: target, RestoreDateTime: t }))).TableDescription!;
    assert.equal(restored.TableName, target);
    assert.ok(restored.TableStatus === 'CREATING' || restored.TableStatus === 'ACTIVE');
    assert.equal(restored.RestoreSummary?.SourceTableArn, (await h.client.send(new DescribeTableCommand({ TableName: source }))).Table!.TableArn);
    assert.equal(restored.RestoreSummary?.RestoreDateTime?.getTime(), t.getTime());
    await waitActive(h.client, target);
    assert.deepEqual(await scanAll(h.client, target), first);
  });

  test('UseLatestRestorableTime by the source ARN reaches the last acknowledged write', async () => {
    const source = h.name();
    await createKeyedTable(h.client, source);
    await enablePitr(source);
    await putItems(h.client, source, 5, 'one');
    await h.client.send(new PutItemCommand({ TableName: source, Item: { pk: { S: 'p0' }, sk: { N: '0' }, tag: { S: 'last' } } }));
    const now = await scanAll(h.client, source);
    const arn = (await h.client.send(new DescribeTableCommand({ TableName: source }))).Table!.TableArn!;
    // The present second may still be taking writes; the restore must include everything acknowledged before it.
    await secondBetween();
    const target = h.name('latest');
    await h.client.send(new RestoreTableToPointInTimeCommand({ SourceTableArn: arn, TargetTableName: target, UseLatestRestorableTime: true }));
    await waitActive(h.client, target);
    assert.deepEqual(await scanAll(h.client, target), now);
  });

  test('reproduces the indexes the table had then, and copies no stream, TTL or PITR setting', async () => {
    const source = h.name();
    await h.client.send(
      new CreateTableCommand({
        TableName: source,
        ...KEYED_TABLE,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await waitActive(h.client, source);
    await h.client.send(new UpdateTimeToLiveCommand({ TableName: source, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }));
    await enablePitr(source);
    await putItems(h.client, source, 6, 'a');
    const t = await secondBetween();
    // After t the table gains an index: a restore to t must not have it.
    await h.client.send(
      new UpdateTableCommand({
        TableName: source,
        AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
      }),
    );
    await waitUntil(
      async () => (await h.client.send(new DescribeTableCommand({ TableName: source }))).Table!,
      (tb) => tb.GlobalSecondaryIndexes?.[0]?.IndexStatus === 'ACTIVE',
      'byG ACTIVE',
    );
    const laterT = await secondBetween();

    const before = h.name('noidx');
    await h.client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: source, TargetTableName: before, RestoreDateTime: t }));
    const b = await waitActive(h.client, before);
    assert.equal(b.GlobalSecondaryIndexes, undefined);
    assert.equal(b.StreamSpecification, undefined);
    assert.equal(b.LatestStreamArn, undefined);
    const ttl = (await h.client.send(new DescribeTimeToLiveCommand({ TableName: before }))).TimeToLiveDescription!;
    assert.equal(ttl.TimeToLiveStatus, 'DISABLED');
    const pitr = (await h.client.send(new DescribeContinuousBackupsCommand({ TableName: before }))).ContinuousBackupsDescription!;
    assert.equal(pitr.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus, 'DISABLED');

    const after = h.name('idx');
    await h.client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: source, TargetTableName: after, RestoreDateTime: laterT }));
    const a = await waitActive(h.client, after);
    assert.deepEqual(a.GlobalSecondaryIndexes?.map((g) => g.IndexName), ['byG']);
    assert.equal((await scanAll(h.client, after, 'byG')).length, 6);
  });

  test('a source without PITR is PointInTimeRecoveryUnavailableException', async () => {
    const source = h.name();
    await createKeyedTable(h.client, source);
    const err = await sdkError(() =>
      h.client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: source, TargetTableName: h.name(), UseLatestRestorableTime: true })),
    );
    assert.equal(err.name, 'PointInTimeRecoveryUnavailableException');
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test('a time before the window or after the present is InvalidRestoreTimeException', async () => {
    const source = h.name();
    await createKeyedTable(h.client, source);
    await enablePitr(source);
    for (const RestoreDateTime of [new Date(Date.now() - 86_400_000), new Date(Date.now() + 3_600_000)]) {
      const target = h.name();
      const err = await sdkError(() => h.client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: source, TargetTableName: target, RestoreDateTime })));
      assert.equal(err.name, 'InvalidRestoreTimeException', RestoreDateTime.toISOString());
      const gone = await sdkError(() => h.client.send(new DescribeTableCommand({ TableName: target })));
      assert.equal(gone.name, 'ResourceNotFoundException');
    }
  });

  test('a missing source is TableNotFoundException; an existing target is TableAlreadyExistsException', async () => {
    const missing = h.name('missing');
    const notFound = await sdkError(() =>
      h.client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: missing, TargetTableName: h.name(), UseLatestRestorableTime: true })),
    );
    assert.equal(notFound.name, 'TableNotFoundException');
    assert.match(notFound.message, new RegExp(missing));

    const source = h.name();
    await createKeyedTable(h.client, source);
    await enablePitr(source);
    const exists = await sdkError(() =>
      h.client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: source, TargetTableName: source, UseLatestRestorableTime: true })),
    );
    assert.equal(exists.name, 'TableAlreadyExistsException');
  });

  test('naming no source table is a ValidationException', async () => {
    const noSource = await sdkError(() => h.client.send(new RestoreTableToPointInTimeCommand({ TargetTableName: h.name(), UseLatestRestorableTime: true })));
    assert.equal(noSource.name, 'ValidationException');
  });
});
