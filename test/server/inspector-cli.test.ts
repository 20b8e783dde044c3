// `dynamo-workspace serve --record-requests`: the CLI records the requests it serves and prints one
// line each to stderr; without the flag it prints none; a bad size is a usage error. Runs the CLI
// from source in a child process, as the other CLI suites run the bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startCli } from './cli-process';
import { KEYED_TABLE, sdkClient, sdkError } from './harness';

const ROOT = path.resolve(__dirname, '../..');
const ARGV = ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'serve', '--in-memory', '--port', '0'];
const ENDPOINT_LINE = /^Dynamo Workspace endpoint: (http:\/\/127\.0\.0\.1:\d+)$/;

async function waitFor(what: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 25));
}

test('serve --record-requests prints one line per request with its operation, table, key, status and client', async () => {
  const cli = await startCli([...ARGV, '--record-requests=50'], { cwd: ROOT, endpointLine: ENDPOINT_LINE, timeoutMs: 30_000 });
  const client = sdkClient(cli.url);
  try {
    await client.send(new CreateTableCommand({ TableName: 'logged', ...KEYED_TABLE }));
    await client.send(new PutItemCommand({ TableName: 'logged', Item: { pk: { S: 'k' }, sk: { N: '1' }, secret: { S: 'item-value-not-logged' } } }));
    await sdkError(() => client.send(new GetItemCommand({ TableName: 'missing', Key: { pk: { S: 'k' } } })));
    await waitFor(() => cli.stderr().includes('GetItem missing'));
    const lines = cli.stderr().split('\n').filter((l) => / · /.test(l));
    assert.equal(lines.length, 3, cli.stderr());
    assert.match(lines[0]!, /CreateTable logged .* ok/);
    assert.match(lines[1]!, /PutItem logged · pk = "k", sk = 1, … 3 attributes · ok · 1 WCU · [\d.]+ ms · aws-sdk-js\/3\./);
    assert.match(lines[2]!, /GetItem missing · pk = "k" · not-found \(ResourceNotFoundException\)/);
    assert.ok(!cli.stderr().includes('item-value-not-logged'), 'item contents stay out of the log');
    assert.ok(!cli.stderr().includes('AKIDEXAMPLE'), 'credentials stay out of the log');
  } finally {
    client.destroy();
    await cli.stop();
  }
});

test('serve without --record-requests prints no request lines', async () => {
  const cli = await startCli(ARGV, { cwd: ROOT, endpointLine: ENDPOINT_LINE, timeoutMs: 30_000 });
  const client = sdkClient(cli.url);
  try {
    await client.send(new CreateTableCommand({ TableName: 'quiet', ...KEYED_TABLE }));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!cli.stderr().includes('CreateTable'), cli.stderr());
  } finally {
    client.destroy();
    await cli.stop();
  }
});

test('a size that is not a whole number from 1 to 1000000 is a usage error', () => {
  const r = spawnSync(process.execPath, [...ARGV, '--record-requests=lots'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--record-requests takes a number of requests from 1 to 1000000, not 'lots'/);
});
