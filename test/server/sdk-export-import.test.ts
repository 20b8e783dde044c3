// ExportTableToPointInTime, DescribeExport, ListExports, ImportTable, DescribeImport and
// ListImports through the real AWS SDK v3 client over HTTP, with a temporary folder standing in
// for S3 (DatabaseOptions.bucketsRoot: each bucket is a folder under it). The export's files are
// read back from disk in the layout DynamoDB writes to S3 (AWSDynamoDB/<export id>/manifest-*.json,
// data/*.json.gz), and imports read files written the way users (or DynamoDB's exports) write them.
// Invariant checked throughout: nothing is ever written outside the buckets root.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DescribeExportCommand,
  DescribeImportCommand,
  DescribeTableCommand,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
  ListExportsCommand,
  ListImportsCommand,
  UpdateContinuousBackupsCommand,
  type AttributeValue,
  type ExportDescription,
  type ImportTableCommandInput,
  type ImportTableDescription,
} from '@aws-sdk/client-dynamodb';
import { KEYED_TABLE, createKeyedTable, sdkError, startHarness, type Harness } from './harness';
import { putItems, scanAll, secondBetween, waitActive, waitUntil } from './backup-helpers';

let h: Harness;
/** The server's clock runs this far ahead of the real one: incremental exports need a 15-minute period. */
let offset = 0;
let work: string;
let root: string;
before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-sdk-export-'));
  root = path.join(work, 'buckets');
  fs.mkdirSync(root);
  h = await startHarness({ bucketsRoot: root, now: () => Date.now() + offset });
});
after(async () => {
  await h.close();
  // Only the buckets root may have gained files: the work folder holds nothing else.
  assert.deepEqual(fs.readdirSync(work), ['buckets']);
  fs.rmSync(work, { recursive: true, force: true });
});

async function tableWithPitr(n: number): Promise<{ name: string; arn: string }> {
  const name = h.name();
  await createKeyedTable(h.client, name);
  await h.client.send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  await putItems(h.client, name, n, 'exported');
  const arn = (await h.client.send(new DescribeTableCommand({ TableName: name }))).Table!.TableArn!;
  return { name, arn };
}

function waitExport(ExportArn: string): Promise<ExportDescription> {
  return waitUntil(
    async () => (await h.client.send(new DescribeExportCommand({ ExportArn }))).ExportDescription!,
    (d) => d.ExportStatus !== 'IN_PROGRESS',
    `export ${ExportArn}`,
  );
}

function waitImport(ImportArn: string): Promise<ImportTableDescription> {
  return waitUntil(
    async () => (await h.client.send(new DescribeImportCommand({ ImportArn }))).ImportTableDescription!,
    (d) => d.ImportStatus !== 'IN_PROGRESS',
    `import ${ImportArn}`,
  );
}

