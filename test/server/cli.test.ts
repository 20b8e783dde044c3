// The bundled CLI as users run it: `node dist/cli.js serve ...`.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { CreateTableCommand, DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startCli, type RunningCli } from './cli-process';
import { sdkClient } from './harness';
import { rawRequest } from './raw-http';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const ENDPOINT_LINE = /^Dynamo Workspace endpoint: (http:\/\/127\.0\.0\.1:\d+)$/;

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function serve(args: string[]): Promise<RunningCli> {
  return startCli([CLI, 'serve', ...args], { cwd: ROOT, endpointLine: ENDPOINT_LINE, timeoutMs: 20_000 });
}

before(async () => {
  // Build the CLI bundle the way esbuild.mjs does, so the test never runs a stale one.
  await build({
    entryPoints: [path.join(ROOT, 'src/cli.ts')],
    outfile: CLI,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'silent',
    banner: { js: '#!/usr/bin/env node' },
  });
});

describe('dynamo-workspace CLI', () => {
  test('--help prints usage and exits 0', () => {
    for (const args of [['--help'], ['-h'], ['serve', '--help']]) {
      const r = run(args);
      assert.equal(r.status, 0, args.join(' '));
      assert.match(r.stdout, /^Usage: dynamo-workspace <command>/);
      assert.match(r.stdout, /--in-memory/);
    }
  });

  test('no command, an unknown command or a bad option exit 2 with a message', () => {
    let r = run([]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Usage:/);
    r = run(['frobnicate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    r = run(['serve', '--port', 'eighty']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--port must be an integer/);
    r = run(['serve', '--bogus']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bogus/);
    for (const bad of ['0', '1.5', 'lots']) {
      r = run(['serve', '--in-memory', '--log-history-mb', bad]);
      assert.equal(r.status, 2, bad);
      assert.match(r.stderr, /--log-history-mb must be a whole number of MiB, at least 1/);
    }
  });

  test('serve --in-memory --port 0: prints the endpoint first, serves the API, exits 0 on SIGTERM', async () => {
    const s = await serve(['--in-memory', '--port', '0']);
    try {
      const health = await rawRequest(s.url, { method: 'GET' });
      assert.equal(health.status, 200);
      assert.equal(health.text, 'healthy: dynamodb.us-east-1.amazonaws.com ');
      const client = sdkClient(s.url);
      const res = await client.send(new ListTablesCommand({}));
      assert.deepEqual(res.TableNames, []);
      client.destroy();
    } finally {
      s.child.kill('SIGTERM');
    }
    assert.deepEqual(await s.exited, { code: 0, signal: null });
  });

  test('SIGINT stops it cleanly too', async () => {
    const s = await serve(['--in-memory', '--port', '0']);
    s.child.kill('SIGINT');
    assert.deepEqual(await s.exited, { code: 0, signal: null });
  });

  test('a data folder: advertised endpoint, a second serve refused with the owner endpoint, data kept across restarts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dw-cli-'));
    try {
      const first = await serve(['--dir', dir, '--port', '0']);
      let firstExit;
      try {
        assert.equal(readFileSync(path.join(dir, 'ENDPOINT'), 'utf8').trim(), first.url);
        const client = sdkClient(first.url);
        await client.send(
          new CreateTableCommand({
            TableName: 'kept',
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
        client.destroy();

        const second = spawnSync(process.execPath, [CLI, 'serve', '--dir', dir, '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
        assert.equal(second.status, 3);
        assert.ok(second.stderr.includes(first.url), second.stderr);
        assert.match(second.stderr, /already open in process \d+/);
        assert.equal(second.stdout, '');
      } finally {
        first.child.kill('SIGTERM');
        firstExit = await first.exited;
      }
      assert.deepEqual(firstExit, { code: 0, signal: null });
      assert.ok(!existsSync(path.join(dir, 'LOCK')));

      const again = await serve(['--dir', dir, '--port', '0']);
      try {
        const client = sdkClient(again.url);
        const t = await client.send(new DescribeTableCommand({ TableName: 'kept' }));
        assert.equal(t.Table?.TableName, 'kept');
        client.destroy();
      } finally {
        again.child.kill('SIGTERM');
      }
      assert.deepEqual(await again.exited, { code: 0, signal: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a busy port is a clear error, exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = run(['serve', '--in-memory', '--port', String(port)]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.equal(r.stdout, '');
    } finally {
      blocker.close();
    }
  });
});

describe('dynamo-workspace serve: who may connect', () => {
  async function stderrMatches(s: RunningCli, pattern: RegExp): Promise<void> {
    const give = Date.now() + 10_000;
    while (!pattern.test(s.stderr())) {
      if (Date.now() > give) assert.fail(`stderr never matched ${pattern}: ${s.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  test('--host 0.0.0.0 prints a loopback URL that works, the bind address, and a warning about the network', async () => {
    const s = await serve(['--in-memory', '--port', '0', '--host', '0.0.0.0']);
    try {
      await stderrMatches(s, /WARNING: the database is reachable from the network without credentials/);
      assert.match(s.stderr(), /Listening on http:\/\/0\.0\.0\.0:\d+ \(every network interface\)/);
      assert.equal((await rawRequest(s.url, { method: 'GET' })).status, 200);
    } finally {
      s.child.kill('SIGTERM');
    }
    await s.exited;
  });

  test('the default loopback bind prints no network warning', async () => {
    const s = await serve(['--in-memory', '--port', '0']);
    try {
      await stderrMatches(s, /Press Ctrl\+C to stop/);
      assert.doesNotMatch(s.stderr(), /WARNING/);
    } finally {
      s.child.kill('SIGTERM');
    }
    await s.exited;
  });

  test('--allow-origin lets that web origin call the endpoint; others still get 403', async () => {
    const s = await serve(['--in-memory', '--port', '0', '--allow-origin', 'http://localhost:3000', '--allow-origin', 'https://app.example']);
    try {
      const headers = { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.ListTables', Authorization: 'AWS4-HMAC-SHA256 Credential=x' };
      for (const origin of ['http://localhost:3000', 'https://app.example']) {
        const ok = await rawRequest(s.url, { headers: { ...headers, Origin: origin }, body: '{}' });
        assert.equal(ok.status, 200, origin);
        assert.equal(ok.headers['access-control-allow-origin'], origin);
      }
      const refused = await rawRequest(s.url, { headers: { ...headers, Origin: 'http://localhost:3001' }, body: '{}' });
      assert.equal(refused.status, 403);
      assert.equal(refused.json().__type, 'com.amazon.coral.service#AccessDeniedException');
    } finally {
      s.child.kill('SIGTERM');
    }
    await s.exited;
  });

  test('--allow-host adds a host name; malformed --allow-origin and --allow-host values exit 2', async () => {
    const s = await serve(['--in-memory', '--port', '0', '--allow-host', 'devbox.local']);
    try {
      const port = new URL(s.url).port;
      assert.equal((await rawRequest(s.url, { method: 'GET', headers: { Host: `devbox.local:${port}` } })).status, 200);
      assert.equal((await rawRequest(s.url, { method: 'GET', headers: { Host: `other.local:${port}` } })).status, 403);
    } finally {
      s.child.kill('SIGTERM');
    }
    await s.exited;
    for (const [flag, value, message] of [
      ['--allow-origin', 'localhost:3000', /--allow-origin takes an origin/],
      ['--allow-origin', 'http://localhost:3000/app', /--allow-origin takes an origin/],
      ['--allow-host', 'devbox.local:8000', /--allow-host takes a host name/],
    ] as const) {
      const r = run(['serve', '--in-memory', flag, value]);
      assert.equal(r.status, 2, value);
      assert.match(r.stderr, message);
    }
  });
});
