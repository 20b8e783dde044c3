// `dynamo-workspace serve --buckets`: the bundled CLI as users run it, with the AWS SDK's
// ImportTable and DescribeImport; without the flag an in-memory server refuses, saying what to do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { DescribeImportCommand, ImportTableCommand, ScanCommand, type ImportTableCommandInput } from '@aws-sdk/client-dynamodb';
import { startCli } from '../../server/cli-process';
import { sdkClient } from '../../server/harness';

const ROOT = path.resolve(__dirname, '../../..');
const ENDPOINT_LINE = /^Dynamo Workspace endpoint: (http:\/\/127\.0\.0\.1:\d+)$/;
let work: string;
let cli: string;

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'dw-buckets-cli-'));
  cli = path.join(work, 'cli.js');
  await build({ entryPoints: [path.join(ROOT, 'src/cli.ts')], outfile: cli, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
});
after(() => rmSync(work, { recursive: true, force: true }));

const IMPORT: ImportTableCommandInput = {
  S3BucketSource: { S3Bucket: 'incoming' },
  InputFormat: 'CSV',
  TableCreationParameters: {
    TableName: 'Cities',
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  },
};

test('serve --in-memory --buckets imports a CSV object from a bucket folder, through the SDK', { timeout: 60_000 }, async () => {
  const buckets = path.join(work, 'buckets');
  mkdirSync(path.join(buckets, 'incoming'), { recursive: true });
  writeFileSync(path.join(buckets, 'incoming', 'cities.csv'), 'pk,country\nLyon,FR\nOsaka,JP\n');
  const s = await startCli([cli, 'serve', '--in-memory', '--port', '0', '--buckets', buckets], { cwd: work, endpointLine: ENDPOINT_LINE, timeoutMs: 20_000 });
  const client = sdkClient(s.url);
  try {
    const started = await client.send(new ImportTableCommand(IMPORT));
    const arn = started.ImportTableDescription!.ImportArn!;
    let status = started.ImportTableDescription!.ImportStatus;
    while (status === 'IN_PROGRESS') {
      await new Promise((r) => setTimeout(r, 20));
      status = (await client.send(new DescribeImportCommand({ ImportArn: arn }))).ImportTableDescription!.ImportStatus;
    }
    assert.equal(status, 'COMPLETED');
    const items = (await client.send(new ScanCommand({ TableName: 'Cities' }))).Items!;
    assert.deepEqual(items.map((i) => i.country.S).sort(), ['FR', 'JP']);
  } finally {
    client.destroy();
    await s.stop();
  }
});

test('serve --in-memory without --buckets refuses ImportTable with a ValidationException that names the flag', { timeout: 60_000 }, async () => {
  const s = await startCli([cli, 'serve', '--in-memory', '--port', '0'], { cwd: work, endpointLine: ENDPOINT_LINE, timeoutMs: 20_000 });
  const client = sdkClient(s.url);
  try {
    await assert.rejects(client.send(new ImportTableCommand(IMPORT)), (e: Error) => {
      assert.equal(e.name, 'ValidationException');
      assert.match(e.message, /--buckets/);
      return true;
    });
  } finally {
    client.destroy();
    await s.stop();
  }
});