/** The files of an export as DynamoDB lays them out: its folder, summary manifest and data files. */
function readExport(bucket: string, d: ExportDescription): { folder: string; summary: any; dataFiles: string[] } {
  const summaryPath = path.join(root, bucket, d.ExportManifest!);
  const summary = JSON.parse(fs.readFileSync(summaryPath, 'utf8'));
  const folder = path.dirname(summaryPath);
  const files = fs
    .readFileSync(path.join(root, bucket, summary.manifestFilesS3Key), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return { folder, summary, dataFiles: files.map((f: { dataFileS3Key: string }) => path.join(root, bucket, f.dataFileS3Key)) };
}

function jsonLines(files: string[]): any[] {
  return files.flatMap((f) => gunzipSync(fs.readFileSync(f)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
}

/** secondBetween on the server's clock (the offset is whole minutes, so a whole second stays one). */
const serverSecondBetween = async (): Promise<Date> => new Date((await secondBetween()).getTime() + offset);

const sortItems = (items: Record<string, AttributeValue>[]) => items.sort((a, b) => JSON.stringify([a.pk, a.sk]).localeCompare(JSON.stringify([b.pk, b.sk])));

function importInput(bucket: string, prefix: string, TableName: string, extra: Partial<ImportTableCommandInput> = {}): ImportTableCommandInput {
  return {
    S3BucketSource: { S3Bucket: bucket, S3KeyPrefix: prefix },
    InputFormat: 'DYNAMODB_JSON',
    TableCreationParameters: { TableName, ...KEYED_TABLE },
    ...extra,
  };
}

describe('ExportTableToPointInTime', () => {
  test('a full DYNAMODB_JSON export writes the manifests and gzipped data files DynamoDB writes, holding every item', async () => {
    const { name, arn } = await tableWithPitr(25);
    const items = await scanAll(h.client, name);
    const started = (await h.client.send(new ExportTableToPointInTimeCommand({ TableArn: arn, S3Bucket: 'exports', S3Prefix: 'nightly' }))).ExportDescription!;
    assert.match(started.ExportArn!, new RegExp(`^${arn.replace(/[.$]/g, '\\$&')}/export/[A-Za-z0-9-]+$`));
    assert.equal(started.TableArn, arn);
    assert.ok(started.ExportStatus === 'IN_PROGRESS' || started.ExportStatus === 'COMPLETED');
    assert.equal(started.S3Bucket, 'exports');
    assert.equal(started.ExportFormat, 'DYNAMODB_JSON');

    const done = await waitExport(started.ExportArn!);
    assert.equal(done.ExportStatus, 'COMPLETED', done.FailureMessage);
    assert.equal(done.ItemCount, 25);
    assert.ok(done.EndTime instanceof Date && done.StartTime instanceof Date);
    assert.match(done.ExportManifest!, /^nightly\/AWSDynamoDB\/[A-Za-z0-9-]+\/manifest-summary\.json$/);
    const { folder, summary, dataFiles } = readExport('exports', done);
    assert.ok(folder.startsWith(path.join(root, 'exports', 'nightly', 'AWSDynamoDB')));
    assert.equal(summary.exportArn, done.ExportArn);
    assert.equal(summary.itemCount, 25);
    assert.equal(summary.outputFormat, 'DYNAMODB_JSON');
    assert.ok(fs.existsSync(path.join(folder, 'manifest-files.json')));
    assert.ok(dataFiles.length >= 1 && dataFiles.every((f) => f.endsWith('.json.gz') && f.startsWith(path.join(folder, 'data'))));
    const lines = jsonLines(dataFiles);
    assert.deepEqual(sortItems(lines.map((l) => l.Item)), items);
  });

  test('an export at an earlier second holds the table as it was then', async () => {
    const { name, arn } = await tableWithPitr(4);
    const then = await scanAll(h.client, name);
    const t = await serverSecondBetween();
    await putItems(h.client, name, 3, 'later', 10);
    const started = (await h.client.send(new ExportTableToPointInTimeCommand({ TableArn: arn, S3Bucket: 'exports', ExportTime: t }))).ExportDescription!;
    const done = await waitExport(started.ExportArn!);
    assert.equal(done.ExportStatus, 'COMPLETED', done.FailureMessage);
    assert.equal(done.ExportTime?.getTime(), t.getTime());
    assert.deepEqual(sortItems(jsonLines(readExport('exports', done).dataFiles).map((l) => l.Item)), then);
  });

  test('an ION export writes Ion text data files, one Item per value', async () => {
    const { arn } = await tableWithPitr(6);
    const started = (await h.client.send(new ExportTableToPointInTimeCommand({ TableArn: arn, S3Bucket: 'exports', ExportFormat: 'ION' }))).ExportDescription!;
    const done = await waitExport(started.ExportArn!);
    assert.equal(done.ExportStatus, 'COMPLETED', done.FailureMessage);
    const { dataFiles } = readExport('exports', done);
    assert.ok(dataFiles.every((f) => f.endsWith('.ion.gz')));
    const text = dataFiles.map((f) => gunzipSync(fs.readFileSync(f)).toString('utf8')).join('\n');
    assert.match(text, /^\$ion_1_0/);
    assert.equal(text.match(/\bItem\s*:/g)?.length, 6);
  });

  test('an incremental export holds the changes of its period with new and old images', async () => {
    const { name, arn } = await tableWithPitr(3);
    const from = await serverSecondBetween();
    // DynamoDB's shortest incremental period is 15 minutes: the server's clock jumps 16.
    offset += 16 * 60_000;
    await putItems(h.client, name, 2, 'changed', 1);
    const to = await serverSecondBetween();
    const started = (
      await h.client.send(
        new ExportTableToPointInTimeCommand({
          TableArn: arn,
          S3Bucket: 'exports',
          ExportType: 'INCREMENTAL_EXPORT',
          IncrementalExportSpecification: { ExportFromTime: from, ExportToTime: to, ExportViewType: 'NEW_AND_OLD_IMAGES' },
        }),
      )
    ).ExportDescription!;
    assert.equal(started.ExportType, 'INCREMENTAL_EXPORT');
    const done = await waitExport(started.ExportArn!);
    assert.equal(done.ExportStatus, 'COMPLETED', done.FailureMessage);
    const lines = jsonLines(readExport('exports', done).dataFiles);
    assert.equal(lines.length, 2);
    for (const l of lines) {
      assert.ok(l.Metadata?.WriteTimestampMicros, JSON.stringify(l));
      assert.equal(l.NewImage.tag.S, 'changed');
      assert.equal(l.OldImage.tag.S, 'exported');
      assert.deepEqual(Object.keys(l.Keys).sort(), ['pk', 'sk']);
    }
  });

  test('ListExports lists a table\'s exports; DescribeExport of an unknown ARN is ExportNotFoundException', async () => {
    const { arn } = await tableWithPitr(1);
    const a = (await h.client.send(new ExportTableToPointInTimeCommand({ TableArn: arn, S3Bucket: 'exports' }))).ExportDescription!;
    await waitExport(a.ExportArn!);
    const listed = await h.client.send(new ListExportsCommand({ TableArn: arn }));
    assert.deepEqual(listed.ExportSummaries?.map((s) => s.ExportArn), [a.ExportArn]);
    assert.equal(listed.ExportSummaries?.[0]?.ExportStatus, 'COMPLETED');
    const err = await sdkError(() => h.client.send(new DescribeExportCommand({ ExportArn: `${arn}/export/01700000000000-deadbeef` })));
    assert.equal(err.name, 'ExportNotFoundException');
  });

  test('a table without PITR is PointInTimeRecoveryUnavailableException; a missing table TableNotFoundException', async () => {
    const name = h.name();
    await createKeyedTable(h.client, name);
    const arn = (await h.client.send(new DescribeTableCommand({ TableName: name }))).Table!.TableArn!;
    const off = await sdkError(() => h.client.send(new ExportTableToPointInTimeCommand({ TableArn: arn, S3Bucket: 'exports' })));
    assert.equal(off.name, 'PointInTimeRecoveryUnavailableException');
    const missing = await sdkError(() => h.client.send(new ExportTableToPointInTimeCommand({ TableArn: arn.replace(name, h.name('missing')), S3Bucket: 'exports' })));
    assert.equal(missing.name, 'TableNotFoundException');
  });

  test('an export time in the future is InvalidExportTimeException', async () => {
    const { arn } = await tableWithPitr(1);
    const err = await sdkError(() => h.client.send(new ExportTableToPointInTimeCommand({ TableArn: arn, S3Bucket: 'exports', ExportTime: new Date(Date.now() + offset + 3_600_000) })));
    assert.equal(err.name, 'InvalidExportTimeException');
  });

  test('a bucket name or prefix that would leave the buckets root is refused with a ValidationException', async () => {
    const { arn } = await tableWithPitr(1);
    for (const [S3Bucket, S3Prefix] of [
      ['..', undefined],
      ['exports', '../../escaped'],
      ['exports', '/etc/escaped'],
      ['a/b', undefined],
    ] as const) {
      const err = await sdkError(() => h.client.send(new ExportTableToPointInTimeCommand({ TableArn: arn, S3Bucket, S3Prefix })));
      assert.equal(err.name, 'ValidationException', `${S3Bucket} ${S3Prefix}`);
    }
    assert.ok(!fs.existsSync(path.join(work, 'escaped')));
  });
});

describe('ImportTable', () => {
  test('imports gzipped DYNAMODB_JSON into a new table, counting the lines it could not import', async () => {
    const bucket = 'imports';
    const dir = path.join(root, bucket, 'batch1');
    fs.mkdirSync(dir, { recursive: true });
    const good = Array.from({ length: 40 }, (_, i) => ({ pk: { S: `p${i}` }, sk: { N: String(i) }, v: { S: 'x'.repeat(i) } }));
    const lines = good.map((Item) => JSON.stringify({ Item }));
    // Two lines DynamoDB cannot import: one without its sort key, one that is not JSON.
    lines.splice(10, 0, JSON.stringify({ Item: { pk: { S: 'nosk' } } }), '{not json');
    fs.writeFileSync(path.join(dir, 'part-0.json.gz'), gzipSync(lines.slice(0, 20).join('\n') + '\n'));
    fs.writeFileSync(path.join(dir, 'part-1.json.gz'), gzipSync(lines.slice(20).join('\n') + '\n'));

    const target = h.name('imported');
    const started = (await h.client.send(new ImportTableCommand(importInput(bucket, 'batch1/', target, { InputCompressionType: 'GZIP' })))).ImportTableDescription!;
    assert.match(started.ImportArn!, /^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table\/.+\/import\/[A-Za-z0-9-]+$/);
    assert.ok(started.ImportStatus === 'IN_PROGRESS' || started.ImportStatus === 'COMPLETED');
    const creating = (await h.client.send(new DescribeTableCommand({ TableName: target }))).Table!;
    assert.ok(creating.TableStatus === 'CREATING' || creating.TableStatus === 'ACTIVE');

    const done = await waitImport(started.ImportArn!);
    assert.equal(done.ImportStatus, 'COMPLETED', done.FailureMessage);
    assert.equal(done.ImportedItemCount, 40);
    assert.equal(done.ErrorCount, 2);
    assert.equal(done.ProcessedItemCount, 42);
    assert.equal(done.TableArn, creating.TableArn);
    await waitActive(h.client, target);
    assert.deepEqual(await scanAll(h.client, target), sortItems(good));
  });

  test('imports CSV with a header list and a delimiter, every value a string but the key types', async () => {
    const bucket = 'imports';
    fs.mkdirSync(path.join(root, bucket, 'csv'), { recursive: true });
    fs.writeFileSync(path.join(root, bucket, 'csv', 'rows.csv'), 'a;1;red\nb;2;blue\nc;3;\n');
    const target = h.name('csv');
    const started = (
      await h.client.send(
        new ImportTableCommand(importInput(bucket, 'csv/', target, { InputFormat: 'CSV', InputFormatOptions: { Csv: { Delimiter: ';', HeaderList: ['pk', 'sk', 'colour'] } } })),
      )
    ).ImportTableDescription!;
    const done = await waitImport(started.ImportArn!);
    assert.equal(done.ImportStatus, 'COMPLETED', done.FailureMessage);
    assert.equal(done.ImportedItemCount, 3);
    assert.equal(done.ErrorCount, 0);
    await waitActive(h.client, target);
    const items = await scanAll(h.client, target);
    assert.deepEqual(items[0], { pk: { S: 'a' }, sk: { N: '1' }, colour: { S: 'red' } });
    assert.deepEqual(items[1], { pk: { S: 'b' }, sk: { N: '2' }, colour: { S: 'blue' } });
    assert.equal(items.length, 3);
  });

  test('an export of a table imports back into an identical table', async () => {
    const { name, arn } = await tableWithPitr(15);
    const items = await scanAll(h.client, name);
    const exp = await waitExport((await h.client.send(new ExportTableToPointInTimeCommand({ TableArn: arn, S3Bucket: 'roundtrip' }))).ExportDescription!.ExportArn!);
    const dataPrefix = path.posix.join(path.posix.dirname(exp.ExportManifest!), 'data') + '/';
    const target = h.name('back');
    const started = (await h.client.send(new ImportTableCommand(importInput('roundtrip', dataPrefix, target, { InputCompressionType: 'GZIP' })))).ImportTableDescription!;
    const done = await waitImport(started.ImportArn!);
    assert.equal(done.ImportStatus, 'COMPLETED', done.FailureMessage);
    await waitActive(h.client, target);
    assert.deepEqual(await scanAll(h.client, target), items);
  });

  test('importing onto an existing table name is ResourceInUseException and leaves that table alone', async () => {
    const existing = h.name();
    await createKeyedTable(h.client, existing);
    fs.mkdirSync(path.join(root, 'imports', 'one'), { recursive: true });
    fs.writeFileSync(path.join(root, 'imports', 'one', 'x.json'), JSON.stringify({ Item: { pk: { S: 'a' }, sk: { N: '1' } } }) + '\n');
    const err = await sdkError(() => h.client.send(new ImportTableCommand(importInput('imports', 'one/', existing))));
    assert.equal(err.name, 'ResourceInUseException');
    assert.deepEqual(await scanAll(h.client, existing), []);
  });

  test('ListImports lists an import; DescribeImport of an unknown ARN is ImportNotFoundException', async () => {
    fs.mkdirSync(path.join(root, 'imports', 'listed'), { recursive: true });
    fs.writeFileSync(path.join(root, 'imports', 'listed', 'x.json'), JSON.stringify({ Item: { pk: { S: 'a' }, sk: { N: '1' } } }) + '\n');
    const target = h.name('listed');
    const arn = (await h.client.send(new ImportTableCommand(importInput('imports', 'listed/', target)))).ImportTableDescription!.ImportArn!;
    await waitImport(arn);
    const tableArn = (await h.client.send(new DescribeTableCommand({ TableName: target }))).Table!.TableArn!;
    const listed = await h.client.send(new ListImportsCommand({ TableArn: tableArn }));
    assert.deepEqual(listed.ImportSummaryList?.map((s) => s.ImportArn), [arn]);
    assert.equal(listed.ImportSummaryList?.[0]?.ImportStatus, 'COMPLETED');
    const err = await sdkError(() => h.client.send(new DescribeImportCommand({ ImportArn: `${tableArn}/import/01700000000000-deadbeef` })));
    assert.equal(err.name, 'ImportNotFoundException');
  });

  test('an InputFormat outside DYNAMODB_JSON, ION and CSV, or a bucket path leaving the root, is a ValidationException', async () => {
    const bad = await sdkError(() => h.client.send(new ImportTableCommand(importInput('imports', 'one/', h.name(), { InputFormat: 'PARQUET' as never }))));
    assert.equal(bad.name, 'ValidationException');
    const escape = await sdkError(() => h.client.send(new ImportTableCommand(importInput('imports', '../../', h.name()))));
    assert.equal(escape.name, 'ValidationException');
  });
});
