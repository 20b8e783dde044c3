// The README's "Pointing a client at it" snippets, run as written against a real endpoint (the
// engine in memory behind src/server): the AWS CLI one in a clean environment (no ~/.aws, no
// AWS_* variables but the snippet's own), the SDK for JavaScript one with node, the boto3 one with
// python3. The endpoint listens on the snippets' port 8000 when free; otherwise on another port,
// and only the URL in the snippet text is replaced.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../../src/engine/database';
import { startServer } from '../../src/server';

const ROOT = path.join(__dirname, '..', '..');
const README_URL = 'http://127.0.0.1:8000';
const TABLE = 'ReadmeSnippetTable';

/** The fenced blocks of one README section, by language. */
function snippets(section: string): Record<string, string> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${section}`);
  assert.ok(start >= 0, `README has a "${section}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const body = readme.slice(start, end < 0 ? undefined : end);
  const out: Record<string, string> = {};
  for (const m of body.matchAll(/```(\w+)\n([\s\S]*?)```/g)) out[m[1]!] = m[2]!;
  return out;
}

let db: Database;
let server: { url: string; close(): Promise<void> };
let blocks: Record<string, string>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-snippets-'));

before(async () => {
  db = await Database.open('', { inMemory: true });
  await db.execute('CreateTable', {
    TableName: TABLE,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  });
  try {
    server = await startServer({ db, host: '127.0.0.1', port: 8000 });
  } catch {
    server = await startServer({ db, host: '127.0.0.1', port: 0 });
  }
  blocks = Object.fromEntries(Object.entries(snippets('Pointing a client at it')).map(([lang, text]) => [lang, text.replaceAll(README_URL, server.url)]));
});
after(async () => {
  await server?.close();
  await db?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** An environment with nothing AWS in it: no variables, and a HOME without ~/.aws. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  env.HOME = tmp;
  return env;
}

/** Runs a client asynchronously: the endpoint it talks to lives in this process's event loop. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const hasCommand = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;

test('the AWS CLI snippet sets the region both for CLI v2 (AWS_REGION) and v1 (AWS_DEFAULT_REGION)', () => {
  assert.match(blocks.sh!, /\bAWS_REGION=\S+/);
  assert.match(blocks.sh!, /\bAWS_DEFAULT_REGION=\S+/);
});

test('the AWS CLI snippet, run as written, lists the tables', async (t) => {
  if (!hasCommand('aws', ['--version'])) return t.skip('the aws command is not installed');
  const r = await run('bash', ['-euc', blocks.sh!], cleanEnv());
  assert.equal(r.status, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).TableNames.includes(TABLE));
});

test('AWS CLI v1 refuses the snippet without AWS_DEFAULT_REGION (why the README sets it)', async (t) => {
  const version = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0 || !/aws-cli\/1\./.test(version.stdout + version.stderr)) return t.skip('needs AWS CLI v1');
  const withoutDefault = blocks.sh!.replace(/ AWS_DEFAULT_REGION=\S+/, '');
  const r = await run('bash', ['-euc', withoutDefault], cleanEnv());
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /must specify a region/);
});

test('the AWS SDK for JavaScript snippet, run as written, lists the tables', async () => {
  // inside the repository, so its imports resolve from node_modules
  const file = path.join(ROOT, 'test-artifacts', `readme-snippet-${process.pid}.mjs`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, blocks.js!);
  try {
    const r = await run(process.execPath, [file], cleanEnv());
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`TableNames: \\[ '${TABLE}' \\]`));
  } finally {
    fs.rmSync(file, { force: true });
  }
});

test('the boto3 snippet, run as written, lists the tables', async (t) => {
  if (!hasCommand('python3', ['-c', 'import boto3'])) return t.skip('python3 with boto3 is not installed');
  const r = await run('python3', ['-c', blocks.python!], cleanEnv());
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`'TableNames': \\['${TABLE}'\\]`));
});
