// ExportTableToPointInTime, DescribeExport and ListExports against the engine, in memory (with a
// buckets root) and on disk: the S3 layout and manifests DynamoDB writes, the table as it was at
// ExportTime, incremental exports of the changes in a period, DynamoDB's errors, and a bucket
// name or prefix never reaching outside the buckets root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ion from 'ion-js';
import { Database } from '../../../src/engine/database';
import { Clock, enablePitr, openMemory, options, simpleTable, sortedItem, withDataDir } from './pitr-helpers';
import { exportTable, readExport, rejectsWith, settledExport, settledImport as settledImportOf, withBuckets } from './transfer-helpers';

const MINUTE = 60_000;

async function put(db: Database, pk: string, extra: Record<string, unknown> = {}): Promise<void> {
  await db.execute('PutItem', { TableName: 'Tab', Item: { pk: { S: pk }, ...extra } });
}

function arnOf(db: Database, name = 'Tab'): string {
  return db.table(name).meta.arn;
}

test('a full export writes the table as it was at ExportTime in DynamoDB S3 layout, with manifests whose checksums match', async () => {
  await withBuckets(async (root) => {
    const clock = new Clock();
    const db = await openMemory(clock, { bucketsRoot: root });
    await simpleTable(db);
    await enablePitr(db);
    clock.advance(MINUTE);
    for (let i = 0; i < 30; i++) await put(db, `k${i}`, { n: { N: String(i) }, l: { L: [{ S: 'x' }, { NS: ['1', '2.5'] }] } });
    const exportTime = clock.advance(MINUTE);
    // Changes after ExportTime are not in the export.
    clock.advance(MINUTE);
    await put(db, 'k0', { n: { N: '999' } });
    await db.execute('DeleteItem', { TableName: 'Tab', Key: { pk: { S: 'k1' } } });
    await put(db, 'late');
    clock.advance(1000);

    const started = await exportTable(db, { TableArn: arnOf(db), S3Bucket: 'my-bucket', S3Prefix: 'exports/2026', ExportTime: exportTime / 1000 });
    assert.equal(started.ExportStatus, 'IN_PROGRESS');
    assert.match(started.ExportArn as string, /^arn:aws:dynamodb:us-east-1:000000000000:table\/Tab\/export\/\d{14}-[0-9a-f]{8}$/);
    const done = await settledExport(db, started.ExportArn as string);
    assert.equal(done.ExportStatus, 'COMPLETED', String(done.FailureMessage));
    assert.equal(done.ItemCount, 30);
    assert.equal(done.ExportFormat, 'DYNAMODB_JSON');
    assert.equal(done.ExportType, 'FULL_EXPORT');
    assert.equal(done.ExportTime, exportTime / 1000);
    const id = (started.ExportArn as string).split('/').pop()!;
    assert.equal(done.ExportManifest, `exports/2026/AWSDynamoDB/${id}/manifest-summary.json`);
    const bucket = path.join(root, 'my-bucket');
    assert.ok(fs.existsSync(path.join(bucket, 'exports/2026/AWSDynamoDB', id, '_started')));

    const { summary, lines } = readExport(bucket, done.ExportManifest as string);
    assert.equal(summary.itemCount, 30);
    assert.equal(summary.outputFormat, 'DYNAMODB_JSON');
    assert.equal(summary.exportArn, started.ExportArn);
    assert.equal(summary.tableArn, arnOf(db));
    assert.equal(summary.s3Bucket, 'my-bucket');
    assert.equal(summary.billedSizeBytes, done.BilledSizeBytes);
    assert.equal(summary.exportTime, new Date(exportTime).toISOString());
    const items = lines.map((l) => (JSON.parse(l) as { Item: Record<string, { S?: string; N?: string }> }).Item);
    const byKey = new Map(items.map((i) => [i.pk.S, i]));
    assert.equal(byKey.size, 30);
    assert.equal(byKey.get('k0')!.n.N, '0', 'the value at ExportTime, not the later one');
    assert.ok(byKey.has('k1'), 'deleted after ExportTime, so still exported');
    assert.ok(!byKey.has('late'));
    assert.deepEqual(sortedItem(byKey.get('k7')!), sortedItem({ pk: { S: 'k7' }, n: { N: '7' }, l: { L: [{ S: 'x' }, { NS: ['1', '2.5'] }] } }));
    await db.close();
  });
});

