// kill -9 of the real server process (the bundled CLI, `serve --dir`) during a backup, a restore,
// an export and an import, at several moments after the request went out; then a restart on the
// same folder and checks that nothing acknowledged was lost and nothing is half-made:
// - the source table holds every item it held (all were acknowledged before the operation);
// - a backup is listed only AVAILABLE, and restores exactly those items; no backup file lingers
//   that no backup names;
// - a restored or imported table is absent, or ACTIVE with every item (never CREATING for ever,
//   never partial), and its name is free again when absent;
// - an export's summary manifest, when written, names data files holding exactly its items.
// The moments are fixed delays, not races to win: whichever phase the kill lands in, the same
// invariants must hold, so the test cannot pass or fail by timing alone.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  BatchWriteItemCommand,
  CreateBackupCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
  ListBackupsCommand,
  ListExportsCommand,
  ListImportsCommand,
  DescribeExportCommand,
  DescribeImportCommand,
  RestoreTableFromBackupCommand,
  UpdateContinuousBackupsCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { startCli, type RunningCli } from './cli-process';
import { KEYED_TABLE, createKeyedTable, sdkClient } from './harness';
import { scanAll, waitActive, waitUntil } from './backup-helpers';

const ROOT = path.resolve(__dirname, '../..');
const ENDPOINT_LINE = /^Dynamo Workspace endpoint: (http:\/\/127\.0\.0\.1:\d+)$/;
const ITEMS = 20_000;
/** Milliseconds between sending the request and the kill: before, during and (for 20,000 items, usually) after the work. */
const DELAYS = [0, 15, 60, 250, 2000];
let work: string;
let cli: string;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-crash-backups-'));
  // A bundle of its own, so this suite never races cli.test.ts over dist/cli.js.
  cli = path.join(work, 'cli.js');
  await build({ entryPoints: [path.join(ROOT, 'src/cli.ts')], outfile: cli, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface Server {
  run: RunningCli;
  client: DynamoDBClient;
}

async function serve(dir: string): Promise<Server> {
  const run = await startCli([cli, 'serve', '--dir', dir, '--port', '0'], { cwd: work, endpointLine: ENDPOINT_LINE, timeoutMs: 60_000 });
  return { run, client: sdkClient(run.url) };
}

async function kill(s: Server): Promise<void> {
  s.client.destroy();
  s.run.child.kill('SIGKILL');
  await s.run.exited;
}

async function stop(s: Server): Promise<void> {
  s.client.destroy();
  await s.run.stop();
}

/** A fresh folder whose table `src` holds ITEMS items (PITR on, for exports), served; returns the items. */
async function seeded(label: string): Promise<{ dir: string; s: Server; items: Awaited<ReturnType<typeof scanAll>> }> {
  const dir = path.join(work, label);
  const s = await serve(dir);
  await createKeyedTable(s.client, 'src');
  await s.client.send(new UpdateContinuousBackupsCommand({ TableName: 'src', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  const requests: WriteRequest[] = Array.from({ length: ITEMS }, (_, i) => ({
    PutRequest: { Item: { pk: { S: `p${i % 997}` }, sk: { N: String(i) }, v: { S: `value-${i}-`.padEnd(120, '.') } } },
  }));
  for (let i = 0; i < requests.length; i += 25 * 16) {
    await Promise.all(
      Array.from({ length: 16 }, (_, k) => requests.slice(i + k * 25, i + (k + 1) * 25)).filter((c) => c.length > 0).map((chunk) => s.client.send(new BatchWriteItemCommand({ RequestItems: { src: chunk } }))),
    );
  }
  return { dir, s, items: await scanAll(s.client, 'src') };
}

/** Sends the request, then kills the server `delay` ms later, whether or not it was answered. */
async function killDuring(s: Server, delay: number, send: () => Promise<unknown>): Promise<void> {
  const answered = send().then(
    () => true,
    () => false,
  );
  await new Promise((r) => setTimeout(r, delay));
  await kill(s);
  await answered;
}

async function assertTableWholeOrAbsent(client: DynamoDBClient, name: string, items: Awaited<ReturnType<typeof scanAll>>): Promise<boolean> {
  const exists = await client.send(new DescribeTableCommand({ TableName: name })).then(
    () => true,
    (e) => {
      assert.equal(e.name, 'ResourceNotFoundException');
      return false;
    },
  );
  if (exists) {
    await waitActive(client, name);
    assert.deepEqual(await scanAll(client, name), items, `${name} is whole`);
  } else {
    // The name is free again: nothing half-made holds it.
    await createKeyedTable(client, name);
  }
  return exists;
}

describe('kill -9 through the server, then restart', () => {
  test('during CreateBackup: the table is whole, a listed backup is AVAILABLE and whole, and no stray backup file remains', async (t) => {
    const { dir, s: first, items } = await seeded('backup');
    let s = first;
    for (const delay of DELAYS) {
      await killDuring(s, delay, () => s.client.send(new CreateBackupCommand({ TableName: 'src', BackupName: `b-${delay}` })));
      s = await serve(dir);
      assert.deepEqual(await scanAll(s.client, 'src'), items, `after a kill at ${delay} ms`);
    }
    const backups = (await s.client.send(new ListBackupsCommand({ TableName: 'src' }))).BackupSummaries ?? [];
    for (const b of backups) {
      assert.equal(b.BackupStatus, 'AVAILABLE', b.BackupName);
      const target = `r-${b.BackupName}`;
      await s.client.send(new RestoreTableFromBackupCommand({ TargetTableName: target, BackupArn: b.BackupArn }));
      await waitActive(s.client, target);
      assert.deepEqual(await scanAll(s.client, target), items, `restore of ${b.BackupName}`);
    }
    const files = fs.readdirSync(path.join(dir, 'backups')).filter((f) => f !== 'catalog');
    assert.equal(files.length, backups.length, `backup files ${files.join(', ')} match the ${backups.length} listed backups`);
    t.diagnostic(`${backups.length} of ${DELAYS.length} killed backups survived`);
    await stop(s);
  });

  test('during RestoreTableFromBackup: the restored table is absent or whole, never CREATING or partial', async (t) => {
    const { dir, s: first, items } = await seeded('restore');
    let s = first;
    const arn = (await s.client.send(new CreateBackupCommand({ TableName: 'src', BackupName: 'base' }))).BackupDetails!.BackupArn!;
    await waitUntil(
      async () => (await s.client.send(new DescribeBackupCommand({ BackupArn: arn }))).BackupDescription!.BackupDetails!.BackupStatus,
      (st) => st === 'AVAILABLE',
      'the backup',
    );
    let restored = 0;
    for (const delay of DELAYS) {
      const target = `r-${delay}`;
      await killDuring(s, delay, () => s.client.send(new RestoreTableFromBackupCommand({ TargetTableName: target, BackupArn: arn })));
      s = await serve(dir);
      assert.deepEqual(await scanAll(s.client, 'src'), items);
      if (await assertTableWholeOrAbsent(s.client, target, items)) restored++;
    }
    t.diagnostic(`${restored} of ${DELAYS.length} killed restores had completed`);
    // After every crash, a restore left alone completes whole.
    await s.client.send(new RestoreTableFromBackupCommand({ TargetTableName: 'final', BackupArn: arn }));
    await waitActive(s.client, 'final');
    assert.deepEqual(await scanAll(s.client, 'final'), items);
    await stop(s);
  });

  test('during ExportTableToPointInTime: a written summary manifest names data files holding exactly its items', async (t) => {
    const { dir, s: first, items } = await seeded('export');
    let s = first;
    for (const delay of DELAYS) {
      const arn = (await s.client.send(new DescribeTableCommand({ TableName: 'src' }))).Table!.TableArn!;
      await killDuring(s, delay, () => s.client.send(new ExportTableToPointInTimeCommand({ TableArn: arn, S3Bucket: 'crash', S3Prefix: `at-${delay}` })));
      s = await serve(dir);
      assert.deepEqual(await scanAll(s.client, 'src'), items);
      const exports = (await s.client.send(new ListExportsCommand({ TableArn: arn }))).ExportSummaries ?? [];
      for (const e of exports) {
        // An export cut short must not stay IN_PROGRESS for ever: it fails or completes after the restart.
        const d = await waitUntil(
          async () => (await s.client.send(new DescribeExportCommand({ ExportArn: e.ExportArn }))).ExportDescription!,
          (x) => x.ExportStatus !== 'IN_PROGRESS',
          'the export settles',
        );
        assert.ok(d.ExportStatus === 'COMPLETED' || d.ExportStatus === 'FAILED', d.ExportStatus);
      }
    }
    const bucket = path.join(dir, 'buckets', 'crash');
    const summaries = findFiles(bucket, 'manifest-summary.json');
    t.diagnostic(`${summaries.length} of ${DELAYS.length} killed exports had written their summary manifest`);
    for (const summaryPath of summaries) {
      const summary = JSON.parse(fs.readFileSync(summaryPath, 'utf8'));
      const listed = fs.readFileSync(path.join(bucket, summary.manifestFilesS3Key), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const lines = listed.flatMap((f: { dataFileS3Key: string }) =>
        gunzipSync(fs.readFileSync(path.join(bucket, f.dataFileS3Key))).toString('utf8').split('\n').filter(Boolean),
      );
      assert.equal(lines.length, summary.itemCount, summaryPath);
      assert.equal(summary.itemCount, items.length, summaryPath);
    }
    await stop(s);
  });

  test('during ImportTable: the imported table is absent or whole, and the import does not stay IN_PROGRESS', async (t) => {
    const { dir, s: first, items } = await seeded('import');
    let s = first;
    const source = path.join(dir, 'buckets', 'in', 'data');
    fs.mkdirSync(source, { recursive: true });
    fs.writeFileSync(path.join(source, 'items.json'), items.map((Item) => JSON.stringify({ Item })).join('\n') + '\n');
    let imported = 0;
    for (const delay of DELAYS) {
      const target = `imp-${delay}`;
      await killDuring(s, delay, () =>
        s.client.send(
          new ImportTableCommand({
            S3BucketSource: { S3Bucket: 'in', S3KeyPrefix: 'data/' },
            InputFormat: 'DYNAMODB_JSON',
            TableCreationParameters: { TableName: target, ...KEYED_TABLE },
          }),
        ),
      );
      s = await serve(dir);
      assert.deepEqual(await scanAll(s.client, 'src'), items);
      const imports = (await s.client.send(new ListImportsCommand({}))).ImportSummaryList ?? [];
      for (const i of imports) {
        const d = await waitUntil(
          async () => (await s.client.send(new DescribeImportCommand({ ImportArn: i.ImportArn }))).ImportTableDescription!,
          (x) => x.ImportStatus !== 'IN_PROGRESS',
          'the import settles',
        );
        assert.ok(['COMPLETED', 'FAILED', 'CANCELLED'].includes(d.ImportStatus!), d.ImportStatus);
      }
      if (await assertTableWholeOrAbsent(s.client, target, items)) imported++;
    }
    t.diagnostic(`${imported} of ${DELAYS.length} killed imports had completed`);
    await stop(s);
  });
});

function findFiles(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f) === name).map((f) => path.join(dir, f));
}
