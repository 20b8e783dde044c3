// `serve --auth-keys` and DYNAMO_WORKSPACE_AUTH_KEYS, run as a user runs the CLI (a child process),
// and the key file formats they read.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { AuthKeysError, parseKeysFile, parseKeysList } from '../../src/server/auth/index';
import { startCli, type RunningCli } from './cli-process';
import { sdkError } from './harness';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'src/cli.ts');

function clientFor(url: string, accessKeyId: string, secretAccessKey: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

/** Starts `serve` from the source with `args` and `env`, in memory on a free port. */
function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningCli> {
  return startCli(['--import', 'tsx', CLI, 'serve', '--in-memory', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, DYNAMO_WORKSPACE_AUTH_KEYS: '', ...env },
    endpointLine: /^Dynamo Workspace endpoint: (\S+)$/,
    timeoutMs: 30_000,
  });
}

describe('serve with access keys', () => {
  test('--auth-keys with a JSON file serves the key holder and refuses another key and a wrong secret', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dw-auth-'));
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ AKIDFROMFILE: 'file-secret' }));
    const s = await serve(['--auth-keys', file]);
    try {
      const good = clientFor(s.url, 'AKIDFROMFILE', 'file-secret');
      assert.deepEqual((await good.send(new ListTablesCommand({}))).TableNames, []);
      good.destroy();
      const stranger = clientFor(s.url, 'AKIDOTHER', 'file-secret');
      assert.equal((await sdkError(() => stranger.send(new ListTablesCommand({})))).name, 'UnrecognizedClientException');
      stranger.destroy();
      const wrong = clientFor(s.url, 'AKIDFROMFILE', 'guess');
      assert.equal((await sdkError(() => wrong.send(new ListTablesCommand({})))).name, 'InvalidSignatureException');
      wrong.destroy();
      // stderr is written after the endpoint line; by now the requests above have flushed it.
      assert.match(s.stderr(), /must be signed .* AKIDFROMFILE/);
    } finally {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('DYNAMO_WORKSPACE_AUTH_KEYS alone turns verification on', async () => {
    const s = await serve([], { DYNAMO_WORKSPACE_AUTH_KEYS: 'AKIDENV1:env-secret-1,AKIDENV2:env-secret-2' });
    try {
      const second = clientFor(s.url, 'AKIDENV2', 'env-secret-2');
      assert.deepEqual((await second.send(new ListTablesCommand({}))).TableNames, []);
      second.destroy();
      const swapped = clientFor(s.url, 'AKIDENV1', 'env-secret-2');
      assert.equal((await sdkError(() => swapped.send(new ListTablesCommand({})))).name, 'InvalidSignatureException');
      swapped.destroy();
    } finally {
      await s.stop();
    }
  });

  test('an unreadable or empty keys file is a usage error (exit 2) that names the file, not a silent open endpoint', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dw-auth-'));
    try {
      const empty = path.join(dir, 'empty.json');
      writeFileSync(empty, '{}');
      for (const file of [path.join(dir, 'missing.json'), empty]) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve', '--in-memory', '--port', '0', '--auth-keys', file], {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 30_000,
        });
        assert.equal(r.status, 2, r.stderr);
        assert.ok(r.stderr.includes(file), r.stderr);
        assert.equal(r.stdout, '');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('key file formats', () => {
  test('an AWS credentials-style INI file gives one key per complete section', () => {
    const keys = parseKeysFile(
      '# local keys\n[default]\naws_access_key_id = AKIDA\naws_secret_access_key = secret/a+1\n\n[ci]\naws_access_key_id=AKIDB\naws_secret_access_key=b\nregion=eu-west-1\n',
      'keys.ini',
    );
    assert.deepEqual([...keys], [
      ['AKIDA', 'secret/a+1'],
      ['AKIDB', 'b'],
    ]);
  });

  test('incomplete or contradictory keys are refused with a message that never shows a secret', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => parseKeysFile('[x]\naws_access_key_id = AKIDA\n', 'f'), /section \[x\] needs both/],
      [() => parseKeysFile('{"AKIDA": 5}', 'f'), /must be a string/],
      [() => parseKeysFile('{"AKIDA": "s1"', 'f'), /not valid JSON/],
      [() => parseKeysList('AKIDA:topsecret,AKIDA:othersecret', 'env'), /given twice/],
      [() => parseKeysList('AKIDA', 'env'), /<access key id>:<secret access key>/],
      [() => parseKeysList(' , ', 'env'), /no access keys/],
    ];
    for (const [fn, message] of cases) {
      assert.throws(fn, (err: unknown) => err instanceof AuthKeysError && message.test(err.message) && !/secret\b.*(topsecret|othersecret|s1)/.test(err.message));
    }
  });
});