test('an ION export writes Ion text that reads back as the same items, numbers as decimals and sets annotated', async () => {
  await withBuckets(async (root) => {
    const clock = new Clock();
    const db = await openMemory(clock, { bucketsRoot: root });
    await simpleTable(db);
    await enablePitr(db);
    clock.advance(MINUTE);
    await put(db, 'a', { n: { N: '-1.5E-130' }, big: { N: '12345678901234567890123456789012345678' }, b: { B: 'aGk=' }, ss: { SS: ['x', 'y'] }, ns: { NS: ['1', '2'] }, bs: { BS: ['AQ=='] }, t: { BOOL: true }, z: { NULL: true }, m: { M: { in: { S: 'side' } } } });
    clock.advance(1000);
    const started = await exportTable(db, { TableArn: arnOf(db), S3Bucket: 'b1', ExportFormat: 'ION' });
    const done = await settledExport(db, started.ExportArn as string);
    assert.equal(done.ExportStatus, 'COMPLETED', String(done.FailureMessage));
    const { files, lines } = readExport(path.join(root, 'b1'), done.ExportManifest as string);
    assert.match(files[0].dataFileS3Key, /^AWSDynamoDB\/[^/]+\/data\/[0-9a-f]+\.ion\.gz$/);
    assert.equal(lines.length, 1);
    const item = ion.load(lines[0])!.get('Item')!;
    assert.equal(item.get('n')!.getType(), ion.IonTypes.DECIMAL);
    assert.equal(item.get('n')!.decimalValue()!.toString(), '-1.5E-130');
    assert.equal(item.get('big')!.decimalValue()!.getCoefficient(), 12345678901234567890123456789012345678n);
    assert.deepEqual(item.get('ss')!.getAnnotations(), ['$dynamodb_SS']);
    assert.deepEqual(item.get('ns')!.getAnnotations(), ['$dynamodb_NS']);
    assert.equal(Buffer.from(item.get('b')!.uInt8ArrayValue()!).toString(), 'hi');
    assert.equal(item.get('z')!.isNull(), true);
    assert.equal(item.get('m', 'in')!.stringValue(), 'side');
    await db.close();
  });
});

/** Runs `fn` on a database in memory, or on one in a fresh data folder, with buckets under `root`. */
async function onDatabase(where: 'memory' | 'disk', clock: Clock, root: string, fn: (db: Database) => Promise<void>): Promise<void> {
  if (where === 'memory') {
    const db = await openMemory(clock, { bucketsRoot: root });
    return fn(db).finally(() => db.close());
  }
  await withDataDir(async (dir) => {
    const db = await Database.open(dir, options(clock, { bucketsRoot: root }));
    return fn(db).finally(() => db.close());
  });
}

