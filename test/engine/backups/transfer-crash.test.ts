// Kills a child process (SIGKILL) at random moments while it exports a table into a bucket
// folder, and while it imports a bucket's items into a new table, then reopens the folder and
// checks that nothing is half-made: no export or import is left IN_PROGRESS; every manifest in the
// bucket names only files that are there, whole, with the checksums and item counts it gives; a
// COMPLETED export holds the whole table; an import is COMPLETED with its whole table or FAILED
// with no table at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundledChild } from '../bundled-child';
import { Database } from '../../../src/engine/database';
import { readExport, settledImport } from './transfer-helpers';

const KILLS = Number(process.env.CRASH_KILLS ?? 8);
const ITEMS = 60_000;
const child = bundledChild(path.join(__dirname, 'transfer-crash-child.ts'), 'dw-transfer-crash-');
const OPTIONS = { throttling: false, ttlSweepIntervalMs: 0 };

/** A data folder holding table Tab (ITEMS items, PITR on) and the same items as a bucket object to import. */
async function prepare(dir: string): Promise<void> {
  const source = path.join(dir, 'buckets', 'crash', 'source');
  fs.mkdirSync(source, { recursive: true });
  const lines = Array.from({ length: ITEMS }, (_, i) => JSON.stringify({ Item: { pk: { S: `k${i}` }, n: { N: String(i) }, pad: { S: 'x'.repeat(40) } } }));
  fs.writeFileSync(path.join(source, 'items.json'), lines.join('\n'));
  const db = await Database.open(dir, OPTIONS);
  const out = (await db.execute('ImportTable', {
    S3BucketSource: { S3Bucket: 'crash', S3KeyPrefix: 'source/' },
    InputFormat: 'DYNAMODB_JSON',
    TableCreationParameters: { TableName: 'Tab', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] },
  })) as { ImportTableDescription: { ImportArn: string } };
  assert.equal((await settledImport(db, out.ImportTableDescription.ImportArn)).ImportedItemCount, ITEMS);
  await db.execute('UpdateContinuousBackups', { TableName: 'Tab', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
  await db.close();
}

/** Runs the child until it has started its export or import, lets it work `delayMs` (or until done when undefined), and kills it. */
async function runAndKill(dir: string, mode: 'export' | 'import', target: string, delayMs: number | undefined): Promise<{ arn: string; workedMs: number; finished: boolean }> {
  const proc = spawn(process.execPath, [child.script, dir, mode, target], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let out = '';
  let arn = '';
  let startedAt = 0;
  let finished = false;
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  proc.stderr.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve) => {
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /started (\S+)\n/.exec(out);
      if (m !== null && arn === '') {
        arn = m[1];
        startedAt = Date.now();
        if (delayMs !== undefined) setTimeout(resolve, delayMs);
      }
      if (out.includes('done\n')) {
        finished = true;
        resolve();
      }
    });
    void exited.then(() => resolve());
  });
  const workedMs = Date.now() - startedAt;
  proc.kill('SIGKILL');
  await exited;
  assert.equal(stderr, '', 'the child failed');
  assert.notEqual(arn, '', 'the child never started');
  return { arn, workedMs, finished };
}

/** Every manifest-summary.json under `folder`: each must name only whole files. */
function summaries(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return (fs.readdirSync(folder, { recursive: true }) as string[]).filter((f) => f.endsWith('manifest-summary.json')).map((f) => f.split(path.sep).join('/'));
}

test(`no export is half-made across ${KILLS} SIGKILLs during exports`, { timeout: 30 * 60 * 1000 }, async () => {
  const dir = path.join(child.work, 'export-data');
  await prepare(dir);
  // One run to the end measures how long an export takes; the kills land anywhere within it.
  const full = await runAndKill(dir, 'export', '', undefined);
  assert.ok(full.finished);
  const outcomes = { COMPLETED: 0, FAILED: 0 };
  for (let round = 0; round < KILLS; round++) {
    const { arn } = await runAndKill(dir, 'export', '', Math.random() * full.workedMs * 1.2);
    const db = await Database.open(dir, OPTIONS);
    const listed = (await db.execute('ListExports', {})) as { ExportSummaries: { ExportArn: string; ExportStatus: string }[] };
    for (const s of listed.ExportSummaries) assert.notEqual(s.ExportStatus, 'IN_PROGRESS', `round ${round}: ${s.ExportArn} left IN_PROGRESS`);
    const d = ((await db.execute('DescribeExport', { ExportArn: arn })) as { ExportDescription: Record<string, unknown> }).ExportDescription;
    outcomes[d.ExportStatus as 'COMPLETED' | 'FAILED']++;
    const bucket = path.join(dir, 'buckets', 'crash');
    if (d.ExportStatus === 'COMPLETED') assert.equal(readExport(bucket, d.ExportManifest as string).lines.length, ITEMS);
    // A manifest that made it to the bucket, whatever the catalog says, names whole files only.
    for (const key of summaries(bucket)) assert.equal(readExport(bucket, key).lines.length, ITEMS, `round ${round}: ${key}`);
    await db.close();
  }
  console.log(`export crash test: ${KILLS} kills, outcomes ${JSON.stringify(outcomes)}`);
});

test(`no import leaves a half table across ${KILLS} SIGKILLs during imports`, { timeout: 30 * 60 * 1000 }, async () => {
  const dir = path.join(child.work, 'import-data');
  await prepare(dir);
  const full = await runAndKill(dir, 'import', 'Copy-full', undefined);
  assert.ok(full.finished);
  const outcomes = { COMPLETED: 0, FAILED: 0 };
  for (let round = 0; round < KILLS; round++) {
    const target = `Copy-${round}`;
    const { arn } = await runAndKill(dir, 'import', target, Math.random() * full.workedMs * 1.2);
    const db = await Database.open(dir, OPTIONS);
    const d = ((await db.execute('DescribeImport', { ImportArn: arn })) as { ImportTableDescription: Record<string, unknown> }).ImportTableDescription;
    assert.notEqual(d.ImportStatus, 'IN_PROGRESS', `round ${round}: left IN_PROGRESS`);
    outcomes[d.ImportStatus as 'COMPLETED' | 'FAILED']++;
    const tables = ((await db.execute('ListTables', {})) as { TableNames: string[] }).TableNames;
    if (d.ImportStatus === 'COMPLETED') {
      const described = ((await db.execute('DescribeTable', { TableName: target })) as { Table: { TableStatus: string } }).Table;
      assert.equal(described.TableStatus, 'ACTIVE');
      assert.equal(db.table(target).itemCount, ITEMS, `round ${round}: a COMPLETED import holds every item`);
      assert.equal(d.ImportedItemCount, ITEMS);
    } else assert.ok(!tables.includes(target), `round ${round}: a FAILED import left table ${target}`);
    await db.close();
  }
  console.log(`import crash test: ${KILLS} kills, outcomes ${JSON.stringify(outcomes)}`);
});
