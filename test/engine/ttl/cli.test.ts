// `dynamo-workspace serve --ttl-sweep-seconds`: the bundled CLI as users run it, with the AWS SDK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { CreateTableCommand, DescribeTimeToLiveCommand, PutItemCommand, ScanCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { startCli } from '../../server/cli-process';
import { sdkClient } from '../../server/harness';

const ROOT = path.resolve(__dirname, '../../..');
const ENDPOINT_LINE = /^Dynamo Workspace endpoint: (http:\/\/127\.0\.0\.1:\d+)$/;
let work: string;
let cli: string;

before(async () => {
  // A bundle of its own, so this suite never races another one building dist/cli.js.
  work = mkdtempSync(path.join(tmpdir(), 'dw-ttl-cli-'));
  cli = path.join(work, 'cli.js');
  await build({ entryPoints: [path.join(ROOT, 'src/cli.ts')], outfile: cli, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
});
after(() => rmSync(work, { recursive: true, force: true }));

test('--ttl-sweep-seconds is listed in the help and refuses values that are not seconds', () => {
  const help = spawnSync(process.execPath, [cli, 'serve', '--help'], { encoding: 'utf8' });
  assert.match(help.stdout, /--ttl-sweep-seconds <s>/);
  for (const bad of ['-1', 'soon', '1e3', '86401', '']) {
    const r = spawnSync(process.execPath, [cli, 'serve', '--in-memory', '--port', '0', `--ttl-sweep-seconds=${bad}`], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2, `'${bad}': ${r.stderr}`);
    assert.match(r.stderr, /--ttl-sweep-seconds must be a number of seconds from 0 to 86400/);
  }
});

test('serve --ttl-sweep-seconds 1 deletes an expired item within seconds, through the SDK', { timeout: 60_000 }, async () => {
  const s = await startCli([cli, 'serve', '--in-memory', '--port', '0', '--ttl-sweep-seconds', '1'], { cwd: work, endpointLine: ENDPOINT_LINE, timeoutMs: 20_000 });
  const client = sdkClient(s.url);
  try {
    await client.send(new CreateTableCommand({
      TableName: 'Sessions', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
    }));
    const update = await client.send(new UpdateTimeToLiveCommand({ TableName: 'Sessions', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));
    assert.deepEqual(update.TimeToLiveSpecification, { AttributeName: 'expiresAt', Enabled: true });
    const now = Math.floor(Date.now() / 1000);
    await client.send(new PutItemCommand({ TableName: 'Sessions', Item: { id: { S: 'old' }, expiresAt: { N: String(now - 60) } } }));
    await client.send(new PutItemCommand({ TableName: 'Sessions', Item: { id: { S: 'live' }, expiresAt: { N: String(now + 3600) } } }));
    const started = Date.now();
    let ids: string[] = [];
    while (Date.now() - started < 20_000) {
      ids = ((await client.send(new ScanCommand({ TableName: 'Sessions' }))).Items ?? []).map((i) => i.id!.S!).sort();
      if (ids.length === 1) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(ids, ['live']);
    const described = await client.send(new DescribeTimeToLiveCommand({ TableName: 'Sessions' }));
    assert.deepEqual(described.TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  } finally {
    client.destroy();
    await s.stop();
  }
});