for (const where of ['memory', 'disk'] as const) test(`an incremental export (${where}) writes each item changed in the period once, with its keys, new and old images and write time`, async () => {
  await withBuckets(async (root) => {
    const clock = new Clock();
    await onDatabase(where, clock, root, async (db) => {
      await simpleTable(db);
      await enablePitr(db);
      await put(db, 'same', { v: { N: '1' } });
      await put(db, 'changed', { v: { N: '1' } });
      await put(db, 'gone', { v: { N: '1' } });
      const from = clock.advance(MINUTE);
      clock.advance(1000);
      await put(db, 'changed', { v: { N: '2' } });
      const lastWrite = clock.advance(1000);
      await put(db, 'changed', { v: { N: '3' } });
      await db.execute('DeleteItem', { TableName: 'Tab', Key: { pk: { S: 'gone' } } });
      await put(db, 'new', { v: { N: '1' } });
      const to = clock.advance(20 * MINUTE);
      clock.advance(MINUTE);
      await put(db, 'after', { v: { N: '1' } });

      const started = await exportTable(db, {
        TableArn: arnOf(db),
        S3Bucket: 'inc',
        ExportType: 'INCREMENTAL_EXPORT',
        IncrementalExportSpecification: { ExportFromTime: from / 1000, ExportToTime: to / 1000, ExportViewType: 'NEW_AND_OLD_IMAGES' },
      });
      const done = await settledExport(db, started.ExportArn as string);
      assert.equal(done.ExportStatus, 'COMPLETED', String(done.FailureMessage));
      assert.deepEqual(done.IncrementalExportSpecification, { ExportFromTime: from / 1000, ExportToTime: to / 1000, ExportViewType: 'NEW_AND_OLD_IMAGES' });
      const { summary, files, lines } = readExport(path.join(root, 'inc'), done.ExportManifest as string);
      assert.equal(summary.exportType, 'INCREMENTAL_EXPORT');
      assert.equal(summary.outputView, 'NEW_AND_OLD_IMAGES');
      assert.match(files[0].dataFileS3Key, /^AWSDynamoDB\/data\//, 'incremental data goes to the shared data folder');
      type Line = { Keys: { pk: { S: string } }; NewImage?: { v: { N: string } }; OldImage?: { v: { N: string } }; Metadata: { WriteTimestampMicros: { N: string } } };
      const byKey = new Map((lines.map((l) => JSON.parse(l)) as Line[]).map((l) => [l.Keys.pk.S, l]));
      assert.deepEqual([...byKey.keys()].sort(), ['changed', 'gone', 'new']);
      assert.equal(byKey.get('changed')!.NewImage!.v.N, '3');
      assert.equal(byKey.get('changed')!.OldImage!.v.N, '1');
      assert.equal(byKey.get('changed')!.Metadata.WriteTimestampMicros.N, String(lastWrite * 1000));
      assert.equal(byKey.get('gone')!.NewImage, undefined);
      assert.equal(byKey.get('gone')!.OldImage!.v.N, '1');
      assert.equal(byKey.get('new')!.OldImage, undefined);
    });
  });
});

test('export refuses a table without PITR, a missing table, a time outside the window and a bad incremental period with DynamoDB errors', async () => {
  await withBuckets(async (root) => {
    const clock = new Clock();
    const db = await openMemory(clock, { bucketsRoot: root });
    await simpleTable(db);
    await rejectsWith(exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk' }), 'PointInTimeRecoveryUnavailableException', /not enabled for table 'Tab'/);
    await rejectsWith(exportTable(db, { TableArn: arnOf(db).replace('Tab', 'Nope'), S3Bucket: 'bk' }), 'TableNotFoundException');
    await enablePitr(db);
    const enabled = clock.ms;
    clock.advance(MINUTE);
    await rejectsWith(exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk', ExportTime: (enabled - 1000) / 1000 }), 'InvalidExportTimeException');
    await rejectsWith(exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk', ExportTime: (clock.ms + 5000) / 1000 }), 'InvalidExportTimeException');
    await rejectsWith(exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk', ExportTime: 'yesterday' }), 'SerializationException');
    await rejectsWith(exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk', ExportType: 'INCREMENTAL_EXPORT' }), 'ValidationException', /ExportFromTime/);
    clock.advance(30 * MINUTE);
    const spec = (fromMs: number, toMs: number) => ({ ExportFromTime: fromMs / 1000, ExportToTime: toMs / 1000 });
    await rejectsWith(exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk', ExportType: 'INCREMENTAL_EXPORT', IncrementalExportSpecification: spec(enabled, enabled + MINUTE) }), 'ValidationException', /15 minutes/);
    await rejectsWith(
      exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk', ExportType: 'INCREMENTAL_EXPORT', IncrementalExportSpecification: spec(enabled - MINUTE, enabled + 20 * MINUTE) }),
      'InvalidExportTimeException',
    );
    await rejectsWith(exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk', ExportFormat: 'CSV' }), 'ValidationException', /enum value set: \[DYNAMODB_JSON, ION\]/);
    await rejectsWith(exportTable(db, { S3Bucket: 'bk' }), 'ValidationException', /tableArn/);
    await db.close();
  });
});

test('a bucket name or prefix never reaches outside the buckets root, through .., an absolute path or a symlink', async () => {
  await withBuckets(async (root) => {
    const clock = new Clock();
    const outside = fs.mkdtempSync(path.join(path.dirname(root), 'dw-outside-'));
    try {
      const db = await openMemory(clock, { bucketsRoot: root });
      await simpleTable(db);
      await enablePitr(db);
      clock.advance(1000);
      const arn = arnOf(db);
      await rejectsWith(exportTable(db, { TableArn: arn, S3Bucket: '..' }), 'ValidationException');
      await rejectsWith(exportTable(db, { TableArn: arn, S3Bucket: 'bk', S3Prefix: '../../escape' }), 'ValidationException', /'\.\.'/);
      await rejectsWith(exportTable(db, { TableArn: arn, S3Bucket: 'bk', S3Prefix: '/etc' }), 'ValidationException');
      await rejectsWith(exportTable(db, { TableArn: arn, S3Bucket: 'bk', S3Prefix: 'a\\..\\..' }), 'ValidationException');
      fs.symlinkSync(outside, path.join(root, 'linked'));
      await rejectsWith(exportTable(db, { TableArn: arn, S3Bucket: 'linked' }), 'ValidationException', /outside/);
      fs.mkdirSync(path.join(root, 'b2'));
      fs.symlinkSync(outside, path.join(root, 'b2', 'inner'));
      await rejectsWith(exportTable(db, { TableArn: arn, S3Bucket: 'b2', S3Prefix: 'inner/x' }), 'ValidationException', /outside/);
      assert.deepEqual(fs.readdirSync(outside), [], 'nothing was written outside the root');
      await db.close();
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

test('a database in memory without bucketsRoot refuses export clearly', async () => {
  const clock = new Clock();
  const db = await openMemory(clock);
  await simpleTable(db);
  await enablePitr(db);
  clock.advance(1000);
  await rejectsWith(exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk' }), 'ValidationException', /bucketsRoot/);
  await db.close();
});

test('ListExports pages through exports by table with MaxResults and NextToken, and DescribeExport of an unknown ARN is ExportNotFoundException', async () => {
  await withBuckets(async (root) => {
    const clock = new Clock();
    const db = await openMemory(clock, { bucketsRoot: root });
    await simpleTable(db);
    await simpleTable(db, 'Other');
    await enablePitr(db);
    await enablePitr(db, 'Other');
    clock.advance(1000);
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) arns.push((await exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk' })).ExportArn as string);
    await exportTable(db, { TableArn: arnOf(db, 'Other'), S3Bucket: 'bk' });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = (await db.execute('ListExports', { TableArn: arnOf(db), MaxResults: 2, ...(token ? { NextToken: token } : {}) })) as {
        ExportSummaries: { ExportArn: string; ExportType: string }[];
        NextToken?: string;
      };
      assert.ok(page.ExportSummaries.length <= 2);
      for (const s of page.ExportSummaries) {
        assert.equal(s.ExportType, 'FULL_EXPORT');
        seen.push(s.ExportArn);
      }
      token = page.NextToken;
    } while (token !== undefined);
    assert.deepEqual(seen, arns);
    const all = (await db.execute('ListExports', {})) as { ExportSummaries: unknown[] };
    assert.equal(all.ExportSummaries.length, 6);
    await rejectsWith(db.execute('ListExports', { NextToken: 'zz' }), 'ValidationException');
    await rejectsWith(db.execute('ListExports', { MaxResults: 26 }), 'ValidationException', /less than or equal to 25/);
    await rejectsWith(db.execute('DescribeExport', { ExportArn: `${arnOf(db)}/export/01234567890123-00000000` }), 'ExportNotFoundException');
    for (const arn of arns) await settledExport(db, arn);
    await db.close();
  });
});

test('the export catalog survives a reopen, and the default buckets root is the data folder\'s buckets folder', async () => {
  await withDataDir(async (dir) => {
    const clock = new Clock();
    let db = await Database.open(dir, options(clock));
    await simpleTable(db);
    await enablePitr(db);
    clock.advance(1000);
    await put(db, 'a');
    clock.advance(1000);
    const started = await exportTable(db, { TableArn: arnOf(db), S3Bucket: 'local' });
    const done = await settledExport(db, started.ExportArn as string);
    assert.equal(done.ExportStatus, 'COMPLETED', String(done.FailureMessage));
    assert.equal(readExport(path.join(dir, 'buckets', 'local'), done.ExportManifest as string).lines.length, 1);
    await db.close();
    db = await Database.open(dir, options(clock));
    assert.deepEqual(await settledExport(db, started.ExportArn as string), done);
    await db.close();
  });
});

test('a repeated ClientToken returns the same export, and the token on a different request is ExportConflictException', async () => {
  await withBuckets(async (root) => {
    const clock = new Clock();
    const db = await openMemory(clock, { bucketsRoot: root });
    await simpleTable(db);
    await enablePitr(db);
    clock.advance(1000);
    const first = await exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk', ClientToken: 'tok' });
    const again = await exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk', ClientToken: 'tok' });
    assert.equal(again.ExportArn, first.ExportArn);
    await rejectsWith(exportTable(db, { TableArn: arnOf(db), S3Bucket: 'other', ClientToken: 'tok' }), 'ExportConflictException');
    await settledExport(db, first.ExportArn as string);
    await db.close();
  });
});

test('closing the database mid-export stops it: after a reopen it is FAILED and no summary manifest was written', async () => {
  await withDataDir(async (dir) => {
    const clock = new Clock();
    const source = path.join(dir, 'buckets', 'bk', 'src');
    fs.mkdirSync(source, { recursive: true });
    fs.writeFileSync(path.join(source, 'x.json'), Array.from({ length: 30_000 }, (_, i) => `{"Item":{"pk":{"S":"k${i}"}}}`).join('\n'));
    let db = await Database.open(dir, options(clock));
    const imported = (await db.execute('ImportTable', {
      S3BucketSource: { S3Bucket: 'bk', S3KeyPrefix: 'src/' },
      InputFormat: 'DYNAMODB_JSON',
      TableCreationParameters: { TableName: 'Tab', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] },
    })) as { ImportTableDescription: { ImportArn: string } };
    await settledImportOf(db, imported.ImportTableDescription.ImportArn);
    await enablePitr(db);
    clock.advance(1000);
    const started = await exportTable(db, { TableArn: arnOf(db), S3Bucket: 'bk', S3Prefix: 'out' });
    await db.close();
    db = await Database.open(dir, options(clock));
    const after = ((await db.execute('DescribeExport', { ExportArn: started.ExportArn })) as { ExportDescription: Record<string, unknown> }).ExportDescription;
    assert.equal(after.ExportStatus, 'FAILED');
    assert.equal(after.FailureCode, 'InternalServerError');
    const id = (started.ExportArn as string).split('/').pop()!;
    assert.ok(!fs.existsSync(path.join(dir, 'buckets', 'bk', 'out', 'AWSDynamoDB', id, 'manifest-summary.json')));
    await db.close();
  });
});

test('exporting an empty table completes with ItemCount 0 and one empty data file, as DynamoDB writes for an empty partition', async () => {
  await withBuckets(async (root) => {
    const clock = new Clock();
    const db = await openMemory(clock, { bucketsRoot: root });
    await simpleTable(db);
    await enablePitr(db);
    clock.advance(1000);
    const done = await settledExport(db, (await exportTable(db, { TableArn: arnOf(db), S3Bucket: 'empty-out' })).ExportArn as string);
    assert.equal(done.ExportStatus, 'COMPLETED', String(done.FailureMessage));
    assert.equal(done.ItemCount, 0);
    assert.equal(done.BilledSizeBytes, 0);
    const { files, lines } = readExport(path.join(root, 'empty-out'), done.ExportManifest as string);
    assert.equal(files.length, 1);
    assert.equal(files[0].itemCount, 0);
    assert.deepEqual(lines, []);
    await db.close();
  });
});
